"""'Show as PyTorch code': a short, runnable script that does exactly the current run.

The script is plain PyTorch in the tutorial's style (tensors w and b, ``forward``,
``criterion``, ``loss.backward()``), with the same data, batches, optimiser and
hyperparameters as the engine, so it reproduces the app's trajectory step for step
(a test runs it and compares). Newton's method and the diagonal preconditioner are gdviewer's own
optimisers: the script defines their classes, copied from ``core/second_order.py``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from gdviewer import __version__
from gdviewer.core.conditioning import KIND_LABELS, XTransform
from gdviewer.core.config import ALGORITHM_LABELS, OPTIMIZER_LABELS, DataConfig, RunConfig
from gdviewer.core.data import Dataset

#: Up to this many points are written into the script itself when the data came from a file.
MAX_EMBEDDED_POINTS = 2000

#: The second-order optimisers: the script defines their classes (gdviewer's own, copied verbatim).
SECOND_ORDER_CLASSES = {"newton": "Newton", "diagonal": "DiagonalPreconditionedGD"}
SECOND_ORDER_BASE = "SecondOrderOptimizer"


def _num(value: float) -> str:
    """A float literal that reads back to the same double."""
    text = repr(float(value))
    return text


def _data_lines(data: DataConfig | None, dataset: Dataset | None) -> list[str]:
    if dataset is not None and dataset.source != "synthetic":
        if dataset.n > MAX_EMBEDDED_POINTS:
            return [
                f"# {dataset.n:,} points from {dataset.source}: two numeric columns x, y",
                "import numpy as np",
                f"with open({dataset.source!r}, encoding='utf-8-sig') as file:",
                "    first = next(line for line in file if line.strip() and not line.lstrip().startswith('#'))",
                "delimiter = next((d for d in ',;\\t' if d in first), None)  # as gdviewer reads it; None: spaces",
                f"table = np.genfromtxt({dataset.source!r}, delimiter=delimiter, usecols=(0, 1), comments='#',",
                "                      encoding='utf-8-sig')",
                "table = table[~np.isnan(table).any(axis=1)]  # drops a header row",
                "X = torch.tensor(table[:, :1], dtype=torch.float32)",
                "Y = torch.tensor(table[:, 1:2], dtype=torch.float32)",
            ]
        xs = ", ".join(_num(v) for v in dataset.x.tolist())
        ys = ", ".join(_num(v) for v in dataset.y.tolist())
        return [
            f"# {dataset.n} points from {dataset.source}",
            f"X = torch.tensor([{xs}]).view(-1, 1)",
            f"Y = torch.tensor([{ys}]).view(-1, 1)",
        ]
    c = data or DataConfig()
    lines = [
        f"# The data: y = {_num(c.slope)}·x{' + ' + _num(c.intercept) if c.intercept else ''} "
        f"+ {_num(c.noise)}·noise, noise seed {c.seed}",
        f"generator = torch.Generator().manual_seed({c.seed})  # same numbers as torch.manual_seed({c.seed})",
    ]
    if c.n_points is None:
        lines.append(f"X = torch.arange({_num(c.x_start)}, {_num(c.x_stop)}, {_num(c.x_step)}).view(-1, 1)")
    else:
        lines.append(f"X = torch.linspace({_num(c.x_start)}, {_num(c.x_stop)}, {c.n_points}).view(-1, 1)")
    intercept = f" + {_num(c.intercept)}" if c.intercept else ""
    lines.append(f"Y = {_num(c.slope)} * X{intercept} + {_num(c.noise)} * torch.randn(X.size(), generator=generator)")
    return lines


@cache
def _second_order_sources() -> dict[str, str]:
    """The source of each class in ``core/second_order.py``, read as text (not imported: the
    window exports scripts without loading torch), so the script steps with the very code the
    app steps with."""
    path = Path(__file__).with_name("second_order.py")
    text = path.read_text(encoding="utf-8")
    return {node.name: ast.get_source_segment(text, node) or "" for node in ast.parse(text).body
            if isinstance(node, ast.ClassDef)}


def _second_order_lines(run: RunConfig) -> list[str]:
    """The optimiser's class (and its base), defined in the script itself."""
    sources = _second_order_sources()
    return [
        "# The optimiser is gdviewer's own, copied here so that this script needs nothing but torch.",
        "# It needs the batch loss again (to differentiate twice): optimizer.step(closure), as torch.optim's LBFGS.",
        sources[SECOND_ORDER_BASE], "", "", sources[SECOND_ORDER_CLASSES[run.optimizer]], "", "",
    ]


def _optimizer_line(run: RunConfig) -> str | None:
    name = run.optimizer
    if name == "gd":
        return None
    if name in SECOND_ORDER_CLASSES:
        return f"optimizer = {SECOND_ORDER_CLASSES[name]}([w, b], lr={_num(run.lr)})"
    if name == "sgd":
        return f"optimizer = torch.optim.SGD([w, b], lr={_num(run.lr)})"
    if name == "momentum":
        return f"optimizer = torch.optim.SGD([w, b], lr={_num(run.lr)}, momentum={_num(run.momentum)})"
    if name == "nesterov":
        return (f"optimizer = torch.optim.SGD([w, b], lr={_num(run.lr)}, momentum={_num(run.momentum)}, "
                "nesterov=True)")
    if name == "adam":
        return (f"optimizer = torch.optim.Adam([w, b], lr={_num(run.lr)}, betas=({_num(run.beta1)}, "
                f"{_num(run.beta2)}), eps={_num(run.eps)})")
    if name == "rmsprop":
        return (f"optimizer = torch.optim.RMSprop([w, b], lr={_num(run.lr)}, alpha={_num(run.alpha)}, "
                f"eps={_num(run.eps)})")
    return f"optimizer = torch.optim.Adagrad([w, b], lr={_num(run.lr)}, eps={_num(run.eps)})"


def _transform_lines(transform: XTransform | None) -> list[str]:
    """x′ = (x − c)/s in float64, stored as float32: the operations gdviewer does (conditioning.py)."""
    if transform is None or transform.identity:
        return []
    return [
        f"# The run trains on {KIND_LABELS[transform.kind]}: {transform.formula()} (the answer is mapped back below)",
        f"x_shift, x_scale = {_num(transform.center)}, {_num(transform.scale)}",
        "X = ((X.double() - x_shift) / x_scale).float()",
    ]


def _steering_setup(run: RunConfig, has_optimizer: bool) -> list[str]:
    """The schedule (torch's LambdaLR: lr · f(step)), the changes made while it trained and the
    early stops, as the engine applies them (``core/steering.py``)."""
    steered = not run.schedule.constant or bool(run.changes)
    if not steered and not run.stop.any:
        return []
    out = ["steps_per_epoch = len(range(0, len(X), batch_size))", "total_steps = epochs * steps_per_epoch"]
    if steered:
        out += ["", "",
                "def schedule(t):",
                f"    return {run.schedule.expression()}  # {run.schedule.describe()}",
                ""]
        if has_optimizer:
            out.append("scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)  # lr: base · schedule(t)")
        else:
            out.append("base_lr = lr  # the tutorial's update: lr = base_lr · schedule(step)")
        changes: dict[int, list[tuple[str, float]]] = {}
        for c in run.changes:
            changes.setdefault(c.step, []).append((c.field, c.value))
        out += [f"changes = {changes!r}  # made while it trained: from that step on", "", "",
                "def change(name, value, step):"]
        if has_optimizer:
            out += ["    group = optimizer.param_groups[0]",
                    '    if name == "lr":',
                    "        scheduler.base_lrs[0] = value",
                    '        group["lr"] = value * schedule(step)',
                    '    elif name == "momentum":',
                    '        group["momentum"] = value',
                    "    else:",
                    '        b1, b2 = group["betas"]',
                    '        group["betas"] = (value, b2) if name == "beta1" else (b1, value)']
        else:
            out += ["    global base_lr", "    base_lr = value"]
        out.append("")
    if run.stop.any:
        st = run.stop
        out += ["",
                f"# Stop early: {st.describe()} (full-data loss and gradient in float64)",
                "from collections import deque",
                "Xd, Yd = X.double().view(-1), Y.double().view(-1)",
                f"recent = deque([criterion(forward(X), Y).item()], maxlen={st.window + 1})", "", "",
                "def stop_reason(step, samples):",
                "    with torch.no_grad():",
                "        r = w.double() * Xd + b.double() - Yd",
                "        loss, gw, gb = (r * r).mean().item(), 2 * (r * Xd).mean().item(), 2 * r.mean().item()",
                "    recent.append(loss)"]
        checks = [(st.target, "loss <= {!r}", "target loss reached"),
                  (st.grad_norm, "math.hypot(gw, gb) < {!r}", "gradient norm below epsilon"),
                  (st.plateau, "len(recent) == recent.maxlen and abs(recent[0] - loss) < {!r}", "plateau"),
                  (st.max_steps, "step >= {!r}", "step budget used"),
                  (st.max_samples, "samples >= {!r}", "sample budget used")]
        for value, condition, why in checks:
            if value is not None:
                out += [f"    if {condition.format(value)}:", f"        return {why!r}"]
        out += ["    return None", ""]
    return out


def pytorch_script(run: RunConfig, data: DataConfig | None = None, dataset: Dataset | None = None,
                   transform: XTransform | None = None) -> str:
    """The script for ``run`` on ``dataset`` (or on synthetic ``data``), on x′ when ``transform``
    shifts or scales x (``dataset`` is then the raw data)."""
    batch_size = {"batch": "len(X)", "stochastic": "1"}.get(run.algorithm, str(run.batch_size))
    shuffle = run.shuffle and run.algorithm != "batch"
    optimizer = _optimizer_line(run)
    second_order = run.optimizer in SECOND_ORDER_CLASSES
    out = [
        f'"""{ALGORITHM_LABELS[run.algorithm]} with {OPTIMIZER_LABELS[run.optimizer]}, learning rate '
        f'{run.lr:g}, {run.epochs} epochs.',
        "",
        f"Written by gdviewer {__version__}; it repeats the app's run step for step.",
        '"""',
        *(["from __future__ import annotations  # type hints of the copied classes stay text", ""]
          if second_order else []),
        *(["import math"] if not run.schedule.constant or run.stop.any else []),
        "import torch",
        "",
        *_data_lines(data, dataset),
        *_transform_lines(transform),
        "",
        "# The model y = w·x + b, and the mean squared error",
        f"w = torch.tensor({_num(run.init_w)}, requires_grad=True)",
        f"b = torch.tensor({_num(run.init_b)}, requires_grad=True)",
        "",
        "",
        "def forward(x):",
        "    return w * x + b",
        "",
        "",
        "def criterion(y_pred, y):",
        "    return torch.mean((y_pred - y) ** 2)",
        "",
        "",
        *(_second_order_lines(run) if second_order else []),
        f"lr = {_num(run.lr)}",
        f"epochs = {run.epochs}",
        f"batch_size = {batch_size}  # {ALGORITHM_LABELS[run.algorithm]}",
    ]
    if shuffle:
        out.append(f"order_generator = torch.Generator().manual_seed({run.shuffle_seed})  # a new order each epoch")
    if optimizer:
        out.append(optimizer)
    setup = _steering_setup(run, optimizer is not None)
    steered = not run.schedule.constant or bool(run.changes)
    out += [
        *setup,
        "",
        *(["step = 0", "samples = 0"] if setup else []),
        "for epoch in range(epochs):",
        "    order = " + ("torch.randperm(len(X), generator=order_generator)" if shuffle else "torch.arange(len(X))"),
        "    for start in range(0, len(X), batch_size):",
        *(["        for name, value in changes.get(step, ()):", "            change(name, value, step)"]
          if steered else []),
        *(["        lr = base_lr * schedule(step)"] if steered and optimizer is None else []),
        "        batch = order[start:start + batch_size]",
        "        loss = criterion(forward(X[batch]), Y[batch])",
        "        loss.backward()",
    ]
    if second_order:
        out += [
            "        optimizer.step(lambda: criterion(forward(X[batch]), Y[batch]))  # closure: the batch loss again",
            "        optimizer.zero_grad()",
        ]
    elif optimizer:
        out += [
            "        optimizer.step()",
            "        optimizer.zero_grad()",
        ]
    else:
        out += [
            "        w.data = w.data - lr * w.grad.data",
            "        b.data = b.data - lr * b.grad.data",
            "        w.grad.data.zero_()",
            "        b.grad.data.zero_()",
        ]
    if steered and optimizer is not None:
        out.append("        scheduler.step()")
    if setup:
        out += ["        step += 1", "        samples += len(batch)"]
    if run.stop.any:
        out += ["        why = stop_reason(step, samples)",
                "        if why:",
                "            break",
                "    else:",
                "        why = None"]
    out += [
        "    with torch.no_grad():",
        "        full_loss = criterion(forward(X), Y).item()",
        '    print(f"epoch {epoch}: loss {full_loss!r}, w {w.item()!r}, b {b.item()!r}")',
        *(["    if why:", '        print(f"stopped at step {step}: {why}")', "        break"] if run.stop.any else []),
        "",
    ]
    if _transform_lines(transform):
        out += [
            "# The same line on raw x: y = w·(x − x_shift)/x_scale + b = (w/x_scale)·x + (b − w·x_shift/x_scale)",
            "raw_w = w.item() / x_scale",
            'print(f"on raw x: w {raw_w!r}, b {b.item() - raw_w * x_shift!r}")',
            "",
        ]
    return "\n".join(out)

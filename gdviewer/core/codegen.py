"""'Show as PyTorch code': a short, runnable script that does exactly the current run.

The script is plain PyTorch in the tutorial's style (tensors w and b, ``forward``,
``criterion``, ``loss.backward()``), with the same data, batches, optimiser and
hyperparameters as the engine, so it reproduces the app's trajectory step for step
(a test runs it and compares).
"""

from __future__ import annotations

from gdviewer import __version__
from gdviewer.core.config import ALGORITHM_LABELS, OPTIMIZER_LABELS, DataConfig, RunConfig
from gdviewer.core.data import Dataset

#: Up to this many points are written into the script itself when the data came from a file.
MAX_EMBEDDED_POINTS = 2000


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


def _optimizer_line(run: RunConfig) -> str | None:
    name = run.optimizer
    if name == "gd":
        return None
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


def pytorch_script(run: RunConfig, data: DataConfig | None = None, dataset: Dataset | None = None) -> str:
    """The script for ``run`` on ``dataset`` (or on synthetic ``data``)."""
    batch_size = {"batch": "len(X)", "stochastic": "1"}.get(run.algorithm, str(run.batch_size))
    shuffle = run.shuffle and run.algorithm != "batch"
    optimizer = _optimizer_line(run)
    out = [
        f'"""{ALGORITHM_LABELS[run.algorithm]} with {OPTIMIZER_LABELS[run.optimizer]}, learning rate '
        f'{run.lr:g}, {run.epochs} epochs.',
        "",
        f"Written by gdviewer {__version__}; it repeats the app's run step for step.",
        '"""',
        "import torch",
        "",
        *_data_lines(data, dataset),
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
        f"lr = {_num(run.lr)}",
        f"epochs = {run.epochs}",
        f"batch_size = {batch_size}  # {ALGORITHM_LABELS[run.algorithm]}",
    ]
    if shuffle:
        out.append(f"order_generator = torch.Generator().manual_seed({run.shuffle_seed})  # a new order each epoch")
    if optimizer:
        out.append(optimizer)
    out += [
        "",
        "for epoch in range(epochs):",
        "    order = " + ("torch.randperm(len(X), generator=order_generator)" if shuffle else "torch.arange(len(X))"),
        "    for start in range(0, len(X), batch_size):",
        "        batch = order[start:start + batch_size]",
        "        loss = criterion(forward(X[batch]), Y[batch])",
        "        loss.backward()",
    ]
    if optimizer:
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
    out += [
        "    with torch.no_grad():",
        "        full_loss = criterion(forward(X), Y).item()",
        '    print(f"epoch {epoch}: loss {full_loss!r}, w {w.item()!r}, b {b.item()!r}")',
        "",
    ]
    return "\n".join(out)

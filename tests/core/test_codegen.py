"""'Show as PyTorch code': the generated script, run on its own, repeats the app's run exactly.

The first case's script runs in a fresh interpreter (it needs nothing but torch); the others
run one after another in a second interpreter, each in a namespace of its own (an interpreter
a script spends ~2.5 s importing torch: eleven of them were 40 s of the suite). Every epoch it prints
w and b with ``repr``, so the printed numbers are the float32 parameters exactly; they must
equal, bit for bit, the engine's parameters after the last step of that epoch.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from gdviewer.core import DataConfig, RunConfig, RunStatus, load_csv, synthetic, train
from gdviewer.core.codegen import MAX_EMBEDDED_POINTS, pytorch_script
from gdviewer.core.conditioning import XTransform, standardised, transformed_dataset
from gdviewer.core.steering import RunChange, Schedule, StopRules

EPOCH_LINE = re.compile(r"^epoch (\d+): loss (\S+), w (\S+), b (\S+)$")

#: (id, run, synthetic data settings or None for the tutorial's data)
CASES = [
    ("batch-gd-defaults", RunConfig(), None),
    ("stochastic-gd-lr-0.01", RunConfig(algorithm="stochastic", lr=0.01), None),
    ("minibatch-7-shuffled-adam", RunConfig(algorithm="minibatch", batch_size=7, shuffle=True, shuffle_seed=3,
                                            optimizer="adam", lr=0.3, epochs=15),
     DataConfig(intercept=2.5)),
    ("minibatch-10-nesterov", RunConfig(algorithm="minibatch", batch_size=10, optimizer="nesterov", lr=0.01,
                                        momentum=0.8, init_w=3.0, init_b=-1.5),
     DataConfig(n_points=37, seed=7)),
    ("batch-momentum", RunConfig(optimizer="momentum", lr=0.01, epochs=30),
     DataConfig(seed=1, slope=2.0, intercept=-3.0)),
    ("minibatch-16-rmsprop", RunConfig(algorithm="minibatch", batch_size=16, optimizer="rmsprop", lr=0.1,
                                       alpha=0.9, eps=1e-6), None),
    ("batch-adagrad", RunConfig(optimizer="adagrad", lr=0.5, epochs=25), DataConfig(noise=1.5, seed=123)),
    ("stochastic-sgd-other-grid", RunConfig(algorithm="stochastic", optimizer="sgd", lr=0.005, epochs=5),
     DataConfig(x_start=-2.0, x_stop=3.0, x_step=0.25, intercept=0.75)),
    ("batch-newton-tilted", RunConfig(optimizer="newton", lr=1.0, epochs=3), DataConfig(x_start=0.0, x_stop=10.0)),
    ("stochastic-newton-shuffled", RunConfig(algorithm="stochastic", optimizer="newton", lr=0.5, epochs=2, shuffle=True,
                                             shuffle_seed=4), DataConfig(n_points=41)),
    ("minibatch-12-diagonal", RunConfig(algorithm="minibatch", batch_size=12, optimizer="diagonal", lr=0.8, epochs=4),
     DataConfig(intercept=1.5, x_start=-1.0)),
]

#: (id, run, data, transform): the run on x′ = (x − c)/s; the script maps the answer back to raw x
TRANSFORM_CASES = [
    ("standardised-batch-gd", RunConfig(lr=0.5, epochs=3), None, "standardize"),
    ("shifted-scaled-minibatch-momentum", RunConfig(algorithm="minibatch", batch_size=8, optimizer="momentum",
                                                    lr=0.01, epochs=4), DataConfig(x_start=2.0, x_stop=12.0),
     XTransform(7.0, 3.0, "custom")),
]
#: (id, run): schedules, changes made mid-run and early stops (issue 17), on the tutorial's data
STEERED_CASES = [
    ("cosine-minibatch-sgd", RunConfig(algorithm="minibatch", batch_size=10, optimizer="sgd", lr=0.05, epochs=6,
                                       schedule=Schedule("cosine", floor=0.1))),
    ("tutorial-gd-step-decay-and-changes", RunConfig(lr=0.1, epochs=20, schedule=Schedule("step", every=5, gamma=0.5),
                                                     changes=(RunChange(3, "lr", 0.05), RunChange(12, "lr", 0.08)))),
    ("adam-warmup-beta1-change", RunConfig(optimizer="adam", lr=0.5, epochs=30,
                                           schedule=Schedule("warmup", warmup=10, start=0.2),
                                           changes=(RunChange(15, "beta1", 0.5),))),
    ("stochastic-momentum-1-over-t", RunConfig(algorithm="stochastic", optimizer="momentum", lr=0.005, epochs=2,
                                               schedule=Schedule("inverse_time", decay=0.01),
                                               changes=(RunChange(50, "momentum", 0.5),))),
    ("gd-plateau-stop", RunConfig(lr=0.05, epochs=300, stop=StopRules(plateau=0.01, window=5))),
    ("minibatch-sample-budget", RunConfig(algorithm="minibatch", batch_size=7, optimizer="sgd", lr=0.02, epochs=5,
                                          stop=StopRules(max_samples=250))),
    ("sgd-exponential-gradient-stop", RunConfig(optimizer="sgd", lr=0.1, epochs=300,
                                                schedule=Schedule("exponential", gamma=0.99),
                                                stop=StopRules(grad_norm=0.5))),
]
RAW_LINE = re.compile(r"^on raw x: w (\S+), b (\S+)$")


def transform_of(data: DataConfig | None, transform: XTransform | str) -> XTransform:
    return standardised(synthetic(data).surface) if transform == "standardize" else transform


def run_script(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def epoch_lines(stdout: str) -> list[tuple[int, float, float, float]]:
    lines = []
    for line in stdout.splitlines():
        m = EPOCH_LINE.match(line)
        assert m, f"unexpected output line {line!r}"
        lines.append((int(m[1]), float(m[2]), float(m[3]), float(m[4])))
    return lines


#: Runs the scripts given as JSON on stdin one after another, each as ``__main__`` in a fresh
#: namespace, and prints {name: [exit code, stdout, stderr]} as JSON.
SHARED_INTERPRETER = """
import contextlib, io, json, sys, traceback
results = {}
for name, code in json.loads(sys.stdin.read()).items():
    out, err, status = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            exec(compile(code, name, "exec"), {"__name__": "__main__"})
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
            status = 1
    results[name] = [status, out.getvalue(), err.getvalue()]
print(json.dumps(results))
"""


def run_in_one_interpreter(scripts: dict[str, str]) -> dict[str, subprocess.CompletedProcess]:
    done = subprocess.run([sys.executable, "-c", SHARED_INTERPRETER], input=json.dumps(scripts),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {name: subprocess.CompletedProcess(name, status, out, err)
            for name, (status, out, err) in json.loads(done.stdout).items()}


def run_every_case() -> dict[str, subprocess.CompletedProcess]:
    """Every case's script: the first in an interpreter of its own, the rest in another, at once."""
    scripts = {name: pytorch_script(run, data) for name, run, data in CASES}
    first, *rest = scripts
    for name, run, data, transform in TRANSFORM_CASES:
        scripts[name] = pytorch_script(run, data, transform=transform_of(data, transform))
        rest.append(name)
    for name, run in STEERED_CASES:
        scripts[name] = pytorch_script(run)
        rest.append(name)
    with ThreadPoolExecutor(max_workers=2) as pool:
        alone = pool.submit(run_script, scripts[first])
        shared = pool.submit(run_in_one_interpreter, {name: scripts[name] for name in rest})
        return {first: alone.result(), **shared.result()}


def assert_reproduces(out: subprocess.CompletedProcess, dataset, run: RunConfig) -> None:
    assert out.returncode == 0, out.stderr
    history, trainer = train(dataset, run)
    assert trainer.status is RunStatus.FINISHED  # every case is a stable run
    printed = epoch_lines(out.stdout)
    assert [e for e, *_ in printed] == list(range(run.epochs))
    spe = trainer.steps_per_epoch
    for epoch, _loss, w, b in printed:
        last = (epoch + 1) * spe - 1  # history row of the epoch's last step
        assert (w, b) == (float(history.w[last]), float(history.b[last])), f"epoch {epoch}"
    # the last printed parameters are where the engine's run ended
    assert printed[-1][2:] == trainer.params


def test_every_script_repeats_the_engines_trajectory_and_prints_the_full_data_loss():
    """One test for every case, so one worker runs the scripts once (a fixture shared by
    several tests ran them on each worker: pytest-xdist's grouping does not hold here)."""
    outputs = run_every_case()
    for name, run, data in CASES:
        try:
            assert_reproduces(outputs[name], synthetic(data), run)
        except AssertionError as exc:
            raise AssertionError(f"case {name}: {exc}") from exc
    # the tutorial's loss list: the full-data loss before each epoch; the script prints it after
    name, run, data = next(case for case in CASES if case[0] == "stochastic-gd-lr-0.01")
    history, _ = train(synthetic(data), run)
    printed = [loss for _e, loss, _w, _b in epoch_lines(outputs[name].stdout)]
    starts = history.epoch_losses()
    assert len(starts) == run.epochs
    np.testing.assert_array_equal(np.asarray(printed[:-1], dtype=np.float32), starts[1:])
    for name, run, data, transform in TRANSFORM_CASES:  # on x′, and the answer on raw x
        out, t = outputs[name], transform_of(data, transform)
        *epochs, raw_line = out.stdout.splitlines()
        raw = RAW_LINE.match(raw_line)
        assert raw, f"case {name}: last line {raw_line!r}"
        try:
            assert_reproduces(subprocess.CompletedProcess(name, out.returncode, "\n".join(epochs), out.stderr),
                              transformed_dataset(synthetic(data), t), run)
        except AssertionError as exc:
            raise AssertionError(f"case {name}: {exc}") from exc
        _, trainer = train(transformed_dataset(synthetic(data), t), run)
        assert (float(raw[1]), float(raw[2])) == t.raw_coefficients(*trainer.params)
    for name, run in STEERED_CASES:  # the schedule, the changes and the stop, step for step
        out = outputs[name]
        assert out.returncode == 0, (name, out.stderr)
        lines = out.stdout.splitlines()
        history, trainer = train(synthetic(), run)
        if run.stop.any:
            stop_line = lines.pop()
            assert trainer.stop_reason and stop_line.startswith(f"stopped at step {trainer.steps_done}:"), name
        printed = epoch_lines("\n".join(lines))
        spe = trainer.steps_per_epoch
        for epoch, _loss, w, b in printed:
            last = min((epoch + 1) * spe, trainer.steps_done) - 1
            assert (w, b) == (float(history.w[last]), float(history.b[last])), (name, epoch)
        assert printed[-1][2:] == trainer.params, name


def test_script_for_csv_data_embeds_the_points_and_repeats_the_run(tmp_path):
    path = tmp_path / "points.csv"
    rng = np.random.default_rng(5)
    x = np.round(rng.uniform(-3, 4, 23), 3)
    y = 1.7 * x - 0.6 + rng.normal(0, 0.3, x.size)
    rows = "".join(f"{float(a)!r},{float(c)!r}\n" for a, c in zip(x, y, strict=True))
    path.write_text("x,y\n" + rows, encoding="utf-8")
    dataset = load_csv(path)
    run = RunConfig(algorithm="minibatch", batch_size=5, shuffle=True, shuffle_seed=9, optimizer="momentum",
                    lr=0.01, epochs=12, init_w=0.0, init_b=0.0)
    code = pytorch_script(run, dataset=dataset)
    assert "genfromtxt" not in code and "open(" not in code  # the values, not a file read
    embedded = {}
    for line in code.splitlines():
        m = re.fullmatch(r"([XY]) = torch\.tensor\(\[(.*)\]\)\.view\(-1, 1\)", line)
        if m:
            embedded[m[1]] = np.array([float(v) for v in m[2].split(", ")], dtype=np.float32)
    np.testing.assert_array_equal(embedded["X"], dataset.x)
    np.testing.assert_array_equal(embedded["Y"], dataset.y)
    assert_reproduces(run_script(code), dataset, run)


def test_script_for_a_large_csv_file_reads_it_and_repeats_the_run(tmp_path):
    """Beyond MAX_EMBEDDED_POINTS the script reads the file itself, as the app read it: the
    delimiter (comma, semicolon), a header row, comments, a byte-order mark, extra columns."""
    rng = np.random.default_rng(8)
    x = rng.uniform(-4, 4, MAX_EMBEDDED_POINTS + 37)
    y = -2.5 * x + 1.25 + rng.normal(0, 0.5, x.size)
    files = {
        "comma.csv": "x,y,label\n" + "".join(f"{float(a)!r},{float(c)!r},p{k}\n"
                                             for k, (a, c) in enumerate(zip(x, y, strict=True))),
        "semicolon.csv": "\ufeff# measured\nx;y\n" + "".join(f"{float(a)!r};{float(c)!r}\n"
                                                         for a, c in zip(x, y, strict=True)),
    }
    run = RunConfig(algorithm="minibatch", batch_size=500, optimizer="sgd", lr=0.02, epochs=4, init_w=0.0, init_b=0.0)
    datasets, codes = [], []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        dataset = load_csv(path)
        assert dataset.n == x.size
        code = pytorch_script(run, dataset=dataset)
        assert repr(str(path)) in code and repr(float(dataset.x[0])) not in code  # read, not embedded
        datasets.append(dataset)
        codes.append(code)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outs = list(pool.map(run_script, codes))
    for out, dataset in zip(outs, datasets, strict=True):
        assert_reproduces(out, dataset, run)


@pytest.mark.parametrize(("name", "run", "data"), CASES, ids=[c[0] for c in CASES])
def test_script_compiles_and_names_the_optimiser_and_learning_rate(name, run, data):
    code = pytorch_script(run, data)
    compile(code, f"<{name}>", "exec")
    assert f"lr = {run.lr!r}" in code
    expected = {
        "gd": "w.data = w.data - lr * w.grad.data",
        "sgd": "torch.optim.SGD(",
        "momentum": f"momentum={run.momentum!r})",
        "nesterov": "nesterov=True",
        "adam": "torch.optim.Adam(",
        "rmsprop": "torch.optim.RMSprop(",
        "adagrad": "torch.optim.Adagrad(",
        "newton": "class Newton(SecondOrderOptimizer):",
        "diagonal": "class DiagonalPreconditionedGD(SecondOrderOptimizer):",
    }[run.optimizer]
    assert expected in code
    if run.optimizer != "gd":
        assert f"lr={run.lr!r}" in code
        assert "optimizer.step()" in code or "optimizer.step(lambda: criterion(" in code


def test_exporting_a_newton_script_does_not_load_torch():
    """The window exports scripts without torch (it trains in a child process): the copied
    classes are read as text from core/second_order.py, not imported."""
    code = ("import sys\nfrom gdviewer.core.codegen import pytorch_script\nfrom gdviewer.core.config import RunConfig\n"
            "script = pytorch_script(RunConfig(optimizer='newton', lr=1.0))\n"
            "assert 'class Newton(SecondOrderOptimizer):' in script\nprint('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"

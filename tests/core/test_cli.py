"""``gdviewer run``: the tutorial's output headless, exit codes, and clean errors for bad input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdviewer.cli import main, run_headless
from gdviewer.core import DataConfig, synthetic

from .tutorial import tutorial_batch, tutorial_data, tutorial_sgd

ROOT = Path(__file__).resolve().parents[2]


def epoch_lines(out: str) -> list[tuple[int, float, float, float]]:
    """The per-epoch lines ``i, loss, w, b`` as numbers (the summary line excluded)."""
    parsed = []
    for line in out.splitlines():
        if line.startswith("final:"):
            continue
        i, loss, w, b = (cell.strip() for cell in line.split(","))
        parsed.append((int(i), float(loss), float(w), float(b)))
    return parsed


def summary(out: str) -> str:
    lines = [ln for ln in out.splitlines() if ln.startswith("final:")]
    assert len(lines) == 1, out
    return lines[0]


def test_defaults_print_the_tutorial_batch_loop(capsys):
    code = run_headless([])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    ref = tutorial_batch(*tutorial_data())
    lines = epoch_lines(out)
    assert len(lines) == 20
    assert [i for i, *_ in lines] == list(range(20))
    # the numbers are printed in full, so they equal the tutorial's loss.item(), w.item(), b.item()
    assert [loss for _, loss, _, _ in lines] == ref.printed_loss
    assert [w for _, _, w, _ in lines] == ref.w
    assert [b for _, _, _, b in lines] == ref.b
    s = summary(out)
    assert "finished" in s and "after 20 steps" in s
    assert out.splitlines()[-1] == s


def test_summary_reports_the_least_squares_solution(capsys):
    assert run_headless(["--quiet"]) == 0
    s = summary(capsys.readouterr().out)
    X, Y = tutorial_data()
    w_opt, b_opt = np.polyfit(X.numpy().ravel().astype(np.float64), Y.numpy().ravel().astype(np.float64), 1)
    assert f"w* {w_opt:.6g}" in s and f"b* {b_opt:.6g}" in s


def test_stochastic_lr_0_01_matches_the_tutorial_sgd(capsys):
    """Each line: epoch, the loss the tutorial records (full data, before the epoch), w and b after it."""
    assert run_headless(["--algorithm", "stochastic", "--lr", "0.01"]) == 0
    out = capsys.readouterr().out
    ref = tutorial_sgd(*tutorial_data(), step_size=0.01)
    lines = epoch_lines(out)
    assert [i for i, *_ in lines] == list(range(20))
    assert [loss for _, loss, _, _ in lines] == ref.losses
    assert [w for _, _, w, _ in lines] == ref.w
    assert [b for _, _, _, b in lines] == ref.b
    assert "finished after 2000 steps" in summary(out)


def test_stochastic_lr_0_1_diverges_with_exit_code_3(capsys):
    code = run_headless(["--algorithm", "stochastic", "--lr", "0.1"])
    out, err = capsys.readouterr()
    assert code == 3
    assert "Diverged" in err
    assert "0.0385" in err  # the stable learning rate it advises
    assert "diverged" in summary(out)
    assert "Traceback" not in err


def test_minibatch_prints_one_line_per_epoch(capsys):
    assert run_headless(["--algorithm", "minibatch", "--batch-size", "30", "--epochs", "3", "--lr", "0.01"]) == 0
    out = capsys.readouterr().out
    assert [i for i, *_ in epoch_lines(out)] == [0, 1, 2]
    assert "after 12 steps" in summary(out)


def test_quiet_prints_only_the_summary(capsys):
    assert run_headless(["--quiet", "--epochs", "3"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [summary(out)]


@pytest.mark.parametrize(("argv", "words"), [
    (["--lr", "nan"], ["lr", "finite"]),
    (["--lr", "inf"], ["lr"]),
    (["--lr", "0"], ["lr"]),
    (["--lr", "-0.5"], ["lr"]),
    (["--epochs", "0"], ["epochs"]),
    (["--algorithm", "minibatch", "--batch-size", "0"], ["batch_size"]),
    (["--algorithm", "minibatch", "--batch-size", "101"], ["batch_size"]),
    (["--momentum", "1.5"], ["momentum"]),
    (["--noise", "-1"], ["noise"]),
    (["--n-points", "1"], ["n_points"]),
    (["--x-step", "0"], ["x_step"]),
    (["--x-step", "1e-310"], ["x_step"]),
    (["--x-start", "3", "--x-stop", "1"], ["x_stop"]),
    (["--seed", "-1"], ["seed"]),
    (["--lr", "abc"], ["--lr", "invalid float"]),
    (["--epochs", "2.5"], ["--epochs", "invalid int"]),
    (["--algorithm", "newton"], ["--algorithm", "invalid choice"]),
    (["--optimizer", "lbfgs"], ["--optimizer", "invalid choice"]),
    (["--no-such-flag"], ["unrecognized"]),
])
def test_bad_arguments_exit_2_with_a_message(capsys, argv, words):
    with pytest.raises(SystemExit) as info:
        run_headless(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert "error" in err
    for word in words:
        assert word in err
    assert "Traceback" not in err
    assert "final:" not in out  # nothing was trained


def test_missing_data_csv_exits_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        run_headless(["--data-csv", str(tmp_path / "missing.csv")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "not found" in err and "missing.csv" in err
    assert "Traceback" not in err


def test_bad_data_csv_exits_2_naming_the_line(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n3,oops\n")
    with pytest.raises(SystemExit) as info:
        run_headless(["--data-csv", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "oops" in err


def test_data_csv_trains_on_the_file(capsys, tmp_path):
    path = tmp_path / "line.csv"
    x = np.linspace(-2, 2, 21)
    path.write_text("x,y\n" + "".join(f"{a},{3 * a - 1}\n" for a in x))
    assert run_headless(["--data-csv", str(path), "--epochs", "200", "--quiet"]) == 0
    s = summary(capsys.readouterr().out)
    assert "w* 3," in s and "b* -1," in s  # the least-squares line of the file's points
    assert "after 200 steps" in s


def test_history_csv_has_a_header_and_one_row_per_step(capsys, tmp_path):
    path = tmp_path / "steps.csv"
    assert run_headless(["--algorithm", "stochastic", "--lr", "0.01", "--epochs", "2", "--quiet",
                         "--history-csv", str(path)]) == 0
    capsys.readouterr()
    lines = path.read_text().splitlines()
    assert lines[0].startswith("step,epoch,samples,w,b,loss")
    assert len(lines) == 1 + 200
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(table[:, 0], np.arange(1, 201))
    np.testing.assert_array_equal(table[:, 1], np.repeat([0, 1], 100))


def test_history_csv_of_the_default_run_matches_the_printed_lines(capsys, tmp_path):
    path = tmp_path / "steps.csv"
    assert run_headless(["--history-csv", str(path)]) == 0
    printed = epoch_lines(capsys.readouterr().out)
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    assert table.shape[0] == 20
    np.testing.assert_array_equal(table[:, 3].astype(np.float32), np.float32([w for _, _, w, _ in printed]))


def test_unwritable_history_csv_exits_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        run_headless(["--quiet", "--history-csv", str(tmp_path / "no" / "such" / "dir.csv")])
    assert info.value.code == 2
    assert "cannot write" in capsys.readouterr().err


def test_main_dispatches_run(capsys):
    assert main(["run", "--quiet", "--epochs", "2"]) == 0
    assert "finished after 2 steps" in capsys.readouterr().out


def test_module_entry_point_runs_headless():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "gdviewer", "run", "--quiet"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and "finished after 20 steps" in lines[0]


def test_module_entry_point_reports_divergence():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "gdviewer", "run", "--quiet", "--algorithm", "stochastic",
                           "--lr", "0.1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "Diverged" in proc.stderr and "Traceback" not in proc.stderr


def test_newton_lands_on_least_squares_in_one_batch_step(capsys):
    flags = ["--slope", "2", "--intercept", "-3", "--x-start", "0", "--x-stop", "10"]
    assert run_headless(["--optimizer", "newton", "--lr", "1", "--epochs", "1", *flags]) == 0
    out = capsys.readouterr().out
    s = summary(out)
    assert "finished after 1 steps" in s
    data = synthetic(DataConfig(slope=2.0, intercept=-3.0, x_start=0.0, x_stop=10.0))
    w_opt, b_opt = np.polyfit(data.x.astype(np.float64), data.y.astype(np.float64), 1)
    assert f"w* {w_opt:.6g}" in s and f"b* {b_opt:.6g}" in s
    final = re.match(r"final: loss \S+, w (\S+), b (\S+) \|", s)
    np.testing.assert_allclose([float(final[1]), float(final[2])], [w_opt, b_opt], rtol=1e-5)
    [(_, _, w, b)] = epoch_lines(out)  # the epoch's line prints them in full
    np.testing.assert_allclose([w, b], [w_opt, b_opt], rtol=1e-5)

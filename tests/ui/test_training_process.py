"""Training in the child process: the numbers are the engine's and the tutorial's, bit for
bit, and the child never outlives the window, however the window's process ends."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import synthetic
from gdviewer.core.trainer import train
from gdviewer.ui.session import DIVERGED, FINAL_STATES, FINISHED, Session
from tests.core.tutorial import tutorial_batch, tutorial_data, tutorial_sgd

ROOT = Path(__file__).resolve().parents[2]


def finish(qtbot, session: Session) -> None:
    session.set_speed(0)
    with qtbot.waitSignal(session.state_changed, check_params_cb=lambda state: state in FINAL_STATES,
                          timeout=60000):
        session.play()


def test_the_tutorials_loops_come_back_from_the_process_bit_for_bit(qtbot):
    session = Session(run_config=RunConfig(algorithm="stochastic", lr=0.01, epochs=20))
    try:
        session.roster.add(RunConfig(algorithm="batch", lr=0.1, epochs=20), name="batch")
        finish(qtbot, session)
        X, Y = tutorial_data()
        sgd, batch = tutorial_sgd(X, Y), tutorial_batch(X, Y)
        for run, ref in zip(session.runs, (sgd, batch), strict=True):
            per_epoch = len(run.history) // 20  # the tutorial records (w, b) at each epoch's end
            for column, values in (("w", ref.w), ("b", ref.b)):
                ends = run.history.column(column)[per_epoch - 1::per_epoch]
                np.testing.assert_array_equal(ends, np.float32(values))
    finally:
        assert session.shutdown()


def race_equals_engine(qtbot, data: DataConfig, configs: list[RunConfig]) -> Session:
    """Race ``configs`` in the training process and check every column of every run against
    the engine run alone; returns the (still open) session."""
    session = Session(data_config=data, run_config=configs[0])
    try:
        session.roster.replace([(c, "", "") for c in configs], clock="step")
        finish(qtbot, session)
        assert session.state == FINISHED
        for run, config in zip(session.runs, configs, strict=True):
            reference, _ = train(synthetic(data), config)
            for column in ("w", "b", "loss", "dw", "db", "full_loss"):
                np.testing.assert_array_equal(run.history.column(column), reference.column(column),
                                              err_msg=f"{config.optimizer} {config.algorithm}: {column}")
    except BaseException:
        session.shutdown()
        raise
    return session


def test_a_race_of_every_optimiser_equals_the_engine_run_alone(qtbot):
    data = DataConfig()
    configs = [RunConfig(algorithm="minibatch", batch_size=10, optimizer=name, lr=lr, epochs=3, shuffle=True)
               for name, lr in (("gd", 0.05), ("sgd", 0.05), ("momentum", 0.02), ("nesterov", 0.02),
                                ("adam", 0.5), ("rmsprop", 0.1), ("adagrad", 1.0))]
    assert race_equals_engine(qtbot, data, configs).shutdown()


def test_a_race_with_newton_and_the_diagonal_step_equals_the_engine_runs_alone(qtbot):
    """The second-order optimisers in the training process, beside GD, on every algorithm."""
    data = DataConfig(x_start=0.0, x_stop=10.0)
    configs = [RunConfig(algorithm="batch", optimizer="gd", lr=0.02, epochs=12),
               RunConfig(algorithm="batch", optimizer="diagonal", lr=1.0, epochs=12),
               RunConfig(algorithm="batch", optimizer="newton", lr=1.0, epochs=12),
               RunConfig(algorithm="minibatch", batch_size=16, optimizer="newton", lr=0.5, epochs=3, shuffle=True),
               RunConfig(algorithm="stochastic", optimizer="newton", lr=1.0, epochs=1),
               RunConfig(algorithm="minibatch", batch_size=25, optimizer="diagonal", lr=0.5, epochs=3, shuffle=True)]
    session = race_equals_engine(qtbot, data, configs)
    try:
        newton = session.runs[2].history
        w_opt, b_opt = session.surface.optimum
        landed = [newton.column("w")[0], newton.column("b")[0]]  # one step, lr 1: on least squares
        np.testing.assert_allclose(landed, [w_opt, b_opt], rtol=1e-5, atol=1e-5 * abs(-20.0 - b_opt))
    finally:
        assert session.shutdown()


def test_a_diverging_run_says_so_from_the_process(qtbot):
    session = Session(run_config=RunConfig(algorithm="batch", lr=0.13, epochs=20))
    try:
        finish(qtbot, session)
        assert session.state == DIVERGED and "diverg" in session.message.lower()
    finally:
        assert session.shutdown()


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_training_process_dies_with_the_window(tmp_path, how):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path / "d"),
           "XDG_STATE_HOME": str(tmp_path / "s"), "XDG_CACHE_HOME": str(tmp_path / "k")}
    app = subprocess.Popen([sys.executable, "-m", "gdviewer", "--run", "--speed", "5"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        children: set[int] = set()
        while time.monotonic() < deadline and not children:
            time.sleep(0.2)
            children = {c for c in children_of(app.pid) if alive(c)}
        assert children, "the window started no training process"
        time.sleep(1.0)  # training under way
        os.kill(app.pid, how)
        app.wait(30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(c) for c in children):
            time.sleep(0.1)
        assert not any(alive(c) for c in children), f"orphaned training process after signal {how}"
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)


def test_the_training_thread_alone_streams_every_step_and_reports_the_end(qtbot):
    from gdviewer.ui.training_thread import TrainingThread

    thread = TrainingThread()
    config = RunConfig(algorithm="stochastic", lr=0.01, epochs=2)
    got: list[int] = []
    thread.chunks.connect(lambda chunks: got.extend(chunks[0].columns["step"].tolist()))
    try:
        with qtbot.waitSignal(thread.finished, timeout=60000) as end:
            thread.start(synthetic(DataConfig()), [config], "epoch", paused=False, speed=0.0)
        assert got == list(range(1, 201))
        status, _message, runs = end.args
        assert status == FINISHED and [r[0] for r in runs] == [FINISHED]
        assert not thread.active and thread.stop() is None
    finally:
        assert thread.shutdown()


def test_the_data_go_to_the_process_once_per_data_set(qtbot, monkeypatch):
    from gdviewer.core.training_process import TrainingProcess

    kinds: list[str] = []
    original = TrainingProcess.send

    def send(self, *message):
        kinds.append(message[0])
        return original(self, *message)

    monkeypatch.setattr(TrainingProcess, "send", send)
    session = Session(run_config=RunConfig(algorithm="batch", lr=0.1, epochs=3))
    try:
        finish(qtbot, session)
        finish(qtbot, session)  # Play again: the same data
        assert kinds.count("data") == 1 and kinds.count("start") == 2
        session.set_data_config(DataConfig(seed=5))
        finish(qtbot, session)
        assert kinds.count("data") == 2
    finally:
        assert session.shutdown()

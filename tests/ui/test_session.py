"""The Session and the TrainingWorker on their own, without the window."""

from __future__ import annotations

import threading

import numpy as np

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import synthetic
from gdviewer.core.race import Race
from gdviewer.core.trainer import Trainer, train
from gdviewer.ui.session import FINISHED, PAUSED, RUNNING, Session
from gdviewer.ui.worker import TrainingWorker

SGD = RunConfig(algorithm="stochastic", lr=0.01, epochs=2)


def test_a_session_trains_in_its_thread_exactly_as_the_engine(qtbot):
    s = Session(run_config=SGD)
    s.set_speed(0)
    with qtbot.waitSignal(s.state_changed, check_params_cb=lambda state: state == FINISHED, timeout=30000):
        s.play()
    reference, _ = train(synthetic(DataConfig()), SGD)
    assert len(s.history) == len(reference) == 200
    for column in ("w", "b", "loss", "dw", "db"):
        np.testing.assert_array_equal(s.history.column(column), reference.column(column))
    assert not s.thread_running


def test_the_view_step_is_clamped_and_pauses_a_running_run(qtbot):
    s = Session(run_config=SGD.with_changes(epochs=50))
    s.set_speed(200)
    s.play()
    qtbot.waitUntil(lambda: len(s.history) >= 5, timeout=30000)
    s.set_view_step(3)
    assert s.state == PAUSED and s.view_step == 3 and s.shown_steps == 3
    assert s.params == (float(s.history.column("w")[2]), float(s.history.column("b")[2]))
    s.set_view_step(10**9)  # past the end: follow the live end again
    assert s.view_step is None
    s.set_view_step(-4)
    assert s.view_step == 0 and s.params == (SGD.init_w, SGD.init_b)
    assert s.shutdown()


def test_step_takes_exactly_the_steps_asked_for(qtbot):
    s = Session(run_config=SGD)
    s.step(7)
    qtbot.waitUntil(lambda: len(s.history) == 7 and s.state == PAUSED, timeout=30000)
    qtbot.wait(100)
    assert len(s.history) == 7  # and no more
    s.step_epoch()
    qtbot.waitUntil(lambda: len(s.history) == 100, timeout=30000)
    assert s.state in (PAUSED, RUNNING) and s.shutdown()


def test_the_worker_streams_every_step_in_order_and_stops_on_request(qtbot):
    data = synthetic(DataConfig())
    worker = TrainingWorker(Race([Trainer(data, SGD)]), speed=0)
    chunks, finished = [], []
    worker.chunk_ready.connect(lambda generation, chunk: chunks.append(chunk))
    worker.finished.connect(lambda generation, status, message: finished.append(status))
    worker.run()  # in this thread: the signals arrive directly
    steps = np.concatenate([c[0].columns["step"] for c in chunks])
    assert steps.tolist() == list(range(1, 201)) and finished == [FINISHED]

    paused = TrainingWorker(Race([Trainer(data, SGD)]), paused=True, speed=0)
    got: list[int] = []
    paused.chunk_ready.connect(lambda generation, chunk: got.extend(chunk[0].columns["step"].tolist()))
    thread = threading.Thread(target=paused.run)
    thread.start()
    paused.request_steps(5)
    qtbot.waitUntil(lambda: len(got) >= 5 and paused.waiting, timeout=10000)  # (queued to this thread)
    qtbot.wait(100)
    paused.request_stop()
    thread.join(10)
    assert got == [1, 2, 3, 4, 5] and not thread.is_alive()


def test_the_roster_adds_selects_removes_and_resets_the_race(qtbot):
    s = Session(run_config=SGD)
    s.step(3)
    qtbot.waitUntil(lambda: len(s.history) == 3, timeout=30000)
    with qtbot.waitSignals([s.runs_changed, s.run_reset], timeout=5000):
        index = s.roster.add(SGD.with_changes(lr=0.02), name="smaller")
    assert index == 1 and s.selected == 1 and s.run_config.lr == 0.02
    assert all(len(r.history) == 0 for r in s.runs), "adding a run starts the race again"
    assert s.runs[1].colour != s.runs[0].colour
    s.roster.rename(1, "  half \n step ")
    assert s.runs[1].name == "half step" and s.runs[1].typed_name
    with qtbot.waitSignal(s.view_changed, timeout=5000):
        s.roster.select(0)
    assert s.selected == 0 and s.view_step is None
    s.roster.remove(0)
    assert [r.name for r in s.runs] == ["half step"] and s.selected == 0
    s.roster.remove(0)  # there is always one run
    assert len(s.runs) == 1
    s.shutdown()


def test_the_roster_checks_a_replacement_before_changing_anything(qtbot):
    import pytest

    from gdviewer.core.errors import ConfigError
    from gdviewer.core.roster import MAX_RUNS

    s = Session(run_config=SGD)
    before = list(s.runs)
    with pytest.raises(ConfigError, match="between 1"):
        s.roster.replace([(SGD, "", "")] * (MAX_RUNS + 1))
    with pytest.raises(ConfigError):
        s.roster.replace([(SGD, "a", ""), (SGD.with_changes(algorithm="minibatch", batch_size=10**6), "b", "")])
    with pytest.raises(ConfigError, match="clock"):
        s.roster.replace([(SGD, "a", "")], clock="hours")
    assert s.runs == before
    s.roster.replace([(SGD, "", ""), (SGD, "fast", "")], clock="samples")
    assert [r.name for r in s.runs] == ["Run 1", "fast"] and s.clock == "samples"
    s.shutdown()

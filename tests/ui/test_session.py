"""The Session and the TrainingWorker on their own, without the window."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import synthetic
from gdviewer.core.trainer import train
from gdviewer.ui.session import FINISHED, PAUSED, RUNNING, Session

SGD = RunConfig(algorithm="stochastic", lr=0.01, epochs=2)


@pytest.fixture
def sessions():
    """Sessions that are shut down after the test (their training process goes back to the
    pool for the next test)."""
    made: list[Session] = []

    def make(**kwargs) -> Session:
        made.append(Session(**kwargs))
        return made[-1]

    yield make
    for session in made:
        assert session.shutdown()


def test_a_session_trains_in_its_thread_exactly_as_the_engine(qtbot, sessions):
    s = sessions(run_config=SGD)
    s.set_speed(0)
    with qtbot.waitSignal(s.state_changed, check_params_cb=lambda state: state == FINISHED, timeout=30000):
        s.play()
    reference, _ = train(synthetic(DataConfig()), SGD)
    assert len(s.history) == len(reference) == 200
    for column in ("w", "b", "loss", "dw", "db"):
        np.testing.assert_array_equal(s.history.column(column), reference.column(column))
    assert not s.thread_running


def test_the_view_step_is_clamped_and_pauses_a_running_run(qtbot, sessions):
    s = sessions(run_config=SGD.with_changes(epochs=50))
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


def test_step_takes_exactly_the_steps_asked_for(qtbot, sessions):
    s = sessions(run_config=SGD)
    s.step(7)
    qtbot.waitUntil(lambda: len(s.history) == 7 and s.state == PAUSED, timeout=30000)
    qtbot.wait(100)
    assert len(s.history) == 7  # and no more
    s.step_epoch()
    qtbot.waitUntil(lambda: len(s.history) == 100, timeout=30000)
    assert s.state in (PAUSED, RUNNING) and s.shutdown()


def test_pausing_waits_until_every_step_taken_has_arrived(qtbot, sessions):
    s = sessions(run_config=SGD.with_changes(epochs=1000))
    s.set_speed(0)
    s.play()
    qtbot.waitUntil(lambda: len(s.history) > 300, timeout=30000)
    s.pause()
    qtbot.waitUntil(lambda: s._training.waiting, timeout=10000)
    held = len(s.history)
    qtbot.wait(200)
    assert len(s.history) == held < 100_000 and s.state == PAUSED
    s.step(5)
    qtbot.waitUntil(lambda: s._training.waiting and len(s.history) == held + 5, timeout=10000)
    assert s.history.column("step").tolist() == list(range(1, held + 6))
    assert s.shutdown() and not s.thread_running


def test_the_roster_adds_selects_removes_and_resets_the_race(qtbot, sessions):
    s = sessions(run_config=SGD)
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


def test_the_roster_checks_a_replacement_before_changing_anything(qtbot, sessions):

    from gdviewer.core.errors import ConfigError
    from gdviewer.core.roster import MAX_RUNS

    s = sessions(run_config=SGD)
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

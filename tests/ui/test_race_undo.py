"""A finished race is never wiped for good by a click on the surface or a new setting:
Ctrl+Z brings it back with its paths (issue 17: starting again from a clicked point asks or
is undoable)."""

from __future__ import annotations

import numpy as np

from gdviewer.ui import race_undo
from gdviewer.ui.animation import train_to_end

from .conftest import wait_state


def finish(window) -> tuple[np.ndarray, np.ndarray]:
    s = window.session
    train_to_end(s)
    assert s.state == "finished"
    return s.history.w.copy(), s.history.b.copy()


def test_a_new_start_point_on_a_finished_race_is_undone_with_its_path(qtbot, window):
    s = window.session
    w, b = finish(window)
    asked = []
    window.questions.confirm = lambda *a: asked.append(a) or True
    window.choose_start_point(2.0, 3.0)
    assert not asked  # undoable, so not asked
    assert s.state == "ready" and len(s.history) == 0
    assert (s.run_config.init_w, s.run_config.init_b) == (2.0, 3.0)
    assert window.undo_stack.undoText() == "Start at (2, 3)"
    window.undo_stack.undo()
    assert s.state == "finished" and s.run.status == "finished"
    np.testing.assert_array_equal(s.history.w, w)
    np.testing.assert_array_equal(s.history.b, b)
    assert (s.run_config.init_w, s.run_config.init_b) == (-10.0, -20.0)
    window.redraw()
    xs, _ys = window.surface_panel.path.getData()
    assert len(xs) == len(w) + 1  # the path is drawn again, from the start point
    window.undo_stack.redo()
    assert s.state == "ready" and (s.run_config.init_w, s.run_config.init_b) == (2.0, 3.0)
    s.play()  # and the new start trains
    wait_state(qtbot, window, "finished")
    assert s.history.w[0] != w[0]


def test_a_new_learning_rate_after_the_race_is_one_undo_step(qtbot, window):
    s = window.session
    w, _b = finish(window)
    window.apply_run_config(s.run_config.with_changes(lr=0.05))
    assert s.state == "ready" and s.run_config.lr == 0.05
    window.apply_run_config(s.run_config.with_changes(lr=0.06))  # no steps to lose: not an undo step
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert s.run_config.lr == 0.1 and s.state == "finished"
    np.testing.assert_array_equal(s.history.w, w)
    assert window.run_controls.fields["lr"].edit.text() == "0.1"


def test_a_race_stopped_mid_way_comes_back_stopped_and_play_starts_it_again(qtbot, window):
    s = window.session
    s.step(5)
    qtbot.waitUntil(lambda: s.steps_done == 5, timeout=30000)
    window.questions.confirm = lambda *a: True  # "Reset the run?" (it is under way)
    window.choose_start_point(1.0, 1.0)
    window.undo_stack.undo()
    assert s.state == "stopped" and s.steps_done == 5
    assert "undo" in s.run.message
    s.play()
    wait_state(qtbot, window, "finished")
    assert s.steps_done == s.total_steps  # from the start, to the end


def test_a_race_too_large_to_keep_is_asked_about_and_a_no_keeps_it(qtbot, window, monkeypatch):
    s = window.session
    w, _b = finish(window)
    monkeypatch.setattr(race_undo, "KEEP_LIMIT_BYTES", 10)
    asked = []
    window.questions.confirm = lambda title, text: asked.append(title) or False
    window.choose_start_point(2.0, 3.0)
    assert asked == ["Start again?"]
    assert s.state == "finished"
    np.testing.assert_array_equal(s.history.w, w)
    assert window.undo_stack.count() == 0

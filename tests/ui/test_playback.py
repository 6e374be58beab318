"""Play, pause, step, step epoch, reset and speed drive the real worker thread."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from gdviewer.core.trainer import train
from gdviewer.ui.session import FINISHED, PAUSED, READY, RUNNING
from tests.ui.conftest import wait_state


def test_play_runs_to_the_end_and_every_panel_holds_the_whole_path(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    qtbot.waitUntil(lambda: not window.frame._timer.isActive())
    window.redraw()
    h = window.session.history
    assert len(h) == 2000
    assert np.array_equal(h.column("step"), np.arange(1, 2001))
    reference, _ = train(window.session.dataset, window.session.run_config)
    np.testing.assert_array_equal(h.column("w"), reference.column("w"))
    path_w, path_b = window.surface_panel.path.getData()
    assert path_w.size == 2001 and path_w[0] == -10.0 and path_b[0] == -20.0
    assert path_w[-1] == np.float32(h.column("w")[-1])
    # the time series are drawn as min/max envelopes: they span the run and keep its extremes
    x, y = window.loss_panel.full_curve.xData, window.loss_panel.full_curve.yData
    assert x[0] == 0 and x[-1] == 2000
    assert np.nanmax(y) == h.column("full_loss").max()
    px, py = window.parameters_panel.w_curve.xData, window.parameters_panel.w_curve.yData
    assert px[0] == 0 and px[-1] == 2000
    all_w = np.concatenate([[-10.0], h.column("w")])
    assert (np.nanmin(py), np.nanmax(py)) == (all_w.min(), all_w.max())
    fx, fy = window.data_panel.fit_line.getData()
    w, b = window.session.params
    np.testing.assert_allclose(fy, w * fx + b)


def test_step_takes_exactly_one_step_and_pauses(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.step()
    qtbot.waitUntil(lambda: window.session.steps_done == 1)
    qtbot.wait(200)
    assert window.session.steps_done == 1
    assert window.session.state == PAUSED
    assert window.session.current_batch.tolist() == [0]
    window.session.step()
    qtbot.waitUntil(lambda: window.session.steps_done == 2)
    assert window.session.current_batch.tolist() == [1]


def test_step_epoch_runs_to_the_end_of_the_epoch(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.step()
    qtbot.waitUntil(lambda: window.session.steps_done == 1)
    window.session.step_epoch()
    qtbot.waitUntil(lambda: window.session.steps_done == 100)
    qtbot.wait(200)
    assert window.session.steps_done == 100
    window.session.step_epoch()
    qtbot.waitUntil(lambda: window.session.steps_done == 200)
    qtbot.wait(100)
    assert window.session.steps_done == 200


def test_pause_stops_at_once_and_play_resumes(qtbot, window):
    window.apply_spec_run = None
    config = window.session.run_config.with_changes(algorithm="stochastic", lr=0.001, epochs=1000)
    window.apply_run_config(config)
    assert window.session.total_steps == 100_000
    window.session.play()
    qtbot.waitUntil(lambda: window.session.steps_done > 500)
    window.session.pause()
    assert window.session.state == PAUSED
    training = window.session._training
    # the child finishes the step it is in, sends everything, then says it waits
    qtbot.waitUntil(lambda: training.waiting)
    held = window.session.steps_done
    qtbot.wait(300)
    assert window.session.steps_done == held < 100_000
    window.session.play()
    qtbot.waitUntil(lambda: window.session.steps_done > held)
    window.session.reset()
    assert window.session.state == READY and window.session.steps_done == 0
    assert not window.session.thread_running


def test_reset_returns_to_the_start_point(qtbot, window):
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    window.session.reset()
    assert window.session.steps_done == 0
    assert window.session.params == (-10.0, -20.0)
    window.redraw()
    path_w, _ = window.surface_panel.path.getData()
    assert path_w.size == 1


def test_slow_speed_takes_few_steps(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.playback.set_speed(2)
    assert window.session.speed == 2
    window.session.play()
    qtbot.waitUntil(lambda: window.session.steps_done >= 1)
    qtbot.wait(500)
    # at full speed this would be thousands of steps; at 2 steps/s it is a handful
    assert window.session.steps_done <= 5
    assert window.session.state == RUNNING
    window.playback.set_speed(0)
    wait_state(qtbot, window, FINISHED)


def test_keyboard_shortcuts_drive_playback(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.activateWindow()
    window.surface_panel.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.session.steps_done == 1)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.session.steps_done == 100)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.session.state == RUNNING
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.session.state in (PAUSED, FINISHED)
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.session.steps_done == 0 and window.session.state == READY


def test_redraws_are_merged_not_one_per_chunk(qtbot, window):
    chunks = []
    window.session.history_grew.connect(lambda: chunks.append(1))
    window.apply_run_config(window.session.run_config.with_changes(algorithm="stochastic", lr=0.01, epochs=200))
    frames_before = window.frame.frames
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    assert len(window.session.history) == 20_000
    assert len(chunks) < 20_000 / 10  # steps arrive in chunks, not one signal each
    assert 1 <= window.frame.frames - frames_before <= len(chunks) + 2

"""Clicking the surface, typing in fields, presets, divergence, worker errors, closing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from gdviewer.ui.session import DIVERGED, FAILED, FINISHED, PAUSED, READY, RUNNING
from tests.ui.conftest import wait_state


def click_surface(qtbot, window, w: float, b: float) -> None:
    """A real left click on the surface plot at view coordinates (w, b)."""
    panel = window.surface_panel
    view = panel.plot_widget
    scene_pos = panel.view_box.mapViewToScene(QPointF(w, b))
    widget_pos = view.mapFromScene(scene_pos)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, widget_pos)


def test_click_on_surface_sets_the_start_point(qtbot, window):
    click_surface(qtbot, window, -4.0, -5.0)
    qtbot.waitUntil(lambda: abs(window.session.run_config.init_w + 4.0) < 0.2)
    config = window.session.run_config
    assert config.init_b == pytest.approx(-5.0, abs=0.3)
    assert window.run_controls.fields["init_w"].text() == f"{config.init_w:.10g}"
    assert window.session.params == (pytest.approx(config.init_w), pytest.approx(config.init_b))
    start = window.surface_panel.start_marker.getData()
    assert start[0][0] == pytest.approx(config.init_w)


def test_click_mid_run_asks_and_keeps_the_run_when_declined(qtbot, window):
    window.apply_run_config(window.session.run_config.with_changes(algorithm="stochastic", lr=0.001, epochs=1000))
    asked = []
    window.questions.confirm = lambda title, text: asked.append(text) or False
    window.session.play()
    qtbot.waitUntil(lambda: window.session.steps_done > 100)
    click_surface(qtbot, window, -6.0, -3.0)
    assert asked and "resets the current run" in asked[0]
    assert window.session.run_config.init_w == -10.0
    assert window.session.state == RUNNING  # declined: the run goes on
    window.questions.confirm = lambda title, text: True
    click_surface(qtbot, window, -6.0, -3.0)
    assert window.session.state == READY and window.session.steps_done == 0
    assert window.session.run_config.init_w == pytest.approx(-6.0, abs=0.3)


def test_hover_reads_the_loss(qtbot, window):
    panel = window.surface_panel
    scene_pos = panel.view_box.mapViewToScene(QPointF(-5.0, 0.0))
    panel._on_hover(scene_pos)
    loss = float(window.session.surface.loss(-5.0, 0.0))
    assert f"{loss:.5g}"[:4] in panel.readout.text()


@pytest.mark.parametrize(("text", "expected"), [
    ("abc", "is not a number"),
    ("", "is empty"),
    ("0", "must be in (0"),
    ("-1", "must be in (0"),
    ("nan", "finite"),
    ("inf", "finite"),
])
def test_invalid_learning_rate_disables_play_with_a_message(qtbot, window, text, expected):
    field = window.run_controls.fields["lr"]
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text) if text else field.edit.clear()
    if not text:
        field.edited.emit()
    assert not window.commands.play.isEnabled()
    assert not window.commands.step.isEnabled()
    assert field.error.isVisibleTo(window) and expected in field.error.text()
    assert window.session.run_config.lr == 0.1  # the session keeps the last valid value
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "0.05")
    assert window.commands.play.isEnabled()
    assert not field.error.isVisibleTo(window)
    assert window.session.run_config.lr == 0.05


def test_batch_size_above_n_is_rejected_for_minibatch(qtbot, window):
    controls = window.run_controls
    controls.algorithm.setCurrentIndex(controls.algorithm.findData("minibatch"))
    field = controls.fields["batch_size"]
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "1000")
    assert not window.commands.play.isEnabled()
    assert "from 1 to 100" in field.error.text()


def test_learning_rate_above_the_stable_limit_warns_but_allows(qtbot, window):
    field = window.run_controls.fields["lr"]
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "0.13")
    assert "Above the stable limit" in window.run_controls.lr_hint.text()
    assert window.commands.play.isEnabled()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "0.1")
    assert "Stable below ≈ 0.12" in window.run_controls.lr_hint.text()


def test_diverging_preset_ends_with_a_diverged_status_and_explanation(qtbot, window):
    window.document.apply_preset("Too large: batch GD zig-zags out")
    window.session.play()
    wait_state(qtbot, window, DIVERGED)
    window.redraw()
    assert "Diverged at step" in window.banner.label.text()
    assert "stable limit" in window.banner.label.text()
    assert window.banner.isVisibleTo(window)
    marker_w, _ = window.surface_panel.diverged_marker.getData()
    assert marker_w.size == 1
    assert window.status.labels["state"].text() == "Diverged"
    # the next run after fixing the learning rate works
    window.apply_run_config(window.session.run_config.with_changes(lr=0.1))
    window.session.play()
    wait_state(qtbot, window, FINISHED)


def test_tutorial_sgd_at_lr_0_1_diverges_cleanly(qtbot, window):
    window.document.apply_preset("Tutorial SGD at lr 0.1 diverges")
    window.session.play()
    wait_state(qtbot, window, DIVERGED)
    assert np.isfinite(window.session.history.column("loss")[:-1]).all()


def test_an_exception_in_the_training_process_reaches_the_gui_and_the_next_run_works(qtbot, window):
    from gdviewer.core.training_process import ProcessPool
    from tests.ui.faulty_child import serve_failing_once

    pool = ProcessPool(keep=0, target=serve_failing_once)
    window.session._training.shutdown()  # let go of the pool's process: the next race uses this pool's
    window.session._training.pool = pool
    failures = []
    window.session.worker_failed.connect(lambda msg, tb: failures.append((msg, tb)))
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.play()
    wait_state(qtbot, window, FAILED, timeout=60000)
    assert failures and "injected fault" in failures[0][0] and "Traceback" in failures[0][1]
    assert "injected fault" in window.banner.label.text()
    assert window.session.steps_done == 5
    assert not window.session.thread_running
    window.session.play()  # the same process, which fails only once
    wait_state(qtbot, window, FINISHED)
    assert window.session.steps_done == 2000
    window.session._training.shutdown()
    pool.close()


def test_a_training_process_killed_mid_run_is_reported_and_play_starts_a_new_one(qtbot, window):
    import os
    import signal

    window.apply_run_config(window.session.run_config.with_changes(algorithm="stochastic", lr=0.001, epochs=1000))
    window.session.play()
    qtbot.waitUntil(lambda: window.session.steps_done > 100, timeout=30000)
    child = window.session._training.process
    os.kill(child.process.pid, signal.SIGKILL)
    wait_state(qtbot, window, FAILED)
    assert "stopped unexpectedly" in window.banner.label.text()
    assert window.session.runs[0].config.epochs == 1000, "the session's settings are kept"
    window.apply_run_config(window.session.run_config.with_changes(epochs=2))
    window.session.play()
    wait_state(qtbot, window, FINISHED, timeout=60000)
    assert window.session.steps_done == 200 and window.session._training.process is not child


def test_closing_mid_run_stops_the_thread_fast(qtbot, window):
    window.apply_run_config(window.session.run_config.with_changes(algorithm="stochastic", lr=0.001, epochs=1000))
    window.session.play()
    qtbot.waitUntil(lambda: window.session.steps_done > 100)
    thread = window.session._training._thread
    assert thread is not None and thread.isRunning()
    window.close()  # returns only after the thread has stopped (or the bounded wait gave up)
    assert not thread.isRunning()
    assert not window.session.thread_running


def test_closing_while_paused_stops_the_thread(qtbot, window):
    window.session.step()
    qtbot.waitUntil(lambda: window.session.steps_done == 1)
    assert window.session.state == PAUSED
    window.close()
    assert not window.session.thread_running


def test_every_preset_applies_and_shows_its_settings(qtbot, window):
    from gdviewer.presets import load_presets

    for name, spec in load_presets().items():
        window.document.apply_preset(name)
        assert window.session.run_config == spec.run
        assert window.run_controls.fields["lr"].text() == f"{spec.run.lr:.10g}"
        assert window.run_controls.algorithm.currentData() == spec.run.algorithm


def test_loss_axis_and_log_scale(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    panel = window.loss_panel
    panel.set_x_axis("epochs")
    x = panel.full_curve.xData
    assert x[-1] == pytest.approx(20.0)
    panel.set_x_axis("samples")
    x = panel.full_curve.xData
    assert x[-1] == 2000
    panel.set_log_scale(True)
    assert panel.plot_item.ctrl.logYCheck.isChecked()
    window.redraw()


def test_regenerate_data_updates_surface_and_resets(qtbot, window):
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    controls = window.data_controls
    field = controls.fields["slope"]
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "2")
    controls.regenerate.click()
    assert window.session.data_config.slope == 2.0
    assert window.session.steps_done == 0
    w_opt, _ = window.session.surface.optimum
    assert w_opt == pytest.approx(2.0, abs=0.1)
    star_w, _ = window.surface_panel.optimum.getData()
    assert star_w[0] == pytest.approx(w_opt)

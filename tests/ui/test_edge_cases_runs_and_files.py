"""Edge cases of runs, sweeps and files: smaller data after a run, quitting mid-sweep, huge
numbers, rejected files, run-list questions, replay and run names."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.ui.background import _draining
from gdviewer.ui.session import FINISHED, RUNNING
from tests.ui.conftest import wait_state


def test_smaller_data_after_a_run_update_every_panel(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    window.session.play()
    wait_state(qtbot, window, FINISHED)  # the last step used sample 99
    window.editor.remove([99])
    s = window.session
    assert s.dataset.n == 99
    w_opt, b_opt = s.surface.optimum
    assert window.parameters_panel.w_opt.value() == pytest.approx(w_opt)
    assert window.parameters_panel.b_opt.value() == pytest.approx(b_opt)
    window.editor.set_points(np.array([0.0, 1.0, 2.0]), np.array([1.0, 4.0, 7.0]))
    assert window.parameters_panel.w_opt.value() == pytest.approx(3.0)
    window.redraw()


def test_quitting_during_a_long_sweep_cancels_it_cleanly(qtbot, window):
    window.apply_run_config(window.session.run_config.with_changes(algorithm="stochastic", epochs=3000, lr=0.001))
    dialog = window.dialogs.sweep()
    qtbot.waitUntil(lambda: dialog.task.busy)
    qtbot.wait(200)
    window.close()  # cancels the sweep at its next epoch and waits for the thread
    assert not dialog.task.busy
    assert not any(t.isRunning() for t in _draining)


@pytest.mark.parametrize("text", ["1e308", "99999999999999999999999999", "1" + "0" * 300])
def test_huge_whole_numbers_get_a_short_exact_message(qtbot, window, text):
    controls = window.run_controls
    field = controls.fields["epochs"]
    field.edit.setText(text)
    field.edited.emit()
    message = field.error.text()
    assert "whole number from 1 to 1000000" in message and len(message) < 120
    if "e" not in text:
        assert field.value() == int(field.text())  # exact (the field keeps at most 64 characters)


def test_a_rejected_data_file_clears_the_loading_message(qtbot, window, tmp_path):
    window.apply_run_config(window.session.run_config.with_changes(algorithm="stochastic", epochs=100_000))
    path = tmp_path / "many.csv"
    x = np.linspace(0, 1, 100)
    np.savetxt(path, np.column_stack([x, x]), delimiter=",")
    with qtbot.waitSignal(window.document.data_loaded) as blocker:
        window.document.open_path(path)
    assert blocker.args == [True]  # 100 points × 100,000 epochs = 10,000,000 steps: allowed
    path2 = tmp_path / "more.csv"
    x = np.linspace(0, 1, 1000)
    np.savetxt(path2, np.column_stack([x, x]), delimiter=",")
    with qtbot.waitSignal(window.document.data_loaded) as blocker:
        window.document.open_path(path2)
    assert blocker.args == [False] and "Could not use" in window.banner.label.text()
    assert "Loading" not in window.statusBar().currentMessage()


def test_run_list_actions_ask_before_resetting_a_race(qtbot, window):
    s = window.session
    window.apply_run_config(s.run_config.with_changes(algorithm="stochastic", lr=0.001, epochs=1000))
    s.play()
    qtbot.waitUntil(lambda: s.steps_done > 50)
    asked = []
    window.questions.confirm = lambda title, text: asked.append(text) or False
    window.run_list.add_button.click()
    window.run_list.clock.setCurrentIndex(window.run_list.clock.findData("step"))
    assert len(asked) == 2 and len(s.runs) == 1 and s.clock == "epoch"
    assert window.run_list.clock.currentData() == "epoch"
    assert s.state == RUNNING and s.steps_done > 50
    s.reset()


def test_selecting_another_run_leaves_the_replay(qtbot, window):
    window.document.apply_preset("Batch vs stochastic (tutorial)")
    s = window.session
    s.play()
    wait_state(qtbot, window, FINISHED)
    s.set_view_step(1)
    s.roster.select(1)
    assert s.view_step is None


def test_run_names_are_shown_as_text(qtbot, window):
    s = window.session
    s.roster.add(name="<b>bold</b> " + "x" * 60)
    labels = [label.text for _sample, label in window.surface_panel.run_legend.items]
    assert any("&lt;b&gt;" in text and "…" in text for text in labels)


def test_the_sweep_refuses_rates_above_what_a_run_accepts(qtbot, window):
    dialog = window.dialogs.sweep()
    qtbot.waitUntil(lambda: not dialog.task.busy, timeout=60000)
    dialog.fields["high"].edit.setText("1e7")
    assert dialog.run_sweep() is False
    assert "at most 1e+06" in dialog.fields["high"].error.text()
    dialog.close()

"""'Show as PyTorch code' and 'Sweep learning rate': what the dialogs show and what they do."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication

from gdviewer.core import DataConfig, RunConfig
from gdviewer.core.codegen import pytorch_script
from gdviewer.core.sweep import sweep_learning_rates
from gdviewer.ui.session import PAUSED, READY
from tests.ui.conftest import wait_state

SWEEP_TIMEOUT_MS = 60000


# --- the code dialog -----------------------------------------------------------------------

def test_code_dialog_shows_copies_and_saves_the_script_for_this_run(qtbot, window, tmp_path):
    data = DataConfig(intercept=1.5, seed=11, n_points=60)
    run = RunConfig(algorithm="minibatch", batch_size=7, shuffle=True, shuffle_seed=3, optimizer="adam", lr=0.05)
    window.document.apply_data_config(data)
    window.apply_run_config(run)
    assert (window.session.data_config, window.session.run_config) == (data, run)
    expected = pytorch_script(run, data)
    dialog = window.dialogs.code()
    try:
        assert dialog.editor.toPlainText() == expected
        assert dialog.editor.isReadOnly()
        QGuiApplication.clipboard().clear()
        dialog.copy()
        assert QGuiApplication.clipboard().text() == expected
        target = tmp_path / "run.py"
        dialog.save(target)
        assert target.read_text(encoding="utf-8") == expected
    finally:
        dialog.close()


def test_code_dialog_follows_the_current_settings(qtbot, window):
    window.document.apply_preset("Tutorial: stochastic GD")
    dialog = window.dialogs.code()
    try:
        text = dialog.editor.toPlainText()
        assert text == pytorch_script(window.session.run_config, DataConfig())
        assert "lr = 0.01" in text and "batch_size = 1" in text
    finally:
        dialog.close()


# --- the sweep dialog ------------------------------------------------------------------------

def open_sweep(qtbot, window):
    """Open the sweep dialog and wait for the sweep it starts at once."""
    dialog = window.dialogs.sweep()
    with qtbot.waitSignal(dialog.finished_sweep, timeout=SWEEP_TIMEOUT_MS):
        pass
    return dialog


def field_rates(dialog) -> np.ndarray:
    low, high, count = (dialog.fields[k].value() for k in ("low", "high", "count"))
    return np.geomspace(low, high, count)


def test_sweep_runs_in_the_background_and_plots_the_final_losses(qtbot, window):
    dialog = window.dialogs.sweep()
    try:
        assert dialog.task.busy and not dialog.run_button.isEnabled()  # started, not run in the GUI thread
        with qtbot.waitSignal(dialog.finished_sweep, timeout=SWEEP_TIMEOUT_MS):
            pass
        result = dialog.result
        assert result is not None and dialog.run_button.isEnabled() and not dialog.task.busy
        lrs = field_rates(dialog)
        assert lrs.size == 100
        np.testing.assert_array_equal(result.learning_rates, lrs)
        # the same sweep, run here, gives the same numbers
        reference = sweep_learning_rates(window.session.dataset, window.session.run_config, lrs)
        np.testing.assert_array_equal(result.final_loss, reference.final_loss)
        ok = np.isfinite(result.final_loss)
        xs, ys = dialog.curve.xData, dialog.curve.yData
        np.testing.assert_array_equal(xs, lrs[ok])
        np.testing.assert_allclose(ys, result.final_loss[ok])
        assert len(xs) > 50
        dx, _ = dialog.diverged_points.xData, dialog.diverged_points.yData
        np.testing.assert_array_equal(dx, lrs[~ok])
        assert f"{lrs.size} runs done" in dialog.status.text()
    finally:
        dialog.close()


def test_sweep_of_a_too_large_rate_shades_the_divergent_region_above_the_stable_limit(qtbot, window):
    window.document.apply_preset("Too large: batch GD zig-zags out")
    dialog = open_sweep(qtbot, window)
    try:
        result = dialog.result
        stable = window.session.stable_lr()
        assert result.stable_lr == pytest.approx(stable)
        first = result.first_divergent_lr
        assert first is not None and first > stable
        assert window.session.run_config.lr > stable  # the preset's rate is in the shaded part
        assert dialog.region.isVisible()
        low, high = dialog.region.getRegion()  # in log10 units: the plot is log-log
        assert low == pytest.approx(math.log10(first))
        assert high == pytest.approx(math.log10(result.learning_rates.max()))
        assert dialog.limit_line.isVisible() and dialog.limit_line.value() == pytest.approx(math.log10(stable))
        assert f"{stable:.3g}" in dialog.limit_label.textItem.toPlainText()
        assert f"{first:.3g}" in dialog.status.text()
        # every diverged run lies in the region, every finished one below it
        assert (result.learning_rates[result.diverged] >= first).all()
        assert (result.learning_rates[~result.diverged] < first).all()
    finally:
        dialog.close()


def test_sweep_of_a_stable_adaptive_optimiser_has_no_limit_line(qtbot, window):
    window.document.apply_preset("Adam")
    dialog = open_sweep(qtbot, window)
    try:
        assert dialog.result.stable_lr is None
        assert not dialog.limit_line.isVisible()
        assert dialog.region.isVisible() == (dialog.result.first_divergent_lr is not None)
    finally:
        dialog.close()


@pytest.mark.parametrize(("low", "high", "count", "bad", "message"), [
    ("0.1", "0.01", "50", "high", "must be above From"),
    ("0.1", "0.1", "50", "high", "must be above From"),
    ("0", "0.1", "50", "high", "From above 0"),
    ("abc", "0.1", "50", "low", "is not a number"),
    ("0.001", "", "50", "high", "is empty"),
    ("0.001", "0.1", "0", "count", "from 2 to 1000"),
    ("0.001", "0.1", "1001", "count", "from 2 to 1000"),
    ("0.001", "0.1", "2.5", "count", "is not a whole number"),
])
def test_invalid_sweep_fields_show_an_error_and_run_nothing(qtbot, window, low, high, count, bad, message):
    dialog = open_sweep(qtbot, window)
    try:
        before = dialog.result
        for name, text in (("low", low), ("high", high), ("count", count)):
            dialog.fields[name].edit.setText(text)
        assert dialog.run_sweep() is False
        field = dialog.fields[bad]
        assert field.error.isVisibleTo(dialog) and message in field.error.text()
        for name, other in dialog.fields.items():
            if name != bad:
                assert not other.error.isVisibleTo(dialog)
        assert not dialog.task.busy and dialog.result is before
        # fixing the field clears the error and runs again
        for name, text in (("low", "0.001"), ("high", "0.1"), ("count", "10")):
            dialog.fields[name].edit.setText(text)
        with qtbot.waitSignal(dialog.finished_sweep, timeout=SWEEP_TIMEOUT_MS):
            assert dialog.run_sweep() is True
        assert not field.error.isVisibleTo(dialog)
        assert dialog.result is not before and dialog.result.learning_rates.size == 10
    finally:
        dialog.close()


def test_choosing_a_rate_from_the_sweep_adds_that_run_and_resets_the_race(qtbot, window):
    dialog = open_sweep(qtbot, window)
    try:
        window.session.step(3)
        qtbot.waitUntil(lambda: window.session.steps_done == 3)
        wait_state(qtbot, window, PAUSED)
        dialog.learning_rate_chosen.emit(0.05)
        s = window.session
        assert [r.config.lr for r in s.runs] == [0.1, 0.05]
        assert s.run_config == RunConfig().with_changes(lr=0.05)  # nothing else changed
        assert s.runs[1].name == "lr 0.05" and s.selected == 1
        assert s.state == READY and all(len(r.history) == 0 for r in s.runs)
        assert window.run_controls.fields["lr"].text() == "0.05"
        dialog.learning_rate_chosen.emit(0.0123456789)  # a clicked point: kept to 4 digits
        assert s.runs[-1].config.lr == 0.01235 and len(s.runs) == 3
    finally:
        dialog.close()


def test_the_sweep_compares_the_same_runs_with_another_schedule(qtbot, window):
    """"Compare": the same rates swept again with cosine decay (the run's rate is constant),
    drawn green beside the run's own curve; the numbers are the engine's sweep of that run."""
    from gdviewer.core.steering import Schedule

    window.document.apply_preset("Tutorial: stochastic GD")
    dialog = open_sweep(qtbot, window)
    try:
        assert dialog.compare_box.text() == "Compare: the same runs with cosine decay"
        assert not dialog.compare_curve.isVisible()
        dialog.fields["count"].set_value(12)
        dialog.compare_box.setChecked(True)
        with qtbot.waitSignal(dialog.finished_sweep, timeout=SWEEP_TIMEOUT_MS):
            assert dialog.run_sweep() is True
        lrs = field_rates(dialog)
        config = window.session.run_config
        own = sweep_learning_rates(window.session.dataset, config, lrs)
        cosine = sweep_learning_rates(window.session.dataset, config.with_changes(schedule=Schedule(kind="cosine")),
                                      lrs)
        np.testing.assert_array_equal(dialog.result.final_loss, own.final_loss)
        ok = np.isfinite(cosine.final_loss)
        assert dialog.compare_curve.isVisible()
        np.testing.assert_array_equal(dialog.compare_curve.xData, lrs[ok])
        np.testing.assert_allclose(dialog.compare_curve.yData, np.maximum(cosine.final_loss[ok], 1e-30))
        assert not np.array_equal(own.final_loss, cosine.final_loss)  # another schedule, other runs
        assert "With cosine decay (green)" in dialog.status.text()
        dialog.compare_box.setChecked(False)  # off: one sweep, one curve
        with qtbot.waitSignal(dialog.finished_sweep, timeout=SWEEP_TIMEOUT_MS):
            dialog.run_sweep()
        assert not dialog.compare_curve.isVisible() and "green" not in dialog.status.text()
    finally:
        dialog.close()
    # a run with a schedule is compared with a constant rate
    window.apply_run_config(window.session.run_config.with_changes(schedule=Schedule(kind="cosine")))
    dialog = open_sweep(qtbot, window)
    try:
        assert dialog.compare_box.text() == "Compare: the same runs with a constant lr"
        assert dialog.compare_config.schedule.constant
    finally:
        dialog.close()

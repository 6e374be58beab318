"""Conditioning in the window: the sliders and buttons reshape the valley the runs train on,
the data panel keeps the raw data and says which transform is on, every change is undoable."""

from __future__ import annotations

import html

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdviewer.core.conditioning import RAW, XTransform, standardised
from gdviewer.core.data import synthetic
from gdviewer.ui.controls.conditioning_controls import TICKS, valley_numbers
from gdviewer.ui.readouts import FULL_ROLE, ROWS

from .conftest import wait_state


def take_steps(qtbot, window, n: int) -> None:
    window.session.step(n)
    qtbot.waitUntil(lambda: window.session.steps_done == n, timeout=30000)
    window.redraw()


def test_standardise_makes_a_round_valley_and_the_data_panel_stays_raw(qtbot, window):
    s, c = window.session, window.conditioning
    raw_x = s.raw_dataset.x.copy()
    qtbot.mouseClick(c.buttons["standardize"], Qt.MouseButton.LeftButton)
    assert s.transform == standardised(s.raw_dataset.surface)
    assert c.buttons["standardize"].isChecked() and not c.buttons["none"].isChecked()
    lams = np.linalg.eigvalsh(s.surface.hessian)
    assert lams[-1] / lams[0] == pytest.approx(1.0, abs=1e-5)  # κ = 1, and the controls say it
    assert "κ = 1 ·" in c.numbers.text() and html.escape(valley_numbers(s.surface)) in c.numbers.text()
    np.testing.assert_array_equal(s.dataset.x, s.transform.apply(raw_x))  # the runs see x′ ...
    xs, _ys = window.data_panel.points.getData()
    np.testing.assert_array_equal(xs, raw_x)  # ... the data panel shows x
    take_steps(qtbot, window, 3)
    w, b = s.params
    raw_w, raw_b = s.transform.raw_coefficients(w, b)
    line_x, line_y = window.data_panel.fit_line.getData()
    np.testing.assert_allclose(line_y, raw_w * line_x + raw_b, rtol=1e-6)  # the fitted line on raw x
    readout = window.data_panel.readout.text()
    assert "x′ = (x + 0.05) / 2.887" in readout
    assert "w (slope on x′)" in window.surface_panel.plot_item.getAxis("bottom").labelText
    window.readouts.refresh()
    keys = [r.key for r in ROWS]
    table = window.readouts.table
    assert not table.isRowHidden(keys.index("raw_w"))
    assert float(table.item(keys.index("raw_w"), 0).data(FULL_ROLE)) == raw_w  # every digit
    assert "x below is x′" in window.step_panel._title()


def test_each_change_is_one_undo_step_and_undo_brings_raw_x_back(qtbot, window):
    s, c = window.session, window.conditioning
    undo = window.undo_stack
    before = undo.count()
    c.choose("center")
    assert s.transform.kind == "center" and undo.count() == before + 1
    c.choose("center")  # the same again: nothing to undo
    assert undo.count() == before + 1
    undo.undo()
    assert s.transform == RAW and c.buttons["none"].isChecked()
    undo.redo()
    assert s.transform.kind == "center"


def test_a_slider_drag_morphs_the_valley_live_and_is_one_undo_step(qtbot, window):
    s, c = window.session, window.conditioning
    undo = window.undo_stack
    before = undo.count()
    c.scale.setSliderDown(True)  # as the mouse holds it
    c.drag_started.emit()
    kappas = []
    for value in (c.scale.value() + 60, c.scale.value() + 120, c.scale.value() + 180):
        c.scale.setValue(value)
        lams = np.linalg.eigvalsh(s.surface.hessian)
        kappas.append(lams[-1] / lams[0])
        assert s.transform.kind == "custom"
    assert len(set(kappas)) == 3  # the valley changed under the pointer
    c.scale.setSliderDown(False)
    c.drag_finished.emit()
    assert undo.count() == before + 1
    undo.undo()
    assert s.transform == RAW


def test_a_key_on_the_shift_slider_is_one_change_and_round_values_are_kept(qtbot, window):
    s, c = window.session, window.conditioning
    before = window.undo_stack.count()
    c.shift.setValue(min(TICKS, c.shift.value() + 100))
    assert s.transform.kind == "custom" and s.transform.scale == 1.0
    assert s.transform.center == float(f"{s.transform.center:.3g}")
    assert window.undo_stack.count() == before + 1
    assert c.shift_value.text() == f"{s.transform.center:.4g}"


def test_new_data_keeps_standardising_with_its_own_mean_and_spread(qtbot, window):
    s, c = window.session, window.conditioning
    c.choose("standardize")
    config = s.data_config.__class__(x_start=10.0, x_stop=30.0, slope=2.0)
    window.document.apply_data_config(config)
    assert s.transform == standardised(synthetic(config).surface)
    lams = np.linalg.eigvalsh(s.surface.hessian)
    assert lams[-1] / lams[0] == pytest.approx(1.0, abs=1e-5)


def test_a_saved_session_brings_its_transform_back(qtbot, window, tmp_path):
    s = window.session
    window.conditioning.choose("standardize")
    path = tmp_path / "standardised.json"
    assert window.document.save_path(path)
    window.conditioning.choose("none")
    assert s.transform == RAW
    assert window.document.open_path(path)
    assert s.transform.kind == "standardize"
    assert window.conditioning.buttons["standardize"].isChecked()


def test_an_edited_point_keeps_the_transform_following_the_data(qtbot, window):
    s = window.session
    window.conditioning.choose("center")
    window.editor.add(20.0, -100.0)
    assert s.raw_dataset.n == 101 and s.transform.kind == "center"
    assert s.transform.center == pytest.approx(float(s.raw_dataset.x.astype(np.float64).mean()))
    assert float(s.dataset.x.astype(np.float64).mean()) == pytest.approx(0.0, abs=1e-5)


def test_the_exported_code_trains_on_x_prime(qtbot, window):
    window.conditioning.choose("standardize")
    dialog = window.dialogs.code()
    text = dialog.editor.toPlainText()
    assert "X = ((X.double() - x_shift) / x_scale).float()" in text
    assert 'print(f"on raw x:' in text
    dialog.close()


def test_an_invalid_transform_is_refused_and_nothing_changes(qtbot, window):
    shown = []
    window.show_error = shown.append
    window.transform_editing.show_error = shown.append
    window.conditioning.transform_chosen.emit(XTransform(0.0, 0.0, "custom"), "bad")
    assert window.session.transform == RAW
    assert shown and "scale" in shown[0]
    wait_state(qtbot, window, "ready")

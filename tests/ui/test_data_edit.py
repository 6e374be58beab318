"""Editing the data by hand: click to add, drag to move, right-click or Delete to remove,
each undoable; the surface and optimum follow at once."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from gdviewer.core.surface import LossSurface


def click_data(window, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:
    panel = window.data_panel
    view = panel.plot_item.getViewBox()
    pos = panel.plot_widget.mapFromScene(view.mapViewToScene(QPointF(x, y)))
    QTest.mouseClick(panel.plot_widget.viewport(), button, Qt.KeyboardModifier.NoModifier, pos)


def lstsq(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    w, b = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    return float(w), float(b)


@pytest.fixture
def editing(window):
    window.data_panel.edit_box.setChecked(True)
    return window


def test_clicking_empty_space_adds_a_point_and_the_optimum_follows(qtbot, editing):
    window = editing
    s = window.session
    before = s.dataset.n
    click_data(window, 2.0, 15.0)
    assert s.dataset.n == before + 1
    assert s.dataset.x[-1] == pytest.approx(2.0, abs=0.2) and s.dataset.y[-1] == pytest.approx(15.0, abs=1.0)
    w_opt, b_opt = s.surface.optimum
    ref = lstsq(s.dataset.x.astype(float), s.dataset.y.astype(float))
    assert (w_opt, b_opt) == (pytest.approx(ref[0], rel=1e-6), pytest.approx(ref[1], rel=1e-6, abs=1e-6))
    star_w, _ = window.surface_panel.optimum.getData()
    assert star_w[0] == pytest.approx(w_opt)
    assert "edited points" in window.data_controls.source.text()


def test_right_clicking_a_point_removes_it_and_undo_redo_walk_the_edits(qtbot, editing):
    window = editing
    s = window.session
    original = s.dataset.x.copy(), s.dataset.y.copy()
    x0, y0 = float(s.dataset.x[50]), float(s.dataset.y[50])
    click_data(window, x0, y0, Qt.MouseButton.RightButton)
    assert s.dataset.n == 99 and x0 not in s.dataset.x.tolist()
    window.editor._on_dragged(10, 1.0, 40.0, False)  # a drag in progress changes nothing yet
    assert s.dataset.n == 99 and s.dataset.y[10] != 40.0
    window.editor._on_dragged(10, 1.0, 40.0, True)
    assert (s.dataset.x[10], s.dataset.y[10]) == (1.0, 40.0)
    assert window.undo_stack.count() == 2
    window.commands.undo.trigger()
    assert s.dataset.n == 99 and s.dataset.y[10] != 40.0
    window.commands.undo.trigger()
    np.testing.assert_array_equal(s.dataset.x, original[0])
    np.testing.assert_array_equal(s.dataset.y, original[1])
    w_opt, _ = s.surface.optimum
    assert w_opt == pytest.approx(LossSurface.from_data(*original).optimum[0])
    window.commands.redo.trigger()
    window.commands.redo.trigger()
    assert (s.dataset.n, float(s.dataset.y[10])) == (99, 40.0)


def test_delete_removes_the_picked_point(qtbot, editing):
    window = editing
    window.data_panel.pick(3)
    x3 = float(window.session.dataset.x[3])
    window.commands.delete_point.trigger()
    assert window.session.dataset.n == 99 and x3 not in window.session.dataset.x.tolist()


def test_two_points_is_the_least(qtbot, editing):
    window = editing
    window.editor.set_points(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert not window.editor.remove([0])
    assert window.session.dataset.n == 2


def test_new_data_are_one_more_undoable_step_after_the_edits(qtbot, editing):
    window = editing  # (issue 12: a preset used to wipe the edits with no way back)
    before = window.session.dataset.x.copy()
    window.editor.add(0.0, 0.0)
    edited = window.session.dataset.x.copy()
    window.document.apply_preset("Tutorial: batch GD")
    assert window.undo_stack.count() == 2
    window.commands.undo.trigger()
    np.testing.assert_array_equal(window.session.dataset.x, edited)
    window.commands.undo.trigger()
    np.testing.assert_array_equal(window.session.dataset.x, before)


def test_edit_mode_stops_panning_and_refuses_huge_data(qtbot, window):
    view = window.data_panel.plot_item.getViewBox()
    window.data_panel.edit_box.setChecked(True)
    assert view.state["mouseEnabled"] == [False, False]
    window.data_panel.edit_box.setChecked(False)
    assert view.state["mouseEnabled"] == [True, True]
    x = np.linspace(0, 1, 6000)
    window.editor.set_points(x, x)
    window.data_panel.edit_box.setChecked(True)
    assert not window.data_panel.edit_box.isChecked() and "too many" in window.data_panel.readout.text()

"""The valley's axes on the loss surface: two lines through the least-squares optimum along
the eigenvectors of the Hessian (built here from the data and decomposed by numpy), crossing
the whole view, labelled with λ and κ, and drawn only when the data change."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from gdviewer.core.config import DataConfig


def hessian_of(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), np.asarray(y, dtype=np.float64), rcond=None)[0]


def drawn_segment(line) -> tuple[np.ndarray, np.ndarray]:
    """The two ends of what the InfiniteLine paints, in (w, b)."""
    rect = line.boundingRect()
    ends = [line.mapToParent(QPointF(x, 0.0)) for x in (rect.left(), rect.right())]
    return tuple(np.array([p.x(), p.y()]) for p in ends)


def check_axes(window) -> None:
    panel = window.surface_panel
    overlay = panel.valley
    data = window.session.dataset
    lams, vecs = np.linalg.eigh(hessian_of(data.x))
    optimum = least_squares(data.x, data.y)
    (v0, v1), (u0, u1) = panel.view_box.viewRange()
    for line, halo, vec in zip(overlay.lines, overlay.halos, vecs.T, strict=True):
        assert line.isVisible() and halo.isVisible()
        a, b = drawn_segment(line)
        direction = (b - a) / np.linalg.norm(b - a)
        assert abs(direction @ vec) == pytest.approx(1.0, abs=1e-6)  # along the eigenvector
        # through the optimum: the optimum's distance from the drawn line is (almost) zero
        off = optimum - a
        assert abs(off[0] * direction[1] - off[1] * direction[0]) < 1e-6 * max(v1 - v0, u1 - u0)
        # across the whole view: both ends on or beyond its edges
        for end in (a, b):
            outside = (end[0] <= v0 + 1e-9 * (v1 - v0) or end[0] >= v1 - 1e-9 * (v1 - v0)
                       or end[1] <= u0 + 1e-9 * (u1 - u0) or end[1] >= u1 - 1e-9 * (u1 - u0))
            assert outside, (end, (v0, v1, u0, u1))
        assert np.allclose(drawn_segment(halo), (a, b))
    flat, steep = (label.toPlainText() for label in overlay.labels)
    assert steep == f"λmax = {lams[1]:.3g} (steep)"
    assert flat == f"λmin = {lams[0]:.3g} (flat) · κ = {lams[1] / lams[0]:.3g}"
    # the labels are inside the view, readable
    view_rect = panel.view_box.sceneBoundingRect()
    for label in overlay.labels:
        assert label.isVisible()
        assert view_rect.contains(label.sceneBoundingRect()), label.toPlainText()
        star = panel.view_box.mapViewToScene(QPointF(*optimum))
        assert not label.sceneBoundingRect().contains(star), "a label covers the optimum"


def test_axes_are_off_by_default_and_drawn_when_ticked(qtbot, window):
    panel = window.surface_panel
    assert not panel.axes_box.isChecked()
    assert not any(line.isVisible() for line in panel.valley.lines + panel.valley.halos)
    panel.axes_box.setChecked(True)
    check_axes(window)
    panel.axes_box.setChecked(False)
    assert not any(line.isVisible() for line in panel.valley.lines + panel.valley.halos)


def test_the_tutorials_labels(qtbot, window):
    window.surface_panel.axes_box.setChecked(True)
    flat, steep = (label.toPlainText() for label in window.surface_panel.valley.labels)
    assert steep == "λmax = 16.7 (steep)" and flat == "λmin = 2 (flat) · κ = 8.34"


def test_new_data_move_the_axes_and_frames_do_not_redraw_them(qtbot, window, monkeypatch):
    window.surface_panel.axes_box.setChecked(True)
    # x far from 0: the valley turns (the axes are no longer along w and b)
    window.document.apply_data_config(DataConfig(slope=2.0, intercept=1.0, x_start=1.0, x_stop=6.0, x_step=0.05))
    window.redraw()
    check_axes(window)
    steep = window.surface_panel.valley.axes.eigenvectors[1]
    assert abs(steep[1]) > 0.1
    calls = []
    for line in window.surface_panel.valley.lines:
        monkeypatch.setattr(line, "setAngle", lambda *a: calls.append(a))
    window.session.step(3)
    qtbot.waitUntil(lambda: window.session.steps_done == 3, timeout=30000)
    for _ in range(3):
        window.redraw()
    assert calls == []  # the same data: nothing to redo per frame


def test_framing_ignores_the_axes(qtbot, window):
    panel = window.surface_panel
    before = panel.view_box.viewRange()
    panel.axes_box.setChecked(True)
    panel.update_data()
    assert np.allclose(panel.view_box.viewRange(), before)
    panel.view_box.autoRange()  # "View all" frames the data, not the endless lines
    (v0, v1), (u0, u1) = panel.view_box.viewRange()
    assert v1 - v0 < 1e3 and u1 - u0 < 1e3


def test_all_x_equal_draws_the_line_of_optima(qtbot, window):
    from gdviewer.core.data import Dataset

    panel = window.surface_panel
    panel.axes_box.setChecked(True)
    window.session.set_dataset(Dataset.from_arrays(np.full(10, 2.0), np.linspace(0.0, 1.0, 10)))
    window.redraw()
    flat, _steep = (label.toPlainText() for label in panel.valley.labels)
    assert flat == "λmin = 0 (flat: a line of optima) · κ = ∞"
    a, b = drawn_segment(panel.valley.lines[0])
    direction = (b - a) / np.linalg.norm(b - a)
    assert abs(direction @ np.array([1.0, -2.0]) / np.sqrt(5)) == pytest.approx(1.0, abs=1e-6)


def test_a_label_goes_to_its_lines_other_end_rather_than_under_another_label(qtbot, window):
    """The fan's label (any label in ``keep_clear``) where an axis's label would go: the axis's
    label moves to the other end of its line, and back when the other label has gone."""
    import pyqtgraph as pg

    from gdviewer.ui.panels.common import view_rect

    panel = window.surface_panel
    panel.axes_box.setChecked(True)
    window.redraw()
    valley = panel.valley
    flat = valley.labels[0]
    before = view_rect(panel.view_box, flat)
    other = pg.TextItem("another label, as wide as this axis's own label", anchor=(0, 1))
    panel.plot_item.addItem(other, ignoreBounds=True)
    other.setPos(before.left(), before.top())  # its bottom left on the axis label's (b points up)
    other.updateTransform(force=True)
    assert view_rect(panel.view_box, other).intersects(before)
    valley.keep_clear = lambda: [other]
    valley.place_labels()
    after = view_rect(panel.view_box, flat)
    assert not after.intersects(view_rect(panel.view_box, other))
    assert abs(after.center().y() - before.center().y()) > 5 * after.height()  # the other end
    other.hide()
    valley.place_labels()
    assert view_rect(panel.view_box, flat) == before


def test_the_fans_label_with_no_room_asks_the_axes_labels_to_move(qtbot, window):
    import pyqtgraph as pg

    panel = window.surface_panel
    panel.axes_box.setChecked(True)
    panel.fan.checkbox.setChecked(True)
    window.redraw()
    calls: list[int] = []
    panel.fan.crowded = lambda: calls.append(1)
    window.redraw()
    assert calls == []  # room enough
    (v0, _v1), (_u0, u1) = panel.view_box.viewRange()
    wall = pg.TextItem("x" * 400 + "\n" * 60, anchor=(0, 0))  # a label over the whole view
    panel.plot_item.addItem(wall, ignoreBounds=True)
    wall.setPos(v0, u1)
    panel.fan.keep_clear = lambda: [wall]
    window.redraw()
    assert calls  # the fan's label covers it wherever it goes: the others are told

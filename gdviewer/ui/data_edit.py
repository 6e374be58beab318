"""Editing the data by hand on the data panel, with undo and redo.

Every edit (add, move, remove a point) is one ``QUndoCommand`` holding the points before and
after; undo and redo put back one or the other through the window, which makes a new data
set of them (the surface, optimum and stable learning rate follow at once).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand

#: Hand editing is for small teaching data sets: every point is drawn and can be picked.
MAX_EDITABLE_POINTS = 5_000

Points = tuple[np.ndarray, np.ndarray]


class EditPoints(QUndoCommand):
    """Replace the data's points (``apply(x, y)`` does it); undo restores the old ones."""

    def __init__(self, apply, before: Points, after: Points, text: str) -> None:
        super().__init__(text)
        self._apply = apply
        self.before = (before[0].copy(), before[1].copy())
        self.after = (after[0].copy(), after[1].copy())

    def redo(self) -> None:
        self._apply(*self.after)

    def undo(self) -> None:
        self._apply(*self.before)


def with_point(points: Points, x: float, y: float) -> Points:
    return np.append(points[0], x), np.append(points[1], y)


def with_moved(points: Points, index: int, x: float, y: float) -> Points:
    xs, ys = points[0].copy(), points[1].copy()
    xs[index], ys[index] = x, y
    return xs, ys


def without(points: Points, indices: list[int]) -> Points:
    keep = np.ones(points[0].size, dtype=bool)
    keep[indices] = False
    return points[0][keep], points[1][keep]


class EditableScatter(pg.ScatterPlotItem):
    """A scatter whose points can be dragged (left), picked (left click) and removed (right
    click) while ``editable`` is on; it only reports, the window decides."""

    dragged = Signal(int, float, float, bool)  # index, x, y, finished
    picked = Signal(int)
    removed = Signal(int)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editable = False
        self._dragging: int | None = None

    def _index_at(self, pos) -> int | None:
        """The point under ``pos`` nearest to it on screen (neighbours' dots overlap)."""
        points = self.pointsAt(pos)
        if not len(points):
            return None
        px, py = self.pixelVectors()
        sx = max(px.length(), 1e-300) if px is not None else 1.0
        sy = max(py.length(), 1e-300) if py is not None else 1.0

        def screen_distance(spot) -> float:
            p = spot.pos()
            return ((p.x() - pos.x()) / sx) ** 2 + ((p.y() - pos.y()) / sy) ** 2

        return int(min(points, key=screen_distance).index())

    def mouseDragEvent(self, ev) -> None:
        if not self.editable or ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            self._dragging = self._index_at(ev.buttonDownPos())
        if self._dragging is None:
            ev.ignore()
            return
        ev.accept()
        pos = ev.pos()
        self.dragged.emit(self._dragging, float(pos.x()), float(pos.y()), bool(ev.isFinish()))
        if ev.isFinish():
            self._dragging = None

    def mouseClickEvent(self, ev) -> None:
        index = self._index_at(ev.pos()) if self.editable else None
        if index is None:
            ev.ignore()
            return
        ev.accept()
        if ev.button() == Qt.MouseButton.RightButton:
            self.removed.emit(index)
        elif ev.button() == Qt.MouseButton.LeftButton:
            self.picked.emit(index)

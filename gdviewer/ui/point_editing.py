"""Editing the data by hand, as the window offers it: click to add a point, drag to move one,
right-click or Delete to remove it; every edit one step on the undo stack."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from gdviewer.core.data import Dataset
from gdviewer.core.errors import ConfigError, DataError
from gdviewer.ui.data_edit import EditPoints, with_moved, with_point, without
from gdviewer.ui.panels.data_panel import DataPanel
from gdviewer.ui.session import Session


class PointEditor:
    """Edits of the session's points. ``may_interrupt(what)`` asks before a live run is reset;
    ``say`` and ``show_error`` report."""

    def __init__(self, session: Session, panel: DataPanel, undo_stack: QUndoStack,
                 may_interrupt: Callable[[str], bool], say: Callable[[str, int], None],
                 show_error: Callable[[str], None]) -> None:
        self.session = session
        self.panel = panel
        self.undo_stack = undo_stack
        self.may_interrupt = may_interrupt
        self.say = say
        self.show_error = show_error
        points = panel.points
        points.dragged.connect(self._on_dragged)
        points.picked.connect(panel.pick)
        points.removed.connect(lambda i: self.remove([i]))
        panel.plot_widget.scene().sigMouseClicked.connect(self._on_click)

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        return self.session.raw_dataset.entered_points()

    def set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        """Train on these points from now on (the undo commands call this)."""
        old = self.session.raw_dataset
        dataset = Dataset.from_arrays(x, y, source="edited points")
        dataset.true_slope, dataset.true_intercept = old.true_slope, old.true_intercept
        self.session.set_dataset(dataset)

    def edit(self, after: tuple[np.ndarray, np.ndarray], text: str) -> bool:
        """One undoable edit of the data (asks first if a run is under way)."""
        if after[0].size < 2:
            self.say("The data need at least 2 points", 5000)
            return False
        if not self.may_interrupt("Editing the data"):
            self.panel.update_data()  # put back a dragged point
            return False
        try:
            self.undo_stack.push(EditPoints(self.set_points, self.points(), after, text))
        except (DataError, ConfigError) as exc:
            self.show_error(f"That edit cannot be used: {exc}")
            return False
        return True

    def add(self, x: float, y: float) -> bool:
        return self.edit(with_point(self.points(), x, y), f"Add point ({x:.3g}, {y:.3g})")

    def move(self, index: int, x: float, y: float) -> bool:
        return self.edit(with_moved(self.points(), index, x, y), f"Move point {index + 1}")

    def remove(self, indices: list[int]) -> bool:
        return self.edit(without(self.points(), indices), f"Remove {len(indices)} point(s)")

    def delete_selected(self) -> None:
        index = self.panel.selected_point
        if index is not None:
            self.remove([index])

    def _on_dragged(self, index: int, x: float, y: float, finished: bool) -> None:
        if finished:
            self.move(index, x, y)
        else:
            self.panel.preview_move(index, x, y)

    def _on_click(self, event) -> None:
        panel = self.panel
        if not panel.points.editable or event.isAccepted() or event.button() != Qt.MouseButton.LeftButton:
            return
        view = panel.plot_item.getViewBox()
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        p = view.mapSceneToView(event.scenePos())
        event.accept()
        self.add(float(p.x()), float(p.y()))

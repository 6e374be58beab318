"""Marks where a run was steered: a dashed vertical line at the step from which a changed
learning rate (momentum, betas) applied, labelled with the new value.

The loss and parameter panels show the selected run's marks up to the step they show, so the
timeline replays them: scrubbing back before a change takes its mark away.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdviewer.core.steering import RunChange
from gdviewer.ui.theme import LIGHT_PLOTS, PlotStyle

SHORT = {"lr": "lr", "momentum": "μ", "beta1": "β₁", "beta2": "β₂"}


class ChangeMarks:
    """The marks of one panel (lines made as needed, hidden when not)."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        self.lines: list[pg.InfiniteLine] = []
        self.style = LIGHT_PLOTS
        self._key: tuple | None = None

    def restyle(self, style: PlotStyle) -> None:
        self.style = style
        for line in self.lines:
            self._style(line)
        self._key = None

    def _style(self, line: pg.InfiniteLine) -> None:
        st = self.style
        line.setPen(st.pen(st.foreground, 1.5, style=Qt.PenStyle.DashLine))
        line.label.setColor(st.foreground)
        line.label.fill = pg.mkBrush(st.background)

    def show(self, changes: tuple[RunChange, ...], shown: int, x_of: Callable[[np.ndarray], np.ndarray]) -> None:
        """The changes made at or before step ``shown`` (``x_of``: steps → the panel's x axis)."""
        visible = [c for c in changes if c.step <= shown]
        xs = x_of(np.array([float(c.step) for c in visible])) if visible else np.empty(0)
        key = (tuple(visible), tuple(np.round(xs, 12)))
        if key == self._key:
            return
        self._key = key
        while len(self.lines) < len(visible):
            line = pg.InfiniteLine(angle=90, movable=False, label="",
                                   labelOpts={"position": 0.92, "anchors": [(0, 0), (0, 0)]})
            self._style(line)
            self.plot_item.addItem(line, ignoreBounds=True)
            self.lines.append(line)
        for i, line in enumerate(self.lines):
            if i < len(visible):
                change = visible[i]
                line.setValue(float(xs[i]))
                line.label.setFormat(f" {SHORT[change.field]} {change.value:g}")
                line.setToolTip(f"{change.field} set to {change.value:g} from step {change.step + 1:,}")
                line.show()
            else:
                line.hide()

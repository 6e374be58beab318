"""The lr(t) track: a strip along the top of the loss panel with each run's learning rate
over the whole run, its schedule and the changes made so far, on the loss panel's x axis.

It shows only while some run's rate is not constant. Each run's curve is computed once per
setting (up to TRACK_POINTS steps sampled, ``RunConfig.lr_at``: the rate torch used) and
redrawn only when the runs, their changes or the axis change. Dotted, so it is not read as a
loss curve; the loss panel's caption gives the shown step's lr and the strip's scale.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdviewer.core.moment import Moment
from gdviewer.ui.theme import LIGHT_PLOTS, PlotStyle

#: Steps sampled along a run for its curve (a step schedule's drops land on sampled steps).
TRACK_POINTS = 1500
#: The strip's share of the loss plot's height.
TRACK_HEIGHT = 0.24


def lr_curve(moment: Moment, index: int) -> tuple[np.ndarray, np.ndarray]:
    """(steps, lr) of run ``index`` over its whole run: a sample of steps plus every step where a
    change or a step decay's drop happens, so the curve's corners are where the rate's are."""
    config = moment.runs[index].config
    n = moment.dataset.n
    total = config.total_steps(n)
    steps = np.unique(np.linspace(0, total - 1, min(total, TRACK_POINTS)).astype(np.int64))
    corners = [c.step for c in config.changes]
    if config.schedule.kind == "step":
        corners += list(range(config.schedule.every, total, config.schedule.every))[:TRACK_POINTS]
    corners += [c - 1 for c in corners if c > 0]
    steps = np.unique(np.concatenate([steps, np.array(corners, dtype=np.int64)]))
    steps = steps[(steps >= 0) & (steps < total)]
    return steps, np.array([config.lr_at(int(t), n) for t in steps])


class LrTrack:
    """The strip (a ViewBox over the top of the loss plot, x linked to it) and its curves."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        main = plot_item.getViewBox()
        self.view = pg.ViewBox(enableMenu=False)
        self.view.setMouseEnabled(x=False, y=False)
        self.view.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the loss plot keeps the mouse
        self.view.setXLink(main)
        self.view.setZValue(main.zValue() + 5)
        plot_item.scene().addItem(self.view)
        self.curves: list[pg.PlotDataItem] = []
        self.top = 0.0  # the largest lr drawn (the loss panel's caption names the scale)
        self.style = LIGHT_PLOTS
        self._key: tuple | None = None
        main.sigResized.connect(self._place)
        self.view.hide()

    def _place(self, *_args: object) -> None:
        rect = self.plot_item.getViewBox().sceneBoundingRect()
        rect.setBottom(rect.top() + TRACK_HEIGHT * rect.height())  # the top: a falling loss leaves it free
        self.view.setGeometry(rect)

    def restyle(self, style: PlotStyle) -> None:
        self.style = style
        self._key = None

    def draw(self, moment: Moment, x_of: Callable[[np.ndarray, int], np.ndarray], x_axis: str) -> None:
        """Every run's lr(t) while some run's rate changes over its run; hidden otherwise."""
        steered = [not r.config.schedule.constant or bool(r.config.changes) for r in moment.runs]
        key = (tuple((r.config, r.colour) for r in moment.runs), moment.selected, x_axis, moment.dataset.n,
               self.style)
        if key == self._key:
            return
        self._key = key
        if not any(steered):
            self.view.hide()
            self.top = 0.0
            return
        while len(self.curves) < len(moment.runs):
            curve = pg.PlotDataItem(stepMode=None)
            self.view.addItem(curve)
            self.curves.append(curve)
        top = 0.0
        for i, curve in enumerate(self.curves):
            if i >= len(moment.runs):
                curve.hide()
                continue
            steps, lrs = lr_curve(moment, i)
            width = 2.0 if i == moment.selected else 1.2
            curve.setPen(self.style.pen(self.style.visible(moment.runs[i].colour), width, style=Qt.PenStyle.DotLine))
            curve.setData(x_of(steps.astype(np.float64), i), lrs)
            curve.show()
            top = max(top, float(lrs.max()))
        self.view.setYRange(0.0, top * 1.08 if top > 0 else 1.0, padding=0)
        self.top = top
        self._place()
        self.view.show()

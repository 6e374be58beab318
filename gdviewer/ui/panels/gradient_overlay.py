"""Why SGD is noisy, drawn on the loss surface.

At the latest step two arrows leave the point the step started from: the descent direction
of the step's own batch (−∇ of that batch's loss, what the optimiser followed) and of the
full data (−∇ of the full-data loss, what batch GD would follow). With one sample per step
the first scatters around the second. Optionally the batch's own loss is drawn as faint
contours: for a single sample it is a valley whose floor is a line, which is why one sample
pulls (w, b) towards that line rather than towards the optimum.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdviewer.core.moment import Moment
from gdviewer.core.run_status import RunStatus
from gdviewer.core.surface import LossSurface
from gdviewer.ui.panels.common import SKY, VERMILLION, style_text
from gdviewer.ui.theme import LIGHT_PLOTS, PlotStyle

#: The longer arrow spans this fraction of the smaller side of the view.
ARROW_FRACTION = 0.3
#: Above this many steps per second the batch's contours would change faster than the eye
#: follows (and cost a contour trace per frame), so they are drawn only when slower or paused.
BATCH_CONTOURS_MAX_SPEED = 20.0
BATCH_CONTOUR_SHAPE = (64, 64)


class GradientOverlay:
    """Arrows of the batch and full-data descent directions, and the batch's own contours."""

    def __init__(self, plot_item: pg.PlotItem, moment: Moment) -> None:
        self.plot_item = plot_item
        self.view_box = plot_item.getViewBox()
        self.moment = moment  # what is shown, as a Qt-free Moment (the surface panel's)
        self.show_arrows = True
        self.show_batch_contours = False
        self.batch_gradient: tuple[float, float] | None = None
        self.full_gradient: tuple[float, float] | None = None
        self.origin: tuple[float, float] | None = None
        self.lines = {
            "batch": pg.PlotDataItem(pen=pg.mkPen(VERMILLION, width=3)),
            "full": pg.PlotDataItem(pen=pg.mkPen(SKY, width=3)),
        }
        self.heads = {
            "batch": pg.ArrowItem(headLen=14, tipAngle=35, brush=VERMILLION, pen=pg.mkPen("k", width=0.5)),
            "full": pg.ArrowItem(headLen=14, tipAngle=35, brush=SKY, pen=pg.mkPen("k", width=0.5)),
        }
        self.labels = {
            "batch": pg.TextItem("this step's batch", color=VERMILLION, anchor=(0, 1),
                                 fill=pg.mkBrush(255, 255, 255, 200)),
            "full": pg.TextItem("all data", color="#0D3C61", anchor=(0, 0), fill=pg.mkBrush(255, 255, 255, 200)),
        }
        self.style = LIGHT_PLOTS
        for key in ("full", "batch"):
            for item in (self.lines[key], self.heads[key], self.labels[key]):
                plot_item.addItem(item, ignoreBounds=True)
                item.setZValue(8)
        self.batch_contours = pg.PlotDataItem(pen=pg.mkPen((255, 255, 255, 120), width=1,
                                                            style=Qt.PenStyle.DashLine), connect="finite")
        plot_item.addItem(self.batch_contours, ignoreBounds=True)
        self._batch_key: tuple | None = None
        self._hide_arrows()

    def restyle(self, style: PlotStyle) -> None:
        """Line widths, arrow heads and label fonts for the theme, zoom and presentation mode."""
        self.style = style
        for key, colour in (("batch", VERMILLION), ("full", SKY)):
            self.lines[key].setPen(style.pen(colour, 3))
            self.heads[key].setStyle(headLen=style.marker(14), pen=style.pen("k", 0.5))
        style_text(self.labels["batch"], style, color=VERMILLION)
        style_text(self.labels["full"], style, color=SKY if style.dark else "#0D3C61")
        self.batch_contours.setPen(style.pen((255, 255, 255, 120), 1, style=Qt.PenStyle.DashLine))

    def _hide_arrows(self) -> None:
        for key in self.lines:
            self.lines[key].setData([], [])
            self.heads[key].hide()
            self.labels[key].hide()

    def update(self) -> None:
        s = self.moment  # one snapshot for the whole update
        h = s.history
        n = s.shown_steps
        if n == 0:
            self.batch_gradient = self.full_gradient = self.origin = None
            self._hide_arrows()
            self.batch_contours.setData([], [])
            self._batch_key = None
            return
        # the step started from the previous point; its gradients were taken there
        if n == 1:
            w0, b0 = h.initial_w, h.initial_b
        else:
            w0, b0 = float(h.column("w")[n - 2]), float(h.column("b")[n - 2])
        gb = (float(h.column("dw")[n - 1]), float(h.column("db")[n - 1]))
        gf = s.surface.gradient(w0, b0) if math.isfinite(w0) and math.isfinite(b0) else (math.nan,) * 2
        self.origin, self.batch_gradient, self.full_gradient = (w0, b0), gb, (float(gf[0]), float(gf[1]))
        if self.show_arrows and s.run.status != RunStatus.DIVERGED:  # no scale means anything there
            self._draw_arrows()
        else:
            self._hide_arrows()
        self._draw_batch_contours(n)

    def _draw_arrows(self) -> None:
        (v0, v1), (u0, u1) = self.view_box.viewRange()
        w0, b0 = self.origin
        gb, gf = self.batch_gradient, self.full_gradient
        norms = [math.hypot(*g) for g in (gb, gf) if all(map(math.isfinite, g))]
        if not norms or max(norms) == 0 or not (math.isfinite(w0) and math.isfinite(b0)):
            self._hide_arrows()
            return
        # one scale per run, set by the full gradient at its start: arrows shrink as the run
        # approaches the optimum (where the gradient vanishes), and a noisy batch gradient
        # shows up longer than the full one
        s = self.moment
        h = s.history
        start = s.surface.gradient(h.initial_w, h.initial_b)
        reference = max(math.hypot(*start), 1e-12)
        size = min(v1 - v0, u1 - u0)
        scale = min(ARROW_FRACTION * size / reference, 2 * ARROW_FRACTION * size / max(norms))
        px_w, px_h = self.view_box.viewPixelSize()
        for key, g in (("batch", gb), ("full", gf)):
            if not all(map(math.isfinite, g)):
                self.lines[key].setData([], [])
                self.heads[key].hide()
                self.labels[key].hide()
                continue
            tip = (w0 - scale * g[0], b0 - scale * g[1])  # descent: minus the gradient
            self.lines[key].setData([w0, tip[0]], [b0, tip[1]])
            # ArrowItem angles are on screen (y down); 0° points the tip to the left
            dx, dy = (tip[0] - w0) / px_w, -(tip[1] - b0) / px_h
            self.heads[key].setStyle(angle=math.degrees(math.atan2(dy, dx)) + 180.0)
            self.heads[key].setPos(*tip)
            self.heads[key].show()
            self.labels[key].setPos(*tip)
            self.labels[key].setVisible(math.hypot(dx, dy) >= 25)  # no label on a vanishing arrow

    def _draw_batch_contours(self, n: int) -> None:
        s = self.moment
        slow = s.state != RunStatus.RUNNING or 0 < s.speed <= BATCH_CONTOURS_MAX_SPEED
        if not self.show_batch_contours or not slow:
            self.batch_contours.setData([], [])
            self._batch_key = None
            return
        (v0, v1), (u0, u1) = self.view_box.viewRange()
        key = (id(s.history), n, v0, v1, u0, u1)
        if key == self._batch_key:
            return
        self._batch_key = key
        idx = s.shown_batch()
        if idx.size == 0:
            self.batch_contours.setData([], [])
            return
        batch = LossSurface.from_data(s.dataset.x[idx], s.dataset.y[idx])
        ws, bs, loss = batch.grid((v0, v1), (u0, u1), BATCH_CONTOUR_SHAPE)
        base, top = float(loss.min()), float(loss.max())
        if not (math.isfinite(base) and math.isfinite(top)) or top <= base:
            self.batch_contours.setData([], [])
            return
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        sx, sy = (v1 - v0) / (ws.size - 1), (u1 - u0) / (bs.size - 1)
        for level in base + (top - base) * 0.5 * 0.3 ** np.arange(5):
            for line in pg.isocurve(loss, float(level), connected=True):
                arr = np.asarray(line, dtype=np.float64)
                if arr.ndim == 2 and len(arr) >= 2:
                    xs += [v0 + (arr[:, 0] - 0.5) * sx, np.array([np.nan])]
                    ys += [u0 + (arr[:, 1] - 0.5) * sy, np.array([np.nan])]
        if xs:
            self.batch_contours.setData(np.concatenate(xs), np.concatenate(ys))
        else:
            self.batch_contours.setData([], [])

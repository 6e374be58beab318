"""An arrow at the edge of the surface view pointing to a current point outside it (a run
that escaped the framed part of the plane), with where it is."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF

from gdviewer.ui.panels.common import VERMILLION, style_text

#: The arrow's tip sits this fraction of the view inside its edge.
INSET = 0.06


class EscapeMarker:
    """``update(w, b)``: an arrow on the view's edge towards (w, b) when it lies outside, else hidden."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.view_box = plot_item.getViewBox()
        self.arrow = pg.ArrowItem(angle=0, headLen=22, tailLen=26, tailWidth=5, pen=pg.mkPen("k", width=1),
                                  brush=pg.mkBrush(VERMILLION))
        self.text = pg.TextItem(color=VERMILLION, anchor=(0.5, 0.5))
        for item in (self.arrow, self.text):
            plot_item.addItem(item, ignoreBounds=True)
            item.setZValue(10)
        self.hide()

    def restyle(self, style) -> None:
        style_text(self.text, style, color=VERMILLION)

    def hide(self) -> None:
        self.arrow.hide()
        self.text.hide()

    @property
    def shown(self) -> bool:
        return self.arrow.isVisible()

    def update(self, w: float, b: float, what: str = "") -> None:
        (v0, v1), (u0, u1) = self.view_box.viewRange()
        if not all(map(math.isfinite, (w, b, v0, v1, u0, u1))) or (v0 <= w <= v1 and u0 <= b <= u1):
            self.hide()
            return
        cw, cb = (v0 + v1) / 2, (u0 + u1) / 2
        hw, hb = (v1 - v0) / 2 * (1 - INSET), (u1 - u0) / 2 * (1 - INSET)
        dw, db = w - cw, b - cb
        t = min(hw / abs(dw) if dw else math.inf, hb / abs(db) if db else math.inf)
        tip = (cw + t * dw, cb + t * db)
        # the direction on screen (the axes may be scaled differently): the arrow points out
        a = self.view_box.mapViewToScene(QPointF(cw, cb))
        z = self.view_box.mapViewToScene(QPointF(*tip))
        sx, sy = z.x() - a.x(), z.y() - a.y()
        self.arrow.setStyle(angle=180.0 + math.degrees(math.atan2(sy, sx)))
        self.arrow.setPos(*tip)
        self.text.setText(f"{what}off the view:\nw = {w:.4g}, b = {b:.4g}".strip())
        # the label hangs from the tip into the view, beside the arrow rather than on it
        norm = math.hypot(sx, sy) or 1.0
        ux, uy = sx / norm, sy / norm
        ax = 0.5 + 0.5 * max(-1.0, min(1.0, 2 * ux))
        self.text.setAnchor((ax, 1.0 if uy > 0.5 else 0.0))
        self.text.setPos(*tip)
        if abs(uy) <= 0.5:  # sideways: below the arrow's head
            below = self.view_box.mapSceneToView(QPointF(z.x(), z.y() + 14))
            self.text.setPos(tip[0], below.y())
        self.arrow.show()
        self.text.show()

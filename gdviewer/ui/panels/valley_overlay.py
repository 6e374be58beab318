"""The valley's axes on the loss surface: the Hessian's two eigen-directions through the
optimum, each labelled with its curvature λ, and κ = λmax/λmin.

They are the axes of the contour ellipses. Batch GD shrinks the error along each axis by its
own factor |1 − lr·λ| every step, so a run zig-zags across the steep axis while it creeps
along the flat one. The numbers come from the engine (``core/valley.py``); the lines are
pyqtgraph InfiniteLines, which clip themselves to the view. Nothing here runs per frame: the
lines change only with the data (``update``) or the look (``restyle``), and the labels are
placed again only when the view is re-framed or resized, to stay inside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QRectF

from gdviewer.core.surface import LossSurface
from gdviewer.core.valley import ValleyAxes, valley_axes
from gdviewer.ui.panels.common import GREEN, PURPLE, style_text, view_rect
from gdviewer.ui.theme import LIGHT_PLOTS, TEXT_CONTRAST, PlotStyle, readable_colour

#: Flat axis first, steep second, as in ValleyAxes: (colour, where its label sits along the
#: visible part of the line, 0 = one end, 1 = the other). Near the ends: off the optimum and
#: the paths, which the panel frames in the middle of the view.
AXIS_LOOK = ((GREEN, 0.04), (PURPLE, 0.96))
#: Above the heatmap, contours and paths; under the optimum's star (5) and the arrows (8).
Z_VALUE = 3
#: Labels keep this many pixels from the view's edges, and from the optimum's star.
MARGIN_PX = 4
STAR_PX = 14


def axis_labels(axes: ValleyAxes) -> tuple[str, str]:
    """The flat and the steep axis's labels: their curvature, and κ with the flat one."""
    if axes.flat:
        flat = "λmin = 0 (flat: a line of optima) · κ = ∞"
    else:
        flat = f"λmin = {axes.lambda_min:.3g} (flat) · κ = {axes.condition_number:.3g}"
    return flat, f"λmax = {axes.lambda_max:.3g} (steep)"


def visible_span(point: tuple[float, float], vector: tuple[float, float],
                 box: tuple[float, float, float, float]) -> tuple[float, float] | None:
    """Where the line point + t·vector is inside ``box`` (w0, w1, b0, b1): (t_in, t_out), or
    None when it misses the box."""
    lo, hi = -math.inf, math.inf
    for p, d, low, high in ((point[0], vector[0], box[0], box[1]), (point[1], vector[1], box[2], box[3])):
        if d == 0:
            if not low <= p <= high:
                return None
            continue
        t0, t1 = sorted(((low - p) / d, (high - p) / d))
        lo, hi = max(lo, t0), min(hi, t1)
    return (lo, hi) if lo < hi else None


class ValleyOverlay:
    """Two labelled lines through the optimum along the valley's axes, each over a dark halo
    that keeps it visible on every colour of the heatmap."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.view_box = plot_item.getViewBox()
        self.axes: ValleyAxes | None = None
        self.shown = False
        self.halos: list[pg.InfiniteLine] = []
        self.lines: list[pg.InfiniteLine] = []
        self.labels: list[pg.TextItem] = []
        #: Other labels on the surface (the fan's): an axis's label goes to its line's other end
        #: rather than under one of them.
        self.keep_clear: Callable[[], list[pg.TextItem]] = list
        for _colour, _position in AXIS_LOOK:
            halo = pg.InfiniteLine(angle=0, movable=False)
            line = pg.InfiniteLine(angle=0, movable=False)
            label = pg.TextItem()
            for item in (halo, line, label):
                plot_item.addItem(item, ignoreBounds=True)  # the framing is the panel's own
                item.setZValue(Z_VALUE)
                item.hide()
            self.halos.append(halo)
            self.lines.append(line)
            self.labels.append(label)
        # the labels stay inside the view: placed again when it is re-framed or resized
        self.view_box.sigRangeChanged.connect(self.place_labels)
        self.view_box.sigResized.connect(self.place_labels)
        self.restyle(LIGHT_PLOTS)

    def restyle(self, style: PlotStyle) -> None:
        """Pens and label fonts for the theme, zoom and presentation mode."""
        for (colour, _position), halo, line, label in zip(AXIS_LOOK, self.halos, self.lines, self.labels,
                                                          strict=True):
            # opaque: a translucent wide line at 90° took Qt's slow path (0.35 ms a paint, 0.05 opaque)
            halo.setPen(style.pen((40, 40, 40), 5))
            line.setPen(style.pen(colour, 2.5))
            style_text(label, style, color=readable_colour(colour, style.background, TEXT_CONTRAST))
        self.place_labels()  # a bigger font: keep the text inside the view

    def set_shown(self, on: bool) -> None:
        self.shown = on
        for item in (*self.halos, *self.lines):
            item.setVisible(on and self.axes is not None)
        self.place_labels()

    def update(self, surface: LossSurface) -> None:
        """Put the lines on the axes of ``surface`` (new data); nothing when they did not move."""
        axes = valley_axes(surface)
        if axes == self.axes:
            return
        self.axes = axes
        for vector, text, halo, line, label in zip(axes.eigenvectors, axis_labels(axes), self.halos, self.lines,
                                                   self.labels, strict=True):
            angle = math.degrees(math.atan2(vector[1], vector[0]))
            for item in (halo, line):
                item.setPos(axes.optimum)
                item.setAngle(angle)
            label.setText(text)
        self.set_shown(self.shown)

    def place_labels(self, *_args: object) -> None:
        """Each label beside its line near one end of the part in view, its text towards the
        view's middle and moved in where it would stick out; at the line's other end if it
        would cover the optimum's star or the other label."""
        if not self.shown or self.axes is None:
            for label in self.labels:
                label.hide()
            return
        (v0, v1), (u0, u1) = self.view_box.viewRange()
        px_w, px_h = self.view_box.viewPixelSize()
        if not all(map(math.isfinite, (v0, v1, u0, u1, px_w, px_h))) or px_w <= 0 or px_h <= 0:
            return
        box = (v0, v1, u0, u1)
        star = QRectF(self.axes.optimum[0] - STAR_PX * px_w, self.axes.optimum[1] - STAR_PX * px_h,
                      2 * STAR_PX * px_w, 2 * STAR_PX * px_h)
        taken = [star, *(view_rect(self.view_box, item) for item in self.keep_clear() if item.isVisible())]
        for which in (1, 0):  # the steep axis first: the flat one's label moves if they meet
            at = AXIS_LOOK[which][1]
            for position in (at, 1.0 - at):  # this end, else the other
                rect = self._place(which, position, box, (px_w, px_h))
                if rect is None or not any(rect.intersects(other) for other in taken):
                    break
            if rect is not None:
                taken.append(rect)

    def _place(self, which: int, position: float, box: tuple[float, float, float, float],
               pixel: tuple[float, float]) -> QRectF | None:
        """Put label ``which`` at ``position`` along its line's part in view; its rectangle in
        (w, b), or None when the line misses the view (the label is hidden)."""
        label, vector = self.labels[which], self.axes.eigenvectors[which]
        span = visible_span(self.axes.optimum, vector, box)
        if span is None:
            label.hide()
            return None
        v0, v1, u0, u1 = box
        t = span[0] + position * (span[1] - span[0])
        w, b = self.axes.optimum[0] + t * vector[0], self.axes.optimum[1] + t * vector[1]
        right, top = w > (v0 + v1) / 2, b > (u0 + u1) / 2
        label.setAnchor((1.0 if right else 0.0, 0.0 if top else 1.0))  # the text towards the middle
        rect = label.boundingRect()  # in pixels: a TextItem ignores the view's scaling
        width, height = rect.width() * pixel[0], rect.height() * pixel[1]
        margin_w, margin_h = MARGIN_PX * pixel[0], MARGIN_PX * pixel[1]
        left = min(max(w - width if right else w, v0 + margin_w), v1 - margin_w - width)
        bottom = min(max(b - height if top else b, u0 + margin_h), u1 - margin_h - height)
        label.setPos(left + width if right else left, bottom + height if top else bottom)
        label.setVisible(True)  # (TextItem's own: it also fits its transform to the view now)
        label.updateTransform(force=True)
        return QRectF(left, bottom, width, height)

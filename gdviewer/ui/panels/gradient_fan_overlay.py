"""Every sample's gradient at the shown point (the fan), drawn on the loss surface.

From the selected run's point at the shown step: one faint line per drawn sample along its
own descent direction −∇ℓᵢ, the full data's descent direction (their mean, thick), the
shown step's batch (its samples' own lines and their mean, red), and around the full
direction's tip the 1-σ ellipse of where a batch of the run's size lands (the mean of B
samples' directions), which shrinks as 1/√B. Everything is scaled by one common factor,
chosen so the longest line spans a quarter of the view: lengths compare with each other,
not with the axes. The maths is ``core/gradient_fan.py``; this module only draws it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from gdviewer.core.batching import batch_size_for
from gdviewer.core.data import Dataset
from gdviewer.core.gradient_fan import GradientFan, batch_gradient, per_sample_gradients
from gdviewer.core.moment import Moment
from gdviewer.core.run_status import RunStatus
from gdviewer.core.surface import LossSurface
from gdviewer.ui.panels.common import SKY, VERMILLION, style_text, view_rect
from gdviewer.ui.theme import LIGHT_PLOTS, PlotStyle

#: The longest drawn line spans this fraction of the smaller side of the view.
FAN_FRACTION = 0.25
ELLIPSE_POINTS = 96
#: The shown step's batch: its members' own lines are drawn up to this many samples (above,
#: only their mean: the lines would hide the fan).
BATCH_MEMBERS_DRAWN = 100
TOOLTIP = ("Every sample's own descent direction −∇ℓᵢ at the shown point (faint lines; at most 200 "
           "drawn), their mean, the full data's direction (thick blue), the shown step's batch (its "
           "samples' lines and their mean, red), and the ellipse where a batch of the run's size "
           "lands (1 σ), which shrinks as 1/√B. All arrows are scaled together.")


def stacked(*widgets: QWidget) -> QWidget:
    """``widgets`` one above the other, as one header control: "fan" under "gradients" (in a
    row of their own the surface's options no longer fit a 1024 px window)."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for widget in widgets:
        layout.addWidget(widget)
    return column


class GradientFanOverlay:
    """The fan of per-sample descent directions, the full one and the mini-batch ellipse."""

    def __init__(self, plot_item: pg.PlotItem, moment: Moment) -> None:
        self.plot_item = plot_item
        self.view_box = plot_item.getViewBox()
        self.moment = moment
        self.checkbox = QCheckBox("fan")
        self.checkbox.setChecked(False)
        self.checkbox.setAccessibleName("Show every sample's gradient")
        self.checkbox.setToolTip(TOOLTIP)
        self.checkbox.toggled.connect(lambda _on: self.update())
        # one item for all the samples' lines (an item per arrow costs ~0.3 ms a frame each),
        # drawn over a dark halo by the same item (its shadow pen): white alone vanishes on
        # viridis' yellow, black alone on its purple
        self.lines = pg.PlotCurveItem(connect="pairs")
        self.mean = pg.PlotCurveItem()
        self.ellipse = pg.PlotCurveItem()
        self.label = pg.TextItem(anchor=(0, 0), fill=pg.mkBrush(255, 255, 255, 200))
        # the shown step's batch at the fan's scale: its members' lines, and their mean
        self.batch_lines = pg.PlotCurveItem(connect="pairs")
        self.batch_mean = pg.PlotCurveItem()
        for z, item in enumerate((self.lines, self.batch_lines, self.ellipse, self.mean, self.batch_mean,
                                  self.label)):
            plot_item.addItem(item, ignoreBounds=True)
            item.setZValue(6 + 0.1 * z)  # above the paths, under the gradient arrows
        self._fan: GradientFan | None = None
        self._dataset: Dataset | None = None
        self._batch_key: tuple | None = None  # the batch whose statistics are cached
        self._batch: tuple[LossSurface, np.ndarray, np.ndarray] | None = None
        self.batch_gradient: np.ndarray | None = None  # the shown batch's mean gradient, last drawn
        self.batch_count = 0  # its samples (the last batch of an epoch can be short)
        self.scale: float | None = None  # the common factor of the lines last drawn
        self.batch_size: int | None = None
        #: The other labels on the surface (the valley's axes', the arrows'): the fan's keeps clear.
        self.keep_clear: Callable[[], list[pg.TextItem]] = list
        #: Called when the label covers one of them wherever it goes (they may move instead).
        self.crowded: Callable[[], None] = lambda: None
        # a new view range (a pan, a zoom, the panel following the path) redraws the fan once
        # control is back in the event loop: in a frame the panel's redraw, which moves the
        # range first, has drawn it by then (the fan was drawn twice a frame while streaming)
        self._range_changed = QTimer(self.checkbox, singleShot=True, interval=0)
        self._range_changed.timeout.connect(self.update)
        self.view_box.sigRangeChanged.connect(lambda *_: self._range_changed.start())
        self.restyle(LIGHT_PLOTS)
        self.label.hide()

    @property
    def shown(self) -> bool:
        return self.checkbox.isChecked()

    def restyle(self, style: PlotStyle) -> None:
        """Pens and the label's font for the theme, zoom and presentation mode (lines on the
        heatmap, whose colours do not change with the theme: white reads on all of viridis)."""
        self.lines.setShadowPen(style.pen((0, 0, 0, 70), 3))
        self.lines.setPen(style.pen((255, 255, 255, 170), 1))
        self.mean.setPen(style.pen(SKY, 3.5))  # the full data's direction: blue, as the "all data" arrow
        self.ellipse.setPen(style.pen(VERMILLION, 2.5))
        style_text(self.label, style, color=VERMILLION)
        # the batch: red as the ellipse where batches land, solid and thick as the full line, over
        # a dark halo (red alone fades on viridis' green)
        self.batch_lines.setPen(style.pen((213, 94, 0, 200), 1.5))  # VERMILLION, a little faint
        self.batch_mean.setShadowPen(style.pen((60, 60, 60), 6))  # opaque: drawn as one segment, not a path
        self.batch_mean.setPen(style.pen(VERMILLION, 3.5))

    def fan_of(self, dataset: Dataset) -> GradientFan:
        """The data set's moments and sample: one O(N) pass per data set, then cached."""
        if self._dataset is not dataset or self._fan is None:
            self._fan = GradientFan.from_data(dataset.x, dataset.y)
            self._dataset = dataset
        return self._fan

    def _clear(self) -> None:
        if self.scale is None and not self.label.isVisible():
            return  # already clear: nothing to repaint each frame while the fan is off
        for item in (self.lines, self.mean, self.ellipse):
            item.setData([], [])
        self.label.hide()
        self.scale = None
        self._clear_batch()

    def _clear_batch(self) -> None:
        if self.batch_gradient is None:
            return
        for item in (self.batch_lines, self.batch_mean):
            item.setData([], [])
        self.batch_gradient = None

    def batch_of(self, s: Moment) -> tuple[LossSurface, np.ndarray, np.ndarray] | None:
        """The shown step's batch: its gradient statistics (one O(B) pass when the step changes,
        then O(1) a frame) and up to BATCH_MEMBERS_DRAWN of its samples; None at step 0 and
        when the batch is all the data (its mean is then the full gradient, drawn already)."""
        k = s.shown_steps
        key = (id(s.dataset), id(s.history), s.run_config, k)
        if key != self._batch_key:
            self._batch_key, self._batch = key, None
            size = batch_size_for(s.run_config.algorithm, s.run_config.batch_size, s.dataset.n)
            idx = s.shown_batch() if k and size < s.dataset.n else np.empty(0, dtype=np.int64)
            idx = idx[idx < s.dataset.n]
            if idx.size:
                x, y = s.dataset.x[idx], s.dataset.y[idx]
                shown = slice(0, BATCH_MEMBERS_DRAWN if idx.size <= BATCH_MEMBERS_DRAWN else 0)
                self._batch = (batch_gradient(x, y), np.asarray(x[shown], dtype=np.float64),
                               np.asarray(y[shown], dtype=np.float64))
        return self._batch

    def update(self) -> None:
        self._range_changed.stop()  # drawn now, for the range as it is
        s = self.moment
        if not self.shown or s.run.status == RunStatus.DIVERGED:  # no scale means anything there
            self._clear()
            return
        w, b = s.params
        if not (math.isfinite(w) and math.isfinite(b)):
            self._clear()
            return
        fan = self.fan_of(s.dataset)
        config = s.run_config
        self.batch_size = batch_size_for(config.algorithm, config.batch_size, fan.n)
        grads = fan.sampled_gradients(w, b)
        full = fan.moments.full_gradient(w, b)
        scale = self._common_scale(np.vstack([grads, full]))
        if scale is None:
            self._clear()
            return
        self.scale = scale
        ends = np.array([w, b]) - scale * grads  # descent: minus each gradient
        xs = np.column_stack([np.full(len(ends), w), ends[:, 0]]).reshape(-1)
        ys = np.column_stack([np.full(len(ends), b), ends[:, 1]]).reshape(-1)
        self.lines.setData(xs, ys, connect="pairs")
        tip = (w - scale * full[0], b - scale * full[1])
        self.mean.setData([w, tip[0]], [b, tip[1]])
        ring = np.array([w, b]) - scale * fan.batch_ellipse(w, b, self.batch_size, ELLIPSE_POINTS)
        self.ellipse.setData(ring[:, 0], ring[:, 1])
        batch_tip = self._draw_batch(s, w, b, scale)
        self._place_label(np.vstack([ring, [[w, b]], batch_tip]), fan.n)

    def _draw_batch(self, s: Moment, w: float, b: float, scale: float) -> np.ndarray:
        """The shown step's batch at the fan's scale: each member's own line and their mean,
        the batch's gradient (so its line is visibly the mean of its members' lines)."""
        batch = self.batch_of(s)
        g = np.array(batch[0].gradient(w, b)) if batch is not None else None
        if g is None or not np.all(np.isfinite(g)):
            self._clear_batch()
            return np.empty((0, 2))
        stats, xs, ys = batch
        self.batch_count = stats.n
        self.batch_gradient = g
        if xs.size:
            ends = np.array([w, b]) - scale * per_sample_gradients(xs, ys, w, b)
            self.batch_lines.setData(np.column_stack([np.full(len(ends), w), ends[:, 0]]).reshape(-1),
                                     np.column_stack([np.full(len(ends), b), ends[:, 1]]).reshape(-1),
                                     connect="pairs")
        else:
            self.batch_lines.setData([], [])
        tip = (w - scale * g[0], b - scale * g[1])
        self.batch_mean.setData([w, tip[0]], [b, tip[1]])
        return np.array([tip])

    def _common_scale(self, vectors: np.ndarray) -> float | None:
        """One factor for all: the longest vector spans FAN_FRACTION of the view's smaller side
        (measured on screen, so it holds whether or not w and b share a scale)."""
        px_w, px_h = self.view_box.viewPixelSize()
        (v0, v1), (u0, u1) = self.view_box.viewRange()
        if not (px_w > 0 and px_h > 0):
            return None
        finite = vectors[np.all(np.isfinite(vectors), axis=1)]
        if finite.size == 0:
            return None
        longest = float(np.max(np.hypot(finite[:, 0] / px_w, finite[:, 1] / px_h)))
        side = min((v1 - v0) / px_w, (u1 - u0) / px_h)
        if not (longest > 0 and math.isfinite(longest) and side > 0):
            return None
        return FAN_FRACTION * side / longest

    def _place_label(self, ring: np.ndarray, n: int) -> None:
        """"batch of B" and, under it, what the thick red line is, below the ellipse, the
        fan's point and the red line's tip (``ring``: all three; the gradient arrows' labels
        sit above their tips), moved left as far as needed to stay in the view (a batch of all
        the data always lands on the full gradient: the ellipse is a dot there); beside or above
        them instead where it would cover another label (the valley's axes', the arrows'); with no
        room, the others are told (``crowded``)."""
        if self.batch_size >= n:
            text = f"batch of all {n:,}: the full gradient"
        elif self.batch_gradient is None:
            text = f"batch of {self.batch_size:,} lands here (1 σ)"
        else:
            members = "its one sample" if self.batch_count == 1 else f"mean of its {self.batch_count:,} red lines"
            # short lines: the panel is narrow in a 1024 px window; no step number: the text is
            # laid out again only when it changes (that costs more than the rest of the fan)
            text = f"batch of {self.batch_size:,} lands here (1 σ)\nthick red: this step's batch,\n{members}"
        if text != self.label.toPlainText():
            self.label.setText(text)
        (v0, v1), _ = self.view_box.viewRange()
        px_w, px_h = self.view_box.viewPixelSize()
        box = self.label.boundingRect()  # in pixels: a TextItem ignores the view's scaling
        width, height = box.width() * px_w, box.height() * px_h  # in view units
        low, high = int(np.argmin(ring[:, 1])), int(np.argmax(ring[:, 1]))
        below = (float(ring[low, 0]), float(ring[low, 1]))  # the text's top left
        others = [view_rect(self.view_box, item) for item in self.keep_clear() if item.isVisible()]

        def rect_at(at: tuple[float, float]) -> QRectF:  # the label's rectangle with its top left at ``at``
            return QRectF(at[0], at[1] - height, width, height)

        def covered(at: tuple[float, float]) -> float:
            return sum(max(0.0, cut.width()) * max(0.0, cut.height())
                       for cut in (rect_at(at).intersected(other) for other in others))

        places = [below]  # below; beside what it would cover; above (over the arrows' labels)
        for other in others:
            if rect_at(below).intersects(other):
                places += [(other.right() + 4 * px_w, below[1]), (other.left() - width - 4 * px_w, below[1])]
        places.append((float(ring[high, 0]), float(ring[high, 1]) + height))
        places = [(max(v0, min(x, v1 - width)), y) for x, y in places]  # inside the view
        cover, index = min((covered(place), i) for i, place in enumerate(places))  # the first of the least covered
        self.label.setPos(*places[index])
        self.label.show()
        if cover > 0:
            self.label.updateTransform(force=True)  # its size in the view, for the others to read
            self.crowded()

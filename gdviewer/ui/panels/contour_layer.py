"""The loss surface's labelled contours: the level sets of the full-data loss, as one curve,
with a few level labels inside the view.

The levels run from the minimum up to the highest loss on the heatmap's grid, each a quarter
of the one above; each is the engine's exact ellipse (``LossSurface.level_set``, a vectorised
formula), or, for data whose x are all equal (no ellipses: two lines), traced with pyqtgraph's
isocurve on a coarse grid.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from gdviewer.core.surface import LossSurface
from gdviewer.ui.theme import PlotStyle

CONTOUR_SHAPE = (72, 72)  # pg.isocurve is pure Python: the cost grows with the grid's area
CONTOUR_LEVELS = 8
#: Pixels kept clear between two level labels (in large text "585" and "146" ran together).
LABEL_GAP_PX = 6


class ContourLayer:
    """The contours and their labels on a plot."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        self.curve = pg.PlotDataItem(connect="finite")
        plot_item.addItem(self.curve)
        self.labels: list[pg.TextItem] = []
        self._font = None

    def restyle(self, style: PlotStyle) -> None:
        self.curve.setPen(style.pen((255, 255, 255, 150), 1))
        self._font = style.font()
        for label in self.labels:
            label.setFont(self._font)

    def draw(self, surface: LossSurface, box: tuple[float, float, float, float], top: float) -> None:
        """Contours of ``surface`` over ``box`` (w0, w1, b0, b1: the heatmap's grid, a quarter
        view beyond the view on each side) from the minimum up to ``top``."""
        w0, w1, b0, b1 = box
        base = surface.min_loss
        span = top - base
        # all x equal: no ellipses, the level sets (two lines) are traced on a coarse grid
        traced = surface.grid((w0, w1), (b0, b1), CONTOUR_SHAPE)[2] if surface.degenerate else None
        for label in self.labels:
            self.plot_item.removeItem(label)
        self.labels = []
        if not math.isfinite(span) or span <= 0:
            self.curve.setData([], [])
            return
        levels = base + span * 0.6 * 0.25 ** np.arange(CONTOUR_LEVELS)
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        w_opt, b_opt = surface.optimum
        # labels inside the view itself, a little in from its edges so none is cut in half
        iw, ib = (w1 - w0) / 6 * 1.3, (b1 - b0) / 6 * 1.3
        vw0, vw1, vb0, vb1 = w0 + iw, w1 - iw, b0 + ib, b1 - ib
        for k, level in enumerate(levels):
            # labels sit at different angles around the optimum so they do not pile up
            angle = math.radians(50 + 40 * k)
            best: tuple[float, float, float] | None = None
            for lw, lb in level_lines(surface, float(level), box, traced):
                xs += [lw, np.array([np.nan])]
                ys += [lb, np.array([np.nan])]
                inside = (lw >= vw0) & (lw <= vw1) & (lb >= vb0) & (lb <= vb1)  # a label where it shows
                if inside.sum() < 2:
                    continue
                lw, lb = lw[inside], lb[inside]
                u, v = (lw - w_opt) / (w1 - w0), (lb - b_opt) / (b1 - b0)
                if max(np.ptp(u), np.ptp(v)) < 0.08:
                    continue  # too small to carry a readable label
                score = u * math.cos(angle) + v * math.sin(angle)
                i = int(np.argmax(score))
                if best is None or score[i] > best[2]:
                    best = (float(lw[i]), float(lb[i]), float(score[i]))
            if best is not None:
                self._label(f"{level:.3g}", best[0], best[1])
        if xs:
            self.curve.setData(np.concatenate(xs), np.concatenate(ys))
        else:
            self.curve.setData([], [])

    def _label(self, text: str, w: float, b: float) -> None:
        """A level's label at (w, b), unless it would touch one already drawn (in pixels, with
        LABEL_GAP_PX between): an outer level's label, placed first, wins over an inner one."""
        label = pg.TextItem(text, color=(255, 255, 255), anchor=(0.5, 0.5))
        if self._font is not None:
            label.setFont(self._font)
        px_w, px_h = self.plot_item.getViewBox().viewPixelSize()
        if px_w > 0 and px_h > 0:
            size = label.boundingRect()  # in pixels: a TextItem ignores the view's scaling
            for other in self.labels:
                other_size, pos = other.boundingRect(), other.pos()
                if (abs(pos.x() - w) / px_w < (size.width() + other_size.width()) / 2 + LABEL_GAP_PX
                        and abs(pos.y() - b) / px_h < (size.height() + other_size.height()) / 2 + LABEL_GAP_PX):
                    return
        label.setPos(w, b)
        self.plot_item.addItem(label, ignoreBounds=True)
        self.labels.append(label)


def level_lines(surface: LossSurface, level: float, box: tuple[float, float, float, float],
                loss: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The contour at ``level``: the engine's exact ellipse (tracing the grid with pyqtgraph's
    isocurve took ~25 ms a re-frame, a stall while following a run), or, without one, traced on
    the grid ``loss`` of ``box``."""
    ellipse = surface.level_set(level)
    if ellipse is not None:
        return [ellipse]
    if loss is None:
        return []
    w0, w1, b0, b1 = box
    nw, nb = loss.shape
    sx, sy = (w1 - w0) / (nw - 1), (b1 - b0) / (nb - 1)
    lines = []
    for line in pg.isocurve(loss, level, connected=True):
        arr = np.asarray(line, dtype=np.float64)
        if arr.ndim == 2 and len(arr) >= 2:  # isocurve's coordinates are index + 0.5 (pixel centres)
            lines.append((w0 + (arr[:, 0] - 0.5) * sx, b0 + (arr[:, 1] - 0.5) * sy))
    return lines

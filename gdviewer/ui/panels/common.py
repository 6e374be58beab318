"""Small shared pieces of the panels: styling, thinning, pens."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

#: Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
GREY = "#7f7f7f"

#: Most points a path is drawn with; pyqtgraph's own downsampling assumes uniform x, which a
#: (w, b) path is not, so it is thinned here.
MAX_PATH_POINTS = 4000


#: Above this many drawn points a curve uses a 1-pixel pen: wide pens are several times
#: slower to rasterise, and a long curve is dense enough to read at 1 pixel.
THICK_LINE_MAX_POINTS = 1000


class AdaptivePen:
    """Keeps a curve's pen 2 px wide while it is short and 1 px once it is long."""

    def __init__(self, item: pg.PlotDataItem, color: str) -> None:
        self.item = item
        self.color = color
        self.width = 0
        self.update(0)

    def update(self, n_points: int) -> None:
        width = 2 if n_points <= THICK_LINE_MAX_POINTS else 1
        if width != self.width:  # (set width to 0 to force a new pen, e.g. after a colour change)
            self.width = width
            self.item.setPen(pg.mkPen(self.color, width=width))


def thin_indices(n: int, limit: int = MAX_PATH_POINTS) -> np.ndarray | None:
    """Indices that keep at most ``limit`` of ``n`` points, always the first and last; None = all."""
    if n <= limit:
        return None
    idx = np.linspace(0, n - 1, limit).astype(np.int64)
    idx[-1] = n - 1
    return idx


def finite_or_nan(a: np.ndarray) -> np.ndarray:
    """A float64 copy with ±inf replaced by NaN (drawn as gaps; inf would wreck auto-range)."""
    out = np.asarray(a, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.nan
    return out


class PanelWidget(QWidget):
    """A PlotWidget with a one-line readout under it (hover values, hints)."""

    def __init__(self, title: str, x_label: str, y_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget()
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.setTitle(title)
        self.plot_item.setLabel("bottom", x_label)
        self.plot_item.setLabel("left", y_label)
        self.plot_item.showGrid(x=False, y=False)
        self.plot_item.setMenuEnabled(True)
        self.readout = QLabel(" ")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setAccessibleName(f"{title} readout")
        # long readouts must not force a wide window: they are clipped, not a minimum width
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.header = QWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.readout)
        self.header.hide()
        self.frames_drawn = 0

    def legend(self) -> pg.LegendItem:
        return self.plot_item.addLegend(offset=(-10, 10), labelTextSize="9pt")

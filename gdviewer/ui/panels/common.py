"""Small shared pieces of the panels: styling, thinning, pens."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gdviewer.core.moment import Moment
from gdviewer.ui.paced_text import PacedText, streaming
from gdviewer.ui.theme import LIGHT_PLOTS, PlotStyle

#: Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
GREY = "#7f7f7f"
#: The valley's axes (surface and loss panels): steep (λmax) and flat (λmin).
PURPLE = "#CC79A7"
GREEN = "#009E73"

#: Most points a path is drawn with; pyqtgraph's own downsampling assumes uniform x, which a
#: (w, b) path is not, so it is thinned here.
MAX_PATH_POINTS = 4000


#: Above this many drawn points a curve uses a 1-pixel pen: wide pens are several times
#: slower to rasterise, and a long curve is dense enough to read at 1 pixel.
THICK_LINE_MAX_POINTS = 1000


class AdaptivePen:
    """Keeps a curve's pen 2 px wide while it is short and 1 px once it is long (times the
    style's line scale: presentation mode draws thicker)."""

    def __init__(self, item: pg.PlotDataItem, color: str) -> None:
        self.item = item
        self.color = color
        self.scale = 1.0
        self.width = 0.0
        self.n_points = 0
        self.update(0)

    def update(self, n_points: int) -> None:
        self.n_points = n_points
        width = (2 if n_points <= THICK_LINE_MAX_POINTS else 1) * self.scale
        if width != self.width:  # (set width to 0 to force a new pen, e.g. after a colour change)
            self.width = width
            self.item.setPen(pg.mkPen(self.color, width=width))

    def restyle(self, color: str | None = None, scale: float | None = None) -> None:
        """A new colour or line scale, applied at once."""
        self.color = self.color if color is None else color
        self.scale = self.scale if scale is None else scale
        self.width = 0.0
        self.update(self.n_points)


def other_run_pen(style: PlotStyle, colour: str):
    """The one pen of a run that is not selected, in every panel: thin, in its colour made to
    keep the theme's contrast."""
    return style.pen(style.visible(colour), 1.5)


def other_run_curve(style: PlotStyle, colour: str) -> pg.PlotCurveItem:
    """The one item of a run that is not selected (a faint path, curve or line): a bare curve,
    without PlotDataItem's layer of downsampling and bounds checks, which cost most of the
    per-frame time of five runs' faint items."""
    return pg.PlotCurveItem(pen=other_run_pen(style, colour), connect="finite")


def set_points(item: pg.ScatterPlotItem, xs: list[float], ys: list[float], **spots) -> None:
    """``item.setData(xs, ys, **spots)`` only when the points changed: pyqtgraph rebuilds every
    spot on each call (~0.2 ms), and markers such as the start point stay put for a whole run.
    An item without points is hidden: an empty scatter still costs ~0.2 ms a paint."""
    key = (tuple(xs), tuple(ys), tuple(id(v) for vs in spots.values() for v in vs))
    if getattr(item, "_shown_points", None) != key:
        item._shown_points = key
        item.setData(xs, ys, **spots)
        item.setVisible(bool(xs))


def finite_or_nan(a: np.ndarray) -> np.ndarray:
    """A float64 copy with ±inf replaced by NaN (drawn as gaps; inf would wreck auto-range)."""
    out = np.asarray(a, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.nan
    return out


class PanelWidget(QWidget):
    """A PlotWidget with a one-line readout under it (hover values, hints)."""

    def __init__(self, title: str, x_label: str, y_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.style = LIGHT_PLOTS
        self.legends: list[pg.LegendItem] = []
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": SpacedAxis("bottom")})
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.setTitle(title)
        self.plot_item.setLabel("bottom", x_label)
        self.plot_item.setLabel("left", y_label)
        self.plot_item.showGrid(x=False, y=False)
        self.plot_item.setMenuEnabled(True)
        # room for the data however the window is laid out (the layout grows the panel for it)
        self.plot_item.getViewBox().setMinimumSize(90, 40)
        self.readout = QLabel(" ")
        self._readout_text = PacedText(self._show_readout)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setAccessibleName(f"{title} readout")
        # long readouts must not force a wide window: they are clipped, not a minimum width
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.readout.setWordWrap(True)  # a second line rather than a cut number (presentation mode)
        self.header = QWidget()  # a row of options above the plot, shown once it has some
        self._header_row = QHBoxLayout(self.header)
        self._header_row.setContentsMargins(0, 0, 0, 0)
        self._header_row.addStretch(1)  # left: the panel's options; right: e.g. its help button
        self._header_right = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.readout)
        self.header.hide()
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(100)
        self._fit_timer.timeout.connect(self.fit_minimum_size)

    def legend(self) -> pg.LegendItem:
        """The plot's legend, in a column right of the axes: never over the data."""
        legend = SideLegend(labelTextSize=self.style.css_size)
        # (beside the view and the x axis: its rows do not set the view's minimum height)
        layout = self.plot_item.layout
        layout.addItem(legend, 1, 3, 3, 1, Qt.AlignmentFlag.AlignTop)
        # the title centred over the view and the legend: it need not fit over the view alone
        layout.removeItem(self.plot_item.titleLabel)
        layout.addItem(self.plot_item.titleLabel, 0, 1, 1, 3)
        self.plot_item.legend = legend  # (items added with a name appear in it)
        self.legends.append(legend)
        return legend

    #: What is shown, a Qt-free snapshot: the frame hands each panel a new one (show_moment)
    #: before it draws; redraws between frames (a toggle, a restyle) use the last one.
    moment: Moment

    def show_moment(self, moment: Moment) -> None:
        """Draw from ``moment`` from now on (the frame calls this; redraw() draws it)."""
        self.moment = moment

    def set_readout(self, text: str, full: str | None = None) -> None:
        """The line under the plot (numbers at a few digits) and its tooltip (``full``: every
        digit); paced while a run streams live (``ui/paced_text.py``)."""
        self._readout_text.set(text, full or "", live=streaming(self.moment))

    def set_readout_now(self, text: str) -> None:
        """A line that answers the user (a hover, a refusal): shown at once, unpaced."""
        self.readout.setText(text)
        self.readout.setToolTip("")
        self._readout_text.forget()
        self.fit_readout_height()

    def _show_readout(self, text: str, full: str) -> None:
        self.readout.setText(text)
        self.readout.setToolTip(full)
        self.fit_readout_height()

    def fit_readout_height(self, exact: bool = False) -> None:
        """The readout's minimum height: the lines its text wraps into at its width. A dock's
        layout does not ask a wrapping label for its height at a width, so a squeezed panel (a
        lesson beside it on a projector) drew the second line over the plot's axis. A new
        minimum lays the window out again, so as the text changes it only grows (numbers
        streaming near the wrap would re-lay the window out each frame); ``exact`` (a resize,
        a new font) fits it to the text as it is."""
        label = self.readout  # (its heightForWidth never returns less than its minimum: worked out here)
        margins = label.contentsMargins()
        width = max(label.width() - margins.left() - margins.right() - 2 * label.margin(), 1)
        text = label.fontMetrics().boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, label.text())
        height = text.height() + margins.top() + margins.bottom() + 2 * label.margin()
        if height > label.minimumHeight() or (exact and height != label.minimumHeight()):
            label.setMinimumHeight(height)

    #: Presentation mode folds the row above the plot away (options, not content) to give the
    #: plot the height; a panel whose row shows content (the data's equation) keeps it.
    FOLD_HEADER_IN_PRESENTATION = True

    def set_presenting(self, on: bool) -> None:
        if self.FOLD_HEADER_IN_PRESENTATION and self._header_row.count() > 1:
            self.header.setVisible(not on)

    def add_header_controls(self, *widgets: QWidget) -> None:
        """Put ``widgets`` at the left of the row above the plot (the panel's own options)."""
        for widget in widgets:
            self._header_row.insertWidget(self._header_row.count() - self._header_right - 1, widget)
        self.header.show()

    def add_header_widget(self, widget: QWidget) -> None:
        """Put ``widget`` at the right end of the row above the plot (e.g. a help button)."""
        self._header_row.addWidget(widget)
        self._header_right += 1
        self.header.show()

    def apply_style(self, style: PlotStyle) -> None:
        """Colours, font sizes and line widths of the whole panel (theme, zoom, presentation)."""
        self.style = style
        fg = style.foreground
        self.plot_widget.setBackground(style.background)
        self.plot_item.setTitle(self.title, color=fg, size=f"{style.font_pt * 1.15:.1f}pt")
        for name in ("left", "bottom"):
            style_axis(self.plot_item.getAxis(name), style)
        for legend in self.legends:
            style_legend(legend, style)
        self.restyle()
        self.redraw()
        self.fit_minimum_size()
        self._fit_timer.start()  # again once the axes have sized themselves to their ticks

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()

    def fit_minimum_size(self) -> None:
        """The plot widget no smaller than its plot item can be laid out in (axes, title,
        legend at the current font size): a window too small for it shrinks other parts,
        rather than cutting the axes, the legend or the colour bar off."""
        for legend in self.legends:  # (their rows' sizes first: they set the legend's hint)
            legend.layout.activate()
        self.plot_item.layout.invalidate()
        hint = self.plot_item.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        # (plus the plot item's own margins and rounding in its layout)
        self.plot_widget.setMinimumSize(math.ceil(hint.width()) + 12, math.ceil(hint.height()) + 2)
        self.fit_readout_height(exact=True)  # (a new width or font: the readout may wrap differently)

    def restyle(self) -> None:
        """Re-make the panel's own pens and text from ``self.style`` (subclasses)."""

    def redraw(self) -> None:
        """Draw the current state (subclasses)."""


def _next_nice(spacing: float) -> float:
    """The next of 1, 2, 5, 10, 20, 50, … after ``spacing``."""
    exponent = math.floor(math.log10(spacing))
    mantissa = spacing / 10.0**exponent
    step = next((m for m in (2.0, 5.0, 10.0) if m > mantissa + 1e-9), 20.0)
    return step * 10.0**exponent


class SpacedAxis(pg.AxisItem):
    """An x axis whose tick labels never run into each other: pyqtgraph always draws at least
    2.25 intervals, which on a narrow plot with large text read "5 1015" (1024×768 in
    presentation mode); here the major spacing grows (1, 2, 5, 10, …) until the labels have room."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float):
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels or size <= 0:
            return levels
        metrics = QFontMetricsF(self.style["tickFont"] or QFont())
        widest = max(metrics.horizontalAdvance(t) for t in self.tickStrings([minVal, maxVal], 1.0, levels[0][0]))
        room = widest + metrics.horizontalAdvance("  ")
        spacing, offset = levels[0]
        span = abs(maxVal - minVal)
        while span / spacing * room > size and spacing < span:
            spacing = _next_nice(spacing)
        if spacing == levels[0][0]:
            return levels
        return [(spacing, offset), (spacing / 2.0, offset)]


class SideLegend(pg.LegendItem):
    """A legend that sits in the PlotItem's layout (beside the view box) instead of floating
    over the data: its size hint comes from its rows, and the plot's layout places it."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.layout.setContentsMargins(4, 4, 4, 4)

    def updateSize(self) -> None:  # pyqtgraph's sets a geometry at (0, 0): here the layout decides
        self.layout.invalidate()
        self.updateGeometry()


def style_axis(axis: pg.AxisItem, style: PlotStyle) -> None:
    axis.setPen(style.foreground)
    axis.setTextPen(style.foreground)
    axis.setTickFont(style.font())
    axis.setLabel(axis.labelText, **{"color": style.foreground, "font-size": style.css_size})


def style_legend(legend: pg.LegendItem, style: PlotStyle) -> None:
    legend.setLabelTextColor(style.foreground)
    legend.setLabelTextSize(style.css_size)
    legend.setBrush(pg.mkBrush(*style.label_fill))
    for _sample, label in legend.items:  # (setLabelTextSize only stores the size: re-render)
        label.setText(label.text, size=style.css_size, color=style.foreground)
        # the legend sums its rows' current sizes, which only ever grow through the layout:
        # give each label its new size first, so the legend shrinks after presentation mode
        label.resize(label.effectiveSizeHint(Qt.SizeHint.PreferredSize))
    legend.updateSize()


def style_text(item: pg.TextItem, style: PlotStyle, color: object | None = None, scale: float = 1.0) -> None:
    """A text item over the data: readable colour, a fill behind it, the style's font size."""
    item.setColor(style.foreground if color is None else color)
    item.fill = pg.mkBrush(*style.label_fill)
    item.setFont(style.font(scale))


def view_rect(view_box: pg.ViewBox, item: pg.GraphicsObject) -> QRectF:
    """Where ``item`` is drawn, in the view's coordinates (a TextItem ignores the view's
    scaling, so its size in data units changes with the zoom)."""
    return view_box.mapSceneToView(item.sceneBoundingRect()).boundingRect()

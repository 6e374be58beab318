"""Data panel: the samples, the true line, the fitted line moving, the current batch."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QLabel, QWidget

from gdviewer.core.moment import Moment
from gdviewer.ui.data_edit import MAX_EDITABLE_POINTS, EditableScatter
from gdviewer.ui.paced_text import PacedText, streaming
from gdviewer.ui.panels.common import BLUE, VERMILLION, PanelWidget, other_run_curve

#: Most samples drawn as dots; above this a regular subsample is shown (the fit uses all).
MAX_SCATTER_POINTS = 5_000


class DataPanel(PanelWidget):
    """Scatter of (x, y), dashed true line, the current fit y = w·x + b, highlighted batch."""

    FOLD_HEADER_IN_PRESENTATION = False  # it shows the fitted line's equation

    def __init__(self, moment: Moment, parent: QWidget | None = None) -> None:
        super().__init__("Data and fitted line", "x", "y", parent)
        self.moment = moment
        self.legend_item = self.legend()
        self.points = EditableScatter(size=7, pen=None, brush=pg.mkBrush(BLUE + "99"), name="samples")
        self.picked_point = pg.ScatterPlotItem(size=13, brush=None)
        self.batch = pg.ScatterPlotItem(size=10, brush=None, name="this step's samples")
        self.true_line = pg.PlotDataItem(name="true line")
        self.fit_line = pg.PlotDataItem(name="fitted line")
        for item in (self.points, self.true_line, self.fit_line, self.batch, self.picked_point):
            self.plot_item.addItem(item)
        self.edit_box = QCheckBox("edit points")
        self.edit_box.setToolTip("Click to add a point, drag one to move it, right-click (or select and press "
                                 "Delete) to remove it; Ctrl+Z undoes. The run is reset after an edit.")
        self.edit_box.setAccessibleName("Edit data points")
        #: the fitted line's equation, in the row above the plot: off the data
        self.equation = QLabel(" ")
        self.equation.setAccessibleName("Fitted line equation")
        self.equation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.equation.setMinimumWidth(1)  # clipped rather than a minimum width for the window
        self._equation_text = PacedText(self.equation.setText)
        self.add_header_controls(self.edit_box, self.equation)
        self.edit_box.toggled.connect(self.set_editable)
        self.selected_point: int | None = None
        self.points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # static between data changes
        self._x_ends = np.array([0.0, 1.0])
        self._drawn_data: object = None  # the data set whose samples are drawn
        self.other_fits: list[pg.PlotDataItem] = []
        self.sync_runs()
        self.restyle()
        self.update_data()

    def restyle(self) -> None:
        st = self.style
        self.points.setSize(st.marker(7))
        self.points.setBrush(pg.mkBrush(st.blue + "99"))
        self.picked_point.setSize(st.marker(13))
        self.picked_point.setPen(st.pen(st.foreground, 2))
        self.batch.setSize(st.marker(10))
        self.batch.setPen(pg.mkPen(VERMILLION, width=st.marker(1.5)))  # grows as markers do: rings, not blobs
        self.true_line.setPen(st.pen(st.grey, 2, style=Qt.PenStyle.DashLine))
        self.sync_runs()

    def sync_runs(self) -> None:
        """The selected run's line bold in its colour, the others' faint."""
        s = self.moment
        for item in self.other_fits:
            self.plot_item.removeItem(item)
        self.other_fits = []
        for i, run in enumerate(s.runs):
            if i != s.selected:
                item = other_run_curve(self.style, run.colour)
                self.plot_item.addItem(item)
                self.other_fits.append(item)
        self.fit_line.setPen(self.style.pen(self.style.visible(s.run.colour), 3))

    def set_editable(self, on: bool) -> None:
        """Edit mode: the points take the mouse (the view stops panning under it)."""
        n = self.moment.shown_data.n
        if on and n > MAX_EDITABLE_POINTS:
            self.edit_box.setChecked(False)
            self.set_readout_now(f"{n:,} points are too many to edit by hand (at most {MAX_EDITABLE_POINTS:,})")
            return
        self.points.editable = on
        self.plot_item.getViewBox().setMouseEnabled(x=not on, y=not on)
        if not on:
            self.pick(None)

    def pick(self, index: int | None) -> None:
        ds = self.moment.shown_data
        self.selected_point = index if index is not None and 0 <= index < ds.n else None
        if self.selected_point is None:
            self.picked_point.setData([], [])
        else:
            self.picked_point.setData([ds.x[self.selected_point]], [ds.y[self.selected_point]])

    def preview_move(self, index: int, x: float, y: float) -> None:
        """Show a point where it is being dragged (the data change when the drag ends)."""
        ds = self.moment.shown_data
        xs, ys = ds.x.copy(), ds.y.copy()
        xs[index], ys[index] = x, y
        self.points.setData(xs, ys)

    def update_data(self) -> None:
        """New data set: redraw the samples and the true line, frame them. Always the raw data:
        when the runs train on x′ = (x − c)/s their lines are drawn mapped back to x, so a new
        transform (a slider moving) leaves the samples and the view as they are."""
        ds = self.moment.shown_data
        if ds is self._drawn_data:
            self.redraw()
            return
        self._drawn_data = ds
        x, y = ds.x, ds.y
        stride = max(1, math.ceil(ds.n / MAX_SCATTER_POINTS))
        self.points.setData(x[::stride], y[::stride])
        self.pick(None)
        if ds.n > MAX_EDITABLE_POINTS and self.edit_box.isChecked():
            self.edit_box.setChecked(False)
        lo, hi = float(x.min()), float(x.max())
        pad = 0.05 * (hi - lo)
        self._x_ends = np.array([lo - pad, hi + pad])
        has_truth = ds.true_slope is not None and ds.true_intercept is not None
        if has_truth:
            self.true_line.setData(self._x_ends, ds.true_slope * self._x_ends + ds.true_intercept)
        self.true_line.setVisible(has_truth)
        self._in_legend(self.true_line, "true line", has_truth)  # data with no true line: not promised
        self.plot_item.setLabel("bottom", ds.x_name or "x")  # the CSV's own column names
        self.plot_item.setLabel("left", ds.y_name or "y")
        ylo, yhi = float(y.min()), float(y.max())
        ypad = 0.1 * max(yhi - ylo, 1e-9)
        self.plot_item.getViewBox().setRange(xRange=tuple(self._x_ends), yRange=(ylo - ypad, yhi + ypad), padding=0)
        self.redraw()

    def _in_legend(self, item: pg.GraphicsObject, name: str, wanted: bool) -> None:
        """List ``item`` in the legend only while it can be drawn."""
        listed = any(label.text == name for _sample, label in self.legend_item.items)
        if wanted and not listed:
            self.legend_item.addItem(item, name)
        elif listed and not wanted:
            self.legend_item.removeItem(item)

    def redraw(self) -> None:
        """Current fit and batch (called by the window's frame timer)."""
        s = self.moment
        others = (i for i in range(len(s.runs)) if i != s.selected)
        for item, i in zip(self.other_fits, others, strict=False):
            ow, ob = s.raw_line(*s.params_of(i))
            if math.isfinite(ow) and math.isfinite(ob):
                item.setData(self._x_ends, ow * self._x_ends + ob)
            else:
                item.setData([], [])
        w, b = s.raw_line(*s.params)
        if math.isfinite(w) and math.isfinite(b):
            self.fit_line.setData(self._x_ends, w * self._x_ends + b)
            self._equation_text.set(f"ŷ = {w:.4g}·x {'+' if b >= 0 else '−'} {abs(b):.4g}", live=streaming(s))
        else:
            self.fit_line.setData([], [])
            self._equation_text.set("ŷ: parameters are not finite (the run diverged)", live=streaming(s))
        idx = s.shown_batch()
        ds = s.shown_data
        idx = idx[idx < ds.n]  # never index past the points (defensive)
        full_batch = idx.size >= ds.n  # every sample: circling them all would hide the data
        config = s.run_config
        every_sample = config.algorithm == "batch" or (config.algorithm == "minibatch" and config.batch_size >= ds.n)
        self._in_legend(self.batch, "this step's samples", not every_sample)  # batch GD circles nothing
        if idx.size == 0 or s.shown_steps == 0 or full_batch:
            self.batch.setData([], [])
        else:
            if idx.size > MAX_SCATTER_POINTS:
                idx = idx[:: math.ceil(idx.size / MAX_SCATTER_POINTS)]
            self.batch.setData(ds.x[idx], ds.y[idx])
        n = s.shown_steps
        if not n:
            text = f"{ds.n:,} samples · press Play to train"
        elif full_batch:
            text = f"step {n:,} used all {ds.n:,} samples"
        else:
            text = f"step {n:,} used the {idx.size:,} circled of {ds.n:,} samples"
        if not s.transform.identity:  # never silent: the points are raw, the runs see x′
            text = f"runs train on {s.transform.formula(ds.x_name or 'x')}; the line is on raw x · {text}"
        self.set_readout(text)

"""Parameters panel: w and b against steps, with the least-squares values as references."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from gdviewer.core.moment import Moment
from gdviewer.ui.panels.change_marks import ChangeMarks
from gdviewer.ui.panels.common import BLUE, VERMILLION, AdaptivePen, PanelWidget, finite_or_nan
from gdviewer.ui.panels.decimate import Envelope
from gdviewer.ui.readouts import number


class ParametersPanel(PanelWidget):
    """w(step) and b(step); dashed lines at the optimum w*, b*."""

    def __init__(self, moment: Moment, parent: QWidget | None = None) -> None:
        super().__init__("Parameters", "step", "value", parent)
        self.moment = moment
        self.legend()
        self.w_curve = pg.PlotDataItem(pen=pg.mkPen(BLUE, width=2), name="w")
        self.b_curve = pg.PlotDataItem(pen=pg.mkPen(VERMILLION, width=2), name="b")
        self.pens = [AdaptivePen(self.w_curve, BLUE), AdaptivePen(self.b_curve, VERMILLION)]
        for item in (self.w_curve, self.b_curve):
            self.plot_item.addItem(item)
        # drawn from incremental min/max envelopes (≤ 2000 points), not every step
        self.cursor = pg.InfiniteLine(angle=90)
        self.plot_item.addItem(self.cursor, ignoreBounds=True)
        self.cursor.hide()
        self.marks = ChangeMarks(self.plot_item)  # where the run's lr was changed mid-run
        self.w_env = Envelope(moment.total_steps)
        self.b_env = Envelope(moment.total_steps)
        self._source: object | None = None
        dash = Qt.PenStyle.DashLine
        fill = (255, 255, 255, 200)
        self.w_opt = pg.InfiniteLine(angle=0, pen=pg.mkPen(BLUE, width=1, style=dash), label="w* = {value:.4g}",
                                     labelOpts={"position": 0.72, "color": BLUE, "fill": fill})
        self.b_opt = pg.InfiniteLine(angle=0, pen=pg.mkPen(VERMILLION, width=1, style=dash), label="b* = {value:.4g}",
                                     labelOpts={"position": 0.35, "color": VERMILLION, "fill": fill})
        # (apart along the line: w* and b* are often close, and their labels would overlap)
        self.plot_item.addItem(self.w_opt, ignoreBounds=True)
        self.plot_item.addItem(self.b_opt, ignoreBounds=True)
        self.plot_item.getViewBox().sigYRangeChanged.connect(self._label_lines_in_view)
        self.restyle()
        self.update_data()

    def restyle(self) -> None:
        st = self.style
        w_colour = st.blue
        self.pens[0].restyle(color=w_colour, scale=st.line_scale)
        self.pens[1].restyle(scale=st.line_scale)
        self.cursor.setPen(st.pen(st.foreground, 1.5))
        self.marks.restyle(st)
        dash = Qt.PenStyle.DashLine
        for line, colour in ((self.w_opt, w_colour), (self.b_opt, VERMILLION)):
            line.setPen(st.pen(colour, 1, style=dash))
            line.label.setColor(colour)
            line.label.fill = st.see_through_fill()  # the curves under "b* = …" show through
            line.label.setFont(st.font())

    def _label_lines_in_view(self, *_args: object) -> None:
        """A "b* = …" label only where its line is in view: pyqtgraph keeps an off-view line's
        label at the edge, which read as if b* were there."""
        low, high = self.plot_item.getViewBox().viewRange()[1]
        for line in (self.w_opt, self.b_opt):
            line.label.setVisible(low <= line.value() <= high)

    def update_data(self) -> None:
        w_opt, b_opt = self.moment.surface.optimum
        self.w_opt.setValue(w_opt)
        self.b_opt.setValue(b_opt)
        self._label_lines_in_view()
        self.frame_run()
        self.redraw()

    def frame_run(self) -> None:
        """x fixed to the whole run (steps), y follows the data."""
        view = self.plot_item.getViewBox()
        view.enableAutoRange(axis="x", enable=False)
        view.setXRange(0, self.moment.total_steps, padding=0.02)
        view.enableAutoRange(axis="y", enable=True)

    def redraw(self) -> None:
        s = self.moment
        h = s.history
        if h is not self._source:
            self._source = h
            self.w_env.reset(s.total_steps)
            self.b_env.reset(s.total_steps)
        for env, curve, column, start in ((self.w_env, self.w_curve, "w", h.initial_w),
                                          (self.b_env, self.b_curve, "b", h.initial_b)):
            col = h.column(column)[: s.shown_steps] if s.animating else h.column(column)
            index, values = env.compute(col, h)
            # row i holds the value after step i + 1; the start point is step 0, and the
            # latest value is drawn exactly where it is
            x = np.concatenate([[0.0], index + 1.0, [float(len(col))] if len(col) else []])
            y = finite_or_nan(np.concatenate([[start], values, col[-1:]]))
            curve.setData(x, y)
        for pen in self.pens:
            pen.update(len(h) + 1)
        if s.view_step is None or s.animating:
            self.cursor.hide()
        else:
            self.cursor.setValue(float(s.shown_steps))
            self.cursor.show()
        self.marks.show(s.run_config.changes, s.shown_steps if s.view_step is not None or s.animating else len(h),
                        lambda steps: steps)
        w_now, b_now = s.params
        w_opt, b_opt = s.surface.optimum
        self.set_readout(f"w = {number(w_now)} (w* = {number(w_opt)}) · b = {number(b_now)} (b* = {number(b_opt)})",
                         f"w = {number(w_now, 0)} (w* = {number(w_opt, 0)}) · "
                         f"b = {number(b_now, 0)} (b* = {number(b_opt, 0)})")

"""Loss panel: the step's batch loss (faint) and the full-data loss (bold) over time."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QWidget

from gdviewer.core.moment import Moment
from gdviewer.ui.panels.axis_errors import AxisErrorCurves
from gdviewer.ui.panels.change_marks import ChangeMarks
from gdviewer.ui.panels.common import BLUE, VERMILLION, AdaptivePen, PanelWidget, finite_or_nan, other_run_curve
from gdviewer.ui.panels.decimate import Envelope
from gdviewer.ui.panels.lr_track import LrTrack
from gdviewer.ui.readouts import number

X_AXES = {"steps": "step", "epochs": "epoch", "samples": "samples seen (gradient evaluations)"}


#: Points drawn of another run's full-data loss (min/max pairs): about one per pixel column.
OTHER_RUN_POINTS = 600


#: The two loss curves' names in the legend, in full and short (a narrow panel).
NAMES = {"batch": ("batch loss (this step)", "batch"), "full": ("full-data loss", "all data")}
#: Short names below this many times the long name's width: in a projector's narrow column the
#: legend's column took most of the panel and left the loss curve a third of it.
SHORT_NAMES_BELOW = 3.0


class LossPanel(PanelWidget):
    """Loss against steps, epochs or samples seen; linear or log scale."""

    def __init__(self, moment: Moment, parent: QWidget | None = None) -> None:
        super().__init__("Loss", "step", "MSE loss", parent)
        self.moment = moment
        self.x_axis = "steps"
        self.legend()
        self.short_names = False
        self.batch_curve = pg.PlotDataItem(pen=pg.mkPen(BLUE + "66", width=1), name=NAMES["batch"][0])
        self.full_curve = pg.PlotDataItem(pen=pg.mkPen(VERMILLION, width=2), name=NAMES["full"][0])
        self.full_pen = AdaptivePen(self.full_curve, VERMILLION)
        for item in (self.batch_curve, self.full_curve):
            self.plot_item.addItem(item)
        # drawn from incremental min/max envelopes (≤ 2000 points), not every step
        self.cursor = pg.InfiniteLine(angle=90)
        self.plot_item.addItem(self.cursor, ignoreBounds=True)
        self.cursor.hide()
        self.marks = ChangeMarks(self.plot_item)  # where the run's lr was changed mid-run
        self.lr_track = LrTrack(self.plot_item)  # each run's lr(t), when one is not constant
        self.batch_env = Envelope(moment.total_steps)
        self.full_env = Envelope(moment.total_steps + 1)
        self._source: object | None = None
        self.other_curves: list[tuple[pg.PlotDataItem, Envelope]] = []
        self.axis_errors = AxisErrorCurves(self.plot_item, moment.total_steps)
        self.errors_box = QCheckBox("axes")
        self.errors_box.setAccessibleName("Show the error along each axis of the valley")
        self.errors_box.setToolTip("Instead of the loss: how far the run is from the optimum along the valley's "
                                   "flat and steep axes, on a log scale. Plain batch GD shrinks each by |1 − lr·λ| "
                                   "a step: straight lines, the closed form dashed.")
        self.sync_runs()
        self.axis_box = QComboBox()
        self.axis_box.addItems(list(X_AXES))
        self.axis_box.setAccessibleName("Loss x-axis")
        self.axis_box.setToolTip("Plot against optimiser steps, epochs, or samples seen (the fair cost axis)")
        self.log_box = QCheckBox("log scale")
        self.log_box.setToolTip("A log scale shows the slow final descent and SGD's noise floor")
        self.log_box.setAccessibleName("Loss log scale")
        self.add_header_controls(QLabel("x-axis:"), self.axis_box, self.log_box, self.errors_box)
        self.frame_run()
        self.axis_box.currentTextChanged.connect(self.set_x_axis)
        self.log_box.toggled.connect(self.set_log_scale)
        self.errors_box.toggled.connect(self.set_axis_errors)
        self.restyle()
        self.redraw()

    def restyle(self) -> None:
        st = self.style
        self.batch_curve.setPen(st.pen(st.blue + ("88" if st.dark else "66"), 1))
        self.cursor.setPen(st.pen(st.foreground, 1.5))
        self.marks.restyle(st)
        self.lr_track.restyle(st)
        self.axis_errors.restyle(st)
        self.sync_runs()

    def set_x_axis(self, name: str) -> None:
        if name not in X_AXES:
            raise ValueError(f"x-axis must be one of {', '.join(X_AXES)}")
        self.x_axis = name
        if self.axis_box.currentText() != name:
            self.axis_box.setCurrentText(name)
        self.plot_item.setLabel("bottom", X_AXES[name])
        self.frame_run()
        self.redraw()

    def set_log_scale(self, on: bool) -> None:
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)
        self.plot_item.setLogMode(y=on or self.errors_box.isChecked())
        self.redraw()
        self.plot_item.enableAutoRange(axis="y")

    def set_axis_errors(self, on: bool) -> None:
        """Show the error along each of the valley's axes (log scale) instead of the loss."""
        if self.errors_box.isChecked() != on:
            self.errors_box.setChecked(on)  # (its signal comes back here)
            return
        for item in (self.batch_curve, self.full_curve, *(curve for curve, _env in self.other_curves)):
            item.setVisible(not on)
        legend = self.plot_item.legend
        for item, name in self._names():
            legend.removeItem(item)
            if not on:
                legend.addItem(item, name)
        self.axis_errors.set_shown(on)
        self.log_box.setEnabled(not on)  # errors are always on a log scale
        self.plot_item.setLabel("left", "|error|" if on else "MSE loss")
        self.set_log_scale(self.log_box.isChecked())
        self.frame_run()  # (pyqtgraph's switch to a log scale auto-ranges x too)

    def _names(self) -> tuple[tuple[pg.PlotDataItem, str], ...]:
        which = 1 if self.short_names else 0
        return (self.batch_curve, NAMES["batch"][which]), (self.full_curve, NAMES["full"][which])

    def fit_minimum_size(self) -> None:
        """Short names in the legend when the panel is narrow for the long ones (then the
        minimum size, which the legend's width is part of)."""
        long = QFontMetricsF(self.style.font()).horizontalAdvance(NAMES["batch"][0])
        short = self.width() < SHORT_NAMES_BELOW * long
        if short != self.short_names:
            self.short_names = short
            legend = self.plot_item.legend
            for item, name in self._names():
                label = legend.getLabel(item)
                if label is not None:
                    label.setText(name)
            legend.updateSize()
        super().fit_minimum_size()

    def frame_run(self) -> None:
        """Fix the x-axis to the whole run, so the curve grows into a still frame (and the
        axis is not re-laid out every frame); y follows the data."""
        s = self.moment
        longest = max((s.steps_of(i) for i in range(len(s.runs))), default=s.total_steps)
        epochs = max(r.config.epochs for r in s.runs)
        total = {"steps": longest, "epochs": epochs, "samples": epochs * s.dataset.n}[self.x_axis]
        view = self.plot_item.getViewBox()
        view.enableAutoRange(axis="x", enable=False)
        view.setXRange(0, total, padding=0.02)
        view.enableAutoRange(axis="y", enable=True)

    def _planned_x(self, steps: np.ndarray, run: int) -> np.ndarray:
        """x of step positions anywhere in run ``run``, steps not yet taken too (the lr track)."""
        s = self.moment
        config = s.runs[run].config
        spe = config.steps_per_epoch(s.dataset.n)
        if self.x_axis == "steps":
            return steps
        if self.x_axis == "epochs":
            return steps / spe
        size = s.dataset.n / spe if config.algorithm != "minibatch" else config.batch_size
        epochs, k = np.divmod(steps, spe)
        return epochs * s.dataset.n + np.minimum(k * size, s.dataset.n)

    def _x_values(self, index: np.ndarray, run: int | None = None) -> np.ndarray:
        """x of loss values at (fractional) positions ``index`` of a run (the selected one by
        default): the state *before* step index + 1, in steps, epochs or samples seen."""
        s = self.moment
        run = s.selected if run is None else run
        if self.x_axis == "steps":
            return index
        if self.x_axis == "epochs":
            return index / s.runs[run].config.steps_per_epoch(s.dataset.n)
        samples = s.runs[run].history.column("samples")
        i = np.floor(index).astype(np.int64)
        before = np.zeros(index.shape)
        has = i > 0
        before[has] = samples[np.minimum(i[has], samples.shape[0]) - 1]
        return before

    def sync_runs(self) -> None:
        """The selected run's curves bold in its colour; each other run's full-data loss faint."""
        s = self.moment
        for curve, _env in self.other_curves:
            self.plot_item.removeItem(curve)
        self.other_curves = []
        for i, run in enumerate(s.runs):
            if i != s.selected:
                # unnamed: the runs are named in the surface's legend (a name each here overflows)
                curve = other_run_curve(self.style, run.colour)
                self.plot_item.addItem(curve)
                curve.setVisible(not self.errors_box.isChecked())
                # faint and smooth (the full-data loss): a point per pixel column is plenty
                self.other_curves.append((curve, Envelope(s.steps_of(i) + 1, OTHER_RUN_POINTS)))
        self.full_pen.restyle(color=self.style.visible(s.run.colour), scale=self.style.line_scale)

    def _draw_other_runs(self) -> None:
        s = self.moment
        log = self.log_box.isChecked()
        others = (i for i in range(len(s.runs)) if i != s.selected)
        for (curve, env), i in zip(self.other_curves, others, strict=False):
            h = s.runs[i].history
            if len(h) == 0:
                curve.setData([], [])
                continue
            idx, values = env.compute(h.column("full_loss"), h)
            values = finite_or_nan(values)
            if log:  # a bare PlotCurveItem: the plot's log mode does not apply, so log10 here
                np.maximum(values, 1e-30, out=values, where=np.isfinite(values))
                values = np.log10(values)
            curve.setData(self._x_values(idx, i), values)

    def _place_cursor(self) -> None:
        """A vertical line at the step the timeline shows (hidden when following the run)."""
        s = self.moment
        if s.view_step is None or s.animating:
            self.cursor.hide()
            return
        self.cursor.setValue(float(self._x_values(np.array([float(s.shown_steps)]))[0]))
        self.cursor.show()

    def redraw(self) -> None:
        s = self.moment
        h = s.history
        n = s.shown_steps if s.animating else len(h)  # an animation shows the curve growing
        if h is not self._source:
            self._source = h
            self.batch_env.reset(s.total_steps)
            self.full_env.reset(s.total_steps + 1)
        self._place_cursor()
        self.marks.show(s.run_config.changes, s.shown_steps if s.view_step is not None or s.animating else len(h),
                        self._x_values)
        self.lr_track.draw(s, self._planned_x, self.x_axis)
        if self.errors_box.isChecked():
            self.axis_errors.draw(s, n, self.x_axis, self._x_values)
            self.set_readout(*self.axis_errors.caption(s))
            return
        w, b = s.params if s.animating else s.live_params
        now = float(s.surface.loss(w, b))
        self._draw_other_runs()
        if n == 0:
            self.batch_curve.setData([], [])
            self.full_curve.setData(self._x_values(np.zeros(1)), [now])
            self._span_single_point(now)
            self._caption()
            return
        bi, batch = self.batch_env.compute(h.column("loss")[:n], h)
        fi, full = self.full_env.compute(h.column("full_loss")[:n], h)
        fi = np.append(fi, n)
        full = finite_or_nan(np.append(full, now))
        batch = finite_or_nan(batch)
        if self.log_box.isChecked():  # log10 of 0 would warn and draw nothing useful
            np.maximum(batch, 1e-30, out=batch, where=np.isfinite(batch))
            np.maximum(full, 1e-30, out=full, where=np.isfinite(full))
        self.batch_curve.setData(self._x_values(bi), batch)
        self.full_pen.update(fi.size)
        self.full_curve.setData(self._x_values(fi), full)
        self._caption()

    def _span_single_point(self, loss: float) -> None:
        """Before the first step the curve is one point, and pyqtgraph's auto-range keeps the
        span an earlier (perhaps diverged, ×1e+09) run left: give the axis the point's own scale."""
        if not np.isfinite(loss) or loss <= 0:
            return
        view = self.plot_item.getViewBox()
        if self.log_box.isChecked():
            centre = float(np.log10(loss))
            view.setYRange(centre - 1.0, centre + 1.0, padding=0)
        else:
            view.setYRange(0.0, 1.1 * loss, padding=0)
        view.enableAutoRange(axis="y", enable=True)  # other runs' curves and the next steps still count

    def _caption(self) -> None:
        """The numbers of the step the timeline shows (the live end unless scrubbed)."""
        s = self.moment
        h = s.history
        k = s.shown_steps
        w, b = s.params
        now = float(s.surface.loss(w, b))
        best = s.surface.min_loss
        if k == 0:
            self.set_readout(f"loss before the first step: {number(now)}",
                             f"loss before the first step: {number(now, 0)}")
            return
        last_batch = float(h.column("loss")[k - 1])
        at = f"step {k:,}: " if k < len(h) else ""
        lr = ""
        if self.lr_track.top > 0:  # the strip is shown: the step's own rate, and the strip's scale
            lr = f" · lr {number(s.run_config.lr_at(k - 1, s.dataset.n))} (dotted, top: 0 to {self.lr_track.top:.3g})"
        self.set_readout(f"{at}loss {number(now)} · batch {number(last_batch)} · least squares {number(best)}{lr}",
                         f"{at}full-data loss {number(now, 0)} · the batch loss of step {k:,} "
                         f"{number(last_batch, 0)} · least-squares minimum {number(best, 0)}{lr}")

"""The loss panel's "error per axis": the selected run's distance from the optimum along each
of the valley's axes, |e₁(t)| (flat) and |e₂(t)| (steep), on a log scale.

For plain batch GD each step multiplies eᵢ by exactly 1 − lr·λᵢ, so on the log scale each
series is a straight line of slope log|1 − lr·λᵢ|; the closed form |eᵢ(0)|·|1 − lr·λᵢ|^t is
drawn dashed beside it. The numbers are the engine's (``core/valley.py``). A long run is drawn
from min/max envelopes (``decimate.Envelope``) fed with the new steps only, so a frame costs
O(new steps), like the loss curves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gdviewer.core.history import History
from gdviewer.core.moment import Moment
from gdviewer.core.valley import ValleyAxes, decay_line, factors_are_exact, valley_axes
from gdviewer.ui.panels.common import GREEN, PURPLE
from gdviewer.ui.panels.decimate import Envelope
from gdviewer.ui.readouts import number
from gdviewer.ui.theme import LIGHT_PLOTS, PlotStyle

#: Flat axis first, steep second, as in ValleyAxes (and the surface's lines' colours).
AXES = (("flat axis |e₁|", GREEN), ("steep axis |e₂|", PURPLE))
#: The closed-form lines stop at this many times the larger starting error: below, float32
#: training cannot follow them (and the axis need not span 1e-300); above, a diverging
#: run's line would only squash the plot.
REFERENCE_BAND = (1e-8, 1e3)
#: Points a curve is drawn from (min/max pairs): enough for a band a few pixels a bucket wide
#: in any window, and each thick segment costs paint time every frame (2,000 cost ~0.7 ms, 600 ~0.25).
ERROR_POINTS = 600


class ProjectedColumn:
    """|e| along one axis for the first ``n`` steps of a history, projected slice by slice as
    ``Envelope`` reads it (an array-like: ``shape``, slicing, ``np.asarray``)."""

    def __init__(self, history: History, axes: ValleyAxes, which: int, n: int) -> None:
        self.history, self.axes, self.which, self.shape = history, axes, which, (n,)

    def __getitem__(self, part: slice) -> np.ndarray:
        start, stop, _ = part.indices(self.shape[0])
        w, b = self.history.column("w")[start:stop], self.history.column("b")[start:stop]
        return np.abs(self.axes.project(w, b)[self.which])

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        values = self[:]
        return values if dtype is None else values.astype(dtype)


def positive_or_nan(values: np.ndarray) -> np.ndarray:
    """Zero or non-finite values as gaps: a log scale has no place for them."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out


class AxisErrorCurves:
    """Two error series and, for plain batch GD, their two closed-form lines over the whole
    run (a prediction the run then traces out)."""

    def __init__(self, plot_item: pg.PlotItem, total_steps: int) -> None:
        self.plot_item = plot_item
        self.curves = [pg.PlotDataItem(connect="finite") for _ in AXES]
        self.references = [pg.PlotDataItem() for _ in AXES]
        for item in (*self.references, *self.curves):
            plot_item.addItem(item)
            item.hide()
        self.envelopes = [Envelope(total_steps, ERROR_POINTS) for _ in AXES]
        self._key: tuple | None = None
        self._legend: list[tuple[pg.PlotDataItem, str]] = []  # the rows shown now
        self.shown = False
        self.restyle(LIGHT_PLOTS)

    def restyle(self, style: PlotStyle) -> None:
        for (_name, colour), curve, reference in zip(AXES, self.curves, self.references, strict=True):
            curve.setPen(style.pen(style.visible(colour), 2))
            reference.setPen(style.pen(style.visible(colour), 1.5, style=Qt.PenStyle.DashLine))

    def set_shown(self, on: bool) -> None:
        """Show or hide the four items and their legend rows."""
        self.shown = on
        for item in (*self.curves, *self.references):
            item.setVisible(on)
        if not on:
            self._set_legend([])

    def _set_legend(self, rows: list[tuple[pg.PlotDataItem, str]]) -> None:
        """The legend's rows of these items, changed only when they differ (a legend's layout
        is not redone every frame)."""
        if rows == self._legend:
            return
        legend = self.plot_item.legend
        for item, _name in self._legend:
            legend.removeItem(item)
        for item, name in rows:
            legend.addItem(item, name)
        self._legend = rows

    def draw(self, moment: Moment, n: int, x_axis: str, x_of: Callable[[np.ndarray], np.ndarray]) -> None:
        """The first ``n`` steps of the selected run (``x_of``: the panel's step → ``x_axis``)."""
        s = moment
        h = s.history
        axes = valley_axes(s.surface)
        key = (id(h), axes, s.total_steps)
        if key != self._key:  # another run or new data: the envelopes' cache is not theirs
            self._key = key
            for env in self.envelopes:
                env.reset(s.total_steps)
        start = axes.project(h.initial_w, h.initial_b)
        top = 0.0
        for which, curve in enumerate(self.curves):
            idx, values = self.envelopes[which].compute(ProjectedColumn(h, axes, which, n), self._key)
            t = np.concatenate([[0.0], idx + 1.0])  # row k of the history is the state after step k + 1
            values = positive_or_nan(np.concatenate([[abs(float(start[which]))], values]))
            curve.setData(x_of(t), values)
            top = max(top, float(np.nanmax(values, initial=0.0)))
        rows = [(curve, name) for (name, _colour), curve in zip(AXES, self.curves, strict=True)]
        rows += self._draw_references(s, axes, x_axis, (float(start[0]), float(start[1])), top)
        self._set_legend(rows)

    def _draw_references(self, s: Moment, axes: ValleyAxes, x_axis: str, start: tuple[float, float],
                         top: float) -> list[tuple[pg.PlotDataItem, str]]:
        """The closed form over the whole run, for plain batch GD (one step an epoch, each on
        every sample: x is linear in the step on every x axis)."""
        config = s.run_config
        exact = factors_are_exact(config.algorithm, config.optimizer)
        factors = axes.contraction(config.lr)
        big = max(abs(start[0]), abs(start[1]))
        per_step = {"steps": 1.0, "epochs": 1.0 / s.steps_per_epoch, "samples": float(s.dataset.n)}[x_axis]
        rows = []
        for e0, factor, reference in zip(start, factors, self.references, strict=True):
            low, high = REFERENCE_BAND[0] * big, max(top, REFERENCE_BAND[1] * big)
            line = decay_line(e0, factor, s.total_steps, low, high) if exact else None
            if line is None:
                reference.setData([], [])
                continue
            (t0, v0), (t1, v1) = line
            reference.setData([t0 * per_step, t1 * per_step], [v0, v1])
            rows.append((reference, f"× {factor:.3g} a step"))
        return rows

    def caption(self, s: Moment) -> tuple[str, str]:
        """The readout at the step shown: each axis's error and, when exact, its factor."""
        axes = valley_axes(s.surface)
        e_flat, e_steep = (float(v) for v in axes.project(*s.params))
        config = s.run_config
        k = s.shown_steps
        at = f"step {k:,}: " if k else "start: "
        text = f"{at}|e₁| {number(abs(e_flat))} · |e₂| {number(abs(e_steep))}"
        full = (f"{at}error along the flat axis (λmin = {axes.lambda_min:.4g}) {number(e_flat, 0)}, "
                f"along the steep axis (λmax = {axes.lambda_max:.4g}) {number(e_steep, 0)}")
        if factors_are_exact(config.algorithm, config.optimizer):  # (the factors are in the legend)
            f_flat, f_steep = axes.contraction(config.lr)
            full += (f"; plain batch GD multiplies them by |1 − lr·λ| = {f_flat:.4g} and {f_steep:.4g} "
                     "every step (the dashed lines)")
        else:
            full += "; the dashed closed-form lines are drawn for plain batch GD only"
        return text, full

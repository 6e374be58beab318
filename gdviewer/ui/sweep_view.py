"""'Sweep learning rate': final loss against learning rate for many runs trained together.

The runs are computed in a background thread by the engine's vectorised sweep. The plot
marks where runs diverge (shaded) and the stable limit the theory predicts (dashed), so
students see the prediction and the experiment agree. Clicking a point adds a run with that
learning rate to the run list. "Compare" sweeps the same runs again with another lr schedule
(cosine decay for a constant rate, a constant rate for a schedule), drawn beside: where a
decaying rate reaches lower and where it still blows up.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gdviewer.core.config import ALGORITHM_LABELS, OPTIMIZER_LABELS, RunConfig
from gdviewer.core.errors import ConfigError
from gdviewer.core.steering import Schedule
from gdviewer.ui.background import BackgroundCall
from gdviewer.ui.controls.fields import NumberField
from gdviewer.ui.panels.common import BLUE, GREEN, GREY, VERMILLION, style_axis, style_legend, style_text
from gdviewer.ui.session import Session
from gdviewer.ui.theme import PlotStyle, set_tone


def compared(config: RunConfig) -> tuple[str, RunConfig]:
    """The run's settings with the other schedule to compare with, and its name: cosine decay
    (to 0 over the run) for a constant rate, a constant rate for any schedule."""
    if config.schedule.constant:
        return "with cosine decay", config.with_changes(schedule=Schedule(kind="cosine"))
    return "with a constant lr", config.with_changes(schedule=Schedule())


class SweepDialog(QDialog):
    learning_rate_chosen = Signal(float)
    finished_sweep = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sweep the learning rate")
        self.session = session
        self.result = None
        self.task = BackgroundCall(self)
        self.task.done.connect(self._on_done)
        self.task.failed.connect(self._on_failed)
        self.fields = {
            "low": NumberField("low", "From", float, "Smallest learning rate"),
            "high": NumberField("high", "To", float, "Largest learning rate"),
            "count": NumberField("count", "Runs", int, "How many learning rates, log-spaced"),
        }
        stable = session.stable_lr()
        centre = stable if stable is not None else session.run_config.lr
        self.fields["low"].set_value(float(f"{centre / 100:.2g}"))
        self.fields["high"].set_value(float(f"{centre * 5:.2g}"))
        self.fields["count"].set_value(100)
        form = QFormLayout()
        for f in self.fields.values():
            form.addRow(f.label, f)
        self.compare_name, self.compare_config = compared(session.run_config)
        self.compare_box = QCheckBox(f"Compare: the same runs {self.compare_name}")
        self.compare_box.setToolTip("Sweep the same learning rates again with another schedule and draw both: "
                                    "lr·f(t) with f falling from 1 to 0 (cosine), or f = 1 (constant)")
        form.addRow("", self.compare_box)
        self.compared_result = None
        self.run_button = QPushButton("Run sweep")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run_sweep)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setLogMode(x=True, y=True)
        item.setLabel("bottom", "learning rate")
        item.setLabel("left", "final full-data loss")
        self.legend = item.addLegend(offset=(10, 10))
        self.curve = pg.PlotDataItem(pen=pg.mkPen(BLUE, width=2), symbol="o", symbolSize=6,
                                     symbolBrush=BLUE, name="final loss")
        self.curve.sigPointsClicked.connect(self._on_points_clicked)
        self.compare_curve = pg.PlotDataItem(pen=pg.mkPen(GREEN, width=2, style=Qt.PenStyle.DashLine), symbol="s",
                                             symbolSize=5, symbolBrush=GREEN, name=f"final loss {self.compare_name}")
        self.compare_curve.sigPointsClicked.connect(self._on_points_clicked)
        self.diverged_points = pg.PlotDataItem(pen=None, symbol="x", symbolSize=10, symbolBrush=VERMILLION,
                                               symbolPen=pg.mkPen(VERMILLION), name="diverged (drawn at the top)")
        self.region = pg.LinearRegionItem(brush=pg.mkBrush(213, 94, 0, 40), movable=False)
        self.limit_line = pg.InfiniteLine(angle=90, pen=pg.mkPen("k", width=1.5, style=Qt.PenStyle.DashLine))
        self.limit_label = pg.TextItem(color="k", anchor=(1.05, 0), fill=pg.mkBrush(255, 255, 255, 200))
        self.best_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(GREY, style=Qt.PenStyle.DotLine),
                                         label="least squares", labelOpts={"position": 0.1})
        for it in (self.region, self.curve, self.diverged_points, self.compare_curve):
            item.addItem(it)
        self.compare_curve.hide()
        item.addItem(self.limit_line, ignoreBounds=True)
        item.addItem(self.best_line, ignoreBounds=True)
        item.addItem(self.limit_label, ignoreBounds=True)
        for it in (self.region, self.limit_line, self.best_line, self.limit_label):
            it.hide()
        item.getAxis("left").enableAutoSIPrefix(False)
        item.getAxis("bottom").enableAutoSIPrefix(False)

        c = session.run_config
        about = QLabel(f"{ALGORITHM_LABELS[c.algorithm]} with {OPTIMIZER_LABELS[c.optimizer]}, {c.epochs} epochs, "
                       f"from w = {c.init_w:g}, b = {c.init_b:g}: one run per learning rate, all trained together. "
                       "Click a point to add a run with its learning rate.")
        about.setWordWrap(True)
        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        self.resize(820, 600)

    def apply_style(self, style: PlotStyle) -> None:
        """Theme, zoom and presentation mode, as the window's panels."""
        item = self.plot.getPlotItem()
        self.plot.setBackground(style.background)
        for name in ("left", "bottom"):
            style_axis(item.getAxis(name), style)
        style_legend(self.legend, style)
        self.legend.setBrush(style.see_through_fill())  # over the data: the curves under it show
        colour = style.blue
        self.curve.setPen(style.pen(colour, 2))
        self.curve.setSymbolBrush(colour)
        self.curve.setSymbolSize(style.marker(6))
        self.compare_curve.setPen(style.pen(GREEN, 2, style=Qt.PenStyle.DashLine))
        self.compare_curve.setSymbolSize(style.marker(5))
        self.diverged_points.setSymbolSize(style.marker(10))
        self.diverged_points.setSymbolPen(style.pen(VERMILLION, 1))
        self.best_line.setPen(style.pen(style.grey, 1, style=Qt.PenStyle.DotLine))
        self.limit_line.setPen(style.pen(style.foreground, 1.5, style=Qt.PenStyle.DashLine))
        style_text(self.limit_label, style)
        self.best_line.label.setColor(style.foreground)
        self.best_line.label.setFont(style.font())

    def learning_rates(self) -> np.ndarray | None:
        errors = {}
        values = {}
        for name, f in self.fields.items():
            try:
                values[name] = f.value()
            except ConfigError as exc:
                errors[name] = exc.message
        if not errors:
            if not (0 < values["low"] < values["high"] and math.isfinite(values["high"])):
                errors["high"] = "must be above From, and From above 0"
            elif values["high"] > 1e6:
                errors["high"] = "must be at most 1e+06 (the largest learning rate a run accepts)"
            elif not 2 <= values["count"] <= 1000:
                errors["count"] = "must be a whole number from 2 to 1000"
        for name, f in self.fields.items():
            f.set_error(errors.get(name))
        if errors:
            return None
        return np.geomspace(values["low"], values["high"], int(values["count"]))

    def run_sweep(self) -> bool:
        lrs = self.learning_rates()
        if lrs is None:
            return False
        from gdviewer.core.sweep import sweep_learning_rates

        dataset, config = self.session.dataset, self.session.run_config
        other = self.compare_config if self.compare_box.isChecked() else None
        self.run_button.setEnabled(False)
        set_tone(self.status, None)
        self.status.setText(f"Training {lrs.size * (2 if other else 1)} runs together…")
        self.task.start(lambda report: (sweep_learning_rates(dataset, config, lrs, progress=report),
                                        sweep_learning_rates(dataset, other, lrs) if other is not None else None))
        return True

    def _on_done(self, results) -> None:
        result, self.compared_result = results
        self.result = result
        self.run_button.setEnabled(True)
        lrs, loss = result.learning_rates, result.final_loss
        ok = np.isfinite(loss)
        self.curve.setData(lrs[ok], np.maximum(loss[ok], 1e-30))
        top = float(np.max(loss[ok])) if ok.any() else 1.0
        self.diverged_points.setData(lrs[~ok], np.full(int((~ok).sum()), max(top, 1.0)))
        first = result.first_divergent_lr
        if first is not None:
            self.region.setRegion((math.log10(first), math.log10(float(lrs.max()))))
            self.region.show()
        else:
            self.region.hide()
        if result.stable_lr is not None:
            x = math.log10(result.stable_lr)
            self.limit_line.setValue(x)
            self.limit_line.show()
            self.limit_label.setText(f"stable limit ≈ {result.stable_lr:.3g}")
            self.limit_label.setPos(x, math.log10(max(top, 1e-30)))
            self.limit_label.show()
        self._label_learning_rates(float(lrs.min()), float(lrs.max()))
        if result.min_loss > 0:
            self.best_line.setValue(math.log10(result.min_loss))
            self.best_line.show()
        parts = [f"{lrs.size} runs done."]
        if first is not None:
            parts.append(f"Runs diverge from lr ≈ {first:.3g} (shaded).")
        if result.stable_lr is not None:
            parts.append(f"Theory: stable below ≈ {result.stable_lr:.3g} (dashed).")
        parts += self._draw_compared()
        self.status.setText(" ".join(parts))
        self.finished_sweep.emit()

    def _draw_compared(self) -> list[str]:
        """The compared sweep's finite final losses (green, dashed) and what it says."""
        other = self.compared_result
        if other is None:
            self.compare_curve.hide()
            return []
        ok = np.isfinite(other.final_loss)
        self.compare_curve.setData(other.learning_rates[ok], np.maximum(other.final_loss[ok], 1e-30))
        self.compare_curve.show()
        first = other.first_divergent_lr
        return [f"{self.compare_name.capitalize()} (green): "
                + (f"runs diverge from lr ≈ {first:.3g}." if first is not None else "no run diverges.")]

    def _label_learning_rates(self, low: float, high: float) -> None:
        """Ticks at 1, 2 and 5 × 10ᵏ only (pyqtgraph's minor log labels overlap)."""
        ticks = []
        for k in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
            for m in (1, 2, 5):
                v = m * 10.0**k
                if low / 1.5 <= v <= high * 1.5:
                    ticks.append((math.log10(v), f"{v:g}"))
        self.plot.getPlotItem().getAxis("bottom").setTicks([ticks, []])

    def _on_failed(self, message: str, _details: str) -> None:
        self.run_button.setEnabled(True)
        set_tone(self.status, "error")
        self.status.setText(f"The sweep failed: {message}")
        self.finished_sweep.emit()

    def _on_points_clicked(self, _item, points, *_args) -> None:
        if len(points):
            self.learning_rate_chosen.emit(float(10 ** points[0].pos().x()))

    def done(self, result: int) -> None:
        self.task.stop()
        super().done(result)

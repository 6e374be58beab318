"""Conditioning controls: shift and scale x (x′ = (x − c)/s) and watch the valley change.

Two sliders move c and s; three buttons set raw x, centred x and standardised x. Under them the
numbers that move with the valley: κ = λmax/λmin, the stable limit 2/λmax and the best fixed
step 2/(λmin + λmax) of batch GD on x′, beside raw x's κ. The widget holds no state of its own:
``current()`` gives the transform in use and the raw and transformed data's loss surfaces; a
change is emitted (``transform_moved`` while a slider is dragged, ``transform_chosen`` for one
finished change) and the window applies it (ui/transform_editing.py).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QWidget,
)

from gdviewer.core.conditioning import RAW, XTransform, centred, standardised
from gdviewer.core.surface import LossSurface
from gdviewer.core.valley import valley_axes

#: Slider positions (integers): fine enough that one step of a slider is a small change.
TICKS = 1000
#: The scale slider covers this factor either side of both 1 and the data's spread (log scale).
SCALE_REACH = 30.0


def valley_numbers(surface: LossSurface) -> str:
    """κ, the stable limit and the best fixed step of batch GD on this surface, in words (the
    engine's numbers: ``core/valley.py``)."""
    axes = valley_axes(surface)
    kappa = axes.condition_number
    kappa_text = "∞" if not math.isfinite(kappa) or kappa > 1e12 else f"{kappa:.3g}"
    best = axes.best_learning_rate
    best_text = "none (all x are equal)" if best is None else f"{best:.3g}"
    return f"κ = {kappa_text} · stable lr < {axes.stable_learning_rate:.3g} · best fixed lr {best_text}"


class ConditioningControls(QGroupBox):
    """Shift and scale sliders, raw/centre/standardise buttons, and κ with the two rates."""

    transform_moved = Signal(object)  # XTransform, while a slider is held
    transform_chosen = Signal(object, str)  # XTransform and what it was (for the undo step)
    drag_started = Signal()
    drag_finished = Signal()

    def __init__(self, current: Callable[[], tuple[XTransform, LossSurface, LossSurface]],
                 parent: QWidget | None = None) -> None:
        super().__init__("Conditioning: x′ = (x − c)/s", parent)
        self.current = current
        self.setToolTip("Shifting and scaling x changes the valley the optimiser walks on, not the best line: "
                        "the data panel keeps the raw x and draws the fitted line mapped back to it.")
        grid = QGridLayout(self)
        buttons = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QToolButton] = {}
        for kind, text, tip in (("none", "Raw", "Train on x as it is"),
                                ("center", "Centre", "x′ = x − mean(x): the valley's tilt goes"),
                                ("standardize", "Standardise",
                                 "x′ = (x − mean(x)) / std(x): a round valley, κ = 1")):
            button = QToolButton()  # (a push button's 80 px minimum makes three too wide for a narrow dock)
            button.setText(text)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.clicked.connect(lambda _on=False, k=kind: self.choose(k))
            self.group.addButton(button)
            self.buttons[kind] = button
            buttons.addWidget(button)
        grid.addLayout(buttons, 0, 0, 1, 3)
        self.shift = self._slider("Shift c", "Move c: x′ = x − c, the valley tilts as c leaves the data's mean")
        self.scale = self._slider("Scale s", "Divide x by s (log scale): the valley stretches along w")
        self.shift_value, self.scale_value = QLabel(), QLabel()
        for row, (name, slider, value) in enumerate((("c", self.shift, self.shift_value),
                                                     ("s", self.scale, self.scale_value)), start=1):
            grid.addWidget(QLabel(name), row, 0)
            grid.addWidget(slider, row, 1)
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("−0.0000"))
            grid.addWidget(value, row, 2)
        grid.setColumnStretch(1, 1)
        self.numbers = QLabel()
        self.numbers.setWordWrap(True)
        self.numbers.setAccessibleName("Valley numbers on x′")
        grid.addWidget(self.numbers, 3, 0, 1, 3)
        self._shift_range = (-1.0, 1.0)
        self._scale_range = (math.log(1 / SCALE_REACH), math.log(SCALE_REACH))
        self.show_current()

    def _slider(self, name: str, tip: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(0, TICKS)
        slider.setAccessibleName(name)
        slider.setToolTip(tip)
        slider.valueChanged.connect(self._on_slider)
        slider.sliderPressed.connect(self.drag_started)
        slider.sliderReleased.connect(self.drag_finished)
        return slider

    # --- slider positions ↔ (c, s), from the raw data's range and spread ----------------
    def _set_ranges(self, raw: LossSurface, transform: XTransform) -> None:
        """c from the data's low to high end (0 and the current c always inside); s on a log
        scale around both 1 and the data's spread."""
        sigma = math.sqrt(max(raw.var_x, 0.0))
        half = max(2.0 * sigma, abs(raw.mean_x) * 1e-3, 1e-6)
        lo = min(raw.mean_x - half, 0.0, transform.center)
        hi = max(raw.mean_x + half, 0.0, transform.center)
        self._shift_range = (lo, hi)
        spreads = [1.0, sigma] if sigma > 0 else [1.0]
        self._scale_range = (math.log(min(min(spreads) / SCALE_REACH, transform.scale)),
                             math.log(max(max(spreads) * SCALE_REACH, transform.scale)))

    def _to_ticks(self, value: float, lo: float, hi: float) -> int:
        return round((value - lo) / (hi - lo) * TICKS) if hi > lo else 0

    def _from_ticks(self, ticks: int, lo: float, hi: float) -> float:
        return lo + (hi - lo) * ticks / TICKS

    def slider_transform(self) -> XTransform:
        """The transform the sliders' positions say (a round number where one is close)."""
        center = self._from_ticks(self.shift.value(), *self._shift_range)
        scale = math.exp(self._from_ticks(self.scale.value(), *self._scale_range))
        step = (self._shift_range[1] - self._shift_range[0]) / TICKS
        center = 0.0 if abs(center) < step / 2 else float(f"{center:.3g}")
        scale = 1.0 if abs(math.log(scale)) < (self._scale_range[1] - self._scale_range[0]) / TICKS / 2 \
            else float(f"{scale:.3g}")
        if center == 0.0 and scale == 1.0:
            return RAW
        return XTransform(center, scale, "custom")

    # --- changes ----------------------------------------------------------------------
    def _on_slider(self, _value: int) -> None:
        transform = self.slider_transform()
        if self.shift.isSliderDown() or self.scale.isSliderDown():
            self.transform_moved.emit(transform)
        else:  # a key or a click on the groove: one finished change
            self.transform_chosen.emit(transform, "Shift and scale x")

    def choose(self, kind: str) -> None:
        """Raw, centred or standardised x (as the buttons do)."""
        _transform, raw, _trained = self.current()
        transform = {"none": RAW, "center": centred(raw), "standardize": standardised(raw)}[kind]
        text = {"none": "Raw x", "center": "Centre x", "standardize": "Standardise x"}[kind]
        self.transform_chosen.emit(transform, text)
        self.show_current()  # a button that changed nothing stays as it was

    def show_current(self) -> None:
        """Follow the transform in use (after a change, an undo, new data or a session)."""
        transform, raw, trained = self.current()
        if not (self.shift.isSliderDown() or self.scale.isSliderDown()):
            self._set_ranges(raw, transform)
            for slider, value in ((self.shift, self._to_ticks(transform.center, *self._shift_range)),
                                  (self.scale, self._to_ticks(math.log(transform.scale), *self._scale_range))):
                slider.blockSignals(True)
                slider.setValue(int(np.clip(value, 0, TICKS)))
                slider.blockSignals(False)
        self.group.setExclusive(False)
        for kind, button in self.buttons.items():
            button.setChecked(kind == transform.kind or (kind == "none" and transform.identity))
        self.group.setExclusive(True)
        self.shift_value.setText(f"{transform.center:.4g}")
        self.scale_value.setText(f"{transform.scale:.4g}")
        raw_note = "" if transform.identity else f"<br>on raw x: {html.escape(valley_numbers(raw).split(' · ')[0])}"
        self.numbers.setText(f"<b>{html.escape(transform.formula())}</b><br>"
                             f"{html.escape(valley_numbers(trained))}{raw_note}")

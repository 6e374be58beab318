"""Playback controls: Play/Pause, Step, Step epoch, Reset buttons and the speed slider."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from gdviewer.ui.controls.fitting_label import FittingLabel

#: Speed settings in steps per second; 0 is "as fast as possible".
SPEEDS: tuple[float, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 0)
#: A fresh start's speed, in steps per second per run: a class can follow it. The tutorial's
#: batch GD (20 steps) takes 2 s and every stochastic step is seen; max speed is one click away.
DEFAULT_SPEED = 10.0


def speed_texts(speed: float, runs: int = 1) -> tuple[str, ...]:
    """The speed's label, then shorter forms for a crowded toolbar."""
    if speed == 0:
        return ("max speed", "max")
    if runs > 1:
        return (f"{speed:g} steps/s per run", f"{speed:g}/s per run", f"{speed:g}/s")
    return (f"{speed:g} steps/s", f"{speed:g}/s")


class PlaybackControls(QWidget):
    """Buttons bound to the window's actions, plus a speed slider (few/s … max)."""

    speed_changed = Signal(float)

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QToolButton] = []
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setMinimumWidth(64)
            row.addWidget(button)
            self.buttons.append(button)
        row.addSpacing(12)
        row.addWidget(QLabel("Speed"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, len(SPEEDS) - 1)
        self.slider.setPageStep(1)
        self.slider.setMinimumWidth(140)
        self.slider.setAccessibleName("Training speed")
        self.slider.setToolTip("Steps per second: slow to watch single updates, max to train at full speed")
        self.label = FittingLabel()
        self.max_button = QToolButton()
        self.max_button.setText("Max")
        self.max_button.setCheckable(True)
        self.max_button.setToolTip("Train as fast as possible; click again for the speed before")
        self.max_button.setAccessibleName("Max speed")
        self.max_button.clicked.connect(self._on_max)
        row.addWidget(self.slider)
        row.addWidget(self.label)
        row.addWidget(self.max_button)
        self._runs = 1
        self._before_max = DEFAULT_SPEED
        self.slider.valueChanged.connect(self._on_slider)
        self.set_speed(DEFAULT_SPEED)

    @property
    def speed(self) -> float:
        return SPEEDS[self.slider.value()]

    def set_speed(self, speed: float) -> None:
        """Select the setting closest to ``speed`` (0 = max)."""
        if speed <= 0:
            index = len(SPEEDS) - 1
        else:
            finite = [(abs(s - speed), i) for i, s in enumerate(SPEEDS) if s > 0]
            index = min(finite)[1]
        if self.slider.value() == index:
            self._on_slider(index)
        self.slider.setValue(index)

    def set_run_count(self, runs: int) -> None:
        """With several runs racing, the speed is each run's: the label says so."""
        self._runs = runs
        self.label.set_texts(*speed_texts(self.speed, runs))

    def _on_max(self, checked: bool) -> None:
        if checked:
            self._before_max = self.speed or DEFAULT_SPEED
            self.set_speed(0)
        else:
            self.set_speed(self._before_max)

    def _on_slider(self, index: int) -> None:
        speed = SPEEDS[index]
        self.label.set_texts(*speed_texts(speed, self._runs))
        self.max_button.setChecked(speed == 0)
        self.speed_changed.emit(float(speed))

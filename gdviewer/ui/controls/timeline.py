"""The timeline: a scrubber over the steps of the run, to replay any moment."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QWidget

from gdviewer.ui.session import RUNNING, Session


class FittingLabel(QLabel):
    """A label that shows the longest of its texts that fits its width (a narrow window gets
    "step 20/20" rather than a cut "step 20 of 20 · epoch 2"); the longest is its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts: tuple[str, ...] = ("",)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_texts(self, *texts: str) -> None:
        """Texts from the longest to the shortest."""
        if texts != self._texts:
            self._texts = texts
            self.setToolTip(texts[0])
            self.updateGeometry()
            self._choose()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._texts[0]) + 8, hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._texts[-1]) + 8, hint.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._choose()

    def _choose(self) -> None:
        room = self.width() - 4
        metrics = self.fontMetrics()
        text = next((t for t in self._texts if metrics.horizontalAdvance(t) <= room), self._texts[-1])
        if text != self.text():
            self.setText(text)


class Timeline(QWidget):
    """A slider from step 0 to the live end; dragging shows that step in every panel."""

    moved = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Timeline")
        self.slider.setToolTip("Drag to replay any step of a paused or finished run (← and → move it "
                               "when paused); Play continues from the live end")
        self.slider.setRange(0, 0)
        self.slider.setMinimumWidth(80)  # a usable slider even in a narrow window
        self.label = FittingLabel()
        self.live_button = QPushButton("Live")
        self.live_button.setToolTip("Back to the latest step")
        self.live_button.clicked.connect(lambda: session.set_view_step(None))
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(QLabel("Timeline"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        row.addWidget(self.live_button)
        self.slider.valueChanged.connect(self._on_value)
        self._syncing = False
        self.sync()

    def sync(self) -> None:
        """Follow the session: range up to the live end, handle at the shown step."""
        s = self.session
        n = len(s.history)
        self._syncing = True
        try:
            self.slider.setRange(0, n)
            self.slider.setValue(s.shown_steps)
        finally:
            self._syncing = False
        spe = s.steps_per_epoch
        k = s.shown_steps
        epoch = (k - 1) // spe + 1 if k else 0
        where = "live" if s.view_step is None else "replay"
        self.label.set_texts(f"step {k:,} of {n:,} · epoch {epoch} ({where})",
                             f"step {k:,}/{n:,} · epoch {epoch}", f"step {k:,}/{n:,}")
        self.live_button.setEnabled(s.view_step is not None)
        self.slider.setEnabled(n > 0)

    def _on_value(self, value: int) -> None:
        if self._syncing:
            return
        if self.session.state == RUNNING and value >= len(self.session.history):
            return
        self.session.set_view_step(value)
        self.moved.emit(value)

"""The timeline: a scrubber over the steps of the run, to replay any moment."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from gdviewer.ui.controls.fitting_label import FittingLabel
from gdviewer.ui.paced_text import PacedText, streaming
from gdviewer.ui.session import RUNNING, Session


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
        self._texts = PacedText(self.label.set_texts)
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
        moment = s.moment()
        k = moment.shown_steps
        epoch = moment.shown_epoch
        where = "live" if s.view_step is None else "replay"
        texts = (f"step {k:,} of {n:,} · epoch {epoch} ({where})", f"step {k:,}/{n:,} · epoch {epoch}",
                 f"step {k:,}/{n:,}")
        self._texts.set(*texts, live=streaming(moment))
        self.live_button.setEnabled(s.view_step is not None)
        self.slider.setEnabled(n > 0)

    def _on_value(self, value: int) -> None:
        if self._syncing:
            return
        if self.session.state == RUNNING and value >= len(self.session.history):
            return
        self.session.set_view_step(value)
        self.moved.emit(value)

"""The status bar: the shown step's state, epoch, step, loss, w and b as permanent fields, a
loading bar, and passing messages, which the fields that repeat the readouts make room for."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from gdviewer.ui.paced_text import PacedText, streaming
from gdviewer.ui.session import Session


class StatusLine:
    """The status bar's permanent fields (state, epoch, step, loss, w, b) and the loading bar."""

    KEYS = ("state", "epoch", "step", "loss", "w", "b")
    #: Hidden, in this order, while a passing message would not fit beside them (a projector's
    #: 1024 px in presentation mode cut "…full-data loss 54.97" to "…full-data los"); the
    #: readouts show them all the time.
    GIVE_WAY = ("b", "w", "loss", "epoch")
    #: Room a message needs besides its text: the bar's margins and the gaps between fields.
    MESSAGE_MARGIN_PX = 32

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFixedWidth(140)
        self.progress.setAccessibleName("Loading progress")
        # showing it must not re-lay out the window (that would repaint every panel)
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.progress.hide()
        bar.addPermanentWidget(self.progress)
        self.labels: dict[str, QLabel] = {}
        self._texts: dict[str, PacedText] = {}
        for key in self.KEYS:
            label = QLabel()
            label.setAccessibleName(f"Status {key}")
            label.setMinimumWidth(70)
            self.labels[key] = label
            self._texts[key] = PacedText(label.setText)
            bar.addPermanentWidget(label)
        bar.messageChanged.connect(self.make_room)

    def say(self, text: str, ms: int = 5000) -> None:
        """A passing message."""
        self.bar.showMessage(text, ms)

    def make_room(self, message: str) -> None:
        """All fields back when no message shows; else the GIVE_WAY ones hidden, one by one,
        until the message fits beside the rest."""
        for key in self.GIVE_WAY:
            self.labels[key].show()
        self.fit(message)

    def fit(self, message: str) -> None:
        """Hide GIVE_WAY fields until ``message`` fits (none shown again: no flicker while the
        fields' numbers change width or the window is resized under a message)."""
        if not message:
            return
        needed = self.bar.fontMetrics().horizontalAdvance(message) + self.MESSAGE_MARGIN_PX
        spacing = self.bar.layout().spacing()
        for key in self.GIVE_WAY:
            taken = sum(max(w.sizeHint().width(), w.minimumWidth()) + spacing
                        for w in (self.progress, *self.labels.values()) if w is self.progress or not w.isHidden())
            if self.bar.width() - taken >= needed:
                return
            self.labels[key].hide()

    def show_state(self, session: Session) -> None:
        replay = " (replay)" if session.view_step is not None else ""
        self._texts["state"].set(session.state.capitalize() + replay, live=False)

    def update(self, session: Session) -> None:
        """The shown step's numbers."""
        s = session.moment()
        n = s.shown_steps
        epoch = s.shown_epoch
        w, b = s.params
        loss = float(s.surface.loss(w, b)) if math.isfinite(w) and math.isfinite(b) else math.inf
        self.show_state(session)
        live = streaming(s)
        for key, text in (("epoch", f"Epoch {epoch}/{s.run_config.epochs}"), ("step", f"Step {n:,}/{s.total_steps:,}"),
                          ("loss", f"Loss {loss:.5g}"), ("w", f"w {w:.5g}"), ("b", f"b {b:.5g}")):
            self._texts[key].set(text, live=live)
        self.fit(self.bar.currentMessage())  # wider numbers, or a narrower window, under a message

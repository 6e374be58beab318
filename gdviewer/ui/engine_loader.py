"""Warming the training process, after the window's first paint.

Training runs in a child process (``core/training_process.py``) that takes about 1.5 s to
start and import torch. The window opens and paints without it; the child is started once
the surface has painted (started before, it competed with the first paint), and a plain
thread waits for its "ready". Play before that simply queues: the child trains as soon as it
is up. The window's own process never imports torch for training.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from gdviewer.core.training_process import POOL

#: How long the loader waits for a child to start (a cold disk can take a while).
READY_TIMEOUT_S = 120.0


class EngineLoader(QObject):
    """``ready`` is emitted (on the GUI thread) once the training process is warm."""

    ready = Signal()
    _loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.is_ready = False
        self._loading = False
        self._exiting = False
        self._loaded.connect(self._on_loaded)

    def load_in_background(self) -> None:
        """Start the training process and wait for it in a thread (a second call does nothing)."""
        if self.is_ready or self._loading:
            return
        self._loading = True
        process = POOL.prewarm()

        def load() -> None:
            if process.wait_ready(READY_TIMEOUT_S) and not self._exiting:
                self._loaded.emit()  # queued to the GUI thread

        threading.Thread(target=load, name="gdviewer-warm-training", daemon=True).start()

    def load_after_first_paint(self, widget: QWidget, fallback_ms: int = 1000) -> None:
        """Start loading once ``widget`` has painted, or after ``fallback_ms``."""
        on_first_paint(widget, lambda: QTimer.singleShot(0, self.load_in_background))
        QTimer.singleShot(fallback_ms, self.load_in_background)

    def close(self) -> None:
        """At exit: say nothing more (the thread that waits is a daemon and holds nothing
        the interpreter's shutdown needs)."""
        self._exiting = True

    def _on_loaded(self) -> None:
        if not self.is_ready:
            self.is_ready = True
            self.ready.emit()


def on_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call ``callback()`` (quick: it runs inside the paint event) when ``widget`` first paints."""

    class FirstPaint(QObject):
        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                callback()
            return False

    widget.installEventFilter(FirstPaint(widget))

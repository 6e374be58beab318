"""Loading torch off the GUI thread, after the window's first paint.

torch takes about a second to import. The window opens and paints without it; the import
then runs in a plain thread (it holds the GIL most of the time, so it starts only once the
surface has painted: a first paint competing with it took 0.25 s longer, 0.54 s → 0.81 s).
Play before it finishes simply waits for it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget


class EngineLoader(QObject):
    """``ready`` is emitted (on the GUI thread) once torch and the trainer are imported."""

    ready = Signal()
    _loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.is_ready = "gdviewer.core.trainer" in sys.modules
        self._loading = False
        self._thread: threading.Thread | None = None
        self._exiting = False
        self._loaded.connect(self._on_loaded)

    def load_in_background(self) -> None:
        """Import torch and the trainer in a thread (a second call does nothing)."""
        if self.is_ready or self._loading:
            return
        self._loading = True

        def load() -> None:
            try:
                import gdviewer.core.trainer
                import gdviewer.ui.worker  # noqa: F401
            except Exception:
                if self._exiting:
                    return  # the app quit while torch was importing: nothing needs it any more
                raise
            self._loaded.emit()  # queued to the GUI thread

        self._thread = threading.Thread(target=load, name="gdviewer-import-torch", daemon=True)
        self._thread.start()

    def load_after_first_paint(self, widget: QWidget, fallback_ms: int = 1000) -> None:
        """Start loading once ``widget`` has painted, or after ``fallback_ms``."""
        on_first_paint(widget, lambda: QTimer.singleShot(0, self.load_in_background))
        QTimer.singleShot(fallback_ms, self.load_in_background)

    def wait(self, timeout_s: float = 0.3) -> bool:
        """At exit: give a torch import still running a moment to finish. True if none runs
        (else the caller leaves without the interpreter's shutdown, see app.run_app; should
        the import still fail first, it does so quietly)."""
        self._exiting = True
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        return thread is None or not thread.is_alive()

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

"""Run one function in a QThread (worker-object pattern) and get its result as a signal.

For work that is training too (the learning-rate sweep): the GUI thread never runs it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

STOP_TIMEOUT_MS = 5000


class _CallWorker(QObject):
    done = Signal(object)
    failed = Signal(str, str)

    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self.function = function

    @Slot()
    def run(self) -> None:
        try:
            result = self.function()
        except Exception as exc:  # reported to the GUI, never lost in the thread
            self.failed.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.done.emit(result)


class BackgroundCall(QObject):
    """One call at a time; ``done(result)`` or ``failed(message, details)`` when it ends."""

    done = Signal(object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _CallWorker | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, function: Callable[[], Any]) -> None:
        self.stop()
        worker = _CallWorker(function)
        thread = QThread()
        thread.setObjectName("gdviewer-background")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.done.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        self._worker, self._thread = worker, thread
        thread.start()

    def stop(self) -> None:
        """Forget the current call and wait (bounded) for its thread to end."""
        thread = self._thread
        self._worker = self._thread = None
        if thread is not None:
            thread.quit()
            thread.wait(STOP_TIMEOUT_MS)

    def _finish(self) -> None:
        thread = self._thread
        self._worker = self._thread = None
        if thread is not None:
            thread.quit()
            thread.wait(STOP_TIMEOUT_MS)

    @Slot(object)
    def _on_done(self, result: object) -> None:
        if self.sender() is self._worker and self._worker is not None:
            self._finish()
            self.done.emit(result)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        if self.sender() is self._worker and self._worker is not None:
            self._finish()
            self.failed.emit(message, details)

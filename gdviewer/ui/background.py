"""Run one function in a QThread (worker-object pattern) and get its result as a signal.

For work that must not run in the GUI thread: the learning-rate sweep (training) and
loading a data file. The function receives a ``report(fraction)`` callback for progress;
after :meth:`BackgroundCall.cancel` that callback raises :class:`Cancelled`, so a function
that reports now and then stops at its next report.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

STOP_TIMEOUT_MS = 5000

#: Threads whose call did not stop in time: kept referenced until they end, because a
#: QThread destroyed while running aborts the process.
_draining: list[QThread] = []
#: Progress is sent only when it moved by at least this much (a signal per row would flood).
PROGRESS_STEP = 0.02


class Cancelled(Exception):
    """Raised inside the function by its progress callback once the call was cancelled."""


class _CallWorker(QObject):
    # Each signal carries the call's generation: a late signal of a replaced call is known by
    # it (``sender()`` cannot tell once the old worker is deleted and its address reused).
    progress = Signal(int, float)
    done = Signal(int, object)
    failed = Signal(int, str, str)
    cancelled_ = Signal(int)

    def __init__(self, function: Callable[[Callable[[float], None]], Any], generation: int) -> None:
        super().__init__()
        self.function = function
        self.generation = generation
        self.cancelled = False
        self._last = -1.0

    def report(self, fraction: float) -> None:
        if self.cancelled:
            raise Cancelled
        if fraction - self._last >= PROGRESS_STEP or fraction >= 1.0:
            self._last = fraction
            self.progress.emit(self.generation, fraction)

    @Slot()
    def run(self) -> None:
        try:
            result = self.function(self.report)
        except Cancelled:
            self.cancelled_.emit(self.generation)
        except Exception as exc:  # reported to the GUI, never lost in the thread
            self.failed.emit(self.generation, f"{type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.done.emit(self.generation, result)


def _keep_until_finished(thread: QThread, worker: QObject | None) -> None:
    _draining.append(thread)
    thread._gdviewer_worker = worker  # the worker too: it lives in that thread
    thread.finished.connect(lambda t=thread: _draining.remove(t) if t in _draining else None)


def start_in_thread(worker: QObject, name: str) -> QThread:
    """Move ``worker`` to a new QThread named ``name`` and start it running ``worker.run``
    (the worker-object pattern). Connect the worker's signals before calling this."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    thread.start()
    return thread


def stop_thread(thread: QThread, worker: QObject | None, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
    """End ``thread``'s event loop and wait for it at most ``timeout_ms``; True if it ended.

    The one way gdviewer stops a worker thread (training, sweeps, file loading): a thread
    that overruns (its function is between two cancellation checks) is kept referenced, with
    its worker, until it ends, because a QThread destroyed while running aborts the process.
    """
    thread.quit()
    if thread.wait(timeout_ms):
        return True
    _keep_until_finished(thread, worker)
    return False


def wait_for_background_threads(timeout_ms: int = 30000) -> bool:
    """Wait for threads that outlived their call (at exit); True if none is left running."""
    for thread in list(_draining):
        thread.wait(timeout_ms)
    return not any(t.isRunning() for t in _draining)


class BackgroundCall(QObject):
    """One call at a time; ``done(result)`` or ``failed(message, details)`` when it ends."""

    progress = Signal(float)
    done = Signal(object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _CallWorker | None = None
        self._generation = 0

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, function: Callable[[Callable[[float], None]], Any]) -> None:
        """Call ``function(report)`` in a new thread (cancelling any call still running)."""
        self.stop()
        self._generation += 1
        worker = _CallWorker(function, self._generation)
        worker.progress.connect(self._on_progress)
        worker.done.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        worker.cancelled_.connect(self._on_cancelled)
        self._worker = worker
        self._thread = start_in_thread(worker, "gdviewer-background")

    def stop(self) -> None:
        """Cancel the current call (if any), forget it, and wait (bounded) for its thread."""
        worker, thread = self._worker, self._thread
        self._worker = self._thread = None
        if worker is not None:
            worker.cancelled = True
        if thread is not None:
            stop_thread(thread, worker)

    cancel = stop

    def _finish(self) -> None:
        worker, thread = self._worker, self._thread
        self._worker = self._thread = None
        if thread is not None:
            stop_thread(thread, worker)

    def _current(self, generation: int) -> bool:
        return self._worker is not None and generation == self._generation

    @Slot(int, float)
    def _on_progress(self, generation: int, fraction: float) -> None:
        if self._current(generation):
            self.progress.emit(fraction)

    @Slot(int, object)
    def _on_done(self, generation: int, result: object) -> None:
        if self._current(generation):
            self._finish()
            self.done.emit(result)

    @Slot(int, str, str)
    def _on_failed(self, generation: int, message: str, details: str) -> None:
        if self._current(generation):
            self._finish()
            self.failed.emit(message, details)

    @Slot(int)
    def _on_cancelled(self, generation: int) -> None:
        if self._current(generation):
            self._finish()

"""The training thread: one TrainingWorker in one QThread at a time, and the generations that
keep a replaced worker's late signals out.

Why a part of its own: the session decides *what* trains (the runs, their states); this
decides *how* it runs off the GUI thread: start, pause, steps, speed, stop within
STOP_TIMEOUT_MS, and threads that did not stop in time kept until they do (closing waits for
them, so no thread outlives the window).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gdviewer.core.history import Chunk
from gdviewer.ui.background import start_in_thread, stop_thread

if TYPE_CHECKING:
    from gdviewer.core.race import Race
    from gdviewer.ui.worker import TrainingWorker

#: How long stopping waits for the worker thread (it stops within one step).
STOP_TIMEOUT_MS = 2000


class TrainingThread(QObject):
    """``chunks(dict)``, ``finished(status, message)`` and ``failed(message, details)`` come
    from the current worker only."""

    chunks = Signal(object)
    finished = Signal(str, str)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.race: Race | None = None
        self._worker: TrainingWorker | None = None
        self._thread: QThread | None = None
        self._generation = 0
        self._draining: list[QThread] = []

    @property
    def active(self) -> bool:
        """A worker is there (running or paused)."""
        return self._worker is not None

    @property
    def running(self) -> bool:
        """A thread is still alive (the current one, or one that did not stop in time)."""
        return (self._thread is not None and self._thread.isRunning()) or any(t.isRunning() for t in self._draining)

    def start(self, race: Race, paused: bool, speed: float) -> None:
        # imported here: torch loads in the background after the window shows (app.py)
        from gdviewer.ui.worker import TrainingWorker

        self.race = race
        self._generation += 1
        worker = TrainingWorker(race, paused=paused, speed=speed, generation=self._generation)
        worker.chunk_ready.connect(self._on_chunk)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._worker = worker
        self._thread = start_in_thread(worker, "gdviewer-training")

    def set_paused(self, paused: bool) -> None:
        if self._worker is not None:
            self._worker.set_paused(paused)

    def request_steps(self, n: int) -> None:
        if self._worker is not None:
            self._worker.request_steps(n)

    def set_speed(self, steps_per_second: float) -> None:
        if self._worker is not None:
            self._worker.set_speed(steps_per_second)

    def stop(self) -> Race | None:
        """Stop the worker and its thread; returns the race it was running (None if none)."""
        worker, thread = self._worker, self._thread
        self._worker = self._thread = None
        race, self.race = self.race, None
        if worker is not None and thread is not None:
            worker.request_stop()
            if not stop_thread(thread, worker, STOP_TIMEOUT_MS):
                self._draining.append(thread)  # (stop_thread keeps it alive; this is for `running`)
        return race if worker is not None else None

    def shutdown(self) -> bool:
        """Stop, and wait for every thread that has not stopped yet; True if all stopped."""
        self.stop()
        for thread in self._draining:
            thread.wait(STOP_TIMEOUT_MS)
        self._draining = [t for t in self._draining if t.isRunning()]
        return not self._draining

    def _is_current(self, generation: int) -> bool:
        return self._worker is not None and generation == self._generation

    @Slot(int, object)
    def _on_chunk(self, generation: int, chunks: dict[int, Chunk]) -> None:
        if self._is_current(generation):  # else: a late chunk of a race that was reset
            self.chunks.emit(chunks)

    @Slot(int, str, str)
    def _on_finished(self, generation: int, status: str, message: str) -> None:
        if self._is_current(generation):
            self.finished.emit(status, message)

    @Slot(int, str, str)
    def _on_failed(self, generation: int, message: str, details: str) -> None:
        if self._is_current(generation):
            self.failed.emit(message, details)

"""TrainingWorker: drives a Trainer inside a QThread and streams coalesced chunks.

Worker-object pattern: the worker is created without a parent in the GUI thread, moved to
a QThread, and started by ``thread.started``. Commands (stop, pause, step budget, speed) are
plain thread-safe fields and a ``threading.Event`` read between steps, never queued slots:
a queued slot would not run while the loop is busy. Steps are emitted in chunks at most
``1 / max_emit_rate`` apart (and always at pause, stop and finish), so one signal carries
many steps and the GUI event loop is never flooded.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback

from PySide6.QtCore import QObject, Signal, Slot

from gdviewer.core.race import Race

#: Chunks per second at most; the screen cannot show more.
MAX_EMIT_RATE = 60.0


class TrainingWorker(QObject):
    """Runs a race of trainers step by step until it ends, is stopped, or waits while paused."""

    # Every signal carries the worker's generation: a late signal from a worker that was
    # replaced is recognised by it (``sender()`` is not reliable once the sender is deleted,
    # as a new worker may be allocated at the same address).
    chunk_ready = Signal(int, object)  # generation, {run index: gdviewer.core.history.Chunk}
    finished = Signal(int, str, str)  # generation, final status value, message
    failed = Signal(int, str, str)  # generation, message, traceback

    def __init__(self, trainer: Race, paused: bool = False, speed: float = 0.0, generation: int = 0) -> None:
        super().__init__()
        self.generation = generation
        self.trainer = trainer
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self._paused = paused
        self._budget = 0
        self._speed = speed
        self._min_emit_interval = 1.0 / MAX_EMIT_RATE
        self.waiting = False  # True while paused with nothing left to send

    # --- commands, callable from any thread ------------------------------------------
    def request_stop(self) -> None:
        with self._lock:
            self._stop = True
        self._wake.set()

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            if not paused:
                self._budget = 0
        self._wake.set()

    def request_steps(self, n: int) -> None:
        """Take ``n`` more steps while paused (Step, Step epoch)."""
        with self._lock:
            self._budget += max(0, int(n))
        self._wake.set()

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; 0 means as fast as possible."""
        with self._lock:
            self._speed = max(0.0, float(steps_per_second))
        self._wake.set()

    # --- the loop (runs in the worker thread) -------------------------------------------
    @Slot()
    def run(self) -> None:
        import torch

        torch.set_num_threads(1)  # only affects this thread; one core stays with the GUI
        trainer = self.trainer
        last_emit = time.perf_counter()
        next_step_at = last_emit
        try:
            while True:
                with self._lock:
                    stop, paused, budget, speed = self._stop, self._paused, self._budget, self._speed
                if stop or trainer.done:
                    break
                now = time.perf_counter()
                if paused and budget == 0:
                    self._flush()
                    self.waiting = True  # every step taken so far has been sent
                    self._wake.wait(0.25)
                    self._wake.clear()
                    next_step_at = time.perf_counter()
                    continue
                if speed > 0 and budget == 0:
                    if now < next_step_at:
                        if now - last_emit >= self._min_emit_interval:
                            self._flush()
                            last_emit = now
                        self._wake.wait(min(next_step_at - now, 0.25))
                        self._wake.clear()
                        continue
                    next_step_at = max(next_step_at + 1.0 / speed, now - 0.1)
                self.waiting = False
                trainer.step()
                if budget > 0:
                    with self._lock:
                        self._budget = max(0, self._budget - 1)
                now = time.perf_counter()
                slow = 0 < speed <= MAX_EMIT_RATE and budget == 0  # every step is a frame
                if slow or now - last_emit >= self._min_emit_interval:
                    self._flush()
                    last_emit = now
                    time.sleep(0)  # let the GUI thread take the GIL once per chunk
            if self._stop and not trainer.done:
                trainer.stop()
            self._flush()
            self.finished.emit(self.generation, trainer.status.value, trainer.message)
        except Exception as exc:  # reported to the GUI; the thread still ends cleanly
            with contextlib.suppress(Exception):
                self._flush()
            self.failed.emit(self.generation, f"{type(exc).__name__}: {exc}", traceback.format_exc())

    def _flush(self) -> None:
        chunk = self.trainer.take_chunk()
        if chunk is not None:
            self.chunk_ready.emit(self.generation, chunk)

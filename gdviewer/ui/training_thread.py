"""The training thread: the window's one bridge to training.

Training runs in a warm child process (``core/training_process.py``); a QThread receives
what it sends (``ui/worker.py``), and the generations keep a replaced race's late messages
out. Why a part of its own: the session decides *what* trains (the runs, their states); this
decides *how*: start, pause, steps, speed, stop within STOP_TIMEOUT_MS, and a process that
died or did not stop in time replaced by a fresh one at the next start. Commands given
before the child is warm wait here, so a race reset before it began costs nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gdviewer.core.config import RunConfig
from gdviewer.core.data import Dataset
from gdviewer.core.training_process import POOL, ProcessPool, TrainingProcess
from gdviewer.ui.background import start_in_thread, stop_thread
from gdviewer.ui.worker import ResultReceiver

#: How long stopping waits for the race to end (the child stops within one step).
STOP_TIMEOUT_MS = 2000

_keys = itertools.count(1)
_tokens = itertools.count(1)


def transfer_key(dataset: Dataset) -> int:
    """A number that names ``dataset`` for the child (sent once, reused while it is current)."""
    key = getattr(dataset, "_transfer_key", None)
    if key is None:
        key = next(_keys)
        dataset._transfer_key = key
    return key


class TrainingThread(QObject):
    """``chunks(dict)``, ``finished(status, message, runs)`` and ``failed(message, details)``
    come from the current race only."""

    chunks = Signal(object)
    finished = Signal(str, str, object)
    failed = Signal(str, str)
    steered = Signal(int, object)  # run index, the RunChange as the child applied it
    steer_refused = Signal(int, str)  # run index, why

    def __init__(self, parent: QObject | None = None, pool: ProcessPool = POOL) -> None:
        super().__init__(parent)
        self.pool = pool
        self._process: TrainingProcess | None = None
        self._receiver: ResultReceiver | None = None
        self._thread: QThread | None = None
        self._ready = False
        self._queue: list[tuple] = []  # commands waiting for the child to be warm
        self._generation = 0
        self._active = False
        #: The speed last asked for (steps per second for all runs together; 0: full speed).
        self.speed = 0.0
        #: Paused with every step received (the child said so; a step or play clears it).
        self.waiting = False

    @property
    def active(self) -> bool:
        """A race is there (running or paused); a stopped one has ended before stop returns."""
        return self._active

    @property
    def process(self) -> TrainingProcess | None:
        """The child this window trains in (None before the first race)."""
        return self._process

    # --- the process --------------------------------------------------------------------
    def _attach(self) -> None:
        """A live process with its receiving thread."""
        if self._process is not None and self._process.alive and self._thread is not None:
            return
        self._detach(release=False)
        process = self.pool.acquire()
        receiver = ResultReceiver(process, next(_tokens))
        receiver.received.connect(self._on_message)
        receiver.ready.connect(self._on_ready)
        receiver.lost.connect(self._on_lost)
        self._process, self._receiver, self._ready = process, receiver, False
        self._thread = start_in_thread(receiver, "gdviewer-training")

    def _detach(self, release: bool) -> None:
        """Let go of the process: back to the pool once the child confirms (``release``),
        else closed; the receiving thread ends either way."""
        process, receiver, thread = self._process, self._receiver, self._thread
        self._process = self._receiver = self._thread = None
        self._queue.clear()
        if process is None:
            return
        if release and self._ready and process.send("release", receiver.release_token) \
                and receiver.done.wait(STOP_TIMEOUT_MS / 1000):
            self.pool.release(process)
        else:
            process.close()  # its pipe closes: the receiver reads end-of-file and ends
        if thread is not None:
            stop_thread(thread, receiver, STOP_TIMEOUT_MS)

    def _send(self, *message: object) -> None:
        if not self._ready:
            self._queue.append(message)
        elif self._process is None:
            return
        elif message[0] == "data":
            self._process.send_data(*message[1:])  # once per data set and process
        else:
            self._process.send(*message)

    # --- a race -------------------------------------------------------------------------
    def start(self, dataset: Dataset, configs: Sequence[RunConfig], clock: str, paused: bool, speed: float) -> None:
        self.stop()
        self._attach()
        self._generation += 1
        self._active, self.speed, self.waiting = True, speed, False
        key = transfer_key(dataset)
        self._send("data", key, dataset.x, dataset.y)
        self._send("start", self._generation, key, list(configs), clock, paused, speed)

    def set_paused(self, paused: bool) -> None:
        if self._active:
            self.waiting = self.waiting and paused
            self._send("pause", self._generation, paused)

    def request_steps(self, n: int) -> None:
        if self._active:
            self.waiting = False
            self._send("steps", self._generation, int(n))

    def request_epoch(self) -> None:
        """Every live run to the end of its current epoch (the child knows where they are)."""
        if self._active:
            self.waiting = False
            self._send("epoch", self._generation)

    def pause_at(self, steps: int) -> None:
        """Play at the set speed and pause once the race has taken ``steps`` steps in all."""
        if self._active:
            self.waiting = False
            self._send("pause_at", self._generation, int(steps))

    def steer(self, index: int, field: str, value: float) -> None:
        """Set ``field`` of run ``index`` from its next step on (the child answers ``steered``)."""
        if self._active:
            self._send("steer", self._generation, int(index), field, float(value))

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = float(steps_per_second)
        if self._active:
            self._send("speed", self._generation, self.speed)

    def stop(self) -> list[tuple[str, str]] | None:
        """End the race; returns each run's (status, message) as the child left them (None if
        no race was on or it never began; a child that does not answer in time is replaced)."""
        if not self._active:
            return None
        self._active = False
        if not self._ready:  # the child is not warm yet: the race never began
            self._queue = [m for m in self._queue if m[0] == "data"]
            return None
        receiver = self._receiver
        self._send("stop", self._generation)
        if receiver is None or not receiver.wait_for_end(self._generation, STOP_TIMEOUT_MS / 1000):
            self._detach(release=False)
            return None
        return receiver.ended_runs

    def shutdown(self) -> bool:
        """Stop, and give the process back to the pool; True once nothing runs."""
        self.stop()
        self._detach(release=True)
        return not self._active

    # --- what the child sends -------------------------------------------------------------
    @Slot()
    def _on_ready(self) -> None:
        if self.sender() is not self._receiver:
            return  # a receiver let go of
        self._ready = True
        queue, self._queue = self._queue, []
        for message in queue:
            self._send(*message)

    @Slot(object)
    def _on_message(self, message: tuple) -> None:
        if self.sender() is not self._receiver or not self._active or message[1] != self._generation:
            return  # a late message of a race that was reset, or of a process let go of
        kind = message[0]
        if kind == "chunk":
            self.chunks.emit(message[2])
        elif kind == "idle":
            self.waiting = True
        elif kind == "steered":
            self.steered.emit(message[2], message[3])
        elif kind == "steer_refused":
            self.steer_refused.emit(message[2], message[3])
        elif kind == "end":
            _, _, status, text, runs, details = message
            self._active = False
            if status == "failed":
                self.failed.emit(text, details)
            else:
                self.finished.emit(status, text, runs)

    @Slot()
    def _on_lost(self) -> None:
        if self.sender() is not self._receiver:
            return
        code = self._process.exitcode if self._process is not None else None
        was_active = self._active
        self._active = False
        self._detach(release=False)
        if was_active:
            self.failed.emit(f"the training process stopped unexpectedly (exit code {code}); "
                             "press Play to train again", "")

"""ResultReceiver: the QThread that reads what the training process sends.

Worker-object pattern: the receiver is created without a parent in the GUI thread, moved to
a QThread, and started by ``thread.started``. Its loop blocks on the result pipe (no GIL is
held while it waits) and hands every message to the GUI thread as a signal; the GUI side
(``ui/training_thread.py``) keeps what belongs to the current race. It serves one window's
use of one process: it ends when the child confirms a ``release`` (the process goes back to
the pool) or when the process dies (end-of-file on the pipe). The child sends at most
MAX_EMIT_RATE chunks a second, so the GUI event loop is never flooded.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from gdviewer.core.training_process import TrainingProcess


class ResultReceiver(QObject):
    """Reads a training process's messages until it is released or dies."""

    received = Signal(object)  # a message: ("chunk", generation, chunks), ("idle", g), ("end", g, ...)
    ready = Signal()  # the child is warm: commands can be sent
    lost = Signal()  # the process died

    def __init__(self, process: TrainingProcess, release_token: int) -> None:
        super().__init__()
        self.process = process
        self.release_token = release_token
        self._ended = threading.Condition()
        #: The last race whose end arrived, and its runs' (status, message): read by a
        #: ``stop`` waiting on the GUI thread, so they are set here before any signal.
        self.ended_generation = -1
        self.ended_runs: list[tuple[str, str]] | None = None
        #: Set when the loop has returned (released, or the process died).
        self.done = threading.Event()

    def wait_for_end(self, generation: int, timeout_s: float) -> bool:
        """Block until the race ``generation`` has ended (True) or ``timeout_s`` passed."""
        with self._ended:
            return self._ended.wait_for(lambda: self.ended_generation >= generation, timeout_s)

    @Slot()
    def run(self) -> None:
        try:
            self._read()
        finally:
            self.done.set()

    def _read(self) -> None:
        if self.process.ready.is_set():
            self.ready.emit()
        while True:
            try:
                message = self.process.recv()
            except (EOFError, OSError):
                self._note_end(10**9, None)  # nothing more will come: no stop waits in vain
                self.lost.emit()
                return
            kind = message[0]
            if kind == "ready":
                self.ready.emit()
            elif kind == "released" and message[1] == self.release_token:
                return
            else:
                if kind == "end":
                    self._note_end(message[1], message[4])
                self.received.emit(message)

    def _note_end(self, generation: int, runs: list[tuple[str, str]] | None) -> None:
        with self._ended:
            self.ended_generation = max(self.ended_generation, generation)
            self.ended_runs = runs
            self._ended.notify_all()

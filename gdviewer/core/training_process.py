"""Training in a process of its own, so drawing and training never take turns on one GIL.

Why: in one process the window's painting holds the GIL most of the time and the training
thread got under half a core (0.2–0.3× the headless trainer while streaming). A warm child
process trains with its own interpreter and sends each chunk of steps back through a pipe.

The child (``serve``) imports torch once, then waits for commands. It runs one race at a
time with ``RaceLoop``; every message carries the race's *generation*, so the parent can
tell a late message of a replaced race. It dies with its parent: it exits when the command
pipe reaches end-of-file (the parent closed it or died, whatever the signal) and, on Linux,
asks the kernel for SIGKILL when the parent goes (``PR_SET_PDEATHSIG``).

Messages, parent → child: ``("data", key, x, y)``, ``("start", generation, key, configs,
clock, paused, speed)``, ``("pause", generation, paused)``, ``("steps", generation, n)``,
``("epoch", generation)``, ``("speed", generation, steps_per_second)``, ``("stop",
generation)``, ``("release", token)``, ``("quit",)``. Child → parent: ``("ready", pid)``,
``("chunk", generation, {run index: Chunk})``, ``("idle", generation)`` (paused, every step
sent), ``("end", generation, status, message, [(status, message) per run], details)`` where
details is a traceback when the race failed, else "", and ``("released", token)``.

Qt-free; the window's side is ``ui/training_thread.py``. Started with multiprocessing's
*spawn* method everywhere, as on macOS and Windows.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # (multiprocessing is imported when a process starts: 18 ms off the first paint)
    from multiprocessing.connection import Connection

#: How long closing waits for a child to quit before it is killed.
QUIT_TIMEOUT_S = 1.0


# --- the child ----------------------------------------------------------------------------
def _die_with_parent(parent_pid: int) -> None:
    """Linux: the kernel kills this process when its parent dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


class _Child:
    """The child's state: the latest data set it was sent and the race it runs."""

    def __init__(self, commands: Connection, results: Connection) -> None:
        self.commands = commands
        self.results = results
        self.dataset = None  # the latest data set sent (its surface computed once, at first use)
        self.data_key: Any = None
        self.loop = None
        self.generation = -1

    def serve(self) -> None:
        while True:
            try:
                message = self.commands.recv()
            except (EOFError, OSError):
                return  # the parent is gone
            if not self.handle(message):
                return

    def handle(self, message: tuple) -> bool:
        """One command; False to quit."""
        kind = message[0]
        if kind == "quit":
            return False
        if kind == "release":  # the window lets go of this process: its reader may end
            self.results.send(("released", message[1]))
        elif kind == "data":
            _, key, x, y = message
            from gdviewer.core.data import Dataset

            self.data_key, self.dataset = key, Dataset(x.reshape(-1, 1), y.reshape(-1, 1))
        elif kind == "start":
            self.run_race(*message[1:])
        elif self.loop is not None and message[1] == self.generation:
            loop = self.loop
            if kind == "pause":
                loop.set_paused(message[2])
            elif kind == "steps":
                loop.request_steps(message[2])
            elif kind == "epoch":
                loop.request_epoch()
            elif kind == "speed":
                loop.set_speed(message[2])
            elif kind == "pause_at":
                loop.pause_at(message[2])
            elif kind == "stop":
                loop.stop = True
            elif kind == "steer":  # a value changed mid-run: from the next step of run `index`
                self.steer(*message[2:])
        return True

    def steer(self, index: int, field: str, value: float) -> None:
        """Apply a change to run ``index`` before its next step and say from which step it
        applies (the window records it), or why it cannot."""
        from gdviewer.core.errors import ConfigError

        try:
            change = self.loop.race.trainers[index].steer(field, value)
        except (ConfigError, IndexError) as exc:
            self.results.send(("steer_refused", self.generation, index, str(exc)))
            return
        self.results.send(("steered", self.generation, index, change))

    def poll(self, timeout: float) -> None:
        """Apply every pending command; wait up to ``timeout`` for the first."""
        commands = self.commands
        while commands.poll(timeout):
            timeout = 0.0
            try:
                message = commands.recv()
            except (EOFError, OSError):
                os._exit(0)  # the parent is gone: nobody wants these steps
            if message[0] in ("start", "data", "quit", "release"):  # the parent stops a race first
                if message[0] == "quit":
                    os._exit(0)
                continue
            self.handle(message)

    def run_race(self, generation: int, key: Any, configs: list, clock: str, paused: bool, speed: float) -> None:
        from gdviewer.core.race import Race
        from gdviewer.core.race_loop import RaceLoop
        from gdviewer.core.trainer import Trainer

        self.generation = generation
        results = self.results
        try:
            if key != self.data_key:
                raise RuntimeError("the data set of this race was not sent")
            dataset = self.dataset
            race = Race([Trainer(dataset, config, dataset.surface) for config in configs], clock)
            self.loop = RaceLoop(race, lambda chunks: results.send(("chunk", generation, chunks)), self.poll,
                                 paused, speed, idle=lambda: results.send(("idle", generation)))
            self.loop.run()
            runs = [(t.status.value, t.message) for t in race.trainers]
            results.send(("end", generation, race.status.value, race.message, runs, ""))
        except (BrokenPipeError, EOFError, OSError):
            os._exit(0)  # the parent is gone
        except Exception as exc:  # reported to the window; the process lives on
            with contextlib.suppress(Exception):
                if self.loop is not None:
                    self.loop.flush()
            runs = [("failed", "")] * len(configs)
            with contextlib.suppress(Exception):
                results.send(("end", generation, "failed", f"{type(exc).__name__}: {exc}", runs,
                              traceback.format_exc()))
        finally:
            self.loop = None


def serve(commands: Connection, results: Connection, parent_pid: int) -> None:
    """The child's main function."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the window's to handle
    import torch

    torch.set_num_threads(1)  # one core for training, the other stays with the window
    import gdviewer.core.race_loop
    import gdviewer.core.trainer  # noqa: F401

    results.send(("ready", os.getpid()))
    _Child(commands, results).serve()
    os._exit(0)  # nothing to save here; the interpreter's teardown of torch took about a second


# --- the parent's handle --------------------------------------------------------------------
class TrainingProcess:
    """One child process and its two pipes. ``results`` is read by one thread only.

    ``target`` is the child's main function (``serve``; tests hand one that injects faults).
    """

    def __init__(self, target: Callable[[Connection, Connection, int], None] = serve) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        child_commands, self._commands = context.Pipe(duplex=False)
        self.results, child_results = context.Pipe(duplex=False)
        self.process = context.Process(target=target, args=(child_commands, child_results, os.getpid()),
                                       name="gdviewer-training", daemon=True)
        self.process.start()
        child_commands.close()  # the child's ends live in the child only: EOF when it dies
        child_results.close()
        self._send_lock = threading.Lock()
        self._recv_lock = threading.Lock()
        self.ready = threading.Event()  # set once the child has imported torch and waits
        self._data_key: Any = None

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode

    def recv(self) -> tuple:
        """The next message (raises EOFError once the child is gone)."""
        with self._recv_lock:
            message = self.results.recv()
        if message[0] == "ready":
            self.ready.set()
        return message

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the child is warm (True), or ``timeout`` seconds (False)."""
        if self.ready.is_set():
            return True
        if not self._recv_lock.acquire(timeout=timeout):
            return self.ready.is_set()  # a receiver reads: it has seen "ready" if it came
        try:
            if not self.ready.is_set() and self.results.poll(timeout):
                message = self.results.recv()
                if message[0] == "ready":
                    self.ready.set()
        except (EOFError, OSError):
            return False
        finally:
            self._recv_lock.release()
        return self.ready.is_set()

    def send(self, *message: Any) -> bool:
        """Send a command; False if the child is gone."""
        try:
            with self._send_lock:
                self._commands.send(message)
            return True
        except (BrokenPipeError, EOFError, OSError):
            return False

    def send_data(self, key: Any, x: np.ndarray, y: np.ndarray) -> bool:
        """The data set, sent once per ``key`` (the child keeps the latest)."""
        if key == self._data_key:
            return True
        self._data_key = key
        return self.send("data", key, np.ascontiguousarray(x, np.float32), np.ascontiguousarray(y, np.float32))

    def close(self) -> None:
        """Ask the child to quit; kill it if it does not within QUIT_TIMEOUT_S, or at once
        while it is still starting (importing torch, it holds nothing and reads no command:
        quitting the window in its first seconds waited a second for it)."""
        if self.ready.is_set():
            self.send("quit")
            self.process.join(QUIT_TIMEOUT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(QUIT_TIMEOUT_S)
        for end in (self._commands, self.results):
            with contextlib.suppress(OSError):
                end.close()


class ProcessPool:
    """Warm children waiting for a race: a window takes one while it trains and gives it
    back when it stops, so races after the first start at once and several windows (or
    tests) reuse the same few processes."""

    def __init__(self, keep: int = 2, target: Callable[[Connection, Connection, int], None] = serve) -> None:
        self.keep = keep
        self.target = target
        self._idle: list[TrainingProcess] = []
        self._lock = threading.Lock()

    def prewarm(self) -> TrainingProcess:
        """Start a child now (after the window's first paint) if none waits; returns it."""
        with self._lock:
            for process in self._idle:
                if process.alive:
                    return process
            process = TrainingProcess(self.target)
            self._idle.append(process)
            return process

    def acquire(self) -> TrainingProcess:
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.alive:
                    return process
                process.close()
        return TrainingProcess(self.target)

    def release(self, process: TrainingProcess) -> None:
        """Give a child back (idle, no race running); beyond ``keep``, it is closed."""
        with self._lock:
            if process.alive and len(self._idle) < self.keep:
                self._idle.append(process)
                return
        process.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.close()


#: The processes of this application (closed at exit; children also die with it).
POOL = ProcessPool()
atexit.register(POOL.close)

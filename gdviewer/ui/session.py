"""Session: the one place the GUI talks to training.

It owns the data set, the run configuration, the history of the current run, and the
QThread + TrainingWorker pair while a run is alive. Panels and controls read its state
and call its methods; they never touch the trainer or the thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from gdviewer.core.batching import indices_for_step, steps_per_epoch
from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import Dataset, synthetic
from gdviewer.core.history import Chunk, History
from gdviewer.core.surface import LossSurface, stable_learning_rate

if TYPE_CHECKING:
    from gdviewer.core.trainer import Trainer
    from gdviewer.ui.worker import TrainingWorker

#: Run states as shown to the user. The final ones come from the trainer's status.
READY, RUNNING, PAUSED = "ready", "running", "paused"
FINISHED, DIVERGED, STOPPED, FAILED = "finished", "diverged", "stopped", "failed"
FINAL_STATES = (FINISHED, DIVERGED, STOPPED, FAILED)

#: How long closing or resetting waits for the worker thread (it stops within one step).
STOP_TIMEOUT_MS = 2000


class Session(QObject):
    """Data + run configuration + the live run, with play/pause/step/reset."""

    data_changed = Signal()  # a new data set (and surface)
    run_reset = Signal()  # the history was cleared (new settings, start point or data)
    history_grew = Signal()  # a chunk of steps arrived
    state_changed = Signal(str)  # READY, RUNNING, PAUSED or a final state
    view_changed = Signal()  # the timeline cursor moved (see view_step)
    worker_failed = Signal(str, str)  # message, traceback

    def __init__(self, data_config: DataConfig | None = None, run_config: RunConfig | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_config = (data_config or DataConfig()).validate()
        self.dataset: Dataset = synthetic(self.data_config)
        self.surface = LossSurface.from_data(self.dataset.x, self.dataset.y)
        self.run_config = (run_config or RunConfig()).validate(self.dataset.n)
        self.history = History(self.run_config.init_w, self.run_config.init_b)
        self.state = READY
        self.message = ""
        self.current_batch = np.empty(0, dtype=np.int64)
        self.view_step: int | None = None  # None: show the live end; k: show the state after step k
        self.speed = 0.0
        self._trainer: Trainer | None = None
        self._worker: TrainingWorker | None = None
        self._thread: QThread | None = None
        self._draining: list[QThread] = []

    # --- derived facts ---------------------------------------------------------------
    @property
    def steps_per_epoch(self) -> int:
        c = self.run_config
        return steps_per_epoch(c.algorithm, c.batch_size, self.dataset.n)

    @property
    def total_steps(self) -> int:
        return self.steps_per_epoch * self.run_config.epochs

    @property
    def steps_done(self) -> int:
        return len(self.history)

    def params_at(self, k: int) -> tuple[float, float]:
        """(w, b) after step k (k = 0: the start point)."""
        if k <= 0:
            return self.history.initial_w, self.history.initial_b
        return float(self.history.column("w")[k - 1]), float(self.history.column("b")[k - 1])

    @property
    def live_params(self) -> tuple[float, float]:
        """(w, b) at the live end of the run."""
        return self.params_at(len(self.history))

    @property
    def shown_steps(self) -> int:
        """How many steps the panels show: all, or up to the timeline cursor."""
        n = len(self.history)
        return n if self.view_step is None else min(self.view_step, n)

    @property
    def params(self) -> tuple[float, float]:
        """(w, b) at the step being shown (the live end unless the timeline is scrubbed)."""
        return self.params_at(self.shown_steps)

    def shown_batch(self) -> np.ndarray:
        """Sample indices of the step being shown (empty at step 0)."""
        k = self.shown_steps
        if k == 0:
            return np.empty(0, dtype=np.int64)
        if k == len(self.history):
            return self.current_batch
        c = self.run_config
        return indices_for_step(c.algorithm, c.batch_size, self.dataset.n, c.shuffle, c.shuffle_seed, k)

    def set_view_step(self, k: int | None) -> None:
        """Show the state after step k (None or the live end: follow the run)."""
        n = len(self.history)
        if k is not None:
            k = max(0, min(int(k), n))
            if k == n:
                k = None
        if k is not None and self.state == RUNNING:
            self.pause()  # a past moment is looked at while the run waits
        if k != self.view_step:
            self.view_step = k
            self.view_changed.emit()

    def stable_lr(self, config: RunConfig | None = None) -> float | None:
        c = config or self.run_config
        return stable_learning_rate(self.surface, self.dataset.x, c.algorithm, c.batch_size, c.optimizer, c.momentum)

    @property
    def is_live(self) -> bool:
        """True while a run has started and has not ended (running or paused mid-run)."""
        return self.state in (RUNNING, PAUSED) and (self._worker is not None or self.steps_done > 0)

    # --- changing what is trained -----------------------------------------------------
    def set_run_config(self, config: RunConfig) -> bool:
        """Use ``config`` from now on; resets the run if it changed. Raises ConfigError if invalid."""
        config.validate(self.dataset.n)
        if config == self.run_config:
            return False
        self.run_config = config
        self.reset()
        return True

    def set_start_point(self, w: float, b: float) -> None:
        self.set_run_config(self.run_config.with_changes(init_w=float(w), init_b=float(b)))

    def set_data_config(self, config: DataConfig) -> None:
        """Regenerate synthetic data; raises ConfigError (nothing changes) if invalid."""
        dataset = synthetic(config.validate())
        self.set_dataset(dataset, config)

    def load(self, data_config: DataConfig, run_config: RunConfig) -> None:
        """Switch to new data and run settings together (a preset or a session file).

        Both are checked before anything changes, so a bad pair leaves the session as it was.
        """
        dataset = synthetic(data_config.validate())
        run_config.validate(dataset.n)
        self._stop_worker()
        self.run_config = run_config
        self.dataset = dataset
        self.data_config = data_config
        self.surface = LossSurface.from_data(dataset.x, dataset.y)
        self.data_changed.emit()
        self.reset()

    def set_dataset(self, dataset: Dataset, config: DataConfig | None = None) -> None:
        """Train on ``dataset`` from now on (resets the run); raises ConfigError if the run
        settings cannot apply to it (e.g. a batch size above its number of points)."""
        self.run_config.validate(dataset.n)
        self._stop_worker()
        self.dataset = dataset
        self.data_config = config if config is not None else self.data_config
        self.surface = LossSurface.from_data(dataset.x, dataset.y)
        self.data_changed.emit()
        self.reset()

    # --- playback -----------------------------------------------------------------------
    def play(self) -> None:
        self.set_view_step(None)  # play resumes from the live end
        if self.state in FINAL_STATES:
            self.reset()
        if self._worker is None:
            self._start(paused=False)
        else:
            self._worker.set_paused(False)
        self._set_state(RUNNING)

    def pause(self) -> None:
        if self._worker is not None and self.state == RUNNING:
            self._worker.set_paused(True)
            self._set_state(PAUSED)

    def toggle_play(self) -> None:
        if self.state == RUNNING:
            self.pause()
        else:
            self.play()

    def step(self, n: int = 1) -> None:
        """Take ``n`` steps and pause (from ready or paused; from running it pauses first)."""
        if self.state in FINAL_STATES:
            return
        self.set_view_step(None)
        if self._worker is None:
            self._start(paused=True)
        assert self._worker is not None
        self._worker.set_paused(True)
        self._worker.request_steps(n)
        self._set_state(PAUSED)

    def step_epoch(self) -> None:
        """Run to the end of the current epoch (a whole epoch from an epoch boundary)."""
        done = self._trainer.steps_done if self._trainer is not None else 0
        spe = self.steps_per_epoch
        self.step(spe - done % spe)

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; 0 means as fast as possible."""
        self.speed = max(0.0, float(steps_per_second))
        if self._worker is not None:
            self._worker.set_speed(self.speed)

    def reset(self) -> None:
        """Stop any run and clear the history; the next Play starts from the start point."""
        self._stop_worker()
        self.history = History(self.run_config.init_w, self.run_config.init_b)
        self.current_batch = np.empty(0, dtype=np.int64)
        self.view_step = None
        self.message = ""
        self.run_reset.emit()
        self._set_state(READY)

    def shutdown(self) -> bool:
        """Stop the worker and its thread (for closing the window); True if all stopped."""
        self._stop_worker()
        for thread in self._draining:
            thread.wait(STOP_TIMEOUT_MS)
        stuck = [t for t in self._draining if t.isRunning()]
        self._draining = stuck
        return not stuck

    @property
    def thread_running(self) -> bool:
        return (self._thread is not None and self._thread.isRunning()) or any(t.isRunning() for t in self._draining)

    # --- the worker -------------------------------------------------------------------
    def _start(self, paused: bool) -> None:
        # imported here: torch loads in the background after the window shows (app.py);
        # if it is still loading, this waits for it
        from gdviewer.core.trainer import Trainer
        from gdviewer.ui.worker import TrainingWorker

        trainer = Trainer(self.dataset, self.run_config, self.surface)
        self._trainer = trainer
        self.history = trainer.new_history()
        worker = TrainingWorker(trainer, paused=paused, speed=self.speed)
        thread = QThread()
        thread.setObjectName("gdviewer-training")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.chunk_ready.connect(self._on_chunk)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._worker, self._thread = worker, thread
        thread.start()

    def _stop_worker(self) -> None:
        worker, thread = self._worker, self._thread
        self._worker = self._thread = None
        self._trainer = None
        if worker is None or thread is None:
            return
        worker.request_stop()
        thread.quit()
        if not thread.wait(STOP_TIMEOUT_MS):
            self._draining.append(thread)  # keep it alive until it ends: never destroy a running QThread

    @Slot(object)
    def _on_chunk(self, chunk: Chunk) -> None:
        if self.sender() is not self._worker or self._worker is None:
            return  # a late chunk of a run that was reset
        self.history.append(chunk)
        self.current_batch = chunk.batch_indices
        self.history_grew.emit()

    @Slot(str, str)
    def _on_finished(self, status: str, message: str) -> None:
        if self.sender() is not self._worker or self._worker is None:
            return
        self._stop_worker()
        self.message = message
        self._set_state(status)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        if self.sender() is not self._worker or self._worker is None:
            return
        self._stop_worker()
        self.message = f"Training failed: {message}"
        self._set_state(FAILED)
        self.worker_failed.emit(message, details)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

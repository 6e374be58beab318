"""Session: the one place the GUI talks to training.

It owns the data set, the runs (each a configuration, a name, a colour and the history of
its steps), the shared clock they race on, and the QThread + TrainingWorker pair while they
train. One run is *selected*: the controls edit it and the panels draw it bold. Panels and
controls read the session's state and call its methods; they never touch a trainer or the
thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from gdviewer.core.conditioning import RAW, XTransform, transformed_dataset
from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import Dataset, synthetic
from gdviewer.core.history import Chunk, History
from gdviewer.core.moment import Moment, Run
from gdviewer.core.roster import RUN_COLOURS
from gdviewer.core.run_names import follow_settings
from gdviewer.core.run_status import FINAL_STATES, RunStatus
from gdviewer.ui.live_changes import LiveChanges
from gdviewer.ui.memory import release_free_memory
from gdviewer.ui.roster import Roster
from gdviewer.ui.training_thread import TrainingThread

#: Run states: the engine's vocabulary (``core/run_status.py``), named here for the window.
READY, RUNNING, PAUSED = RunStatus.READY, RunStatus.RUNNING, RunStatus.PAUSED
FINISHED, DIVERGED, STOPPED, FAILED = RunStatus.FINISHED, RunStatus.DIVERGED, RunStatus.STOPPED, RunStatus.FAILED


class Session(QObject):
    """Data + runs + the live race, with play/pause/step/reset."""

    runs_changed = Signal()  # a run was added, removed, renamed, recoloured or selected

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
        #: the data as entered (what the data panel shows and a session saves) ...
        self.raw_dataset: Dataset = synthetic(self.data_config)
        #: ... and how x is re-expressed for training (core/conditioning.py)
        self.transform: XTransform = RAW
        #: the data the runs train on: x′ = (x − c)/s, or the raw data set itself
        self.dataset: Dataset = self.raw_dataset
        self.surface = self.dataset.surface
        first = (run_config or RunConfig()).validate(self.dataset.n)
        self.runs: list[Run] = [Run(first, "Run 1", RUN_COLOURS[0])]
        self.selected = 0
        self.clock = "epoch"
        self.state = READY
        self.message = ""
        self.view_step: int | None = None  # None: show the live end; k: show the state after step k
        self.animating = False  # recording an animation: every panel shows only up to view_step
        self.speed = 0.0
        self.roster = Roster(self)  # adding, removing, selecting runs
        self._training = TrainingThread(self)  # the worker and its thread, while a race is on
        self._training.chunks.connect(self._on_chunk)
        self._training.finished.connect(self._on_finished)
        self._training.failed.connect(self._on_failed)
        self.live = LiveChanges(self, self._training)  # values changed while a race trains

    # --- the selected run (as the Moment says) ---------------------------------------------
    run = property(lambda self: self.moment().run)
    run_config = property(lambda self: self.moment().run_config)
    current_batch = property(lambda self: self.moment().current_batch)

    @property
    def history(self) -> History:
        return self.run.history

    @history.setter
    def history(self, history: History) -> None:
        self.run.history = history

    # --- derived facts: what a Moment says ------------------------------------------------
    def moment(self) -> Moment:
        """What is shown now, as a Qt-free snapshot (the panels and readouts draw from it)."""
        return Moment(self.dataset, self.data_config, tuple(self.runs), self.selected, self.clock, self.view_step,
                      self.animating, self.state, self.speed, self.raw_dataset, self.transform)

    steps_per_epoch = property(lambda self: self.moment().steps_per_epoch)
    total_steps = property(lambda self: self.moment().total_steps)
    steps_done = property(lambda self: len(self.history))
    shown_steps = property(lambda self: self.moment().shown_steps)
    params = property(lambda self: self.moment().params)

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
        return self.moment().stable_lr(config)

    @property
    def is_live(self) -> bool:
        """True while a run has started and has not ended (running or paused mid-run)."""
        return self.state in (RUNNING, PAUSED) and (self._training.active or self.steps_done > 0)

    # --- changing what is trained -----------------------------------------------------
    def set_run_config(self, config: RunConfig) -> bool:
        """Use ``config`` for the selected run; resets the race if it changed. Raises
        ConfigError (and changes nothing) if invalid."""
        config.validate(self.dataset.n)
        self.roster.check_memory([config if i == self.selected else r.config for i, r in enumerate(self.runs)])
        if config == self.run_config:
            return False
        self.stop_training()
        run = self.run
        name = run.name if run.typed_name else follow_settings(run.name, run.config, config)
        renamed, run.name = name != run.name, name  # "GD (lr 0.1)" → "GD (lr 0.05)"
        run.config = config
        self.reset()
        if renamed:
            self.runs_changed.emit()
        return True

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
        self.stop_training()
        self.runs = [Run(run_config, "Run 1", RUN_COLOURS[0])]
        self.selected = 0
        self.runs_changed.emit()
        self.raw_dataset = self.dataset = dataset
        self.transform = RAW  # a preset or a session says its own transform (set_transform)
        self.data_config = data_config
        self.surface = dataset.surface
        self.data_changed.emit()
        self.reset()

    def set_dataset(self, dataset: Dataset, config: DataConfig | None = None) -> None:
        """Train on ``dataset`` (the raw data: x as entered) from now on, through the current
        transform (centring and standardising follow the new data); resets the run. Raises
        ConfigError if the run settings cannot apply to it (e.g. a batch size above its points)."""
        for run in self.runs:
            run.config.validate(dataset.n)
        transform = self.transform.following(dataset.surface)  # cached: a loader has usually computed it
        self._replace_data(dataset, transform, config if config is not None else self.data_config)

    def set_transform(self, transform: XTransform) -> bool:
        """Train on x′ = (x − c)/s from now on (resets the runs: their steps were taken on the
        old x′); centring and standardising use this data's mean and spread (a preset may say just
        the kind). Raises ConfigError (nothing changes) if invalid; False if it is already on."""
        transform = transform.validate().following(self.raw_dataset.surface)
        if transform == self.transform:
            return False
        self._replace_data(self.raw_dataset, transform, self.data_config)
        return True

    def _replace_data(self, raw: Dataset, transform: XTransform, config: DataConfig) -> None:
        self.stop_training()
        for run in self.runs:  # the old runs' steps and batches refer to the old points
            run.clear()
        self.view_step = None
        self.raw_dataset, self.transform = raw, transform
        self.dataset = transformed_dataset(raw, transform)
        self.data_config = config
        self.surface = self.dataset.surface
        self.data_changed.emit()
        self.reset()

    # --- playback -----------------------------------------------------------------------
    def play(self) -> None:
        self.set_view_step(None)  # play resumes from the live end
        if self.state in FINAL_STATES:
            self.reset()
        if not self._training.active:
            self._start(paused=False)
        else:
            self._training.set_paused(False)
        self._set_state(RUNNING)

    def pause(self) -> None:
        if self._training.active and self.state == RUNNING:
            self._training.set_paused(True)
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
        if not self._training.active:
            self._start(paused=True)
        self._training.set_paused(True)
        self._training.request_steps(n)
        self._set_state(PAUSED)

    def step_epoch(self) -> None:
        """Run every run to the end of its current epoch (a whole epoch from a boundary)."""
        if not self._training.active:
            self.step(sum(run.config.steps_per_epoch(self.dataset.n) for run in self.runs))
            return
        if self.state in FINAL_STATES:
            return
        self.set_view_step(None)
        self._training.set_paused(True)
        self._training.request_epoch()  # the child knows where each run stands
        self._set_state(PAUSED)

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second; 0 means as fast as possible."""
        self.speed = max(0.0, float(steps_per_second))
        self._training.set_speed(self.speed * len(self.runs))  # the speed is each run's

    def reset(self) -> None:
        """Stop the race and clear every run's history; Play starts again from the start points."""
        self.stop_training()
        for run in self.runs:
            run.clear()
        self.view_step = None
        self.message = ""
        self.run_reset.emit()
        self._set_state(READY)

    def shutdown(self) -> bool:
        """Stop the worker and its thread (for closing the window); True if all stopped."""
        self.stop_training()
        return self._training.shutdown()

    @property
    def thread_running(self) -> bool:
        return self._training.active

    # --- the worker -------------------------------------------------------------------
    def _start(self, paused: bool) -> None:
        n = self.dataset.n
        for run in self.runs:
            run.clear()
            total = run.config.total_steps(n)
            run.history = History(run.config.init_w, run.config.init_b, capacity=min(total, 1 << 20))
            run.status = RUNNING
        self._training.start(self.dataset, [run.config for run in self.runs], self.clock, paused,
                             self.speed * len(self.runs))

    def stop_training(self) -> list[tuple[str, str]] | None:
        """Stop training; each run still running keeps the final or paused state the child
        reports. Returns the runs' (status, message), None if no race was on."""
        runs = self._training.stop()
        if runs is not None:
            for run, (status, message) in zip(self.runs, runs, strict=False):
                if run.status == RUNNING:
                    run.status = status if status in FINAL_STATES else PAUSED
                    run.message = message
        return runs

    @Slot(object)
    def _on_chunk(self, chunks: dict[int, Chunk]) -> None:
        for index, chunk in chunks.items():
            run = self.runs[index]
            run.history.append(chunk)
            run.current_batch = chunk.batch_indices
        self.history_grew.emit()

    @Slot(str, str, object)
    def _on_finished(self, status: str, message: str, runs: list[tuple[str, str]]) -> None:
        self.stop_training()
        for run, (run_status, run_message) in zip(self.runs, runs, strict=True):
            run.status, run.message = run_status, run_message
        release_free_memory()  # a run ended: its buffers are free, give the pages back
        diverged = [r for r in self.runs if r.status == DIVERGED]
        if len(self.runs) == 1:
            self.message = message
        elif diverged:
            self.message = " ".join(f"{r.name}: {r.message}" for r in diverged)
        else:
            self.message = f"All {len(self.runs)} runs finished."
        self._set_state(status)

    @Slot(str, str)
    def _on_failed(self, message: str, details: str) -> None:
        self.stop_training()
        for run in self.runs:
            run.status = FAILED
        self.message = f"Training failed: {message}"
        self._set_state(FAILED)
        self.worker_failed.emit(message, details)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

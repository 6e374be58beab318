"""What the window shows at one instant, without Qt: the data, every run (settings, name,
colour, history, state), which run is selected, the race's clock and the step the timeline
shows. The panels and the readouts draw from a ``Moment``; the session makes one on demand
(it references the histories, it copies nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdviewer.core import replay
from gdviewer.core.conditioning import RAW, XTransform
from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.data import Dataset
from gdviewer.core.history import History
from gdviewer.core.run_status import RunStatus
from gdviewer.core.surface import LossSurface


@dataclass
class Run:
    """One run of the race: its settings, how it is shown, and what it recorded."""

    config: RunConfig
    name: str
    colour: str
    history: History = field(init=False)
    current_batch: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    status: str = RunStatus.READY
    message: str = ""
    #: the user typed the name: it stays as typed; otherwise it follows the settings
    typed_name: bool = False

    def __post_init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.history = History(self.config.init_w, self.config.init_b)
        self.current_batch = np.empty(0, dtype=np.int64)
        self.status = RunStatus.READY
        self.message = ""


@dataclass(frozen=True)
class Moment:
    """A read-only view of the session at one instant (what is shown: the live end, or the
    step the timeline's cursor is on, and the same moment of the other runs)."""

    dataset: Dataset
    data_config: DataConfig
    runs: tuple[Run, ...]
    selected: int
    clock: str
    view_step: int | None
    animating: bool
    state: str
    speed: float
    #: the data as entered, when the runs train on a transformed x (``dataset`` is then x′)
    raw_dataset: Dataset | None = None
    transform: XTransform = RAW
    #: the shown step's batch, once worked out (the surface's fan and the data panel both ask)
    _batch: list = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def surface(self) -> LossSurface:
        return self.dataset.surface

    @property
    def shown_data(self) -> Dataset:
        """The data as the learner entered them (the data panel draws these, never x′)."""
        return self.raw_dataset if self.raw_dataset is not None else self.dataset

    def raw_line(self, w: float, b: float) -> tuple[float, float]:
        """Trained (w, b) as the line on raw x (the same numbers when x is not transformed)."""
        return self.transform.raw_coefficients(w, b)

    @property
    def run(self) -> Run:
        return self.runs[self.selected]

    @property
    def run_config(self) -> RunConfig:
        return self.run.config

    @property
    def history(self) -> History:
        return self.run.history

    @property
    def current_batch(self) -> np.ndarray:
        return self.run.current_batch

    @property
    def steps_per_epoch(self) -> int:
        return self.run_config.steps_per_epoch(self.dataset.n)

    def steps_of(self, index: int) -> int:
        """Total steps of run ``index``."""
        return self.runs[index].config.total_steps(self.dataset.n)

    @property
    def total_steps(self) -> int:
        return self.run_config.total_steps(self.dataset.n)

    @property
    def steps_done(self) -> int:
        return len(self.history)

    def params_at(self, k: int) -> tuple[float, float]:
        """(w, b) of the selected run after step k (k = 0: the start point)."""
        return replay.params_at(self.history, k)

    @property
    def live_params(self) -> tuple[float, float]:
        """(w, b) at the live end of the selected run."""
        return self.params_at(len(self.history))

    @property
    def shown_steps(self) -> int:
        """How many steps of the selected run are shown: all, or up to the timeline cursor."""
        return replay.shown_steps(len(self.history), self.view_step)

    @property
    def params(self) -> tuple[float, float]:
        """(w, b) at the step shown."""
        return self.params_at(self.shown_steps)

    def shown_steps_of(self, index: int) -> int:
        """Steps shown of run ``index``: its live end, or, while the timeline shows an earlier
        moment of the selected run, the same moment on the shared clock."""
        run = self.runs[index]
        if index == self.selected:
            return self.shown_steps
        if self.view_step is None:
            return len(run.history)
        sel = self.run
        return replay.same_moment(self.clock, self.shown_steps, (sel.history, sel.config),
                                  (run.history, run.config), self.dataset.n)

    def epoch_of(self, index: int) -> int:
        """The epoch (from 1; 0 before the first step) run ``index`` is in at the moment shown,
        as the trainer recorded it."""
        k = self.shown_steps_of(index)
        return int(self.runs[index].history.column("epoch")[k - 1]) + 1 if k else 0

    @property
    def shown_epoch(self) -> int:
        """The selected run's epoch at the step shown."""
        return self.epoch_of(self.selected)

    def params_of(self, index: int) -> tuple[float, float]:
        """(w, b) of run ``index`` at the moment shown."""
        return replay.params_at(self.runs[index].history, self.shown_steps_of(index))

    def shown_batch(self) -> np.ndarray:
        """Sample indices of the step shown (empty at step 0). Worked out once per moment: a
        shuffled past step draws its epoch's permutations again (and the panels of one frame
        share one moment)."""
        k = self.shown_steps
        live = bool(k) and k == len(self.history)
        key = (k, len(self.history), id(self.run.current_batch), self.selected)  # (the histories grow under a moment)
        if not self._batch or self._batch[0] != key:
            self._batch[:] = [key, self.current_batch if live else replay.batch_of_step(self.run_config,
                                                                                        self.dataset.n, k)]
        return self._batch[1]

    def stable_lr(self, config: RunConfig | None = None) -> float | None:
        """The largest stable learning rate for ``config`` (the selected run's) on this data."""
        c = config or self.run_config
        return self.dataset.stable_lr(c.algorithm, c.batch_size, c.optimizer, c.momentum)

"""The training loop, one step at a time, recording everything.

``Trainer`` does exactly what the tutorial's loops do (forward, MSE, ``loss.backward()``,
update) and records each step. It never blocks and never loops on its own: whoever drives it
(the CLI, a worker thread, a test) calls :meth:`Trainer.step` or :meth:`Trainer.run` and
collects the records with :meth:`Trainer.take_chunk`, so it can be paused or stopped between
any two steps. Divergence ends the run with a status and a message; it does not raise.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import torch

from gdviewer.core.batching import BatchSchedule
from gdviewer.core.config import ALGORITHM_LABELS, RunConfig
from gdviewer.core.data import Dataset
from gdviewer.core.history import COLUMNS, Chunk, History
from gdviewer.core.model import LinearModel, criterion
from gdviewer.core.optimizers import TutorialGD, make_optimizer
from gdviewer.core.surface import LossSurface, stable_learning_rate

#: A run has diverged once the full-data loss exceeds this multiple of its scale at the start.
DIVERGENCE_FACTOR = 1e6


class RunStatus(StrEnum):
    READY = "ready"
    RUNNING = "running"
    FINISHED = "finished"
    DIVERGED = "diverged"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (RunStatus.FINISHED, RunStatus.DIVERGED, RunStatus.STOPPED, RunStatus.FAILED)


class Trainer:
    """Trains y = w·x + b on ``dataset`` as ``config`` says, one recorded step at a time."""

    def __init__(self, dataset: Dataset, config: RunConfig, surface: LossSurface | None = None) -> None:
        self.config = config.validate(dataset.n)
        self.dataset = dataset
        self.surface = surface or LossSurface.from_data(dataset.x, dataset.y)
        self.model = LinearModel(config.init_w, config.init_b)
        self.optimizer = make_optimizer(config, self.model.parameters())
        self._tutorial_update = isinstance(self.optimizer, TutorialGD)
        self.schedule = BatchSchedule(config.algorithm, config.batch_size, dataset.n,
                                      config.shuffle, config.shuffle_seed)
        self.steps_per_epoch = self.schedule.steps_per_epoch
        self.total_steps = self.steps_per_epoch * config.epochs
        self.steps_done = 0
        self.samples_seen = 0
        self.status = RunStatus.READY
        self.message = ""
        self.stable_lr = stable_learning_rate(self.surface, dataset.x, config.algorithm,
                                              config.batch_size, config.optimizer, config.momentum)
        self._w = self.model.w.detach().item()
        self._b = self.model.b.detach().item()
        self._full_loss = float(self.surface.loss(self._w, self._b))
        self._initial_full_loss = self._full_loss
        self._loss_scale = max(self._full_loss, float(np.mean(dataset.y.astype(np.float64) ** 2)), 1e-12)
        self._last_indices: slice | torch.Tensor = slice(0, 0)
        self._pending: dict[str, list] = {name: [] for name in COLUMNS}

    # --- state --------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.status.is_final

    @property
    def epoch(self) -> int:
        """0-based epoch of the next step (equals ``config.epochs`` when finished)."""
        return self.steps_done // self.steps_per_epoch

    @property
    def params(self) -> tuple[float, float]:
        """Current (w, b)."""
        return self._w, self._b

    def stop(self) -> None:
        """Mark the run stopped (by the user); no further steps are taken."""
        if not self.done:
            self.status = RunStatus.STOPPED
            self.message = f"Stopped after {self.steps_done} of {self.total_steps} steps."

    def new_history(self) -> History:
        """An empty history sized for this run (up to 2²⁰ steps; longer runs grow it by doubling)."""
        return History(self.config.init_w, self.config.init_b, capacity=min(self.total_steps, 1 << 20))

    # --- stepping -----------------------------------------------------------------
    def step(self) -> bool:
        """Take one step; return False (and do nothing) if the run is over."""
        if self.done:
            return False
        self.status = RunStatus.RUNNING
        k = self.steps_done % self.steps_per_epoch
        epoch = self.steps_done // self.steps_per_epoch
        if k == 0:
            self.schedule.begin_epoch(epoch)
        idx = self.schedule.indices(k)
        X, Y = self.dataset.X, self.dataset.Y
        xb, yb = X[idx], Y[idx]
        model = self.model
        epoch_loss: float | None = math.nan
        if k == 0:
            if self.schedule.size == self.dataset.n and not self.schedule.shuffle:
                epoch_loss = None  # filled from this step's own loss below
            else:  # the tutorial's SGD convention: full-data loss before the epoch's first update
                with torch.no_grad():
                    epoch_loss = criterion(model(X), Y).item()
        loss = criterion(model(xb), yb)
        loss.backward()
        dw = model.w.grad.item()
        db = model.b.grad.item()
        self.optimizer.step()
        if not self._tutorial_update:
            self.optimizer.zero_grad()
        loss_value = loss.item()
        if k == 0 and epoch_loss is None:
            epoch_loss = loss_value  # the batch loss is the full-data loss, computed identically
        w = model.w.item()
        b = model.b.item()
        start, stop = self.schedule.bounds(k)
        n_batch = stop - start
        self.steps_done += 1
        self.samples_seen += n_batch
        p = self._pending
        p["step"].append(self.steps_done)
        p["epoch"].append(epoch)
        p["samples"].append(self.samples_seen)
        p["w"].append(w)
        p["b"].append(b)
        p["loss"].append(loss_value)
        p["dw"].append(dw)
        p["db"].append(db)
        p["full_loss"].append(self._full_loss)
        p["epoch_loss"].append(epoch_loss)
        self._last_indices = idx
        self._w, self._b = w, b
        self._full_loss = float(self.surface.loss(w, b)) if math.isfinite(w) and math.isfinite(b) else math.inf
        self._check(loss_value, epoch)
        if not self.done and self.steps_done >= self.total_steps:
            self.status = RunStatus.FINISHED
            self.message = (f"Finished {self.config.epochs} epochs ({self.total_steps} steps): "
                            f"full-data loss {self._full_loss:.6g}.")
        return True

    def run(self, max_steps: int) -> int:
        """Take up to ``max_steps`` steps (fewer if the run ends); return how many."""
        done = 0
        while done < max_steps and self.step():
            done += 1
        return done

    def _check(self, loss_value: float, epoch: int) -> None:
        finite = math.isfinite(loss_value) and math.isfinite(self._w) and math.isfinite(self._b)
        if finite and self._full_loss <= DIVERGENCE_FACTOR * self._loss_scale:
            return
        self.status = RunStatus.DIVERGED
        what = ("a loss or parameter became infinite or NaN" if not finite else
                f"the full-data loss grew from {self._initial_full_loss:.3g} to {self._full_loss:.3g}")
        algo = ALGORITHM_LABELS[self.config.algorithm]
        if self.stable_lr is not None and self.config.lr > self.stable_lr:
            advice = (f"The learning rate {self.config.lr:g} is above the stable limit of about "
                      f"{self.stable_lr:.3g} for {algo} with this data; try a learning rate below "
                      f"{self.stable_lr:.3g}.")
        elif self.stable_lr is not None:  # a stable rate, yet the numbers overflowed float32
            advice = (f"The learning rate {self.config.lr:g} is below the stable limit of about "
                      f"{self.stable_lr:.3g}; the values are too large for float32, so try a start "
                      "point or data closer to 0.")
        else:
            advice = f"Try a smaller learning rate than {self.config.lr:g}."
        self.message = (f"Diverged at step {self.steps_done} (epoch {epoch + 1} of {self.config.epochs}): "
                        f"{what}. {advice}")

    # --- records ------------------------------------------------------------------
    def take_chunk(self) -> Chunk | None:
        """The records of the steps taken since the last call, or None if there are none."""
        p = self._pending
        if not p["step"]:
            return None
        columns = {name: np.array(values, dtype=COLUMNS[name]) for name, values in p.items()}
        for values in p.values():
            values.clear()
        return Chunk(columns=columns, batch_indices=self.last_batch_indices())

    def last_batch_indices(self) -> np.ndarray:
        """Sample indices used by the most recent step (empty before the first)."""
        idx = self._last_indices
        if isinstance(idx, slice):
            return np.arange(idx.start, idx.stop, dtype=np.int64)
        return idx.numpy().astype(np.int64)


def train(dataset: Dataset, config: RunConfig, chunk_steps: int = 4096) -> tuple[History, Trainer]:
    """Run to the end (or divergence) and return the full history and the trainer."""
    trainer = Trainer(dataset, config)
    history = trainer.new_history()
    while not trainer.done:
        trainer.run(chunk_steps)
        chunk = trainer.take_chunk()
        if chunk is not None:
            history.append(chunk)
    return history, trainer

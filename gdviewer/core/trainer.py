"""The training loop, one step at a time, recording everything.

``Trainer`` does exactly what the tutorial's loops do (forward, MSE, ``loss.backward()``,
update) and records each step. It never blocks and never loops on its own: whoever drives it
(the CLI, a worker thread, a test) calls :meth:`Trainer.step` or :meth:`Trainer.run` and
collects the records with :meth:`Trainer.take_chunk`, so it can be paused or stopped between
any two steps. Divergence ends the run with a status and a message; it does not raise.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import torch

from gdviewer.core.batching import BatchSchedule
from gdviewer.core.config import ALGORITHM_LABELS, RunConfig
from gdviewer.core.data import Dataset
from gdviewer.core.history import COLUMNS, Chunk, History
from gdviewer.core.model import LinearModel, backward, criterion
from gdviewer.core.optimizers import TutorialGD, make_optimizer
from gdviewer.core.run_status import RunStatus
from gdviewer.core.second_order import SecondOrderOptimizer
from gdviewer.core.steering import RunChange, Steerer
from gdviewer.core.surface import LossSurface, stable_learning_rate

#: Steps whose batch views are made at once (one ``split`` call per block).
BLOCK_STEPS = 1024

#: A run has diverged once the full-data loss exceeds this multiple of its scale at the start.
DIVERGENCE_FACTOR = 1e6
#: A run that ends with its full-data loss this many times its start (measured above the least-
#: squares minimum, which no run can go below) was diverging, even if it never blew up.
GROWTH_FACTOR = 10.0


def grew_out(initial: float, final: float, minimum: float) -> bool:
    """True when a run ended worse than it began by a clear factor: the excess loss over the
    minimum grew more than :data:`GROWTH_FACTOR` times, and the loss itself at least doubled
    (so a start at the optimum, where any noise multiplies a zero excess, is not flagged)."""
    if not (math.isfinite(initial) and math.isfinite(final)):
        return False
    return final - minimum > GROWTH_FACTOR * max(initial - minimum, 0.0) and final > 2.0 * initial


class Trainer:
    """Trains y = w·x + b on ``dataset`` as ``config`` says, one recorded step at a time."""

    def __init__(self, dataset: Dataset, config: RunConfig, surface: LossSurface | None = None) -> None:
        self.config = config.validate(dataset.n)
        self.dataset = dataset
        self.surface = surface or LossSurface.from_data(dataset.x, dataset.y)
        self.model = LinearModel(config.init_w, config.init_b)
        self.optimizer = make_optimizer(config, self.model.parameters())
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
        self._threshold = DIVERGENCE_FACTOR * self._loss_scale
        su = self.surface
        self._stats = (su.mean_x, su.mean_y, su.var_x, su.cov_xy, su.var_y)
        self._params = self.model.parameters()
        self._param_data = [p.data for p in self._params]  # storage aliases for the in-place update
        self._lr = float(config.lr)
        if isinstance(self.optimizer, TutorialGD):
            self._update = self._tutorial_step
        elif isinstance(self.optimizer, SecondOrderOptimizer):
            self._update = self._second_order_step
        else:
            self._update = self._optim_step
        #: the schedule and the changes, applied step by step (None: a constant lr, never changed)
        self.steerer: Steerer | None = None
        if not config.schedule.constant or config.changes:
            self.steerer = Steerer(config.schedule, config.changes, self.optimizer, config.lr, self.total_steps)
        #: changes made while it trained (:meth:`steer`), in order
        self.steered: list[RunChange] = []
        self.stop_reason: str | None = None
        self._stops = config.stop if config.stop.any else None
        self._recent_losses: deque[float] = deque(maxlen=config.stop.window + 1)
        self._recent_losses.append(self._full_loss)
        self._over = False
        self._k = 0  # step within the epoch
        self._epoch = 0
        self._block_start = 0
        self._xs: tuple[torch.Tensor, ...] = ()
        self._ys: tuple[torch.Tensor, ...] = ()
        self._epoch_X, self._epoch_Y = dataset.X, dataset.Y
        self._last_step: tuple[int, int] | None = None
        self._pending: dict[str, list] = {name: [] for name in COLUMNS}
        p = self._pending  # bound appends: the per-step recording is ten cheap calls
        self._a_step, self._a_epoch, self._a_samples = p["step"].append, p["epoch"].append, p["samples"].append
        self._a_w, self._a_b, self._a_loss = p["w"].append, p["b"].append, p["loss"].append
        self._a_dw, self._a_db, self._a_full = p["dw"].append, p["db"].append, p["full_loss"].append
        self._a_epoch_loss = p["epoch_loss"].append

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
            self._over = True
            self.message = f"Stopped after {self.steps_done} of {self.total_steps} steps."

    def new_history(self) -> History:
        """An empty history sized for this run (up to 2²⁰ steps; longer runs grow it by doubling)."""
        return History(self.config.init_w, self.config.init_b, capacity=min(self.total_steps, 1 << 20))

    # --- stepping -----------------------------------------------------------------
    def _begin_epoch(self, epoch: int) -> float | None:
        """Set up the epoch's sample order; return the full-data loss before its first
        update (None when the step's own batch loss is exactly that: in-order batch GD)."""
        self.schedule.begin_epoch(epoch)
        perm = self.schedule.permutation
        X, Y = self.dataset.X, self.dataset.Y
        self._epoch_X, self._epoch_Y = (X, Y) if perm is None else (X[perm], Y[perm])
        self._block_start = 0
        self._xs, self._ys = (), ()
        if self.schedule.size == self.dataset.n and perm is None:
            return None
        with torch.no_grad():  # the tutorial's SGD convention: loss of all data before the epoch
            return criterion(self.model(X), Y).item()

    def _load_block(self, k: int) -> None:
        """Batch views for steps k … k + BLOCK_STEPS − 1 of this epoch, made in one split
        (one call instead of a slice per step, without holding a view per step of a long epoch)."""
        size = self.schedule.size
        start = k * size
        stop = min((k + BLOCK_STEPS) * size, self.dataset.n)
        if size == 1:  # one sample per step: shape (1,) views, exactly the tutorial's zip(X, Y)
            self._xs = self._epoch_X[start:stop].unbind(0)
            self._ys = self._epoch_Y[start:stop].unbind(0)
        else:
            self._xs = self._epoch_X[start:stop].split(size)
            self._ys = self._epoch_Y[start:stop].split(size)
        self._block_start = k

    def step(self) -> bool:
        """Take one step; return False (and do nothing) if the run is over."""
        if self._over:
            return False
        self.status = RunStatus.RUNNING
        k = self._k
        epoch = self._epoch
        epoch_loss = self._begin_epoch(epoch) if k == 0 else math.nan
        j = k - self._block_start
        if j >= len(self._xs):
            self._load_block(k)
            j = 0
        xb = self._xs[j]
        yb = self._ys[j]
        steerer = self.steerer
        if steerer is not None:
            steerer.before_step(self.steps_done)
            self._lr = steerer.lr
        model = self.model
        loss = criterion(model(xb), yb)
        backward(loss)
        w_t, b_t = model.w, model.b
        dw = w_t.grad.item()
        db = b_t.grad.item()
        self._update(xb, yb)
        if steerer is not None:
            steerer.after_step()
        loss_value = loss.item()
        if epoch_loss is None:
            epoch_loss = loss_value  # in-order batch GD: the batch loss is the full-data loss
        w = w_t.item()
        b = b_t.item()
        steps = self.steps_done = self.steps_done + 1
        samples = self.samples_seen = self.samples_seen + (xb.shape[0] if xb.ndim else 1)
        self._a_step(steps)
        self._a_epoch(epoch)
        self._a_samples(samples)
        self._a_w(w)
        self._a_b(b)
        self._a_loss(loss_value)
        self._a_dw(dw)
        self._a_db(db)
        self._a_full(self._full_loss)
        self._a_epoch_loss(epoch_loss)
        self._last_step = (epoch, k)
        self._w, self._b = w, b
        # full-data loss after the step, from the sufficient statistics (O(1), float64)
        mx, my, vxx, vxy, vyy = self._stats
        r = w * mx + b - my
        full = r * r + w * w * vxx - 2.0 * w * vxy + vyy
        self._full_loss = full
        k += 1
        if k == self.steps_per_epoch:
            k = 0
            self._epoch = epoch + 1
        self._k = k
        if not (full <= self._threshold and math.isfinite(loss_value)):  # also catches NaN
            self._full_loss = full if full == full else math.inf
            self._diverge(loss_value, epoch)
        elif self._stops is not None and self._stop_early(full):
            pass
        elif self.steps_done >= self.total_steps and grew_out(self._initial_full_loss, full, self.surface.min_loss):
            self._diverge(loss_value, epoch, slowly=True)
        elif self.steps_done >= self.total_steps:
            self.status = RunStatus.FINISHED
            self._over = True
            self.message = (f"Finished {self.config.epochs} epochs ({self.total_steps} steps): "
                            f"full-data loss {full:.6g}.")
        return True

    def _stop_early(self, full: float) -> bool:
        """End the run if one of its stopping rules holds after this step."""
        recent = self._recent_losses
        recent.append(full)
        ago = recent[0] if len(recent) == recent.maxlen else None
        gw, gb = self.surface.gradient(self._w, self._b)
        reason = self._stops.reason(self.steps_done, full, math.hypot(gw, gb), ago, self.samples_seen)
        if reason is None:
            return False
        self.status = RunStatus.FINISHED
        self._over = True
        self.stop_reason = reason
        self.message = f"Stopped at step {self.steps_done:,} of {self.total_steps:,}: {reason}."
        return True

    def steer(self, field: str, value: float) -> RunChange:
        """Set lr, momentum, beta1 or beta2 from the next step on, without starting again;
        returns the change as the run records it (the step it applies from). Raises
        ConfigError if the value is invalid or this optimiser has no such value."""
        change = RunChange(self.steps_done, field, float(value)).validate(self.total_steps)
        self.config.with_changes(changes=(*self.config.changes, *self.steered, change)).validate(self.dataset.n)
        if self.steerer is None:
            self.steerer = Steerer(self.config.schedule, (), self.optimizer, self._lr, self.total_steps,
                                   first_step=self.steps_done)
        self.steerer.set(field, change.value, self.steps_done)
        self._lr = self.steerer.lr
        self.steered.append(change)
        return change

    def _tutorial_step(self, _xb: torch.Tensor, _yb: torch.Tensor) -> None:
        """The tutorial's update ``p.data = p.data - lr * p.grad.data`` for both parameters.

        The same two float32 operations (lr·g rounded, then p − that rounded), done in place
        on the parameters' storage instead of through new ``.data`` wrappers: bit-identical
        to the tutorial's loop (tested), with fewer calls. The gradients are then dropped, which
        is how torch.optim zeroes them: the next backward writes fresh ones instead of adding
        to zeros.
        """
        w, b = self._params
        w_data, b_data = self._param_data
        lr = self._lr
        w_data.sub_(lr * w.grad)
        b_data.sub_(lr * b.grad)
        w.grad = None
        b.grad = None

    def _optim_step(self, _xb: torch.Tensor, _yb: torch.Tensor) -> None:
        """torch.optim's step, then its zero_grad (set_to_none), done directly on our two
        parameters instead of through the optimiser's param-group loop."""
        self.optimizer.step()
        w, b = self._params
        w.grad = None
        b.grad = None

    def _second_order_step(self, xb: torch.Tensor, yb: torch.Tensor) -> None:
        """Newton's or the diagonal step: the optimiser differentiates this batch's loss twice, so it
        gets a closure that computes the loss again (``model`` and ``criterion`` as in the step)."""
        model = self.model
        self.optimizer.step(lambda: criterion(model(xb), yb))
        w, b = self._params
        w.grad = None
        b.grad = None

    def run(self, max_steps: int) -> int:
        """Take up to ``max_steps`` steps (fewer if the run ends); return how many."""
        done = 0
        while done < max_steps and self.step():
            done += 1
        return done

    def _diverge(self, loss_value: float, epoch: int, slowly: bool = False) -> None:
        finite = math.isfinite(loss_value) and math.isfinite(self._w) and math.isfinite(self._b)
        self.status = RunStatus.DIVERGED
        self._over = True
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
        if slowly:
            growth = self._full_loss / max(self._initial_full_loss, 1e-300)
            self.message = (f"Diverging: after {self.steps_done} steps the full-data loss grew from "
                            f"{self._initial_full_loss:.3g} to {self._full_loss:.3g} (×{growth:,.0f}) instead "
                            f"of falling. {advice}")
            return
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
        if self._last_step is None:
            return np.empty(0, dtype=np.int64)
        epoch, k = self._last_step
        return self.schedule.indices_of(epoch, k)


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

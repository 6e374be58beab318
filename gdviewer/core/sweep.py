"""Learning-rate sweep: many runs of one configuration, one per learning rate, trained
together as one vectorised torch computation.

The K runs are K entries of parameter vectors w, b of shape (K,): every step evaluates all
K models on the same batch as a (K, B) array, and one ``backward`` gives all K gradients
(the runs do not interact, so the gradient of the summed losses is each run's own). The
plain update is ``p - lr * g`` with a vector of learning rates. The torch.optim optimisers
scale their step by lr and otherwise do not depend on it, so each is run once with lr = 1
on a stand-in tensor whose change, times each run's lr, is that run's step. The second-order
optimisers (Newton, diagonal) have no state but need the batch loss's curvature: each run's
direction comes from the runs' own w, b and the summed batch loss (the runs' Hessians do not mix).
A run with a schedule (or lr changes) keeps its shape: each swept rate scales its whole lr(t).
Its other changes (momentum, betas) and early stops are not swept: every run goes to the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import torch

from gdviewer.core.batching import BatchSchedule
from gdviewer.core.config import SECOND_ORDER_OPTIMIZERS, RunConfig
from gdviewer.core.data import Dataset
from gdviewer.core.optimizers import make_optimizer
from gdviewer.core.surface import LossSurface, stable_learning_rate
from gdviewer.core.trainer import DIVERGENCE_FACTOR, grew_out

MAX_RUNS = 1000


@dataclass(frozen=True)
class SweepResult:
    """Final state of each run, in the order of ``learning_rates``."""

    learning_rates: np.ndarray  # (K,)
    final_loss: np.ndarray  # full-data loss at the end; inf where the run diverged
    final_w: np.ndarray
    final_b: np.ndarray
    diverged: np.ndarray  # bool
    diverged_at_step: np.ndarray  # 1-based step of divergence, 0 where none
    stable_lr: float | None  # the largest stable learning rate for this setting, if one exists
    min_loss: float  # least-squares loss, the best any run can reach

    @property
    def first_divergent_lr(self) -> float | None:
        lrs = self.learning_rates[self.diverged]
        return float(lrs.min()) if lrs.size else None


def log_spaced(low: float, high: float, count: int) -> np.ndarray:
    return np.geomspace(low, high, count)


def sweep_learning_rates(dataset: Dataset, config: RunConfig, learning_rates: np.ndarray,
                         progress: Callable[[float], None] | None = None) -> SweepResult:
    """Train ``config`` once per learning rate, all together; returns each run's end state.

    ``progress(fraction)`` is called after every epoch; an exception it raises (a cancel)
    stops the sweep there.
    """
    lrs = np.asarray(learning_rates, dtype=np.float64).reshape(-1)
    if lrs.size < 1 or lrs.size > MAX_RUNS:
        raise ValueError(f"between 1 and {MAX_RUNS} learning rates, got {lrs.size}")
    for lr in lrs:  # every rate must be valid on its own
        replace(config, lr=float(lr)).validate(dataset.n)
    k = lrs.size
    surface = LossSurface.from_data(dataset.x, dataset.y)
    w = torch.full((k,), float(config.init_w), requires_grad=True)
    b = torch.full((k,), float(config.init_b), requires_grad=True)
    lr_t = torch.tensor(lrs, dtype=torch.float32)
    live = torch.ones(k, dtype=torch.bool)
    stepper = _Stepper(config, k, w, b)
    schedule = BatchSchedule(config.algorithm, config.batch_size, dataset.n, config.shuffle, config.shuffle_seed)
    X, Y = dataset.X.reshape(-1), dataset.Y.reshape(-1)
    scale = max(float(surface.loss(config.init_w, config.init_b)), float(np.mean(dataset.y.astype(np.float64) ** 2)),
                1e-12)
    threshold = DIVERGENCE_FACTOR * scale
    diverged_at = np.zeros(k, dtype=np.int64)
    steered = not config.schedule.constant or any(c.field == "lr" for c in config.changes)
    step = 0
    for epoch in range(config.epochs):
        if progress is not None:
            progress(epoch / config.epochs)
        schedule.begin_epoch(epoch)
        perm = schedule.permutation
        Xe, Ye = (X, Y) if perm is None else (X[perm], Y[perm])
        for j in range(schedule.steps_per_epoch):
            start, stop = schedule.bounds(j)
            xb, yb = Xe[start:stop], Ye[start:stop]
            _summed_loss(w, b, xb, yb).backward()
            with torch.no_grad():
                dw, db = stepper.steps(w.grad, b.grad, partial(_summed_loss, w, b, xb, yb))
                # the run's own learning-rate profile (its schedule, its lr changes) scaled to each rate
                profile = config.lr_at(step, dataset.n) / config.lr if steered else 1.0
                rate = torch.where(live, lr_t * profile, torch.zeros_like(lr_t))  # diverged runs stay put
                w.sub_(rate * dw)
                b.sub_(rate * db)
            w.grad = None
            b.grad = None
            step += 1
            wn, bn = w.detach().numpy().astype(np.float64), b.detach().numpy().astype(np.float64)
            with np.errstate(over="ignore", invalid="ignore"):
                full = surface.loss(wn, bn)
            bad = live.numpy() & ~(full <= threshold)  # also catches NaN
            if bad.any():
                diverged_at[bad] = step
                live &= ~torch.from_numpy(bad)
            if not live.any():
                break
        if not live.any():
            break
    wn, bn = w.detach().numpy().astype(np.float64), b.detach().numpy().astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        final = np.asarray(surface.loss(wn, bn), dtype=np.float64)
    initial = float(surface.loss(config.init_w, config.init_b))
    for i in np.flatnonzero(diverged_at == 0):  # the single run's rule: ended far worse than it began
        if grew_out(initial, float(final[i]), surface.min_loss):
            diverged_at[i] = step
    diverged = diverged_at > 0
    final = np.where(diverged | ~np.isfinite(final), math.inf, final)
    return SweepResult(
        learning_rates=lrs, final_loss=final, final_w=wn, final_b=bn, diverged=diverged,
        diverged_at_step=diverged_at,
        stable_lr=stable_learning_rate(surface, dataset.x, config.algorithm, config.batch_size,
                                       config.optimizer, config.momentum),
        min_loss=surface.min_loss)


def _summed_loss(w: torch.Tensor, b: torch.Tensor, xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
    """The K runs' batch losses, summed: its gradient (and Hessian) is each run's own."""
    pred = w[:, None] * xb[None, :] + b[:, None]
    losses = torch.mean((pred - yb[None, :]) ** 2, dim=1)
    return losses.sum()


class _Stepper:
    """The per-run step direction (the step is −lr × this) for the configured optimiser."""

    def __init__(self, config: RunConfig, k: int, w: torch.Tensor, b: torch.Tensor) -> None:
        self.plain = config.optimizer in ("gd", "sgd")
        self.second_order = config.optimizer in SECOND_ORDER_OPTIMIZERS
        if self.second_order:
            # no state to keep per run: the direction is the runs' own gradient over the batch's curvature
            self.optimizer = make_optimizer(replace(config, lr=1.0), [w, b])
        elif not self.plain:
            # one torch.optim optimiser at lr = 1 over stand-ins for all K runs' w and b
            self.u = torch.zeros(k, requires_grad=True)
            self.v = torch.zeros(k, requires_grad=True)
            self.optimizer = make_optimizer(replace(config, lr=1.0), [self.u, self.v])

    def steps(self, gw: torch.Tensor, gb: torch.Tensor,
              batch_loss: Callable[[], torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """``gw``, ``gb``: the runs' gradients (also in w.grad, b.grad); ``batch_loss()``: their
        summed batch loss again, for the second-order optimisers' curvature."""
        if self.plain:
            return gw, gb
        if self.second_order:
            dw, db = self.optimizer.direction(batch_loss)
            return dw, db
        before_u, before_v = self.u.detach().clone(), self.v.detach().clone()
        self.u.grad, self.v.grad = gw.clone(), gb.clone()
        self.optimizer.step()
        return before_u - self.u.detach(), before_v - self.v.detach()

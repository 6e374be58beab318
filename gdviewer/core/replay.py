"""Which moment of each run the window shows: the live end, or where the timeline's cursor
is, and the same moment of the other runs on the race's clock. Plain numpy on histories, so
it is tested without Qt."""

from __future__ import annotations

import numpy as np

from gdviewer.core.batching import indices_for_step
from gdviewer.core.config import RunConfig
from gdviewer.core.history import History


def shown_steps(live: int, view_step: int | None) -> int:
    """Steps shown of a run with ``live`` steps: all, or up to the timeline cursor."""
    return live if view_step is None else min(view_step, live)


def params_at(history: History, k: int) -> tuple[float, float]:
    """(w, b) after step k (k ≤ 0: the start point)."""
    if k <= 0:
        return history.initial_w, history.initial_b
    return float(history.column("w")[k - 1]), float(history.column("b")[k - 1])


def same_moment(clock: str, k: int, shown: tuple[History, RunConfig], other: tuple[History, RunConfig],
                n_points: int) -> int:
    """Steps of the ``other`` run at the moment when the ``shown`` run has taken ``k`` steps,
    on the race's ``clock`` ("step", "epoch" or "samples" seen)."""
    history, config = shown
    other_history, other_config = other
    n = len(other_history)
    if clock == "step":
        return min(k, n)
    if clock == "epoch":
        shown_spe = config.steps_per_epoch(n_points)
        spe = other_config.steps_per_epoch(n_points)
        return min(n, int(k / shown_spe * spe + 1e-9))
    seen = int(history.column("samples")[k - 1]) if k else 0
    return int(np.searchsorted(other_history.column("samples"), seen, side="right"))


def batch_of_step(config: RunConfig, n_points: int, k: int) -> np.ndarray:
    """Sample indices step k used (empty at step 0), recomputed from the run's settings."""
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    return indices_for_step(config.algorithm, config.batch_size, n_points, config.shuffle, config.shuffle_seed, k)

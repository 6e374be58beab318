"""Which samples each step uses: batch (all), stochastic (one), mini-batch (B).

The schedule is deterministic: in order unless shuffled, and a shuffled schedule draws
each epoch's permutation from its own generator seeded with ``shuffle_seed``, so a run
can be replayed exactly and the UI can highlight the samples of any step.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch


def batch_size_for(algorithm: str, batch_size: int, n: int) -> int:
    """Samples per step for ``algorithm`` on ``n`` samples."""
    if algorithm == "batch":
        return n
    if algorithm == "stochastic":
        return 1
    return min(batch_size, n)


def steps_per_epoch(algorithm: str, batch_size: int, n: int) -> int:
    """1 for batch, N for stochastic, ⌈N/B⌉ for mini-batch."""
    return math.ceil(n / batch_size_for(algorithm, batch_size, n))


class BatchSchedule:
    """Index ranges (or index tensors, when shuffled) for every step of every epoch."""

    def __init__(self, algorithm: str, batch_size: int, n: int, shuffle: bool = False, seed: int = 0) -> None:
        self.n = n
        self.size = batch_size_for(algorithm, batch_size, n)
        self.steps_per_epoch = steps_per_epoch(algorithm, batch_size, n)
        self.shuffle = shuffle and self.size < n
        self._seed = seed
        self._generator: torch.Generator | None = None
        self._epoch = -1
        self._perm: torch.Tensor | None = None

    def bounds(self, step_in_epoch: int) -> tuple[int, int]:
        """Start and end (exclusive) positions of a step within the epoch's order."""
        start = step_in_epoch * self.size
        return start, min(start + self.size, self.n)

    def begin_epoch(self, epoch: int) -> None:
        """Draw the permutation for ``epoch`` (epochs must be begun in order)."""
        if self.shuffle:
            import torch

            if self._generator is None:
                self._generator = torch.Generator().manual_seed(self._seed)
            while self._epoch < epoch:
                self._perm = torch.randperm(self.n, generator=self._generator)
                self._epoch += 1
        self._epoch = epoch

    @property
    def permutation(self) -> torch.Tensor | None:
        """The current epoch's sample order, or None when samples go in order."""
        return self._perm

    def indices_of(self, epoch: int, step_in_epoch: int) -> np.ndarray:
        """Sample indices of a step of the current epoch (or of any epoch, when in order)."""
        start, stop = self.bounds(step_in_epoch)
        if self._perm is None:
            return np.arange(start, stop, dtype=np.int64)
        if epoch != self._epoch:
            raise ValueError("indices of a shuffled step are known only during its epoch")
        return self._perm[start:stop].numpy().astype(np.int64)

    def indices(self, step_in_epoch: int) -> slice | torch.Tensor:
        """A slice (in order) or an index tensor (shuffled) for the current epoch."""
        start, stop = self.bounds(step_in_epoch)
        if self._perm is None:
            return slice(start, stop)
        return self._perm[start:stop]


def indices_for_step(algorithm: str, batch_size: int, n: int, shuffle: bool, seed: int, step: int) -> np.ndarray:
    """Sample indices used by 1-based ``step`` of a run, recomputed from its settings.

    In order this is a range; shuffled, the epoch's permutation is drawn again from the
    seeded generator (the same sequence the trainer drew), so any past step can be shown.
    """
    schedule = BatchSchedule(algorithm, batch_size, n, shuffle, seed)
    epoch, k = divmod(step - 1, schedule.steps_per_epoch)
    schedule.begin_epoch(epoch)
    return schedule.indices_of(epoch, k)

"""Several runs on the same data, advanced together on a shared clock.

The clock decides what "at the same time" means when runs take steps of different sizes:
per **step** every run takes its steps in turn; per **epoch** a run with 100 steps an epoch
(SGD) takes 100 steps for each one of a run with 1 (batch GD); per **samples** seen (gradient
evaluations, the fair cost axis) a step of B samples counts B times. The run furthest behind
on the clock always takes the next step, so the runs stay aligned step by step.
"""

from __future__ import annotations

from gdviewer.core.config import CLOCKS
from gdviewer.core.history import Chunk
from gdviewer.core.trainer import RunStatus, Trainer

__all__ = ["CLOCKS", "CLOCK_LABELS", "Race"]

CLOCK_LABELS = {"epoch": "per epoch", "step": "per step", "samples": "per samples seen"}


class Race:
    """Trainers advanced one step at a time, always the one furthest behind on ``clock``."""

    def __init__(self, trainers: list[Trainer], clock: str = "epoch") -> None:
        if not trainers:
            raise ValueError("a race needs at least one run")
        if clock not in CLOCKS:
            raise ValueError(f"clock must be one of {', '.join(CLOCKS)}, got {clock!r}")
        self.trainers = trainers
        self.clock = clock

    def time_of(self, trainer: Trainer) -> float:
        """Where ``trainer`` is on the clock."""
        if self.clock == "step":
            return float(trainer.steps_done)
        if self.clock == "epoch":
            return trainer.steps_done / trainer.steps_per_epoch
        return trainer.samples_seen / trainer.dataset.n

    @property
    def done(self) -> bool:
        return all(t.done for t in self.trainers)

    @property
    def steps_done(self) -> int:
        return sum(t.steps_done for t in self.trainers)

    def next_index(self) -> int | None:
        """The run that takes the next step (furthest behind; ties: first in the list)."""
        best: int | None = None
        best_time = 0.0
        for i, t in enumerate(self.trainers):
            if t.done:
                continue
            when = self.time_of(t)
            if best is None or when < best_time:
                best, best_time = i, when
        return best

    def step(self) -> bool:
        i = self.next_index()
        if i is None:
            return False
        return self.trainers[i].step()

    def run(self, max_steps: int) -> int:
        done = 0
        while done < max_steps and self.step():
            done += 1
        return done

    def steps_to_next_epoch(self) -> int:
        """Steps until every live run has finished its current epoch."""
        total = 0
        for t in self.trainers:
            if not t.done:
                spe = t.steps_per_epoch
                total += spe - t.steps_done % spe
        return total

    def stop(self) -> None:
        for t in self.trainers:
            t.stop()

    def take_chunk(self) -> dict[int, Chunk] | None:
        """Records of every run since the last call, by run index (None if nothing new)."""
        chunks = {}
        for i, t in enumerate(self.trainers):
            chunk = t.take_chunk()
            if chunk is not None:
                chunks[i] = chunk
        return chunks or None

    @property
    def status(self) -> RunStatus:
        """DIVERGED if any run diverged, else the shared final state (or RUNNING)."""
        statuses = [t.status for t in self.trainers]
        if RunStatus.DIVERGED in statuses:
            return RunStatus.DIVERGED
        if all(s is RunStatus.FINISHED for s in statuses):
            return RunStatus.FINISHED
        if all(s.is_final for s in statuses):
            return RunStatus.STOPPED
        return RunStatus.RUNNING

    @property
    def message(self) -> str:
        if len(self.trainers) == 1:
            return self.trainers[0].message
        return " ".join(f"Run {i + 1}: {t.message}" for i, t in enumerate(self.trainers) if t.message)

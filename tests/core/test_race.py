"""Runs racing on a shared clock: aligned at every step, and each exactly as if alone."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core import RunConfig, Trainer, synthetic, train
from gdviewer.core.race import Race

RUNS = [
    RunConfig(algorithm="batch", lr=0.1, epochs=6),
    RunConfig(algorithm="stochastic", lr=0.01, epochs=6),
    RunConfig(algorithm="minibatch", batch_size=30, lr=0.02, epochs=6, shuffle=True, shuffle_seed=2),
]


def clock_time(trainer: Trainer, clock: str) -> float:
    """Independent reading of the clock: steps, epochs, or samples seen / N."""
    if clock == "step":
        return trainer.steps_done
    if clock == "epoch":
        return trainer.steps_done / trainer.steps_per_epoch
    return trainer.samples_seen / 100


@pytest.mark.parametrize("clock", ["epoch", "step", "samples"])
def test_the_run_furthest_behind_always_steps_next(clock):
    ds = synthetic()
    race = Race([Trainer(ds, c) for c in RUNS], clock)
    while not race.done:
        live = [t for t in race.trainers if not t.done]
        behind = min(clock_time(t, clock) for t in live)
        chosen = race.trainers[race.next_index()]
        assert clock_time(chosen, clock) == behind
        race.step()
    assert all(t.status.value == "finished" for t in race.trainers)


@pytest.mark.parametrize("clock", ["epoch", "samples"])
def test_on_the_epoch_clock_runs_finish_each_epoch_together(clock):
    ds = synthetic()
    race = Race([Trainer(ds, c) for c in RUNS], clock)
    for epoch in range(1, 7):
        while any(t.steps_done < epoch * t.steps_per_epoch for t in race.trainers):
            race.step()
        # nobody is more than one of its own steps into the next epoch
        assert all(t.steps_done <= epoch * t.steps_per_epoch + 1 for t in race.trainers)


def test_on_the_step_clock_step_counts_never_differ_by_more_than_one():
    ds = synthetic()
    race = Race([Trainer(ds, c) for c in RUNS], "step")
    for _ in range(150):
        race.step()
        live = [t.steps_done for t in race.trainers if not t.done]
        assert max(live) - min(live) <= 1


@pytest.mark.parametrize("clock", ["epoch", "step", "samples"])
def test_racing_does_not_change_any_run(clock):
    ds = synthetic()
    race = Race([Trainer(ds, c) for c in RUNS], clock)
    histories = [t.new_history() for t in race.trainers]
    while not race.done:
        race.run(37)
        for i, chunk in (race.take_chunk() or {}).items():
            histories[i].append(chunk)
    for config, history in zip(RUNS, histories, strict=True):
        alone, _ = train(ds, config)
        for column in ("w", "b", "loss", "dw", "db", "samples"):
            np.testing.assert_array_equal(history.column(column), alone.column(column))


def test_steps_to_next_epoch_counts_every_live_run():
    ds = synthetic()
    race = Race([Trainer(ds, c) for c in RUNS], "epoch")
    assert race.steps_to_next_epoch() == 1 + 100 + 4
    race.run(race.steps_to_next_epoch())
    assert [t.steps_done for t in race.trainers] == [1, 100, 4]


def test_a_diverging_run_does_not_stop_the_others():
    ds = synthetic()
    race = Race([Trainer(ds, RunConfig(algorithm="stochastic", lr=0.1, epochs=3)),
                 Trainer(ds, RunConfig(algorithm="batch", lr=0.1, epochs=3))], "epoch")
    while race.step():
        pass
    assert [t.status.value for t in race.trainers] == ["diverged", "finished"]
    assert race.status.value == "diverged"
    assert "Run 1" in race.message and "Diverged" in race.message


def test_bad_race_arguments():
    with pytest.raises(ValueError, match="at least one run"):
        Race([], "epoch")
    with pytest.raises(ValueError, match="clock must be one of"):
        Race([Trainer(synthetic(), RunConfig())], "hours")

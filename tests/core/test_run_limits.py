"""A run is bounded: at most MAX_TOTAL_STEPS steps, refused up front with the number of epochs that would fit;
and a long run's history reserves a bounded buffer, growing only when the steps arrive."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core import Chunk, ConfigError, DataConfig, History, RunConfig, Trainer, synthetic
from gdviewer.core.config import MAX_EPOCHS, MAX_TOTAL_STEPS
from gdviewer.core.history import COLUMNS

RESERVE_LIMIT = 2**20


def steps_per_epoch(algorithm: str, n_points: int, batch_size: int = 10) -> int:
    """Written out here: batch takes 1 step an epoch, stochastic one per point, mini-batch ⌈n / size⌉."""
    if algorithm == "batch":
        return 1
    if algorithm == "stochastic":
        return n_points
    return (n_points + batch_size - 1) // batch_size


def test_the_limits_are_the_documented_ones():
    assert MAX_TOTAL_STEPS == 10_000_000
    assert MAX_EPOCHS == 1_000_000


TOO_LONG = [
    # (algorithm, batch_size, n_points, epochs)
    ("stochastic", 10, 100, 100_001),
    ("stochastic", 10, 100_000, 101),
    ("stochastic", 10, 10_000_000, 2),
    ("stochastic", 10, 3_000_000, 4),
    ("minibatch", 10, 100_000, 1_001),
    ("minibatch", 3, 100, 294_118),
    ("minibatch", 7, 1_000_000, 71),
]


@pytest.mark.parametrize(("algorithm", "batch_size", "n_points", "epochs"), TOO_LONG)
def test_a_run_over_the_step_limit_is_refused_naming_the_epochs_allowed(algorithm, batch_size, n_points, epochs):
    per_epoch = steps_per_epoch(algorithm, n_points, batch_size)
    assert per_epoch * epochs > MAX_TOTAL_STEPS  # the case is what it claims
    allowed = MAX_TOTAL_STEPS // per_epoch
    config = RunConfig(algorithm=algorithm, batch_size=batch_size, epochs=epochs)
    with pytest.raises(ConfigError) as info:
        config.validate(n_points)
    assert info.value.field == "epochs"
    message = info.value.message
    assert f"at most {allowed:,} epochs" in message
    assert f"{MAX_TOTAL_STEPS:,} steps" in message
    assert f"{per_epoch * epochs:,} steps" in message  # how long the run would have been
    # and the number it suggests is accepted
    config.with_changes(epochs=allowed).validate(n_points)


@pytest.mark.parametrize(("algorithm", "batch_size", "n_points", "epochs"), TOO_LONG)
def test_the_longest_allowed_run_is_accepted_and_one_more_epoch_is_not(algorithm, batch_size, n_points, epochs):
    allowed = MAX_TOTAL_STEPS // steps_per_epoch(algorithm, n_points, batch_size)
    config = RunConfig(algorithm=algorithm, batch_size=batch_size, epochs=allowed)
    assert config.validate(n_points) is config
    with pytest.raises(ConfigError):
        config.with_changes(epochs=allowed + 1).validate(n_points)


def test_exactly_max_total_steps_is_accepted():
    for config, n in ((RunConfig(algorithm="stochastic", epochs=100), 100_000),  # 10,000,000 steps
                      (RunConfig(algorithm="stochastic", epochs=1), MAX_TOTAL_STEPS),
                      (RunConfig(algorithm="minibatch", batch_size=10, epochs=1000), 100_000)):
        assert config.total_steps(n) == MAX_TOTAL_STEPS and config.validate(n) == config


def test_stochastic_1000_epochs_on_100_points_is_accepted():
    config = RunConfig(algorithm="stochastic", epochs=1000)
    assert config.validate(100) is config  # 100,000 steps
    trainer = Trainer(synthetic(), config)
    assert trainer.total_steps == 100_000


def test_batch_runs_are_bounded_by_the_epoch_limit_and_the_work_limit():
    RunConfig(algorithm="batch", epochs=MAX_EPOCHS).validate(10_000)
    with pytest.raises(ConfigError, match="sample gradients"):  # issue 13: 10¹³ sample gradients ran for minutes
        RunConfig(algorithm="batch", epochs=MAX_EPOCHS).validate(MAX_TOTAL_STEPS)
    with pytest.raises(ConfigError) as info:
        RunConfig(algorithm="batch", epochs=MAX_EPOCHS + 1).validate(100)
    assert info.value.field == "epochs"


def test_without_a_data_size_the_step_limit_is_not_checked():
    config = RunConfig(algorithm="stochastic", epochs=MAX_EPOCHS)
    assert config.validate() == config


def test_the_trainer_refuses_a_run_over_the_limit():
    data = synthetic(DataConfig(n_points=100))
    with pytest.raises(ConfigError) as info:
        Trainer(data, RunConfig(algorithm="stochastic", epochs=100_001))
    assert info.value.field == "epochs" and "at most 100,000 epochs" in info.value.message


# --- the history of a long run ------------------------------------------------------------------

def rows(first_step: int, count: int) -> Chunk:
    """``count`` consecutive step records starting at ``first_step``; w holds the step number."""
    steps = np.arange(first_step, first_step + count, dtype=np.int64)
    columns = {name: np.zeros(count, dtype=dt) for name, dt in COLUMNS.items()}
    columns["step"] = steps
    columns["w"] = steps.astype(np.float32)
    return Chunk(columns=columns, batch_indices=np.empty(0, dtype=np.int64))


@pytest.mark.parametrize(("epochs", "n_points", "expected"), [
    (10_000, 100, 1_000_000),           # 1,000,000 steps: reserved exactly, under the limit
    (100_000, 100, RESERVE_LIMIT),      # 10,000,000 steps: capped at 2**20
    (20, 100, 2_000),                   # the tutorial's SGD run: exactly its 2,000 steps
])
def test_new_history_reserves_at_most_2_to_the_20_rows(epochs, n_points, expected):
    trainer = Trainer(synthetic(DataConfig(n_points=n_points)), RunConfig(algorithm="stochastic", epochs=epochs))
    assert trainer.total_steps == epochs * n_points
    history = trainer.new_history()
    assert len(history) == 0
    assert history.capacity == expected == min(trainer.total_steps, RESERVE_LIMIT)
    assert history.nbytes() == expected * sum(dt.itemsize for dt in COLUMNS.values())
    assert (history.initial_w, history.initial_b) == (-10.0, -20.0)


def test_a_million_step_history_grows_when_appended_past_its_reservation():
    trainer = Trainer(synthetic(), RunConfig(algorithm="stochastic", epochs=10_000))
    history = trainer.new_history()
    reserved = history.capacity
    assert reserved == 1_000_000 <= RESERVE_LIMIT
    history.append(rows(1, reserved))
    assert len(history) == reserved and history.capacity == reserved  # full, not grown yet
    history.append(rows(reserved + 1, 5))
    assert len(history) == reserved + 5
    assert history.capacity > reserved
    # every row kept, in order, across the growth
    np.testing.assert_array_equal(history.step, np.arange(1, reserved + 6))
    np.testing.assert_array_equal(history.w[[0, reserved - 1, reserved, reserved + 4]],
                                  np.float32([1, reserved, reserved + 1, reserved + 5]))


def test_a_capped_history_grows_past_2_to_the_20_rows():
    trainer = Trainer(synthetic(), RunConfig(algorithm="stochastic", epochs=100_000))
    history = trainer.new_history()
    assert history.capacity == RESERVE_LIMIT
    for start in range(1, RESERVE_LIMIT + 1, 2**18):
        history.append(rows(start, 2**18))
    assert history.capacity == RESERVE_LIMIT
    history.append(rows(RESERVE_LIMIT + 1, 1))
    assert len(history) == RESERVE_LIMIT + 1 and history.capacity > RESERVE_LIMIT
    assert history.step[-1] == RESERVE_LIMIT + 1 and history.w[2**18] == 2**18 + 1


def test_history_default_capacity_grows_too():
    history = History()
    reserved = history.capacity
    history.append(rows(1, reserved + 1))
    assert len(history) == reserved + 1 and history.capacity > reserved
    np.testing.assert_array_equal(history.step, np.arange(1, reserved + 2))

"""A run that blows up ends with status "diverged" and a useful message; it never raises or hangs."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gdviewer.core import Dataset, LossSurface, RunConfig, RunStatus, Trainer, synthetic, train


@pytest.fixture(scope="module")
def data():
    return synthetic()


def per_sample_limit(x: np.ndarray) -> float:
    """One sample's loss (w·x + b − y)² has Hessian 2·[x, 1]ᵀ[x, 1], eigenvalue 2(1 + x²): lr < 1/(1 + x²)."""
    return 1.0 / (1.0 + float(np.max(np.asarray(x, dtype=np.float64) ** 2)))


def test_stochastic_lr_0_1_diverges_with_a_message(data):
    history, trainer = train(data, RunConfig(algorithm="stochastic", lr=0.1))
    assert trainer.status is RunStatus.DIVERGED
    assert trainer.done
    assert 1 <= trainer.steps_done < 100  # within the first epoch, not after 2000 steps
    assert len(history) == trainer.steps_done
    msg = trainer.message
    assert msg.startswith("Diverged")
    assert f"step {trainer.steps_done}" in msg
    limit = per_sample_limit(data.x)  # 1/26 on x ∈ [−5, 5)
    assert math.isclose(limit, 1 / 26)
    assert f"{limit:.3g}" in msg  # the stable limit, 0.0385
    assert "0.1" in msg  # and the learning rate that broke it
    assert math.isclose(trainer.stable_lr, limit, rel_tol=1e-12)


def test_stochastic_below_the_per_sample_limit_does_not_diverge(data):
    _, trainer = train(data, RunConfig(algorithm="stochastic", lr=0.9 * per_sample_limit(data.x), epochs=3))
    assert trainer.status is RunStatus.FINISHED


def test_divergence_records_the_steps_taken_and_stops(data):
    trainer = Trainer(data, RunConfig(algorithm="stochastic", lr=0.1))
    taken = trainer.run(10_000)
    assert trainer.status is RunStatus.DIVERGED
    assert taken == trainer.steps_done < 100
    chunk = trainer.take_chunk()
    assert chunk is not None and len(chunk) == taken
    # a diverged run takes no further steps
    assert trainer.step() is False
    assert trainer.run(5) == 0
    assert trainer.take_chunk() is None
    assert trainer.status is RunStatus.DIVERGED


def test_infinite_loss_is_a_divergence_not_an_exception():
    # x = ±1e10 with w = 1e12: the residual is 1e22 and its square overflows float32 at the first step
    ds = Dataset.from_arrays(np.array([1e10, -1e10, 5e9, 3.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    history, trainer = train(ds, RunConfig(init_w=1e12, lr=0.1))
    assert trainer.status is RunStatus.DIVERGED
    assert trainer.steps_done == 1 and len(history) == 1
    assert not np.isfinite(history.loss[0])
    assert "infinite or NaN" in trainer.message
    assert "step 1" in trainer.message


def test_overflow_below_the_stable_limit_does_not_blame_the_learning_rate():
    ds = Dataset.from_arrays(np.array([1e10, -1e10, 5e9, 3.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    surface = LossSurface.from_data(ds.x, ds.y)
    lr = surface.critical_learning_rate / 10
    _, trainer = train(ds, RunConfig(init_w=1e12, lr=lr))
    assert trainer.status is RunStatus.DIVERGED
    assert "infinite or NaN" in trainer.message
    assert "is above the stable limit" not in trainer.message


def test_nan_parameters_end_the_run():
    # An Adam step of 1e6 from a point whose gradient is already infinite gives w = nan (inf − inf)
    ds = Dataset.from_arrays(np.array([1e15, -1e15, 1.0]), np.array([0.0, 1.0, 2.0]))
    history, trainer = train(ds, RunConfig(optimizer="adam", lr=1e6, init_w=1e12, epochs=50))
    assert trainer.status is RunStatus.DIVERGED
    assert trainer.steps_done == 1
    assert np.isnan(history.w[0])
    assert "infinite or NaN" in trainer.message


def test_adaptive_optimiser_divergence_says_try_a_smaller_rate(data):
    _, trainer = train(data, RunConfig(optimizer="adam", lr=1e6, epochs=50))
    assert trainer.status is RunStatus.DIVERGED
    assert trainer.stable_lr is None
    assert "smaller learning rate" in trainer.message


def test_batch_above_two_over_lambda_max_diverges_and_below_converges(data):
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    # the Hessian of the MSE, written out: 2·[[mean x², mean x], [mean x, 1]]
    H = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    lr_crit = 2 / np.linalg.eigvalsh(H).max()
    _, above = train(data, RunConfig(lr=1.5 * lr_crit, epochs=500))
    assert above.status is RunStatus.DIVERGED
    assert re.search(r"Diverged at step \d+", above.message)
    assert f"{lr_crit:.3g}" in above.message
    _, below = train(data, RunConfig(lr=0.5 * lr_crit, epochs=500))
    assert below.status is RunStatus.FINISHED
    w_opt, b_opt = np.polyfit(x, y, 1)
    np.testing.assert_allclose(below.params, (w_opt, b_opt), atol=1e-4)


def test_divergence_never_hangs(data):
    # 10,000 epochs of 100 steps would take minutes; divergence must end it within a few steps
    history, trainer = train(data, RunConfig(algorithm="stochastic", lr=0.5, epochs=10_000))
    assert trainer.status is RunStatus.DIVERGED
    assert trainer.steps_done < 50
    assert len(history) == trainer.steps_done
    history, trainer = train(data, RunConfig(lr=1e6, epochs=1_000_000))
    assert trainer.status is RunStatus.DIVERGED
    assert trainer.steps_done < 10


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adagrad"])
def test_every_optimiser_diverges_cleanly_at_a_huge_learning_rate(data, optimizer):
    _, trainer = train(data, RunConfig(optimizer=optimizer, algorithm="minibatch", batch_size=10, lr=1e5,
                                       epochs=1000))
    assert trainer.status is RunStatus.DIVERGED
    assert trainer.steps_done < 100
    assert trainer.message.startswith("Diverged at step")


def test_stop_ends_a_run_between_steps(data):
    trainer = Trainer(data, RunConfig(algorithm="stochastic", lr=0.01))
    assert trainer.run(7) == 7
    trainer.stop()
    assert trainer.status is RunStatus.STOPPED
    assert "7" in trainer.message and str(trainer.total_steps) in trainer.message
    assert trainer.step() is False
    chunk = trainer.take_chunk()
    assert chunk is not None and len(chunk) == 7

"""Learning-rate sweep: K runs trained together end exactly where K single runs end.

The reference for each rate is the engine's own single run (``train``), which other tests
tie to the tutorial's loops and to plain torch.optim. The sweep must agree on whether the
run diverged, at which step, and otherwise on the final (w, b).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviewer.core import ConfigError, RunConfig, RunStatus, synthetic, train
from gdviewer.core.sweep import MAX_RUNS, SweepResult, log_spaced, sweep_learning_rates

RATES = log_spaced(1e-4, 1.0, 100)
#: A sample of the 100 rates: both ends, around the divergence edges, and in between.
SAMPLE = [0, 13, 37, 58, 66, 70, 72, 75, 80, 99]


@pytest.fixture(scope="module")
def data():
    return synthetic()


def assert_matches_single_runs(data, config: RunConfig, indices, rates: np.ndarray = RATES) -> SweepResult:
    result = sweep_learning_rates(data, config, rates)
    np.testing.assert_array_equal(result.learning_rates, rates)
    for i in indices:
        lr = float(rates[i])
        _, trainer = train(data, config.with_changes(lr=lr))
        diverged = trainer.status is RunStatus.DIVERGED
        assert bool(result.diverged[i]) == diverged, f"lr {lr:g}"
        if diverged:
            assert result.diverged_at_step[i] == trainer.steps_done, f"lr {lr:g}"
            assert result.final_loss[i] == math.inf
        else:
            assert trainer.status is RunStatus.FINISHED
            assert result.diverged_at_step[i] == 0
            np.testing.assert_allclose([result.final_w[i], result.final_b[i]], trainer.params,
                                       rtol=1e-4, atol=1e-5, err_msg=f"lr {lr:g}")
            w, b = trainer.params
            assert result.final_loss[i] == pytest.approx(float(trainer.surface.loss(w, b)), rel=1e-3)
    return result


def test_log_spaced_is_geometric_from_low_to_high():
    lrs = log_spaced(1e-4, 1.0, 100)
    assert lrs.shape == (100,)
    assert lrs[0] == pytest.approx(1e-4, rel=1e-12) and lrs[-1] == pytest.approx(1.0, rel=1e-12)
    ratios = lrs[1:] / lrs[:-1]
    np.testing.assert_allclose(ratios, 10 ** (4 / 99), rtol=1e-10)


def test_stochastic_gd_sweep_equals_single_runs(data):
    result = assert_matches_single_runs(data, RunConfig(algorithm="stochastic", lr=0.01, epochs=20), SAMPLE)
    # the sample covers both outcomes: small rates finish, large ones diverge
    assert not result.diverged[SAMPLE[0]] and result.diverged[SAMPLE[-1]]


def test_batch_gd_sweep_equals_single_runs(data):
    result = assert_matches_single_runs(data, RunConfig(epochs=50), range(100))
    assert 0 < result.diverged.sum() < 100


def test_minibatch_shuffled_adam_sweep_equals_single_runs(data):
    config = RunConfig(algorithm="minibatch", batch_size=10, shuffle=True, shuffle_seed=5, optimizer="adam",
                       epochs=20)
    assert_matches_single_runs(data, config, SAMPLE)


def test_momentum_sweep_equals_single_runs(data):
    result = assert_matches_single_runs(data, RunConfig(optimizer="momentum", momentum=0.9, epochs=40), range(100))
    assert 0 < result.diverged.sum() < 100


@pytest.mark.parametrize("config", [RunConfig(optimizer="newton", epochs=12),
                                    RunConfig(optimizer="diagonal", epochs=30),
                                    RunConfig(algorithm="minibatch", batch_size=16, shuffle=True, optimizer="newton",
                                              epochs=3)],
                         ids=["batch-newton", "batch-diagonal", "minibatch-newton"])
def test_second_order_sweeps_equal_single_runs_and_know_their_limit(data, config):
    rates = log_spaced(0.05, 3.0, 40)
    result = assert_matches_single_runs(data, config, range(40), rates)
    assert result.stable_lr == pytest.approx(2.0 if config.optimizer == "newton" else 2 / (1 + abs(
        float(data.x.mean())) / math.sqrt(float(np.mean(data.x.astype(np.float64) ** 2)))))
    if config.algorithm == "batch":  # theory and experiment agree on the edge
        assert not result.diverged[rates < 0.95 * result.stable_lr].any()
        assert result.diverged[rates > 1.1 * result.stable_lr].all()


def test_batch_gd_diverges_just_above_the_stable_limit_and_never_below(data):
    """Theory (lr < 2/λmax) and experiment agree: with enough epochs every rate below the
    limit settles and the first divergent one lies just above it."""
    config = RunConfig(epochs=1000)
    _, trainer = train(data, config)
    limit = trainer.stable_lr
    lrs = np.geomspace(limit / 10, limit * 2, 200)
    result = sweep_learning_rates(data, config, lrs)
    assert result.stable_lr == pytest.approx(limit, rel=1e-12)
    x = data.x.astype(np.float64)
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])  # of mean((w·x + b − y)²)
    assert limit == pytest.approx(2 / np.linalg.eigvalsh(hessian).max(), rel=1e-6)
    first = result.first_divergent_lr
    assert first is not None and limit < first < 1.05 * limit
    assert not result.diverged[lrs < 0.99 * limit].any()
    assert result.diverged[lrs >= first].all()
    finished = ~result.diverged
    assert np.isfinite(result.final_loss[finished]).all()
    assert (result.final_loss[finished] >= result.min_loss * (1 - 1e-6)).all()


@pytest.mark.parametrize("bad", [0.0, -0.01, math.nan, math.inf])
def test_an_invalid_learning_rate_raises_a_config_error(data, bad):
    with pytest.raises(ConfigError) as info:
        sweep_learning_rates(data, RunConfig(), np.array([0.01, bad, 0.1]))
    assert info.value.field == "lr"


def test_an_invalid_configuration_raises_a_config_error(data):
    with pytest.raises(ConfigError) as info:
        sweep_learning_rates(data, RunConfig(algorithm="minibatch", batch_size=500), np.array([0.01]))
    assert info.value.field == "batch_size"


@pytest.mark.parametrize("count", [0, MAX_RUNS + 1])
def test_too_few_or_too_many_rates_raise(data, count):
    with pytest.raises(ValueError, match=f"between 1 and {MAX_RUNS}"):
        sweep_learning_rates(data, RunConfig(epochs=1), np.full(count, 0.01))


def test_max_runs_is_allowed(data):
    result = sweep_learning_rates(data, RunConfig(epochs=2), log_spaced(1e-3, 0.1, MAX_RUNS))
    assert result.final_w.shape == (MAX_RUNS,)
    _, trainer = train(data, RunConfig(epochs=2, lr=0.1))
    np.testing.assert_allclose([result.final_w[-1], result.final_b[-1]], trainer.params, rtol=1e-4, atol=1e-5)

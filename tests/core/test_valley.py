"""The valley's axes against numpy's eigendecomposition of a Hessian built independently from
the data, and against batch-GD runs of the engine (torch, float32): the error along each axis
shrinks by exactly |1 − lr·λ| a step."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdviewer.core import LossSurface, RunConfig, synthetic, train
from gdviewer.core.config import DataConfig
from gdviewer.core.data import Dataset
from gdviewer.core.valley import decay_line, factors_are_exact, valley_axes


def hessian_of(x: np.ndarray) -> np.ndarray:
    """∇² of mean((w·x + b − y)²) over (w, b), written out from the data (not from the
    surface's statistics): 2·[[mean x², mean x], [mean x, 1]]."""
    x = np.asarray(x, dtype=np.float64)
    return 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), np.asarray(y, dtype=np.float64), rcond=None)[0]


#: the tutorial's data (x̄ ≈ 0: axes near w and b), and data far from 0 (axes turned, κ large)
DATASETS = {
    "tutorial": synthetic(),
    "shifted": synthetic(DataConfig(slope=2.0, intercept=1.0, noise=0.3, x_start=1.0, x_stop=6.0, x_step=0.05)),
    "offset": Dataset.from_arrays(np.linspace(40.0, 44.0, 30), 0.5 * np.linspace(40.0, 44.0, 30) + 3.0
                                  + 0.1 * np.sin(np.arange(30))),
}


@pytest.fixture(params=list(DATASETS))
def data(request) -> Dataset:
    return DATASETS[request.param]


def test_eigenvalues_and_vectors_equal_numpys(data):
    axes = valley_axes(LossSurface.from_data(data.x, data.y))
    lams, vecs = np.linalg.eigh(hessian_of(data.x))
    assert axes.lambda_min <= axes.lambda_max
    np.testing.assert_allclose(axes.eigenvalues, lams, rtol=1e-9)
    for mine, theirs in zip(axes.eigenvectors, vecs.T, strict=True):
        assert math.hypot(*mine) == pytest.approx(1.0, abs=1e-12)
        assert abs(np.dot(mine, theirs)) == pytest.approx(1.0, abs=1e-9)  # the same line (either sign)
    assert np.dot(*axes.eigenvectors) == pytest.approx(0.0, abs=1e-12)
    # H·v = λ·v with the independently built Hessian
    for lam, v in zip(axes.eigenvalues, axes.eigenvectors, strict=True):
        np.testing.assert_allclose(hessian_of(data.x) @ v, lam * np.asarray(v), rtol=1e-8, atol=1e-9 * lams[1])
    np.testing.assert_allclose(axes.optimum, least_squares(data.x, data.y), rtol=1e-7, atol=1e-9)


def test_condition_number_and_the_two_rates(data):
    axes = valley_axes(data.surface)
    lam_min, lam_max = np.linalg.eigvalsh(hessian_of(data.x))
    assert axes.condition_number == pytest.approx(lam_max / lam_min, rel=1e-7)
    assert axes.stable_learning_rate == pytest.approx(2.0 / lam_max, rel=1e-12)
    assert axes.stable_learning_rate == pytest.approx(data.surface.critical_learning_rate, rel=1e-12)
    best = axes.best_learning_rate
    assert best == pytest.approx(2.0 / (lam_min + lam_max), rel=1e-9)
    # at the best rate the two factors are equal, (κ − 1)/(κ + 1), and any other rate is slower
    f_flat, f_steep = axes.contraction(best)
    kappa = lam_max / lam_min
    assert f_flat == pytest.approx(f_steep, rel=1e-9)
    assert f_flat == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-7)
    assert axes.best_contraction == pytest.approx(f_flat, rel=1e-7)
    for lr in (0.9 * best, 1.1 * best, 0.5 * axes.stable_learning_rate):
        assert max(axes.contraction(lr)) > f_flat
    # the limit: the steep axis's factor is 1 exactly there, above 1 beyond it
    assert axes.contraction(axes.stable_learning_rate)[1] == pytest.approx(1.0, rel=1e-12)
    assert axes.contraction(1.01 * axes.stable_learning_rate)[1] > 1.0


def test_the_tutorials_valley_is_about_8_times_more_curved_in_w():
    axes = valley_axes(synthetic().surface)
    assert 8.0 < axes.condition_number < 8.5
    assert abs(axes.eigenvectors[1][0]) > 0.999  # the steep axis is (almost) w
    assert axes.stable_learning_rate == pytest.approx(0.12, abs=0.005)  # as the help says


def test_all_x_equal_gives_a_flat_axis_without_warnings():
    x = np.full(20, 3.0)
    y = np.linspace(-1.0, 1.0, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a division by zero or an invalid value would fail here
        surface = LossSurface.from_data(x, y)
        axes = valley_axes(surface)
        assert axes.lambda_min == 0.0 and axes.flat
        assert axes.condition_number == math.inf
        assert axes.best_learning_rate is None
        assert axes.best_contraction == 1.0
        lam_max = 2.0 * (9.0 + 1.0)  # H = 2·[[9, 3], [3, 1]]: trace 20, determinant 0
        assert axes.lambda_max == pytest.approx(lam_max, rel=1e-12)
        assert axes.stable_learning_rate == pytest.approx(2.0 / lam_max, rel=1e-12)
        assert axes.contraction(0.05)[0] == 1.0  # nothing ever shrinks along the flat axis
        # the flat axis is the line of optima: w·3 + b = mean y, direction (1, −3)/√10
        np.testing.assert_allclose(axes.eigenvectors[0], np.array([1.0, -3.0]) / math.sqrt(10), atol=1e-12)
        e_flat, e_steep = axes.project(np.array([1.0, 2.0]), np.array([-3.0, -6.0]))  # both on that line
        np.testing.assert_allclose(e_steep, 0.0, atol=1e-12)
        assert np.all(np.abs(e_flat) > 0)


def test_project_is_the_error_in_the_eigenbasis(data):
    axes = valley_axes(data.surface)
    rng = np.random.default_rng(0)
    w = rng.normal(size=50) * 3
    b = rng.normal(size=50) * 3
    e_flat, e_steep = axes.project(w, b)
    d = np.stack([w - axes.optimum[0], b - axes.optimum[1]])
    _, vecs = np.linalg.eigh(hessian_of(data.x))
    expected = vecs.T @ d
    np.testing.assert_allclose(np.abs(e_flat), np.abs(expected[0]), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(np.abs(e_steep), np.abs(expected[1]), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(e_flat**2 + e_steep**2, (d**2).sum(axis=0), rtol=1e-12)  # a rotation


def _run_errors(data: Dataset, lr: float, optimizer: str = "gd", epochs: int = 40,
                start: tuple[float, float] = (-10.0, -20.0)):
    config = RunConfig(algorithm="batch", optimizer=optimizer, lr=lr, epochs=epochs, init_w=start[0],
                       init_b=start[1])
    history, _trainer = train(data, config)
    w, b = history.path()
    return valley_axes(data.surface), w, b


@pytest.mark.parametrize("optimizer", ["gd", "sgd"])
@pytest.mark.parametrize("rate", ["best", "limit", "small"])
def test_batch_gd_shrinks_each_axis_by_its_factor_every_step(data, optimizer, rate):
    axes0 = valley_axes(data.surface)
    lr = {"best": axes0.best_learning_rate, "limit": 0.99 * axes0.stable_learning_rate,
          "small": 0.3 * axes0.stable_learning_rate}[rate]
    axes, w, b = _run_errors(data, lr, optimizer)
    errors = axes.project(w, b)
    steps = np.arange(w.size)
    lams = np.linalg.eigvalsh(hessian_of(data.x))  # the factors from numpy's eigenvalues, signed
    for e, lam in zip(errors, lams, strict=True):
        closed_form = e[0] * (1.0 - lr * lam) ** steps
        # float32 training: compare while the error is well above the parameters' rounding
        big = np.abs(closed_form) > 1e-2 * max(1.0, abs(axes.optimum[0]), abs(axes.optimum[1]))
        assert big.sum() >= 5
        np.testing.assert_allclose(e[big], closed_form[big], rtol=1e-4)
        # step by step: each step multiplies the error by 1 − lr·λ (the sign flips above 1/λ)
        both = big[1:] & big[:-1]
        np.testing.assert_allclose(e[1:][both] / e[:-1][both], 1.0 - lr * lam, rtol=1e-4)


def test_factors_are_exact_only_for_plain_batch_gd():
    assert factors_are_exact("batch", "gd") and factors_are_exact("batch", "sgd")
    for algorithm in ("stochastic", "minibatch"):
        assert not factors_are_exact(algorithm, "gd")
    for optimizer in ("momentum", "nesterov", "adam", "rmsprop", "adagrad", "newton"):
        assert not factors_are_exact("batch", optimizer)


def test_decay_line_is_the_closed_form_cut_to_its_band():
    (t0, v0), (t1, v1) = decay_line(-4.0, 0.5, 10, 1e-6, 100.0)
    assert (t0, v0) == (0.0, 4.0) and t1 == 10 and v1 == pytest.approx(4.0 * 0.5**10, rel=1e-12)
    # cut where it reaches the floor: 4·0.5^t = 1e-3 at t = log2(4000)
    (_, _), (t1, v1) = decay_line(4.0, 0.5, 1000, 1e-3, 100.0)
    assert t1 == pytest.approx(math.log2(4000), rel=1e-12) and v1 == pytest.approx(1e-3, rel=1e-9)
    # a diverging axis stops at the ceiling; a constant one runs to the end
    (_, _), (t1, v1) = decay_line(1.0, 2.0, 1000, 1e-3, 1024.0)
    assert t1 == pytest.approx(10.0, rel=1e-12) and v1 == pytest.approx(1024.0, rel=1e-9)
    assert decay_line(1.0, 1.0, 50, 1e-3, 10.0) == ((0.0, 1.0), (50.0, 1.0))
    assert decay_line(1.0, 0.0, 50, 1e-3, 10.0) == ((0.0, 1.0), (1.0, 1e-3))  # emptied in one step
    assert decay_line(0.0, 0.5, 50, 1e-3, 10.0) is None
    assert decay_line(math.nan, 0.5, 50, 1e-3, 10.0) is None

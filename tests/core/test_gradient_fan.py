"""The fan's statistics against explicit per-sample gradients: their mean is the full
gradient, their covariance is numpy's, and the mini-batch ellipse matches batch means
measured over many random batches drawn without replacement."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core.gradient_fan import (
    GradientFan,
    GradientMoments,
    batch_gradient,
    minibatch_covariance,
    per_sample_gradients,
    sample_indices,
    spread_ellipse,
)
from gdviewer.core.surface import LossSurface

POINTS = [(-10.0, -20.0), (0.0, 0.0), (3.5, -1.25), (2.0, 1.0), (250.0, -4000.0)]


def synthetic(n: int = 100, offset_x: float = 0.0, offset_y: float = 0.0, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 5, n) + offset_x
    y = 2.0 * x + 1.0 + rng.normal(0, 1.5, n) + rng.standard_exponential(n) + offset_y  # skewed noise
    return x, y


DATA = {"plain": synthetic(), "large offsets": synthetic(offset_x=1e4, offset_y=-3e4),
        "float32": tuple(a.astype(np.float32) for a in synthetic(500, offset_x=50.0))}


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("w,b", POINTS)
def test_mean_of_per_sample_gradients_is_the_full_gradient(name, w, b):
    x, y = DATA[name]
    g = per_sample_gradients(x, y, w, b)
    moments = GradientMoments.from_data(x, y)
    scale = np.abs(g).max()
    np.testing.assert_allclose(moments.full_gradient(w, b), g.mean(axis=0), rtol=1e-9, atol=1e-12 * scale)
    np.testing.assert_allclose(moments.full_gradient(w, b), LossSurface.from_data(x, y).gradient(w, b),
                               rtol=1e-9, atol=1e-12 * scale)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("w,b", POINTS)
def test_covariance_from_moments_is_numpys(name, w, b):
    x, y = DATA[name]
    g = per_sample_gradients(x, y, w, b)
    expected = np.cov(g.T, bias=True)
    got = GradientMoments.from_data(x, y).covariance(w, b)
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got, got.T)
    assert np.linalg.eigvalsh(got)[0] >= 0
    # relative to the largest entry (an off-diagonal can be near 0)
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9 * np.abs(expected).max())


def test_covariance_of_a_perfect_fit_at_the_optimum_is_zero():
    x = np.linspace(-3, 3, 50)
    y = 2.0 * x - 1.0
    cov = GradientMoments.from_data(x, y).covariance(2.0, -1.0)
    assert np.all(np.abs(cov) < 1e-12)  # (rounding in y itself)
    assert np.linalg.eigvalsh(cov)[0] >= 0


@pytest.mark.parametrize("batch", [1, 10, 50])
def test_minibatch_covariance_is_the_spread_of_random_batch_means(batch):
    n, trials = 100, 20_000
    x, y = synthetic(n, seed=7)
    w, b = -1.0, 3.0
    g = per_sample_gradients(x, y, w, b)
    rng = np.random.default_rng(123)
    # batches without replacement: the first B of a random permutation per trial
    picks = np.argsort(rng.random((trials, n)), axis=1)[:, :batch]
    means = g[picks].mean(axis=1)
    measured = np.cov(means.T)
    predicted = GradientMoments.from_data(x, y).minibatch_covariance(w, b, batch)
    np.testing.assert_allclose(np.diag(predicted), np.diag(measured), rtol=0.05)
    # the correlation too (standard error of a correlation over 20,000 draws is < 0.01)
    corr = lambda c: c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])  # noqa: E731
    assert abs(corr(predicted) - corr(measured)) < 0.03
    # with replacement it would be Σ/B: the finite-population factor matters at B = 50
    if batch == 50:
        plain = GradientMoments.from_data(x, y).covariance(w, b) / batch
        assert not np.allclose(np.diag(plain), np.diag(measured), rtol=0.2)


def test_minibatch_covariance_vanishes_for_the_whole_data():
    x, y = synthetic()
    m = GradientMoments.from_data(x, y)
    assert np.all(m.minibatch_covariance(1.0, 2.0, len(x)) == 0)
    assert np.all(minibatch_covariance(np.eye(2), 100, 100) == 0)


def test_ellipse_is_the_one_sigma_contour_around_the_full_gradient():
    cov = np.array([[4.0, 1.5], [1.5, 1.0]])
    centre = np.array([3.0, -2.0])
    pts = spread_ellipse(centre, cov, points=64)
    assert pts.shape == (64, 2)
    np.testing.assert_allclose(pts[0], pts[-1])
    d = pts - centre
    # every point has Mahalanobis distance 1
    np.testing.assert_allclose(np.einsum("ki,ij,kj->k", d, np.linalg.inv(cov), d), 1.0, rtol=1e-9)
    # shrinks as 1/√B (times the finite-population factor's root)
    small = spread_ellipse(centre, minibatch_covariance(cov, 100, 25))
    big = spread_ellipse(centre, minibatch_covariance(cov, 100, 1))
    ratio = np.ptp(big[:, 0]) / np.ptp(small[:, 0])
    assert ratio == pytest.approx(np.sqrt(25 * (99 / 75)), rel=1e-3)


def test_a_million_samples_draw_a_bounded_sample_and_the_point_queries_touch_no_data():
    n = 1_000_000
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, n).astype(np.float32)
    y = (3 * x + rng.normal(0, 0.5, n)).astype(np.float32)
    fan = GradientFan.from_data(x, y, k=200)
    assert fan.n == n
    assert fan.sample_x.size <= 200 and fan.sample_x.size == fan.sample_y.size
    assert len(sample_indices(n, 200)) <= 200
    # the fan keeps no reference to the N arrays: the queries cannot touch them
    del x, y
    g = fan.sampled_gradients(1.0, 0.5)
    assert g.shape == (fan.sample_x.size, 2)
    assert fan.batch_ellipse(1.0, 0.5, 10, points=50).shape == (50, 2)
    assert np.all(np.isfinite(fan.moments.covariance(1.0, 0.5)))
    # the sample spans the data: first and last indices
    idx = sample_indices(n, 200)
    assert idx[0] == 0 and idx[-1] == n - 1
    assert np.all(np.diff(idx) > 0)


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("w,b", POINTS)
def test_a_batch_gradient_is_the_mean_of_its_samples_gradients(name, w, b):
    x, y = DATA[name]
    idx = np.random.default_rng(3).choice(x.size, 17, replace=False)
    expected = per_sample_gradients(x[idx], y[idx], w, b).mean(axis=0)
    got = batch_gradient(x[idx], y[idx]).gradient(w, b)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())
    # one sample: its own gradient
    np.testing.assert_allclose(batch_gradient(x[:1], y[:1]).gradient(w, b),
                               per_sample_gradients(x[:1], y[:1], w, b)[0], rtol=1e-9)

"""The loss surface from sufficient statistics equals brute force, lstsq and autograd."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdviewer.core import LossSurface, RunConfig, RunStatus, stable_learning_rate, synthetic, train


@pytest.fixture(scope="module")
def data():
    return synthetic()


@pytest.fixture(scope="module")
def surface(data):
    return LossSurface.from_data(data.x, data.y)


def brute_loss(x: np.ndarray, y: np.ndarray, w: float, b: float) -> float:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean((w * x + b - y) ** 2))


def mse64(x: np.ndarray, y: np.ndarray):
    X = torch.from_numpy(np.asarray(x, dtype=np.float64))
    Y = torch.from_numpy(np.asarray(y, dtype=np.float64))
    return lambda w, b: torch.mean((w * X + b - Y) ** 2)


def lstsq(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    A = np.column_stack([x, np.ones_like(x)])
    return np.linalg.lstsq(A, np.asarray(y, dtype=np.float64), rcond=None)[0]


POINTS = [(-10.0, -20.0), (-5.0, 0.0), (0.0, 0.0), (3.5, -2.25), (-5.0023818, 0.0237871), (1e3, -1e3)]


@pytest.mark.parametrize(("w", "b"), POINTS)
def test_loss_equals_brute_force(data, surface, w, b):
    assert math.isclose(surface.loss(w, b), brute_loss(data.x, data.y, w, b), rel_tol=1e-12)


def test_grid_equals_brute_force_numpy(data, surface):
    ws, bs, L = surface.grid((-12.0, 2.0), (-25.0, 5.0), shape=(9, 6))
    np.testing.assert_array_equal(ws, np.linspace(-12.0, 2.0, 9))
    np.testing.assert_array_equal(bs, np.linspace(-25.0, 5.0, 6))
    assert L.shape == (9, 6)  # L[w index, b index]
    expected = np.array([[brute_loss(data.x, data.y, w, b) for b in bs] for w in ws])
    np.testing.assert_allclose(L, expected, rtol=1e-12, atol=0)


def test_default_grid_shape(surface):
    ws, bs, L = surface.grid((-1.0, 1.0), (-1.0, 1.0))
    assert ws.shape == (200,) and bs.shape == (200,) and L.shape == (200, 200)


def test_optimum_equals_lstsq(data, surface):
    np.testing.assert_allclose(surface.optimum, lstsq(data.x, data.y), rtol=1e-12, atol=1e-13)
    w, b = lstsq(data.x, data.y)
    assert math.isclose(surface.min_loss, brute_loss(data.x, data.y, w, b), rel_tol=1e-12)


def test_optimum_is_where_the_gradient_vanishes(surface):
    gw, gb = surface.gradient(*surface.optimum)
    assert abs(gw) < 1e-12 and abs(gb) < 1e-12


@pytest.mark.parametrize(("w", "b"), POINTS)
def test_gradient_equals_torch_autograd(data, surface, w, b):
    f = mse64(data.x, data.y)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    f(wt, bt).backward()
    np.testing.assert_allclose(surface.gradient(w, b), (wt.grad.item(), bt.grad.item()), rtol=1e-10, atol=1e-10)


def autograd_hessian(x, y) -> np.ndarray:
    f = mse64(x, y)
    H = torch.autograd.functional.hessian(f, (torch.tensor(0.3, dtype=torch.float64),
                                              torch.tensor(-0.7, dtype=torch.float64)))
    return np.array([[H[0][0].item(), H[0][1].item()], [H[1][0].item(), H[1][1].item()]])


def test_hessian_equals_torch_autograd(data, surface):
    H = autograd_hessian(data.x, data.y)
    np.testing.assert_allclose(surface.hessian, H, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(surface.eigenvalues, np.linalg.eigvalsh(H), rtol=1e-12)
    assert math.isclose(surface.critical_learning_rate, 2 / np.linalg.eigvalsh(H).max(), rel_tol=1e-12)


def test_critical_learning_rate_is_the_stability_edge_of_batch_gd(data, surface):
    lr_crit = surface.critical_learning_rate
    _, below = train(data, RunConfig(lr=0.99 * lr_crit, epochs=3000))
    assert below.status is RunStatus.FINISHED
    np.testing.assert_allclose(below.params, surface.optimum, atol=1e-4)
    _, above = train(data, RunConfig(lr=1.01 * lr_crit, epochs=3000))
    assert above.status is RunStatus.DIVERGED
    assert above.steps_done < 3000


@pytest.mark.parametrize(("optimizer", "momentum"), [("gd", 0.9), ("momentum", 0.9), ("nesterov", 0.9),
                                                      ("momentum", 0.5), ("nesterov", 0.3)])
def test_stable_learning_rate_is_the_edge_for_plain_and_momentum_gd(data, surface, optimizer, momentum):
    limit = stable_learning_rate(surface, data.x, "batch", 10, optimizer, momentum)
    # classical bounds on a quadratic with top curvature λ: GD 2/λ, heavy ball 2(1+μ)/λ,
    # Nesterov 2(1+μ)/((1+2μ)λ)
    lam = surface.eigenvalues[-1]
    factor = {"gd": 1.0, "momentum": 1 + momentum, "nesterov": (1 + momentum) / (1 + 2 * momentum)}[optimizer]
    assert math.isclose(limit, 2 * factor / lam, rel_tol=1e-12)
    config = RunConfig(optimizer=optimizer, momentum=momentum, epochs=2000)
    _, below = train(data, config.with_changes(lr=0.97 * limit))
    assert below.status is RunStatus.FINISHED
    _, above = train(data, config.with_changes(lr=1.03 * limit))
    assert above.status is RunStatus.DIVERGED


def test_stable_learning_rate_is_none_for_adaptive_optimisers(data, surface):
    for optimizer in ("adam", "rmsprop", "adagrad"):
        assert stable_learning_rate(surface, data.x, "batch", 10, optimizer) is None


def test_stable_learning_rate_for_stochastic_and_minibatch(data, surface):
    x = data.x.astype(np.float64)
    assert math.isclose(stable_learning_rate(surface, data.x, "stochastic", 1, "gd"), 1 / (1 + np.max(x * x)),
                        rel_tol=1e-12)
    # mini-batch: the worst in-order batch's Hessian sets 2/λmax
    B = 30
    worst = max(np.linalg.eigvalsh(2 * np.array([[np.mean(xb * xb), np.mean(xb)], [np.mean(xb), 1.0]])).max()
                for xb in (x[i:i + B] for i in range(0, x.size, B)))
    assert math.isclose(stable_learning_rate(surface, data.x, "minibatch", B, "gd"), 2 / worst, rel_tol=1e-12)


def test_precision_with_x_far_from_zero():
    rng = np.random.default_rng(0)
    x = (1000.0 + np.arange(-5.0, 5.0, 0.1)).astype(np.float32)
    y = (-5.0 * x.astype(np.float64) + 3.0 + 0.4 * rng.standard_normal(x.size)).astype(np.float32)
    s = LossSurface.from_data(x, y)
    w_ref, b_ref = lstsq(x, y)
    np.testing.assert_allclose(s.optimum, (w_ref, b_ref), rtol=1e-9)
    # the minimum (about 0.16) sits under terms of size 2.5e7: raw sums would lose it
    assert math.isclose(s.min_loss, brute_loss(x, y, w_ref, b_ref), rel_tol=1e-10)
    for w, b in [(w_ref, b_ref), (w_ref + 1e-4, b_ref), (-5.0, 3.0), (-4.99, -7.0)]:
        assert math.isclose(s.loss(w, b), brute_loss(x, y, w, b), rel_tol=1e-10)
    np.testing.assert_allclose(s.hessian, autograd_hessian(x, y), rtol=1e-12)


def test_degenerate_x_does_not_crash():
    x = np.full(20, 3.0, dtype=np.float32)
    y = np.linspace(-1.0, 2.0, 20).astype(np.float32)
    s = LossSurface.from_data(x, y)
    assert s.degenerate
    w, b = s.optimum
    assert math.isfinite(w) and math.isfinite(b)
    # any point on the line w·3 + b = mean(y) is a minimum; the reported one must be one of them
    assert math.isclose(s.loss(w, b), brute_loss(x, y, *lstsq(x, y)), rel_tol=1e-9)
    assert math.isclose(s.min_loss, float(np.var(y.astype(np.float64))), rel_tol=1e-9)
    assert math.isfinite(s.critical_learning_rate) and s.critical_learning_rate > 0
    np.testing.assert_allclose(s.eigenvalues, [0.0, 2 * (1 + 9.0)], atol=1e-9)
    _, _, L = s.grid((-1.0, 1.0), (-1.0, 1.0), shape=(5, 5))
    assert np.isfinite(L).all()


def test_degenerate_x_trains():
    from gdviewer.core import Dataset

    ds = Dataset.from_arrays(np.full(10, 2.0), np.arange(10.0))
    _, trainer = train(ds, RunConfig(epochs=50, lr=0.05))
    assert trainer.status is RunStatus.FINISHED
    w, b = trainer.params
    assert math.isclose(2 * w + b, 4.5, rel_tol=1e-4)


def test_not_degenerate_for_ordinary_data(surface):
    assert not surface.degenerate
    assert surface.n == 100


@pytest.mark.parametrize("excess", [0.01, 1.0, 250.0])
def test_a_level_set_is_the_closed_ellipse_where_the_loss_equals_the_level(surface, excess):
    level = surface.min_loss + excess
    w, b = surface.level_set(level)
    np.testing.assert_allclose(surface.loss(w, b), level, rtol=1e-9)
    assert (w[0], b[0]) == (w[-1], b[-1])
    # it goes round the optimum: the angle from the optimum covers a full turn
    w_opt, b_opt = surface.optimum
    turns = np.unwrap(np.arctan2(b - b_opt, w - w_opt))
    assert abs(abs(turns[-1] - turns[0]) - 2 * math.pi) < 1e-6


def test_no_level_set_below_the_minimum_or_for_constant_x():
    flat = LossSurface.from_data(np.full(10, 2.0, dtype=np.float32), np.arange(10, dtype=np.float32))
    assert flat.level_set(flat.min_loss + 1.0) is None
    surface = LossSurface.from_data(np.arange(10, dtype=np.float32), np.arange(10, dtype=np.float32) * 2)
    assert surface.level_set(surface.min_loss) is None and surface.level_set(surface.min_loss - 1) is None

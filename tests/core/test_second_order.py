"""Newton's method and diagonal preconditioning: the numbers against numpy's least squares and
hand-computed float64 updates, the documented one-sample behaviour, and the stable limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdviewer.core import DataConfig, RunConfig, RunStatus, synthetic, train
from gdviewer.core.second_order import DiagonalPreconditionedGD, Newton
from gdviewer.core.session_file import RunSpec, SessionSpec, load_session, save_session
from gdviewer.core.surface import LossSurface, stable_learning_rate

#: x from 0 to 10: not centred, so the valley is tilted (w and b coupled), unlike the tutorial's.
TILTED = DataConfig(x_start=0.0, x_stop=10.0, intercept=2.5)
START = np.array([-10.0, -20.0])


def least_squares(dataset) -> np.ndarray:
    """(w*, b*) by numpy on the raw data, in float64."""
    x, y = dataset.x.astype(np.float64), dataset.y.astype(np.float64)
    solution, *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    return solution


def path(history) -> np.ndarray:
    """(w, b) after each step, shape (steps, 2), in float64."""
    return np.column_stack([history.w, history.b]).astype(np.float64)


# --- Newton on the batch loss ------------------------------------------------------------------

@pytest.mark.parametrize("data", [DataConfig(), TILTED, DataConfig(x_start=-3.0, x_stop=40.0, x_step=0.5)],
                         ids=["tutorial", "tilted", "far-off-centre"])
def test_one_newton_step_with_lr_1_lands_on_least_squares(data):
    dataset = synthetic(data)
    history, trainer = train(dataset, RunConfig(optimizer="newton", lr=1.0, epochs=1))
    assert trainer.status is RunStatus.FINISHED
    target = least_squares(dataset)
    landed = path(history)[0]
    np.testing.assert_allclose(landed, target, rtol=1e-5, atol=1e-5 * np.abs(START - target).max())
    # the loss there is the least-squares minimum
    assert trainer.surface.loss(*landed) == pytest.approx(trainer.surface.min_loss, rel=1e-5, abs=1e-9)


def test_one_gd_or_diagonal_step_does_not_land_so_the_newton_check_can_fail():
    dataset = synthetic(TILTED)
    target = least_squares(dataset)
    for optimizer, lr in (("gd", 0.02), ("diagonal", 1.0)):
        history, _ = train(dataset, RunConfig(optimizer=optimizer, lr=lr, epochs=1))
        assert np.abs(path(history)[0] - target).max() > 0.1, optimizer


def test_newton_with_lr_half_halves_the_error_each_step():
    dataset = synthetic(TILTED)
    history, _ = train(dataset, RunConfig(optimizer="newton", lr=0.5, epochs=8))
    target = least_squares(dataset)
    errors = np.vstack([START, path(history)]) - target
    expected = (START - target) * 0.5 ** np.arange(9)[:, None]
    np.testing.assert_allclose(errors, expected, rtol=1e-4, atol=1e-5 * np.abs(START - target).max())


def test_newton_is_stable_below_2_and_diverges_above():
    dataset = synthetic(TILTED)
    _, below = train(dataset, RunConfig(optimizer="newton", lr=1.9, epochs=200))
    _, above = train(dataset, RunConfig(optimizer="newton", lr=2.1, epochs=200))
    assert below.status is RunStatus.FINISHED
    assert below.surface.loss(*below.params) == pytest.approx(below.surface.min_loss, rel=1e-4)
    assert above.status is RunStatus.DIVERGED
    assert below.stable_lr == above.stable_lr == 2.0
    assert "stable limit of about 2 for" in above.message


# --- diagonal preconditioning ------------------------------------------------------------------

def jacobi_reference(x: np.ndarray, y: np.ndarray, lr: float, batch: int, steps: int) -> np.ndarray:
    """θᵢ ← θᵢ − lr·gᵢ/Hᵢᵢ by hand in float64 on in-order batches; gᵢ/Hᵢᵢ = 0 where Hᵢᵢ = 0."""
    x, y = x.astype(np.float64), y.astype(np.float64)
    w, b = START
    out = []
    per_epoch = -(-x.size // batch)
    for k in range(steps):
        start = (k % per_epoch) * batch
        xb, yb = x[start:start + batch], y[start:start + batch]
        r = w * xb + b - yb
        gw, gb = 2 * np.mean(r * xb), 2 * np.mean(r)
        hww, hbb = 2 * np.mean(xb * xb), 2.0
        w -= lr * (gw / hww if hww > 0 else 0.0)
        b -= lr * gb / hbb
        out.append((w, b))
    return np.array(out)


@pytest.mark.parametrize(("algorithm", "batch", "lr", "epochs"),
                         [("batch", None, 1.0, 6), ("minibatch", 16, 0.8, 2), ("stochastic", 1, 0.5, 1)])
def test_diagonal_step_equals_the_hand_computed_jacobi_update(algorithm, batch, lr, epochs):
    # 21 points from -2 to 8: off centre, and one sample at x = 0 (its w-curvature is 0)
    dataset = synthetic(DataConfig(x_start=-2.0, x_stop=8.0, n_points=21, intercept=1.0))
    assert 0.0 in dataset.x
    config = RunConfig(algorithm=algorithm, batch_size=batch or 10, optimizer="diagonal", lr=lr, epochs=epochs)
    history, trainer = train(dataset, config)
    assert trainer.status is RunStatus.FINISHED
    reference = jacobi_reference(dataset.x, dataset.y, lr, batch or dataset.n, len(history))
    np.testing.assert_allclose(path(history), reference, rtol=1e-5, atol=1e-5)


def test_diagonal_is_newton_when_x_is_centred_and_not_when_it_is_tilted():
    centred = synthetic(DataConfig(x_start=-5.0, x_stop=5.0, n_points=101))  # x̄ = 0 exactly
    history, _ = train(centred, RunConfig(optimizer="diagonal", lr=1.0, epochs=1))
    np.testing.assert_allclose(path(history)[0], least_squares(centred), rtol=1e-5, atol=1e-4)
    tilted = synthetic(TILTED)
    history, _ = train(tilted, RunConfig(optimizer="diagonal", lr=1.0, epochs=30))
    errors = np.linalg.norm(path(history) - least_squares(tilted), axis=1)
    assert errors[0] > 1.0 and errors[-1] < errors[0] / 10  # no landing, but it converges


def test_diagonal_stable_limit_is_2_over_the_largest_eigenvalue_of_the_rescaled_hessian():
    dataset = synthetic(TILTED)
    surface = LossSurface.from_data(dataset.x, dataset.y)
    H = surface.hessian
    scale = np.diag(1 / np.sqrt(np.diag(H)))
    expected = 2 / np.linalg.eigvalsh(scale @ H @ scale).max()
    limit = stable_learning_rate(surface, dataset.x, "batch", 10, "diagonal")
    assert limit == pytest.approx(expected, rel=1e-12)
    assert 1.0 < limit < 2.0
    _, below = train(dataset, RunConfig(optimizer="diagonal", lr=0.97 * limit, epochs=300))
    _, above = train(dataset, RunConfig(optimizer="diagonal", lr=1.03 * limit, epochs=300))
    assert below.status is RunStatus.FINISHED and above.status is RunStatus.DIVERGED
    # a mini-batch as large as the data is the batch; smaller batches have no fixed limit
    assert stable_learning_rate(surface, dataset.x, "minibatch", dataset.n, "diagonal") == limit
    assert stable_learning_rate(surface, dataset.x, "minibatch", 7, "diagonal") is None
    assert stable_learning_rate(surface, dataset.x, "stochastic", 1, "diagonal") is None


def test_one_sample_diagonal_steps_blow_up_near_x_0_where_newtons_do_not():
    """The documented reason for no fixed limit: the tutorial's x include 3e-9, whose sample
    divides w's slope by 2·x² ≈ 2e-17. Newton's one-sample steps stay bounded up to lr 2."""
    dataset = synthetic()
    assert np.abs(dataset.x).min() < 1e-8
    _, diagonal = train(dataset, RunConfig(algorithm="stochastic", optimizer="diagonal", lr=0.01, epochs=1))
    assert diagonal.status is RunStatus.DIVERGED and diagonal.steps_done == 51  # the 51st sample is x ≈ 0
    assert diagonal.stable_lr is None and "smaller learning rate" in diagonal.message
    _, newton = train(dataset, RunConfig(algorithm="stochastic", optimizer="newton", lr=1.9, epochs=20, shuffle=True))
    assert newton.status is RunStatus.FINISHED and newton.stable_lr == 2.0


# --- one sample per step -----------------------------------------------------------------------

def test_stochastic_newton_fits_each_sample_in_turn_by_the_shortest_step():
    """One sample's Hessian 2·[x, 1]ᵀ[x, 1] is singular; the pseudo-inverse's step is the
    shortest one that makes the line pass through the sample (the Kaczmarz projection)."""
    dataset = synthetic(DataConfig(x_start=-5.0, x_stop=5.0, n_points=41))  # includes x = 0
    history, trainer = train(dataset, RunConfig(algorithm="stochastic", optimizer="newton", lr=1.0, epochs=2))
    assert trainer.status is RunStatus.FINISHED
    theta = path(history)
    assert np.isfinite(theta).all() and np.isfinite(history.loss).all()
    x = np.tile(dataset.x.astype(np.float64), 2)
    y = np.tile(dataset.y.astype(np.float64), 2)
    before = np.vstack([START, theta[:-1]])
    residual = before[:, 0] * x + before[:, 1] - y
    projected = before - (residual / (x * x + 1))[:, None] * np.column_stack([x, np.ones_like(x)])
    np.testing.assert_allclose(theta, projected, rtol=1e-5, atol=1e-5)
    # so each step's line passes through its sample ...
    after = theta[:, 0] * x + theta[:, 1] - y
    assert np.abs(after).max() < 1e-4 * np.abs(residual).max()
    # ... and the run never settles: the last steps still jump
    assert np.abs(np.diff(theta[-10:], axis=0)).max() > 0.01


def test_stochastic_newton_with_a_smaller_rate_settles_near_least_squares():
    """Small steps average the jumps from sample to sample (towards the fit that weighs each
    sample by 1/(1 + x²), the Kaczmarz method's; close to least squares on this data)."""
    dataset = synthetic()
    history, trainer = train(dataset, RunConfig(algorithm="stochastic", optimizer="newton", lr=0.05, epochs=20,
                                                shuffle=True))
    assert trainer.status is RunStatus.FINISHED and np.isfinite(path(history)).all()
    surface = trainer.surface
    excess = surface.loss(*trainer.params) - surface.min_loss
    assert excess < 0.01 * (surface.loss(*START) - surface.min_loss)
    assert trainer.stable_lr == 2.0


def test_a_batch_whose_x_are_all_equal_gives_finite_steps_for_both():
    x = torch.full((8, 1), 3.0)
    y = 2.0 * x + 1.0
    for make in (Newton, DiagonalPreconditionedGD):
        w = torch.tensor(0.0, requires_grad=True)
        b = torch.tensor(0.0, requires_grad=True)
        optimizer = make([w, b], lr=1.0)
        loss = torch.mean((w * x + b - y) ** 2)
        loss.backward()
        optimizer.step(lambda w=w, b=b: torch.mean((w * x + b - y) ** 2))
        assert math.isfinite(w.item()) and math.isfinite(b.item())
        if make is Newton:  # the shortest step onto the line of perfect fits w·3 + b = 7
            assert (w.item(), b.item()) == pytest.approx((2.1, 0.7), rel=1e-5)


# --- the optimisers alone ----------------------------------------------------------------------

def test_newton_minimises_any_quadratic_in_one_step_with_the_hessian_from_torch():
    A = torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    c = torch.tensor([1.0, -2.0, 0.5])
    params = [torch.tensor(v, requires_grad=True) for v in (5.0, -3.0, 2.0)]

    def loss() -> torch.Tensor:
        theta = torch.stack(params)
        return 0.5 * theta @ A @ theta - c @ theta

    optimizer = Newton(params, lr=1.0)
    loss().backward()
    optimizer.step(loss)
    expected = np.linalg.solve(A.double().numpy(), c.double().numpy())
    np.testing.assert_allclose([p.item() for p in params], expected, rtol=1e-5)


def test_step_without_a_closure_says_what_it_needs():
    w = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="closure"):
        Newton([w]).step()
    with pytest.raises(ValueError, match="above 0"):
        DiagonalPreconditionedGD([w], lr=0.0)


# --- names and files ---------------------------------------------------------------------------

def test_session_files_keep_the_second_order_runs(tmp_path):
    runs = (RunSpec(RunConfig(optimizer="newton", lr=1.0), "Newton (lr 1)"),
            RunSpec(RunConfig(algorithm="stochastic", optimizer="diagonal", lr=0.5), "Diagonal", "#E69F00"))
    spec = SessionSpec(data=TILTED, runs=runs, clock="step")
    save_session(tmp_path / "s.json", spec)
    loaded = load_session(tmp_path / "s.json")
    assert loaded.runs == runs and loaded.data == TILTED

"""Training equals the tutorial's own loops, and every torch.optim optimiser equals a plain torch.optim loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdviewer.core import RunConfig, RunStatus, Trainer, synthetic, train

from .tutorial import tutorial_batch, tutorial_data, tutorial_sgd

N = 100  # points in the tutorial's data


@pytest.fixture(scope="module")
def data():
    return synthetic()


def f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


# --- the tutorial's two loops -----------------------------------------------------------------

def test_batch_gd_defaults_equal_the_tutorial_batch_loop(data):
    ref = tutorial_batch(*tutorial_data())
    history, trainer = train(data, RunConfig())
    assert trainer.status is RunStatus.FINISHED
    assert len(history) == 20
    np.testing.assert_array_equal(history.epoch_losses(), f32(ref.losses))
    np.testing.assert_array_equal(history.w, f32(ref.w))
    np.testing.assert_array_equal(history.b, f32(ref.b))
    np.testing.assert_array_equal(history.loss, f32(ref.printed_loss))
    assert trainer.params == (ref.w[-1], ref.b[-1])


def test_batch_gd_with_other_settings_equals_the_tutorial_loop(data):
    ref = tutorial_batch(*tutorial_data(), step_size=0.03, n_iter=7, w0=4.0, b0=2.5)
    history, _ = train(data, RunConfig(lr=0.03, epochs=7, init_w=4.0, init_b=2.5))
    np.testing.assert_array_equal(history.epoch_losses(), f32(ref.losses))
    np.testing.assert_array_equal(history.w, f32(ref.w))
    np.testing.assert_array_equal(history.b, f32(ref.b))


def test_stochastic_gd_equals_the_tutorial_sgd_loop(data):
    ref = tutorial_sgd(*tutorial_data(), step_size=0.01, n_iter=20)
    history, trainer = train(data, RunConfig(algorithm="stochastic", lr=0.01))
    assert trainer.status is RunStatus.FINISHED
    assert len(history) == 20 * N
    # the loss list is the full-data loss before each epoch's first update
    np.testing.assert_array_equal(history.epoch_losses(), f32(ref.losses))
    ends = slice(N - 1, None, N)
    np.testing.assert_array_equal(history.w[ends], f32(ref.w))
    np.testing.assert_array_equal(history.b[ends], f32(ref.b))
    # the loss the tutorial prints is the last sample's loss of each epoch
    np.testing.assert_array_equal(history.loss[ends], f32(ref.printed_loss))


def test_epoch_loss_is_nan_except_at_each_epochs_first_step(data):
    history, _ = train(data, RunConfig(algorithm="minibatch", batch_size=25, epochs=3, lr=0.01))
    e = history.epoch_loss
    first = np.array([k % 4 == 0 for k in range(12)])
    assert np.isfinite(e[first]).all()
    assert np.isnan(e[~first]).all()


# --- steps per epoch and sample counts ---------------------------------------------------------

@pytest.mark.parametrize(
    ("algorithm", "batch_size", "per_epoch", "sizes"),
    [
        ("batch", 10, 1, [100]),
        ("stochastic", 10, 100, [1] * 100),
        ("minibatch", 30, 4, [30, 30, 30, 10]),
        ("minibatch", 25, 4, [25] * 4),
        ("minibatch", 100, 1, [100]),
        ("minibatch", 1, 100, [1] * 100),
    ],
)
def test_steps_per_epoch_and_samples(data, algorithm, batch_size, per_epoch, sizes):
    epochs = 3
    history, trainer = train(data, RunConfig(algorithm=algorithm, batch_size=batch_size, epochs=epochs, lr=0.001))
    assert trainer.steps_per_epoch == per_epoch
    assert len(history) == per_epoch * epochs == trainer.steps_done
    np.testing.assert_array_equal(history.step, np.arange(1, per_epoch * epochs + 1))
    np.testing.assert_array_equal(history.epoch, np.repeat(np.arange(epochs), per_epoch))
    np.testing.assert_array_equal(history.samples, np.cumsum(sizes * epochs))
    assert history.samples[-1] == epochs * N


def test_minibatch_equals_a_tutorial_style_loop_over_slices(data):
    X, Y = tutorial_data()
    B, lr, epochs = 30, 0.02, 3
    w = torch.tensor(-10.0, requires_grad=True)
    b = torch.tensor(-20.0, requires_grad=True)
    ws, bs, losses = [], [], []
    for _ in range(epochs):
        for start in range(0, N, B):
            xb, yb = X[start:start + B], Y[start:start + B]
            loss = torch.mean((w * xb + b - yb) ** 2)
            loss.backward()
            w.data = w.data - lr * w.grad.data
            b.data = b.data - lr * b.grad.data
            w.grad.data.zero_()
            b.grad.data.zero_()
            ws.append(w.item())
            bs.append(b.item())
            losses.append(loss.item())
    history, _ = train(data, RunConfig(algorithm="minibatch", batch_size=B, lr=lr, epochs=epochs))
    np.testing.assert_array_equal(history.w, f32(ws))
    np.testing.assert_array_equal(history.b, f32(bs))
    np.testing.assert_array_equal(history.loss, f32(losses))


# --- shuffling -----------------------------------------------------------------------------------

def _indices_per_step(trainer: Trainer) -> list[np.ndarray]:
    out = []
    while trainer.step():
        chunk = trainer.take_chunk()
        assert chunk is not None and len(chunk) == 1
        out.append(chunk.batch_indices.copy())
    return out


def test_shuffle_with_a_seed_is_reproducible(data):
    config = RunConfig(algorithm="minibatch", batch_size=16, epochs=3, lr=0.01, shuffle=True, shuffle_seed=5)
    h1, _ = train(data, config)
    h2, _ = train(data, config)
    for name in ("w", "b", "loss", "dw", "db", "full_loss"):
        np.testing.assert_array_equal(getattr(h1, name), getattr(h2, name))


def test_shuffle_differs_from_in_order_and_between_seeds(data):
    base = RunConfig(algorithm="stochastic", epochs=2, lr=0.01)
    in_order, _ = train(data, base)
    s1, _ = train(data, base.with_changes(shuffle=True, shuffle_seed=1))
    s2, _ = train(data, base.with_changes(shuffle=True, shuffle_seed=2))
    assert not np.array_equal(in_order.w, s1.w)
    assert not np.array_equal(s1.w, s2.w)


def test_shuffled_epochs_visit_every_sample_once_in_a_new_order(data):
    config = RunConfig(algorithm="minibatch", batch_size=30, epochs=3, lr=0.01, shuffle=True, shuffle_seed=11)
    steps = _indices_per_step(Trainer(data, config))
    assert [len(s) for s in steps] == [30, 30, 30, 10] * 3
    epochs = [np.concatenate(steps[4 * e: 4 * e + 4]) for e in range(3)]
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), np.arange(N))
    assert not np.array_equal(epochs[0], np.arange(N))
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(epochs[1], epochs[2])


def test_shuffled_run_equals_a_plain_loop_over_the_batches_it_reports(data):
    config = RunConfig(algorithm="minibatch", batch_size=30, epochs=2, lr=0.01, shuffle=True, shuffle_seed=3)
    steps = _indices_per_step(Trainer(data, config))
    history, _ = train(data, config)
    X, Y = tutorial_data()
    w = torch.tensor(-10.0, requires_grad=True)
    b = torch.tensor(-20.0, requires_grad=True)
    ws = []
    for idx in steps:
        t = torch.from_numpy(idx)
        loss = torch.mean((w * X[t] + b - Y[t]) ** 2)
        loss.backward()
        w.data = w.data - 0.01 * w.grad.data
        b.data = b.data - 0.01 * b.grad.data
        w.grad.data.zero_()
        b.grad.data.zero_()
        ws.append(w.item())
    np.testing.assert_array_equal(history.w, f32(ws))


def test_in_order_batches_are_reported_in_order(data):
    steps = _indices_per_step(Trainer(data, RunConfig(algorithm="minibatch", batch_size=30, epochs=1)))
    np.testing.assert_array_equal(np.concatenate(steps), np.arange(N))


def test_shuffling_does_not_touch_the_global_rng(data):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        state = torch.get_rng_state()
        train(data, RunConfig(algorithm="stochastic", epochs=2, lr=0.01, shuffle=True, shuffle_seed=4))
        assert torch.equal(torch.get_rng_state(), state)


# --- torch.optim optimisers --------------------------------------------------------------------

HYPER = dict(momentum=0.8, beta1=0.85, beta2=0.99, alpha=0.95, eps=1e-6)

OPTIMISERS = {
    "sgd": (0.05, lambda p, lr: torch.optim.SGD(p, lr=lr)),
    "momentum": (0.02, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.8)),
    "nesterov": (0.02, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.8, nesterov=True)),
    "adam": (0.5, lambda p, lr: torch.optim.Adam(p, lr=lr, betas=(0.85, 0.99), eps=1e-6)),
    "rmsprop": (0.05, lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.95, eps=1e-6)),
    "adagrad": (1.0, lambda p, lr: torch.optim.Adagrad(p, lr=lr, eps=1e-6)),
}


def torch_optim_loop(make, lr: float, batch_size: int, epochs: int) -> tuple[list, list, list]:
    X, Y = tutorial_data()
    w = torch.tensor(-10.0, requires_grad=True)
    b = torch.tensor(-20.0, requires_grad=True)
    opt = make([w, b], lr)
    ws, bs, losses = [], [], []
    for _ in range(epochs):
        for start in range(0, N, batch_size):
            xb, yb = X[start:start + batch_size], Y[start:start + batch_size]
            opt.zero_grad()
            loss = torch.mean((w * xb + b - yb) ** 2)
            loss.backward()
            opt.step()
            ws.append(w.item())
            bs.append(b.item())
            losses.append(loss.item())
    return ws, bs, losses


@pytest.mark.parametrize("optimizer", list(OPTIMISERS))
@pytest.mark.parametrize(("algorithm", "batch_size", "epochs"), [("batch", N, 15), ("minibatch", 16, 3)])
def test_optimiser_equals_a_plain_torch_optim_loop(data, optimizer, algorithm, batch_size, epochs):
    lr, make = OPTIMISERS[optimizer]
    ws, bs, losses = torch_optim_loop(make, lr, batch_size, epochs)
    config = RunConfig(algorithm=algorithm, batch_size=16, optimizer=optimizer, lr=lr, epochs=epochs, **HYPER)
    history, trainer = train(data, config)
    assert trainer.status is RunStatus.FINISHED, trainer.message
    assert len(history) == len(ws)
    np.testing.assert_allclose(history.w, f32(ws), rtol=1e-6, atol=0)
    np.testing.assert_allclose(history.b, f32(bs), rtol=1e-6, atol=0)
    np.testing.assert_allclose(history.loss, f32(losses), rtol=1e-6, atol=0)


def test_hyperparameters_reach_the_optimiser(data):
    """Two runs that differ only in a hyperparameter differ: it is not silently dropped."""
    for optimizer, changes in [("momentum", dict(momentum=0.5)), ("adam", dict(beta1=0.5)),
                               ("adam", dict(beta2=0.9)), ("rmsprop", dict(alpha=0.5)),
                               ("adagrad", dict(eps=0.5))]:
        config = RunConfig(optimizer=optimizer, lr=0.05, epochs=5)
        a, _ = train(data, config)
        b, _ = train(data, config.with_changes(**changes))
        assert not np.array_equal(a.w, b.w), (optimizer, changes)


# --- recorded gradient and full-data loss ------------------------------------------------------

def _brute(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray):
    """Loss and gradient of the MSE, in float64, for each (w, b) pair (on all of x, y)."""
    r = w[:, None] * x[None, :] + b[:, None] - y[None, :]
    return (r**2).mean(axis=1), 2 * (r * x).mean(axis=1), 2 * r.mean(axis=1)


@pytest.mark.parametrize(("algorithm", "batch_size"), [("batch", 10), ("minibatch", 30), ("stochastic", 1)])
def test_recorded_gradient_and_loss_are_the_batch_values_before_the_update(data, algorithm, batch_size):
    history, _ = train(data, RunConfig(algorithm=algorithm, batch_size=batch_size, epochs=2, lr=0.01))
    pw, pb = history.path()
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    size = {"batch": N, "minibatch": batch_size, "stochastic": 1}[algorithm]
    per_epoch = math.ceil(N / size)
    for k in range(len(history)):
        start = (k % per_epoch) * size
        sl = slice(start, min(start + size, N))
        loss, dw, db = _brute(x[sl], y[sl], pw[k : k + 1], pb[k : k + 1])
        np.testing.assert_allclose(history.dw[k], dw[0], rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(history.db[k], db[0], rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(history.loss[k], loss[0], rtol=1e-5, atol=1e-5)


def test_batch_gradient_matches_the_analytic_formula(data):
    history, _ = train(data, RunConfig(epochs=20))
    pw, pb = history.path()
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    # dL/dw = 2·mean((w·x + b − y)·x), dL/db = 2·mean(w·x + b − y), at the params before each step
    r = pw[:-1, None] * x + pb[:-1, None] - y
    np.testing.assert_allclose(history.dw, 2 * (r * x).mean(axis=1), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(history.db, 2 * r.mean(axis=1), rtol=1e-5, atol=1e-4)
    # and the update is w ← w − lr·dw, exactly as the tutorial writes it
    np.testing.assert_array_equal(history.w, (pw[:-1].astype(np.float32) - np.float32(0.1) * history.dw))


@pytest.mark.parametrize("algorithm", ["batch", "stochastic"])
def test_full_loss_is_the_full_data_loss_before_the_update(data, algorithm):
    history, _ = train(data, RunConfig(algorithm=algorithm, epochs=2, lr=0.01))
    pw, pb = history.path()
    X64, Y64 = data.X.double(), data.Y.double()
    w = torch.from_numpy(pw[:-1]).view(1, -1)
    b = torch.from_numpy(pb[:-1]).view(1, -1)
    brute = torch.mean((w * X64 + b - Y64) ** 2, dim=0).numpy()
    assert history.full_loss.dtype == np.float64
    np.testing.assert_allclose(history.full_loss, brute, rtol=1e-10, atol=0)
    # the first row is the loss at the start point, the tutorial's first loss
    assert math.isclose(history.full_loss[0], 599.2754516601562, rel_tol=1e-6)

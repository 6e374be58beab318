"""The step's arithmetic equals what torch computed: autograd's gradient, the optimiser's state
(``torch.optim``'s own buffers), the new parameters — for every optimiser and batch mode — and
the gradient of each loss scaling equals autograd's gradient of that loss."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gdviewer.core import RunConfig, synthetic
from gdviewer.core.history import History
from gdviewer.core.replay import batch_of_step
from gdviewer.core.step_arithmetic import CHECKPOINT_EVERY, StateReplay, explain_step, scaling_factor
from gdviewer.core.trainer import Trainer

OPTIMISERS = {"gd": {}, "sgd": {}, "momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.8},
              "adam": {"lr": 0.5}, "rmsprop": {"lr": 0.05}, "adagrad": {"lr": 0.5}, "newton": {"lr": 0.5},
              "diagonal": {"lr": 0.3}}
MODES = {"batch": {"algorithm": "batch", "lr": 0.02},
         "stochastic": {"algorithm": "stochastic", "lr": 0.005, "shuffle": True, "shuffle_seed": 3},
         "minibatch": {"algorithm": "minibatch", "batch_size": 16, "lr": 0.01, "shuffle": True}}

def test_newtons_hessian_is_autograds():
    """The Hessian rows the panel shows for a Newton step equal torch's second derivatives."""
    dataset = synthetic()
    config = RunConfig(algorithm="minibatch", batch_size=10, optimizer="newton", lr=1.0, epochs=1)
    _t, history = _train_to(dataset, config, 3)
    idx = batch_of_step(config, dataset.n, 3)
    a = explain_step(dataset.x, dataset.y, config, history, 3, idx)
    lines = {line.name: line for line in a.update}
    x = torch.tensor(dataset.x[idx], dtype=torch.float64)
    y = torch.tensor(dataset.y[idx], dtype=torch.float64)
    hessian = torch.autograd.functional.hessian(
        lambda p: torch.mean((p[0] * x + p[1] - y) ** 2), torch.tensor([a.w_before, a.b_before], dtype=torch.float64))
    np.testing.assert_allclose([[lines["H row 1"].w, lines["H row 1"].b], [lines["H row 2"].w, lines["H row 2"].b]],
                               hessian.numpy(), rtol=1e-12)


#: torch.optim's state entry → our update line's name
TORCH_STATE = {"momentum": {"momentum_buffer": "v"}, "nesterov": {"momentum_buffer": "v"},
               "adam": {"exp_avg": "m", "exp_avg_sq": "v"}, "rmsprop": {"square_avg": "v"},
               "adagrad": {"sum": "G"}}


def _train_to(dataset, config: RunConfig, k: int) -> tuple[Trainer, History]:
    trainer = Trainer(dataset, config)
    history = trainer.new_history()
    trainer.run(k)
    history.append(trainer.take_chunk())
    return trainer, history


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("optimizer", OPTIMISERS)
def test_every_number_of_a_step_equals_torch(optimizer, mode):
    dataset = synthetic()
    settings = {**MODES[mode], **OPTIMISERS[optimizer]}
    config = RunConfig(optimizer=optimizer, epochs=3, **settings)
    k = 7 if mode != "batch" else 3
    trainer, history = _train_to(dataset, config, k)
    idx = batch_of_step(config, dataset.n, k)
    a = explain_step(dataset.x, dataset.y, config, history, k, idx)
    # the batch, the parameters before it, the loss and autograd's gradient
    # (the minibatch run's step 7 is its epoch's last: the 4 samples left after 6 × 16)
    assert a.batch_size == {"batch": dataset.n, "stochastic": 1, "minibatch": 4}[mode]
    assert (a.w_before, a.b_before) == (float(history.column("w")[k - 2]), float(history.column("b")[k - 2]))
    np.testing.assert_allclose(a.loss, a.torch_loss, rtol=1e-5)
    scale = max(abs(a.torch_grad_w), abs(a.torch_grad_b))
    np.testing.assert_allclose([a.grad_w, a.grad_b], [a.torch_grad_w, a.torch_grad_b], rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(2 * a.sum_rx / a.batch_size, a.grad_w, rtol=1e-12)
    # the optimiser's state after step k, as torch.optim holds it
    lines = {line.name: line for line in a.update}
    for torch_name, ours in TORCH_STATE.get(optimizer, {}).items():
        w_state = float(trainer.optimizer.state[trainer.model.w][torch_name])
        b_state = float(trainer.optimizer.state[trainer.model.b][torch_name])
        np.testing.assert_allclose([lines[ours].w, lines[ours].b], [w_state, b_state], rtol=2e-5,
                                   atol=1e-7 * max(abs(w_state), abs(b_state), 1e-30))
    # the step: before − Δ = torch's new parameters
    step = a.update[-1]
    assert step.name == "Δ"
    scale_p = max(abs(a.w_before), abs(a.b_before), abs(step.w), abs(step.b))
    np.testing.assert_allclose([a.w_before - step.w, a.b_before - step.b], [a.w_after, a.b_after],
                               rtol=1e-6, atol=2e-6 * scale_p)


@pytest.mark.parametrize("scaling", ["mean", "half", "sum"])
def test_each_loss_scaling_has_autograds_gradient(scaling):
    dataset = synthetic()
    config = RunConfig(algorithm="minibatch", batch_size=10, lr=0.01, epochs=1)
    _trainer, history = _train_to(dataset, config, 4)
    idx = batch_of_step(config, dataset.n, 4)
    a = explain_step(dataset.x, dataset.y, config, history, 4, idx, scaling=scaling)
    w = torch.tensor(a.w_before, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(a.b_before, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(dataset.x[idx], dtype=torch.float64)
    y = torch.tensor(dataset.y[idx], dtype=torch.float64)
    reduction = "sum" if scaling == "sum" else "mean"
    loss = torch.nn.functional.mse_loss(w * x + b, y, reduction=reduction) * (0.5 if scaling == "half" else 1.0)
    loss.backward()
    np.testing.assert_allclose([a.loss, a.grad_w, a.grad_b], [loss.item(), w.grad.item(), b.grad.item()], rtol=1e-12)
    # the same lr, a step scaled as the gradient: ×1, ×½, ×B
    assert a.scale == scaling_factor(scaling, 10) == {"mean": 1.0, "half": 0.5, "sum": 10.0}[scaling]
    np.testing.assert_allclose(a.gd_step[0], config.lr * a.grad_w)


def test_replay_across_checkpoints_and_scrubbing_back():
    """A long run's state at any step, reached forwards, backwards and across the checkpoint
    boundary, equals a replay from the start (and torch's, at the end)."""
    dataset = synthetic()
    config = RunConfig(algorithm="stochastic", optimizer="adam", lr=0.05, epochs=25)
    k_end = CHECKPOINT_EVERY * 2 + 37
    trainer, history = _train_to(dataset, config, k_end)
    replay = StateReplay(config)
    late = replay.state_after(history, k_end)
    early = replay.state_after(history, 5)  # scrubbed back
    fresh = StateReplay(config)
    assert early == fresh.state_after(history, 5)
    assert late == StateReplay(config).state_after(history, k_end)
    m_w = float(trainer.optimizer.state[trainer.model.w]["exp_avg"])
    v_b = float(trainer.optimizer.state[trainer.model.b]["exp_avg_sq"])
    np.testing.assert_allclose([late[0], late[3]], [m_w, v_b], rtol=1e-4)


def test_a_new_history_starts_the_replay_over():
    dataset = synthetic()
    config = RunConfig(algorithm="stochastic", optimizer="momentum", lr=0.005, epochs=1)
    _t, first = _train_to(dataset, config, 10)
    replay = StateReplay(config)
    replay.state_after(first, 10)
    _t, second = _train_to(dataset, config.with_changes(init_w=3.0), 10)
    assert replay.state_after(second, 10) == StateReplay(config).state_after(second, 10)
    assert replay.state_after(second, 10) != StateReplay(config).state_after(first, 10)


def test_a_step_outside_the_run_is_refused():
    dataset = synthetic()
    config = RunConfig(epochs=2)
    _t, history = _train_to(dataset, config, 2)
    with pytest.raises(ValueError, match="not a step"):
        explain_step(dataset.x, dataset.y, config, history, 3, np.arange(dataset.n))
    with pytest.raises(ValueError, match="scaling"):
        scaling_factor("median", 3)


def test_at_the_optimum_the_gradients_differ_by_float32_round_off_only():
    """Converged batch GD: autograd's float32 gradient and the float64 formula differ by less
    than the round-off bound the panel quotes (which the gradient itself is below)."""
    dataset = synthetic()
    config = RunConfig(algorithm="batch", lr=0.1, epochs=200)
    _t, history = _train_to(dataset, config, 200)
    a = explain_step(dataset.x, dataset.y, config, history, 200, np.arange(dataset.n))
    noise_w, noise_b = a.round_off
    assert abs(a.grad_w - a.torch_grad_w) <= noise_w and abs(a.grad_b - a.torch_grad_b) <= noise_b
    assert abs(a.grad_w) < noise_w and abs(a.grad_b) < noise_b  # (and they are visibly different)
    assert abs(a.grad_b - a.torch_grad_b) > 0.1 * abs(a.torch_grad_b)

"""Steering a run (issue 17): a change made mid-run equals stopping and going on by hand with
torch; each schedule equals torch's own scheduler step by step; each stopping rule stops at the
first step where it holds, and not before."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdviewer.core import RunConfig, RunStatus, synthetic, train
from gdviewer.core.errors import ConfigError
from gdviewer.core.steering import RunChange, Schedule, StopRules
from gdviewer.core.trainer import Trainer

from .tutorial import tutorial_data

DATA = synthetic()


# --- a change mid-run --------------------------------------------------------------------------

def by_hand(optimizer_name: str, lr: float, k: int, field: str, value: float, steps: int) -> tuple[float, float]:
    """The tutorial's batch loop with torch.optim, stopped after k steps, the value changed in the
    optimiser's param group by hand, and continued: the reference for a mid-run change."""
    X, Y = tutorial_data()
    w = torch.tensor(-10.0, requires_grad=True)
    b = torch.tensor(-20.0, requires_grad=True)
    make = {"sgd": lambda: torch.optim.SGD([w, b], lr=lr),
            "momentum": lambda: torch.optim.SGD([w, b], lr=lr, momentum=0.9),
            "adam": lambda: torch.optim.Adam([w, b], lr=lr)}[optimizer_name]
    opt = make()
    for step in range(steps):
        if step == k:
            g = opt.param_groups[0]
            if field == "beta1":
                g["betas"] = (value, g["betas"][1])
            else:
                g[field] = value
        loss = torch.mean((w * X + b - Y) ** 2)
        loss.backward()
        opt.step()
        opt.zero_grad()
    return w.item(), b.item()


@pytest.mark.parametrize("optimizer, lr, field, value", [
    ("sgd", 0.1, "lr", 0.02), ("momentum", 0.01, "lr", 0.003), ("momentum", 0.01, "momentum", 0.5),
    ("adam", 0.5, "lr", 0.05), ("adam", 0.5, "beta1", 0.5),
])
def test_a_change_mid_run_equals_stopping_and_going_on_by_hand(optimizer, lr, field, value):
    config = RunConfig(optimizer=optimizer, lr=lr, epochs=30)
    live = Trainer(DATA, config)
    for _ in range(7):
        live.step()
    change = live.steer(field, value)
    assert change == RunChange(7, field, value)
    while live.step():
        pass
    assert live.params == by_hand(optimizer, lr, 7, field, value, 30)
    # the change recorded in the run's settings replays it exactly
    _, replayed = train(DATA, config.with_changes(changes=(change,)))
    assert replayed.params == live.params


def test_the_tutorials_own_update_takes_the_new_rate_from_the_next_step():
    X, Y = tutorial_data()
    w, b = torch.tensor(-10.0, requires_grad=True), torch.tensor(-20.0, requires_grad=True)
    for step in range(20):
        lr = 0.1 if step < 5 else 0.05
        loss = torch.mean((w * X + b - Y) ** 2)
        loss.backward()
        w.data = w.data - lr * w.grad.data
        b.data = b.data - lr * b.grad.data
        w.grad.data.zero_()
        b.grad.data.zero_()
    _, trainer = train(DATA, RunConfig(changes=(RunChange(5, "lr", 0.05),)))
    assert trainer.params == (w.item(), b.item())


def test_a_change_before_the_first_step_or_of_a_value_the_optimiser_lacks_is_refused():
    trainer = Trainer(DATA, RunConfig())
    with pytest.raises(ConfigError):
        trainer.steer("lr", 0.05)  # before any step: that is the run's own lr
    trainer.step()
    with pytest.raises(ConfigError, match="no momentum"):
        trainer.steer("momentum", 0.5)  # the tutorial's update has none
    with pytest.raises(ConfigError):
        trainer.steer("lr", -1.0)
    assert trainer.steered == []


def test_value_at_and_steered_read_the_changes():
    config = RunConfig(lr=0.1, changes=(RunChange(3, "lr", 0.05), RunChange(8, "lr", 0.01)))
    assert [config.value_at("lr", k) for k in (0, 2, 3, 7, 8, 100)] == [0.1, 0.1, 0.05, 0.05, 0.01, 0.01]
    assert config.steered() == RunConfig(lr=0.01)


# --- schedules ---------------------------------------------------------------------------------

def torch_lrs(make, steps: int, lr: float = 0.1) -> list[float]:
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return out


S = torch.optim.lr_scheduler
SCHEDULES = {
    "constant": (Schedule(), lambda o: S.ConstantLR(o, factor=1.0, total_iters=0)),
    "step": (Schedule("step", every=7, gamma=0.3), lambda o: S.StepLR(o, step_size=7, gamma=0.3)),
    "exponential": (Schedule("exponential", gamma=0.97), lambda o: S.ExponentialLR(o, gamma=0.97)),
    "inverse_time": (Schedule("inverse_time", decay=0.05),
                     lambda o: S.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.05 * t))),
    "cosine": (Schedule("cosine", floor=0.1), lambda o: S.CosineAnnealingLR(o, T_max=60, eta_min=0.1 * 0.1)),
    "warmup": (Schedule("warmup", warmup=12, start=0.25),
               lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=12)),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_each_schedule_equals_torchs_scheduler_step_by_step(name):
    schedule, make = SCHEDULES[name]
    config = RunConfig(algorithm="minibatch", batch_size=10, optimizer="sgd", lr=0.1, epochs=6, schedule=schedule)
    total = config.total_steps(DATA.n)
    assert total == 60
    expected = torch_lrs(make, total)
    ours = [config.lr_at(t, DATA.n) for t in range(total)]
    np.testing.assert_allclose(ours, expected, rtol=1e-12)
    # and the engine trains with them: one SGD step by hand per step with torch's lr
    _, trainer = train(DATA, config)
    X, Y = tutorial_data()
    w, b = torch.tensor(-10.0, requires_grad=True), torch.tensor(-20.0, requires_grad=True)
    for t in range(total):
        start = (t % 10) * 10
        loss = torch.mean((w * X[start:start + 10] + b - Y[start:start + 10]) ** 2)
        loss.backward()
        with torch.no_grad():
            lr = ours[t]
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad, b.grad = None, None
    assert trainer.params == pytest.approx((w.item(), b.item()), rel=1e-5)  # (float32: SGD adds -lr·g in one op)


def test_a_decaying_rate_shrinks_sgds_noise_floor():
    """The preset's point: the tutorial's SGD at a constant lr ends in a noisy band around the
    optimum; the same lr decaying by 1/t ends much closer."""
    constant = RunConfig(algorithm="stochastic", lr=0.02, epochs=30, shuffle=True)
    decaying = constant.with_changes(schedule=Schedule("inverse_time", decay=0.002))
    surface = DATA.surface

    def excess_tail(config):
        history, trainer = train(DATA, config)
        assert trainer.status is RunStatus.FINISHED
        tail = history.full_loss[-500:]
        return float(np.mean(tail)) - surface.min_loss

    assert excess_tail(decaying) < 0.3 * excess_tail(constant)


# --- stopping rules ----------------------------------------------------------------------------

def reference_losses(config: RunConfig) -> tuple[np.ndarray, np.ndarray]:
    """Full-data loss and gradient norm after every step of the run without its stops."""
    history, _ = train(DATA, config.with_changes(stop=StopRules()))
    w, b = history.w.astype(np.float64), history.b.astype(np.float64)
    s = DATA.surface
    loss = s.loss(w, b)
    r = w * s.mean_x + b - s.mean_y
    gw, gb = 2.0 * (r * s.mean_x + w * s.var_x - s.cov_xy), 2.0 * r
    return loss, np.hypot(gw, gb)


@pytest.mark.parametrize("stop", [StopRules(target=1.0), StopRules(grad_norm=0.5),
                                  StopRules(plateau=0.01, window=5), StopRules(max_steps=13),
                                  StopRules(max_samples=1234)],
                         ids=["target", "grad_norm", "plateau", "max_steps", "max_samples"])
def test_each_stopping_rule_stops_at_the_first_step_where_it_holds(stop):
    config = RunConfig(lr=0.05, epochs=300, stop=stop)
    loss, norm = reference_losses(config)
    start = float(DATA.surface.loss(config.init_w, config.init_b))
    steps = np.arange(1, loss.size + 1)
    if stop.target is not None:
        holds = loss <= stop.target
    elif stop.grad_norm is not None:
        holds = norm < stop.grad_norm
    elif stop.plateau is not None:
        before = np.concatenate([[start], loss])[:-stop.window]
        holds = np.zeros(loss.size, dtype=bool)
        holds[stop.window - 1:] = np.abs(before - loss[stop.window - 1:]) < stop.plateau
    elif stop.max_steps is not None:
        holds = steps >= stop.max_steps
    else:
        holds = steps * DATA.n >= stop.max_samples  # batch GD: every sample each step
    first = int(np.argmax(holds)) + 1
    assert holds.any() and 1 < first < 300
    history, trainer = train(DATA, config)
    assert trainer.status is RunStatus.FINISHED
    assert trainer.steps_done == first == len(history)
    assert trainer.stop_reason and trainer.message.startswith(f"Stopped at step {first}")


def test_invalid_schedules_stops_and_changes_name_the_field():
    for bad, field in ((Schedule("linear"), "schedule"), (Schedule("step", every=0), "schedule every"),
                       (Schedule("exponential", gamma=1.5), "schedule gamma")):
        with pytest.raises(ConfigError) as info:
            RunConfig(schedule=bad).validate(100)
        assert info.value.field == field
    with pytest.raises(ConfigError, match="stop grad_norm"):
        RunConfig(stop=StopRules(grad_norm=-1.0)).validate(100)
    with pytest.raises(ConfigError, match="beyond"):  # an integer beyond float range, from a JSON file
        RunConfig(stop=StopRules(plateau=10**400)).validate(100)
    with pytest.raises(ConfigError, match="order"):
        RunConfig(changes=(RunChange(5, "lr", 0.1), RunChange(3, "lr", 0.2))).validate(100)
    with pytest.raises(ConfigError, match="change step"):
        RunConfig(changes=(RunChange(20, "lr", 0.1),)).validate(100)  # the run has 20 steps
    with pytest.raises(ConfigError, match="STEP:VALUE"):
        RunChange.parse("5=0.1")
    assert RunChange.parse("50:0.01") == RunChange(50, "lr", 0.01)


def test_a_plain_run_is_the_tutorials_bit_for_bit_and_its_settings_file_is_as_before():
    from .tutorial import tutorial_batch

    X, Y = tutorial_data()
    ref = tutorial_batch(X, Y)
    history, trainer = train(DATA, RunConfig())
    assert trainer.params == (ref.w[-1], ref.b[-1])
    assert set(RunConfig().to_dict()) == {"algorithm", "batch_size", "optimizer", "lr", "momentum", "beta1",
                                          "beta2", "alpha", "eps", "epochs", "init_w", "init_b", "shuffle",
                                          "shuffle_seed"}
    steered = RunConfig(schedule=Schedule("cosine"), changes=(RunChange(3, "lr", 0.05),), stop=StopRules(target=1))
    assert RunConfig.from_dict(steered.to_dict()) == steered
    assert not math.isnan(history.full_loss[-1])


# --- the command line and session files ---------------------------------------------------------

def test_gdviewer_run_takes_a_schedule_changes_and_stops_and_says_why_it_stopped(capsys):
    from gdviewer.cli import run_headless

    assert run_headless(["--quiet", "--lr-change", "5:0.01", "--momentum-change", "9:0.5", "--optimizer", "momentum",
                         "--lr", "0.01"]) == 0
    out = capsys.readouterr().out
    _, expected = train(DATA, RunConfig(optimizer="momentum", lr=0.01, changes=(
        RunChange(5, "lr", 0.01), RunChange(9, "momentum", 0.5))))
    assert f"w {expected.params[0]:.6g}" in out
    assert run_headless(["--quiet", "--schedule", "cosine", "--stop-grad-norm", "1", "--epochs", "200"]) == 0
    line = capsys.readouterr().out
    assert "(stopped early: the full-data gradient's norm" in line and "finished after" in line
    with pytest.raises(SystemExit):
        run_headless(["--lr-change", "five:0.1"])
    assert "STEP:VALUE" in capsys.readouterr().err


def test_a_session_keeps_schedule_changes_and_stops_and_old_files_open(tmp_path, capsys):
    from gdviewer.cli import run_headless
    from gdviewer.core.session_file import RunSpec, SessionSpec, load_session, save_session, spec_from_dict

    run = RunConfig(lr=0.05, epochs=100, schedule=Schedule("step", every=10, gamma=0.5),
                    changes=(RunChange(4, "lr", 0.08),), stop=StopRules(target=2.0))
    save_session(tmp_path / "s.json", SessionSpec(runs=(RunSpec(run, "steered"),)))
    assert load_session(tmp_path / "s.json").all_runs()[0].config == run
    old = {"format": "gdviewer-session", "version": 2, "run": {"lr": 0.05, "epochs": 3}}  # as written before
    assert spec_from_dict(old).run == RunConfig(lr=0.05, epochs=3)
    assert run_headless(["--config", str(tmp_path / "s.json"), "--quiet"]) == 0
    _, expected = train(DATA, run)
    assert f"finished after {expected.steps_done} steps (stopped early: the full-data loss" in capsys.readouterr().out
    bad = {**old, "run": {"lr": 0.05, "schedule": {"kind": "cosine", "speed": 2}}}
    with pytest.raises(Exception, match="speed"):
        spec_from_dict(bad)


def test_the_sweep_keeps_the_runs_schedule_scaled_to_each_rate():
    from gdviewer.core.sweep import sweep_learning_rates

    config = RunConfig(algorithm="minibatch", batch_size=10, optimizer="sgd", lr=0.05, epochs=5,
                       schedule=Schedule("step", every=10, gamma=0.5))
    rates = np.array([0.02, 0.05, 0.08])
    result = sweep_learning_rates(DATA, config, rates)
    for i, lr in enumerate(rates):
        _, trainer = train(DATA, config.with_changes(lr=float(lr)))
        assert (result.final_w[i], result.final_b[i]) == pytest.approx(trainer.params, rel=1e-4)


@pytest.mark.parametrize("optimizer, field, value", [("momentum", "momentum", 0.5), ("adam", "beta1", 0.5),
                                                     ("sgd", "lr", 0.02)])
def test_the_step_panels_arithmetic_follows_a_schedule_and_changes(optimizer, field, value):
    """Every step's update, worked out by the Step panel's arithmetic, lands on torch's (w, b),
    with a cosine schedule and a change of lr, momentum or β₁ mid-run."""
    from gdviewer.core.replay import batch_of_step
    from gdviewer.core.step_arithmetic import StateReplay, explain_step

    config = RunConfig(algorithm="minibatch", batch_size=20, optimizer=optimizer,
                       lr=0.05 if optimizer != "adam" else 0.3, epochs=4, schedule=Schedule("cosine", floor=0.2),
                       changes=(RunChange(7, field, value),))
    history, _ = train(DATA, config)
    replay = StateReplay(config, DATA.n)
    for k in range(1, len(history) + 1):
        a = explain_step(DATA.x, DATA.y, config, history, k, batch_of_step(config, DATA.n, k), replay=replay)
        assert a.lr == pytest.approx(config.lr_at(k - 1, DATA.n), rel=1e-12)
        step = a.update[-1]  # Δ: before − Δ is torch's new (w, b)
        assert (a.w_before - step.w, a.b_before - step.b) == pytest.approx((a.w_after, a.b_after), rel=2e-5,
                                                                           abs=1e-5), k

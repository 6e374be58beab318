"""Steering a run: learning-rate schedules, changes made while it trains, and stopping rules.

All three are part of what defines a run (``RunConfig.schedule``, ``.changes``, ``.stop``), so a
session, a replay and the exported script reproduce it.

- A **schedule** multiplies the learning rate by a factor f(t) of the step t (0 for the first
  step): constant, step decay, exponential, 1/t, cosine and linear warm-up. The trainer applies
  it with ``torch.optim.lr_scheduler.LambdaLR`` (lr_t = base · f(t)), stepped once a step; each
  factor equals torch's own scheduler for that shape (StepLR, ExponentialLR, CosineAnnealingLR,
  LinearLR; tested step by step).
- A **change** sets lr, momentum, beta1 or beta2 from a step on, without starting again: the
  window sends one while a race runs, the trainer applies it before its next step and reports
  the step. For the learning rate it is the base the schedule multiplies.
- A **stopping rule** ends a run early: the full-data gradient's norm below ε, the full-data
  loss changing less than δ over a window of steps (a plateau), a target loss reached, or a step
  budget. The run's message says which rule stopped it, at which step.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from reprlib import repr as _brief
from typing import Any

from gdviewer.core.checks import in_range, whole_floats_to_int, whole_number
from gdviewer.core.errors import ConfigError

SCHEDULES: tuple[str, ...] = ("constant", "step", "exponential", "inverse_time", "cosine", "warmup")
SCHEDULE_LABELS: dict[str, str] = {
    "constant": "constant", "step": "step decay", "exponential": "exponential decay", "inverse_time": "1/t decay",
    "cosine": "cosine", "warmup": "linear warm-up",
}
#: What a change made while a run trains may set (the optimiser's param-group values).
STEERABLE: tuple[str, ...] = ("lr", "momentum", "beta1", "beta2")
MAX_SCHEDULE_STEPS = 10_000_000


@dataclass(frozen=True)
class Schedule:
    """lr_t = lr · f(t). ``every``/``gamma``: step decay (×gamma every ``every`` steps);
    ``gamma``: exponential (×gamma a step); ``decay``: 1/t, f = 1/(1 + decay·t); ``floor``:
    cosine, f falls from 1 to ``floor`` over the run; ``warmup``/``start``: f rises linearly from
    ``start`` to 1 over the first ``warmup`` steps, then stays 1."""

    kind: str = "constant"
    every: int = 100
    gamma: float = 0.5
    decay: float = 0.01
    floor: float = 0.0
    warmup: int = 100
    start: float = 0.1

    def __post_init__(self) -> None:
        whole_floats_to_int(self, ("every", "warmup"))

    def validate(self) -> Schedule:
        if self.kind not in SCHEDULES:
            raise ConfigError("schedule", f"must be one of {', '.join(SCHEDULES)}, got {_brief(self.kind)}")
        whole_number("schedule every", self.every, 1, MAX_SCHEDULE_STEPS)
        in_range("schedule gamma", self.gamma, 0.0, 1.0, low_open=True)
        in_range("schedule decay", self.decay, 0.0, 1e6)
        in_range("schedule floor", self.floor, 0.0, 1.0)
        whole_number("schedule warmup", self.warmup, 1, MAX_SCHEDULE_STEPS)
        in_range("schedule start", self.start, 0.0, 1.0, low_open=True)
        return self

    @property
    def constant(self) -> bool:
        return self.kind == "constant"

    def factor(self, t: int, total: int) -> float:
        """f(t) for step t (from 0) of a run of ``total`` steps, as LambdaLR multiplies it in."""
        kind = self.kind
        if kind == "step":
            return self.gamma ** (t // self.every)
        if kind == "exponential":
            return self.gamma ** t
        if kind == "inverse_time":
            return 1.0 / (1.0 + self.decay * t)
        if kind == "cosine":
            span = max(total, 1)
            return self.floor + (1.0 - self.floor) * (1.0 + math.cos(math.pi * min(t, span) / span)) / 2.0
        if kind == "warmup":
            return self.start + (1.0 - self.start) * min(t, self.warmup) / self.warmup
        return 1.0

    def expression(self) -> str:
        """f(t) as Python text with this schedule's numbers, the very operations of :meth:`factor`
        (the exported script defines its schedule with it; ``total_steps`` is the script's)."""
        g, e, d, fl, wu, st = (repr(float(self.gamma)), self.every, repr(float(self.decay)), repr(float(self.floor)),
                               self.warmup, repr(float(self.start)))
        return {"step": f"{g} ** (t // {e})", "exponential": f"{g} ** t",
                "inverse_time": f"1.0 / (1.0 + {d} * t)",
                "cosine": f"{fl} + (1.0 - {fl}) * (1.0 + math.cos(math.pi * min(t, max(total_steps, 1)) / "
                          "max(total_steps, 1))) / 2.0",
                "warmup": f"{st} + (1.0 - {st}) * min(t, {wu}) / {wu}"}.get(self.kind, "1.0")

    def describe(self) -> str:
        kind = self.kind
        details = {"step": f"×{self.gamma:g} every {self.every:,} steps", "exponential": f"×{self.gamma:g} a step",
                   "inverse_time": f"lr/(1 + {self.decay:g}·t)", "cosine": f"to {self.floor:g}·lr at the end",
                   "warmup": f"from {self.start:g}·lr over {self.warmup:,} steps"}.get(kind)
        return SCHEDULE_LABELS[kind] + (f" ({details})" if details else "")


@dataclass(frozen=True)
class RunChange:
    """``field`` is ``value`` from step ``step`` on (after ``step`` steps were taken)."""

    step: int
    field: str
    value: float

    def validate(self, total_steps: int | None = None) -> RunChange:
        high = MAX_SCHEDULE_STEPS if total_steps is None else max(total_steps - 1, 1)
        whole_number("change step", self.step, 1, high)
        if self.field not in STEERABLE:
            raise ConfigError("change", f"can set {', '.join(STEERABLE)}, not {_brief(self.field)}")
        if self.field == "lr":
            in_range("change lr", self.value, 0.0, 1e6, low_open=True)
        else:
            in_range(f"change {self.field}", self.value, 0.0, 1.0)
            if self.value >= 1.0:
                raise ConfigError(f"change {self.field}", f"must be below 1, got {self.value:g}")
        return self

    @classmethod
    def parse(cls, text: str, field: str = "lr") -> RunChange:
        """``STEP:VALUE`` (the command line's --lr-change)."""
        step, sep, value = text.partition(":")
        try:
            if not sep:
                raise ValueError
            return cls(int(step), field, float(value)).validate()
        except ValueError:
            raise ConfigError(f"{field} change", f"must look like STEP:VALUE (e.g. 50:0.01), got {text!r}") from None


@dataclass(frozen=True)
class StopRules:
    """Early stops (None: not used); ``epochs`` stays the run's budget, ``max_steps`` and
    ``max_samples`` (samples seen: the fair budget when runs of different batch sizes race) cut it."""

    grad_norm: float | None = None
    plateau: float | None = None
    window: int = 100
    target: float | None = None
    max_steps: int | None = None
    max_samples: int | None = None

    def __post_init__(self) -> None:
        whole_floats_to_int(self, ("window", "max_steps", "max_samples"))

    def validate(self) -> StopRules:
        if self.grad_norm is not None:
            in_range("stop grad_norm", self.grad_norm, 0.0, 1e12, low_open=True)
        if self.plateau is not None:
            in_range("stop plateau", self.plateau, 0.0, 1e12, low_open=True)
        whole_number("stop window", self.window, 1, MAX_SCHEDULE_STEPS)
        if self.target is not None:
            in_range("stop target", self.target, 0.0, 1e300)
        if self.max_steps is not None:
            whole_number("stop max_steps", self.max_steps, 1, MAX_SCHEDULE_STEPS)
        if self.max_samples is not None:
            whole_number("stop max_samples", self.max_samples, 1, 10**15)
        return self

    @property
    def any(self) -> bool:
        return self != StopRules()

    def reason(self, steps: int, loss: float, grad_norm: float, loss_window_ago: float | None,
               samples: int = 0) -> str | None:
        """Why a run stops after ``steps`` steps (full-data ``loss`` and gradient norm now; the
        loss ``window`` steps ago, None before that many), or None to go on. The first rule
        that holds wins, in this order: target, gradient, plateau, budget."""
        if self.target is not None and loss <= self.target:
            return f"the full-data loss {loss:.6g} reached the target {self.target:g}"
        if self.grad_norm is not None and grad_norm < self.grad_norm:
            return f"the full-data gradient's norm {grad_norm:.3g} fell below ε = {self.grad_norm:g}"
        if self.plateau is not None and loss_window_ago is not None and abs(loss_window_ago - loss) < self.plateau:
            return (f"the full-data loss changed by {abs(loss_window_ago - loss):.3g} over the last "
                    f"{self.window:,} steps, less than δ = {self.plateau:g}")
        if self.max_steps is not None and steps >= self.max_steps:
            return f"the budget of {self.max_steps:,} steps was used"
        if self.max_samples is not None and samples >= self.max_samples:
            return f"the budget of {self.max_samples:,} samples (gradient evaluations) was used"
        return None

    def describe(self) -> str:
        parts = []
        if self.target is not None:
            parts.append(f"loss ≤ {self.target:g}")
        if self.grad_norm is not None:
            parts.append(f"‖∇L‖ < {self.grad_norm:g}")
        if self.plateau is not None:
            parts.append(f"loss change < {self.plateau:g} over {self.window:,} steps")
        if self.max_steps is not None:
            parts.append(f"{self.max_steps:,} steps")
        if self.max_samples is not None:
            parts.append(f"{self.max_samples:,} samples")
        return ", ".join(parts)


#: A run's defaults: a constant learning rate, no early stop (frozen, so shared).
CONSTANT = Schedule()
NO_STOPS = StopRules()


def from_dicts(schedule: Any, changes: Any, stop: Any) -> tuple[Schedule, tuple[RunChange, ...], StopRules]:
    """The three as a session file holds them (dicts and a list of dicts), checked for their keys."""
    def build(cls: type, value: Any, what: str) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise ConfigError(what, f"must be an object, got {type(value).__name__}")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(value) - known)
        if unknown:
            raise ConfigError(what, f"has no field {unknown[0]!r} (known: {', '.join(sorted(known))})")
        return cls(**value)

    if isinstance(changes, dict) or not isinstance(changes, list | tuple):
        raise ConfigError("changes", f"must be a list, got {type(changes).__name__}")
    return (build(Schedule, schedule, "schedule"), tuple(build(RunChange, c, "changes") for c in changes),
            build(StopRules, stop, "stop"))


def as_dicts(schedule: Schedule, changes: tuple[RunChange, ...], stop: StopRules) -> dict[str, Any]:
    """The parts that differ from a plain run, for a session file (a plain run's file is as before)."""
    out: dict[str, Any] = {}
    if schedule != Schedule():
        out["schedule"] = asdict(schedule)
    if changes:
        out["changes"] = [asdict(c) for c in changes]
    if stop != StopRules():
        out["stop"] = asdict(stop)
    return out


#: Which optimisers use each steerable value (the learning rate: all of them).
USED_BY: dict[str, tuple[str, ...]] = {"momentum": ("momentum", "nesterov"), "beta1": ("adam",), "beta2": ("adam",)}


class Steerer:
    """A run's schedule and changes applied to its optimiser, step by step.

    torch's ``LambdaLR`` sets the param group's lr to base · f(t) after every step; a change to
    the learning rate sets the base (``scheduler.base_lrs``). The tutorial's hand-written update
    has no param group: it reads :attr:`lr` (a one-parameter SGD holds the schedule for it).
    """

    def __init__(self, schedule: Schedule, changes: tuple[RunChange, ...], optimizer: Any, lr: float,
                 total_steps: int, first_step: int = 0) -> None:
        import torch
        from torch.optim.lr_scheduler import LambdaLR

        self.schedule, self.total = schedule, total_steps
        self.pending = list(changes)
        if isinstance(optimizer, torch.optim.Optimizer):
            self.optimizer = optimizer
        else:  # the tutorial's update: a stand-in that only holds the lr (it never steps)
            self.optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
            self.optimizer._opt_called = True  # (so torch does not warn that it never stepped)
        self.scheduler = LambdaLR(self.optimizer, lambda t: schedule.factor(t, total_steps))
        self.scheduler.last_epoch = first_step  # made mid-run (a first change): its clock is the run's
        self.group = self.optimizer.param_groups[0]
        self.group["lr"] = self.scheduler.base_lrs[0] * schedule.factor(first_step, total_steps)

    @property
    def lr(self) -> float:
        return float(self.group["lr"])

    def before_step(self, t: int) -> None:
        """Apply the changes due at step t (from 0)."""
        while self.pending and self.pending[0].step <= t:
            change = self.pending.pop(0)
            self.set(change.field, change.value, t)

    def after_step(self) -> None:
        self.scheduler.step()

    def set(self, field: str, value: float, t: int) -> None:
        g = self.group
        if field == "lr":
            self.scheduler.base_lrs[0] = value
            g["lr"] = value * self.schedule.factor(t, self.total)
        elif field == "momentum" and "momentum" in g:
            g["momentum"] = value
        elif field in ("beta1", "beta2") and "betas" in g:
            b1, b2 = g["betas"]
            g["betas"] = (value, b2) if field == "beta1" else (b1, value)

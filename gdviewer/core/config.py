"""Run and data configuration as frozen, validated dataclasses.

Configs are values: the UI edits a copy, the CLI builds one from flags, a session file stores
``to_dict()``. ``validate()`` raises :class:`ConfigError` naming the field and the allowed
values, so every front end shows the same message.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from reprlib import repr as _brief
from typing import Any

from gdviewer.core.batching import steps_per_epoch
from gdviewer.core.budget import check_memory, check_work
from gdviewer.core.checks import in_range, whole_number
from gdviewer.core.errors import ConfigError
from gdviewer.core.steering import (
    CONSTANT,
    NO_STOPS,
    USED_BY,
    RunChange,
    Schedule,
    StopRules,
    as_dicts,
    from_dicts,
    whole_floats_to_int,
)

ALGORITHMS: tuple[str, ...] = ("batch", "stochastic", "minibatch")
OPTIMIZERS: tuple[str, ...] = (
    "gd", "sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad",
    "diagonal", "newton",  # second order: they divide the gradient by the batch loss's curvature
)
#: The optimisers that step on the batch loss's Hessian as well as its gradient (core/second_order.py).
SECOND_ORDER_OPTIMIZERS: tuple[str, ...] = ("diagonal", "newton")

#: How runs racing together line up (see gdviewer.core.race).
CLOCKS: tuple[str, ...] = ("epoch", "step", "samples")

#: Human-readable names, shared by the CLI help and the UI.
ALGORITHM_LABELS: dict[str, str] = {
    "batch": "Batch GD",
    "stochastic": "Stochastic GD",
    "minibatch": "Mini-batch GD",
}
OPTIMIZER_LABELS: dict[str, str] = {
    "gd": "GD (tutorial update)",
    "sgd": "torch.optim.SGD",
    "momentum": "SGD + momentum",
    "nesterov": "SGD + Nesterov",
    "adam": "Adam",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "diagonal": "Diagonal-preconditioned GD",
    "newton": "Newton",
}

#: Limits that keep a run finite in memory and time (a teaching tool, not a cluster).
MAX_POINTS = 10_000_000
MAX_EPOCHS = 1_000_000
#: Most steps in one run: every step is kept (52 bytes each), so this bounds memory at ~0.5 GB.
MAX_TOTAL_STEPS = 10_000_000
MAX_ABS_PARAM = 1e12


@dataclass(frozen=True)
class DataConfig:
    """Synthetic data as in the tutorial: ``y = slope·x + intercept + noise·N(0, 1)``.

    With the defaults and ``n_points=None`` the data are exactly the tutorial's
    ``torch.manual_seed(42); X = torch.arange(-5, 5, 0.1).view(-1, 1);
    Y = -5 * X + 0.4 * torch.randn(X.size())``. ``n_points`` switches from a step to a count
    of evenly spaced points from ``x_start`` to ``x_stop`` inclusive.
    """

    slope: float = -5.0
    intercept: float = 0.0
    noise: float = 0.4
    x_start: float = -5.0
    x_stop: float = 5.0
    x_step: float = 0.1
    n_points: int | None = None
    seed: int = 42

    def __post_init__(self) -> None:
        whole_floats_to_int(self, ("n_points", "seed"))

    def validate(self) -> DataConfig:
        """Return self if every field is valid, else raise :class:`ConfigError`."""
        in_range("slope", self.slope, -1e6, 1e6)
        in_range("intercept", self.intercept, -1e6, 1e6)
        in_range("noise", self.noise, 0.0, 1e6)
        in_range("x_start", self.x_start, -1e6, 1e6)
        in_range("x_stop", self.x_stop, -1e6, 1e6)
        if self.x_stop <= self.x_start:
            raise ConfigError("x_stop", f"must be greater than x_start ({self.x_start:g})")
        whole_number("seed", self.seed, 0, 2**63 - 1)
        if self.n_points is None:
            step = in_range("x_step", self.x_step, 0.0, 1e6, low_open=True)
            ratio = (self.x_stop - self.x_start) / step
            if not math.isfinite(ratio):  # a tiny step overflows the count to infinity
                raise ConfigError("x_step", f"gives more than {MAX_POINTS:,} points; make it larger")
            count = math.ceil(ratio)
            if count < 2:
                raise ConfigError("x_step", "gives fewer than 2 points; make it smaller")
            if count > MAX_POINTS:
                raise ConfigError("x_step", f"gives {count:,} points; the limit is {MAX_POINTS:,}")
        else:
            whole_number("n_points", self.n_points, 2, MAX_POINTS)
        return self

    @property
    def point_count(self) -> int:
        """How many points these settings make, without making them (``torch.arange``
        counts ⌈(stop − start) / step⌉, computed in double precision, as here)."""
        if self.n_points is not None:
            return int(self.n_points)
        return math.ceil((self.x_stop - self.x_start) / self.x_step)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataConfig:
        return _from_dict(cls, data)


@dataclass(frozen=True)
class RunConfig:
    """One training run: algorithm, optimiser with its hyperparameters, and start point.

    Defaults are the tutorial's batch run: batch GD with the hand-written update, lr 0.1,
    20 epochs, from w = −10, b = −20.
    """

    algorithm: str = "batch"
    batch_size: int = 10
    optimizer: str = "gd"
    lr: float = 0.1
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8
    epochs: int = 20
    init_w: float = -10.0
    init_b: float = -20.0
    shuffle: bool = False
    shuffle_seed: int = 0
    #: the learning rate's schedule, the changes made while it trained, the early stops
    #: (core/steering.py); a session file holds them as objects, read back here
    schedule: Schedule = CONSTANT
    changes: tuple[RunChange, ...] = ()
    stop: StopRules = NO_STOPS

    def __post_init__(self) -> None:
        whole_floats_to_int(self, ("batch_size", "epochs", "shuffle_seed"))
        if not (isinstance(self.schedule, Schedule) and isinstance(self.changes, tuple)
                and isinstance(self.stop, StopRules)):
            parts = from_dicts(self.schedule, self.changes, self.stop)
            for name, value in zip(("schedule", "changes", "stop"), parts, strict=True):
                object.__setattr__(self, name, value)

    def validate(self, n_points: int | None = None) -> RunConfig:
        """Return self if valid for a data set of ``n_points`` samples, else raise."""
        if self.algorithm not in ALGORITHMS:
            raise ConfigError("algorithm", f"must be one of {', '.join(ALGORITHMS)}, got {_brief(self.algorithm)}")
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError("optimizer", f"must be one of {', '.join(OPTIMIZERS)}, got {_brief(self.optimizer)}")
        in_range("lr", self.lr, 0.0, 1e6, low_open=True)
        in_range("momentum", self.momentum, 0.0, 1.0, high_open=True)
        in_range("beta1", self.beta1, 0.0, 1.0, high_open=True)
        in_range("beta2", self.beta2, 0.0, 1.0, high_open=True)
        in_range("alpha", self.alpha, 0.0, 1.0, high_open=True)
        in_range("eps", self.eps, 0.0, 1.0, low_open=True)
        whole_number("epochs", self.epochs, 1, MAX_EPOCHS)
        in_range("init_w", self.init_w, -MAX_ABS_PARAM, MAX_ABS_PARAM)
        in_range("init_b", self.init_b, -MAX_ABS_PARAM, MAX_ABS_PARAM)
        whole_number("shuffle_seed", self.shuffle_seed, 0, 2**63 - 1)
        if not isinstance(self.shuffle, bool):
            raise ConfigError("shuffle", f"must be true or false, got {_brief(self.shuffle)}")
        if self.optimizer == "nesterov" and self.momentum <= 0:
            raise ConfigError("momentum", "must be above 0 for Nesterov momentum")
        high = n_points if n_points is not None else MAX_POINTS
        if self.algorithm == "minibatch":
            whole_number("batch_size", self.batch_size, 1, high)
        else:
            whole_number("batch_size", self.batch_size, 1, MAX_POINTS)
        if n_points is not None and n_points < 2:
            raise ConfigError("data", f"needs at least 2 points, got {n_points}")
        if n_points is not None:
            per_epoch = self.steps_per_epoch(n_points)
            total = per_epoch * self.epochs
            if total > MAX_TOTAL_STEPS:
                raise ConfigError("epochs", f"gives {total:,} steps ({per_epoch:,} per epoch); a run can take at most "
                                  f"{MAX_TOTAL_STEPS:,} steps, so use at most {MAX_TOTAL_STEPS // per_epoch:,} epochs")
            check_work(n_points, self.epochs)
            check_memory([total], [self.epochs])
        self._validate_steering(n_points)
        return self

    def _validate_steering(self, n_points: int | None) -> None:
        """The schedule, the stops and the changes (after the fields they depend on)."""
        for part, cls in ((self.schedule, Schedule), (self.stop, StopRules)):
            if not isinstance(part, cls):
                raise ConfigError(cls.__name__.lower(), f"must be an object, got {_brief(part)}")
        self.schedule.validate()
        self.stop.validate()
        total = self.total_steps(n_points) if n_points is not None else None
        for change in self.changes:
            if not isinstance(change, RunChange):
                raise ConfigError("changes", f"must be a list of changes, got {_brief(change)}")
        steps = [c.validate(total).step for c in self.changes]
        if steps != sorted(steps):
            raise ConfigError("changes", "must be in the order of their steps")
        for change in self.changes:
            if change.field in USED_BY and self.optimizer not in USED_BY[change.field]:
                raise ConfigError("changes", f"{OPTIMIZER_LABELS[self.optimizer]} has no {change.field} to change")

    def steps_per_epoch(self, n_points: int) -> int:
        """Batch GD: 1; stochastic: one per sample; mini-batch: ⌈n / batch size⌉ (the one rule,
        ``core/batching.py``)."""
        return steps_per_epoch(self.algorithm, self.batch_size, n_points)

    def total_steps(self, n_points: int) -> int:
        return self.steps_per_epoch(n_points) * self.epochs

    def with_changes(self, **changes: Any) -> RunConfig:
        return replace(self, **changes)

    def value_at(self, name: str, step: int) -> float:
        """lr, momentum, beta1 or beta2 as set for step ``step`` (from 0): the last change made
        at or before it, else the run's own (for lr: the base its schedule multiplies)."""
        value = getattr(self, name)
        for change in self.changes:
            if change.step > step:
                break
            if change.field == name:
                value = change.value
        return float(value)

    def lr_at(self, step: int, n_points: int) -> float:
        """The learning rate step ``step`` (from 0) used: its base times the schedule's factor,
        the product torch's LambdaLR makes."""
        return self.value_at("lr", step) * self.schedule.factor(step, self.total_steps(n_points))

    def at_step(self, step: int, n_points: int) -> RunConfig:
        """The settings step ``step`` (from 0) ran with: its lr (schedule and changes), momentum
        and betas as then, as one plain configuration (the Step panel works a step out with it)."""
        if self.schedule.constant and not self.changes:
            return self
        return replace(self, lr=self.lr_at(step, n_points), momentum=self.value_at("momentum", step),
                       beta1=self.value_at("beta1", step), beta2=self.value_at("beta2", step),
                       schedule=CONSTANT, changes=())

    def steered(self) -> RunConfig:
        """This run's settings as they stand after its last change (what the controls show)."""
        if not self.changes:
            return self
        last = {c.field: c.value for c in self.changes}
        return replace(self, changes=(), **last)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("schedule", "changes", "stop")}
        return {**out, **as_dicts(self.schedule, self.changes, self.stop)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        return _from_dict(cls, data)


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(cls.__name__, f"must be an object, got {type(data).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(unknown[0], f"is not a {cls.__name__} field (known: {', '.join(sorted(known))})")
    return cls(**data)

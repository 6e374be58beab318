"""Conditioning: train on x′ = (x − c) / s instead of x, and read the answer in raw units.

Shifting and scaling the feature changes nothing about the best line — y = w′·x′ + b′ is the
line y = (w′/s)·x + (b′ − w′·c/s) — but it changes the loss surface the optimiser walks on.
Its Hessian is 2·[[E x′², x̄′], [x̄′, 1]]: centring removes the off-diagonal term (the valley's
tilt), scaling to unit variance makes both curvatures 2, so κ = λmax/λmin falls to exactly 1
and a single learning rate suits both directions. The window lets a learner move c and s and
watch the valley turn round; the data panel keeps showing the raw data.

The transformed x is computed in float64 from the float32 samples and stored as float32 (the
dtype the tutorial trains in); the exported PyTorch script does the same operations, so its run
is the app's bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from reprlib import repr as _brief
from typing import TYPE_CHECKING, Any

import numpy as np

from gdviewer.core.checks import finite
from gdviewer.core.errors import ConfigError

if TYPE_CHECKING:
    from gdviewer.core.data import Dataset
    from gdviewer.core.surface import LossSurface

#: "none": raw x; "center" and "standardize" follow the data (new data, new mean and spread);
#: "custom": the shift and scale typed or dragged, kept as they are.
KINDS: tuple[str, ...] = ("none", "center", "standardize", "custom")
KIND_LABELS: dict[str, str] = {"none": "raw x", "center": "centred x", "standardize": "standardised x",
                               "custom": "shifted and scaled x"}
MAX_SHIFT = 1e12
MIN_SCALE = 1e-9
MAX_SCALE = 1e12


@dataclass(frozen=True)
class XTransform:
    """x′ = (x − center) / scale, the feature the runs train on."""

    center: float = 0.0
    scale: float = 1.0
    kind: str = "none"

    def validate(self) -> XTransform:
        """Return self if valid, else raise :class:`ConfigError` naming the field."""
        if self.kind not in KINDS:
            raise ConfigError("kind", f"must be one of {', '.join(KINDS)}, got {_brief(self.kind)}")
        center = finite("center", self.center)
        scale = finite("scale", self.scale)
        if abs(center) > MAX_SHIFT:
            raise ConfigError("center", f"must be within ±{MAX_SHIFT:g}, got {center:g}")
        if not MIN_SCALE <= scale <= MAX_SCALE:
            raise ConfigError("scale", f"must be from {MIN_SCALE:g} to {MAX_SCALE:g}, got {scale:g}")
        if self.kind == "none" and (center != 0.0 or scale != 1.0):
            raise ConfigError("kind", "none means x as it is: center 0 and scale 1")
        return self

    @property
    def identity(self) -> bool:
        return self.center == 0.0 and self.scale == 1.0

    # --- the feature and the coefficients -----------------------------------------------
    def apply(self, x: np.ndarray) -> np.ndarray:
        """x′ as float32: (x − c) / s worked out in float64."""
        x = np.asarray(x)
        return ((x.astype(np.float64) - self.center) / self.scale).astype(np.float32)

    def raw_coefficients(self, w: Any, b: Any) -> tuple[Any, Any]:
        """The trained (w′, b′) as the line on raw x: w = w′/s, b = b′ − w′·c/s (arrays too)."""
        slope = w / self.scale
        return slope, b - slope * self.center

    def trained_coefficients(self, w: Any, b: Any) -> tuple[Any, Any]:
        """The inverse: a line on raw x as (w′, b′) on x′ (w′ = w·s, b′ = b + w·c)."""
        return w * self.scale, b + w * self.center

    def surface(self, raw: LossSurface) -> LossSurface:
        """The loss surface over (w′, b′) from the raw data's statistics, in O(1) (what the
        sliders preview while they move; the runs use the surface of the float32 x′)."""
        return replace(raw, mean_x=(raw.mean_x - self.center) / self.scale, var_x=raw.var_x / self.scale**2,
                       cov_xy=raw.cov_xy / self.scale)

    def following(self, raw: LossSurface) -> XTransform:
        """This transform for (new) data: centring and standardising follow the data's own
        mean and spread; a custom shift and scale stay as they are."""
        if self.kind == "center":
            return centred(raw)
        if self.kind == "standardize":
            return standardised(raw)
        return self

    # --- words --------------------------------------------------------------------------
    def formula(self, name: str = "x") -> str:
        """``x′ = (x − 0.5) / 2.89`` (``x′ = x`` for the identity)."""
        if self.identity:
            return f"{name}′ = {name}"
        shifted = name if self.center == 0 else f"({name} {'−' if self.center > 0 else '+'} {abs(self.center):.4g})"
        return f"{name}′ = {shifted}" + ("" if self.scale == 1 else f" / {self.scale:.4g}")

    def describe(self, name: str = "x") -> str:
        """What the runs train on, for a status line: ``standardised x: x′ = (x − 0.5) / 2.89``."""
        if self.identity:
            return f"raw {name}"
        return f"{KIND_LABELS[self.kind].replace(' x', ' ' + name)}: {self.formula(name)}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> XTransform:
        if not isinstance(data, dict):
            raise ConfigError("x_transform", f"must be an object, got {type(data).__name__}")
        unknown = sorted(set(data) - {"center", "scale", "kind"})
        if unknown:
            raise ConfigError(unknown[0], "is not an x_transform field (known: center, kind, scale)")
        return cls(**data).validate()


RAW = XTransform()


def centred(raw: LossSurface) -> XTransform:
    """x′ = x − x̄: the valley's tilt goes (the Hessian is diagonal)."""
    return XTransform(center=float(raw.mean_x), scale=1.0, kind="center")


def standardised(raw: LossSurface) -> XTransform:
    """x′ = (x − x̄)/σ (σ the population standard deviation): the Hessian is 2·I, κ = 1. All x
    equal (σ = 0) can only be centred."""
    sigma = math.sqrt(max(raw.var_x, 0.0))
    if not MIN_SCALE <= sigma <= MAX_SCALE:
        return XTransform(center=float(raw.mean_x), scale=1.0, kind="standardize")
    return XTransform(center=float(raw.mean_x), scale=sigma, kind="standardize")


def transformed_dataset(raw: Dataset, transform: XTransform) -> Dataset:
    """The data the runs train on: x′ for x, y as it is; the raw data set itself for the
    identity. It keeps the raw set's source and column names (it is the same data, re-expressed),
    and its true line, when known, in the new units."""
    if transform.identity:
        return raw
    from gdviewer.core.data import Dataset

    x = transform.apply(raw.x).reshape(-1, 1)
    data = Dataset(x, raw.y.reshape(-1, 1), source=raw.source, config=raw.config)
    data.x_name, data.y_name = raw.x_name, raw.y_name
    if raw.true_slope is not None and raw.true_intercept is not None:
        data.true_slope, data.true_intercept = transform.trained_coefficients(raw.true_slope, raw.true_intercept)
    return data

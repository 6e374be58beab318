"""The valley's axes: the curvature of the loss along its two principal directions.

The full-data MSE is quadratic, so around the optimum θ* = (w*, b*) it is exactly::

    L(θ) = L* + ½·(θ − θ*)ᵀ·H·(θ − θ*)

with the constant Hessian H = 2·[[mean x², x̄], [x̄, 1]]. Its unit eigenvectors are the axes
of the contour ellipses (the valley's steep and flat directions) and its eigenvalues
λmin ≤ λmax the curvature along them. Plain batch GD's step θ ← θ − lr·H·(θ − θ*) is linear in
the error e = θ − θ*, and along each eigen-axis it is a multiplication, eᵢ ← (1 − lr·λᵢ)·eᵢ.
Everything a first course says about the step size follows from that one line:

- the run converges when |1 − lr·λ| < 1 on both axes, i.e. lr < 2/λmax (the stable limit);
- the slower axis sets the pace, and max(|1 − lr·λmin|, |1 − lr·λmax|) is smallest where the
  two are equal: lr = 2/(λmin + λmax), the best fixed step, with factor (κ − 1)/(κ + 1);
- κ = λmax/λmin says how elongated the valley is, so how slow even the best fixed step is.

numpy only (no torch, no Qt): the window and the tests use it on the real data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdviewer.core.surface import LossSurface

#: Optimisers whose step is the plain θ ← θ − lr·∇L (the tutorial's update and torch.optim.SGD
#: without momentum): the only ones for which the per-axis factors |1 − lr·λ| are exact.
PLAIN_GD_OPTIMIZERS: tuple[str, ...] = ("gd", "sgd")


def factors_are_exact(algorithm: str, optimizer: str) -> bool:
    """Whether every step multiplies the error along each axis by exactly 1 − lr·λ: only for
    plain GD on the full data (batch GD). A mini-batch's Hessian differs from batch to batch,
    and momentum or adaptive optimisers change the step itself."""
    return algorithm == "batch" and optimizer in PLAIN_GD_OPTIMIZERS


@dataclass(frozen=True)
class ValleyAxes:
    """The Hessian's eigen-decomposition at the optimum, and what it says about step sizes.

    Index 0 is the flat axis (λmin), index 1 the steep axis (λmax), in every tuple here.
    """

    optimum: tuple[float, float]
    #: (λmin, λmax); λmin is exactly 0 when all x are equal (the optimum is a whole line)
    eigenvalues: tuple[float, float]
    #: unit vectors (w, b) of the flat and the steep axis, orthogonal
    eigenvectors: tuple[tuple[float, float], tuple[float, float]]

    @property
    def lambda_min(self) -> float:
        return self.eigenvalues[0]

    @property
    def lambda_max(self) -> float:
        return self.eigenvalues[1]

    @property
    def flat(self) -> bool:
        """All x equal: no curvature along one axis, so no single optimum (κ = ∞)."""
        return self.lambda_min <= 0.0

    @property
    def condition_number(self) -> float:
        """κ = λmax/λmin: how many times more curved the steep axis is (∞ when λmin = 0)."""
        return math.inf if self.flat else self.lambda_max / self.lambda_min

    @property
    def stable_learning_rate(self) -> float:
        """2/λmax: at larger rates the steep axis's factor |1 − lr·λmax| exceeds 1 and the error
        along it grows every step (the run diverges); exactly at it the error flips sign with
        the same size, neither converging nor diverging."""
        return 2.0 / self.lambda_max

    @property
    def best_learning_rate(self) -> float | None:
        """2/(λmin + λmax): the fixed rate whose slower axis contracts fastest (both factors
        equal (κ − 1)/(κ + 1)). None when λmin = 0: nothing contracts along the flat axis at
        any rate (it is a line of optima), so no rate is best."""
        return None if self.flat else 2.0 / (self.lambda_min + self.lambda_max)

    @property
    def best_contraction(self) -> float:
        """The error's factor per step at the best fixed rate on both axes: (κ − 1)/(κ + 1)."""
        kappa = self.condition_number
        return 1.0 if math.isinf(kappa) else (kappa - 1.0) / (kappa + 1.0)

    def contraction(self, lr: float) -> tuple[float, float]:
        """|1 − lr·λ| of the flat and the steep axis: what plain batch GD multiplies the error
        along each axis by at every step (below 1 it shrinks, above 1 it grows)."""
        return abs(1.0 - lr * self.lambda_min), abs(1.0 - lr * self.lambda_max)

    def project(self, w: np.ndarray | float, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """The error θ − θ* of points (w, b) along the flat and the steep axis (signed,
        vectorised: whole history columns at once, computed in float64)."""
        dw = np.asarray(w, dtype=np.float64) - self.optimum[0]
        db = np.asarray(b, dtype=np.float64) - self.optimum[1]
        (fw, fb), (sw, sb) = self.eigenvectors
        return fw * dw + fb * db, sw * dw + sb * db


def _oriented(v: np.ndarray) -> tuple[float, float]:
    """A unit vector with a fixed sign (w component positive; b positive when w is 0), so the
    axes do not flip between data sets that barely differ."""
    v = v / np.hypot(v[0], v[1])
    if v[0] < 0 or (v[0] == 0 and v[1] < 0):
        v = -v
    return float(v[0]), float(v[1])


@lru_cache(maxsize=16)
def valley_axes(surface: LossSurface) -> ValleyAxes:
    """The valley's axes of ``surface`` (cached: the surface is a hashable value, and the
    window asks once per data set however many frames draw it).

    The eigenvectors come from ``numpy.linalg.eigh``. λmax does too, but λmin is taken as
    det H / λmax = 4·var(x)/λmax: the centred variance is exact where eigh's smaller eigenvalue
    is a difference of large numbers (x far from 0), and it is exactly 0 when all x are equal.
    """
    lams, vecs = np.linalg.eigh(surface.hessian)
    lam_max = float(lams[1])
    lam_min = 0.0 if surface.degenerate else max(4.0 * surface.var_x / lam_max, 0.0)
    w_opt, b_opt = surface.optimum
    return ValleyAxes(optimum=(float(w_opt), float(b_opt)), eigenvalues=(lam_min, lam_max),
                      eigenvectors=(_oriented(vecs[:, 0]), _oriented(vecs[:, 1])))


def decay_line(e0: float, factor: float, t_end: float, floor: float,
               ceiling: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The closed form |e(t)| = |e₀|·factor^t from t = 0 to ``t_end`` as its two end points
    (t, |e|): on a log scale it is a straight line whose slope is log(factor). Cut where it
    leaves [floor, ceiling], so a long run's line does not stretch the axis to 1e-300 or
    overflow. None when there is nothing to draw (e₀ zero, not finite or outside the band)."""
    start = abs(float(e0))
    if not (math.isfinite(start) and floor <= start <= ceiling and t_end > 0):
        return None
    if factor <= 0.0:  # lr = 1/λ empties the axis in one step
        return (0.0, start), (min(1.0, t_end), floor)
    slope = math.log(factor)
    t1 = float(t_end)
    if slope < 0:
        t1 = min(t1, math.log(floor / start) / slope)
    elif slope > 0:
        t1 = min(t1, math.log(ceiling / start) / slope)
    return (0.0, start), (t1, start * math.exp(slope * t1))

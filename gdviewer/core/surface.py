"""The full-data MSE over (w, b) from five sufficient statistics.

For y ≈ w·x + b the mean squared error is a quadratic form::

    L(w, b) = (w·x̄ + b − ȳ)² + w²·vxx − 2w·vxy + vyy

with x̄, ȳ the means and vxx, vxy, vyy the (biased) centred second moments. So the whole
surface on a grid costs O(grid), not O(grid × N); the optimum, the Hessian, the exact
full-data gradient and the largest stable learning rate come from the same numbers. The
centred form in float64 keeps precision when x is far from 0 (raw sums do not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Contours longer than this many times their width are thin lines at equal scale on w and b.
EQUAL_SCALE_MAX_ELONGATION = 20.0


@dataclass(frozen=True)
class LossSurface:
    """Sufficient statistics of a data set and everything derived from them."""

    n: int
    mean_x: float
    mean_y: float
    var_x: float
    cov_xy: float
    var_y: float

    @classmethod
    def from_data(cls, x: np.ndarray, y: np.ndarray) -> LossSurface:
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        mx = float(x.mean())
        my = float(y.mean())
        dx = x - mx
        dy = y - my
        return cls(n=x.size, mean_x=mx, mean_y=my, var_x=float(dx @ dx) / x.size,
                   cov_xy=float(dx @ dy) / x.size, var_y=float(dy @ dy) / x.size)

    # --- values -------------------------------------------------------------------
    def loss(self, w: float | np.ndarray, b: float | np.ndarray) -> float | np.ndarray:
        """Full-data MSE at (w, b); broadcasts over arrays."""
        r = w * self.mean_x + b - self.mean_y
        return r * r + w * w * self.var_x - 2.0 * w * self.cov_xy + self.var_y

    def gradient(self, w: float, b: float) -> tuple[float, float]:
        """Exact full-data gradient (∂L/∂w, ∂L/∂b)."""
        r = w * self.mean_x + b - self.mean_y
        return 2.0 * (r * self.mean_x + w * self.var_x - self.cov_xy), 2.0 * r

    def grid(self, w_range: tuple[float, float], b_range: tuple[float, float],
             shape: tuple[int, int] = (200, 200)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Loss on a regular grid: returns (w values, b values, L[w_index, b_index])."""
        ws = np.linspace(w_range[0], w_range[1], shape[0])
        bs = np.linspace(b_range[0], b_range[1], shape[1])
        return ws, bs, self.loss(ws[:, None], bs[None, :])

    # --- optimum and curvature -----------------------------------------------------
    @property
    def degenerate(self) -> bool:
        """True when all x are (numerically) equal: the optimum is a line, not a point."""
        scale = max(self.mean_x * self.mean_x, 1.0)
        return self.var_x <= 1e-12 * scale

    @property
    def optimum(self) -> tuple[float, float]:
        """Least-squares (w*, b*); for degenerate x, the minimum-norm choice w* = 0."""
        if self.degenerate:
            return 0.0, self.mean_y
        w = self.cov_xy / self.var_x
        return w, self.mean_y - w * self.mean_x

    @property
    def min_loss(self) -> float:
        w, b = self.optimum
        return max(float(self.loss(w, b)), 0.0)

    @property
    def hessian(self) -> np.ndarray:
        """∇²L = 2·[[E x², x̄], [x̄, 1]] (constant: L is quadratic)."""
        exx = self.var_x + self.mean_x**2
        return 2.0 * np.array([[exx, self.mean_x], [self.mean_x, 1.0]])

    @property
    def eigenvalues(self) -> np.ndarray:
        """Hessian eigenvalues, ascending."""
        return np.linalg.eigvalsh(self.hessian)

    @property
    def elongation(self) -> float:
        """Long axis over short axis of the contour ellipses: √(λmax / λmin) (inf if flat)."""
        lo, hi = (float(v) for v in self.eigenvalues)
        return math.sqrt(hi / lo) if lo > 0 and math.isfinite(hi / lo) else math.inf

    @property
    def equal_scale_fits(self) -> bool:
        """Whether w and b read well at the same scale: contours at most
        EQUAL_SCALE_MAX_ELONGATION times longer than wide (the tutorial's: about 3)."""
        return self.elongation <= EQUAL_SCALE_MAX_ELONGATION

    def level_set(self, level: float, points: int = 721) -> tuple[np.ndarray, np.ndarray] | None:
        """The contour L(w, b) = ``level``, exactly: L is quadratic, so it is the ellipse
        ½·Δᵀ∇²L·Δ = level − L* around the optimum, along the Hessian's eigen-directions with
        half-axes √(2·(level − L*)/λ). Closed (the last point is the first). None when there
        is no ellipse: the level is not above the minimum, or all x are equal."""
        excess = float(level) - self.min_loss
        if self.degenerate or not math.isfinite(excess) or excess <= 0:
            return None
        lams, vecs = np.linalg.eigh(self.hessian)
        if lams[0] <= 0:
            return None
        t = np.linspace(0.0, 2.0 * math.pi, points)
        t[-1] = 0.0  # closed exactly
        radii = np.sqrt(2.0 * excess / lams)
        delta = vecs @ (radii[:, None] * np.vstack([np.cos(t), np.sin(t)]))
        w_opt, b_opt = self.optimum
        return w_opt + delta[0], b_opt + delta[1]

    @property
    def critical_learning_rate(self) -> float:
        """Largest stable learning rate of plain batch GD: 2 / λmax(∇²L)."""
        return 2.0 / float(self.eigenvalues[-1])


def per_sample_learning_rate_limit(x: np.ndarray) -> float:
    """Largest lr for which every single-sample GD step is non-expansive.

    One sample's loss (w·xᵢ + b − yᵢ)² has Hessian 2·[xᵢ, 1]ᵀ[xᵢ, 1] with eigenvalue
    2(1 + xᵢ²); its step is stable for lr < 2 / (2(1 + xᵢ²)). The worst sample sets the limit.
    """
    x = np.asarray(x, dtype=np.float64)
    return 1.0 / (1.0 + float(np.max(x * x)))


def minibatch_learning_rate_limit(x: np.ndarray, batch_size: int) -> float:
    """2 / λmax over the in-order mini-batches' Hessians (the worst batch sets the limit).

    Each batch's Hessian is 2·[[E_b x², x̄_b], [x̄_b, 1]]; its largest eigenvalue has a closed
    form, so all batches are done at once with ``np.add.reduceat``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    starts = np.arange(0, x.size, max(1, min(batch_size, x.size)))
    counts = np.diff(np.append(starts, x.size))
    m = np.add.reduceat(x, starts) / counts
    exx = np.add.reduceat(x * x, starts) / counts
    # eigenvalues of [[a, c], [c, 1]]: (a + 1)/2 ± sqrt(((a − 1)/2)² + c²)
    lam = 2.0 * ((exx + 1.0) / 2.0 + np.sqrt(((exx - 1.0) / 2.0) ** 2 + m * m))
    return 2.0 / float(lam.max())


#: Newton's step multiplies the distance to the batch loss's minimum by (1 − lr), whatever the
#: valley's shape: it is stable for lr < 2 on every batch (the curvature is divided out).
NEWTON_LEARNING_RATE_LIMIT = 2.0


def diagonal_learning_rate_limit(surface: LossSurface) -> float:
    """2 / λmax(D^-½·H·D^-½), D = diag(H): the limit of diagonal preconditioning on the full batch.

    The diagonal step D⁻¹g is plain GD on the axes rescaled by √D; there the Hessian is
    D^-½·H·D^-½ = [[1, ρ], [ρ, 1]] with ρ = |x̄| / √(mean x²), whose largest eigenvalue is 1 + ρ.
    So the limit is 2 / (1 + ρ): 2 when x is centred (the rescaled valley is round and the step
    is Newton's), falling towards 1 as x moves off centre (the valley is tilted, which rescaling
    the axes cannot undo). All x equal to 0: w does not move, only b counts (ρ = 0).
    """
    exx = surface.var_x + surface.mean_x**2
    rho = min(abs(surface.mean_x) / math.sqrt(exx), 1.0) if exx > 0 else 0.0
    return 2.0 / (1.0 + rho)


def stable_learning_rate(surface: LossSurface, x: np.ndarray, algorithm: str, batch_size: int,
                         optimizer: str, momentum: float = 0.0, per_sample: float | None = None) -> float | None:
    """The largest stable learning rate for this setting, or None where none is fixed.

    Exact for plain GD on the batch loss; for stochastic and mini-batch GD it is the limit
    of the worst single step. Heavy-ball momentum widens it by (1 + μ) (the classical bound
    2(1 + μ)/λ), Nesterov's by (1 + μ)/(1 + 2μ). Adaptive optimisers (Adam, RMSprop,
    Adagrad) rescale each step, so no fixed limit exists and None is returned.
    ``per_sample``: :func:`per_sample_learning_rate_limit` of ``x``, if already known.

    Newton's limit is 2 for every algorithm: each step scales the error of its own batch by
    1 − lr, and its step is the shortest one (Euclidean), so single-sample steps with lr < 2 are
    relaxed projections, which cannot blow up. The diagonal step's is 2 / λmax(D^-½·H·D^-½) on
    the full batch; on smaller batches there is none (None): each batch rescales w by its own
    2·mean x², and a batch whose x are near 0 has almost no curvature in w, so it takes a huge
    step in w that throws every other sample off (one of the tutorial's x is 3e-9, not 0).
    """
    if optimizer in ("adam", "rmsprop", "adagrad"):
        return None
    if optimizer == "newton":
        return NEWTON_LEARNING_RATE_LIMIT
    if optimizer == "diagonal":
        whole = algorithm == "batch" or (algorithm == "minibatch" and batch_size >= np.size(x))
        return diagonal_learning_rate_limit(surface) if whole else None
    if algorithm == "batch":
        limit = surface.critical_learning_rate
    elif algorithm == "stochastic":
        limit = per_sample_learning_rate_limit(x) if per_sample is None else per_sample
    else:
        limit = minibatch_learning_rate_limit(x, batch_size)
    if optimizer == "momentum":
        limit *= 1.0 + momentum
    elif optimizer == "nesterov":
        limit *= (1.0 + momentum) / (1.0 + 2.0 * momentum)
    return limit if math.isfinite(limit) else None


def proposed_learning_rate(limit: float, fraction: float = 0.5) -> float:
    """A round learning rate (1, 2 or 5 × 10ᵏ) at most ``fraction`` of the stable ``limit``:
    what the window proposes on new data whose scale makes the current rate blow up."""
    target = limit * fraction
    exponent = math.floor(math.log10(target))
    for mantissa in (5, 2, 1):
        value = mantissa * 10.0**exponent
        if value <= target:
            return float(f"{value:.12g}")
    return float(f"{10.0 ** (exponent - 1) * 5:.12g}")  # pragma: no cover (1 × 10ᵏ ≤ target always)

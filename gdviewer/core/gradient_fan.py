"""Every sample's gradient at one point (the fan), and the spread of a mini-batch's mean.

For y ≈ w·x + b each sample's loss ℓᵢ = rᵢ² with rᵢ = w·xᵢ + b − yᵢ has the gradient
gᵢ = 2·rᵢ·(xᵢ, 1). Their mean is the full-data gradient; their covariance Σ says how far one
sample's direction strays from it, and Σ/B·(N − B)/(N − 1) how far the mean of a batch of B
(drawn without replacement) strays: the 1-σ ellipse that shrinks as 1/√B.

Both follow exactly, at any (w, b) in O(1), from centred moments of the data up to the
fourth (computed once per data set): with u = x − x̄, v = y − ȳ and c = w·x̄ + b − ȳ,
r = c + ρ·z and x = x̄ + φ·z for z = (u, v), ρ = (w, −1), φ = (1, 0). So each component of
g − E g is a linear plus a centred quadratic form in z, whose covariances need E z⊗z,
E z⊗z⊗z and E z⊗z⊗z⊗z. Centred moments (not raw sums of x⁴) keep float64's precision when
x or y sit far from 0. For drawing, a fixed, evenly strided sample of at most K samples
keeps the fan cheap at N = 10⁶. Numpy only: no Qt, no torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdviewer.core.surface import LossSurface

#: At most this many per-sample arrows are drawn.
DEFAULT_SAMPLE = 200


def _symmetric_tensor(values: dict[tuple[int, ...], float], order: int) -> np.ndarray:
    """The full 2×…×2 tensor of E[z_i z_j …] from its entries keyed by sorted index tuples."""
    tensor = np.empty((2,) * order, dtype=np.float64)
    for index in np.ndindex(*tensor.shape):
        tensor[index] = values[tuple(sorted(index))]
    return tensor


@dataclass(frozen=True)
class GradientMoments:
    """Centred moments of (x, y) up to the fourth: everything the fan's statistics need.

    ``m2[i, j] = E z_i z_j``, ``m3[i, j, k] = E z_i z_j z_k``, ``m4`` likewise, for
    z = (x − x̄, y − ȳ) (population moments, divided by N)."""

    n: int
    mean_x: float
    mean_y: float
    m2: np.ndarray = field(repr=False, compare=False)
    m3: np.ndarray = field(repr=False, compare=False)
    m4: np.ndarray = field(repr=False, compare=False)

    @classmethod
    def from_data(cls, x: np.ndarray, y: np.ndarray) -> GradientMoments:
        """One pass for the means, one for the centred powers (float64 throughout)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        n = x.size
        mx, my = float(x.mean()), float(y.mean())
        u, v = x - mx, y - my
        uu, uv, vv = u * u, u * v, v * v
        second = {(0, 0): uu.mean(), (0, 1): uv.mean(), (1, 1): vv.mean()}
        third = {(0, 0, 0): float(uu @ u) / n, (0, 0, 1): float(uu @ v) / n,
                 (0, 1, 1): float(uv @ v) / n, (1, 1, 1): float(vv @ v) / n}
        fourth = {(0, 0, 0, 0): float(uu @ uu) / n, (0, 0, 0, 1): float(uu @ uv) / n,
                  (0, 0, 1, 1): float(uu @ vv) / n, (0, 1, 1, 1): float(uv @ vv) / n,
                  (1, 1, 1, 1): float(vv @ vv) / n}
        return cls(n=n, mean_x=mx, mean_y=my, m2=_symmetric_tensor({k: float(a) for k, a in second.items()}, 2),
                   m3=_symmetric_tensor(third, 3), m4=_symmetric_tensor(fourth, 4))

    def _forms(self, w: float, b: float) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """c and, for g = (g_w, g_b): constants, linear coefficients α (2×2: row k is g_k's)
        and quadratic matrices B (2×2×2) such that g_k = const_k + α_k·z + zᵀ B_k z."""
        c = w * self.mean_x + b - self.mean_y
        rho = np.array([w, -1.0])
        phi = np.array([1.0, 0.0])
        const = np.array([2.0 * c * self.mean_x, 2.0 * c])
        alpha = np.array([2.0 * (c * phi + self.mean_x * rho), 2.0 * rho])
        quad = np.array([np.outer(rho, phi) + np.outer(phi, rho), np.zeros((2, 2))])
        return c, const, alpha, quad

    def full_gradient(self, w: float, b: float) -> np.ndarray:
        """The mean of the per-sample gradients: the full-data gradient (∂L/∂w, ∂L/∂b)."""
        _, const, _, quad = self._forms(float(w), float(b))
        return const + np.einsum("kij,ij->k", quad, self.m2)

    def covariance(self, w: float, b: float) -> np.ndarray:
        """Σ, the (population) covariance of the per-sample gradients gᵢ at (w, b), exactly.

        Cov(g_k, g_l) = α_kᵀM2α_l + α_k·(M3:B_l) + α_l·(M3:B_k) + B_k:M4:B_l − (B_k:M2)(B_l:M2);
        rounding can leave a tiny negative eigenvalue, which is clamped to 0 (Σ stays PSD)."""
        _, _, alpha, quad = self._forms(float(w), float(b))
        linear = alpha @ self.m2 @ alpha.T
        mixed = np.einsum("ki,ijm,ljm->kl", alpha, self.m3, quad)
        quad_mean = np.einsum("kij,ij->k", quad, self.m2)
        quadratic = np.einsum("kij,ijmn,lmn->kl", quad, self.m4, quad) - np.outer(quad_mean, quad_mean)
        return clamp_psd(linear + mixed + mixed.T + quadratic)

    def minibatch_covariance(self, w: float, b: float, batch_size: int) -> np.ndarray:
        """Covariance of the mean gradient of a batch drawn without replacement (see
        :func:`minibatch_covariance`)."""
        return minibatch_covariance(self.covariance(w, b), self.n, batch_size)


def clamp_psd(cov: np.ndarray) -> np.ndarray:
    """The symmetric part of ``cov`` with negative eigenvalues (cancellation) set to 0."""
    sym = 0.5 * (cov + cov.T)
    if not np.all(np.isfinite(sym)):
        return sym
    lams, vecs = np.linalg.eigh(sym)
    if lams[0] >= 0:
        return sym
    fixed = (vecs * np.maximum(lams, 0.0)) @ vecs.T
    return 0.5 * (fixed + fixed.T)


def finite_population_factor(n: int, batch_size: int) -> float:
    """(N − B)/(N − 1): drawing without replacement makes a batch's mean vary less than B
    independent draws would; 0 when the batch is the whole data set."""
    b = min(max(int(batch_size), 1), n)
    return (n - b) / (n - 1) if n > 1 else 0.0


def minibatch_covariance(cov: np.ndarray, n: int, batch_size: int) -> np.ndarray:
    """Σ/B·(N − B)/(N − 1): the covariance of the mean of B per-sample gradients drawn
    without replacement from N (0 at B = N, where every batch is the full data)."""
    b = min(max(int(batch_size), 1), n)
    return np.asarray(cov, dtype=np.float64) / b * finite_population_factor(n, b)


def spread_ellipse(center: np.ndarray, cov: np.ndarray, points: int = 96) -> np.ndarray:
    """The 1-σ ellipse {center + Σ^½·(cos t, sin t)} of a 2×2 covariance as a closed polyline
    (``points`` × 2, the last point the first): along Σ's eigen-directions, half-axes √λ."""
    lams, vecs = np.linalg.eigh(clamp_psd(np.asarray(cov, dtype=np.float64)))
    t = np.linspace(0.0, 2.0 * math.pi, points)
    t[-1] = 0.0
    unit = np.vstack([np.cos(t), np.sin(t)])
    delta = vecs @ (np.sqrt(np.maximum(lams, 0.0))[:, None] * unit)
    return np.asarray(center, dtype=np.float64)[None, :] + delta.T


def per_sample_gradients(x: np.ndarray, y: np.ndarray, w: float, b: float) -> np.ndarray:
    """gᵢ = 2·rᵢ·(xᵢ, 1) for every sample given (rows), in float64."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    r = w * x + b - np.asarray(y, dtype=np.float64).reshape(-1)
    return np.column_stack([2.0 * r * x, 2.0 * r])


def batch_gradient(x: np.ndarray, y: np.ndarray) -> LossSurface:
    """The statistics of one batch, from which its mean gradient at any (w, b) is O(1): the mean
    of the per-sample gradients gᵢ = 2·rᵢ·(xᵢ, 1) is the gradient of the batch's own mean
    squared error, so it is that batch's ``LossSurface.gradient`` (one O(B) pass)."""
    return LossSurface.from_data(x, y)


def sample_indices(n: int, k: int = DEFAULT_SAMPLE) -> np.ndarray:
    """At most ``k`` evenly strided indices of 0…n − 1 (deterministic, so the fan does not
    flicker from frame to frame; spread over the whole data set, first and last included)."""
    if n <= k:
        return np.arange(n, dtype=np.int64)
    return np.unique(np.round(np.linspace(0, n - 1, k)).astype(np.int64))


@dataclass(frozen=True)
class GradientFan:
    """A data set's moments and its drawn sample: built once per data set (O(N)), then every
    query at a point costs O(1) (moments) or O(K) (the sample's arrows)."""

    moments: GradientMoments
    sample_x: np.ndarray = field(repr=False, compare=False)
    sample_y: np.ndarray = field(repr=False, compare=False)

    @classmethod
    def from_data(cls, x: np.ndarray, y: np.ndarray, k: int = DEFAULT_SAMPLE) -> GradientFan:
        x = np.asarray(x).reshape(-1)
        y = np.asarray(y).reshape(-1)
        idx = sample_indices(x.size, k)
        return cls(GradientMoments.from_data(x, y), np.asarray(x[idx], dtype=np.float64),
                   np.asarray(y[idx], dtype=np.float64))

    @property
    def n(self) -> int:
        return self.moments.n

    def sampled_gradients(self, w: float, b: float) -> np.ndarray:
        """The drawn samples' gradients at (w, b), K × 2."""
        return per_sample_gradients(self.sample_x, self.sample_y, w, b)

    def batch_ellipse(self, w: float, b: float, batch_size: int, points: int = 96) -> np.ndarray:
        """The 1-σ ellipse of a batch-of-B mean gradient around the full gradient at (w, b)."""
        m = self.moments
        return spread_ellipse(m.full_gradient(w, b), m.minibatch_covariance(w, b, batch_size), points)

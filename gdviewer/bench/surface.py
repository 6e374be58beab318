"""Section 3: the loss surface on a 400 × 400 grid for N = 1,000,000 points."""

from __future__ import annotations

import time

import numpy as np
import torch

from gdviewer.bench.results import Figure
from gdviewer.core import DataConfig, LossSurface, synthetic

GRID = (400, 400)


def brute_force_ms(x: torch.Tensor, y: torch.Tensor, ws: np.ndarray, bs: np.ndarray, n_total: int) -> float:
    """Direct torch evaluation over a subsample, scaled to all points (O(grid × N))."""
    w = torch.from_numpy(ws.astype(np.float32))[:, None, None]
    b = torch.from_numpy(bs.astype(np.float32))[None, :, None]
    start = time.perf_counter()
    for row in range(0, w.shape[0], 50):  # in slabs to bound memory
        ((w[row : row + 50] * x + b - y) ** 2).mean(-1)
    return (time.perf_counter() - start) * 1000.0 * n_total / x.shape[0]


def run(quick: bool) -> list[Figure]:
    torch.set_num_threads(1)
    n = 1_000_000
    ds = synthetic(DataConfig(n_points=n))
    repeats = 3 if quick else 7
    stats_ms = grid_ms = brute_ms = float("inf")
    sub = 500 if quick else 2000
    idx = np.linspace(0, n - 1, sub).astype(np.int64)
    xs = torch.from_numpy(ds.x[idx].copy())
    ys = torch.from_numpy(ds.y[idx].copy())
    for _ in range(repeats):
        t = time.perf_counter()
        surface = LossSurface.from_data(ds.x, ds.y)
        stats_ms = min(stats_ms, (time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        ws, bs, _ = surface.grid((-10, 0), (-20, 20), GRID)
        grid_ms = min(grid_ms, (time.perf_counter() - t) * 1000)
        brute_ms = min(brute_ms, brute_force_ms(xs, ys, ws, bs, n))
    total = stats_ms + grid_ms
    return [
        Figure("surface", "recompute 400x400, N=1e6 (statistics + grid)", total, "ms", "<= 50",
               f"statistics {stats_ms:.1f} ms (O(N), once per data set) + grid {grid_ms:.1f} ms (O(grid))"),
        Figure("surface", "brute force / sufficient statistics", brute_ms / total, "x", "",
               f"brute force torch {brute_ms / 1000:.1f} s (subsample of {sub:,} scaled to 1e6)"),
    ]

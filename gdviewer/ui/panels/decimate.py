"""Incremental min/max decimation of growing curves, for drawing only.

A training curve only grows, so the envelope (min and max per bucket of consecutive
points) of every complete bucket is computed once and kept; each frame adds the new buckets
and the partial last one. A frame then costs O(new points + buckets) instead of O(all
points), and pyqtgraph is handed at most ``max_points`` points. Peaks survive, as with
pyqtgraph's 'peak' downsampling, which would redo all points every frame.
"""

from __future__ import annotations

import numpy as np

MAX_POINTS = 2000


class Envelope:
    """Min/max envelope of a prefix-stable array (values, once written, never change)."""

    def __init__(self, total: int, max_points: int = MAX_POINTS) -> None:
        self.max_points = max_points
        self.bucket = max(1, -(-int(total) // (max_points // 2)))
        self._lo = np.empty(0)
        self._hi = np.empty(0)
        self._source: object | None = None

    def reset(self, total: int) -> None:
        """Start over for a curve of ``total`` values, keeping ``max_points``."""
        self.__init__(total, self.max_points)

    def compute(self, values: np.ndarray, source: object | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(index, value) pairs to draw for ``values``: a bucket's min and max at its first index.

        ``source`` identifies the array's owner: a different one (a new run) drops the cache.
        """
        if source is not self._source:
            self._lo = self._hi = np.empty(0)
            self._source = source
        n = int(values.shape[0])
        size = self.bucket
        if size == 1:
            return np.arange(n, dtype=np.float64), np.asarray(values, dtype=np.float64)
        full = n // size
        done = self._lo.shape[0]
        if full < done:  # shorter than before: not the same array after all
            self._lo = self._hi = np.empty(0)
            done = 0
        if full > done:
            block = np.asarray(values[done * size : full * size], dtype=np.float64).reshape(-1, size)
            # fmin/fmax skip NaN (a gap) without the all-NaN warning of nanmin
            self._lo = np.concatenate([self._lo, np.fmin.reduce(block, axis=1)])
            self._hi = np.concatenate([self._hi, np.fmax.reduce(block, axis=1)])
        lo, hi = self._lo, self._hi
        rest = np.asarray(values[full * size : n], dtype=np.float64)
        if rest.size:
            lo = np.append(lo, np.fmin.reduce(rest))
            hi = np.append(hi, np.fmax.reduce(rest))
        m = lo.shape[0]
        starts = np.arange(m, dtype=np.float64) * size  # each bucket drawn at its first index
        x = np.repeat(starts, 2)
        y = np.empty(2 * m)
        y[0::2] = lo
        y[1::2] = hi
        return x, y


def thin_to_pixels(x: np.ndarray, y: np.ndarray, pixel_w: float, pixel_h: float) -> tuple[np.ndarray, np.ndarray]:
    """A path (any direction, like the parameters' walk on the surface) without the points
    that stay in the same screen pixel as the point before them: what is drawn moves by less
    than a pixel, and a slow SGD path's 20,000 points become the few thousand that show.
    The first and last points are always kept. No thinning if the pixel size is unknown."""
    n = x.shape[0]
    if n < 3 or not (np.isfinite(pixel_w) and np.isfinite(pixel_h) and pixel_w > 0 and pixel_h > 0):
        return x, y
    with np.errstate(invalid="ignore", over="ignore"):
        cx = np.floor(x / pixel_w)
        cy = np.floor(y / pixel_h)
    keep = np.empty(n, dtype=bool)
    keep[0] = keep[-1] = True
    np.logical_or(cx[1:-1] != cx[:-2], cy[1:-1] != cy[:-2], out=keep[1:-1])
    return x[keep], y[keep]

"""Which part of a path the surface view should frame.

A run that blows up (lr just above the stable limit) reaches |w| ~ 10⁴: framing all of it
shrinks the start, the valley and the first oscillations, the part a student needs, to a
dot. The focus is the start, the optimum and the path up to where it first leaves a box
:data:`FOCUS_FACTOR` times the start's distance from the optimum; the rest is an escape,
shown by a marker at the edge of the view.
"""

from __future__ import annotations

import numpy as np

#: The focus box reaches this many times the start's distance from the optimum (per axis).
FOCUS_FACTOR = 4.0


def focus_count(ws: np.ndarray, bs: np.ndarray, start: tuple[float, float], optimum: tuple[float, float],
                factor: float = FOCUS_FACTOR) -> int:
    """How many leading points of the path (ws, bs) stay in the focus box around ``optimum``
    (len(ws) when the whole path does: nothing escapes)."""
    ws, bs = np.asarray(ws, dtype=np.float64), np.asarray(bs, dtype=np.float64)
    (w0, b0), (wo, bo) = start, optimum
    half_w = factor * max(abs(w0 - wo), 1.0)
    half_b = factor * max(abs(b0 - bo), 1.0)
    with np.errstate(invalid="ignore"):
        inside = (np.abs(ws - wo) <= half_w) & (np.abs(bs - bo) <= half_b)
    out = np.flatnonzero(~inside)
    return int(ws.size if out.size == 0 else out[0])

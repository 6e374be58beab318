"""How much work and memory a run asks for, checked before it starts.

Why: every step is kept (the timeline scrubs back to any of them), so a configuration fixes
the memory its history needs: steps × runs × :data:`BYTES_PER_STEP`. A session file asking
for a batch of 10⁷ samples and 10⁶ epochs used to run for minutes until the kernel killed it.
Now such a run is refused up front with a message that says what fits. The memory budget is
:data:`DEFAULT_MEMORY_MB` unless the environment variable ``GDVIEWER_MEMORY_MB`` says otherwise
(the window and ``gdviewer run`` read the same variable).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from gdviewer.core.errors import ConfigError

#: One history row: step, samples and the full-data loss (8 bytes each), epoch (4), and w, b,
#: loss, dw, db and the epoch loss as float32 (4 each); tests check it against history.COLUMNS.
BYTES_PER_STEP = 52
DEFAULT_MEMORY_MB = 2048
#: Sample gradients in one run (points × epochs): 10¹⁰ is minutes of CPU at most.
MAX_SAMPLE_GRADIENTS = 10_000_000_000
MB = 1 << 20


def memory_budget_bytes() -> int:
    """The budget for all runs' histories together, from ``GDVIEWER_MEMORY_MB`` or the default."""
    raw = os.environ.get("GDVIEWER_MEMORY_MB", "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MEMORY_MB
    except ValueError:
        mb = DEFAULT_MEMORY_MB
    return int(max(mb, 1) * MB) if math.isfinite(mb) else DEFAULT_MEMORY_MB * MB  # NaN, ±inf → default


def _mb(size: float) -> str:
    return f"{size / MB:,.1f} MB" if size < 10 * MB else f"{size / MB:,.0f} MB"


def check_work(n_points: int, epochs: int) -> None:
    """Refuse a run whose epochs × points sample gradients would take far too long."""
    work = n_points * epochs
    if work > MAX_SAMPLE_GRADIENTS:
        raise ConfigError("epochs", f"asks for {work:,} sample gradients ({n_points:,} points × {epochs:,} epochs); "
                          f"the limit is {MAX_SAMPLE_GRADIENTS:,}, so use at most "
                          f"{max(MAX_SAMPLE_GRADIENTS // n_points, 1):,} epochs")


def check_memory(steps: Sequence[int], epochs: Sequence[int], budget: int | None = None) -> None:
    """Refuse runs (``steps[i]`` steps in ``epochs[i]`` epochs each) whose histories exceed the budget."""
    budget = memory_budget_bytes() if budget is None else budget
    need = sum(steps) * BYTES_PER_STEP
    if need <= budget:
        return
    share = budget / need
    fits = ", ".join(f"{max(int(e * share), 1):,}" for e in epochs)
    runs = "this run" if len(steps) == 1 else f"these {len(steps)} runs"
    raise ConfigError("epochs", f"the history of {runs} needs {_mb(need)} ({sum(steps):,} steps × "
                      f"{BYTES_PER_STEP} bytes); the memory budget is {_mb(budget)} "
                      f"(GDVIEWER_MEMORY_MB), so use at most {fits} epochs")

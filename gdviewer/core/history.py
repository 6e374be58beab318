"""Per-step records of a run in growable numpy columns.

Every step of a run lands here, so the whole path and every curve can be drawn and saved.
Columns are preallocated numpy arrays grown by doubling (or reserved exactly when the run
length is known): at 52 bytes a step, a 1,000,000-step run takes about 52 MB. Readers get
views of the first ``len(history)`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdviewer.core.atomic_write import atomic_path

#: Column name → dtype. w, b, the losses and gradients come from float32 tensors, so float32
#: stores them exactly; the full-data loss is computed in float64 from sufficient statistics.
COLUMNS: dict[str, np.dtype] = {
    "step": np.dtype(np.int64),        # 1-based: row k holds the state after update k
    "epoch": np.dtype(np.int32),       # 0-based epoch of the update, as the tutorial counts
    "samples": np.dtype(np.int64),     # samples seen (gradient evaluations) after the update
    "w": np.dtype(np.float32),         # parameters after the update
    "b": np.dtype(np.float32),
    "loss": np.dtype(np.float32),      # the step's batch loss, before the update
    "dw": np.dtype(np.float32),        # the step's batch gradient, before the update
    "db": np.dtype(np.float32),
    "full_loss": np.dtype(np.float64),  # full-data loss before the update
    "epoch_loss": np.dtype(np.float32),  # full-data loss at the epoch's start (tutorial); NaN elsewhere
}


@dataclass
class Chunk:
    """A batch of consecutive step records, as plain owned numpy arrays (one per column).

    ``batch_indices`` are the sample indices used by the chunk's last step, for highlighting.
    """

    columns: dict[str, np.ndarray]
    batch_indices: np.ndarray

    def __len__(self) -> int:
        return int(self.columns["step"].shape[0])


class History:
    """Growable column store of step records plus the run's start point."""

    def __init__(self, initial_w: float = 0.0, initial_b: float = 0.0, capacity: int = 1024) -> None:
        self.initial_w = float(initial_w)
        self.initial_b = float(initial_b)
        self._n = 0
        self._cols = {name: np.empty(max(capacity, 1), dtype=dt) for name, dt in COLUMNS.items()}

    def __len__(self) -> int:
        return self._n

    @property
    def capacity(self) -> int:
        return int(self._cols["step"].shape[0])

    def reserve(self, capacity: int) -> None:
        """Make room for ``capacity`` rows in total (no-op if already there)."""
        if capacity <= self.capacity:
            return
        for name, old in self._cols.items():
            new = np.empty(capacity, dtype=old.dtype)
            new[: self._n] = old[: self._n]
            self._cols[name] = new

    def append(self, chunk: Chunk) -> None:
        """Append a chunk's rows; steps must continue where the history ends."""
        k = len(chunk)
        if k == 0:
            return
        first = int(chunk.columns["step"][0])
        if first != self._n + 1:
            raise ValueError(f"chunk starts at step {first}, history expects step {self._n + 1}")
        if self._n + k > self.capacity:
            self.reserve(max(self._n + k, 2 * self.capacity))
        for name, col in self._cols.items():
            col[self._n : self._n + k] = chunk.columns[name]
        self._n += k

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column's filled rows."""
        view = self._cols[name][: self._n]
        view.flags.writeable = False
        return view

    def __getattr__(self, name: str) -> np.ndarray:
        if name in COLUMNS:
            return self.column(name)
        raise AttributeError(name)

    def path(self) -> tuple[np.ndarray, np.ndarray]:
        """(w, b) from the start point through every step, as float64 arrays of length n + 1."""
        w = np.empty(self._n + 1)
        b = np.empty(self._n + 1)
        w[0], b[0] = self.initial_w, self.initial_b
        w[1:] = self._cols["w"][: self._n]
        b[1:] = self._cols["b"][: self._n]
        return w, b

    def epoch_losses(self) -> np.ndarray:
        """Full-data loss at the start of each epoch (the tutorial's loss list)."""
        e = self.column("epoch_loss")
        return e[~np.isnan(e)]

    def nbytes(self) -> int:
        """Bytes held by the column buffers (capacity, not just filled rows)."""
        return sum(int(c.nbytes) for c in self._cols.values())

    def to_csv(self, path: str | Path) -> None:
        """Write every step with a header row (one row per step, all columns)."""
        names = list(COLUMNS)
        table = np.column_stack([self.column(n).astype(np.float64) for n in names]) if self._n else None
        fmt = ["%d" if COLUMNS[n].kind == "i" else "%.9g" for n in names]
        with atomic_path(path) as tmp, open(tmp, "w", newline="") as fh:  # complete or not at all
            fh.write(",".join(names) + "\n")
            if table is not None:
                np.savetxt(fh, table, delimiter=",", fmt=fmt)

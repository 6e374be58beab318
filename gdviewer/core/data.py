"""Data sets: the tutorial's synthetic line, or points read from a CSV file.

A :class:`Dataset` keeps the samples twice, cheaply: as float32 torch tensors of shape
(N, 1) for training (the tutorial's layout) and as 1-D numpy views of the same memory for
plotting and statistics.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from gdviewer.core.config import MAX_POINTS, DataConfig
from gdviewer.core.errors import DataError


@dataclass(frozen=True, eq=False)
class Dataset:
    """Samples (x, y) for a one-feature linear regression.

    ``X`` and ``Y`` are float32 tensors of shape (N, 1). ``source`` says where they came
    from (``"synthetic"`` or a file path); ``true_slope``/``true_intercept`` are known only
    for synthetic data.
    """

    X: torch.Tensor
    Y: torch.Tensor
    source: str = "synthetic"
    true_slope: float | None = None
    true_intercept: float | None = None
    config: DataConfig | None = None
    _x: np.ndarray = field(init=False, repr=False)
    _y: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.X.shape != self.Y.shape or self.X.ndim != 2 or self.X.shape[1] != 1:
            raise DataError(f"X and Y must both have shape (N, 1), got {tuple(self.X.shape)} and {tuple(self.Y.shape)}")
        if self.X.shape[0] < 2:
            raise DataError(f"need at least 2 points, got {self.X.shape[0]}")
        object.__setattr__(self, "_x", self.X.detach().numpy().reshape(-1))
        object.__setattr__(self, "_y", self.Y.detach().numpy().reshape(-1))

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def x(self) -> np.ndarray:
        """The x values as a 1-D float32 array (a view, do not modify)."""
        return self._x

    @property
    def y(self) -> np.ndarray:
        """The y values as a 1-D float32 array (a view, do not modify)."""
        return self._y

    @classmethod
    def from_arrays(cls, x: np.ndarray, y: np.ndarray, source: str = "array") -> Dataset:
        """Build a data set from two equal-length 1-D arrays (checked for finiteness)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if x.shape != y.shape:
            raise DataError(f"x and y differ in length ({x.size} and {y.size})")
        if x.size < 2:
            raise DataError(f"need at least 2 points, got {x.size}")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise DataError("values must be finite numbers (no NaN or infinity)")
        if np.abs(x).max() > 1e15 or np.abs(y).max() > 1e15:
            raise DataError("values must be within ±1e15")
        X = torch.from_numpy(x.astype(np.float32)).view(-1, 1)
        Y = torch.from_numpy(y.astype(np.float32)).view(-1, 1)
        return cls(X, Y, source=source)


def synthetic(config: DataConfig | None = None) -> Dataset:
    """The tutorial's data: ``X = arange(start, stop, step)``, ``Y = slope·X + noise·randn``.

    With the default config this is, bit for bit::

        torch.manual_seed(42)
        X = torch.arange(-5, 5, 0.1).view(-1, 1)
        Y = -5 * X + 0.4 * torch.randn(X.size())

    A private ``torch.Generator`` seeded the same way gives the same numbers as
    ``torch.manual_seed`` without touching the global random state.
    """
    config = (config or DataConfig()).validate()
    gen = torch.Generator().manual_seed(config.seed)
    if config.n_points is None:
        X = torch.arange(config.x_start, config.x_stop, config.x_step).view(-1, 1)
    else:
        X = torch.linspace(config.x_start, config.x_stop, config.n_points).view(-1, 1)
    Y = config.slope * X
    if config.intercept != 0:
        Y = Y + config.intercept
    Y = Y + config.noise * torch.randn(X.size(), generator=gen)
    return Dataset(X, Y, source="synthetic", true_slope=config.slope,
                   true_intercept=config.intercept, config=config)


_DELIMITERS = (",", ";", "\t")


def _split(line: str, delimiter: str | None) -> list[str]:
    return line.split(delimiter) if delimiter else line.split()


def load_csv(path: str | Path, x_column: int = 0, y_column: int = 1, max_line_chars: int = 100_000) -> Dataset:
    """Read two numeric columns from a CSV file (comma, semicolon, tab or spaces).

    A header row is optional. Raises :class:`DataError` with the line number and the
    problem for anything unusable, so a caller can show it and keep its current data.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}, line {line}: not UTF-8 text (byte {raw[exc.start]:#04x})") from None
    return parse_csv_text(text, name=str(path), x_column=x_column, y_column=y_column,
                          max_line_chars=max_line_chars)


def parse_csv_text(text: str, name: str = "data", x_column: int = 0, y_column: int = 1,
                   max_line_chars: int = 100_000) -> Dataset:
    """Parse CSV text into a :class:`Dataset`; see :func:`load_csv`."""
    lines = text.splitlines()
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
    if not numbered:
        raise DataError(f"{name}: the file is empty")
    for lineno, ln in numbered:
        if len(ln) > max_line_chars:
            raise DataError(f"{name}, line {lineno}: line is too long ({len(ln):,} characters)")
    first = numbered[0][1]
    delimiter = next((d for d in _DELIMITERS if d in first), None)
    need = max(x_column, y_column) + 1
    header_cells = [c.strip() for c in _split(first, delimiter)]
    if len(header_cells) < 2:
        raise DataError(f"{name}, line {numbered[0][0]}: found one column; need two numeric columns x, y "
                        "separated by comma, semicolon or tab")
    if len(header_cells) < need:
        raise DataError(f"{name}, line {numbered[0][0]}: has {len(header_cells)} columns; column {need} was asked for")
    body = numbered
    if not all(_is_number(c) for c in (header_cells[x_column], header_cells[y_column])):
        body = numbered[1:]  # a header row
    if len(body) < 2:
        raise DataError(f"{name}: need at least 2 data rows, found {len(body)}")
    if len(body) > MAX_POINTS:
        raise DataError(f"{name}: {len(body):,} rows; the limit is {MAX_POINTS:,}")
    xs = np.empty(len(body), dtype=np.float64)
    ys = np.empty(len(body), dtype=np.float64)
    fast = _parse_fast(body, delimiter, x_column, y_column, xs, ys)
    if not fast:
        for k, (lineno, ln) in enumerate(body):
            # one line at a time: an unbalanced quote must not swallow the lines after it
            cells = next(csv.reader([ln], delimiter=delimiter or " ", skipinitialspace=True), [])
            if delimiter is None:
                cells = [c for c in cells if c]
            if len(cells) < need:
                raise DataError(f"{name}, line {lineno}: has {len(cells)} column(s), expected at least {need}")
            xs[k] = _number(cells[x_column], name, lineno, "x")
            ys[k] = _number(cells[y_column], name, lineno, "y")
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if bad.any():
        k = int(np.argmax(bad))
        lineno = body[k][0]
        raise DataError(f"{name}, line {lineno}: value is not finite (NaN or infinity): x={xs[k]}, y={ys[k]}")
    try:
        return Dataset.from_arrays(xs, ys, source=name)
    except DataError as exc:
        raise DataError(f"{name}: {exc}") from None


def _parse_fast(body: list[tuple[int, str]], delimiter: str | None, xc: int, yc: int,
                xs: np.ndarray, ys: np.ndarray) -> bool:
    """Try a vectorised parse of well-formed rows; False means fall back to the checked path."""
    try:
        table = np.loadtxt(io.StringIO("\n".join(ln for _, ln in body)), delimiter=delimiter,
                           usecols=(xc, yc), dtype=np.float64, ndmin=2, comments=None)
    except (ValueError, IndexError):
        return False
    if table.shape != (len(body), 2):
        return False
    xs[:] = table[:, 0]
    ys[:] = table[:, 1]
    return True


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _number(cell: str, name: str, lineno: int, column: str) -> float:
    cell = cell.strip()
    if not cell:
        raise DataError(f"{name}, line {lineno}: the {column} value is empty")
    try:
        value = float(cell)
    except ValueError:
        shown = cell if len(cell) <= 40 else cell[:37] + "..."
        raise DataError(f"{name}, line {lineno}: the {column} value {shown!r} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{name}, line {lineno}: the {column} value {cell!r} is not finite")
    return value

"""Data sets: the tutorial's synthetic line, or points read from a CSV file.

A :class:`Dataset` keeps the samples once, as float32 numpy arrays, and hands out float32
torch tensors of shape (N, 1) (the tutorial's layout) that share that memory. torch itself
is imported only when something trains or generates data, so the window can open before
torch has loaded.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from pathlib import Path
from reprlib import repr as _brief
from typing import TYPE_CHECKING, Any

import numpy as np

from gdviewer.core.config import MAX_POINTS, DataConfig
from gdviewer.core.errors import DataError
from gdviewer.core.input_files import CSV_LIMIT_BYTES, check_regular, read_limited
from gdviewer.core.text_limits import bounded_name

MAX_COLUMNS = 200  # offered in the column chooser; a wider file still loads by column number

if TYPE_CHECKING:
    import torch

    from gdviewer.core.surface import LossSurface

#: The tutorial's default data set, bit for bit (see :func:`synthetic`), so the window can
#: show it before torch is imported. A test regenerates it with torch and compares.
TUTORIAL_DATA_FILE = Path(__file__).with_name("tutorial_data.npz")


class Dataset:
    """Samples (x, y) for a one-feature linear regression.

    Built from two (N, 1) arrays or tensors. ``source`` says where the samples came from
    (``"synthetic"`` or a file path); ``true_slope``/``true_intercept`` are known only for
    synthetic data.
    """

    def __init__(self, X: Any, Y: Any, source: str = "synthetic", true_slope: float | None = None,
                 true_intercept: float | None = None, config: DataConfig | None = None) -> None:
        x_arr = _as_array(X)
        y_arr = _as_array(Y)
        if x_arr.shape != y_arr.shape or x_arr.ndim != 2 or x_arr.shape[1] != 1:
            raise DataError(f"X and Y must both have shape (N, 1), got {tuple(x_arr.shape)} and {tuple(y_arr.shape)}")
        if x_arr.shape[0] < 2:
            raise DataError(f"need at least 2 points, got {x_arr.shape[0]}")
        self._x = np.ascontiguousarray(x_arr.reshape(-1), dtype=np.float32)
        self._y = np.ascontiguousarray(y_arr.reshape(-1), dtype=np.float32)
        self._X = X if _is_float32_tensor(X) else None
        self._Y = Y if _is_float32_tensor(Y) else None
        self.source = source
        self.true_slope = true_slope
        self.true_intercept = true_intercept
        self.config = config
        self._surface: LossSurface | None = None
        #: The columns' names from a CSV header (None: no header; the axes say x and y).
        self.x_name: str | None = None
        self.y_name: str | None = None
        #: The values as they were entered (read from a file, typed, dragged), in float64: what a
        #: session stores. Training uses float32 (the tutorial's dtype); 1.3 there is 1.2999999523.
        self.entered: tuple[np.ndarray, np.ndarray] | None = None
        self._entered_tuples: tuple[tuple[float, ...], tuple[float, ...]] | None = None
        self._stable_lrs: dict[tuple, float | None] = {}
        self._per_sample_limit: float | None = None

    @property
    def n(self) -> int:
        return int(self._x.shape[0])

    @property
    def x(self) -> np.ndarray:
        """The x values as a 1-D float32 array (do not modify)."""
        return self._x

    @property
    def y(self) -> np.ndarray:
        """The y values as a 1-D float32 array (do not modify)."""
        return self._y

    @property
    def X(self) -> torch.Tensor:
        """x as a float32 tensor of shape (N, 1), sharing memory with :attr:`x`."""
        if self._X is None:
            import torch

            self._X = torch.from_numpy(self._x).view(-1, 1)
        return self._X

    @property
    def Y(self) -> torch.Tensor:
        """y as a float32 tensor of shape (N, 1), sharing memory with :attr:`y`."""
        if self._Y is None:
            import torch

            self._Y = torch.from_numpy(self._y).view(-1, 1)
        return self._Y

    @property
    def surface(self) -> LossSurface:
        """The loss surface's sufficient statistics, computed once (an O(N) pass)."""
        if self._surface is None:
            from gdviewer.core.surface import LossSurface

            self._surface = LossSurface.from_data(self._x, self._y)
        return self._surface

    def __repr__(self) -> str:
        return f"Dataset(n={self.n}, source={self.source!r})"

    @classmethod
    def from_arrays(cls, x: np.ndarray, y: np.ndarray, source: str = "array",
                    names: tuple[str | None, str | None] = (None, None)) -> Dataset:
        """Build a data set from two equal-length 1-D arrays (checked for finiteness);
        ``names``: the columns' names from a CSV header."""
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
        dataset = cls(x.astype(np.float32).reshape(-1, 1), y.astype(np.float32).reshape(-1, 1), source=source)
        dataset.entered = (x.copy(), y.copy())
        dataset.x_name, dataset.y_name = names
        return dataset

    def entered_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The points as entered (float64), or the float32 samples widened where none were kept."""
        if self.entered is not None:
            return self.entered
        return self._x.astype(np.float64), self._y.astype(np.float64)

    def entered_tuples(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """:meth:`entered_points` as tuples of floats (what a session stores), made once: for a
        million points it takes ~50 ms, and every undo record of the data asks for it."""
        if self._entered_tuples is None:
            xs, ys = self.entered_points()
            self._entered_tuples = (tuple(xs.tolist()), tuple(ys.tolist()))
        return self._entered_tuples

    def stable_lr(self, algorithm: str, batch_size: int, optimizer: str, momentum: float) -> float | None:
        """``stable_learning_rate`` on these data, remembered per setting: the one-sample and
        mini-batch limits are a pass over every x (~10 ms at a million points), and each
        change asks for it from several parts of the window."""
        key = (algorithm, batch_size, optimizer, momentum)
        if key not in self._stable_lrs:
            from gdviewer.core.surface import stable_learning_rate

            if len(self._stable_lrs) >= 64:  # (settings typed one after another: keep it small)
                self._stable_lrs.clear()
            per_sample = self.per_sample_limit if algorithm == "stochastic" else None
            self._stable_lrs[key] = stable_learning_rate(self.surface, self._x, *key, per_sample=per_sample)
        return self._stable_lrs[key]

    @property
    def per_sample_limit(self) -> float:
        """The one-sample steps' stable learning rate (``per_sample_learning_rate_limit``),
        computed once (a loader computes it off the GUI thread)."""
        if self._per_sample_limit is None:
            from gdviewer.core.surface import per_sample_learning_rate_limit

            self._per_sample_limit = per_sample_learning_rate_limit(self._x)
        return self._per_sample_limit


def _is_float32_tensor(value: Any) -> bool:
    return hasattr(value, "detach") and str(getattr(value, "dtype", "")) == "torch.float32"


def _as_array(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        return value.detach().cpu().numpy()
    return np.asarray(value)


def synthetic(config: DataConfig | None = None) -> Dataset:
    """The tutorial's data: ``X = arange(start, stop, step)``, ``Y = slope·X + noise·randn``.

    With the default config this is, bit for bit::

        torch.manual_seed(42)
        X = torch.arange(-5, 5, 0.1).view(-1, 1)
        Y = -5 * X + 0.4 * torch.randn(X.size())

    A private ``torch.Generator`` seeded the same way gives the same numbers as
    ``torch.manual_seed`` without touching the global random state. The default data set is
    read from a stored copy of exactly those numbers when available (no torch needed).
    """
    config = (config or DataConfig()).validate()
    if config == DataConfig() and TUTORIAL_DATA_FILE.is_file():
        with np.load(TUTORIAL_DATA_FILE) as stored:
            x, y = stored["x"], stored["y"]
        return Dataset(x.reshape(-1, 1), y.reshape(-1, 1), source="synthetic", true_slope=config.slope,
                       true_intercept=config.intercept, config=config)
    return generate_synthetic(config)


def generate_synthetic(config: DataConfig) -> Dataset:
    """:func:`synthetic` computed with torch (never from the stored copy)."""
    import torch

    config = config.validate()
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


_DELIMITERS = ("\t", ";", ",")  # tab and semicolon first: such files may hold decimal commas


def _split(line: str, delimiter: str | None) -> list[str]:
    return line.split(delimiter) if delimiter else line.split()


#: Rows parsed per vectorised block: small enough that a thread parsing a big file gives
#: the GIL back (and reports progress) every few tens of milliseconds.
PARSE_BLOCK_ROWS = 50_000

Progress = Callable[[float], None]


def load_csv(path: str | Path, x_column: int = 0, y_column: int = 1, max_line_chars: int = 100_000,
             progress: Progress | None = None, max_bytes: int = CSV_LIMIT_BYTES) -> Dataset:
    """Read two numeric columns from a CSV file (comma, semicolon, tab or spaces).

    A header row is optional. Raises :class:`DataError` with the line number and the
    problem for anything unusable, so a caller can show it and keep its current data.
    ``progress`` is called with the fraction done (0 … 1) as the file is parsed. Devices,
    pipes and files over ``max_bytes`` are refused before they are read (:mod:`input_files`).
    """
    path = Path(path)
    raw = read_limited(path, max_bytes, "CSV file", rows=True)  # regular files only, size checked first
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}, line {line}: not UTF-8 text (byte {raw[exc.start]:#04x})") from None
    return parse_csv_text(text, name=str(path), x_column=x_column, y_column=y_column,
                          max_line_chars=max_line_chars, progress=progress)


def _head_rows(path: str | Path, limit: int) -> list[str]:
    """The first non-blank, non-comment lines of a CSV file within ``limit`` bytes; [] if it
    cannot be read. Cheap enough for the GUI thread; a FIFO is refused before it is opened
    (opening one with no writer would block)."""
    try:
        check_regular(path)
        with open(path, "rb") as fh:
            head = fh.read(limit).decode("utf-8-sig", errors="replace")
    except (OSError, DataError):
        return []
    return [ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def _delimiter_of(line: str) -> str | None:
    return next((d for d in _DELIMITERS if d in line), None)


def csv_columns(path: str | Path, limit: int = 65536) -> tuple[list[str], list[int]]:
    """The column names and the numeric columns of a CSV file from one read of its head (the
    column chooser needs both; reading the file twice on the GUI thread was work done twice)."""
    rows = _head_rows(path, limit)
    return _column_names(rows), _numeric_columns(rows)


def peek_columns(path: str | Path, limit: int = 65536) -> list[str]:
    """Names of the columns of a CSV file from its first line (header names, or "column 1",
    "column 2", … when the first row is numbers); [] if it cannot be read."""
    return _column_names(_head_rows(path, limit))


def numeric_columns(path: str | Path, limit: int = 65536) -> list[int]:
    """Indices of the columns whose first data row holds numbers (a text column such as a
    student's name is not offered as x or y by default); [] if the file cannot be read."""
    return _numeric_columns(_head_rows(path, limit))


def _column_names(rows: list[str]) -> list[str]:
    if not rows:
        return []
    cells = [c.strip() for c in _split(rows[0], _delimiter_of(rows[0]))]
    if all(_is_number(c) for c in cells):
        return [f"column {i + 1}" for i in range(min(len(cells), MAX_COLUMNS))]
    return [bounded_name(c) or f"column {i + 1}" for i, c in enumerate(cells[:MAX_COLUMNS])]


def _numeric_columns(rows: list[str]) -> list[int]:
    if not rows:
        return []
    delimiter = _delimiter_of(rows[0])
    decimal_comma = delimiter in (";", "\t")
    for line in rows[:2]:  # the header (if any), then the first data row
        cells = [c.strip().strip('"') for c in _split(line, delimiter)][:MAX_COLUMNS]
        found = [i for i, c in enumerate(cells) if _is_number(_decimal_point(c, decimal_comma))]
        if found:
            return found
    return []


def parse_csv_text(text: str, name: str = "data", x_column: int = 0, y_column: int = 1,
                   max_line_chars: int = 100_000, progress: Progress | None = None) -> Dataset:
    """Parse CSV text into a :class:`Dataset`; see :func:`load_csv`."""
    report = progress or (lambda _fraction: None)
    report(0.0)
    lines = _split_lines(text)
    # Line numbers and texts of the non-blank, non-comment lines, kept as two flat lists: a
    # million (number, line) tuples would wake the garbage collector, which holds the GIL
    # (and so freezes the window) for hundreds of milliseconds.
    if "#" not in text and all(lines):
        numbers: list[int] | range = range(1, len(lines) + 1)
        texts = lines
    else:
        keep = [i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
        numbers = [i + 1 for i in keep]
        texts = [lines[i] for i in keep]
    if not texts:
        raise DataError(f"{name}: the file is empty")
    if max(map(len, texts)) > max_line_chars:
        k = next(k for k, ln in enumerate(texts) if len(ln) > max_line_chars)
        raise DataError(f"{name}, line {numbers[k]}: line is too long ({len(texts[k]):,} characters)")
    first = texts[0]
    delimiter = _delimiter_of(first)
    need = max(x_column, y_column) + 1
    header_cells = [c.strip() for c in _split(first, delimiter)]
    if len(header_cells) < 2:
        raise DataError(f"{name}, line {numbers[0]}: found one column; need two numeric columns x, y "
                        "separated by comma, semicolon or tab")
    if len(header_cells) < need:
        raise DataError(f"{name}, line {numbers[0]}: has {len(header_cells)} columns; column {need} was asked for")
    decimal_comma = delimiter in (";", "\t")
    if not all(_is_number(_decimal_point(c, decimal_comma)) for c in (header_cells[x_column], header_cells[y_column])):
        numbers, texts = numbers[1:], texts[1:]  # a header row
        names = (bounded_name(header_cells[x_column]) or None, bounded_name(header_cells[y_column]) or None)
    else:
        names = (None, None)
    if len(texts) < 2:
        raise DataError(f"{name}: need at least 2 data rows, found {len(texts)}")
    if len(texts) > MAX_POINTS:
        raise DataError(f"{name}: {len(texts):,} rows; the limit is {MAX_POINTS:,}")
    body = texts
    xs = np.empty(len(body), dtype=np.float64)
    ys = np.empty(len(body), dtype=np.float64)
    report(0.2)
    fast = _parse_fast(body, delimiter, x_column, y_column, xs, ys, report)
    if not fast:
        for k, (lineno, ln) in enumerate(zip(numbers, body, strict=True)):
            # one line at a time: an unbalanced quote must not swallow the lines after it
            try:
                cells = next(csv.reader([ln], delimiter=delimiter or " ", skipinitialspace=True, strict=True), [])
            except csv.Error:
                raise DataError(f"{name}, line {lineno}: a quote is not closed ({_brief(ln)})") from None
            if delimiter is None:
                cells = [c for c in cells if c]
            if len(cells) < need:
                raise DataError(f"{name}, line {lineno}: has {len(cells)} column(s), expected at least {need}")
            xs[k] = _number(cells[x_column], name, lineno, "x", decimal_comma)
            ys[k] = _number(cells[y_column], name, lineno, "y", decimal_comma)
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if bad.any():
        k = int(np.argmax(bad))
        lineno = numbers[k]
        raise DataError(f"{name}, line {lineno}: value is not finite (NaN or infinity): x={xs[k]}, y={ys[k]}")
    try:
        dataset = Dataset.from_arrays(xs, ys, source=name, names=names)
    except DataError as exc:
        raise DataError(f"{name}: {exc}") from None
    report(1.0)
    return dataset


def _split_lines(text: str, piece: int = 1 << 21) -> list[str]:
    """``text.splitlines()`` a few MB at a time: one call on a big file would hold the GIL
    (and freeze a window whose data is loading in a thread) for the whole split."""
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    lines: list[str] = []
    start = 0
    while start < len(text):
        end = text.find("\n", start + piece)
        end = len(text) if end < 0 else end + 1
        # only \n (and \r\n) end a line: str.splitlines() would also split at U+2028, form
        # feeds and other characters no spreadsheet writes between rows
        part = text[start:end].split("\n")
        if part and part[-1] == "":
            part.pop()
        lines += [ln[:-1] if ln.endswith("\r") else ln for ln in part]
        start = end
    return lines


def _parse_fast(body: list[str], delimiter: str | None, xc: int, yc: int,
                xs: np.ndarray, ys: np.ndarray, report: Progress) -> bool:
    """Try a vectorised parse of well-formed rows, block by block; False means fall back to
    the checked path (which finds and names the bad line)."""
    n = len(body)
    for start in range(0, n, PARSE_BLOCK_ROWS):
        block = body[start : start + PARSE_BLOCK_ROWS]
        try:
            table = np.loadtxt(io.StringIO("\n".join(block)), delimiter=delimiter,
                               usecols=(xc, yc), dtype=np.float64, ndmin=2, comments=None)
        except (ValueError, IndexError):
            return False
        if table.shape != (len(block), 2):
            return False
        xs[start : start + len(block)] = table[:, 0]
        ys[start : start + len(block)] = table[:, 1]
        report(0.2 + 0.8 * (start + len(block)) / n)
    return True


#: A number as spreadsheet programs write it: ASCII digits, an optional sign, point and
#: exponent. Python's float() also takes "1_000", fullwidth and Arabic-Indic digits, which
#: no spreadsheet writes and which would silently become data.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity|nan)",
                     re.ASCII | re.IGNORECASE)


def _is_number(cell: str) -> bool:
    return _NUMBER.fullmatch(cell.strip()) is not None


def _decimal_point(cell: str, decimal_comma: bool) -> str:
    """"2,5" → "2.5" in a file separated by semicolons or tabs, where a comma can only be a
    decimal comma; anything else as it is."""
    if decimal_comma and cell.count(",") == 1 and "." not in cell:
        return cell.replace(",", ".")
    return cell


def _number(cell: str, name: str, lineno: int, column: str, decimal_comma: bool = False) -> float:
    cell = cell.strip()
    if not cell:
        raise DataError(f"{name}, line {lineno}: the {column} value is empty")
    cell = _decimal_point(cell, decimal_comma)
    if not _is_number(cell):
        shown = cell if len(cell) <= 40 else cell[:37] + "..."
        raise DataError(f"{name}, line {lineno}: the {column} value {shown!r} is not a number "
                        "(digits 0-9, a point or a decimal comma, an optional exponent)")
    value = float(cell)
    if not math.isfinite(value):
        raise DataError(f"{name}, line {lineno}: the {column} value {cell!r} is not finite")
    return value

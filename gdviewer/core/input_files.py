"""Read a file the user named, safely: a regular file, of a size that fits, read with a limit.

Why: ``Path.read_bytes()`` on ``/dev/zero`` (or a symlink to it) reads until memory runs
out, on a FIFO with no writer it blocks forever, and a 1 GB CSV of short rows becomes
hundreds of millions of Python strings. Every file that comes from the user (CSV data,
session files, files dropped on the window) goes through :func:`read_limited`, which checks
the kind and size of the file before it opens it and never reads more than its limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from gdviewer.core.errors import DataError

MB = 1 << 20
# CSV text becomes Python strings and float arrays at roughly 40× its size while parsing:
# 128 MB of text (several million rows) is what a laptop with a few GB free takes comfortably.
CSV_LIMIT_BYTES = 128 * MB
# A session stores settings and at most a few hundred thousand edited points.
SESSION_LIMIT_BYTES = 64 * MB

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _estimate_rows(path: Path, size: int, sample_bytes: int = MB) -> int:
    """Rows in the whole file, from the line lengths of its first ``sample_bytes``."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(sample_bytes)
    except OSError:
        return 0
    lines = max(head.count(b"\n"), 1)
    return int(size / max(len(head), 1) * lines)


def check_regular(path: str | Path, what: str = "file") -> os.stat_result:
    """The file's stat if it is a regular file (after symlinks); else a :class:`DataError`."""
    path = Path(path)
    if str(path).strip() == "":
        raise DataError(f"no {what} named (the path is empty)")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except ValueError as exc:  # a NUL character in the name
        raise DataError(f"{str(path)!r}: not a usable file name ({exc})") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{path}: is {_kind(info.st_mode)}, not a regular file; choose a {what}")
    return info


def read_limited(path: str | Path, limit: int, what: str = "file", rows: bool = False) -> bytes:
    """The bytes of a regular file no larger than ``limit``, or a :class:`DataError` that says why.

    ``rows``: for a table, the message estimates how many rows the file holds.
    """
    path = Path(path)
    info = check_regular(path, what)
    if info.st_size > limit:
        raise DataError(_too_large(path, info.st_size, limit, rows))
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)  # the file may have grown since stat()
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise DataError(_too_large(path, len(data), limit, rows))
    return data


def _too_large(path: Path, size: int, limit: int, rows: bool) -> str:
    text = f"{path}: too large ({size / MB:,.0f} MB"
    if rows:
        text += f", about {_estimate_rows(path, size):,} rows"
    return text + f"); the limit is {limit / MB:,.0f} MB"

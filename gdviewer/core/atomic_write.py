"""Write a file so that the user's name only ever holds a complete file.

Why: a full disk or a kill mid-write used to leave half a session, CSV or animation under
the user's name, and some failures went unreported. Here the data goes to a temporary file in
the same folder, is flushed and fsynced, and only then renamed over the target (``os.replace``
is atomic on one filesystem). On any failure the temporary file is removed and the
``OSError`` reaches the caller, which reports it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/filesystem can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _file_mode(target: Path) -> int:
    """The target's own permissions, or what a plain ``open()`` would give (umask applied)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: str | Path, allow_empty: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix) for a writer that takes a file name;
    renamed over ``path`` when the block ends without an exception. A writer that left the
    file empty failed silently (``allow_empty`` for data that may be empty)."""
    target = Path(path)
    mode = _file_mode(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix}",
                                    dir=target.parent if str(target.parent) else ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not tmp.exists() or (tmp.stat().st_size == 0 and not allow_empty):
            raise OSError(f"{target}: nothing was written")
        os.chmod(tmp, mode)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomically(path: str | Path, data: bytes | str, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` completely or not at all (raises ``OSError`` on failure)."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_path(path, allow_empty=True) as tmp, open(tmp, "wb") as fh:
        fh.write(payload)
        fh.flush()

"""Test settings shared by core and UI tests: Qt renders offscreen unless told otherwise, and
nothing a test runs (in process or in a subprocess) reaches the user's own settings, autosave
or recent files: the XDG folders Qt's QSettings and QStandardPaths read on Linux point into a
temporary folder for the whole run, and the run fails if the user's own folders changed."""

import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
#: The user's own gdviewer folders, as the app would find them without the tests' isolation.
USER_FOLDERS = [
    Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "gdviewer",
    Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "gdviewer",
]
_ISOLATED = Path(tempfile.mkdtemp(prefix="gdviewer-tests-"))
for _name in XDG:  # set at import: before any test (or Qt) computes a settings path
    os.environ[_name] = str(_ISOLATED / _name.lower())


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file under ``folders``: path → (size, mtime in ns)."""
    found = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    info = path.stat()
                    found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def pytest_addoption(parser) -> None:
    parser.addoption("--long", action="store_true", default=False,
                     help="full-length soak-style tests (the 2,000-action random walk); .ci/run uses it once")


def pytest_sessionstart(session) -> None:
    session.config._user_files = snapshot(USER_FOLDERS)


def pytest_sessionfinish(session, exitstatus) -> None:
    before = getattr(session.config, "_user_files", None)
    shutil.rmtree(_ISOLATED, ignore_errors=True)
    after = snapshot(USER_FOLDERS)
    if before is not None and after != before:
        changed = sorted(set(after.items()) ^ set(before.items()))
        print(f"\nThe tests wrote the user's own gdviewer files: {changed}")
        session.exitstatus = 1

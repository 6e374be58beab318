"""``gdviewer install-desktop``: put gdviewer in a Linux desktop's application menu.

Why a command and not only ``cp``: the shipped entry says ``Exec=gdviewer``, which the desktop
finds only when the install's bin folder is on the graphical session's PATH. That holds for
pipx (``~/.local/bin``) but not for a project venv. This writes the entry with the absolute
path of the launcher that is running, and the icon where freedesktop icon themes look
(``hicolor/scalable/apps``), both in the user's own data folder: no root needed.
No Qt, no torch: it runs in a fraction of a second.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from gdviewer.assets import resource_path

APP_ID = "gdviewer"
DESKTOP_RESOURCE = "gdviewer.desktop"
ICON_RESOURCE = "icons/gdviewer.svg"

# Characters the Desktop Entry spec lets stand unquoted in an Exec argument.
_PLAIN_ARG = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def default_data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (as the spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local" / "share"


def installed_paths(data_home: Path) -> tuple[Path, Path]:
    """Where the entry and the icon go under ``data_home``."""
    return (data_home / "applications" / f"{APP_ID}.desktop",
            data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg")


def exec_quote(arg: str) -> str:
    """``arg`` as one argument of a desktop entry's Exec key (quoted and escaped as the spec says)."""
    arg = arg.replace("%", "%%")
    if _PLAIN_ARG.fullmatch(arg):
        return arg
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return quoted.replace("\\", "\\\\")  # Exec is also a string value, whose backslashes are escaped once more


def launcher_command() -> str:
    """The command that starts this very install: its ``gdviewer`` script, else ``python -m gdviewer``."""
    script = Path(sys.executable).parent / APP_ID
    if script.is_file() and os.access(script, os.X_OK):
        return exec_quote(str(script.absolute()))
    return f"{exec_quote(str(Path(sys.executable).absolute()))} -m gdviewer"


def _runs_from_a_checkout() -> bool:
    """True when this gdviewer is not installed in the running Python (imported from a source tree),
    so that ``python -m gdviewer`` would fail from the desktop's working folder."""
    import site
    import sysconfig

    sites = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    sites.add(Path(site.getusersitepackages()).resolve())
    return Path(__file__).resolve().parent.parent not in sites


def desktop_entry(command: str) -> str:
    """The shipped entry with its ``Exec=gdviewer`` replaced by ``command`` (arguments kept)."""
    text = resource_path(DESKTOP_RESOURCE).read_text(encoding="utf-8")
    entry, count = re.subn(r"^Exec=gdviewer(?= |$)", lambda _m: f"Exec={command}", text, flags=re.MULTILINE)
    if count != 1:
        raise ValueError(f"{DESKTOP_RESOURCE} has no single 'Exec=gdviewer' line to point at this install")
    return entry


def install(data_home: Path | None = None, command: str | None = None) -> tuple[Path, Path]:
    """Write the entry and the icon; returns their paths."""
    entry_path, icon_path = installed_paths(data_home or default_data_home())
    entry_path.parent.mkdir(parents=True, exist_ok=True)
    icon_path.parent.mkdir(parents=True, exist_ok=True)
    entry_path.write_text(desktop_entry(command or launcher_command()), encoding="utf-8")
    shutil.copyfile(resource_path(ICON_RESOURCE), icon_path)
    _refresh_mime_cache(entry_path.parent)
    return entry_path, icon_path


def remove(data_home: Path | None = None) -> list[Path]:
    """Delete the entry and the icon if present; returns those deleted."""
    removed = []
    for path in installed_paths(data_home or default_data_home()):
        if path.exists():
            path.unlink()
            removed.append(path)
    if removed:
        _refresh_mime_cache(removed[0].parent)
    return removed


def _refresh_mime_cache(applications: Path) -> None:
    # Menus watch the folder by themselves; only "Open with" for CSV/JSON reads this cache.
    tool = shutil.which("update-desktop-database")
    if tool and applications.name == "applications":
        subprocess.run([tool, str(applications)], capture_output=True, check=False, timeout=30)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="gdviewer install-desktop",
        description="Add gdviewer to the application menu of a Linux desktop (for this user): a desktop "
                    "entry that starts this install, and its icon.")
    parser.add_argument("--remove", action="store_true", help="take the entry and the icon away again")
    parser.add_argument("--data-home", type=Path, metavar="DIR",
                        help=f"instead of $XDG_DATA_HOME or ~/.local/share (now {default_data_home()})")
    args = parser.parse_args(list(argv))
    if sys.platform in ("win32", "darwin"):
        parser.exit(2, "gdviewer install-desktop: desktop entries are for Linux desktops; on Windows and macOS "
                       "start gdviewer from a terminal (see the README)\n")
    if args.remove:
        removed = remove(args.data_home)
        print("\n".join(f"removed {p}" for p in removed) or "nothing to remove")
        return 0
    command = launcher_command()
    for path in install(args.data_home, command):
        print(f"wrote {path}")
    if command.endswith(" -m gdviewer") and _runs_from_a_checkout():
        print("warning: gdviewer is not installed in this Python, only imported from a source folder; the entry "
              "will work once it is installed (pip install .)", file=sys.stderr)
    return 0

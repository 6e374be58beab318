"""Check, before Qt starts, that the libraries its X11 (xcb) plugin needs are on the machine.

Why: on a fresh Linux desktop Qt's xcb plugin finds ``libxcb-cursor.so.0`` and friends
missing and *aborts* the process (SIGABRT, a core dump and a line about "no Qt platform plugin
could be initialized"). A Python ``try`` cannot catch that, so the check runs first, with
ctypes, and prints which packages to install and which ``QT_QPA_PLATFORM`` values work instead.
No Qt import here: this must run before Qt loads anything.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# The shared libraries of Qt 6's xcb plugin that a desktop install may lack (ldd of
# libqxcb.so / libQt6XcbQpa.so), with the Debian/Ubuntu package and the Fedora package.
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
}


def _can_load(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when Qt will pick its xcb plugin: Linux, and no other platform asked for."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    # With no choice made, Qt 6 takes Wayland in a Wayland session and xcb everywhere else.
    return not (environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland")


def missing_xcb_libraries(can_load: Callable[[str], bool] | None = None) -> list[str]:
    """The sonames of :data:`XCB_LIBRARIES` that the dynamic loader cannot find."""
    can_load = _can_load if can_load is None else can_load
    return [soname for soname in XCB_LIBRARIES if not can_load(soname)]


def explain_missing(missing: list[str]) -> str:
    """A message for a user with no Qt window: what is missing, what to install, what else works."""
    debian = sorted({XCB_LIBRARIES[s][0] for s in missing})
    fedora = sorted({XCB_LIBRARIES[s][1] for s in missing})
    return (
        "gdviewer: error: Qt cannot open a window: its X11 (xcb) plugin needs system libraries "
        f"that are missing: {', '.join(missing)}.\n"
        f"  Debian/Ubuntu: sudo apt-get install {' '.join(debian)}\n"
        f"  Fedora:        sudo dnf install {' '.join(fedora)}\n"
        "  Or choose another Qt platform: QT_QPA_PLATFORM=wayland gdviewer (in a Wayland session), "
        "or QT_QPA_PLATFORM=offscreen for screenshots and exports without a screen.\n"
    )


def check_xcb(environ: Mapping[str, str] | None = None, platform: str | None = None,
              can_load: Callable[[str], bool] | None = None) -> str | None:
    """The message to print when Qt would abort on a missing xcb library, else None."""
    environ = os.environ if environ is None else environ
    # GDVIEWER_SKIP_XCB_CHECK=1: an escape hatch should a loader find libraries ctypes does not.
    if environ.get("GDVIEWER_SKIP_XCB_CHECK") or not uses_xcb(environ, platform):
        return None
    missing = missing_xcb_libraries(can_load)
    return explain_missing(missing) if missing else None

"""The check that runs before Qt: a missing xcb library gets a message, not Qt's abort."""

from __future__ import annotations

import pytest

from gdviewer import qt_platform
from gdviewer.qt_platform import XCB_LIBRARIES, check_xcb, missing_xcb_libraries, uses_xcb


def only_missing(*names: str):
    return lambda soname: soname not in names


@pytest.mark.parametrize(("environ", "platform", "expected"), [
    ({}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, "linux", True),
    ({}, "darwin", False),
    ({}, "win32", False),
])
def test_xcb_is_checked_only_where_qt_would_use_it(environ, platform, expected):
    assert uses_xcb(environ, platform) is expected


def test_the_message_names_each_missing_library_its_packages_and_the_fallbacks():
    message = check_xcb({}, "linux", only_missing("libxcb-cursor.so.0", "libxcb-keysyms.so.1"))
    assert message is not None
    assert "libxcb-cursor.so.0" in message and "libxcb-keysyms.so.1" in message
    assert "apt-get install libxcb-cursor0 libxcb-keysyms1" in message
    assert "dnf install xcb-util-cursor xcb-util-keysyms" in message
    assert "QT_QPA_PLATFORM=offscreen" in message and "QT_QPA_PLATFORM=wayland" in message
    assert "libxcb-icccm" not in message


def test_nothing_is_said_when_every_library_loads_or_another_platform_is_chosen():
    assert check_xcb({}, "linux", lambda soname: True) is None
    assert check_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux", lambda soname: False) is None
    assert check_xcb({"GDVIEWER_SKIP_XCB_CHECK": "1"}, "linux", lambda soname: False) is None
    assert missing_xcb_libraries(lambda soname: True) == []
    assert missing_xcb_libraries(lambda soname: False) == list(XCB_LIBRARIES)


def test_the_window_command_stops_with_the_message_before_qt_starts(monkeypatch, capsys):
    from gdviewer.ui import app

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("GDVIEWER_SKIP_XCB_CHECK", raising=False)
    monkeypatch.setattr(qt_platform.sys, "platform", "linux")
    monkeypatch.setattr(qt_platform, "_can_load", only_missing("libxcb-cursor.so.0"))
    created = []
    monkeypatch.setattr("PySide6.QtWidgets.QApplication.__init__", lambda *a: created.append(a))
    assert app.run_app([]) == 1
    assert "apt-get install libxcb-cursor0" in capsys.readouterr().err
    assert created == []


def test_the_readme_lists_the_packages_and_starts_linux_users_with_cpu_torch():
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    install = readme[readme.index("## Installing"):]
    first_block = install[install.index("```sh"):]
    first_block = first_block[:first_block.index("```", 5)]
    assert "download.pytorch.org/whl/cpu" in first_block
    assert first_block.index("whl/cpu") < first_block.index("pip install .")
    for package in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"):
        assert package in install
    assert "QT_QPA_PLATFORM" in install

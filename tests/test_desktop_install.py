"""``gdviewer install-desktop``: a valid entry that starts this install, and its icon, per user."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdviewer import desktop
from gdviewer.assets import resource_path
from gdviewer.cli import main

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop entries are for Linux")


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_writes_an_entry_starting_this_install_and_the_icon(tmp_path, capsys):
    assert main(["install-desktop", "--data-home", str(tmp_path)]) == 0
    entry_path = tmp_path / "applications" / "gdviewer.desktop"
    icon_path = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "gdviewer.svg"
    assert f"wrote {entry_path}" in capsys.readouterr().out
    assert icon_path.read_bytes() == resource_path("icons/gdviewer.svg").read_bytes()
    entry = _entry(entry_path)
    assert entry["Icon"] == "gdviewer"
    command, *args = entry["Exec"].split(" ")
    assert args[-1] == "%f"
    assert Path(command).is_absolute() or command.startswith('"')
    if args[0] != "-m":  # the gdviewer script beside this interpreter
        assert Path(command) == Path(sys.executable).parent / "gdviewer"
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(entry_path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_remove_takes_both_away(tmp_path, capsys):
    desktop.install(tmp_path)
    assert main(["install-desktop", "--remove", "--data-home", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("removed ") == 2
    assert not any(p.exists() for p in desktop.installed_paths(tmp_path))
    assert main(["install-desktop", "--remove", "--data-home", str(tmp_path)]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_xdg_data_home_is_the_default_when_absolute(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop.default_data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")
    assert desktop.default_data_home() == Path.home() / ".local" / "share"


@pytest.mark.parametrize(("arg", "quoted"), [
    ("/usr/bin/gdviewer", "/usr/bin/gdviewer"),
    ("/home/a b/venv/bin/gdviewer", '"/home/a b/venv/bin/gdviewer"'),
    ('/x/"q"$`', r'"/x/\\"q\\"\\$\\`"'),
    ("/100%/gdviewer", "/100%%/gdviewer"),
])
def test_exec_arguments_are_quoted_as_the_spec_says(arg, quoted):
    assert desktop.exec_quote(arg) == quoted


def test_a_path_with_spaces_gives_a_valid_entry(tmp_path):
    entry_path, _ = desktop.install(tmp_path, command=desktop.exec_quote("/opt/my apps/gdviewer"))
    assert _entry(entry_path)["Exec"] == '"/opt/my apps/gdviewer" %f'
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(entry_path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

"""The wheel ships every resource, and an installed gdviewer finds them with no checkout around.

In the checkout ``resources/`` sits beside the package and ``gdviewer.assets`` finds it there,
so every other test passes even when package-data forgets a file: only a built and installed
wheel shows the gap. The slow test builds the wheel, installs it with ``--no-deps`` into a
fresh venv (no torch, no PySide6 in it) and asks the installed ``gdviewer.assets`` for each file.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"

# Copied to a scratch folder before building, so the build writes nothing into the checkout
# (build/, *.egg-info) and stale files in an old build/ cannot slip into the wheel.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", ".venv", ".*_cache", ".import_linter_cache")

# Run by the fresh venv's python, from tmp_path: prints what the installed package sees.
_PROBE = """
import json, sys
import gdviewer.assets as assets
root = assets.resources_dir()
icons = {}
for name in sys.argv[1:]:
    try:
        icons[name] = str(assets.resource_path(f"icons/{name}.svg"))
    except FileNotFoundError as exc:
        icons[name] = f"missing: {exc}"
print(json.dumps({
    "assets_file": assets.__file__,
    "resources_dir": str(root),
    "files": sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()),
    "icons": icons,
    "heavy_imports": sorted(m for m in ("torch", "PySide6", "shiboken6", "pyqtgraph", "numpy") if m in sys.modules),
}))
"""


def _shipped_resources() -> list[str]:
    """Every file under resources/ the wheel must carry, relative to resources/.

    All of them, not those package-data's globs happen to match: a new kind of file that the
    globs miss is exactly what this test is for. ``__init__.py`` ships as a module anyway.
    """
    return sorted(
        p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py")


def _icon_stems() -> list[str]:
    return sorted(p.stem for p in (RESOURCES / "icons").glob("*.svg"))


def _can_build_without_isolation() -> bool:
    # find_spec and metadata, not import: importing setuptools here warns about distutils,
    # and the test suite turns warnings into errors.
    if importlib.util.find_spec("setuptools") is None:
        return False
    major = int(importlib.metadata.version("setuptools").split(".")[0])
    return major >= 77  # pyproject's [build-system] requires


def _run(cmd: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=240, **kwargs)
    assert result.returncode == 0, f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def _clean_env() -> dict[str, str]:
    """The environment minus anything that would put the checkout on the new venv's path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_the_checkout_has_the_resources_the_release_promises():
    """Quick guard that the slow test below is not vacuous: the kinds of file it checks exist."""
    shipped = _shipped_resources()
    assert "presets.json" in shipped
    assert "gdviewer.desktop" in shipped
    assert "icons/gdviewer.svg" in shipped
    assert any(name.startswith("screenshots/") for name in shipped)
    assert len(_icon_stems()) >= 20


def test_desktop_entry_names_the_command_and_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive in desktop files
    entry.read(RESOURCES / "gdviewer.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "gdviewer"  # the [project.gui-scripts] name
    assert (RESOURCES / "icons" / f"{section['Icon']}.svg").is_file()
    assert section["Terminal"] == "false"
    for key in ("Categories", "MimeType", "Keywords"):
        assert section[key].endswith(";"), f"{key} is a list and must end with ';'"


@pytest.mark.packaging
@pytest.mark.timeout(600)
def test_wheel_ships_every_resource_and_the_installed_package_finds_them(tmp_path):
    expected = _shipped_resources()
    env = _clean_env()

    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCES)
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels]
    if _can_build_without_isolation():
        build.append("--no-build-isolation")
    _run([*build, source], env=env)  # an absolute path: a bare "source" would be looked up on the index
    [wheel] = wheels.glob("gdviewer-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [f for f in expected if f"gdviewer/resources/{f}" not in names]
    assert not missing, f"package-data leaves these out of the wheel: {missing}"
    assert "gdviewer/core/tutorial_data.npz" in names
    assert any(n.endswith(".dist-info/entry_points.txt") for n in names)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], env=env)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run([python, "-m", "pip", "install", "-q", "--no-deps", wheel], env=env)
    assert any(p.stem == "gdviewer" for p in bindir.iterdir()), "the gdviewer command was not installed"

    # -I: ignore PYTHON* variables and the user site; cwd=tmp_path: the checkout is not on sys.path.
    probe = _run([python, "-I", "-c", _PROBE, *_icon_stems()], cwd=tmp_path, env=env)
    seen = json.loads(probe.stdout)
    print("installed resources_dir():", seen["resources_dir"])

    installed_root = Path(seen["resources_dir"])
    assert installed_root.is_relative_to(venv.resolve()), f"found resources outside the venv: {installed_root}"
    assert Path(seen["assets_file"]).resolve().is_relative_to(venv.resolve())
    assert seen["heavy_imports"] == [], f"gdviewer.assets pulls in {seen['heavy_imports']}"
    not_installed = sorted(set(expected) - set(seen["files"]))
    assert not not_installed, f"installed package lacks {not_installed}"
    for name, found in seen["icons"].items():
        assert Path(found) == installed_root / "icons" / f"{name}.svg", f"icon {name!r}: {found}"

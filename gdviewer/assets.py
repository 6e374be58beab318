"""Find files in ``resources/``, from a source checkout or an installed wheel.

In the repository ``resources/`` sits beside the ``gdviewer`` package; the wheel maps it
to ``gdviewer/resources`` (see ``[tool.setuptools.package-dir]``). One helper, both cases.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resources_dir() -> Path:
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if (candidate / "presets.json").is_file():
            return candidate
    raise FileNotFoundError("gdviewer's resources folder is missing (looked beside and inside the package)")


def resource_path(name: str) -> Path:
    """Path of a file in resources/; FileNotFoundError naming it if absent."""
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"resource {name!r} not found in {resources_dir()}")
    return path

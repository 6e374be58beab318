"""Find files in ``resources/``, from a source checkout or an installed wheel.

In the repository ``resources/`` sits beside the ``gdviewer`` package; the wheel maps it
to ``gdviewer/resources`` (see ``[tool.setuptools.package-dir]``). One helper, both cases.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resources_dir() -> Path:
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if (candidate / "presets.json").is_file():
            return candidate
    raise FileNotFoundError("gdviewer's resources folder is missing (looked beside and inside the package)")


def read_tagged_list(name: str, fmt: str, key: str, error: type[ValueError]) -> tuple[Path, list]:
    """The list under ``key`` in the JSON resource ``name``, an object tagged
    ``{"format": fmt}`` (help topics, the tour); ``error`` naming the file if it is not."""
    path = resource_path(name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise error(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != fmt or not isinstance(data.get(key), list):
        raise error(f"{path}: expected {{'format': '{fmt}', '{key}': [...]}}")
    return path, data[key]


def resource_path(name: str) -> Path:
    """Path of a file in resources/; FileNotFoundError naming it if absent."""
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"resource {name!r} not found in {resources_dir()}")
    return path

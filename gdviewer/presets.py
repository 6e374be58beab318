"""Presets: one-click settings that teach something, read from resources/presets.json."""

from __future__ import annotations

import json
from functools import cache

from gdviewer.assets import resource_path
from gdviewer.core.session_file import SessionSpec, spec_from_dict


@cache
def load_presets() -> dict[str, SessionSpec]:
    """Preset name → settings, in file order."""
    raw = json.loads(resource_path("presets.json").read_text(encoding="utf-8"))
    presets: dict[str, SessionSpec] = {}
    for entry in raw["presets"]:
        spec = spec_from_dict(entry, f"preset {entry.get('name')!r}")
        presets[spec.name] = spec
    return presets


def preset(name: str) -> SessionSpec:
    presets = load_presets()
    if name not in presets:
        raise KeyError(f"unknown preset {name!r}; choose one of: {', '.join(presets)}")
    return presets[name]

"""Lessons with the presets filled in: what the window and the command line open.

The engine's loader (``core/lesson_file.py``) takes the presets as an argument, because the
presets live beside the engine, not in it (``gdviewer/presets.py`` imports the engine); this
module hands it ``load_presets()`` and lists the lessons shipped in ``resources/lessons/``.
"""

from __future__ import annotations

from pathlib import Path

from gdviewer.assets import resources_dir
from gdviewer.core.lesson_file import Lesson
from gdviewer.core.lesson_file import load_lesson as _load_lesson
from gdviewer.presets import load_presets


def load_lesson(path: str | Path) -> Lesson:
    """The lesson at ``path``, checked completely (DataError naming the line if anything is wrong)."""
    return _load_lesson(path, load_presets())


def shipped_lessons() -> list[Path]:
    """The lesson files that ship with gdviewer, in teaching order (their names start 1-, 2-, …)."""
    return sorted((resources_dir() / "lessons").glob("*.yaml"))

"""The README's example lesson is a working lesson whose explanations match the engine, and
``gdviewer lesson-check`` checks a lesson the way the window opens it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gdviewer.cli import main
from gdviewer.core.lesson_answers import reveal
from gdviewer.core.lesson_file import lesson_from_text
from gdviewer.lessons import shipped_lessons
from gdviewer.presets import load_presets

ROOT = Path(__file__).resolve().parents[2]


def readme_lesson() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Lessons: predict, then reveal"):]
    return re.search(r"```yaml\n(.*?)```", section, flags=re.DOTALL).group(1)


def test_the_readme_example_loads_and_its_explanations_are_true():
    lesson = lesson_from_text(readme_lesson(), load_presets(), "README")
    first, second = lesson.steps
    assert first.setup.show == ("surface", "loss", "valley") and first.play.epochs == 20
    assert reveal(first).truth.value == "oscillates"
    w, b = reveal(second).truth.value
    assert (round(w, 1), round(b, 1)) == (-9.2, -11.8)  # "near w = −9.2, b = −11.8"
    assert float(second.setup.session.all_runs()[0].config.lr) == 0.115


def test_lesson_check_prints_the_steps_and_fails_with_the_line(tmp_path, capsys):
    assert main(["lesson-check", str(shipped_lessons()[0])]) == 0
    out = capsys.readouterr().out
    assert "9 steps" in out and "first_step_direction (choice)" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(readme_lesson().replace("kind: fate", "kind: fat"), encoding="utf-8")
    assert main(["lesson-check", str(bad)]) == 2
    assert re.search(r"bad\.yaml, line 14: kind must be one of", capsys.readouterr().err)


@pytest.mark.parametrize("argv", [[], ["a", "b"]])
def test_lesson_check_usage(argv, capsys):
    assert main(["lesson-check", *argv]) == 2
    assert "usage: gdviewer lesson-check FILE" in capsys.readouterr().err


def test_opening_a_lesson_and_scoring_need_no_torch():
    """The window opens a lesson before torch has loaded; only the reveal trains."""
    script = ("import sys\nfrom gdviewer.lessons import load_lesson, shipped_lessons\n"
              "import gdviewer.core.lesson_scoring, gdviewer.core.lesson_authoring\n"
              "[load_lesson(p) for p in shipped_lessons()]\nprint('torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "False"

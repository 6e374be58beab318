"""Lesson files: every error names its line; hostile files are refused whole, never half-loaded."""

from __future__ import annotations

import json
import textwrap
from dataclasses import fields

import pytest

from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.errors import DataError
from gdviewer.core.lesson_file import (
    DEFAULT_LOCKED,
    DEFAULT_SHOWN,
    LESSON_LIMIT_BYTES,
    LOCKABLE,
    PANELS,
    lesson_from_text,
    lesson_schema,
    load_lesson,
)
from gdviewer.core.lesson_scoring import load_summary
from gdviewer.core.lesson_yaml import MAX_DEPTH, LessonSyntaxError
from gdviewer.presets import load_presets

GOOD = textwrap.dedent("""\
    format: gdviewer-lesson
    version: 1
    title: A small lesson
    audience: anyone
    steps:
      - title: First
        setup:
          preset: "Tutorial: batch GD"
        prompt: |
          Watch **w** move.
        question:
          kind: fate
          run: 1
        explanation: It zig-zags in.
        play: {speed: 5, epochs: 3}
      - title: Second
        setup:
          runs:
            - name: slow
              run: {lr: 0.02, epochs: 10}
          show: [surface]
          lock: []
        prompt: Where after 3 steps?
        question:
          kind: position_after
          run: 1
          steps: 3
    """)


def load(text: str):
    return lesson_from_text(text, load_presets(), "lesson.yaml")


def error_of(text: str) -> LessonSyntaxError:
    with pytest.raises(LessonSyntaxError) as info:
        load(text)
    assert isinstance(info.value, DataError)  # the window and the CLI catch DataError
    return info.value


def test_a_good_lesson_loads_with_defaults():
    lesson = load(GOOD)
    first, second = lesson.steps
    assert lesson.title == "A small lesson" and first.line == 6 and second.line == 16
    assert first.setup.preset == "Tutorial: batch GD" and first.setup.show == DEFAULT_SHOWN
    assert first.setup.lock == DEFAULT_LOCKED and first.play.epochs == 3 and first.play.speed == 5
    assert first.question.ask == "What will run 1 do?" and first.question.answer_type == "choice"
    assert second.setup.show == ("surface",) and second.setup.lock == ()
    assert second.setup.session.all_runs()[0].config.lr == 0.02 and second.setup.session.all_runs()[0].name == "slow"
    assert second.question.answer_type == "click" and second.explanation == ""


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("title: A small lesson\n", "title: [A small lesson\n", 4, "not valid YAML"),
    ("    prompt: Where after 3 steps?", "    promt: Where after 3 steps?", 23, "unknown key 'promt'"),
    ("          run: {lr: 0.02, epochs: 10}", "          run: {lr: 0.02, epochs: 10, speed: 3}", 20, "speed"),
    ("          run: {lr: 0.02, epochs: 10}", "          run: {lr: -0.02, epochs: 10}", 20, "lr: must be in"),
    ("          run: {lr: 0.02, epochs: 10}", "          run: {lr: fast, epochs: 10}", 20, "lr must be a number"),
    ("          run: {lr: 0.02, epochs: 10}", "          run: {lr: 0.02, shuffle: maybe}", 20, "shuffle must be"),
    ("      preset: \"Tutorial: batch GD\"", "      preset: \"No such preset\"", 8, "no preset named"),
    ("      kind: fate", "      kind: guess", 12, "must be one of"),
    ("      run: 1\n    explanation", "      run: 3\n    explanation", 13, "this step has 1 run"),
    ("      steps: 3", "      steps: three", 27, "steps must be a whole number"),
    ("    play: {speed: 5, epochs: 3}", "    play: {speed: -5, epochs: 3}", 15, "speed must be above 0"),
    ("    play: {speed: 5, epochs: 3}", "    play: {speed: 5, epochs: 3, steps: 2}", 15, "not both"),
    ("      show: [surface]", "      show: [surface, radar]", 21, "must be one of"),
    ("      lock: []", "      lock: [everything]", 22, "must be one of"),
    ("title: A small lesson", "title: no", 3, "YAML reads yes/no"),
    ("      steps: 3\n", "", 24, "needs 'steps'"),
    ("version: 1", "version: 1\nversion: 1", 3, "appears twice"),
    ("    prompt: |\n      Watch **w** move.\n", "", 6, "missing key 'prompt'"),
    ("      runs:", "      data: {x_step: 0}\n      runs:", 18, "x_step"),
])
def test_errors_name_the_line(old, new, line, words):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD, old
    error = error_of(text)
    assert error.line == line, str(error)
    assert words in str(error) and f"lesson.yaml, line {line}:" in str(error)


def test_a_newer_version_says_so_before_anything_else():
    error = error_of(GOOD.replace("version: 1", "version: 7").replace("title:", "novelty: x\ntitle:", 1))
    assert error.line == 2 and "written by a newer gdviewer" in str(error)


def test_not_a_lesson():
    assert "not a gdviewer lesson" in str(error_of("format: gdviewer-session\nversion: 2\n"))
    assert "empty" in str(error_of(""))
    assert error_of("- a\n- list\n").line == 1
    error = error_of("format: gdviewer-lesson\nversion: 1\ntitle: t\nsteps: 3\n")
    assert error.line == 4 and "steps must be a list" in str(error)


def test_anchors_aliases_and_bombs_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"
    error = error_of(bomb)
    assert error.line == 1 and "anchors" in str(error)
    deep = "format: gdviewer-lesson\nx: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert "nested more than" in str(error_of(deep))
    assert "put text in quotes" in str(error_of(GOOD.replace("title: A small lesson", "title: 2024-01-01")))
    assert "keys must be plain words" in str(error_of(GOOD.replace("audience: anyone", "1: anyone")))


def test_huge_values_are_refused_with_the_line():
    error = error_of(GOOD.replace("run: {lr: 0.02, epochs: 10}", "run: {lr: 0.02, epochs: 1000000}"))
    assert error.line == 17 and "at most 20,000" in str(error)
    error = error_of(GOOD.replace("Watch **w** move.", "x" * 20001))
    assert error.line == 9 and "too long" in str(error)  # the key's line
    many = GOOD.replace("steps:\n", "steps:\n" + "  - {title: t, setup: {}, prompt: p}\n" * 60)
    assert "at most 50 entries" in str(error_of(many))
    error = error_of(GOOD.replace("run: {lr: 0.02, epochs: 10}", "run: {lr: 1.0e+999, epochs: 10}"))
    assert error.line == 20 and "finite" in str(error)
    error = error_of(GOOD.replace("run: {lr: 0.02, epochs: 10}", "run: {lr: 1e999, epochs: 10}"))
    assert error.line == 20 and "must be a number, got '1e999'" in str(error)  # YAML 1.1: no dot, text


def test_files_too_large_not_utf8_and_missing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (LESSON_LIMIT_BYTES + 1))
    with pytest.raises(DataError, match="too large"):
        load_lesson(big, load_presets())
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(GOOD.replace("anyone", "caf\u00e9").encode("latin-1"))
    with pytest.raises(LessonSyntaxError, match="line 4: not UTF-8"):
        load_lesson(latin, load_presets())
    with pytest.raises(DataError, match="file not found"):
        load_lesson(tmp_path / "nothing.yaml", load_presets())
    with pytest.raises(DataError, match="not a regular file"):
        load_lesson(tmp_path, load_presets())


def test_points_file_is_read_relative_to_the_lesson_and_a_missing_one_names_the_line(tmp_path):
    (tmp_path / "pts.csv").write_text("x,y\n0,1\n1,3\n2,5\n3,7\n")
    text = GOOD.replace("      runs:", "      points_file: pts.csv\n      runs:")
    lesson_path = tmp_path / "l.yaml"
    lesson_path.write_text(text, encoding="utf-8")
    lesson = load_lesson(lesson_path, load_presets())
    assert lesson.steps[1].setup.session.points[0] == (0.0, 1.0, 2.0, 3.0)
    lesson_path.write_text(text.replace("pts.csv", "gone.csv"), encoding="utf-8")
    with pytest.raises(LessonSyntaxError, match=r"line 18: points_file: .*gone\.csv: file not found"):
        load_lesson(lesson_path, load_presets())
    (tmp_path / "link.csv").symlink_to("/etc/hostname")
    for outside in ("/etc/hostname", "../pts.csv", "link.csv"):
        lesson_path.write_text(text.replace("pts.csv", outside), encoding="utf-8")
        with pytest.raises(LessonSyntaxError, match="line 18: points_file must be a file in the lesson's folder"):
            load_lesson(lesson_path, load_presets())


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("    setup:\n      preset", "    setup: null\n    presetx", 7, "setup must be a mapping"),
    ("      runs:", "      points: {x: [1, 2, 3], y: [1, 2]}\n      runs:", 17, "same length"),
    ("      runs:", "      preset: Momentum\n      runs:", 19, "a preset or its own runs"),
])
def test_more_structural_errors(old, new, line, words):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    error = error_of(text)
    assert (error.line, words in str(error)) == (line, True), str(error)


def test_the_schema_knows_every_setting_the_engine_takes():
    defs = lesson_schema()["$defs"]
    assert set(defs["run"]["properties"]) == {f.name for f in fields(RunConfig)}
    assert set(defs["data"]["properties"]) == {f.name for f in fields(DataConfig)}
    assert tuple(defs["setup"]["properties"]["show"]["items"]["enum"]) == PANELS
    assert tuple(defs["setup"]["properties"]["lock"]["items"]["enum"]) == LOCKABLE


def test_a_summary_that_is_not_one_is_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"format": "gdviewer-session"}))
    with pytest.raises(DataError, match="not a lesson summary"):
        load_summary(path)
    path.write_text(json.dumps({"format": "gdviewer-lesson-summary", "version": 9, "lesson": "x", "steps": []}))
    with pytest.raises(DataError, match="newer"):
        load_summary(path)


def test_whole_floats_count_as_whole_numbers_and_nan_is_refused():
    lesson = load(GOOD.replace("      run: 1\n      steps: 3", "      run: 1.0\n      steps: 3.0"))
    assert lesson.steps[1].question.run == 1 and type(lesson.steps[1].question.steps) is int
    error = error_of(GOOD.replace("{speed: 5, epochs: 3}", "{speed: .nan, epochs: 3}"))
    assert error.line == 15 and "finite" in str(error)


def test_a_race_question_needs_distinct_run_names():
    second = "        - name: slow\n          run: {lr: 0.1}\n"
    two = GOOD.replace("        - name: slow\n", second + "        - name: slow\n")
    two = two.replace("kind: position_after\n      run: 1\n      steps: 3", "kind: first_to_optimum")
    assert "its own name" in str(error_of(two))
    assert load(two.replace("- name: slow\n          run: {lr: 0.1}", "- name: quick\n          run: {lr: 0.1}"))


def test_control_characters_in_texts_are_blanked():
    text = GOOD.replace("    prompt: |\n      Watch **w** move.\n", '    prompt: "Watch\\a it"\n')  # YAML's \a: BEL
    prompt = load(text).steps[0].prompt
    assert prompt == "Watch  it"

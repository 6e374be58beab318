"""Save as lesson step: the current setup becomes a step that opens as the same setup."""

from __future__ import annotations

import pytest

from gdviewer.core.errors import DataError
from gdviewer.core.lesson_authoring import append_step_text, new_lesson_text, save_lesson_step, step_dict
from gdviewer.core.lesson_file import lesson_from_text, load_lesson
from gdviewer.core.lesson_yaml import parse_yaml
from gdviewer.presets import load_presets, preset


@pytest.mark.parametrize("name", ["Batch vs stochastic (tutorial)", "Far from 0: standardise x", "Optimisers race"])
def test_a_captured_setup_opens_as_the_same_setup(name):
    spec = preset(name)
    text = new_lesson_text("Captured", [step_dict(spec, "Step one", question={"kind": "fate", "run": 1})])
    step = lesson_from_text(text, load_presets()).steps[0]
    again = step.setup.session
    assert again.data == spec.data and again.clock == spec.clock and again.x_transform == spec.x_transform
    assert [(r.name, r.config) for r in again.all_runs()] == [(r.name, r.config) for r in spec.all_runs()]
    assert step.question.kind == "fate"


def test_saving_appends_to_an_existing_lesson_keeping_its_comments(tmp_path):
    path = tmp_path / "mine.yaml"
    first = step_dict(preset("Tutorial: batch GD"), "First")
    save_lesson_step(path, first, load_presets(), title="Mine")
    assert len(load_lesson(path, load_presets()).steps) == 1
    path.write_text("# my notes\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    save_lesson_step(path, step_dict(preset("Momentum"), "Second"), load_presets())
    lesson = load_lesson(path, load_presets())
    assert [s.title for s in lesson.steps] == ["First", "Second"] and lesson.title == "Mine"
    assert path.read_text(encoding="utf-8").startswith("# my notes\n")


def test_a_step_that_cannot_go_at_the_end_is_refused_and_nothing_is_written(tmp_path):
    text = new_lesson_text("T", [step_dict(preset("Tutorial: batch GD"), "First")])
    steps_first, _ = parse_yaml(text, "t")
    reordered = "steps:\n" + text.split("steps:\n", 1)[1] + "title: T\nformat: gdviewer-lesson\nversion: 1\n"
    assert parse_yaml(reordered, "t")[0]["steps"] == steps_first["steps"]
    with pytest.raises(DataError, match="paste it in by hand"):
        append_step_text(reordered, step_dict(preset("Momentum"), "Second"))
    path = tmp_path / "bad.yaml"
    path.write_text("format: gdviewer-lesson\nversion: 1\ntitle: T\nsteps: []\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(DataError):
        save_lesson_step(path, step_dict(preset("Momentum"), "Second"), load_presets())
    assert path.read_bytes() == before

"""Write lessons: the window's "Save as lesson step" captures the current setup as a step.

A teacher builds a setup in the window (data, runs, clock, x transform), then saves it as a step
of a new or an existing lesson and writes the prompt and question in a text editor. The step is
written in the lesson format itself (what a teacher would type), and the result is read back with
the real loader before anything is written, so a saved lesson always opens. Appending keeps the
existing file's text, comments included: the new step is added at the end of its ``steps`` list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from gdviewer.core.atomic_write import write_atomically
from gdviewer.core.conditioning import RAW
from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.errors import DataError
from gdviewer.core.lesson_file import DEFAULT_LOCKED, DEFAULT_SHOWN, FORMAT, VERSION, lesson_from_text
from gdviewer.core.lesson_yaml import parse_yaml
from gdviewer.core.session_file import SessionSpec

PROMPT_PLACEHOLDER = "Write what the student should look at, and what to predict."


def step_dict(session: SessionSpec, title: str, prompt: str = PROMPT_PLACEHOLDER,
              show: Sequence[str] = DEFAULT_SHOWN, lock: Sequence[str] = DEFAULT_LOCKED,
              question: Mapping[str, Any] | None = None, explanation: str = "",
              play: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A lesson step (plain data, in the file's layout) whose setup is ``session``'s own data and
    runs: a preset's name would change meaning if the preset changed, the settings do not."""
    setup: dict[str, Any] = {}
    if session.points is not None:
        xs, ys, source = session.points
        setup["points"] = {"x": list(xs), "y": list(ys), "source": source}
    else:
        setup["data"] = _changed(session.data.to_dict(), DataConfig().to_dict())
    if session.x_transform != RAW:
        setup["x_transform"] = session.x_transform.to_dict()
    setup["clock"] = session.clock
    runs = []
    for spec in session.all_runs():
        run: dict[str, Any] = {"name": spec.name, "run": _changed(spec.config.to_dict(), RunConfig().to_dict())}
        if spec.colour:
            run["colour"] = spec.colour
        runs.append(run)
    setup["runs"] = runs
    setup["show"], setup["lock"] = list(show), list(lock)
    step: dict[str, Any] = {"title": title, "setup": setup, "prompt": prompt}
    if question:
        step["question"] = dict(question)
    if explanation:
        step["explanation"] = explanation
    if play:
        step["play"] = dict(play)
    return step


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key (``steps:\n  - title: …``), as the shipped lessons are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _changed(values: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Only the settings that differ from the defaults: what a teacher reads and edits."""
    return {k: v for k, v in values.items() if v != defaults[k] or type(v) is not type(defaults[k])}


def _dump(obj: Any) -> str:
    return yaml.dump(obj, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def new_lesson_text(title: str, steps: Sequence[dict[str, Any]], audience: str = "") -> str:
    """A whole lesson file's text."""
    return _dump({"format": FORMAT, "version": VERSION, "title": title, "audience": audience, "steps": list(steps)})


def append_step_text(text: str, step: dict[str, Any]) -> str:
    """``text`` (a lesson) with ``step`` added as its last step, the rest of the text unchanged.
    DataError when the text's ``steps`` list is not the last thing in the file (a new step could
    not go at its end): then the step has to be pasted in by hand."""
    obj, _lines = parse_yaml(text, "lesson")
    steps = obj.get("steps") if isinstance(obj, dict) else None
    if not isinstance(steps, list):
        raise DataError("the lesson has no list of steps to add to")
    joined = text if text.endswith("\n") else text + "\n"
    body = _dump(step).rstrip("\n")
    rest = {k: v for k, v in obj.items() if k != "steps"}
    for indent in ("  ", "", "    "):  # as the file indents its list: the one that reads back right
        result = joined + indent + "- " + body.replace("\n", "\n" + indent + "  ") + "\n"
        try:
            again, _ = parse_yaml(result, "lesson")
        except DataError:
            continue
        if again.get("steps") == [*steps, step] and {k: v for k, v in again.items() if k != "steps"} == rest:
            return result
    raise DataError("the new step cannot be added at the end of this lesson (its steps list is not the last "
                    "thing in the file); paste it in by hand")


def save_lesson_step(path: str | Path, step: dict[str, Any], presets: Mapping[str, SessionSpec],
                     title: str = "New lesson") -> None:
    """Add ``step`` to the lesson at ``path`` (a new lesson called ``title`` if there is none),
    check the result with the real loader, then write it atomically. DataError: nothing written."""
    path = Path(path)
    if path.exists():
        from gdviewer.core.input_files import read_limited
        from gdviewer.core.lesson_file import LESSON_LIMIT_BYTES

        try:
            old = read_limited(path, LESSON_LIMIT_BYTES, "lesson file").decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{path}: not UTF-8 text; is this a lesson?") from None
        text = append_step_text(old, step)
    else:
        text = new_lesson_text(title, [step])
    lesson_from_text(text, presets, str(path), base=path.parent)  # it must open before it is written
    write_atomically(path, text)

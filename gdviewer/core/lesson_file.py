"""Lesson files: a title, an audience note and steps that predict, then reveal.

A lesson is YAML (``core/lesson_yaml.py`` says why), checked in three layers, each error naming
the line: YAML syntax; the JSON Schema ``resources/lesson.schema.json`` (types, unknown keys,
allowed words, text lengths); then the engine's own checks (``RunConfig.validate``,
``DataConfig.validate``, presets, data files, a budget of training steps per step). Everything is
parsed and checked before :func:`lesson_from_text` returns, so a bad file opens nothing half-way.

The answers are never in the file: a question says *what* to ask (a run's fate, where the path is
after k steps, …) and ``core/lesson_answers.py`` computes the truth from real runs.
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gdviewer.core.conditioning import XTransform
from gdviewer.core.config import DataConfig, RunConfig
from gdviewer.core.errors import ConfigError, DataError
from gdviewer.core.input_files import read_limited
from gdviewer.core.lesson_yaml import LessonSyntaxError, line_of, parse_yaml
from gdviewer.core.session_file import RunSpec, SessionSpec, spec_from_dict
from gdviewer.core.text_limits import bounded, bounded_name

FORMAT = "gdviewer-lesson"
VERSION = 1
#: A lesson file is text a person wrote: 1 MB is hundreds of pages.
LESSON_LIMIT_BYTES = 1 << 20
#: Training steps one lesson step may need to compute its answers (all runs together). The reveal
#: trains them headless before it plays: the shipped lessons need at most ~2,000 (a fraction of a
#: second); at this limit it takes a few seconds on a slow, busy laptop (3,000-8,000 steps a second).
MAX_STEP_WORK = 20_000
#: A prompt, question or explanation (the schema's limit too): a few screens of Markdown.
MARKDOWN_CHARS = 20_000

#: Panels a step may show (the window hides the others). "valley" and "fan" are the surface's
#: overlays (the valley's axes, the gradient fan).
PANELS: tuple[str, ...] = ("data", "loss", "surface", "parameters", "step", "valley", "fan")
DEFAULT_SHOWN: tuple[str, ...] = ("data", "loss", "surface", "parameters")
#: Controls a step may lock (shown but not editable) while the student predicts.
LOCKABLE: tuple[str, ...] = ("run_settings", "data_settings", "run_list", "transform", "points",
                             "start_point", "timeline")
DEFAULT_LOCKED: tuple[str, ...] = LOCKABLE

#: Question kinds and what the student gives: a choice, a click on the surface, or a number.
CHOICE_KINDS: tuple[str, ...] = ("fate", "first_to_optimum", "first_step_direction")
CLICK_KINDS: tuple[str, ...] = ("position_after",)
NUMBER_KINDS: tuple[str, ...] = ("epochs_below", "stable_lr", "condition_number")
#: Keys each kind needs (besides kind and ask) and the ones it may have.
_NEEDS: dict[str, tuple[str, ...]] = {"fate": ("run",), "first_to_optimum": (), "first_step_direction": ("run",),
                                      "position_after": ("run", "steps"), "epochs_below": ("run", "below"),
                                      "stable_lr": (), "condition_number": ()}
_MAY: dict[str, tuple[str, ...]] = {"first_to_optimum": ("within",), "position_after": ("tolerance",),
                                    "epochs_below": ("tolerance",), "stable_lr": ("tolerance",),
                                    "condition_number": ("tolerance",)}
DEFAULT_ASK: dict[str, str] = {
    "fate": "What will run {run} do?",
    "first_to_optimum": "Which run gets to the bottom of the valley first?",
    "first_step_direction": "Which way does run {run}'s first step go in (w, b)?",
    "position_after": "Click where run {run}'s path will be after {steps} steps.",
    "epochs_below": "How many epochs until run {run}'s full-data loss is below {below:g}?",
    "stable_lr": "What is the largest learning rate at which batch GD still converges on this data?",
    "condition_number": "How many times more curved is the valley's steep axis than its flat one (κ)?",
}


@dataclass(frozen=True)
class Tolerance:
    """How close counts. Numbers: right within ``absolute`` or ``relative`` (× the true value;
    the larger wins), half marks within twice that. Clicks: distances as a fraction of the
    start-to-optimum distance; right within ``full``, half marks within ``partial``."""

    absolute: float = 0.0
    relative: float = 0.1
    full: float = 0.1
    partial: float = 0.25


@dataclass(frozen=True)
class Question:
    """What to ask before the reveal. ``run`` is 1-based (as the window's run list counts)."""

    kind: str
    ask: str
    run: int = 1
    steps: int = 0
    below: float = 0.0
    within: float = 0.001
    tolerance: Tolerance = field(default_factory=Tolerance)

    @property
    def answer_type(self) -> str:
        """"choice", "click" or "number": which input the window offers."""
        return "choice" if self.kind in CHOICE_KINDS else "click" if self.kind in CLICK_KINDS else "number"


@dataclass(frozen=True)
class Play:
    """How the reveal plays: ``speed`` in steps a second; it stops after ``steps`` steps or
    ``epochs`` epochs of every run (None: each run plays to its end)."""

    speed: float = 20.0
    steps: int | None = None
    epochs: int | None = None


@dataclass(frozen=True)
class Setup:
    """What the window shows: the session (a preset's or the step's own), panels, locks."""

    session: SessionSpec
    preset: str = ""
    show: tuple[str, ...] = DEFAULT_SHOWN
    lock: tuple[str, ...] = DEFAULT_LOCKED


@dataclass(frozen=True)
class Step:
    title: str
    setup: Setup
    prompt: str
    question: Question | None = None
    explanation: str = ""
    play: Play = field(default_factory=Play)
    #: the step's first line in the file, for messages about it later
    line: int = 0


@dataclass(frozen=True)
class Lesson:
    title: str
    audience: str
    steps: tuple[Step, ...]
    source: str = ""


@cache
def lesson_schema() -> dict[str, Any]:
    """The JSON Schema of lesson files (``resources/lesson.schema.json``)."""
    from gdviewer.assets import resource_path

    return json.loads(resource_path("lesson.schema.json").read_text(encoding="utf-8"))


def load_lesson(path: str | Path, presets: Mapping[str, SessionSpec]) -> Lesson:
    """Read, check and build the lesson at ``path``; DataError (with the line) on any problem.
    ``presets``: the preset names a step may use (``gdviewer.presets.load_presets()``)."""
    path = Path(path)
    raw = read_limited(path, LESSON_LIMIT_BYTES, "lesson file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LessonSyntaxError(str(path), line, "not UTF-8 text; save the lesson as UTF-8") from None
    return lesson_from_text(text, presets, str(path), base=path.parent)


def lesson_from_text(text: str, presets: Mapping[str, SessionSpec], where: str = "lesson",
                     base: Path | None = None) -> Lesson:
    """The lesson in ``text`` (``base``: the folder ``points_file`` names are relative to)."""
    obj, lines = parse_yaml(text.lstrip("\ufeff"), where)

    def fail(path: tuple, message: str) -> LessonSyntaxError:
        """The error to raise about the key at ``path`` (its line; ``message`` empty: just the line)."""
        return LessonSyntaxError(where, line_of(lines, path), message)

    if not isinstance(obj, dict):
        raise fail((), "a lesson is a mapping with format, version, title and steps")
    if obj.get("format") != FORMAT:
        raise fail(("format",), f"not a gdviewer lesson: a lesson starts with 'format: {FORMAT}'")
    version = obj.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise fail(("version",), f"written by a newer gdviewer (lesson version {version}; this one reads up to "
                   f"{VERSION}). Update gdviewer to open it.")
    _check_schema(obj, lines, where)
    steps = tuple(_step(s, ("steps", i), presets, fail, base or Path.cwd()) for i, s in enumerate(obj["steps"]))
    return Lesson(title=bounded_name(obj["title"]), audience=bounded(obj.get("audience", ""), 2000), steps=steps,
                  source=where)


def _check_schema(obj: Any, lines: dict, where: str) -> None:
    """The first schema error in file order, in words a teacher reads, with its line."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    found = [best_match([e]) for e in Draft202012Validator(lesson_schema()).iter_errors(obj)]
    # a misspelt key is both unknown and (the right one) missing: name the misspelling, at its line
    misspelt = {tuple(e.absolute_path) for e in found if e.validator == "additionalProperties"}
    errors = []
    for error in found:
        if error.validator == "required" and tuple(error.absolute_path) in misspelt:
            continue
        path, message = _describe(error)
        errors.append((line_of(lines, path), message))
    if errors:
        line, message = min(errors)
        raise LessonSyntaxError(where, line, message)


def _describe(error: Any) -> tuple[tuple, str]:
    """(key path, message) for a jsonschema error."""
    path = tuple(error.absolute_path)
    name = ".".join(str(p) for p in path if not isinstance(p, int)) or "the lesson"
    name = path[-1] if path and isinstance(path[-1], str) else name
    value, rule = error.instance, error.validator
    if rule == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(known))
        return (*path, extra[0]), f"unknown key {extra[0]!r} (known here: {', '.join(known)})"
    if rule == "required":
        missing = next(k for k in error.validator_value if k not in value)
        return path, f"missing key {missing!r}"
    if rule == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        words = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
                 "array": "a list", "object": "a mapping (key: value lines)", "null": "empty"}
        want = " or ".join(words.get(w, w) for w in want.split(" or "))
        hint = " (YAML reads yes/no/on/off as true/false: put the text in quotes)" if isinstance(value, bool) else ""
        return path, f"{name} must be {want}, got {_short(value)}{hint}"
    if rule in ("enum", "const"):
        allowed = error.validator_value if rule == "enum" else [error.validator_value]
        return path, f"{name} must be one of: {', '.join(map(str, allowed))}; got {_short(value)}"
    if rule == "maxLength":
        return path, f"{name} is too long ({len(value):,} characters; the limit is {error.validator_value:,})"
    if rule in ("maxItems", "minItems"):
        bound = "at most" if rule == "maxItems" else "at least"
        return path, f"{name} must have {bound} {error.validator_value} entries, got {len(value)}"
    if rule in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "above",
                 "exclusiveMaximum": "below"}
        return path, f"{name} must be {words[rule]} {error.validator_value:g}, got {_short(value)}"
    if rule == "uniqueItems":
        return path, f"{name} lists an entry twice"
    if rule == "pattern":
        return path, f"{name} must look like #E69F00, got {_short(value)}"
    return path, f"{name}: {error.message[:300]}"


def _short(value: Any) -> str:
    """A value for a message, short whatever its size (reprlib cuts long lists and texts)."""
    return reprlib.repr(value)


def _step(obj: dict, path: tuple, presets: Mapping[str, SessionSpec], fail: Any, base: Path) -> Step:
    setup = _setup(obj["setup"], (*path, "setup"), presets, fail, base)
    question = _question(obj["question"], (*path, "question"), setup.session, fail) if "question" in obj else None
    play_obj = obj.get("play", {})
    if "steps" in play_obj and "epochs" in play_obj:
        raise fail((*path, "play", "epochs"), "play takes steps or epochs, not both")
    whole = {k: int(play_obj[k]) for k in ("steps", "epochs") if k in play_obj}  # YAML's 3.0 is the schema's integer
    play = Play(speed=float(play_obj.get("speed", 20.0)), **whole)
    return Step(title=bounded_name(obj["title"]), setup=setup, prompt=bounded(obj["prompt"], MARKDOWN_CHARS),
                question=question, explanation=bounded(obj.get("explanation", ""), MARKDOWN_CHARS), play=play,
                line=fail(path, "").line)


_SESSION_KEYS = ("data", "points", "points_file", "runs", "clock", "x_transform")


def _setup(obj: dict, path: tuple, presets: Mapping[str, SessionSpec], fail: Any, base: Path) -> Setup:
    own = [k for k in _SESSION_KEYS if k in obj]
    if "preset" in obj:
        if own:
            raise fail((*path, own[0]), f"a setup takes a preset or its own {own[0]}, not both")
        name = obj["preset"]
        if name not in presets:
            raise fail((*path, "preset"), f"no preset named {name!r}; the presets are: {', '.join(presets)}")
        session = presets[name]
    else:
        session = _own_session(obj, path, fail, base)
    _check_work(session, path, fail)
    return Setup(session=session, preset=obj.get("preset", ""), show=tuple(obj.get("show", DEFAULT_SHOWN)),
                 lock=tuple(obj.get("lock", DEFAULT_LOCKED)))


def _own_session(obj: dict, path: tuple, fail: Any, base: Path) -> SessionSpec:
    """The step's own data and runs, each engine error at the line of the field it names."""
    if "points" in obj and "points_file" in obj:
        raise fail((*path, "points_file"), "a setup takes points or points_file, not both")
    if ("points" in obj or "points_file" in obj) and "data" in obj:
        raise fail((*path, "data"), "a setup takes data settings or points, not both")
    try:
        data = DataConfig.from_dict(obj.get("data", {})).validate()
    except ConfigError as exc:
        raise fail((*path, "data", exc.field), f"data: {exc}") from None
    n = data.point_count
    session: dict[str, Any] = {"format": "gdviewer-session", "version": 2, "data": data.to_dict(),
                               "clock": obj.get("clock", "epoch")}
    if "points" in obj:
        session["points"] = obj["points"]
        n = len(obj["points"]["x"])
    elif "points_file" in obj:
        session["points"], n = _points_file(obj["points_file"], (*path, "points_file"), fail, base)
    if "x_transform" in obj:
        try:
            XTransform.from_dict(obj["x_transform"])
        except ConfigError as exc:
            raise fail((*path, "x_transform", exc.field), f"x_transform: {exc}") from None
        session["x_transform"] = obj["x_transform"]
    runs = obj.get("runs", [{}])
    for i, entry in enumerate(runs):
        try:
            RunConfig.from_dict(entry.get("run", {})).validate(n)
        except ConfigError as exc:
            raise fail((*path, "runs", i, "run", exc.field), f"run {i + 1}: {exc}") from None
    session["runs"] = [{"name": e.get("name", f"Run {i + 1}"), "colour": e.get("colour", ""), "run": e.get("run", {})}
                       for i, e in enumerate(runs)]
    try:
        return spec_from_dict(session, "setup")
    except DataError as exc:
        raise fail(path, str(exc)) from None


def _points_file(name: str, path: tuple, fail: Any, base: Path) -> tuple[dict, int]:
    from gdviewer.core.data import load_csv

    # a lesson travels as a folder: its data sit beside it, and a shared lesson cannot read
    # whatever else is on the student's disk (/etc/…, ../../private.csv)
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise fail(path, f"points_file must be a file in the lesson's folder (or below it), got {name!r}")
    target = base / name
    if not target.resolve().is_relative_to(base.resolve()):  # a symlink that leads out of the folder
        raise fail(path, f"points_file must be a file in the lesson's folder (or below it), got {name!r}")
    try:
        data = load_csv(target)
    except DataError as exc:
        raise fail(path, f"points_file: {exc}") from None
    return {"x": data.x.astype(float).tolist(), "y": data.y.astype(float).tolist(), "source": name}, data.n


def _check_work(session: SessionSpec, path: tuple, fail: Any) -> None:
    n = len(session.points[0]) if session.points is not None else session.data.point_count
    work = sum(r.config.total_steps(n) for r in session.all_runs())
    if work > MAX_STEP_WORK:
        raise fail(path, f"its runs take {work:,} steps in all; a lesson step may take at most {MAX_STEP_WORK:,} "
                   "(fewer epochs, a larger batch or fewer points)")


def _question(obj: dict, path: tuple, session: SessionSpec, fail: Any) -> Question:
    kind = obj["kind"]
    for key in _NEEDS[kind]:
        if key not in obj:
            raise fail(path, f"a {kind} question needs {key!r}")
    allowed = {"kind", "ask", *_NEEDS[kind], *_MAY.get(kind, ())}
    extra = sorted(set(obj) - allowed)
    if extra:
        raise fail((*path, extra[0]),
                   f"a {kind} question takes no {extra[0]!r} (it takes: {', '.join(sorted(allowed))})")
    runs: tuple[RunSpec, ...] = session.all_runs()
    run = int(obj.get("run", 1))
    if run > len(runs):
        raise fail((*path, "run"), f"run {run}: this step has {len(runs)} run{'s' if len(runs) > 1 else ''}")
    if kind == "first_to_optimum" and len(runs) < 2:
        raise fail((*path, "kind"), "first_to_optimum needs a step with two or more runs")
    if kind == "first_to_optimum" and len({r.name for r in runs}) < len(runs):
        raise fail((*path, "kind"), "first_to_optimum names the runs: give each run of this step its own name")
    tol = obj.get("tolerance", {})
    if kind in CLICK_KINDS and ("absolute" in tol or "relative" in tol):
        raise fail((*path, "tolerance"), "a click is scored with full and partial (fractions of the distance "
                   "from the start to the optimum)")
    if kind in NUMBER_KINDS and ("full" in tol or "partial" in tol):
        raise fail((*path, "tolerance"), "a number is scored with absolute or relative")
    tolerance = Tolerance(**{k: float(v) for k, v in tol.items()})
    if tolerance.partial < tolerance.full:
        raise fail((*path, "tolerance"), "partial must be at least full")
    values = {"run": run, "steps": int(obj.get("steps", 0)), "below": float(obj.get("below", 0.0))}
    ask = bounded(obj.get("ask") or DEFAULT_ASK[kind].format(**values), MARKDOWN_CHARS)
    return Question(kind=kind, ask=ask, within=float(obj.get("within", 0.001)), tolerance=tolerance, **values)

"""Score a prediction against the computed truth, and keep the student's record.

Scores are 1 (right), 0.5 (close) or 0 (wrong); every score comes with feedback that states
the real outcome with its numbers, so a wrong guess still teaches. An unanswered question
(class mode, or a student who skipped) scores None: the summary shows it but does not count it.
The summary is a small JSON file the student hands in, written atomically.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdviewer.core.atomic_write import write_atomically
from gdviewer.core.errors import DataError
from gdviewer.core.input_files import read_limited
from gdviewer.core.lesson_file import Question

if TYPE_CHECKING:  # the answers train with torch; scoring and summaries need only their values
    from gdviewer.core.lesson_answers import Truth

SUMMARY_FORMAT = "gdviewer-lesson-summary"
SUMMARY_VERSION = 1
SUMMARY_LIMIT_BYTES = 4 << 20

#: What a student gives: a choice key, a clicked (w, b), a number, or None (no answer).
Answer = str | tuple[float, float] | float | None


@dataclass(frozen=True)
class Score:
    """``points``: 1, 0.5, 0, or None for no answer; ``verdict``: right / close / wrong / unanswered."""

    points: float | None
    verdict: str
    feedback: str


def score(question: Question, truth: Truth, answer: Answer) -> Score:
    """How good ``answer`` is, and feedback that says what really happened."""
    if answer is None:
        return Score(None, "unanswered", f"No prediction. What happened: {truth.text}")
    kind = question.answer_type
    if kind == "choice":
        return _score_choice(truth, answer)
    if kind == "click":
        return _score_click(question, truth, answer)
    return _score_number(question, truth, answer)


def _score_choice(truth: Truth, answer: Answer) -> Score:
    keys = dict(truth.options)
    if not isinstance(answer, str) or answer not in keys:
        raise ValueError(f"not one of the choices {list(keys)}: {answer!r}")
    right = answer in str(truth.value).split("|")
    said = keys[answer]
    if right:
        return Score(1.0, "right", f"Right: {said}. {truth.text}")
    return Score(0.0, "wrong", f"You said {said}. What happened: {truth.text}")


def _score_click(question: Question, truth: Truth, answer: Answer) -> Score:
    if not (isinstance(answer, tuple | list) and len(answer) == 2):
        raise ValueError(f"a click is a (w, b) pair, got {answer!r}")
    tw, tb = truth.value  # type: ignore[misc]
    off = math.hypot(float(answer[0]) - tw, float(answer[1]) - tb) / truth.scale
    tol = question.tolerance
    where = f"Your point is {off:.0%} of the start-to-optimum distance from the real one: {truth.text}."
    if off <= tol.full:
        return Score(1.0, "right", "Right. " + where)
    if off <= tol.partial:
        return Score(0.5, "close", "Close. " + where)
    return Score(0.0, "wrong", "Not there. " + where)


def _score_number(question: Question, truth: Truth, answer: Answer) -> Score:
    if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
        raise ValueError(f"a number answer must be a finite number, got {answer!r}")
    if truth.value is None:
        return Score(0.0, "wrong", f"You said {answer:g}, but it never happened: {truth.text}.")
    true = float(truth.value)  # type: ignore[arg-type]
    tol = question.tolerance
    allowed = max(tol.absolute, tol.relative * abs(true))
    off = abs(float(answer) - true)
    said = f"You said {answer:g}; the real value is {true:.4g} ({truth.text})."
    if off <= allowed:
        return Score(1.0, "right", "Right. " + said)
    if off <= 2 * allowed:
        return Score(0.5, "close", "Close. " + said)
    return Score(0.0, "wrong", said)


@dataclass(frozen=True)
class SummaryEntry:
    """One step of the student's record. Answers and truths are stored as JSON values: a
    choice key, [w, b], a number, or null."""

    step: int
    title: str
    kind: str
    ask: str
    answer: Any
    truth: Any
    truth_text: str
    points: float | None
    verdict: str


@dataclass(frozen=True)
class Summary:
    lesson: str
    entries: tuple[SummaryEntry, ...]
    student: str = ""

    @property
    def total(self) -> tuple[float, int]:
        """(points, questions answered)."""
        answered = [e.points for e in self.entries if e.points is not None]
        return float(sum(answered)), len(answered)

    def to_dict(self) -> dict[str, Any]:
        points, answered = self.total
        return {"format": SUMMARY_FORMAT, "version": SUMMARY_VERSION, "lesson": self.lesson, "student": self.student,
                "points": points, "answered": answered, "steps": [asdict(e) for e in self.entries]}


def entry(step: int, title: str, question: Question, truth: Truth, answer: Answer, result: Score) -> SummaryEntry:
    """The record of one answered (or skipped) question; ``step`` is 1-based."""
    return SummaryEntry(step=step, title=title, kind=question.kind, ask=question.ask, answer=_plain(answer),
                        truth=_plain(truth.value), truth_text=truth.text, points=result.points, verdict=result.verdict)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [float(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def save_summary(path: str | Path, summary: Summary) -> None:
    """Write the summary completely or not at all (OSError on failure; the old file stays)."""
    write_atomically(path, json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n")


def load_summary(path: str | Path) -> Summary:
    """Read a summary back (a teacher collecting them); DataError if it is not one."""
    raw = read_limited(path, SUMMARY_LIMIT_BYTES, "summary file")
    try:
        obj = json.loads(raw.decode("utf-8"))
        if obj.get("format") != SUMMARY_FORMAT or not isinstance(obj.get("steps"), list):
            raise ValueError("not a gdviewer lesson summary")
        if obj.get("version", 0) > SUMMARY_VERSION:
            raise ValueError("written by a newer gdviewer")
        names = set(SummaryEntry.__dataclass_fields__)
        entries = tuple(SummaryEntry(**{k: e[k] for k in names}) for e in obj["steps"])
        return Summary(lesson=str(obj["lesson"]), entries=entries, student=str(obj.get("student", "")))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DataError(f"{path}: not a lesson summary ({exc})") from None

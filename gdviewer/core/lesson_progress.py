"""Where a student is in a lesson and what they answered: a value the window keeps and replaces.

Qt-free and immutable, so the window's lesson mode holds no rules of its own: Next/Back move the
index, :meth:`LessonProgress.answer` scores a prediction once the reveal has computed the truth and
keeps it, and :meth:`LessonProgress.summary` is what the student hands in. In class mode the room
votes by hand and the teacher reveals: nothing is scored or kept (``answer`` records the step as
unanswered), but the same calls work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from gdviewer.core.lesson_file import Lesson, Step
from gdviewer.core.lesson_scoring import Answer, Score, Summary, SummaryEntry, entry, score

if TYPE_CHECKING:
    from gdviewer.core.lesson_answers import Truth

MODES: tuple[str, ...] = ("self-study", "class")


@dataclass(frozen=True)
class LessonProgress:
    lesson: Lesson
    mode: str = "self-study"
    #: 0-based index of the step shown
    index: int = 0
    #: step index → the student's record for it (the last answer given)
    records: tuple[tuple[int, SummaryEntry], ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def at_end(self) -> bool:
        return self.index == len(self.lesson.steps) - 1

    def next(self) -> LessonProgress:
        return replace(self, index=min(self.index + 1, len(self.lesson.steps) - 1))

    def back(self) -> LessonProgress:
        return replace(self, index=max(self.index - 1, 0))

    def record(self, index: int) -> SummaryEntry | None:
        return dict(self.records).get(index)

    def answer(self, truth: Truth, given: Answer) -> tuple[LessonProgress, Score]:
        """Score ``given`` for the shown step against ``truth`` (from ``reveal``) and keep it. In
        class mode the answer is neither scored nor kept: the step is recorded as revealed."""
        question = self.step.question
        if question is None:
            raise ValueError(f"step {self.index + 1} asks no question")
        result = score(question, truth, None if self.mode == "class" else given)
        kept = entry(self.index + 1, self.step.title, question, truth, None if self.mode == "class" else given, result)
        others = tuple((i, e) for i, e in self.records if i != self.index)
        return replace(self, records=tuple(sorted((*others, (self.index, kept)), key=lambda r: r[0]))), result

    def summary(self, student: str = "") -> Summary:
        """The record of every question answered so far, in step order."""
        return Summary(self.lesson.title, tuple(e for _, e in self.records), student=student)

"""A lesson's progress: Next/Back, answers kept per step (the last one counts), class mode."""

from __future__ import annotations

import pytest

from gdviewer.core.lesson_answers import reveal
from gdviewer.core.lesson_progress import LessonProgress
from gdviewer.lessons import load_lesson, shipped_lessons


def test_self_study_keeps_the_last_answer_of_each_step():
    progress = LessonProgress(load_lesson(shipped_lessons()[1]))
    assert progress.back().index == 0 and progress.step.question is None
    with pytest.raises(ValueError, match="asks no question"):
        progress.answer(reveal(progress.step).truth, "converges")
    progress = progress.next()
    truth = reveal(progress.step).truth  # lr 0.02: converges
    progress, first = progress.answer(truth, "diverges")
    progress, second = progress.answer(truth, "converges")
    assert (first.verdict, second.verdict) == ("wrong", "right")
    assert progress.record(1).answer == "converges" and progress.summary().total == (1.0, 1)
    while not progress.at_end:
        progress = progress.next()
    assert progress.next().index == len(progress.lesson.steps) - 1


def test_class_mode_reveals_without_scoring():
    progress = LessonProgress(load_lesson(shipped_lessons()[1]), mode="class").next()
    progress, result = progress.answer(reveal(progress.step).truth, "converges")
    assert result.points is None and result.verdict == "unanswered" and "converges" in result.feedback
    assert progress.summary().total == (0.0, 0)
    with pytest.raises(ValueError, match="mode"):
        LessonProgress(progress.lesson, mode="exam")

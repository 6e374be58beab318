"""Each shipped lesson, played end to end headless: answered right and wrong, and every true
answer checked against the runs' real outcomes computed here, independently (train() directly,
losses and curvatures from the data with numpy)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviewer.core.conditioning import transformed_dataset
from gdviewer.core.data import Dataset, synthetic
from gdviewer.core.lesson_answers import DIRECTIONS, FATES, NO_RUN, reveal
from gdviewer.core.lesson_file import Lesson, Step
from gdviewer.core.lesson_scoring import Summary, entry, load_summary, save_summary, score
from gdviewer.core.run_status import RunStatus
from gdviewer.core.trainer import train
from gdviewer.lessons import load_lesson, shipped_lessons

LESSONS = shipped_lessons()


def test_three_lessons_ship_with_all_three_kinds_of_question():
    assert [p.name for p in LESSONS] == ["1-batch-vs-stochastic.yaml", "2-learning-rate.yaml", "3-conditioning.yaml"]
    types = set()
    for path in LESSONS:
        lesson = load_lesson(path)
        assert 6 <= len(lesson.steps) <= 10, path.name
        assert lesson.title and lesson.audience
        for step in lesson.steps:
            assert step.prompt.strip() and step.explanation.strip(), step.title
            if step.question:
                types.add(step.question.answer_type)
    assert types == {"choice", "click", "number"}


def _data(step: Step) -> Dataset:
    """The step's training data, built here from the session's settings."""
    session = step.setup.session
    if session.points is None:
        raw = synthetic(session.data)
    else:
        raw = Dataset.from_arrays(np.asarray(session.points[0]), np.asarray(session.points[1]))
    return transformed_dataset(raw, session.x_transform.following(raw.surface))


def _losses(data: Dataset, history) -> np.ndarray:
    """Full-data MSE at the start and after every step, straight from the samples."""
    w, b = history.path()
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.array([np.mean((wi * x + bi - y) ** 2) for wi, bi in zip(w, b, strict=True)])


def _curvatures(data: Dataset) -> tuple[float, float]:
    x = data.x.astype(np.float64)
    hessian = 2 * np.array([[np.mean(x * x), x.mean()], [x.mean(), 1.0]])
    hi = np.linalg.eigvalsh(hessian)[1]
    return 4 * x.var() / hi, hi  # λmin as det/λmax: eigvalsh's small eigenvalue is inexact far from 0


def _expected(step: Step):
    """The question's answer, worked out in this test."""
    q, session = step.question, step.setup.session
    data = _data(step)
    runs = [(spec.name, spec.config, *train(data, spec.config)) for spec in session.all_runs()]
    name, config, history, trainer = runs[q.run - 1]
    if q.kind == "fate":
        lam_min, lam_max = _curvatures(data)
        if trainer.status is RunStatus.DIVERGED:
            return "diverges"
        assert config.algorithm == "batch" and config.optimizer == "gd"  # the factors below are exact for these
        factor = 1 - config.lr * lam_max
        return "diverges" if factor < -1 else "oscillates" if factor < 0 else "converges"
    if q.kind == "first_step_direction":
        return f"w{'+' if history.w[0] > config.init_w else '-'}b{'+' if history.b[0] > config.init_b else '-'}"
    if q.kind == "position_after":
        w, b = history.path()
        return (float(w[q.steps]), float(b[q.steps]))
    if q.kind == "epochs_below":
        ends = _losses(data, history)[:: trainer.steps_per_epoch]
        return float(np.flatnonzero(ends < q.below)[0])
    if q.kind in ("stable_lr", "condition_number"):
        lam_min, lam_max = _curvatures(data)
        return 2 / lam_max if q.kind == "stable_lr" else lam_max / lam_min
    assert q.kind == "first_to_optimum"
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    slope, intercept = np.polyfit(x, y, 1)
    best = np.mean((slope * x + intercept - y) ** 2)
    times = {}
    for name, _config, history, trainer in runs:
        loss = _losses(data, history)
        hits = np.flatnonzero(loss <= best + q.within * (loss[0] - best))
        if hits.size:
            k = int(hits[0])
            times[name] = k if session.clock == "step" else k / trainer.steps_per_epoch
    return min(times, key=times.get) if times else NO_RUN


def _wrong(step: Step, truth):
    q = step.question
    if q.answer_type == "choice":
        return next(key for key, _ in truth.options if key not in str(truth.value).split("|"))
    if q.answer_type == "click":
        config = step.setup.session.all_runs()[q.run - 1].config
        return (config.init_w, config.init_b)  # the start: the path has moved far from it
    return float(truth.value) * 3 + 10


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_lesson_played_end_to_end_scores_the_real_outcomes(path, tmp_path):
    lesson: Lesson = load_lesson(path)
    right, wrong = [], []
    for number, step in enumerate(lesson.steps, 1):
        shown = reveal(step)
        assert all(0 < run.play_steps <= len(run.history) for run in shown.runs)
        if step.question is None:
            assert shown.truth is None
            continue
        truth, expected = shown.truth, _expected(step)
        if step.question.answer_type == "click":
            assert truth.value == pytest.approx(expected, abs=1e-6)
            answer = truth.value
        elif step.question.answer_type == "number":
            assert truth.value == pytest.approx(expected, rel=1e-6)
            answer = float(f"{truth.value:.3g}")  # what a student types
        else:
            assert expected in str(truth.value).split("|"), (step.title, truth.text)
            answer = expected
        good = score(step.question, truth, answer)
        bad = score(step.question, truth, _wrong(step, truth))
        assert (good.points, good.verdict) == (1.0, "right"), (step.title, good.feedback)
        assert (bad.points, bad.verdict) == (0.0, "wrong"), (step.title, bad.feedback)
        assert truth.text.split(":")[0][:20] in bad.feedback  # the feedback says what really happened
        right.append(entry(number, step.title, step.question, truth, answer, good))
        wrong.append(entry(number, step.title, step.question, truth, None, score(step.question, truth, None)))
    summary = Summary(lesson.title, tuple(right), student="A. Student")
    save_summary(tmp_path / "summary.json", summary)
    again = load_summary(tmp_path / "summary.json")
    assert again == summary
    assert again.total == (len(right), len(right))
    skipped = Summary(lesson.title, tuple(wrong))  # class mode: revealed, nobody answered
    assert skipped.total == (0.0, 0)
    assert all(e.verdict == "unanswered" for e in skipped.entries)


def test_close_clicks_and_numbers_get_half_marks():
    lesson = load_lesson(LESSONS[0])
    click = next(s for s in lesson.steps if s.question and s.question.answer_type == "click")
    truth = reveal(click).truth
    w, b = truth.value
    near = (w + 0.2 * truth.scale, b)  # 20 % of the start-to-optimum distance: between full (10 %) and partial (25 %)
    assert score(click.question, truth, near).verdict == "close"
    number = next(s for s in lesson.steps if s.question and s.question.kind == "epochs_below")
    truth = reveal(number).truth
    allowed = number.question.tolerance.absolute
    assert score(number.question, truth, truth.value + 1.5 * allowed).points == 0.5
    assert score(number.question, truth, truth.value + allowed).points == 1.0


def test_choices_carry_the_fixed_words():
    lesson = load_lesson(LESSONS[1])
    fate = next(s for s in lesson.steps if s.question and s.question.kind == "fate")
    assert dict(reveal(fate).truth.options) == FATES
    first = next(s for s in load_lesson(LESSONS[0]).steps if s.question and s.question.kind == "first_step_direction")
    assert dict(reveal(first).truth.options) == DIRECTIONS
    with pytest.raises(ValueError, match="not one of the choices"):
        score(fate.question, reveal(fate).truth, "explodes")


def test_a_number_question_that_never_happens_scores_zero_and_says_so():
    from dataclasses import replace

    lesson = load_lesson(LESSONS[0])
    step = next(s for s in lesson.steps if s.question and s.question.kind == "epochs_below")
    never = replace(step, question=replace(step.question, below=1e-9))
    truth = reveal(never).truth
    assert truth.value is None and "never" in truth.text
    assert math.isclose(score(never.question, truth, 5).points, 0.0)

"""Issue 18 in the window: a shipped lesson played end to end — each step sets its runs up,
asks, reveals (scored against the runs' real outcome, worked out off the GUI thread), plays
and explains; class mode reveals without scores; a click on the surface is a prediction; the
answers are saved to hand in; a broken lesson changes nothing."""

from __future__ import annotations

import pytest

from gdviewer.core.lesson_scoring import load_summary
from gdviewer.lessons import shipped_lessons


def wait_computed(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.lesson.reveal_data is not None, timeout=30000)


def wrong_answer(question, truth):
    kind = question.answer_type
    if kind == "choice":
        return next(key for key, _words in truth.options if key not in str(truth.value).split("|"))
    if kind == "click":
        w, b = truth.value
        return (w + 50 * truth.scale, b + 50 * truth.scale)
    return (truth.value or 1.0) * 10 + 100


def give(window, answer) -> None:
    panel = window.lesson_panel
    q = panel.question
    if q.answer_type == "choice":
        button = next(b for b in panel.group.buttons() if b.property("key") == answer)
        button.setChecked(True)
    elif q.answer_type == "click":
        window.choose_start_point(*answer)  # a click on the surface
    else:
        panel.number.setText(repr(float(answer)))
        panel._changed()


@pytest.mark.parametrize("path", shipped_lessons(), ids=lambda p: p.stem)
def test_each_shipped_lesson_plays_end_to_end_answering_right_and_wrong(qtbot, window, tmp_path, path):
    s, panel, lesson = window.session, window.lesson_panel, window.lesson
    assert lesson.open(path)
    steps = lesson.progress.lesson.steps
    expected_points = 0.0
    for index, step in enumerate(steps):
        assert lesson.progress.index == index
        runs = step.setup.session.all_runs()
        assert [r.name for r in s.runs] == [r.name or f"Run {i + 1}" for i, r in enumerate(runs)]
        wait_computed(qtbot, window)
        truth = lesson.reveal_data.truth
        if step.question is not None:
            assert not panel.reveal_button.isEnabled()  # self-study: predict first
            right = index % 2 == 0 and truth.value is not None
            answer = (tuple(truth.value) if isinstance(truth.value, tuple) else
                      str(truth.value).split("|")[0] if step.question.answer_type == "choice" else truth.value) \
                if right else wrong_answer(step.question, truth)
            give(window, answer)
            assert panel.reveal_button.isEnabled()
            start = (s.run_config.init_w, s.run_config.init_b)
            panel.reveal_button.click()
            assert (s.run_config.init_w, s.run_config.init_b) == start  # a click predicted, it moved nothing
            text = panel.result.text()
            assert ("✓ Right" in text) if right else ("✗" in text or "≈" in text), (index, text)
            expected_points += 1.0 if right else 0.0
        else:
            panel.reveal_button.click()
        qtbot.waitUntil(lambda: s.steps_done > 0, timeout=30000)  # the reveal plays the runs
        panel.next_button.click()
    assert "The end:" in panel.text.toPlainText()
    got, asked = lesson.progress.summary().total
    assert asked == sum(1 for st in steps if st.question is not None)
    assert got >= expected_points  # (a wrong number may still be close: half marks)
    target = tmp_path / "answers.json"
    window.questions.ask_save_path = lambda _title, _proposed: str(target)
    panel.summary_button.click()
    assert load_summary(target).total == (got, asked)


def test_class_mode_reveals_without_a_vote_or_a_score(qtbot, window):
    panel, lesson = window.lesson_panel, window.lesson
    assert lesson.open(shipped_lessons()[1], "class")
    while lesson.progress.step.question is None:
        lesson.forward()
    wait_computed(qtbot, window)
    assert panel.reveal_button.isEnabled() and not panel.summary_button.isVisible()
    panel.reveal_button.click()
    assert "What happened:" in panel.result.text() and "✓" not in panel.result.text()


def test_a_broken_lesson_says_where_and_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: gdviewer-lesson\nversion: 1\ntitle: x\nsteps:\n  - title: 3\n    prompt: [\n")
    shown = []
    window.lesson.parts = window.lesson.parts.__class__(**{**window.lesson.parts.__dict__, "show_error": shown.append})
    runs_before = [r.config for r in window.session.runs]
    assert not window.lesson.open(bad)
    assert shown and "line" in shown[0]
    assert [r.config for r in window.session.runs] == runs_before and not window.lesson_dock.isVisible()


def test_the_lesson_stays_in_presentation_mode_and_locks_what_it_says(qtbot, window):
    lesson = window.lesson
    assert lesson.open(shipped_lessons()[0])
    window.view_options.set_presentation(True)
    assert window.lesson_dock.isVisible()
    locked = lesson.progress.step.setup.lock
    assert ("run_settings" in locked) == (not window.run_controls.isEnabled())
    window.lesson_dock.close()  # closing the lesson gives the controls back
    assert window.run_controls.isEnabled()


def test_save_as_lesson_step_adds_the_windows_setup_to_a_lesson_that_then_opens(qtbot, window, tmp_path):
    from gdviewer.lessons import load_lesson

    window.document.apply_preset("Optimisers race")
    target = tmp_path / "mine.yaml"
    window.questions.ask_lesson_step_path = lambda: str(target)
    window.lesson.save_as_step()
    window.lesson.save_as_step()  # a second time: added at the end, the first kept
    lesson = load_lesson(target)
    assert len(lesson.steps) == 2
    runs = lesson.steps[0].setup.session.all_runs()
    assert [r.config for r in runs] == [r.config for r in window.session.runs]
    assert window.lesson.open(target)
    assert [r.config for r in window.session.runs] == [r.config for r in runs]


def test_on_a_projector_the_question_and_every_choice_show_without_scrolling(qtbot, window, monkeypatch):
    """1024 × 768 in presentation mode: the lesson tab is given most of the column, the prompt's
    box is no taller than its text, and the question's choices are all inside the visible part
    of the tab (they were below the fold: a five-line box held a two-line prompt)."""
    from PySide6.QtCore import QPoint

    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(1024, 768))  # (offscreen)
    window.resize(1024, 768)
    lesson = window.lesson
    assert lesson.open(shipped_lessons()[1])
    while lesson.progress.step.question is None or lesson.progress.step.question.kind != "fate":
        lesson.forward()
    window.view_options.set_presentation(True)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.lesson_dock.height() > 0.3 * window.height(), timeout=5000)
    qtbot.wait(200)  # (the fit after the resize)
    panel = window.lesson_panel
    text = panel.text
    fitted = max(text.document().size().height() + 2 * text.frameWidth(), 2 * panel.fontMetrics().height())
    assert text.height() <= fitted + 2  # (at least two lines' room)
    viewport = window.lesson_dock.widget().viewport()
    buttons = panel.group.buttons()
    assert len(buttons) == 3
    for button in [*buttons, panel.ask]:
        bottom = button.mapTo(viewport, QPoint(0, button.height()))
        assert 0 <= bottom.y() <= viewport.height(), f"{button.text()!r} is below the fold"
    window.view_options.set_presentation(False)

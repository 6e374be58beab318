"""Captions that change with every step: paced while a run streams live, at once otherwise."""

from __future__ import annotations

import gdviewer.ui.paced_text as paced
from gdviewer.ui.paced_text import PacedText


def test_live_texts_are_paced_and_the_last_word_is_always_shown(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(paced.time, "monotonic", lambda: now[0])
    shown: list[str] = []
    text = PacedText(shown.append)
    text.set("step 1", live=True)
    now[0] += 0.05
    text.set("step 2", live=True)  # 50 ms later: skipped
    now[0] += paced.TEXT_INTERVAL_S
    text.set("step 9", live=True)
    assert shown == ["step 1", "step 9"]
    text.set("step 10 (paused)", live=False)  # paused, finished, replaying: at once
    text.set("step 10 (paused)", live=False)  # the same text is not set again
    assert shown == ["step 1", "step 9", "step 10 (paused)"]


def test_a_streaming_caption_ends_true_when_the_run_pauses(qtbot, window):
    s = window.session
    s.set_speed(0)
    window.apply_run_config(s.run_config.with_changes(algorithm="stochastic", lr=0.001, epochs=500))
    s.play()
    qtbot.waitUntil(lambda: len(s.history) > 2000, timeout=30000)
    s.pause()
    qtbot.waitUntil(lambda: s._training.waiting, timeout=10000)
    window.redraw()
    n = len(s.history)
    assert window.status.labels["step"].text() == f"Step {n:,}/{s.total_steps:,}"
    assert window.timeline.label.text().startswith(f"step {n:,}")


def test_due_says_whether_a_text_would_be_shown_now(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(paced.time, "monotonic", lambda: now[0])
    shown = []
    text = PacedText(shown.append)
    assert text.due(live=True)
    text.set("a", live=True)
    now[0] += paced.TEXT_INTERVAL_S / 2
    assert not text.due(live=True) and text.due(live=False)
    now[0] += paced.TEXT_INTERVAL_S
    assert text.due(live=True)

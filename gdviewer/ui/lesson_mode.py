"""Lesson mode: a lesson file played in the window — predict, then reveal, then explain.

Each step replaces the session with the step's setup (one undoable step, never written over a
file), shows the panels it names and locks the controls it names, and asks its question. The
real answer is computed off the GUI thread from the runs themselves (``core/lesson_answers``)
while the student thinks; Reveal scores the prediction (self-study) or just shows what happened
(class mode: the teacher reveals when the room has voted), plays the runs in the window at the
step's speed and shows the explanation. At the end of a self-study lesson the answers can be
saved as a small file to hand in.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget, QWidget

from gdviewer.core.errors import DataError
from gdviewer.core.lesson_file import Lesson
from gdviewer.core.lesson_progress import LessonProgress
from gdviewer.core.lesson_scoring import save_summary
from gdviewer.ui.background import BackgroundCall
from gdviewer.ui.lesson_panel import LessonPanel
from gdviewer.ui.panels.common import VERMILLION

#: Panel keys of a lesson's ``show`` list → the window's docks (the surface is always shown).
SHOWN_DOCKS = {"data": "data", "loss": "loss", "parameters": "parameters", "step": "step"}
VERDICTS = {"right": "✓ Right.", "close": "≈ Close.", "wrong": "✗ Not this time.", "unanswered": ""}


@dataclass(frozen=True)
class LessonParts:
    """What lesson mode works with: the session and document, the docks, the surface, the
    widgets a step may lock, and how to ask and tell."""

    session: object  # ui/session.Session
    document: object  # ui/document.Document (replace_session)
    docks: dict[str, QDockWidget]
    surface_panel: object  # its fan and axes options, its plot for the predicted point
    lockable: dict[str, list[QWidget]]  # lock key → widgets disabled while locked
    questions: object  # ui/questions.Questions: where to open a lesson, save the answers (tests answer)
    say: Callable[[str, int], None]
    show_error: Callable[[str], None]


class LessonMode(QObject):
    """The lesson open in the window (``progress``), its panel and its dock."""

    def __init__(self, parts: LessonParts, dock: QDockWidget, panel: LessonPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.parts, self.dock, self.panel = parts, dock, panel
        self.progress: LessonProgress | None = None
        self.reveal_data = None  # core.lesson_answers.Reveal of the shown step, once computed
        self._call = BackgroundCall(self)
        self._call.done.connect(self._on_computed)
        self._call.failed.connect(lambda message, _details: parts.show_error(f"The lesson step failed: {message}"))
        self.marker = pg.ScatterPlotItem(size=16, symbol="x", pen=pg.mkPen(VERMILLION, width=3), brush=None)
        self.truth_marker = pg.ScatterPlotItem(size=18, symbol="o", pen=pg.mkPen("k", width=2), brush=None)
        for item in (self.marker, self.truth_marker):
            parts.surface_panel.plot_item.addItem(item, ignoreBounds=True)
            item.hide()
        panel.back.connect(lambda: self.go(self.progress.back()) if self.progress else None)
        panel.next.connect(self.forward)
        panel.reveal.connect(self.reveal)
        panel.mode_changed.connect(self.set_mode)
        panel.save_summary.connect(self.save_answers)
        dock.visibilityChanged.connect(lambda shown: None if shown else self._unlock())

    @property
    def active(self) -> bool:
        return self.progress is not None and self.dock.isVisible()

    def close(self) -> None:
        """The window closes: stop working out an answer (its thread is waited for)."""
        self._call.stop()

    # --- opening ------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path = self.parts.questions.ask_lesson_path()
        if path:
            self.open(path)

    def open(self, path: str | Path, mode: str = "self-study") -> bool:
        """Load and start the lesson at ``path``; a bad file is explained and nothing changes."""
        from gdviewer.lessons import load_lesson

        try:
            lesson = load_lesson(path)
        except (DataError, OSError) as exc:
            self.parts.show_error(f"The lesson could not be opened: {exc}")
            return False
        self.start(lesson, mode)
        return True

    def start(self, lesson: Lesson, mode: str = "self-study") -> None:
        self.dock.setWindowTitle("Lesson")  # (short: a tab beside the settings; the title is in the panel)
        self.dock.show()
        self.dock.raise_()
        self.go(LessonProgress(lesson, mode))

    def set_mode(self, mode: str) -> None:
        if self.progress is not None and mode != self.progress.mode:
            self.go(replace(self.progress, mode=mode))

    # --- a step -----------------------------------------------------------------------------
    def go(self, progress: LessonProgress) -> None:
        """Show ``progress``'s step: its setup, its panels and locks, its prompt and question."""
        self.progress, self.reveal_data = progress, None
        step = progress.step
        s = self.parts.session
        s.stop_training()
        self.parts.document.replace_session(replace(step.setup.session, description=""),
                                            f"Lesson step {progress.index + 1}")
        for key, dock_name in SHOWN_DOCKS.items():
            self.parts.docks[dock_name].setVisible(key in step.setup.show)
        self.parts.surface_panel.axes_box.setChecked("valley" in step.setup.show)
        self.parts.surface_panel.fan.checkbox.setChecked("fan" in step.setup.show)
        self._lock(step.setup.lock)
        self.panel.run_choices = tuple((r.name or f"Run {i + 1}", r.name or f"Run {i + 1}")
                                       for i, r in enumerate(step.setup.session.all_runs()))
        self.panel.show_step(progress.lesson, progress.index, step, progress.mode)
        self.marker.hide()
        self.truth_marker.hide()
        self.panel.reveal_button.setEnabled(False)
        self._call.start(lambda _progress, st=step: _compute(st))

    def _on_computed(self, data: object) -> None:
        self.reveal_data = data
        question = self.panel.question
        if question is not None and question.answer_type == "choice" and data.truth is not None:
            self.panel.set_options(data.truth.options, keep=True)  # the engine's own keys and words (run names, …)
        self.panel._changed()

    def _lock(self, keys: tuple[str, ...]) -> None:
        for key, widgets in self.parts.lockable.items():
            for widget in widgets:
                widget.setEnabled(key not in keys)

    def _unlock(self) -> None:
        self._lock(())

    def blocks(self, key: str) -> bool:
        """Whether the shown step locks ``key`` (e.g. "start_point": clicks choose no start)."""
        return self.active and key in self.progress.step.setup.lock

    def take_click(self, w: float, b: float) -> bool:
        """A click on the surface: the student's prediction, if the step asks for a point."""
        q = self.panel.question
        if not self.active or q is None or q.answer_type != "click" or self.panel.revealed:
            return False
        self.marker.setData([w], [b])
        self.marker.show()
        self.panel.take_click(w, b)
        return True

    # --- the reveal ---------------------------------------------------------------------------
    def reveal(self) -> None:
        """Check the prediction against the runs, play them, explain."""
        if self.progress is None or self.reveal_data is None:
            self.parts.say("Still working out the answer from the runs…", 3000)
            return
        step, data = self.progress.step, self.reveal_data
        parts = []
        if step.question is not None and data.truth is not None:
            self.progress, result = self.progress.answer(data.truth, self.panel.answer())
            if self.progress.mode == "self-study":
                parts.append(f"<b>{VERDICTS.get(result.verdict, '')}</b> {html.escape(result.feedback)}")
            else:
                parts.append(f"<b>What happened:</b> {html.escape(data.truth.text)}")
            if isinstance(data.truth.value, tuple):
                self.truth_marker.setData([data.truth.value[0]], [data.truth.value[1]])
                self.truth_marker.show()
        self.panel.show_result("<br><br>".join(parts) or "Watch the runs.", step.explanation)
        self._play(step, data)

    def _play(self, step, data) -> None:
        s = self.parts.session
        s.set_speed(step.play.speed)
        bounded = step.play.steps is not None or step.play.epochs is not None
        if bounded:  # at the step's pace, then the runs wait where the lesson wants them
            s.live.play_until(sum(run.play_steps for run in data.runs))
        else:
            s.play()

    def forward(self) -> None:
        if self.progress is None:
            return
        if self.progress.at_end:
            self.finish()
        else:
            self.go(self.progress.next())

    def finish(self) -> None:
        """The end: in self-study, the score and the offer to save the answers."""
        p = self.progress
        if p is None:
            return
        if p.mode == "class":
            self.panel.show_end("<b>The end of the lesson.</b>")
            return
        summary = p.summary()
        got, asked = summary.total
        rows = "".join(f"<li>{html.escape(e.title)}: {e.verdict}</li>" for e in summary.entries)
        self.panel.show_end(f"<b>The end: {got:g} of {asked} points.</b><ul>{rows}</ul>"
                            "Save your answers to hand them in (Save answers…).")

    def save_as_step(self) -> None:
        """File → Save as lesson step: the window's setup (data, runs, transform, the panels shown)
        added as the last step of a lesson file, with a prompt to write; checked by the real
        loader before anything is written (core/lesson_authoring.py)."""
        from gdviewer.core.lesson_authoring import save_lesson_step as write_step
        from gdviewer.core.lesson_authoring import step_dict
        from gdviewer.presets import load_presets

        path = self.parts.questions.ask_lesson_step_path()
        if not path:
            return
        spec = self.parts.document.current_spec()
        docks = self.parts.docks
        shown = ["surface", *(key for key, name in SHOWN_DOCKS.items() if docks[name].isVisible())]
        if self.parts.surface_panel.axes_box.isChecked():
            shown.append("valley")
        if self.parts.surface_panel.fan.checkbox.isChecked():
            shown.append("fan")
        title = spec.name or " vs ".join(r.name for r in spec.all_runs()[:3] if r.name) or "A new step"
        try:
            write_step(path, step_dict(spec, title, show=shown), load_presets(), title="New lesson")
        except (DataError, OSError) as exc:
            self.parts.show_error(f"The step could not be added: {exc}")
            return
        self.parts.say(f"Added “{title}” as the last step of {Path(path).name}: write its prompt and question "
                       "there (see README, Lessons)", 8000)

    def save_answers(self) -> None:
        if self.progress is None:
            return
        path = self.parts.questions.ask_save_path("Save your answers", "lesson-answers.json")
        if not path:
            return
        try:
            save_summary(path, self.progress.summary())
        except OSError as exc:
            self.parts.show_error(f"The answers could not be saved: {exc}")
            return
        self.parts.say(f"Answers saved to {path}", 6000)


def _compute(step):
    from gdviewer.core.lesson_answers import reveal

    return reveal(step)

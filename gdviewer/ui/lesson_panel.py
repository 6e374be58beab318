"""The lesson dock: a step's prompt, the question to answer before the reveal, the answer's
check and the explanation, and Back / Reveal / Next.

The widget only shows and collects: ``ui/lesson_mode.py`` decides what a step sets up, computes
the real answer (from the runs, ``core/lesson_answers.py``) and scores it. Questions come in
three kinds: a choice (radio buttons), a number (typed), or a point on the loss surface (the
student clicks it; the lesson mode passes the click in with :meth:`take_click`).
"""

from __future__ import annotations

import html
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gdviewer.core.lesson_file import Lesson, Question, Step
from gdviewer.core.lesson_progress import MODES

#: The choice questions' options before the reveal says which is right (the engine's keys).
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "fate": (("converges", "converges"), ("oscillates", "oscillates but converges"), ("diverges", "diverges")),
    "first_step_direction": (("w+b+", "w up, b up"), ("w+b-", "w up, b down"), ("w-b+", "w down, b up"),
                             ("w-b-", "w down, b down")),
}


class LessonPanel(QWidget):
    """Prompt, question, check, explanation; ``back``, ``reveal``, ``next`` and ``mode_changed``."""

    back = Signal()
    reveal = Signal()
    next = Signal()
    mode_changed = Signal(str)
    save_summary = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Lesson step")
        self.mode = QComboBox()
        for mode in MODES:
            self.mode.addItem({"self-study": "Self-study (scored)", "class": "Class (the teacher reveals)"}[mode], mode)
        self.mode.setToolTip("Self-study keeps the student's answers and scores them; in class the room votes and "
                             "the teacher reveals, with no scores shown")
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mode.setMinimumContentsLength(10)  # (a long item must not widen the window on a projector)
        self.mode.currentIndexChanged.connect(lambda _i: self.mode_changed.emit(self.mode.currentData()))
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setAccessibleName("Lesson text")
        self.ask = QLabel()
        self.ask.setWordWrap(True)
        self.options = QVBoxLayout()
        self.group = QButtonGroup(self)
        self.number = QLineEdit()
        self.number.setPlaceholderText("your prediction (a number)")
        self.number.setAccessibleName("Your prediction")
        self.number.textEdited.connect(lambda _t: self._changed())
        self.click_note = QLabel()
        self.click_note.setWordWrap(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.back_button, self.reveal_button, self.next_button = QPushButton("◀ Back"), QPushButton("Reveal"), \
            QPushButton("Next ▶")
        for button in (self.back_button, self.reveal_button, self.next_button):
            button.setMinimumWidth(10)  # (three side by side fit a narrow dock at the presentation font)
        self.summary_button = QPushButton("Save answers…")
        self.summary_button.setToolTip("Save your answers and scores as a small file to hand in")
        self.back_button.clicked.connect(self.back)
        self.reveal_button.clicked.connect(self.reveal)
        self.next_button.clicked.connect(self.next)
        self.summary_button.clicked.connect(self.save_summary)
        buttons = QHBoxLayout()
        for button in (self.back_button, self.reveal_button, self.next_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)  # (tight: on a projector the question's last choice must show too)
        self.options.setSpacing(0)
        layout.addWidget(self.heading)
        layout.addLayout(buttons)  # at the top: on a projector the step may need scrolling, these must not
        layout.addWidget(self.text, 3)
        layout.addWidget(self.ask)
        layout.addLayout(self.options)
        layout.addWidget(self.number)
        layout.addWidget(self.click_note)
        layout.addWidget(self.result, 2)
        layout.addWidget(self.mode)
        layout.addWidget(self.summary_button)
        self.text.document().contentsChanged.connect(self.fit_text)
        self.question: Question | None = None
        self.prompt = ""
        self.clicked: tuple[float, float] | None = None
        self.revealed = False

    #: The prompt's box shows this many lines before it scrolls (when the panel has the room, as
    #: tall as its text).
    TEXT_LINES = 5

    def fit_text(self) -> None:
        """The prompt's box no taller than its text: a two-line prompt in a five-line box pushed
        the question and its choices below the fold of a projector's lesson tab. A longer text
        (the explanation after the reveal) gets TEXT_LINES lines, more where there is room."""
        doc = self.text.document()
        doc.setTextWidth(self.text.viewport().width())
        needed = math.ceil(doc.size().height()) + 2 * self.text.frameWidth()
        lines = self.fontMetrics().height()
        self.text.setMinimumHeight(min(needed, lines * self.TEXT_LINES))
        self.text.setMaximumHeight(max(needed, lines * 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_text()  # a narrower box wraps the text into more lines

    # --- a step -------------------------------------------------------------------------
    def show_step(self, lesson: Lesson, index: int, step: Step, mode: str) -> None:
        self.heading.setText(f"<b>{html.escape(lesson.title)}</b><br>Step {index + 1} of {len(lesson.steps)}: "
                             f"{html.escape(step.title)}")
        self.prompt = step.prompt
        self.text.setMarkdown(step.prompt)
        self.question, self.clicked, self.revealed = step.question, None, False
        q = step.question
        self.ask.setText(f"<b>Predict first:</b> {html.escape(q.ask)}" if q is not None else "")
        self.ask.setVisible(q is not None)
        kind = q.answer_type if q is not None else ""
        self.set_options(self.choices(q) if kind == "choice" else ())
        self.number.setVisible(kind == "number")
        self.number.clear()
        self.click_note.setVisible(kind == "click")
        self.click_note.setText("Click on the loss surface where you predict the path will be.")
        self.result.clear()
        self.next_button.setEnabled(index < len(lesson.steps) - 1 or mode == "self-study")
        self.next_button.setText("Next ▶" if index < len(lesson.steps) - 1 else "Finish")
        self.back_button.setEnabled(index > 0)
        self.summary_button.setVisible(mode == "self-study")
        self.mode.blockSignals(True)
        self.mode.setCurrentIndex(self.mode.findData(mode))
        self.mode.blockSignals(False)
        self._changed()

    def choices(self, question: Question) -> tuple[tuple[str, str], ...]:
        """The options of a choice question (which run is first: the runs' names, set by the mode)."""
        return self.run_choices if question.kind == "first_to_optimum" else CHOICES[question.kind]

    run_choices: tuple[tuple[str, str], ...] = ()

    def set_options(self, options: tuple[tuple[str, str], ...], keep: bool = False) -> None:
        """The choice question's options as (key, words); with ``keep``, a choice already made
        stays if its key does (the options are replaced by the engine's while the student thinks)."""
        chosen = self.answer() if keep and self.question is not None and self.question.answer_type == "choice" \
            else None
        for button in self.group.buttons():
            self.group.removeButton(button)
            self.options.removeWidget(button)
            button.hide()  # (until deleted it would still paint, outside the layout)
            button.setParent(None)
            button.deleteLater()
        for key, words in options:
            button = QRadioButton(words)
            button.setProperty("key", key)
            button.setChecked(key == chosen)
            button.toggled.connect(lambda _on: self._changed())
            self.group.addButton(button)
            self.options.addWidget(button)

    def take_click(self, w: float, b: float) -> None:
        self.clicked = (w, b)
        self.click_note.setText(f"Your prediction: w = {w:.3g}, b = {b:.3g} (click again to move it).")
        self._changed()

    def answer(self) -> str | tuple[float, float] | float | None:
        """The prediction given so far (None: none, or not a number)."""
        q = self.question
        if q is None:
            return None
        kind = q.answer_type
        if kind == "choice":
            checked = self.group.checkedButton()
            return None if checked is None else str(checked.property("key"))
        if kind == "click":
            return self.clicked
        try:
            return float(self.number.text().replace(",", ".").replace("−", "-"))
        except ValueError:
            return None

    def _changed(self) -> None:
        """Reveal waits for a prediction in self-study; in class the teacher reveals when the room has voted."""
        waiting = self.question is not None and self.answer() is None and self.mode.currentData() == "self-study"
        self.reveal_button.setEnabled(not self.revealed and not waiting)
        self.reveal_button.setToolTip("Give your prediction first" if waiting else "Play the runs and check")

    def show_end(self, text: str) -> None:
        """The lesson's end (rich text) where the prompt was: at the top, seen without scrolling."""
        self.revealed = True
        self.text.setHtml(text)
        self.result.clear()
        self._changed()

    def show_result(self, text: str, explanation: str = "") -> None:
        """The check (rich text) under the question; the explanation (Markdown) after the prompt."""
        self.revealed = True
        self.result.setText(text)
        if explanation:
            self.text.setMarkdown(f"{self.prompt}\n\n---\n\n**Why.** {explanation}")
            self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())
        self._changed()

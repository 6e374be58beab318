"""The tour's card: progress, title, text, and Skip / Back / Next, drawn as a rounded bubble
(the overlay in ``ui/tour.py`` places it beside the part of the window it explains)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

BUBBLE_RADIUS = 10


@dataclass(frozen=True)
class TourStep:
    """One stop of the tour: the widget key to light up ("" for none), a title and Markdown text."""

    target: str
    title: str
    text: str


class TourBubble(QFrame):
    """The card of one step: progress, title, text, and Skip / Back / Next buttons.

    It paints itself from the palette (Window, WindowText, Highlight, Mid), so it matches a
    light or dark theme, and its title is re-derived from its font whenever that changes, so
    it follows the application's zoom.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tour_bubble")
        self.counter = QLabel()
        self.counter.setAccessibleName("Tour progress")
        self.counter.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.MarkdownText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.skip_button = QPushButton("Skip tour")
        self.skip_button.setFlat(True)
        self.skip_button.setToolTip("Close the tour (Esc); reopen it from Help → Tour")
        self.back_button = QPushButton("Back")
        self.back_button.setToolTip("The previous step (←)")
        self.next_button = QPushButton("Next")
        self.next_button.setToolTip("The next step (→ or Enter)")
        self.next_button.setDefault(True)  # drawn as the default action: Enter goes there
        for button, name in ((self.skip_button, "Skip tour"), (self.back_button, "Back"),
                             (self.next_button, "Next")):
            button.setAccessibleName(name)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(self.counter)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        self._update_title_font()

    @property
    def buttons(self) -> list[QPushButton]:
        """The buttons in focus order (Tab cycles through these and never leaves the bubble)."""
        return [b for b in (self.skip_button, self.back_button, self.next_button) if b.isVisible() and b.isEnabled()]

    def show_step(self, step: TourStep, index: int, count: int) -> None:
        last = index == count - 1
        self.counter.setText(f"Step {index + 1} of {count}")
        self.title.setText(step.title)
        self.text.setText(step.text)
        self.back_button.setEnabled(index > 0)
        self.next_button.setText("Finish" if last else "Next")
        self.next_button.setAccessibleName("Finish tour" if last else "Next")
        self.next_button.setToolTip("End the tour (→ or Enter)" if last else "The next step (→ or Enter)")
        self.skip_button.setVisible(not last)
        self.setAccessibleName(f"Tour step {index + 1} of {count}: {step.title}")
        self.setAccessibleDescription(step.text)

    def size_for(self, width: int) -> QSize:
        """The bubble's size at ``width``: as tall as its wrapped text needs."""
        self.layout().activate()
        height = self.heightForWidth(width)
        if height <= 0:
            height = self.sizeHint().height()
        return QSize(width, max(height, self.minimumSizeHint().height()))

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab cycles among the bubble's buttons instead of wandering into the dimmed window."""
        buttons = self.buttons
        if not buttons:
            return False
        focused = QApplication.focusWidget()
        i = buttons.index(focused) if focused in buttons else -1
        buttons[(i + (1 if next else -1)) % len(buttons)].setFocus(
            Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason)
        return True

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._update_title_font()
        super().changeEvent(event)

    def _update_title_font(self) -> None:
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.25)
        elif font.pixelSize() > 0:
            font.setPixelSize(round(font.pixelSize() * 1.25))
        self.title.setFont(font)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        shape = QPainterPath()
        shape.addRoundedRect(rect, BUBBLE_RADIUS, BUBBLE_RADIUS)
        painter.fillPath(shape, pal.color(QPalette.ColorRole.Window))
        painter.save()
        painter.setClipPath(shape)
        painter.fillRect(QRectF(rect.left(), rect.top(), rect.width(), 4), pal.color(QPalette.ColorRole.Highlight))
        painter.restore()
        painter.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        painter.drawPath(shape)

"""A label that shortens its text to fit instead of being cut: a narrow window (1024×768,
presentation mode's large text) shows "step 20/20" rather than "step 20 of 20 · epoch 2"."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FittingLabel(QLabel):
    """A label that shows the longest of its texts that fits its width (a narrow window gets
    "step 20/20" rather than a cut "step 20 of 20 · epoch 2"); the longest is its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts: tuple[str, ...] = ("",)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_texts(self, *texts: str) -> None:
        """Texts from the longest to the shortest."""
        if texts != self._texts:
            self._texts = texts
            self.setToolTip(texts[0])
            self.updateGeometry()
            self._choose()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._texts[0]) + 8, hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._texts[-1]) + 8, hint.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._choose()

    def _choose(self) -> None:
        room = self.width() - 4
        metrics = self.fontMetrics()
        text = next((t for t in self._texts if metrics.horizontalAdvance(t) <= room), self._texts[-1])
        if text != self.text():
            self.setText(text)

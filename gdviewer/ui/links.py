"""A label with links that stay readable in either theme.

A QLabel's rich text keeps the link colour of the palette it was first laid out with, so
after a switch to the dark theme its links stay dark blue on a dark window. This label
writes the colour into each link (the palette's link colour, adjusted to WCAG's 4.5:1 for
text against the window) and writes it again whenever the palette changes.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from gdviewer.ui.theme import TEXT_CONTRAST, readable_colour

_LINK = re.compile(r"<a (href=\"[^\"]*\")>")


class LinkLabel(QLabel):
    """A QLabel whose ``<a href="…">`` links are drawn in a readable colour."""

    def __init__(self, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._html = html
        self._colour = ""
        self._recolour()

    def set_html(self, html: str) -> None:
        """Replace the text (its links coloured like the first ones)."""
        if html != self._html:
            self._html = html
            self._colour = ""
            self._recolour()

    def link_colour(self) -> str:
        palette = self.palette()
        return readable_colour(palette.color(QPalette.ColorRole.Link).name(),
                               palette.color(QPalette.ColorRole.Window).name(), TEXT_CONTRAST)

    def _recolour(self) -> None:
        colour = self.link_colour()
        if colour != self._colour:
            self._colour = colour
            self.setText(_LINK.sub(rf'<a \1 style="color: {colour};">', self._html))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()

"""“What am I looking at?”: short help topics beside the plots, one per idea the app shows.

The topics are Markdown files in ``resources/help/`` listed, in order, by
``resources/help/topics.json``. They are text a teacher can edit without touching code, they
read well on GitHub too, and links between them (``[noise floor](zigzag.md)``) work in both
places. The panel sets no colours or fonts of its own: the text follows the application's
palette (light or dark theme) and font (zoom via ``QApplication.setFont``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdviewer.assets import read_tagged_list, resource_path
from gdviewer.ui.links import LinkLabel

HELP_DIR = "help"
TOPICS_FILE = f"{HELP_DIR}/topics.json"
TOPICS_FORMAT = "gdviewer-help"
HELP_PANEL_TITLE = "What am I looking at?"

#: The topic that explains each dock of the main window (keys as in ``MainWindow.docks``),
#: plus the central loss surface, for a “?” button on each.
PANEL_TOPICS: dict[str, str] = {
    "surface": "surface",
    "data": "data",
    "loss": "loss",
    "parameters": "parameters",
    "controls": "batches",
}


class HelpError(ValueError):
    """The help index or a topic file is malformed; the message names the file."""


@dataclass(frozen=True)
class HelpTopic:
    """One help topic: ``id`` (stable, used by code and links), ``title`` and Markdown ``text``."""

    id: str
    title: str
    text: str

    @property
    def summary(self) -> str:
        """The first paragraph after the heading as plain text (for a tooltip)."""
        for block in re.split(r"\n\s*\n", self.text.strip()):
            block = block.strip()
            if block and not block.startswith("#"):
                plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)  # links → their text
                plain = plain.replace("\\*", "\0").replace("**", "").replace("*", "").replace("`", "")
                return " ".join(plain.replace("\0", "*").split())
        return ""


def load_help_topics() -> list[HelpTopic]:
    """Every topic in ``topics.json`` order, read through :func:`gdviewer.assets.resource_path`
    so it works from a checkout and from an installed wheel."""
    index_path, entries = read_tagged_list(TOPICS_FILE, TOPICS_FORMAT, "topics", HelpError)
    topics: list[HelpTopic] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k].strip()
                                                  for k in ("id", "title", "file")):
            raise HelpError(f"{index_path}: topic {n} needs non-empty 'id', 'title' and 'file' strings")
        if entry["id"] in seen:
            raise HelpError(f"{index_path}: topic id {entry['id']!r} appears twice")
        seen.add(entry["id"])
        name = PurePosixPath(entry["file"])
        if name.is_absolute() or ".." in name.parts:
            raise HelpError(f"{index_path}: topic {entry['id']!r} file must stay inside {HELP_DIR}/")
        try:
            text = resource_path(f"{HELP_DIR}/{name}").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise HelpError(f"{index_path}: topic {entry['id']!r}: {exc}") from exc
        topics.append(HelpTopic(entry["id"], entry["title"], text))
    return topics


class HelpPanel(QWidget):
    """A topic list above a text browser showing the chosen topic.

    ``topic_changed(id)`` is emitted whenever another topic is shown, by a click, a link or
    :meth:`show_topic`. Links to other topics (``zigzag.md``) stay in the panel; web links
    open in the browser.
    """

    topic_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, topics: Sequence[HelpTopic] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help_panel")
        self.setAccessibleName(HELP_PANEL_TITLE)
        self._topics = list(topics) if topics is not None else load_help_topics()
        self._by_id = {t.id: t for t in self._topics}
        self._current: str | None = None
        self.topic_list = QListWidget()
        self.topic_list.setAccessibleName("Help topics")
        self.topic_list.setAccessibleDescription("Choose a topic to read about it below")
        for topic in self._topics:
            item = QListWidgetItem(topic.title)
            item.setData(Qt.ItemDataRole.UserRole, topic.id)
            item.setToolTip(topic.summary)
            self.topic_list.addItem(item)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Help text")
        # web links go to the system browser; links between topics (relative, like
        # "zigzag.md") come back through anchorClicked, because openLinks is off
        self.browser.setOpenExternalLinks(True)
        self.browser.setOpenLinks(False)
        self.browser.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.browser.anchorClicked.connect(self._on_link)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.topic_list)
        self.splitter.addWidget(self.browser)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.splitter)
        self.topic_list.currentRowChanged.connect(self._on_row)
        if self._topics:
            self.topic_list.setCurrentRow(0)
        self._fit_list()

    # --- public ---------------------------------------------------------------------
    def topics(self) -> list[HelpTopic]:
        """The topics in the order they are listed."""
        return list(self._topics)

    def topic(self, topic_id: str) -> HelpTopic:
        """The topic called ``topic_id``; KeyError naming the known ids if there is none."""
        try:
            return self._by_id[topic_id]
        except KeyError:
            raise KeyError(f"no help topic {topic_id!r} (known: {', '.join(self._by_id)})") from None

    @property
    def current_topic(self) -> str | None:
        """The id of the topic shown (None only when there are no topics)."""
        return self._current

    def show_topic(self, topic_id: str) -> None:
        """Select and show ``topic_id`` (KeyError if unknown: a typo in a caller should fail loudly)."""
        self.topic(topic_id)
        row = next(i for i, t in enumerate(self._topics) if t.id == topic_id)
        if row == self.topic_list.currentRow():
            self._display(row)  # already selected: make sure it is the text shown
        else:
            self.topic_list.setCurrentRow(row)

    # --- internals ------------------------------------------------------------------
    def _on_row(self, row: int) -> None:
        if 0 <= row < len(self._topics):
            self._display(row)

    def _display(self, row: int) -> None:
        topic = self._topics[row]
        self.browser.setMarkdown(_demote_title(topic.text))
        self.browser.verticalScrollBar().setValue(0)
        if topic.id != self._current:
            self._current = topic.id
            self.topic_changed.emit(topic.id)

    def _on_link(self, url: QUrl) -> None:
        """A relative link names another topic by file (``zigzag.md``) or id (``#zigzag``);
        web and mail links open in the system's browser or mail program."""
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        target = PurePosixPath(url.path()).stem or url.fragment()
        if target in self._by_id:
            self.show_topic(target)

    def _fit_list(self) -> None:
        """Start with the list just tall enough for every title (the splitter can change it)."""
        rows = self.topic_list.count()
        if rows:
            height = self.topic_list.sizeHintForRow(0) * rows + 2 * self.topic_list.frameWidth() + 4
            self.splitter.setSizes([height, max(3 * height, 300)])


def _demote_title(markdown: str) -> str:
    """The file's “# Title” as a level-2 heading: a level-1 one is three sizes up in Qt's
    Markdown and wraps in a narrow side panel (the files keep “#” for GitHub's sake)."""
    return "#" + markdown if markdown.startswith("# ") else markdown


def make_help_button(topic: HelpTopic, show: Callable[[str], None], parent: QWidget | None = None) -> QToolButton:
    """A small “?” button for a panel's header that shows ``topic`` in the help panel.

    Its tooltip is the topic's first paragraph, so hovering already answers “what is this?”.
    """
    button = QToolButton(parent)
    button.setText("?")
    button.setAutoRaise(True)
    button.setToolTip(f"<b>{HELP_PANEL_TITLE}</b><br>{html.escape(topic.summary)}")
    button.setAccessibleName(f"Help: {topic.title}")
    button.clicked.connect(lambda _checked=False: show(topic.id))
    return button


#: The topics the settings' "Explain:" line links to, as (topic id, link text).
SETTINGS_TOPICS = (("batches", "batches"), ("learning-rate", "learning rate"), ("optimisers", "optimisers"),
                   ("steering", "schedules"), ("conditioning", "conditioning"))


def add_help_buttons(topics: Sequence[HelpTopic], panels: dict[str, QWidget], settings: QBoxLayout,
                     show: Callable[[str], None]) -> None:
    """A "?" in each panel's header (``panels``: key → panel with ``add_header_widget``; the step
    panel's key is its topic) and the settings' "Explain: …" links, each opening its topic."""
    by_id = {t.id: t for t in topics}
    for key, panel in panels.items():
        panel.add_header_widget(make_help_button(by_id[PANEL_TOPICS.get(key, key)], show))
    links = " · ".join(f'<a href="{topic_id}">{text}</a>' for topic_id, text in SETTINGS_TOPICS)
    label = LinkLabel(f"Explain: {links}")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # Tab reaches the links
    label.setToolTip("Open the topic in the “What am I looking at?” panel (F1)")
    label.setAccessibleName("Explain the settings")
    label.linkActivated.connect(lambda topic_id: show(topic_id) if topic_id in by_id else None)
    settings.addWidget(label)

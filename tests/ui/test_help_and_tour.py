"""“What am I looking at?” help topics and the guided tour: content, panel and overlay."""

from __future__ import annotations

import json
import re

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gdviewer.assets import resource_path
from gdviewer.ui.help_panel import PANEL_TOPICS, HelpPanel, HelpTopic, load_help_topics, make_help_button
from gdviewer.ui.session import READY
from gdviewer.ui.tour import (
    DIM_COLOUR,
    TARGET_KEYS,
    TourOverlay,
    TourStep,
    load_tour_steps,
    remember_tour_seen,
    tour_seen,
)

TOPIC_IDS = {"surface", "path", "zigzag", "learning-rate", "data", "loss", "parameters", "optimisers", "batches",
             "step", "newton", "fan", "valley-axes", "conditioning", "steering"}


def words(markdown: str) -> int:
    """Words a student reads: tokens with a letter in them (formulas' symbols do not count)."""
    return sum(1 for token in markdown.split() if re.search(r"[^\W\d_]", token))


# --- help content -------------------------------------------------------------------
def test_every_topic_in_the_index_has_a_file_a_title_and_real_text():
    index = json.loads(resource_path("help/topics.json").read_text(encoding="utf-8"))
    entries = index["topics"]
    assert {e["id"] for e in entries} == TOPIC_IDS and len(entries) == len(TOPIC_IDS)
    for entry in entries:
        path = resource_path(f"help/{entry['file']}")
        text = path.read_text(encoding="utf-8")
        assert entry["title"].strip()
        assert text.splitlines()[0] == f"# {entry['title']}", f"{path.name}: its heading should be its title"
        assert 120 <= words(text) <= 250, f"{path.name} has {words(text)} words"
    assert [t.id for t in load_help_topics()] == [e["id"] for e in entries]


def test_links_between_topics_name_existing_topics():
    files = {t.id: f"{t.id}.md" for t in load_help_topics()}
    for topic in load_help_topics():
        for link in re.findall(r"\]\(([^)]+)\)", topic.text):
            assert link in files.values(), f"{topic.id} links to {link!r}, which is no topic"


def test_topics_use_the_apps_own_names():
    text = {t.id: t.text for t in load_help_topics()}
    assert "log₁₀ loss" in text["surface"] and "star" in text["surface"]
    assert "this step's batch" in text["path"] and "all data" in text["path"]
    assert "2/λmax" in text["learning-rate"] and "Sweep learning rate…" in text["learning-rate"]
    assert "edit points" in text["data"] and "ŷ = w·x + b" in text["data"]
    assert "samples seen" in text["loss"] and "log scale" in text["loss"]
    assert "Optimisers race" in text["optimisers"]
    assert "newton.md" in text["optimisers"] and "Newton vs gradient descent" in text["newton"]
    assert "H⁻¹" in text["newton"] and "tilted" in text["newton"]
    assert "⌈N/B⌉" in text["batches"]


def test_every_summary_is_a_whole_sentence_for_a_tooltip():
    for topic in load_help_topics():
        assert topic.summary.endswith("."), topic.id


def test_summary_is_the_first_paragraph_as_plain_text():
    topic = HelpTopic("t", "T", "# T\n\nThe **star** is [the best](x.md) `line`, w\\*.\n\nMore.")
    assert topic.summary == "The star is the best line, w*."


# --- help panel ---------------------------------------------------------------------
@pytest.fixture
def panel(qtbot) -> HelpPanel:
    panel = HelpPanel()
    qtbot.addWidget(panel)
    panel.resize(360, 640)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_help_panel_shows_the_topic_asked_for(qtbot, panel):
    assert [t.id for t in panel.topics()] == [t.id for t in load_help_topics()]
    with qtbot.waitSignal(panel.topic_changed) as signal:
        panel.show_topic("zigzag")
    assert signal.args == ["zigzag"] and panel.current_topic == "zigzag"
    assert panel.topic_list.currentItem().text() == "Why SGD zig-zags"
    shown = panel.browser.toPlainText()
    assert shown.startswith("Why SGD zig-zags") and "noise floor" in shown
    with pytest.raises(KeyError, match="no help topic 'nope'"):
        panel.show_topic("nope")


def test_clicking_a_topic_in_the_list_shows_it(qtbot, panel):
    row = [t.id for t in panel.topics()].index("loss")
    with qtbot.waitSignal(panel.topic_changed):
        panel.topic_list.setCurrentRow(row)
    assert "samples seen" in panel.browser.toPlainText()


def test_links_to_other_topics_stay_in_the_panel(qtbot, panel):
    panel.show_topic("path")
    with qtbot.waitSignal(panel.topic_changed) as signal:
        panel.browser.anchorClicked.emit(QUrl("zigzag.md"))
    assert signal.args == ["zigzag"]
    assert panel.browser.openExternalLinks() and not panel.browser.openLinks()


def test_help_text_is_selectable_and_widgets_are_named(panel):
    flags = panel.browser.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert panel.topic_list.accessibleName() == "Help topics"
    assert panel.browser.accessibleName() == "Help text"
    assert panel.accessibleName() == "What am I looking at?"


def test_help_panel_follows_the_application_font_and_palette(qtbot, panel):
    assert all(not w.styleSheet() for w in [panel, *panel.findChildren(QWidget)])
    app = QApplication.instance()
    old_font, old_palette = app.font(), app.palette()
    try:
        big = QFont(old_font)
        big.setPointSizeF(old_font.pointSizeF() * 1.5)
        app.setFont(big)
        qtbot.waitUntil(lambda: panel.browser.document().defaultFont().pointSizeF() == big.pointSizeF())
        assert panel.topic_list.font().pointSizeF() == big.pointSizeF()
        dark = QPalette(old_palette)
        dark.setColor(QPalette.ColorRole.Base, QColor("#202020"))
        dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
        app.setPalette(dark)
        qtbot.waitUntil(lambda: panel.browser.palette().color(QPalette.ColorRole.Base) == QColor("#202020"))
    finally:
        app.setFont(old_font)
        app.setPalette(old_palette)


def test_help_button_shows_its_topic(qtbot, panel):
    topic = panel.topic(PANEL_TOPICS["surface"])
    button = make_help_button(topic, panel.show_topic)
    qtbot.addWidget(button)
    assert button.accessibleName() == "Help: The loss surface"
    assert "Loss surface: full-data MSE" in button.toolTip()
    button.click()
    assert panel.current_topic == "surface"
    assert set(PANEL_TOPICS.values()) <= TOPIC_IDS


# --- tour content -------------------------------------------------------------------
def test_tour_steps_are_valid():
    steps = load_tour_steps()
    assert 6 <= len(steps) <= 13
    assert steps[0].target == "" and "Welcome" in steps[0].title
    targets = [s.target for s in steps[1:]]
    assert all(t in TARGET_KEYS for t in targets) and len(set(targets)) == len(targets)
    assert steps[-1].target == "menu_help" and "Help → Tour" in steps[-1].text
    for step in steps:
        assert step.title.strip() and 5 <= words(step.text) <= 60, step.title


# --- tour overlay on a dummy window -------------------------------------------------
class Dummy:
    """A plain QMainWindow with targets in its four corners, one in the middle, one hidden,
    a Help menu, and window shortcuts the tour must not let through."""

    def __init__(self) -> None:
        self.window = QMainWindow()
        self.window.resize(900, 640)
        self.help_menu = self.window.menuBar().addMenu("&Help")
        self.help_menu.addAction("About")
        central = QWidget()
        self.window.setCentralWidget(central)
        self.targets: dict[str, QWidget] = {}
        for key in ("top_left", "top_right", "bottom_left", "bottom_right", "middle", "hidden"):
            label = QLabel(key, central)
            label.resize(90, 40)
            self.targets[key] = label
        self.button = QPushButton("Play", central)
        self.button.setGeometry(20, 300, 100, 30)  # clear of the bubble
        self.clicks = 0
        self.button.clicked.connect(self._clicked)
        self.triggered: list[str] = []
        for name, key in (("right", Qt.Key.Key_Right), ("left", Qt.Key.Key_Left), ("space", Qt.Key.Key_Space),
                          ("escape", Qt.Key.Key_Escape), ("ctrl+k", QKeySequence("Ctrl+K"))):
            action = QAction(name, self.window)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _c=False, n=name: self.triggered.append(n))
            self.window.addAction(action)
        self.targets["hidden"].hide()

    def _clicked(self) -> None:
        self.clicks += 1

    def place_targets(self) -> None:
        """Put the labels in the corners of the central widget (after it has its size)."""
        c = self.window.centralWidget()
        w, h = c.width(), c.height()
        spots = {"top_left": (0, 0), "top_right": (w - 90, 0), "bottom_left": (0, h - 40),
                 "bottom_right": (w - 90, h - 40), "middle": (w // 2 - 45, h // 2 - 100), "hidden": (10, 10)}
        for key, (x, y) in spots.items():
            self.targets[key].move(x, y)

    def resolve(self, key: str) -> QWidget | None:
        if key == "menu":
            return self.help_menu
        return self.targets.get(key)


STEPS = [TourStep("", "Welcome", "Hello."), *(TourStep(k, k, f"This is {k}.") for k in
                                              ("top_left", "top_right", "bottom_left", "bottom_right", "middle"))]


@pytest.fixture
def dummy(qtbot) -> Dummy:
    d = Dummy()
    qtbot.addWidget(d.window)
    d.window.show()
    qtbot.waitExposed(d.window)
    d.place_targets()
    d.window.activateWindow()
    qtbot.waitUntil(d.window.isActiveWindow)
    return d


def make_tour(qtbot, dummy: Dummy, steps=STEPS) -> TourOverlay:
    tour = TourOverlay(dummy.window, dummy.resolve, steps)
    tour.start()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tour.bubble.next_button)
    return tour


def expected_rect(dummy: Dummy, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(dummy.window, QPoint(0, 0)), widget.size())


def test_buttons_go_forward_and_back_within_bounds(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    bubble = tour.bubble
    assert tour.index == 0 and tour.isVisible() and not bubble.back_button.isEnabled()
    bubble.back_button.click()
    tour.back()
    assert tour.index == 0
    bubble.next_button.click()
    bubble.next_button.click()
    assert tour.index == 2 and bubble.counter.text() == f"Step 3 of {len(STEPS)}"
    bubble.back_button.click()
    assert tour.index == 1 and bubble.title.text() == "top_left"
    for _ in range(len(STEPS) - 2):
        bubble.next_button.click()
    assert tour.index == len(STEPS) - 1 and bubble.next_button.text() == "Finish"
    assert not bubble.skip_button.isVisible()
    with qtbot.waitSignal(tour.finished) as signal:
        bubble.next_button.click()
    assert signal.args == [True] and not tour.isVisible() and tour.index == len(STEPS) - 1
    qtbot.waitUntil(lambda: not shiboken6.isValid(tour))  # deleted: nothing leaks
    assert not dummy.window.findChildren(TourOverlay)


def test_skip_button_ends_the_tour_not_completed(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    tour.bubble.next_button.click()
    with qtbot.waitSignal(tour.finished) as signal:
        tour.bubble.skip_button.click()
    assert signal.args == [False]
    qtbot.waitUntil(lambda: not shiboken6.isValid(tour))


def test_keys_move_through_the_tour_and_never_reach_the_window(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    finished: list[bool] = []
    tour.finished.connect(finished.append)

    def press(key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(QApplication.focusWidget(), key, modifier)

    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Return)
    assert tour.index == 2
    press(Qt.Key.Key_Left)
    assert tour.index == 1
    press(Qt.Key.Key_Enter)
    press(Qt.Key.Key_Space)  # Space presses the focused button: Next
    assert tour.index == 3
    press(Qt.Key.Key_R)
    assert tour.index == 3 and dummy.triggered == []  # the window's →, ←, Space shortcuts stayed quiet
    press(Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert dummy.triggered == ["ctrl+k"]  # modified shortcuts (Ctrl+Q …) still work
    press(Qt.Key.Key_Escape)
    assert finished == [False] and "escape" not in dummy.triggered


def test_enter_on_a_focused_back_button_goes_back(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    tour.next()
    tour.next()
    tour.bubble.back_button.setFocus()
    qtbot.keyClick(tour.bubble.back_button, Qt.Key.Key_Return)
    assert tour.index == 1


def test_tab_stays_in_the_bubble(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    tour.next()
    seen = set()
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.add(QApplication.focusWidget())
    assert seen == {tour.bubble.skip_button, tour.bubble.back_button, tour.bubble.next_button}


def test_last_next_by_key_completes_the_tour(qtbot, dummy):
    tour = make_tour(qtbot, dummy, STEPS[:2])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    with qtbot.waitSignal(tour.finished) as signal:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert signal.args == [True]


def test_highlight_is_the_targets_geometry_in_overlay_coordinates(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    assert tour.geometry() == dummy.window.rect()
    assert tour.highlight_rect() is None  # the welcome step lights nothing
    for step in STEPS[1:]:
        tour.next()
        assert tour.highlight_rect() == expected_rect(dummy, dummy.targets[step.target]), step.target


@pytest.mark.parametrize("corner", ["top_left", "top_right", "bottom_left", "bottom_right", "middle"])
def test_bubble_stays_in_the_window_beside_the_target(qtbot, dummy, corner):
    tour = make_tour(qtbot, dummy, [TourStep(corner, corner, "A target in a corner of the window.")])
    bubble = tour.bubble.geometry()
    assert tour.rect().contains(bubble), (corner, bubble)
    assert not bubble.intersects(tour.highlight_rect()), "the bubble should not cover what it explains"
    dummy.window.resize(560, 420)  # smaller: it follows, and still fits
    dummy.place_targets()
    qtbot.waitUntil(lambda: tour.geometry() == dummy.window.rect()
                    and tour.highlight_rect() == expected_rect(dummy, dummy.targets[corner]))
    qtbot.waitUntil(lambda: tour.rect().contains(tour.bubble.geometry()))


@pytest.mark.parametrize("target", ["hidden", "no_such_widget"])
def test_missing_or_hidden_target_centres_the_bubble(qtbot, dummy, target):
    tour = make_tour(qtbot, dummy, [TourStep(target, "Nothing to light", "The bubble waits in the middle.")])
    assert tour.highlight_rect() is None
    centre, bubble_centre = tour.rect().center(), tour.bubble.geometry().center()
    assert abs(centre.x() - bubble_centre.x()) <= 1 and abs(centre.y() - bubble_centre.y()) <= 1


def test_a_menu_is_lit_by_its_title_in_the_menu_bar(qtbot, dummy):
    tour = make_tour(qtbot, dummy, [TourStep("menu", "Help", "Reopen the tour from Help → Tour.")])
    bar = dummy.window.menuBar()
    geometry = bar.actionGeometry(dummy.help_menu.menuAction())
    assert tour.highlight_rect() == QRect(bar.mapTo(dummy.window, geometry.topLeft()), geometry.size())
    assert tour.rect().contains(tour.bubble.geometry())


def test_a_target_in_a_scroll_area_is_scrolled_into_view(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(600, 400)
    inner = QWidget()
    column = QVBoxLayout(inner)
    for i in range(40):
        column.addWidget(QLabel(f"row {i}"))
    target = column.itemAt(35).widget()
    scroll = QScrollArea()
    scroll.setWidget(inner)
    scroll.setWidgetResizable(True)
    window.setCentralWidget(scroll)
    window.show()
    qtbot.waitExposed(window)
    tour = TourOverlay(window, lambda _k: target, [TourStep("row", "A row", "Far down the list.")])
    tour.start()
    rect = tour.highlight_rect()
    assert rect is not None and rect == QRect(target.mapTo(window, QPoint(0, 0)), target.size())
    assert QRect(scroll.viewport().mapTo(window, QPoint(0, 0)), scroll.viewport().size()).contains(rect)
    tour.skip()


def test_clicks_outside_the_bubble_are_swallowed_but_closing_works(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    centre = dummy.button.geometry().center()
    at = dummy.window.centralWidget().mapTo(dummy.window, centre)
    assert dummy.window.childAt(at) is tour  # the overlay is on top of everything
    qtbot.mouseClick(tour, Qt.MouseButton.LeftButton, pos=at)
    assert dummy.clicks == 0 and tour.isVisible()
    qtbot.mouseClick(tour.bubble.next_button, Qt.MouseButton.LeftButton)  # the bubble still works
    assert tour.index == 1
    assert dummy.window.close()  # the tour never keeps the window open


def test_overlay_dims_the_window_but_not_the_target(qtbot, dummy):
    before = dummy.window.grab().toImage()
    tour = make_tour(qtbot, dummy, [TourStep("middle", "Middle", "The lit part stays bright.")])
    after = dummy.window.grab().toImage()
    inside = dummy.targets["middle"].mapTo(dummy.window, QPoint(45, 20))
    outside = QPoint(tour.width() - 5, tour.height() // 2)
    assert after.pixelColor(inside) == before.pixelColor(inside)
    dimmed = before.pixelColor(outside).lightness() * (1 - DIM_COLOUR.alphaF())
    assert abs(after.pixelColor(outside).lightness() - dimmed) <= 3


def test_tour_follows_the_application_font(qtbot, dummy):
    tour = make_tour(qtbot, dummy)
    app = QApplication.instance()
    old = app.font()
    height = tour.bubble.height()
    try:
        big = QFont(old)
        big.setPointSizeF(old.pointSizeF() * 1.5)
        app.setFont(big)
        qtbot.waitUntil(lambda: tour.bubble.text.font().pointSizeF() == big.pointSizeF())
        assert tour.bubble.title.font().pointSizeF() > big.pointSizeF() and tour.bubble.title.font().bold()
        qtbot.waitUntil(lambda: tour.bubble.height() > height)
        assert tour.rect().contains(tour.bubble.geometry())
    finally:
        app.setFont(old)


def test_tour_seen_is_remembered(tmp_path):
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert not tour_seen(settings) and not tour_seen(None)
    remember_tour_seen(settings)
    assert tour_seen(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


# --- on the real window -------------------------------------------------------------
def test_the_tour_runs_over_the_main_window_without_starting_anything(qtbot, window):
    resolve = window.tour_targets()
    for key in TARGET_KEYS:
        assert resolve(key) is not None, key
    assert resolve("unknown") is None
    window.activateWindow()
    tour = TourOverlay(window, resolve)
    tour.start()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tour.bubble.next_button)
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_R):  # Play, Step, Reset underneath
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert tour.index == 2 and window.session.state == READY and len(window.session.history) == 0
    tour.back()
    tour.back()
    for n, step in enumerate(tour.steps):
        assert tour.index == n
        if step.target:
            assert tour.highlight_rect() is not None, f"{step.target} is not visible in the default layout"
        assert tour.rect().contains(tour.bubble.geometry()), step.target
        tour.next()
    assert not tour.running


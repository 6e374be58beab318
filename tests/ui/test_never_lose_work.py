"""Issue 12: a preset, new data or File → New never overwrite the open lesson; replacing data
or runs is undoable; the title and the quit question say which file is meant."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QKeySequence

from gdviewer.ui.document import window_title
from gdviewer.ui.questions import quit_question


def open_lesson(qtbot, window, tmp_path) -> tuple[Path, np.ndarray, np.ndarray]:
    """A saved lesson: CSV data, then a point added by hand."""
    data = tmp_path / "points.csv"
    data.write_text("x,y\n0,1\n1,3.5\n2,5\n3,7.25\n4,9\n")
    with qtbot.waitSignal(window.document.data_loaded):
        window.document.open_path(data)
    window.editor.add(5.0, 1.3)
    lesson = tmp_path / "lesson.json"
    assert window.document.save_path(lesson)
    x, y = window.session.dataset.x.copy(), window.session.dataset.y.copy()
    return lesson, x, y


def test_a_preset_detaches_from_the_lesson_and_quitting_with_save_never_overwrites_it(qtbot, window, tmp_path):
    lesson, _x, _y = open_lesson(qtbot, window, tmp_path)
    assert window.windowTitle().startswith("lesson.json[*]") and not window.isWindowModified()
    saved = lesson.read_bytes()
    window.document.apply_preset("Tutorial: batch GD")
    assert window.document.path is None
    assert window.windowTitle().startswith("untitled[*]") and window.isWindowModified()
    asked = []
    window.questions.ask_unsaved = lambda _path: asked.append(quit_question(window.document.path)) or "save"
    window.questions.ask_save_path = lambda _title, _proposed: ""  # the save dialog, cancelled
    window.close()
    assert asked and "not saved in a file" in asked[0]
    assert lesson.read_bytes() == saved  # the lesson is untouched


def test_undo_brings_back_the_csv_points_the_hand_edits_and_the_file(qtbot, window, tmp_path):
    lesson, x, y = open_lesson(qtbot, window, tmp_path)
    window.document.apply_preset("Optimisers race")
    assert len(window.session.runs) > 1 and window.session.dataset.n == 100
    window.commands.undo.trigger()
    np.testing.assert_array_equal(window.session.dataset.x, x)
    np.testing.assert_array_equal(window.session.dataset.y, y)
    assert len(window.session.runs) == 1 and window.document.path == lesson
    assert window.windowTitle().startswith("lesson.json[*]") and not window.isWindowModified()
    window.commands.redo.trigger()
    assert len(window.session.runs) > 1 and window.document.path is None


def test_loading_other_data_into_a_lesson_is_undoable_and_detaches(qtbot, window, tmp_path):
    lesson, x, _y = open_lesson(qtbot, window, tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n2,4\n3,6.5\n")
    with qtbot.waitSignal(window.document.data_loaded):
        window.document.open_path(other)
    assert window.session.dataset.n == 3 and window.document.path is None
    assert "other.csv" in window.windowTitle()
    window.commands.undo.trigger()
    np.testing.assert_array_equal(window.session.dataset.x, x)
    assert window.document.path == lesson


def test_file_new_gives_the_tutorial_untitled_and_undo_returns(qtbot, window, tmp_path):
    lesson, x, _y = open_lesson(qtbot, window, tmp_path)
    assert window.commands.new.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.commands.new in window.menuBar().actions()[0].menu().actions()
    window.commands.new.trigger()
    assert window.session.dataset.n == 100 and window.session.dataset.source == "synthetic"
    assert window.document.path is None and window.windowTitle().startswith("untitled")
    window.commands.undo.trigger()
    np.testing.assert_array_equal(window.session.dataset.x, x)
    assert window.document.path == lesson


def test_the_title_and_the_quit_question_name_the_file():
    assert window_title(None) == "untitled[*] — gdviewer"
    assert window_title(Path("/a/lesson.json"), "points.csv") == "lesson.json[*] · points.csv — gdviewer"
    assert window_title(Path("/a/lesson.json"), "synthetic") == "lesson.json[*] — gdviewer"
    assert "“lesson.json”" in quit_question(Path("/a/lesson.json")) and "/a/lesson.json" in quit_question(
        Path("/a/lesson.json"))
    assert "asks for a file name" in quit_question(None)


def test_a_changed_setting_shows_the_modified_mark(qtbot, window, tmp_path):
    lesson, _x, _y = open_lesson(qtbot, window, tmp_path)
    window.apply_run_config(window.session.run_config.with_changes(lr=0.05))
    qtbot.waitUntil(window.isWindowModified, timeout=2000)
    assert window.document.save_path(lesson) and not window.isWindowModified()

"""Exports (pyqtgraph's PNG/SVG, run histories as CSV), sessions with their data and view,
recent files, the unsaved-changes question, and ``gdviewer run --config``."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gdviewer.ui.session import FINISHED
from tests.ui.conftest import wait_state

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("panel", ["surface", "data", "loss", "parameters"])
def test_every_panel_exports_png_and_svg(qtbot, window, tmp_path, panel):
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    png, svg = tmp_path / f"{panel}.png", tmp_path / f"{panel}.svg"
    assert window.exports.panel(panel, png) and window.exports.panel(panel, svg)
    image = QImage(str(png))
    widget = getattr(window, f"{panel}_panel").plot_widget
    assert not image.isNull() and image.width() == 2 * widget.width()  # twice the screen size
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 20


def test_a_bad_export_name_explains_and_keeps_going(qtbot, window, tmp_path):
    assert not window.exports.panel("loss", tmp_path / "loss.bmp")
    assert "png or .svg" in window.banner.label.text()


def test_run_histories_export_one_row_per_step_with_every_column(qtbot, window, tmp_path):
    window.document.apply_preset("Batch vs stochastic (tutorial)")
    window.session.play()
    wait_state(qtbot, window, FINISHED)
    written = window.exports.histories(tmp_path / "steps.csv")
    assert [p.name for p in written] == ["steps-1-Batch-GD-lr-0.1.csv", "steps-2-Stochastic-GD-lr-0.01.csv"]
    for path, run in zip(written, window.session.runs, strict=True):
        rows = list(csv.reader(path.read_text().splitlines()))
        assert rows[0] == ["step", "epoch", "samples", "w", "b", "loss", "dw", "db", "full_loss", "epoch_loss"]
        assert len(rows) == 1 + len(run.history)
        np.testing.assert_array_equal(np.array([float(r[3]) for r in rows[1:]], dtype=np.float32),
                                      run.history.column("w"))


def test_a_session_with_csv_data_keeps_the_points_runs_and_view(qtbot, make_window, tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("x,y\n0,1\n1,3.5\n2,5\n3,7.25\n4,9\n")
    first = make_window()
    with qtbot.waitSignal(first.document.data_loaded):
        first.document.open_path(data)
    first.session.roster.add(first.session.run_config.with_changes(optimizer="adam", lr=0.5), name="Adam")
    first.loss_panel.set_x_axis("samples")
    first.loss_panel.set_log_scale(True)
    first.session.roster.select(0)
    path = tmp_path / "lesson.json"
    assert first.document.save_path(path)
    second = make_window()
    assert second.document.open_path(path)
    a, b = first.session, second.session
    np.testing.assert_array_equal(a.dataset.x, b.dataset.x)
    np.testing.assert_array_equal(a.dataset.y, b.dataset.y)
    assert [(r.name, r.colour, r.config) for r in a.runs] == [(r.name, r.colour, r.config) for r in b.runs]
    assert second.loss_panel.x_axis == "samples" and second.loss_panel.log_box.isChecked()
    assert b.selected == 0
    assert not second.document.has_unsaved_changes
    b.play()
    wait_state(qtbot, second, FINISHED)


def test_recent_files_remember_opened_and_saved_sessions(qtbot, window, tmp_path):
    path = tmp_path / "a.json"
    window.document.save_path(path)
    assert window.document.recent.paths()[0] == str(path.resolve())
    window.document.fill_recent_menu(window.recent_menu)
    assert window.recent_menu.actions()[0].text() == "a.json"
    path.unlink()
    window.document.open_recent(str(path.resolve()))
    assert "no longer exists" in window.banner.label.text()
    assert window.document.recent.paths() == []


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(qtbot, window, tmp_path):
    asked = []
    window.questions.ask_unsaved = lambda _path: asked.append(1) or "cancel"
    assert not window.document.has_unsaved_changes
    window.apply_run_config(window.session.run_config.with_changes(lr=0.05))
    assert window.document.has_unsaved_changes
    assert not window.close()
    assert asked and window.isVisible()
    window.document.path = tmp_path / "kept.json"
    window.questions.ask_unsaved = lambda _path: "save"
    assert window.close()
    assert (tmp_path / "kept.json").exists()


def test_an_untouched_window_closes_without_asking(qtbot, window):
    window.questions.ask_unsaved = lambda _path: pytest.fail("nothing changed, nothing to ask")
    assert window.close()


def test_headless_run_takes_a_session_file_and_flags_override_it(tmp_path):
    from gdviewer.core.config import RunConfig
    from gdviewer.core.session_file import SessionSpec, save_session

    path = tmp_path / "s.json"
    save_session(path, SessionSpec(run=RunConfig(algorithm="stochastic", lr=0.01)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "gdviewer", "run", "--config", str(path)]
    ok = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0 and "finished after 2000 steps" in ok.stdout
    faster = subprocess.run([*run, "--lr", "0.1"], capture_output=True, text=True, env=env, timeout=120)
    assert faster.returncode == 3 and "Diverged" in faster.stderr
    missing = subprocess.run([*run[:-1], str(tmp_path / "none.json")], capture_output=True, text=True, env=env,
                             timeout=120)
    assert missing.returncode == 2 and "file not found" in missing.stderr and "Traceback" not in missing.stderr


def test_last_used_settings_come_back_at_the_next_start(qtbot, make_window, settings):
    first = make_window(settings=settings)
    first.apply_run_config(first.session.run_config.with_changes(algorithm="stochastic", lr=0.02))
    first.session.roster.add(name="Second")
    first.close()
    second = make_window(settings=settings)
    assert [r.name for r in second.session.runs] == ["Run 1", "Second"]
    assert second.session.runs[0].config.lr == 0.02
    assert second.run_controls.fields["lr"].text() == "0.02"


def test_unreadable_last_settings_are_ignored(qtbot, make_window, settings):
    settings.setValue("session/last", "{not json")
    window = make_window(settings=settings)
    assert window.session.run_config.lr == 0.1


def test_a_file_with_more_columns_asks_which_are_x_and_y(qtbot, window, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("id;height;weight;age\n1;150;50;20\n2;160;60;30\n3;170;70;40\n")
    asked = []
    window.questions.choose_columns = lambda name, columns, default: asked.append(columns) or (1, 2)
    with qtbot.waitSignal(window.document.data_loaded) as blocker:
        window.document.open_path(path)
    assert blocker.args == [True]
    assert asked == [["id", "height", "weight", "age"]]
    assert window.session.dataset.x.tolist() == [150, 160, 170]
    assert window.session.dataset.y.tolist() == [50, 60, 70]
    window.questions.choose_columns = lambda name, columns, default: None  # cancelled: nothing changes
    before = window.session.dataset
    assert window.document.open_path(path) is False
    assert window.session.dataset is before


def test_the_column_dialog_refuses_the_same_column_twice(qtbot, window):
    from gdviewer.ui.data_loader import ColumnDialog

    dialog = ColumnDialog("f.csv", ["a", "b", "c"], window)
    qtbot.addWidget(dialog)
    dialog.y_box.setCurrentIndex(0)
    dialog._accept()
    assert "different columns" in dialog.error.text() and dialog.result() == 0
    dialog.y_box.setCurrentIndex(2)
    dialog._accept()
    assert dialog.result() == 1

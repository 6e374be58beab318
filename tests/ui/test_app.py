"""The command line of the window, screenshots, settings that persist, sessions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from gdviewer.core.config import RunConfig
from gdviewer.ui.session import FINISHED
from tests.ui.conftest import wait_state

ROOT = Path(__file__).resolve().parents[2]


def run_gdviewer(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "gdviewer", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)


def test_run_screenshot_trains_to_the_end_and_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    result = run_gdviewer("--preset", "Tutorial: batch GD", "--run", "--screenshot", str(out), "--size", "1000x700")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)


def test_a_screenshot_of_a_csv_with_a_text_column_is_written(tmp_path):
    """Nobody can answer the column chooser: the screenshot takes the proposed columns and waits
    for the file to load (it used to shoot the window before the data had arrived)."""
    data = tmp_path / "class.csv"
    data.write_text("student,hours,score\nAda,1.5,52\nBen,3,61\nCai,4.5,70\nDee,6,83\n")
    out = tmp_path / "csv.png"
    result = run_gdviewer("--screenshot", str(out), "--size", "1024x768", str(data), timeout=60)
    assert result.returncode == 0, result.stderr
    assert QImage(str(out)).width() == 1024


@pytest.mark.parametrize("args", [
    ["--preset", "No such preset"],
    ["--config", "/nonexistent/session.json"],
    ["--size", "huge"],
    ["--speed", "-3"],
    ["--speed", "nan"],
])
def test_bad_window_arguments_exit_2_with_a_message(args):
    result = run_gdviewer(*args, "--screenshot", "/tmp/never-written.png")
    assert result.returncode == 2
    assert "error" in result.stderr and "Traceback" not in result.stderr


def test_layout_and_view_settings_persist(qtbot, make_window, settings):
    first = make_window(settings=settings)
    first.loss_panel.set_x_axis("samples")
    first.loss_panel.set_log_scale(True)
    first.playback.set_speed(50)
    first.docks["parameters"].hide()
    first.close()
    second = make_window(settings=settings)
    assert second.loss_panel.x_axis == "samples"
    assert second.loss_panel.log_box.isChecked()
    assert second.playback.speed == 50 and second.session.speed == 50
    assert not second.docks["parameters"].isVisibleTo(second)
    second.reset_layout()
    assert second.docks["parameters"].isVisibleTo(second)


def test_session_file_round_trip_through_the_window(qtbot, make_window, tmp_path):
    window = make_window()
    config = RunConfig(algorithm="minibatch", batch_size=7, optimizer="adam", lr=0.3, epochs=5,
                       init_w=2.0, init_b=-3.0)
    window.apply_run_config(config)
    path = tmp_path / "lesson.json"
    assert window.document.save_path(path)
    other = make_window()
    assert other.document.open_path(path)
    assert other.session.run_config == config
    other.session.play()
    wait_state(qtbot, other, FINISHED)


def test_opening_a_broken_file_explains_and_keeps_the_session(qtbot, window, tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_text("x,y\n1,2\n3,abc\n")
    before = window.session.dataset
    with qtbot.waitSignal(window.document.data_loaded) as blocker:
        window.document.open_path(bad)
    assert blocker.args == [False]
    assert "line 3" in window.banner.label.text()
    assert window.session.dataset is before
    broken_session = tmp_path / "broken.json"
    broken_session.write_text("{not json")
    assert not window.document.open_path(broken_session)
    assert "not valid JSON" in window.banner.label.text()


def test_opening_a_csv_trains_on_its_points(qtbot, window, tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("x;y\n0;1\n1;3\n2;5\n3;7\n")
    with qtbot.waitSignal(window.document.data_loaded) as blocker:
        window.document.open_path(data)
    assert blocker.args == [True]
    assert window.session.dataset.n == 4
    w_opt, b_opt = window.session.surface.optimum
    assert (w_opt, b_opt) == (pytest.approx(2.0), pytest.approx(1.0))
    assert "points.csv" in window.data_controls.source.text()


def test_a_million_row_csv_loads_in_the_background(qtbot, window, tmp_path):
    import numpy as np

    x = np.linspace(-5, 5, 1_000_000)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([x, 3 * x + 1]), delimiter=",", header="x,y", comments="", fmt="%.6f")
    progress = []
    window.document.loader.progress.connect(progress.append)
    with qtbot.waitSignal(window.document.data_loaded, timeout=60000) as blocker:
        window.document.open_path(path)
        assert window.document.loader.busy  # the GUI thread returned at once
    assert blocker.args == [True]
    assert window.session.dataset.n == 1_000_000
    assert progress and progress[-1] == 1.0 and len(progress) > 5
    w_opt, b_opt = window.session.surface.optimum
    assert (w_opt, b_opt) == (pytest.approx(3.0, abs=1e-5), pytest.approx(1.0, abs=1e-4))


def test_cancelling_a_load_keeps_the_data(qtbot, window, tmp_path):
    import numpy as np

    x = np.linspace(-5, 5, 1_000_000)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([x, x]), delimiter=",", fmt="%.6f")
    before = window.session.dataset
    window.document.open_path(path)
    window.document.cancel_loading()
    assert not window.document.loader.busy
    qtbot.wait(100)
    assert window.session.dataset is before

"""Issue 12: sessions store the points as the user entered them, not float32's 1.2999999523."""

from __future__ import annotations

import json

import numpy as np


def saved_points(window, tmp_path) -> dict:
    path = tmp_path / "lesson.json"
    assert window.document.save_path(path)
    return json.loads(path.read_text())["points"]


def test_typed_and_added_points_are_saved_as_entered(qtbot, window, tmp_path):
    window.editor.set_points(np.array([1.3, 2.7, 0.1]), np.array([2.6, 5.4, 0.3]))
    window.editor.add(4.2, 8.4)
    points = saved_points(window, tmp_path)
    assert points["x"] == [1.3, 2.7, 0.1, 4.2] and points["y"] == [2.6, 5.4, 0.3, 8.4]
    assert window.session.dataset.x.dtype == np.float32  # training keeps the tutorial's dtype


def test_csv_points_round_trip_through_a_session_exactly(qtbot, make_window, tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("x,y\n1.3,2.6\n0.1,0.7\n3.3333,6.1\n")
    first = make_window()
    with qtbot.waitSignal(first.document.data_loaded):
        first.document.open_path(data)
    points = saved_points(first, tmp_path)
    assert points["x"] == [1.3, 0.1, 3.3333] and points["y"] == [2.6, 0.7, 6.1]
    second = make_window()
    assert second.document.open_path(tmp_path / "lesson.json")
    assert saved_points(second, tmp_path)["x"] == [1.3, 0.1, 3.3333]

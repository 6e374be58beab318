"""Issue 13: text from a file is bounded before it reaches a label. A session with
multi-megabyte strings in every text field used to kill the window while painting."""

from __future__ import annotations

import json

from gdviewer.core.data import peek_columns
from gdviewer.core.session_file import load_session
from gdviewer.core.text_limits import DESCRIPTION_CHARS, NAME_CHARS

HUGE = 3_000_000


def huge_session(path, text: str = "ab\u2028c <b>not bold</b> " * (HUGE // 24)) -> None:
    run = {"algorithm": "batch", "optimizer": "gd", "lr": 0.1, "epochs": 5}
    path.write_text(json.dumps({
        "format": "gdviewer-session", "version": 2, "name": text, "description": text, "run": run,
        "runs": [{"name": text, "colour": "", "run": run}, {"name": text, "colour": "#E69F00", "run": run}],
        "points": {"source": text, "x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, 3.0, 5.5, 7.0]},
        "view": {"loss_x_axis": text},
    }), encoding="utf-8")


def test_every_text_of_a_session_is_bounded_when_read(tmp_path):
    path = tmp_path / "huge.json"
    huge_session(path)
    spec = load_session(path)
    assert len(spec.name) <= NAME_CHARS and "\n" not in spec.name and "\u2028" not in spec.name
    assert len(spec.description) <= DESCRIPTION_CHARS and spec.description.endswith("…")
    assert all(len(r.name) <= 60 for r in spec.runs)
    assert len(spec.points[2]) <= NAME_CHARS


def test_a_csv_header_of_megabytes_gives_short_column_names(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["x" * 1_000_000, "y" * 1_000_000] + [f"c{i}" for i in range(5000)]) + "\n1,2\n")
    columns = peek_columns(path, limit=4 << 20)
    assert len(columns) <= 200 and all(len(c) <= NAME_CHARS for c in columns)


def test_the_window_opens_and_paints_a_session_with_huge_texts(qtbot, window, tmp_path):
    path = tmp_path / "huge.json"
    huge_session(path)
    assert window.document.open_path(path)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.redraw()
    assert not window.grab().isNull()  # painting used to end in SIGSEGV
    text = window.banner.label.text()
    assert len(text) < 3 * DESCRIPTION_CHARS
    assert "&lt;b&gt;not bold" in text  # markup from a file is shown as text
    assert all(len(r.name) <= 60 for r in window.session.runs)

"""Issue 12: a CSV with a text column: the first two numeric columns are proposed, the axes
carry the header's names, and the legend promises no true line the data do not have."""

from __future__ import annotations

from gdviewer.core.data import csv_columns, numeric_columns

CLASS = "student,hours,score\nAda,1.5,52\nBen,3,61\nCai,4.5,70\nDee,6,83\n"


def legend_names(window) -> list[str]:
    return [label.text for _item, label in window.data_panel.legend_item.items]


def test_the_first_two_numeric_columns_are_proposed(tmp_path):
    path = tmp_path / "class.csv"
    path.write_text(CLASS)
    assert numeric_columns(path) == [1, 2]
    (tmp_path / "plain.csv").write_text("1,2\n3,4\n")
    assert numeric_columns(tmp_path / "plain.csv") == [0, 1]
    (tmp_path / "semi.csv").write_text("name;x;y\nA;1,5;2,5\n")
    assert numeric_columns(tmp_path / "semi.csv") == [1, 2]
    assert csv_columns(path) == (["student", "hours", "score"], [1, 2])  # both from one read


def test_a_class_csv_loads_with_named_axes_and_no_true_line(qtbot, window, tmp_path):
    path = tmp_path / "class.csv"
    path.write_text(CLASS)
    offered = []
    window.questions.choose_columns = lambda name, columns, default: offered.append((columns, default)) or default
    with qtbot.waitSignal(window.document.data_loaded) as loaded:
        window.document.open_path(path)
    assert loaded.args == [True]
    assert offered == [(["student", "hours", "score"], (1, 2))]
    assert window.session.dataset.n == 4
    plot = window.data_panel.plot_item
    assert plot.getAxis("bottom").labelText == "hours" and plot.getAxis("left").labelText == "score"
    assert "true line" not in legend_names(window) and not window.data_panel.true_line.isVisible()
    window.document.apply_preset("Tutorial: batch GD")  # synthetic data again: the true line and x, y come back
    assert "true line" in legend_names(window)
    assert plot.getAxis("bottom").labelText == "x" and plot.getAxis("left").labelText == "y"

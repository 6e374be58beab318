"""Issue 12: "GD (lr 0.1)" becomes "GD (lr 0.05)" when its rate does; a typed name stays."""

from __future__ import annotations


def test_a_given_name_follows_the_rate_and_a_typed_one_stays(qtbot, window):
    window.document.apply_preset("Optimisers race")
    s = window.session
    s.roster.select(0)
    assert s.runs[0].name == "GD (lr 0.1)"
    window.apply_run_config(s.run_config.with_changes(lr=0.05))
    assert s.runs[0].name == "GD (lr 0.05)"
    assert window.run_list.list.item(0).text() == "GD (lr 0.05)"  # the run list shows it too
    s.roster.rename(0, "Plain GD (lr 0.05)")
    window.apply_run_config(s.run_config.with_changes(lr=0.02))
    assert s.runs[0].name == "Plain GD (lr 0.05)"

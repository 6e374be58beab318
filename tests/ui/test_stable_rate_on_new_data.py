"""Issue 12: lr 0.1 blows up at once on data with x in 0–10; new data get a stable rate, said."""

from __future__ import annotations

import pytest

from gdviewer.core.surface import proposed_learning_rate
from gdviewer.ui.session import FINISHED
from tests.ui.conftest import wait_state


@pytest.mark.parametrize(("limit", "expected"), [(0.0286, 0.01), (0.12, 0.05), (2.0, 1.0), (0.0385, 0.01),
                                                 (4.1e-5, 2e-5), (1.0, 0.5)])
def test_the_proposal_is_a_round_rate_at_most_half_the_limit(limit, expected):
    assert proposed_learning_rate(limit) == expected
    assert proposed_learning_rate(limit) <= limit / 2


def test_data_with_a_larger_scale_get_a_stable_rate_and_the_banner_says_so(qtbot, window, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("hours,score\n" + "".join(f"{x},{3 * x + 20 + (-1) ** x}\n" for x in range(11)))
    assert window.session.run_config.lr == 0.1
    with qtbot.waitSignal(window.document.data_loaded):
        window.document.open_path(path)
    lr, limit = window.session.run_config.lr, window.session.stable_lr()
    assert lr <= limit / 2 and lr == proposed_learning_rate(limit)
    assert "would blow up" in window.banner.label.text() and f"{lr:g}" in window.banner.label.text()
    assert window.run_controls.fields["lr"].value() == lr
    window.session.play()
    wait_state(qtbot, window, FINISHED)  # not diverged
    window.commands.undo.trigger()
    assert window.session.run_config.lr == 0.1 and window.session.dataset.n == 100


def test_a_rate_that_is_already_stable_is_left_alone(qtbot, window, tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("x,y\n0,1\n0.5,2\n1,2.9\n")
    window.apply_run_config(window.session.run_config.with_changes(lr=0.05))
    with qtbot.waitSignal(window.document.data_loaded):
        window.document.open_path(path)
    assert window.session.run_config.lr == 0.05 and "blow up" not in window.banner.label.text()

"""Issue 12: a run named after its settings keeps describing them."""

from __future__ import annotations

import pytest

from gdviewer.core.config import RunConfig
from gdviewer.core.run_names import follow_settings

OLD = RunConfig(lr=0.1)


@pytest.mark.parametrize(("name", "new_lr", "expected"), [
    ("GD (lr 0.1)", 0.05, "GD (lr 0.05)"),
    ("Batch GD (lr 0.1)", 0.001, "Batch GD (lr 0.001)"),
    ("lr 0.1", 0.2, "lr 0.2"),
    ("GD (lr 0.15)", 0.05, "GD (lr 0.15)"),  # another rate's name is not touched
    ("Momentum", 0.05, "Momentum"),
    ("GD (lr 0.1)", 0.1, "GD (lr 0.1)"),
])
def test_the_rate_in_a_name_follows_the_rate(name, new_lr, expected):
    assert follow_settings(name, OLD, OLD.with_changes(lr=new_lr)) == expected

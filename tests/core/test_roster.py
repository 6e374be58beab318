"""The run list's rules, without Qt."""

from __future__ import annotations

import pytest

from gdviewer.core.roster import MAX_NAME, RUN_COLOURS, clean_name, next_colour, selected_after_removal


def test_next_colour_skips_used_colours_and_wraps_when_all_are_used():
    assert next_colour([], 0) == RUN_COLOURS[0]
    assert next_colour([RUN_COLOURS[0], RUN_COLOURS[2]], 2) == RUN_COLOURS[1]
    assert next_colour(RUN_COLOURS, 9) == RUN_COLOURS[9 % len(RUN_COLOURS)]


def test_clean_name_is_one_line_with_single_spaces_and_bounded():
    assert clean_name("  Heavy \n ball\t") == "Heavy ball"
    assert clean_name("x" * 500) == "x" * MAX_NAME
    assert clean_name("   ") == ""


@pytest.mark.parametrize(("selected", "removed", "count_after", "expected"), [
    (0, 0, 2, 0),  # the first run removed while selected: the new first
    (2, 2, 2, 1),  # the last removed while selected: its predecessor
    (1, 2, 2, 1),  # a run after the selected one: the same run
    (2, 0, 2, 1),  # a run before the selected one: the same run, one place earlier
])
def test_the_selection_stays_on_the_same_run_or_its_predecessor(selected, removed, count_after, expected):
    assert selected_after_removal(selected, removed, count_after) == expected

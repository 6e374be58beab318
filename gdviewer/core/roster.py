"""The rules of the run list, without Qt: how many runs race, their colours, their names,
and which run stays selected when one is removed."""

from __future__ import annotations

from collections.abc import Iterable

#: Okabe–Ito: run colours that stay distinct with every common colour-vision deficiency.
RUN_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000")
#: At most this many runs race at once (the window, presets and session files).
MAX_RUNS = 8
MAX_NAME = 60


def next_colour(used: Iterable[str], count: int) -> str:
    """The first palette colour no run uses (the palette again in turn once all are used)."""
    taken = set(used)
    return next((c for c in RUN_COLOURS if c not in taken), RUN_COLOURS[count % len(RUN_COLOURS)])


def default_colour(index: int) -> str:
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def clean_name(name: object) -> str:
    """A run name as typed, on one line with single spaces, at most MAX_NAME characters."""
    return " ".join(str(name).split())[:MAX_NAME]


def selected_after_removal(selected: int, removed: int, count_after: int) -> int:
    """The selected index once run ``removed`` is gone: the same run if it stays, else its
    predecessor (the first run if it was the first)."""
    index = selected if selected < removed else max(selected - 1, 0)
    return min(index, count_after - 1)

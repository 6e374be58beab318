"""Bounds on text that comes from a file: session names and descriptions, run names, data
sources, CSV column headers.

Why: a session whose description was several megabytes made Qt's text layout fail while
painting and the window died (SIGSEGV). Text from a file is cut to a length a person can
read on screen, with "…" marking the cut, when it is read; what the window shows is then
always small, whatever the file holds.
"""

from __future__ import annotations

NAME_CHARS = 120  # a session, run, column or source name: one line in a label or menu
DESCRIPTION_CHARS = 2000  # a session's description: a few paragraphs in the banner
ELLIPSIS = "…"


def bounded(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (the last one "…" when cut); control
    characters other than newlines and tabs become spaces, so nothing invisible reaches a label."""
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + ELLIPSIS
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)


def bounded_name(text: str) -> str:
    """One line: newlines become spaces, cut to :data:`NAME_CHARS`."""
    return bounded(" ".join(text[: NAME_CHARS * 4].split()), NAME_CHARS)

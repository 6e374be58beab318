"""Text that changes with every step, shown at a pace people can read.

While a run streams live, a caption that changed 33 times a second was unreadable, and each
change re-laid out its dock and repainted the window behind it (measured: the main window
repainted 100 times a second, the docks 60). So a label takes a new text at most once every
TEXT_INTERVAL_S while live; paused, finished or replaying, it takes it at once — a frame
follows every state change and every timeline move, so the text always ends true.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gdviewer.core.moment import Moment
from gdviewer.core.run_status import RunStatus

#: Seconds between two texts of one label while a run streams live (5 a second).
TEXT_INTERVAL_S = 0.2


def streaming(moment: Moment) -> bool:
    """True while the shown moment is the live end of a running race."""
    return moment.state == RunStatus.RUNNING and moment.view_step is None


class PacedText:
    """Shows texts through ``show(*texts)``, at most once per TEXT_INTERVAL_S while ``live``
    (a label with its tooltip, or a label's longer and shorter forms, change together)."""

    def __init__(self, show: Callable[..., None]) -> None:
        self._show = show
        self._shown: tuple[str, ...] | None = None
        self._at = -1e9

    def due(self, live: bool) -> bool:
        """Whether a new text would be shown now: a text that is costly to make is made only then."""
        return not live or time.monotonic() - self._at >= TEXT_INTERVAL_S

    def set(self, *texts: str, live: bool) -> None:
        if texts == self._shown:
            return
        now = time.monotonic()
        if live and now - self._at < TEXT_INTERVAL_S:
            return  # a later frame brings a newer text
        self._at, self._shown = now, texts
        self._show(*texts)

    def forget(self) -> None:
        """Show the next text whatever it is (the label was changed by other means)."""
        self._shown = None

"""The states of a run, one vocabulary for the engine and the window.

The trainer is ready, running or in one of the final states; the window adds ``paused`` (a
run it has started and holds). The values are strings (StrEnum), so they compare equal to
"finished" and print as words."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"  # the window's: a started run waiting for Play
    FINISHED = "finished"
    DIVERGED = "diverged"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES


#: The states a run ends in.
FINAL_STATES = (RunStatus.FINISHED, RunStatus.DIVERGED, RunStatus.STOPPED, RunStatus.FAILED)

"""Roster: the session's list of racing runs — add, copy, remove, rename, recolour, select,
replace them all, and the clock they race on.

Every change that alters what is trained stops the race and clears the histories (the
session's ``reset``); renaming, recolouring and selecting keep them. The rules themselves
(how many, which colour, which run stays selected) are the engine's, in ``core/roster.py``.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance

from gdviewer.core.budget import check_memory
from gdviewer.core.config import CLOCKS, RunConfig
from gdviewer.core.data import Dataset
from gdviewer.core.errors import ConfigError
from gdviewer.core.moment import Run
from gdviewer.core.roster import MAX_RUNS, clean_name, default_colour, next_colour, selected_after_removal


class RunHolder(Protocol):
    """What the roster changes: the session's runs, selection and clock (ui/session.py)."""

    runs: list[Run]
    selected: int
    clock: str
    view_step: int | None
    dataset: Dataset
    runs_changed: SignalInstance
    view_changed: SignalInstance

    @property
    def run_config(self) -> RunConfig: ...

    def stop_training(self) -> object: ...

    def reset(self) -> None: ...


class Roster:
    """Changes to the session's runs; each emits the session's ``runs_changed``."""

    def __init__(self, session: RunHolder) -> None:
        self.session = session

    def add(self, config: RunConfig | None = None, name: str | None = None, colour: str | None = None) -> int:
        """Add a run (a copy of the selected one's settings by default) and select it;
        resets the race. Raises ConfigError (nothing changes) past MAX_RUNS or the memory budget."""
        s = self.session
        if len(s.runs) >= MAX_RUNS:
            raise ConfigError("runs", f"at most {MAX_RUNS} runs race at once")
        config = (config or s.run_config).validate(s.dataset.n)
        self.check_memory([r.config for r in s.runs] + [config])
        s.stop_training()
        index = len(s.runs)
        s.runs.append(Run(config, name or f"Run {index + 1}", colour or next_colour((r.colour for r in s.runs), index)))
        s.selected = index
        s.runs_changed.emit()
        s.reset()
        return index

    def duplicate(self, index: int) -> int:
        source = self.session.runs[index]
        return self.add(source.config, f"{source.name} (copy)")

    def remove(self, index: int) -> None:
        """Remove a run; the last one stays (there is always one run)."""
        s = self.session
        if len(s.runs) <= 1 or not 0 <= index < len(s.runs):
            return
        s.stop_training()
        del s.runs[index]
        s.selected = selected_after_removal(s.selected, index, len(s.runs))
        s.runs_changed.emit()
        s.reset()

    def rename(self, index: int, name: str) -> None:
        """A name typed by the user: kept from now on (settings changes no longer rename it)."""
        run = self.session.runs[index]
        name = clean_name(name)
        if name and name != run.name:
            run.name = name
            run.typed_name = True
            self.session.runs_changed.emit()

    def recolour(self, index: int, colour: str) -> None:
        self.session.runs[index].colour = colour
        self.session.runs_changed.emit()

    def select(self, index: int) -> None:
        """The run the controls edit and the panels draw bold; the view goes back to the live
        end (a step number means something else in another run)."""
        s = self.session
        if 0 <= index < len(s.runs) and index != s.selected:
            s.selected = index
            s.view_step = None
            s.runs_changed.emit()
            s.view_changed.emit()

    def set_clock(self, clock: str) -> None:
        """What the runs race on: epochs, steps or samples (resets the race)."""
        if clock not in CLOCKS:
            raise ConfigError("clock", f"must be one of {', '.join(CLOCKS)}, got {clock!r}")
        if clock != self.session.clock:
            self.session.clock = clock
            self.session.reset()

    def replace(self, runs: list[tuple[RunConfig, str, str]], clock: str = "epoch") -> None:
        """Replace all runs (a preset or a session file); checked before anything changes."""
        s = self.session
        if not 1 <= len(runs) <= MAX_RUNS:
            raise ConfigError("runs", f"between 1 and {MAX_RUNS} runs, got {len(runs)}")
        if clock not in CLOCKS:
            raise ConfigError("clock", f"must be one of {', '.join(CLOCKS)}, got {clock!r}")
        for config, _name, _colour in runs:
            config.validate(s.dataset.n)
        self.check_memory([config for config, _name, _colour in runs])
        s.stop_training()
        s.runs = [Run(c, name or f"Run {i + 1}", colour or default_colour(i))
                  for i, (c, name, colour) in enumerate(runs)]
        s.selected = 0
        s.clock = clock
        s.runs_changed.emit()
        s.reset()

    def check_memory(self, configs: list[RunConfig]) -> None:
        """All runs' histories together within the memory budget (ConfigError says what fits)."""
        n = self.session.dataset.n
        check_memory([c.total_steps(n) for c in configs], [c.epochs for c in configs])

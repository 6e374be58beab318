"""The open session as a document: its file, its title, and undoable replacement.

Why: picking a preset in an opened lesson used to keep the lesson's file name, so accepting
"Save" at quit overwrote the lesson with the preset, and the lesson's CSV points were gone
with no undo. Now anything that replaces the data or the runs (a preset, File → New, a data
file, new synthetic data) is one ``ReplaceSession`` command on the window's undo stack, and
detaches the window from its file: the title says "untitled" with the modified mark, and Save
asks for a name. Undo puts back the data, the runs and the file the window was attached to.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMenu, QWidget

from gdviewer.core.config import ALGORITHM_LABELS, DataConfig
from gdviewer.core.data import Dataset, csv_columns
from gdviewer.core.errors import ConfigError, DataError
from gdviewer.core.session_file import RunSpec, SessionSpec, load_session, save_session
from gdviewer.core.surface import proposed_learning_rate
from gdviewer.presets import load_presets
from gdviewer.ui.banner import Banner
from gdviewer.ui.data_loader import CsvLoader
from gdviewer.ui.files import RecentFiles
from gdviewer.ui.panels.loss_panel import LossPanel
from gdviewer.ui.panels.surface_panel import SurfacePanel
from gdviewer.ui.questions import Questions
from gdviewer.ui.session import RUNNING, Session
from gdviewer.ui.status_line import StatusLine

#: What a state of the document is: the session spec and the file it belongs to (None: untitled).
State = tuple[SessionSpec, Path | None]


class ReplaceSession(QUndoCommand):
    """Replace the whole session; undo brings back the one before, with its file.

    ``done``: the change has already happened (a data file loaded in the background), so the
    first ``redo`` (QUndoStack.push calls it) does nothing.
    """

    def __init__(self, apply: Callable[[SessionSpec, Path | None], None], before: State, after: State,
                 text: str, done: bool = False) -> None:
        super().__init__(text)
        self._apply = apply
        self.before, self.after = before, after
        self._skip = done

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._apply(*self.after)

    def undo(self) -> None:
        self._apply(*self.before)


def is_session_file(path: str | Path) -> bool:
    """A session (.json) opens at once; anything else is data, loaded in the background."""
    return Path(path).suffix.lower() == ".json"


def window_title(path: Path | None, data_name: str | None = None) -> str:
    """``lesson.json[*] — gdviewer`` (Qt shows ``*`` in place of ``[*]`` when modified);
    data from a file is named too: ``untitled[*] · points.csv — gdviewer``."""
    name = path.name if path is not None else "untitled"
    data = f" · {data_name}" if data_name and data_name not in ("synthetic", name) else ""
    return f"{name}[*]{data} — gdviewer"


#: Up to this many points the modified mark compares with the saved state (serialising every
#: point costs about 1.6 s a million); for bigger data any change after a save counts.
TITLE_EXACT_POINTS = 100_000


@dataclass(frozen=True)
class DocumentParts:
    """What the document touches in the window: the panels whose view a session keeps, the
    banner, the status line, and the window itself (dialogs' parent, title and modified
    mark). The controls follow the session on their own."""

    window: QWidget
    loss_panel: LossPanel
    surface_panel: SurfacePanel
    banner: Banner
    status: StatusLine


class Document(QObject):
    """The open session as a document: presets, session files, data files, File → New, the
    title and modified mark, recent files; everything that replaces data or runs is undoable.
    ``data_loaded(ok)``: a data file finished loading (True) or failed / was cancelled."""

    data_loaded = Signal(bool)

    def __init__(self, session: Session, parts: DocumentParts, questions: Questions, undo_stack: QUndoStack,
                 recent: RecentFiles) -> None:
        super().__init__(parts.window)
        self.session = session
        self.parts = parts
        self.questions = questions
        self.undo_stack = undo_stack
        self.recent = recent
        self.path: Path | None = None
        self._saved_fingerprint = ""
        self._loading_path: Path | None = None
        self.loader = CsvLoader(self)
        self.loader.progress.connect(lambda f: parts.status.progress.setValue(round(100 * f)))
        self.loader.loaded.connect(self._on_data_loaded)
        self.loader.failed.connect(self._on_load_failed)

    def say(self, text: str, ms: int = 5000) -> None:
        self.parts.status.say(text, ms)

    # --- asking before a live run is lost -----------------------------------------------
    def may_interrupt(self, what: str) -> bool:
        """True if nothing is running, or the user agrees that ``what`` resets the run."""
        s = self.session
        if not s.is_live:
            return True
        was_running = s.state == RUNNING
        s.pause()
        ok = self.questions.confirm("Reset the run?", f"{what} resets the current run. Continue?")
        if not ok and was_running:
            s.play()
        return ok

    # --- replacing the session ----------------------------------------------------------
    def apply_spec(self, spec: SessionSpec, keep_undo: bool = False) -> None:
        """Load data + run settings (a preset or a session file)."""
        s, p = self.session, self.parts
        if not keep_undo:
            self.undo_stack.clear()  # edits of the old data cannot be undone onto new data
        runs = spec.all_runs()
        if spec.points is not None:
            xs, ys, source = spec.points
            dataset = Dataset.from_arrays(np.asarray(xs), np.asarray(ys), source=source)
            s.roster.replace([(r.config, r.name, r.colour) for r in runs[:1]], spec.clock)
            s.set_dataset(dataset, spec.data)
        else:
            s.load(spec.data, runs[0].config)
        s.set_transform(spec.x_transform)
        if len(runs) > 1 or runs[0].name or runs[0].colour or spec.clock != "epoch":
            s.roster.replace([(r.config, r.name, r.colour) for r in runs], spec.clock)
        if len(runs) > 1:  # compare runs on the axis they race on
            p.loss_panel.set_x_axis({"epoch": "epochs", "step": "steps", "samples": "samples"}[spec.clock])
        view = spec.view
        if view.get("loss_x_axis") in ("steps", "epochs", "samples"):
            p.loss_panel.set_x_axis(view["loss_x_axis"])
        if isinstance(view.get("loss_log"), bool):
            p.loss_panel.set_log_scale(view["loss_log"])
        selected = view.get("selected_run")
        if isinstance(selected, int) and not isinstance(selected, bool) and 0 <= selected < len(s.runs):
            s.roster.select(selected)
        p.surface_panel.update_data()
        if spec.description:
            name, text = html.escape(spec.name), html.escape(spec.description)  # from a file: text, not markup
            p.banner.show_message(f"<b>{name}</b>: {text}" if name else text)

    def state(self) -> State:
        return self.current_spec(), self.path

    def _restore(self, spec: SessionSpec, path: Path | None) -> None:
        """Undo/redo of a replacement: the spec and the file it belonged to."""
        self.apply_spec(replace(spec, description=""), keep_undo=True)
        self.path = path
        self.refresh_title()

    def record_replacement(self, before: State, text: str) -> None:
        """The change from ``before`` to now, already made, as one step on the undo stack."""
        self.undo_stack.push(ReplaceSession(self._restore, before, self.state(), text, done=True))
        self.refresh_title()

    def replace_session(self, spec: SessionSpec, text: str) -> None:
        """Replace data and runs as one undoable step, detached from the open file."""
        before = self.state()
        self.apply_spec(spec, keep_undo=True)
        self.path = None  # a lesson file is never overwritten with something else
        self.record_replacement(before, text)

    def new_session(self) -> None:
        """File → New: the tutorial's defaults, untitled; undoable, so nothing is asked."""
        if not self.may_interrupt("A new session"):
            return
        self.replace_session(SessionSpec(), "New session")
        self.say("New session (Ctrl+Z brings the previous one back)", 6000)

    def apply_preset(self, name: str) -> None:
        if not self.may_interrupt(f"The preset “{name}”"):
            return
        self.replace_session(load_presets()[name], f"Preset “{name}”")
        self.say(f"Preset: {name} ({ALGORITHM_LABELS[self.session.run_config.algorithm]})", 5000)

    def apply_data_config(self, config: DataConfig) -> None:
        """New synthetic data from the data controls (undoable)."""
        if not self.may_interrupt("New data"):
            return
        before = self.state()
        try:
            self.session.set_data_config(config)
        except ConfigError as exc:
            self.parts.banner.show_message(f"The data could not be changed: {exc}", "error")
            return
        self.record_replacement(before, "New data")

    # --- the title and the saved state --------------------------------------------------
    def refresh_title(self, modified: bool | None = None) -> None:
        """The file name (or "untitled"), the data file, and the modified mark."""
        source = self.session.dataset.source
        window = self.parts.window
        window.setWindowTitle(window_title(self.path, Path(source).name if source else None))
        if modified is None:
            modified = self.has_unsaved_changes if self.session.dataset.n <= TITLE_EXACT_POINTS else True
        window.setWindowModified(modified)

    def current_spec(self) -> SessionSpec:
        """Everything a session file keeps: data (settings, or the points of a loaded file),
        every run with its name and colour, the clock, and the view."""
        s = self.session
        points = None
        if s.raw_dataset.source != "synthetic":
            xs, ys = s.raw_dataset.entered_tuples()  # as entered: 1.3, not float32's 1.2999999523
            points = (xs, ys, Path(s.raw_dataset.source).name)
        loss = self.parts.loss_panel
        view = {"loss_x_axis": loss.x_axis, "loss_log": loss.log_box.isChecked(), "selected_run": s.selected}
        return SessionSpec(data=s.data_config, run=s.runs[0].config, clock=s.clock, points=points, view=view,
                           runs=tuple(RunSpec(r.config, r.name, r.colour) for r in s.runs), x_transform=s.transform)

    def fingerprint(self) -> str:
        return json.dumps(self.current_spec().to_dict(), sort_keys=True)

    def mark_saved(self) -> None:
        self._saved_fingerprint = self.fingerprint()
        self.refresh_title(modified=False)

    @property
    def saved_fingerprint(self) -> str:
        return self._saved_fingerprint

    @property
    def has_unsaved_changes(self) -> bool:
        return self.fingerprint() != self._saved_fingerprint

    # --- files ------------------------------------------------------------------------------
    def open_file(self) -> None:
        path = self.questions.ask_open_path()
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open a session (.json) or data (.csv …); on any problem explain and keep everything.

        Data files load in a background thread (``data_loaded`` says when); sessions at once.
        Returns False when it is already clear that nothing will change.
        """
        path = Path(path)
        if not is_session_file(path):
            return self._start_loading(path)
        before = self.state()
        try:
            spec = load_session(path)
            if not self.may_interrupt("Opening a session"):
                return False
            self.apply_spec(spec, keep_undo=True)
        except (DataError, ConfigError) as exc:
            self.parts.banner.show_message(f"Could not open {path.name}: {exc}", "error")
            return False
        self.path = path
        self.record_replacement(before, f"Open {path.name}")
        self.recent.add(path)
        self.mark_saved()
        self.say(f"Opened {path}", 5000)
        return True

    def save_file(self, title: str = "Save session") -> None:
        """File → Save (and Save as): asks for a name, the open file's proposed."""
        path = self.questions.ask_save_path(title, str(self.path or "session.json"))
        if path:
            self.save_path(path)

    def save_path(self, path: str | Path) -> bool:
        try:
            save_session(path, self.current_spec())
        except OSError as exc:
            self.parts.banner.show_message(f"Could not save {path}: {exc.strerror or exc}", "error")
            return False
        self.path = Path(path)
        self.recent.add(path)
        self.mark_saved()
        self.say(f"Saved {path}", 5000)
        return True

    def may_close(self) -> bool:
        """At quit: True once nothing unsaved would be lost (saved, discarded), False to stay."""
        if not self.has_unsaved_changes:
            return True
        answer = self.questions.ask_unsaved(self.path)
        if answer == "cancel":
            return False
        if answer == "save":
            if self.path is None:
                self.save_file()
            else:
                self.save_path(self.path)
            return not self.has_unsaved_changes  # the save was cancelled or failed: stay open
        return True

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        paths = self.recent.paths()
        for p in paths:
            action = menu.addAction(Path(p).name)
            action.setStatusTip(p)
            action.triggered.connect(lambda _c=False, path=p: self.open_recent(path))
        if paths:
            menu.addSeparator()
            menu.addAction("Clear the list", self.recent.clear)
        else:
            menu.addAction("(no recent files)").setEnabled(False)

    def open_recent(self, path: str) -> None:
        if not Path(path).exists():
            self.recent.remove(path)
            self.parts.banner.show_message(f"{path} no longer exists; it was removed from the recent files.",
                                           "error")
            return
        self.open_path(path)

    # --- data files, loaded in the background ------------------------------------------
    def after_data_loaded(self, slot: Callable[[bool], None]) -> None:
        """Call ``slot(ok)`` once, when the data file being loaded has loaded (or failed)."""

        def once(ok: bool) -> None:
            self.data_loaded.disconnect(once)
            slot(ok)

        self.data_loaded.connect(once)

    def _start_loading(self, path: Path) -> bool:
        columns, numeric = csv_columns(path)
        x_column, y_column = (numeric[0], numeric[1]) if len(numeric) >= 2 else (0, 1)
        if len(columns) > 2:
            chosen = self.questions.choose_columns(path.name, columns, (x_column, y_column))
            if chosen is None:
                return False
            x_column, y_column = chosen
        self._loading_path = path
        self.loader.start(path, x_column, y_column)
        self.parts.status.progress.setValue(0)
        self.parts.status.progress.show()
        self.parts.status.bar.showMessage(f"Loading {path.name}… (Esc cancels)")
        return True

    def cancel_loading(self) -> None:
        if self.loader.busy:
            self.loader.cancel()
            self.parts.status.progress.hide()
            self.say("Loading cancelled; the data are unchanged", 5000)
            self.data_loaded.emit(False)

    def _on_data_loaded(self, dataset: Dataset, name: str) -> None:
        p = self.parts
        p.status.progress.hide()
        p.banner.hide()
        if not self.may_interrupt("New data"):
            self.data_loaded.emit(False)
            return
        before = self.state()
        try:
            self.session.set_dataset(dataset)
        except (DataError, ConfigError) as exc:
            p.status.bar.clearMessage()
            p.banner.show_message(f"Could not use {name}: {exc}", "error")
            self.data_loaded.emit(False)
            return
        proposal = self._propose_stable_rates()
        self.path = None  # new data: the open lesson file is not this any more
        self.record_replacement(before, f"Load {name}")
        if self._loading_path is not None:
            self.recent.add(self._loading_path)
        self.say(f"Loaded {dataset.n:,} points from {name}", 5000)
        if proposal:
            p.banner.show_message(proposal)
        self.data_loaded.emit(True)

    def _propose_stable_rates(self) -> str:
        """New data may need a smaller step: each run whose learning rate is above this data's
        stable limit gets a round rate at half the limit. Returns what to tell the user."""
        s = self.session
        changed, said = [], ""
        for run in s.runs:
            limit = s.stable_lr(run.config)
            if limit is not None and run.config.lr > limit:
                lr = proposed_learning_rate(limit)
                said = said or (f"On this data the learning rate {run.config.lr:g} would blow up (stable below "
                                f"≈ {limit:.3g}, 2/λmax): it is now {lr:g}, about half the limit. Ctrl+Z "
                                "brings back the data before.")
                changed.append((run.config.with_changes(lr=lr), run.name, run.colour))
            else:
                changed.append((run.config, run.name, run.colour))
        if said:
            selected = s.selected
            s.roster.replace(changed, s.clock)
            s.roster.select(selected)
        return said

    def _on_load_failed(self, message: str) -> None:
        self.parts.status.progress.hide()
        self.parts.status.bar.clearMessage()
        self.parts.banner.show_message(f"Could not open the file: {message}", "error")
        self.data_loaded.emit(False)

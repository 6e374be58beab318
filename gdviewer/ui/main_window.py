"""The main window: panels in docks, controls, actions with shortcuts, status bar.

Redraws are merged: a chunk from the worker only marks the panels dirty and starts one
single-shot frame timer if none is pending, so the panels repaint at most ~30 times a second
however fast training runs.
"""

from __future__ import annotations

import contextlib
import html
import math
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QScrollArea,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdviewer import __version__
from gdviewer.core.atomic_write import atomic_path
from gdviewer.core.codegen import pytorch_script
from gdviewer.core.config import ALGORITHM_LABELS, DataConfig, RunConfig
from gdviewer.core.data import Dataset, numeric_columns, peek_columns
from gdviewer.core.errors import ConfigError, DataError
from gdviewer.core.session_file import RunSpec, SessionSpec, load_session, save_session, spec_from_dict
from gdviewer.core.surface import proposed_learning_rate
from gdviewer.presets import load_presets
from gdviewer.ui.animation import (
    AnimationCancelled,
    AnimationDialog,
    AnimationSettings,
    plots_image,
    render_animation,
    train_to_end,
)
from gdviewer.ui.code_dialog import CodeDialog
from gdviewer.ui.controls.data_controls import DataControls
from gdviewer.ui.controls.playback_controls import PlaybackControls
from gdviewer.ui.controls.run_controls import RunControls
from gdviewer.ui.controls.run_list import RunList
from gdviewer.ui.controls.timeline import Timeline
from gdviewer.ui.data_edit import EditPoints, with_moved, with_point, without
from gdviewer.ui.data_loader import ColumnDialog, CsvLoader
from gdviewer.ui.document import ReplaceSession, quit_question, window_title
from gdviewer.ui.files import RecentFiles, export_histories, export_panel
from gdviewer.ui.help_panel import HELP_PANEL_TITLE, PANEL_TOPICS, HelpPanel, make_help_button
from gdviewer.ui.icons import icon
from gdviewer.ui.links import LinkLabel
from gdviewer.ui.panels.data_panel import DataPanel
from gdviewer.ui.panels.loss_panel import LossPanel
from gdviewer.ui.panels.parameters_panel import ParametersPanel
from gdviewer.ui.panels.surface_panel import SurfacePanel
from gdviewer.ui.readouts import ReadoutTable
from gdviewer.ui.recovery import RecoveryStore
from gdviewer.ui.session import DIVERGED, FAILED, FINAL_STATES, PAUSED, READY, RUNNING, Session
from gdviewer.ui.shortcuts_dialog import ShortcutsDialog
from gdviewer.ui.sweep_view import SweepDialog
from gdviewer.ui.theme import set_tone
from gdviewer.ui.tour import TourOverlay, main_window_targets, remember_tour_seen
from gdviewer.ui.view_options import ViewOptions

#: Loaded data up to this many points is remembered with the last-used settings.
LAST_SESSION_MAX_POINTS = 10_000
#: How often unsaved changes are written to the recovery file.
AUTOSAVE_INTERVAL_MS = 3000
TITLE_EXACT_POINTS = 100_000  # up to this many points the modified mark compares with the saved state
FRAME_INTERVAL_MS = 30  # ≈ 33 redraws a second at most
SETTINGS_VERSION = 1



class Banner(QFrame):
    """A dismissable sentence above the surface: divergence explained, worker errors."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        set_tone(self, f"banner-{kind}")
        self.label.setText(text)
        self.show()


class MainWindow(QMainWindow):
    """gdviewer's window. ``confirm`` is the one place it asks the user a yes/no question."""

    closed = Signal()
    ready = Signal()  # torch and the trainer are loaded: the session can train at once
    _engine_loaded = Signal()
    data_loaded = Signal(bool)  # a data file finished loading (True) or failed / was cancelled

    def __init__(self, session: Session | None = None, settings: QSettings | None = None,
                 recovery_path: str | Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle(window_title(None))
        self.setObjectName("gdviewer-main-window")
        self.session = session or Session()
        self.settings = settings
        self.session_path: Path | None = None
        self.setDockNestingEnabled(True)
        self._make_panels()
        self._make_actions()
        self.view_options = ViewOptions(self)
        self._make_controls()
        self._make_menus_and_toolbar()
        self._make_status_bar()
        self._add_help_buttons()
        self.view_options.changed.connect(lambda _appearance: self.refresh_icons())
        self.refresh_icons()
        self.loader = CsvLoader(self)
        self.loader.progress.connect(lambda f: self.load_progress.setValue(round(100 * f)))
        self.loader.loaded.connect(self._on_data_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.setAcceptDrops(True)
        self._frame_timer = QTimer(self, singleShot=True, interval=FRAME_INTERVAL_MS)
        self._frame_timer.timeout.connect(self.redraw)
        self.frames = 0
        self._last_frame = 0.0
        s = self.session
        s.history_grew.connect(self.schedule_redraw)
        s.run_reset.connect(self._on_run_reset)
        s.data_changed.connect(self._on_data_changed)
        s.state_changed.connect(self._on_state_changed)
        s.worker_failed.connect(self._on_worker_failed)
        s.view_changed.connect(self.schedule_redraw)
        s.view_changed.connect(self._update_actions)
        s.runs_changed.connect(self._on_runs_changed)
        self.recent = RecentFiles(settings)
        self.recovery_path = Path(recovery_path) if recovery_path else None
        self._autosaved: str | None = None
        self._recovery: RecoveryStore | None = None
        self._autosave_timer = QTimer(self, interval=AUTOSAVE_INTERVAL_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self.ask_on_close = True
        self._loading_path: Path | None = None
        self.session_ready = "gdviewer.core.trainer" in sys.modules
        self._engine_loading = False
        self._engine_thread: threading.Thread | None = None
        self._exiting = False
        self._engine_loaded.connect(self._on_engine_loaded)
        self.resize(1360, 860)
        self._arrange_docks()
        self._default_state = self.saveState(SETTINGS_VERSION)
        self._restore_settings()
        self._on_state_changed(s.state)
        self.redraw()
        self.mark_saved()  # a fresh window has nothing to lose
        self._title_timer = QTimer(self, singleShot=True, interval=100)  # the modified mark, coalesced
        self._title_timer.timeout.connect(self.refresh_title)
        for changed in (self.session.runs_changed, self.session.data_changed, self.session.run_reset):
            changed.connect(self._title_timer.start)
        if self.recovery_path is not None:
            self._autosave_timer.start()

    # --- construction -----------------------------------------------------------------
    def _make_panels(self) -> None:
        s = self.session
        self.surface_panel = SurfacePanel(s)
        self.data_panel = DataPanel(s)
        self.loss_panel = LossPanel(s)
        self.parameters_panel = ParametersPanel(s)
        self.panels = [self.surface_panel, self.data_panel, self.loss_panel, self.parameters_panel]
        self.surface_panel.start_point_requested.connect(self.choose_start_point)
        points = self.data_panel.points
        points.dragged.connect(self._on_point_dragged)
        points.picked.connect(self.data_panel.pick)
        points.removed.connect(lambda i: self.remove_points([i]))
        self.data_panel.plot_widget.scene().sigMouseClicked.connect(self._on_data_click)
        self.banner = Banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.surface_panel, 1)
        self.timeline = Timeline(self.session)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.docks: dict[str, QDockWidget] = {}
        for name, title, panel, area in (
            ("data", "Data", self.data_panel, Qt.DockWidgetArea.RightDockWidgetArea),
            ("loss", "Loss", self.loss_panel, Qt.DockWidgetArea.RightDockWidgetArea),
            ("parameters", "Parameters", self.parameters_panel, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            self.docks[name] = self._dock(name, title, panel, area)
        self.readouts = ReadoutTable(s)
        self.docks["readouts"] = self._dock("readouts", "Readouts", self.readouts, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.help_panel = HelpPanel()
        self.docks["help"] = self._dock("help", HELP_PANEL_TITLE, self.help_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tour: TourOverlay | None = None

    def _arrange_docks(self) -> None:
        """Settings on the left, the surface in the middle, three panels stacked on the right."""
        right = [self.docks[n] for n in ("data", "loss", "parameters")]
        self.resizeDocks(right, [4, 3, 3], Qt.Orientation.Vertical)  # the data panel has most to show
        self.splitDockWidget(self.docks["controls"], self.docks["readouts"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["controls"], self.docks["help"])  # opened by F1 or a "?" button
        self.docks["help"].hide()
        self.docks["controls"].raise_()
        self.resizeDocks([self.docks["controls"], self.docks["readouts"]], [560, 300], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["controls"], self.docks["data"]], [320, 470], Qt.Orientation.Horizontal)

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text: str, shortcut: QKeySequence | str | None, slot, tip: str) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.play_action = self._action("Play", Qt.Key.Key_Space, self.session.toggle_play,
                                        "Train: play or pause")
        self.step_action = self._action("Step", Qt.Key.Key_Right, self.step_forward,
                                        "Take one gradient step, then pause (when replaying: one step later)")
        self.back_action = self._action("Step back (replay)", Qt.Key.Key_Left, self.step_back,
                                        "Show the step before, when paused or finished")
        self.step_epoch_action = self._action("Step epoch", QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_Right),
                                              self.session.step_epoch, "Run to the end of the epoch, then pause")
        self.reset_action = self._action("Reset", Qt.Key.Key_R, self.session.reset,
                                         "Back to the start point; clears the run")
        self.open_action = self._action("Open…", QKeySequence.StandardKey.Open, self.open_file,
                                        "Open a session (.json) or a data file (.csv)")
        self.save_action = self._action("Save session…", QKeySequence.StandardKey.Save, self.save_file,
                                        "Save the data and run settings to a session file")
        self.new_action = self._action("New session", QKeySequence.StandardKey.New, self.new_session,
                                       "The tutorial's data and run, untitled (Ctrl+Z brings back what was there)")
        self.save_as_action = self._action("Save session as…", QKeySequence.StandardKey.SaveAs,
                                           self.save_file_as, "Save the session to a new file")
        self.screenshot_action = self._action("Whole window as PNG…", None, self.save_screenshot_dialog,
                                              "Save the whole window as a PNG image")
        self.animation_action = self._action("Animation (GIF or MP4)…", None, self.export_animation_dialog,
                                             "The run replayed step by step, for slides")
        self.export_history_action = self._action("Run histories as CSV…", None, self.export_histories_dialog,
                                                  "Every step of every run: one CSV row per step")
        self.quit_action = self._action("Quit", QKeySequence.StandardKey.Quit, self.close, "Quit gdviewer")
        self.reset_layout_action = self._action("Reset layout", None, self.reset_layout,
                                                "Put the panels back where they started")
        self.about_action = self._action("About gdviewer", None, self.show_about, "Versions and credits")
        self.shortcuts_action = self._action("Keyboard shortcuts…", QKeySequence("Ctrl+/"), self.show_shortcuts,
                                             "Every shortcut and mouse gesture on one page")
        self.help_action = self._action(HELP_PANEL_TITLE, QKeySequence.StandardKey.HelpContents,
                                        lambda: self.show_help(), "What each panel shows, why SGD zig-zags, "
                                        "what the learning rate does")
        self.tour_action = self._action("Tour", None, self.start_tour, "A one-minute guided tour of the window")
        self.code_action = self._action("Show as PyTorch code…", QKeySequence("Ctrl+Shift+C"), self.show_code,
                                        "The current run as a short PyTorch script")
        self.sweep_action = self._action("Sweep learning rate…", QKeySequence("Ctrl+L"), self.show_sweep,
                                         "Final loss against learning rate for many runs, trained together")
        self.undo_stack = QUndoStack(self)
        self.undo_action = self.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        for action in (self.undo_action, self.redo_action):
            self.addAction(action)
        self.delete_point_action = self._action("Delete point", QKeySequence.StandardKey.Delete,
                                                self.delete_selected_point, "Remove the selected data point")
        self.cancel_load_action = self._action("Cancel", Qt.Key.Key_Escape, self.escape,
                                               "Stop loading a data file, or leave presentation mode")

    def _make_controls(self) -> None:
        s = self.session
        self.playback = PlaybackControls([self.play_action, self.step_action, self.step_epoch_action,
                                          self.reset_action])
        self.playback.speed_changed.connect(s.set_speed)
        s.set_speed(self.playback.speed)  # the fresh start's pace until settings say otherwise
        s.runs_changed.connect(lambda: self.playback.set_run_count(len(s.runs)))
        self.data_controls = DataControls(s.data_config)
        self.data_controls.data_requested.connect(self.apply_data_config)
        self.run_controls = RunControls(s.run_config, s.dataset.n)
        self.run_controls.stable_lr_for = s.stable_lr
        self.run_controls.refresh_hint()
        self.run_controls.config_edited.connect(self.apply_run_config)
        self.run_controls.validity_changed.connect(lambda _v: self._update_actions())
        self.preset_box = QComboBox()
        self.preset_box.setAccessibleName("Preset")
        self.preset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset_box.setMinimumContentsLength(16)
        self.preset_box.addItem("Presets…", None)
        for name, spec in load_presets().items():
            self.preset_box.addItem(name, name)
            self.preset_box.setItemData(self.preset_box.count() - 1, spec.description, Qt.ItemDataRole.ToolTipRole)
        self.preset_box.setToolTip("One-click settings that each show something about gradient descent")
        self.preset_box.activated.connect(self._on_preset_chosen)
        self.run_list = RunList(s)
        self.run_list.may_reset = self._may_interrupt
        self.run_list.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        panel = QWidget()
        col = QVBoxLayout(panel)
        col.setContentsMargins(6, 6, 4, 6)  # (the dock is narrow at 1024×768: no sideways scrolling)
        self.settings_help = QHBoxLayout()  # "?" links to the topics behind the settings (filled later)
        col.addLayout(self.settings_help)
        col.addWidget(self.run_list)
        col.addWidget(self.run_controls)
        col.addWidget(self.data_controls)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(276)  # two runs' readouts below it fit without scrolling
        self.docks["controls"] = self._dock("controls", "Settings", scroll, Qt.DockWidgetArea.LeftDockWidgetArea)

    def _make_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export")
        for key, title in (("surface", "Loss surface"), ("data", "Data"), ("loss", "Loss"),
                           ("parameters", "Parameters")):
            for fmt in ("png", "svg"):
                action = export_menu.addAction(f"{title} panel as {fmt.upper()}…")
                action.triggered.connect(lambda _c=False, k=key, f=fmt: self.export_panel_dialog(k, f))
        export_menu.addSeparator()
        export_menu.addAction(self.screenshot_action)
        export_menu.addAction(self.export_history_action)
        export_menu.addAction(self.animation_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        for a in (self.undo_action, self.redo_action, self.delete_point_action):
            edit_menu.addAction(a)
        run_menu = bar.addMenu("&Run")
        for a in (self.play_action, self.step_action, self.step_epoch_action, self.reset_action):
            run_menu.addAction(a)
        run_menu.addSeparator()
        run_menu.addAction(self.code_action)
        run_menu.addAction(self.sweep_action)
        preset_menu = bar.addMenu("&Presets")
        self.preset_actions: dict[str, QAction] = {}
        for name, spec in load_presets().items():
            action = preset_menu.addAction(name)
            action.setStatusTip(spec.description)
            action.triggered.connect(lambda _checked=False, n=name: self.apply_preset(n))
            self.preset_actions[name] = action
        view_menu = bar.addMenu("&View")
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        self.view_options.add_to_menu(view_menu)
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.tour_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        toolbar = QToolBar("Playback")
        toolbar.setObjectName("toolbar_playback")
        toolbar.addWidget(self.playback)
        toolbar.addSeparator()
        toolbar.addWidget(self.preset_box)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

    def _make_status_bar(self) -> None:
        self.load_progress = QProgressBar()
        self.load_progress.setRange(0, 100)
        self.load_progress.setFixedWidth(140)
        self.load_progress.setAccessibleName("Loading progress")
        # showing it must not re-lay out the window (that would repaint every panel)
        policy = self.load_progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.load_progress.setSizePolicy(policy)
        self.load_progress.hide()
        self.statusBar().addPermanentWidget(self.load_progress)
        self.status_labels: dict[str, QLabel] = {}
        for key in ("state", "epoch", "step", "loss", "w", "b"):
            label = QLabel()
            label.setAccessibleName(f"Status {key}")
            label.setMinimumWidth(70)
            self.status_labels[key] = label
            self.statusBar().addPermanentWidget(label)

    # --- start-up ---------------------------------------------------------------------
    def load_engine_in_background(self) -> None:
        """Import torch and the trainer in a thread, so the window is up and painted first
        (torch takes about a second to import). Play before it finishes simply waits for it."""
        if self.session_ready or self._engine_loading:
            return
        self._engine_loading = True

        def load() -> None:
            try:
                import gdviewer.core.trainer
                import gdviewer.ui.worker  # noqa: F401
            except Exception:
                if self._exiting:
                    return  # the app quit while torch was importing: nothing needs it any more
                raise
            self._engine_loaded.emit()  # queued to the GUI thread

        self._engine_thread = threading.Thread(target=load, name="gdviewer-import-torch", daemon=True)
        self._engine_thread.start()

    def wait_for_engine(self, timeout_s: float = 0.3) -> bool:
        """At exit: give a torch import still running a moment to finish. True if none runs
        (else the caller leaves without the interpreter's shutdown, see app.run_app; should
        the import still fail first, it does so quietly)."""
        self._exiting = True
        thread = self._engine_thread
        if thread is not None:
            thread.join(timeout_s)
        return thread is None or not thread.is_alive()

    def on_first_paint(self, callback) -> None:
        """Call ``callback()`` (quick: it runs inside the paint event) when the loss surface,
        the window's main plot, first paints."""

        class FirstPaint(QObject):
            def eventFilter(self, obj, event) -> bool:
                if event.type() == QEvent.Type.Paint:
                    obj.removeEventFilter(self)
                    callback()
                return False

        self.surface_panel.plot_widget.viewport().installEventFilter(FirstPaint(self))

    def load_engine_after_first_paint(self, fallback_ms: int = 1000) -> None:
        """Start loading torch once the window has painted (or after ``fallback_ms``): torch's
        import in the other thread holds the GIL most of the time, and a first paint that
        competes with it took 0.25 s longer (measured: first paint 0.54 s → 0.81 s)."""
        self.on_first_paint(lambda: QTimer.singleShot(0, self.load_engine_in_background))
        QTimer.singleShot(fallback_ms, self.load_engine_in_background)  # (a second call does nothing)

    def _on_engine_loaded(self) -> None:
        if not self.session_ready:
            self.session_ready = True
            self.ready.emit()

    # --- redraw ---------------------------------------------------------------------
    def schedule_redraw(self) -> None:
        """Ask for a frame: at most one pending, and frames start FRAME_INTERVAL_MS apart
        (counted from the last frame's start, so a slow frame does not lower the rate)."""
        if not self._frame_timer.isActive():
            since = (time.perf_counter() - self._last_frame) * 1000.0
            self._frame_timer.start(int(max(0.0, FRAME_INTERVAL_MS - since)))

    def redraw(self) -> None:
        self._last_frame = time.perf_counter()
        for panel in self.panels:
            panel.redraw()
        self.timeline.sync()
        self._update_status()
        if not self.readouts.visibleRegion().isEmpty():
            self.readouts.request_refresh()
        self.frames += 1

    def _update_status(self) -> None:
        s = self.session
        n = s.shown_steps
        spe = s.steps_per_epoch
        epoch = min(n // spe + (1 if n % spe else 0), s.run_config.epochs) if n else 0
        w, b = s.params
        loss = float(s.surface.loss(w, b)) if math.isfinite(w) and math.isfinite(b) else math.inf
        lab = self.status_labels
        lab["state"].setText(s.state.capitalize() + (" (replay)" if s.view_step is not None else ""))
        lab["epoch"].setText(f"Epoch {epoch}/{s.run_config.epochs}")
        lab["step"].setText(f"Step {n:,}/{s.total_steps:,}")
        lab["loss"].setText(f"Loss {loss:.5g}")
        lab["w"].setText(f"w {w:.5g}")
        lab["b"].setText(f"b {b:.5g}")

    # --- reacting to the session --------------------------------------------------------
    def _on_run_reset(self) -> None:
        self.surface_panel.update_data()
        self.loss_panel.frame_run()
        self.parameters_panel.frame_run()
        self.banner.hide()
        self.redraw()

    def _on_runs_changed(self) -> None:
        s = self.session
        self.run_list.sync()
        self.run_controls.set_config(s.run_config)
        for panel in (self.surface_panel, self.data_panel, self.loss_panel):
            panel.sync_runs()
        self.loss_panel.frame_run()
        self.schedule_redraw()

    def _on_data_changed(self) -> None:
        s = self.session
        self.run_controls.set_n_points(s.dataset.n)
        self.parameters_panel.update_data()  # the targets w*, b* first
        self.surface_panel.update_data()
        self.data_panel.update_data()

    def _on_state_changed(self, state: str) -> None:
        s = self.session
        self.status_labels["state"].setText(state.capitalize() + (" (replay)" if s.view_step is not None else ""))
        self.schedule_redraw()
        self._update_actions()
        s = self.session
        if state == DIVERGED:
            self.banner.show_message(s.message, "error")
            self.statusBar().showMessage("The run diverged: see the message above the surface", 8000)
        elif state == FAILED:
            self.banner.show_message(s.message, "error")
        elif state in FINAL_STATES and s.message:
            self.statusBar().showMessage(s.message, 8000)

    def _on_worker_failed(self, message: str, details: str) -> None:
        self.statusBar().showMessage(f"Training failed: {message}", 10000)
        if self.isVisible() and not getattr(self, "quiet_errors", False):
            box = QMessageBox(QMessageBox.Icon.Warning, "Training failed",
                              f"Training stopped with an error:\n\n{message}\n\nYour settings are kept; "
                              "press Play to start again.", QMessageBox.StandardButton.Ok, self)
            box.setDetailedText(details)
            box.open()

    def _update_actions(self) -> None:
        s = self.session
        valid = self.run_controls.valid
        running = s.state == RUNNING
        self.play_action.setText("Pause" if running else "Play")
        self.play_action.setIcon(icon("pause" if running else "play"))
        self.play_action.setEnabled(running or valid)
        can_step = valid and s.state in (READY, PAUSED, RUNNING)
        self.step_action.setEnabled(can_step or s.view_step is not None)
        self.step_epoch_action.setEnabled(can_step)
        self.reset_action.setEnabled(True)

    # --- user commands ------------------------------------------------------------------
    def step_forward(self) -> None:
        """→: one step later in a replay, else one new gradient step."""
        s = self.session
        if s.view_step is not None:
            s.set_view_step(s.view_step + 1)
        else:
            s.step(1)

    def step_back(self) -> None:
        """←: one step earlier (pauses a running run first)."""
        s = self.session
        if len(s.history):
            s.set_view_step(s.shown_steps - 1)

    def escape(self) -> None:
        """Esc: stop a data file loading (the status bar says so while it loads); otherwise
        leave presentation mode."""
        if self.loader.busy:
            self.cancel_loading()
        elif self.view_options.presenting:
            self.view_options.set_presentation(False)

    def show_help(self, topic: str | None = None) -> None:
        """Open the "What am I looking at?" panel (at ``topic`` if given)."""
        dock = self.docks["help"]
        dock.show()
        dock.raise_()
        QTimer.singleShot(0, dock.raise_)  # (a tab raised before the window is shown stays behind)
        if topic is not None:
            self.help_panel.show_topic(topic)

    def start_tour(self) -> TourOverlay:
        """The guided tour over the window (one at a time); remembered as seen when it ends."""
        if self.tour is not None and self.tour.running:
            return self.tour
        self.tour = TourOverlay(self, main_window_targets(self))
        self.tour.finished.connect(lambda _completed: remember_tour_seen(self.settings))
        self.tour.start()
        return self.tour

    def start_tour_when_idle(self, retry_ms: int = 500) -> None:
        """The first-run tour, once no dialog (a question, the column chooser) is open and no
        file is loading: a tour over an unanswered question would hide it."""
        if not self.isVisible():
            return  # closed meanwhile
        if QApplication.activeModalWidget() is not None or self.loader.busy:
            QTimer.singleShot(retry_ms, lambda: self.start_tour_when_idle(retry_ms))
            return
        self.start_tour()

    def _add_help_buttons(self) -> None:
        topics = {t.id: t for t in self.help_panel.topics()}
        panels = {"surface": self.surface_panel, "data": self.data_panel, "loss": self.loss_panel,
                  "parameters": self.parameters_panel}
        for key, panel in panels.items():
            panel.add_header_widget(make_help_button(topics[PANEL_TOPICS[key]], self.show_help))
        links = " · ".join(f'<a href="{topic_id}">{text}</a>' for topic_id, text in
                           (("batches", "batches"), ("learning-rate", "learning rate"), ("optimisers", "optimisers")))
        label = LinkLabel(f"Explain: {links}")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # Tab reaches the links
        label.setToolTip("Open the topic in the “What am I looking at?” panel (F1)")
        label.setAccessibleName("Explain the settings")
        label.linkActivated.connect(lambda topic_id: self.show_help(topic_id) if topic_id in topics else None)
        self.settings_help.addWidget(label)

    def refresh_icons(self) -> None:
        """Icons in the palette's text colour (again after a theme change)."""
        icons = {self.step_action: "step", self.back_action: "step-back", self.step_epoch_action: "step-epoch",
                 self.reset_action: "reset", self.open_action: "open", self.save_action: "save",
                 self.screenshot_action: "export", self.code_action: "code", self.sweep_action: "sweep",
                 self.help_action: "help", self.shortcuts_action: "shortcuts",
                 self.view_options.presentation_action: "presentation", self.view_options.zoom_in_action: "zoom-in",
                 self.view_options.zoom_out_action: "zoom-out", self.docks["readouts"].toggleViewAction(): "readouts",
                 self.run_list.add_button: "add-run", self.run_list.remove_button: "remove-run",
                 self.run_list.duplicate_button: "duplicate-run"}
        for target, name in icons.items():
            target.setIcon(icon(name))
        self.play_action.setIcon(icon("pause" if self.session.state == RUNNING else "play"))

    def styled_plots(self) -> list:
        """Everything drawn with a PlotStyle: the panels and any open sweep dialog."""
        return [*self.panels, *self.findChildren(SweepDialog)]

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question (tests replace this)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _may_interrupt(self, what: str) -> bool:
        if not self.session.is_live:
            return True
        was_running = self.session.state == RUNNING
        self.session.pause()
        ok = self.confirm("Reset the run?", f"{what} resets the current run. Continue?")
        if not ok and was_running:
            self.session.play()
        return ok

    def choose_start_point(self, w: float, b: float) -> None:
        if not self._may_interrupt("Choosing a new start point"):
            return
        config = self.session.run_config.with_changes(init_w=round(w, 4), init_b=round(b, 4))
        self.apply_run_config(config)
        self.run_controls.set_config(self.session.run_config)

    def apply_run_config(self, config: RunConfig) -> None:
        try:
            was_live = self.session.is_live
            if self.session.set_run_config(config) and was_live:
                self.statusBar().showMessage("Settings changed: the run was reset", 5000)
        except ConfigError as exc:
            self.statusBar().showMessage(str(exc), 8000)
        self.run_controls.refresh_hint()

    def apply_data_config(self, config: DataConfig) -> None:
        if not self._may_interrupt("New data"):
            return
        before = self._document_state()
        try:
            self.session.set_data_config(config)
        except ConfigError as exc:
            self.banner.show_message(f"The data could not be changed: {exc}", "error")
            return
        self.data_controls.set_config(config)
        self.run_controls.refresh_hint()
        self._record_replacement(before, "New data")

    def apply_spec(self, spec: SessionSpec, keep_undo: bool = False) -> None:
        """Load data + run settings (a preset or a session file)."""
        s = self.session
        if not keep_undo:
            self.undo_stack.clear()  # edits of the old data cannot be undone onto new data
        runs = spec.all_runs()
        if spec.points is not None:
            xs, ys, source = spec.points
            dataset = Dataset.from_arrays(np.asarray(xs), np.asarray(ys), source=source)
            s.set_runs([(r.config, r.name, r.colour) for r in runs[:1]], spec.clock)
            s.set_dataset(dataset)
        else:
            s.load(spec.data, runs[0].config)
        if len(runs) > 1 or runs[0].name or runs[0].colour or spec.clock != "epoch":
            s.set_runs([(r.config, r.name, r.colour) for r in runs], spec.clock)
        if len(runs) > 1:  # compare runs on the axis they race on
            self.loss_panel.set_x_axis({"epoch": "epochs", "step": "steps", "samples": "samples"}[spec.clock])
        view = spec.view
        if view.get("loss_x_axis") in ("steps", "epochs", "samples"):
            self.loss_panel.set_x_axis(view["loss_x_axis"])
        if isinstance(view.get("loss_log"), bool):
            self.loss_panel.set_log_scale(view["loss_log"])
        selected = view.get("selected_run")
        if isinstance(selected, int) and not isinstance(selected, bool) and 0 <= selected < len(s.runs):
            s.select_run(selected)
        if spec.points is not None:
            self.data_controls.set_config(spec.data, source=spec.points[2], n=s.dataset.n)
        else:
            self.data_controls.set_config(spec.data)
        self.run_controls.set_config(s.run_config)
        self.run_controls.set_n_points(s.dataset.n)
        self.surface_panel.update_data()
        if spec.description:
            name, text = html.escape(spec.name), html.escape(spec.description)  # from a file: text, not markup
            self.banner.show_message(f"<b>{name}</b>: {text}" if name else text)

    def _document_state(self) -> tuple[SessionSpec, Path | None]:
        return self.current_spec(), self.session_path

    def _restore_document(self, spec: SessionSpec, path: Path | None) -> None:
        """Undo/redo of a replacement: the spec and the file it belonged to."""
        self.apply_spec(replace(spec, description=""), keep_undo=True)
        self.session_path = path
        self.refresh_title()

    def _record_replacement(self, before: tuple[SessionSpec, Path | None], text: str) -> None:
        """The change from ``before`` to now, already made, as one step on the undo stack."""
        self.undo_stack.push(ReplaceSession(self._restore_document, before, self._document_state(), text,
                                            done=True))
        self.refresh_title()

    def replace_session(self, spec: SessionSpec, text: str) -> None:
        """Replace data and runs as one undoable step, detached from the open file."""
        before = self._document_state()
        self.apply_spec(spec, keep_undo=True)
        self.session_path = None  # a lesson file is never overwritten with something else
        self._record_replacement(before, text)

    def new_session(self) -> None:
        """File → New: the tutorial's defaults, untitled; undoable, so nothing is asked."""
        if not self._may_interrupt("A new session"):
            return
        self.replace_session(SessionSpec(), "New session")
        self.statusBar().showMessage("New session (Ctrl+Z brings the previous one back)", 6000)

    def refresh_title(self, modified: bool | None = None) -> None:
        """The file name (or "untitled"), the data file, and the modified mark. Comparing with
        the saved state serialises every point (about 1.6 s a million): for big data any change
        after a save counts as modified."""
        source = self.session.dataset.source
        self.setWindowTitle(window_title(self.session_path, Path(source).name if source else None))
        if modified is None:
            modified = self.has_unsaved_changes if self.session.dataset.n <= TITLE_EXACT_POINTS else True
        self.setWindowModified(modified)

    def apply_preset(self, name: str) -> None:
        if not self._may_interrupt(f"The preset “{name}”"):
            return
        self.replace_session(load_presets()[name], f"Preset “{name}”")
        self.statusBar().showMessage(f"Preset: {name} ({ALGORITHM_LABELS[self.session.run_config.algorithm]})",
                                     5000)

    def _on_preset_chosen(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        self.preset_box.setCurrentIndex(0)
        if name:
            self.apply_preset(name)

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open session or data", "",
                                              "Sessions and data (*.json *.csv *.txt *.tsv);;All files (*)")
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> bool:
        """Open a session (.json) or data (.csv …); on any problem explain and keep everything.

        Data files load in a background thread (``data_loaded`` says when); sessions at once.
        Returns False when it is already clear that nothing will change.
        """
        path = Path(path)
        if path.suffix.lower() != ".json":
            columns = peek_columns(path)
            numeric = numeric_columns(path)
            x_column, y_column = (numeric[0], numeric[1]) if len(numeric) >= 2 else (0, 1)
            if len(columns) > 2:
                chosen = self.choose_columns(path.name, columns, (x_column, y_column))
                if chosen is None:
                    return False
                x_column, y_column = chosen
            self._loading_path = path
            self.loader.start(path, x_column, y_column)
            self.load_progress.setValue(0)
            self.load_progress.show()
            self.statusBar().showMessage(f"Loading {path.name}… (Esc cancels)")
            return True
        before = self._document_state()
        try:
            spec = load_session(path)
            if not self._may_interrupt("Opening a session"):
                return False
            self.apply_spec(spec, keep_undo=True)
        except (DataError, ConfigError) as exc:
            self.banner.show_message(f"Could not open {path.name}: {exc}", "error")
            return False
        self.session_path = path
        self._record_replacement(before, f"Open {path.name}")
        self.recent.add(path)
        self.mark_saved()
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def choose_columns(self, name: str, columns: list[str],
                       default: tuple[int, int] = (0, 1)) -> tuple[int, int] | None:
        """Ask which columns are x and y, ``default`` (the first two numeric ones) proposed
        (tests replace this); None: cancelled."""
        return ColumnDialog.ask(self, name, columns, default)

    # --- editing the data by hand -----------------------------------------------------------
    def _points(self) -> tuple[np.ndarray, np.ndarray]:
        return self.session.dataset.entered_points()

    def set_points(self, x: np.ndarray, y: np.ndarray) -> None:
        """Train on these points from now on (the undo commands call this)."""
        old = self.session.dataset
        dataset = Dataset.from_arrays(x, y, source="edited points")
        dataset.true_slope, dataset.true_intercept = old.true_slope, old.true_intercept
        self.session.set_dataset(dataset)
        self.data_controls.set_config(self.session.data_config, source="edited points", n=dataset.n)

    def edit_points(self, after: tuple[np.ndarray, np.ndarray], text: str) -> bool:
        """One undoable edit of the data (asks first if a run is under way)."""
        if after[0].size < 2:
            self.statusBar().showMessage("The data need at least 2 points", 5000)
            return False
        if not self._may_interrupt("Editing the data"):
            self.data_panel.update_data()  # put back a dragged point
            return False
        try:
            self.undo_stack.push(EditPoints(self.set_points, self._points(), after, text))
        except (DataError, ConfigError) as exc:
            self.banner.show_message(f"That edit cannot be used: {exc}", "error")
            return False
        return True

    def add_point(self, x: float, y: float) -> bool:
        return self.edit_points(with_point(self._points(), x, y), f"Add point ({x:.3g}, {y:.3g})")

    def move_point(self, index: int, x: float, y: float) -> bool:
        return self.edit_points(with_moved(self._points(), index, x, y), f"Move point {index + 1}")

    def remove_points(self, indices: list[int]) -> bool:
        return self.edit_points(without(self._points(), indices), f"Remove {len(indices)} point(s)")

    def delete_selected_point(self) -> None:
        index = self.data_panel.selected_point
        if index is not None:
            self.remove_points([index])

    def _on_point_dragged(self, index: int, x: float, y: float, finished: bool) -> None:
        if finished:
            self.move_point(index, x, y)
        else:
            self.data_panel.preview_move(index, x, y)

    def _on_data_click(self, event) -> None:
        panel = self.data_panel
        if not panel.points.editable or event.isAccepted() or event.button() != Qt.MouseButton.LeftButton:
            return
        view = panel.plot_item.getViewBox()
        if not view.sceneBoundingRect().contains(event.scenePos()):
            return
        p = view.mapSceneToView(event.scenePos())
        event.accept()
        self.add_point(float(p.x()), float(p.y()))

    def cancel_loading(self) -> None:
        if self.loader.busy:
            self.loader.cancel()
            self.load_progress.hide()
            self.statusBar().showMessage("Loading cancelled; the data are unchanged", 5000)
            self.data_loaded.emit(False)

    def _on_data_loaded(self, dataset: Dataset, name: str) -> None:
        self.load_progress.hide()
        self.banner.hide()
        if not self._may_interrupt("New data"):
            self.data_loaded.emit(False)
            return
        before = self._document_state()
        try:
            self.session.set_dataset(dataset)
        except (DataError, ConfigError) as exc:
            self.statusBar().clearMessage()
            self.banner.show_message(f"Could not use {name}: {exc}", "error")
            self.data_loaded.emit(False)
            return
        self.data_controls.set_config(self.session.data_config, source=name, n=dataset.n)
        proposal = self._propose_stable_rates()
        self.session_path = None  # new data: the open lesson file is not this any more
        self._record_replacement(before, f"Load {name}")
        if self._loading_path is not None:
            self.recent.add(self._loading_path)
        self.statusBar().showMessage(f"Loaded {dataset.n:,} points from {name}", 5000)
        if proposal:
            self.banner.show_message(proposal)
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
            s.set_runs(changed, s.clock)
            s.select_run(selected)
            self.run_controls.set_config(s.run_config)
            self.run_controls.refresh_hint()
        return said

    def _on_load_failed(self, message: str) -> None:
        self.load_progress.hide()
        self.statusBar().clearMessage()
        self.banner.show_message(f"Could not open the file: {message}", "error")
        self.data_loaded.emit(False)

    # --- drag and drop ------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_path(files[0])

    def save_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save session", str(self.session_path or "session.json"),
                                              "gdviewer session (*.json)")
        if path:
            self.save_path(path)

    def save_file_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save session as", str(self.session_path or "session.json"),
                                              "gdviewer session (*.json)")
        if path:
            self.save_path(path)

    def current_spec(self) -> SessionSpec:
        """Everything a session file keeps: data (settings, or the points of a loaded file),
        every run with its name and colour, the clock, and the view."""
        s = self.session
        points = None
        if s.dataset.source != "synthetic":
            xs, ys = s.dataset.entered_points()  # as entered: 1.3, not float32's 1.2999999523
            points = (tuple(xs.tolist()), tuple(ys.tolist()), Path(s.dataset.source).name)
        view = {"loss_x_axis": self.loss_panel.x_axis, "loss_log": self.loss_panel.log_box.isChecked(),
                "selected_run": s.selected}
        return SessionSpec(data=s.data_config, run=s.runs[0].config, clock=s.clock, points=points, view=view,
                           runs=tuple(RunSpec(r.config, r.name, r.colour) for r in s.runs))

    def _fingerprint(self) -> str:
        import json

        return json.dumps(self.current_spec().to_dict(), sort_keys=True)

    def mark_saved(self) -> None:
        self._saved_fingerprint = self._fingerprint()
        self.refresh_title(modified=False)

    @property
    def has_unsaved_changes(self) -> bool:
        return self._fingerprint() != self._saved_fingerprint

    def save_path(self, path: str | Path) -> bool:
        try:
            save_session(path, self.current_spec())
        except OSError as exc:
            self.banner.show_message(f"Could not save {path}: {exc.strerror or exc}", "error")
            return False
        self.session_path = Path(path)
        self.recent.add(path)
        self.mark_saved()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for p in paths:
            action = self.recent_menu.addAction(Path(p).name)
            action.setStatusTip(p)
            action.triggered.connect(lambda _c=False, path=p: self._open_recent(path))
        if paths:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear the list", self.recent.clear)
        else:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)

    def _open_recent(self, path: str) -> None:
        if not Path(path).exists():
            self.recent.remove(path)
            self.banner.show_message(f"{path} no longer exists; it was removed from the recent files.", "error")
            return
        self.open_path(path)

    def export_panel_dialog(self, key: str, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Export the {key} panel", f"gdviewer-{key}.{fmt}",
                                              f"{fmt.upper()} (*.{fmt})")
        if path:
            self.export_panel(key, path)

    def export_panel(self, key: str, path: str | Path) -> bool:
        panel = {"surface": self.surface_panel, "data": self.data_panel, "loss": self.loss_panel,
                 "parameters": self.parameters_panel}[key]
        self.redraw()
        try:
            with atomic_path(path) as tmp:  # the user's name only ever holds a complete file
                export_panel(panel, tmp)
        except (OSError, ValueError) as exc:
            self.banner.show_message(f"Could not export to {path}: {exc}", "error")
            return False
        self.statusBar().showMessage(f"Exported {path}", 5000)
        return True

    def export_animation_dialog(self) -> None:
        dialog = AnimationDialog(self, plots_width=plots_image(self).width())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save animation", "gdviewer-run.gif",
                                              "GIF animation (*.gif);;MP4 video (*.mp4)")
        if path:
            self.export_animation(path, dialog.settings())

    def export_animation(self, path: str | Path, settings: AnimationSettings) -> int:
        """Train the run to its end, then write its animation; 0 if cancelled or failed."""
        train_to_end(self)
        progress = QProgressDialog("Writing the animation…", "Cancel", 0, settings.frames, self)
        progress.setWindowTitle("Export an animation")
        progress.setMinimumDuration(300)

        def step(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setValue(done)
            return not progress.wasCanceled()

        try:
            with atomic_path(path) as tmp:  # the user's name only ever holds a complete file
                frames = render_animation(self, tmp, settings, step)
        except AnimationCancelled:
            self.statusBar().showMessage("Animation cancelled", 5000)
            return 0
        except (OSError, ValueError) as exc:
            self.banner.show_message(f"Could not write the animation: {exc}", "error")
            return 0
        finally:
            progress.close()
        self.statusBar().showMessage(f"Wrote {frames} frames to {path}", 6000)
        return frames

    def export_histories_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export run histories", "gdviewer-history.csv", "CSV (*.csv)")
        if path:
            self.export_histories(path)

    def export_histories(self, path: str | Path) -> list[Path]:
        try:
            written = export_histories(self.session, path)
        except OSError as exc:
            self.banner.show_message(f"Could not write {path}: {exc.strerror or exc}", "error")
            return []
        self.statusBar().showMessage(f"Wrote {', '.join(p.name for p in written)}", 6000)
        return written

    def save_screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", "gdviewer.png", "PNG image (*.png)")
        if path:
            self.save_screenshot(path)

    def save_screenshot(self, path: str | Path) -> bool:
        """Render the whole window to a PNG file."""
        self.redraw()
        try:
            with atomic_path(path) as tmp:  # a full disk leaves no half-written PNG behind
                if not self.grab().save(str(tmp), "PNG"):
                    raise OSError("the image could not be written")
        except OSError:
            self.banner.show_message(f"Could not write the screenshot to {path}", "error")
            return False
        return True

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_code(self) -> CodeDialog:
        s = self.session
        data = s.data_config if s.dataset.source == "synthetic" else None
        dialog = CodeDialog(pytorch_script(s.run_config, data, s.dataset), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_sweep(self) -> SweepDialog:
        dialog = SweepDialog(self.session, self)
        dialog.learning_rate_chosen.connect(self._use_learning_rate)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.apply_style(self.view_options.plot_style)
        dialog.show()
        dialog.run_sweep()
        return dialog

    def _use_learning_rate(self, lr: float) -> None:
        """A point clicked on the sweep becomes a new run in the run list."""
        if not self._may_interrupt("Adding a run"):
            return
        lr = float(f"{lr:.4g}")
        try:
            self.session.add_run(self.session.run_config.with_changes(lr=lr), name=f"lr {lr:g}")
        except ConfigError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return
        self.statusBar().showMessage(f"Added a run with learning rate {lr:g} from the sweep", 5000)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, SETTINGS_VERSION)
        for dock in self.docks.values():
            dock.show()
        self._arrange_docks()

    def show_about(self) -> None:
        import pyqtgraph
        import torch
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        QMessageBox.about(self, "About gdviewer",
                          f"<b>gdviewer {__version__}</b><br>Watch gradient descent train a PyTorch model, live."
                          f"<br><br>torch {torch.__version__}<br>Qt {qVersion()} (PySide6 {pyside_version})"
                          f"<br>pyqtgraph {pyqtgraph.__version__}")

    # --- settings and closing -------------------------------------------------------------
    def _restore_settings(self) -> None:
        self.view_options.restore(self.settings)
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, SETTINGS_VERSION)
        speed = self.settings.value("playback/speed")
        with contextlib.suppress(TypeError, ValueError):
            self.playback.set_speed(float(speed))
        axis = self.settings.value("loss/x_axis")
        if axis in ("steps", "epochs", "samples"):
            self.loss_panel.set_x_axis(axis)
        log = self.settings.value("loss/log")
        if log in (True, "true"):
            self.loss_panel.set_log_scale(True)
        last = self.settings.value("session/last")
        if isinstance(last, str) and last:
            import json

            try:
                spec = spec_from_dict(json.loads(last), "last session")
            except (ValueError, DataError):
                return  # an unreadable leftover: start from the defaults
            self.apply_spec(spec)
            self.banner.hide()

    def _save_settings(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.view_options.geometry_to_save())
        self.settings.setValue("window/state", self.saveState(SETTINGS_VERSION))
        self.settings.setValue("playback/speed", self.playback.speed)
        self.settings.setValue("loss/x_axis", self.loss_panel.x_axis)
        self.settings.setValue("loss/log", self.loss_panel.log_box.isChecked())
        self.view_options.save(self.settings)
        spec = self.current_spec()
        if spec.points is not None and len(spec.points[0]) > LAST_SESSION_MAX_POINTS:
            spec = replace(spec, points=None)  # a big data file is reopened from the file, not settings
        import json

        self.settings.setValue("session/last", json.dumps(spec.to_dict()))
        self.settings.sync()
        if self.settings.status() != QSettings.Status.NoError:  # a full disk or a read-only folder
            print(f"gdviewer: could not save the settings to {self.settings.fileName()} "
                  f"({self.settings.status().name})", file=sys.stderr)

    # --- crash safety -------------------------------------------------------------------
    def autosave(self) -> bool:
        """Write unsaved changes to the recovery file (and drop it when there are none)."""
        if self.recovery_path is None:
            return False
        fingerprint = self._fingerprint()
        if fingerprint == self._saved_fingerprint:
            self._recovery_store().remove()
            self._autosaved = None
            return False
        if fingerprint == self._autosaved:
            return False
        try:
            self._recovery_store().write(fingerprint)  # this window's own file, atomic
        except OSError as exc:  # a full disk: say so (every 3 s at most), the session is still open
            self.statusBar().showMessage(f"Could not write the recovery file: {exc.strerror or exc}. "
                                         "Save the session to keep it.", AUTOSAVE_INTERVAL_MS)
            return False
        self._autosaved = fingerprint
        return True

    def _recovery_store(self) -> RecoveryStore | None:
        """The recovery files at ``recovery_path`` (None: no crash safety, as in screenshots)."""
        if self.recovery_path is None:
            return None
        if self._recovery is None or self._recovery.base != Path(self.recovery_path):
            if self._recovery is not None:
                self._recovery.release()
            self._recovery = RecoveryStore(self.recovery_path)
        return self._recovery

    def ask_restore(self) -> bool:
        """Offer to restore the recovered session (tests replace this)."""
        return self.confirm("Restore the last session?",
                            "gdviewer did not close normally last time. Restore the session it was showing?")

    def offer_recovery(self) -> bool:
        """At start: if a recovery file is there, offer it; True if it was restored."""
        store = self._recovery_store()
        orphans = store.orphans() if store is not None else []
        if not orphans:
            return False
        import json

        spec = None
        for path in orphans:  # the newest that parses
            try:
                spec = spec_from_dict(json.loads(path.read_text(encoding="utf-8")), "recovered session")
                break
            except (OSError, ValueError, DataError):
                continue
        if spec is None or not self.ask_restore():
            store.discard(orphans)
            return False
        self.apply_spec(spec)
        self.autosave()  # in this window's own file before the orphans go
        store.discard(orphans)
        self.banner.show_message("Restored the session from before gdviewer stopped unexpectedly. "
                                 "Save it to keep it.")
        return True

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel' (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", quit_question(self.session_path),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ask_on_close and self.has_unsaved_changes:
            answer = self.ask_unsaved()
            if answer == "cancel":
                event.ignore()
                return
            if answer == "save":
                if self.session_path is None:
                    self.save_file()
                else:
                    self.save_path(self.session_path)
                if self.has_unsaved_changes:  # the save was cancelled or failed: stay open
                    event.ignore()
                    return
        self._frame_timer.stop()
        self._autosave_timer.stop()
        self.view_options.close()  # the layout saved is the user's own, not presentation mode's
        for dialog in self.findChildren(SweepDialog):
            dialog.task.stop()  # a sweep still computing is cancelled, its thread waited for
        if self._recovery is not None:
            self._recovery.remove()  # a clean close: nothing to recover
            self._recovery.release()
        self.loader.cancel()
        self.session.shutdown()
        self._save_settings()
        event.accept()
        self.closed.emit()

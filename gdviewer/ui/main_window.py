"""The main window: the docks, menus, toolbar and status bar, built from the parts that do the
work and handed what each needs (not the window):

- ``frame`` (ui/frame.py): the one redraw timer and the fan-out to the panels;
- ``document`` (ui/document.py): presets, session and data files, the title, recent files;
- ``editor`` (ui/point_editing.py): adding, moving and removing points, undoable;
- ``transform_editing`` (ui/transform_editing.py): training on a shifted, scaled x, undoable;
- ``exports`` (ui/exports.py): panel images, screenshots, histories, animations;
- ``dialogs`` (ui/dialogs.py): code, sweep, shortcuts, About;
- ``autosave`` (ui/recovery.py): crash safety;
- ``questions`` (ui/questions.py): every question asked of the user (tests replace it);
- ``engine`` (ui/engine_loader.py): torch imported after the first paint;
- ``commands`` (ui/actions.py): the action table the menus and the toolbar show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from gdviewer.core.config import RunConfig
from gdviewer.core.errors import ConfigError
from gdviewer.core.valley import valley_axes
from gdviewer.presets import load_presets
from gdviewer.ui.actions import ActionTable, WindowActions
from gdviewer.ui.animation import Stage
from gdviewer.ui.banner import Banner
from gdviewer.ui.controls.conditioning_controls import ConditioningControls
from gdviewer.ui.controls.data_controls import DataControls
from gdviewer.ui.controls.playback_controls import PlaybackControls
from gdviewer.ui.controls.run_controls import RunControls
from gdviewer.ui.controls.run_list import RunList
from gdviewer.ui.controls.schedule_controls import ScheduleControls
from gdviewer.ui.controls.timeline import Timeline
from gdviewer.ui.dialogs import Dialogs
from gdviewer.ui.document import Document, DocumentParts, window_title
from gdviewer.ui.engine_loader import EngineLoader
from gdviewer.ui.exports import Exports
from gdviewer.ui.files import RecentFiles
from gdviewer.ui.frame import Frame, Panels
from gdviewer.ui.help_panel import HELP_PANEL_TITLE, HelpPanel, add_help_buttons
from gdviewer.ui.icons import icon
from gdviewer.ui.lesson_mode import LessonMode, LessonParts
from gdviewer.ui.lesson_panel import LessonPanel
from gdviewer.ui.menus import MenuParts, build_menus
from gdviewer.ui.panels.data_panel import DataPanel
from gdviewer.ui.panels.loss_panel import LossPanel
from gdviewer.ui.panels.parameters_panel import ParametersPanel
from gdviewer.ui.panels.surface_panel import SurfacePanel
from gdviewer.ui.point_editing import PointEditor
from gdviewer.ui.questions import Questions
from gdviewer.ui.race_undo import RaceSnapshot, RestartRace, worth_keeping
from gdviewer.ui.readouts import ReadoutTable
from gdviewer.ui.recovery import Autosave
from gdviewer.ui.session import DIVERGED, FAILED, FINAL_STATES, PAUSED, READY, RUNNING, Session
from gdviewer.ui.status_line import StatusLine
from gdviewer.ui.step_panel import StepPanel
from gdviewer.ui.sweep_view import SweepDialog
from gdviewer.ui.tour import TourOverlay, main_window_targets, raised_dock, remember_tour_seen
from gdviewer.ui.transform_editing import TransformEditing
from gdviewer.ui.view_options import ViewOptions
from gdviewer.ui.window_settings import SETTINGS_VERSION, WindowSettings


class MainWindow(QMainWindow):
    """gdviewer's window: panels in docks around the loss surface, the controls, the menus."""

    closed = Signal()

    def __init__(self, session: Session | None = None, settings: QSettings | None = None,
                 recovery_path: str | Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle(window_title(None))
        self.setObjectName("gdviewer-main-window")
        self.setDockNestingEnabled(True)
        self.setAcceptDrops(True)
        self.session = s = session or Session()
        self.settings = settings
        self.ask_on_close = True
        self.questions = Questions(self)
        self.engine = EngineLoader(self)
        self.undo_stack = QUndoStack(self)
        self.banner = Banner()
        self.status = StatusLine(self.statusBar())
        self._make_panels()
        self.commands = WindowActions(ActionTable(self), self._slots(), self.undo_stack)
        self.view_options = ViewOptions(self, ActionTable(self), self.panels, self.docks, self.styled_plots)
        self._make_controls()
        self.frame = Frame(s, self.plots, self.timeline, self.readouts, self.status, self)
        self.frame.followers.append(self.step_panel)
        self.document = Document(s, DocumentParts(self, self.loss_panel,
                                                  self.surface_panel, self.banner, self.status),
                                 self.questions, self.undo_stack, RecentFiles(settings))
        self.editor = PointEditor(s, self.data_panel, self.undo_stack,
                                  self.document.may_interrupt, self.status.say, self.show_error)
        self.lesson_panel = LessonPanel()
        lesson_scroll = QScrollArea()  # (in large text a step is taller than a projector's column: it scrolls)
        lesson_scroll.setWidget(self.lesson_panel)
        lesson_scroll.setWidgetResizable(True)
        lesson_scroll.setFrameShape(QFrame.Shape.NoFrame)
        lesson_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lesson_dock = self._dock("lesson", "Lesson", lesson_scroll, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.lesson_dock.hide()  # opened by a lesson (File → Open lesson, gdviewer --lesson)
        self.view_options.tall_docks.append(self.lesson_dock)

        def place_lesson(shown: bool) -> None:
            """A tab beside the data panel, in front (made when a lesson first opens, so the window
            without one is laid out as before; on a projector with most of the column's height)."""
            if shown and not self.lesson_dock.property("placed"):
                self.lesson_dock.setProperty("placed", True)
                QTimer.singleShot(0, self, lambda: (self.tabifyDockWidget(self.docks["data"], self.lesson_dock),
                                                    self.lesson_dock.raise_()))
            if shown:
                QTimer.singleShot(0, self.view_options,
                                  lambda: self.view_options.place_beside_data(self.lesson_dock))

        self.lesson_dock.visibilityChanged.connect(place_lesson)
        self.lesson = LessonMode(LessonParts(
            s, self.document, self.docks, self.surface_panel,
            {"run_settings": [self.run_controls, self.schedule_controls], "data_settings": [self.data_controls],
             "run_list": [self.run_list], "transform": [self.conditioning], "points": [self.data_panel.edit_box],
             "timeline": [self.timeline], "start_point": []},
            self.questions, self.status.say, self.show_error),
            self.lesson_dock, self.lesson_panel, self)
        self.transform_editing = TransformEditing(s, self.conditioning, self.document.state,
                                                  self.document.record_replacement, self.status.say, self.show_error)
        self.exports = Exports(Stage(s, self.redraw, self, self.surface_panel,
                                     (self.data_panel, self.loss_panel, self.parameters_panel)),
                               self.plots.by_key(), self.status.say, self.show_error)
        self.dialogs = Dialogs(self, s, lambda: self.view_options.plot_style, self.document.may_interrupt,
                               self.status.say)
        self.autosave = Autosave(self.document, recovery_path, self.questions)
        self.window_settings = WindowSettings(settings, self, self.view_options, self.playback, self.loss_panel,
                                              self.document)
        self.data_controls.data_requested.connect(self.document.apply_data_config)
        self._make_menus_and_toolbar()
        add_help_buttons(self.help_panel.topics(), {**self.plots.by_key(), "step": self.step_panel},
                         self.settings_help, self.show_help)
        self.view_options.changed.connect(lambda _appearance: self.refresh_icons())
        self.refresh_icons()
        s.run_reset.connect(self.banner.hide)
        s.data_changed.connect(self.data_controls.show_current)
        for changed in (s.data_changed, s.run_reset):  # new data: a new stable limit in the hint
            changed.connect(self.run_controls.show_current)
            changed.connect(self.schedule_controls.show_current)
        s.state_changed.connect(self._on_state_changed)
        s.worker_failed.connect(self._on_worker_failed)
        s.view_changed.connect(self._update_actions)
        s.runs_changed.connect(self._on_runs_changed)
        s.live.told.connect(lambda text: self.status.say(text, 8000))
        self.resize(1360, 860)
        self._arrange_docks()
        self._default_state = self.saveState(SETTINGS_VERSION)
        self.window_settings.restore()
        self._on_state_changed(s.state)
        self.redraw()
        self.document.mark_saved()  # a fresh window has nothing to lose
        self._title_timer = QTimer(self, singleShot=True, interval=100)  # the modified mark, coalesced
        self._title_timer.timeout.connect(self.document.refresh_title)
        for changed in (s.runs_changed, s.data_changed, s.run_reset):
            changed.connect(self._title_timer.start)

    # --- construction -----------------------------------------------------------------
    def _make_panels(self) -> None:
        s = self.session
        self.surface_panel = SurfacePanel(s.moment())
        self.data_panel = DataPanel(s.moment())
        self.loss_panel = LossPanel(s.moment())
        self.parameters_panel = ParametersPanel(s.moment())
        self.plots = Panels(self.surface_panel, self.data_panel, self.loss_panel, self.parameters_panel)
        self.panels = self.plots.all()
        self.surface_panel.start_point_requested.connect(self.choose_start_point)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.surface_panel, 1)
        self.timeline = Timeline(s)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.docks: dict[str, QDockWidget] = {}
        right = Qt.DockWidgetArea.RightDockWidgetArea
        for name, title, panel in (("data", "Data", self.data_panel), ("loss", "Loss", self.loss_panel),
                                   ("parameters", "Parameters", self.parameters_panel)):
            self.docks[name] = self._dock(name, title, panel, right)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.readouts = ReadoutTable(s.moment())
        self.docks["readouts"] = self._dock("readouts", "Readouts", self.readouts, left)
        self.step_panel = StepPanel(s.moment())
        self.docks["step"] = self._dock("step", "Step: the arithmetic", self.step_panel, left)
        self.help_panel = HelpPanel()
        self.docks["help"] = self._dock("help", HELP_PANEL_TITLE, self.help_panel, left)
        self.tour: TourOverlay | None = None

    def _arrange_docks(self) -> None:
        """Settings on the left, the surface in the middle, three panels stacked on the right."""
        right = [self.docks[n] for n in ("data", "loss", "parameters")]
        self.resizeDocks(right, [4, 3, 3], Qt.Orientation.Vertical)  # the data panel has most to show
        self.splitDockWidget(self.docks["controls"], self.docks["readouts"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["readouts"], self.docks["step"])  # a tab beside the readouts
        self.docks["readouts"].raise_()
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

    def _slots(self) -> dict[str, Callable[..., object]]:
        """What each action does (the parts are made after the actions: looked up when used)."""
        s = self.session
        return {
            "play": s.toggle_play, "step": self.step_forward, "back": self.step_back, "step_epoch": s.step_epoch,
            "reset": s.reset, "open": lambda: self.document.open_file(), "save": lambda: self.document.save_file(),
            "new": lambda: self.document.new_session(),
            "save_as": lambda: self.document.save_file("Save session as"),
            "screenshot": lambda: self.exports.screenshot_dialog(),
            "animation": lambda: self.exports.animation_dialog(),
            "export_history": lambda: self.exports.histories_dialog(), "quit": self.close,
            "reset_layout": self.reset_layout, "about": lambda: self.dialogs.about(),
            "shortcuts": lambda: self.dialogs.shortcuts(), "help": lambda: self.show_help(),
            "tour": self.start_tour, "code": lambda: self.dialogs.code(), "sweep": lambda: self.dialogs.sweep(),
            "delete_point": lambda: self.editor.delete_selected(), "escape": self.escape,
        }

    def _make_controls(self) -> None:
        s = self.session
        c = self.commands
        self.playback = PlaybackControls([c.play, c.step, c.step_epoch, c.reset])
        self.playback.speed_changed.connect(s.set_speed)
        s.set_speed(self.playback.speed)  # the fresh start's pace until settings say otherwise
        s.runs_changed.connect(lambda: self.playback.set_run_count(len(s.runs)))
        self.data_controls = DataControls(lambda: (s.data_config, s.raw_dataset))
        self.conditioning = ConditioningControls(lambda: (s.transform, s.raw_dataset.surface, s.surface))
        self.run_controls = RunControls(s.live.shown_config, self.apply_run_config, stable_lr_for=s.stable_lr,
                                        valley=lambda: valley_axes(s.dataset.surface))
        self.run_controls.validity_changed.connect(lambda _v: self._update_actions())
        self.schedule_controls = ScheduleControls(lambda: s.run_config, self.apply_run_config)
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
        self.run_list = RunList(s, may_reset=lambda what: self.document.may_interrupt(what))
        self.run_list.message.connect(lambda text: self.status.say(text, 6000))
        panel = QWidget()
        col = QVBoxLayout(panel)
        col.setContentsMargins(6, 6, 4, 6)  # (the dock is narrow at 1024×768: no sideways scrolling)
        self.settings_help = QHBoxLayout()  # "?" links to the topics behind the settings (filled later)
        col.addLayout(self.settings_help)
        col.addWidget(self.run_list)
        col.addWidget(self.run_controls)
        col.addWidget(self.schedule_controls)
        col.addWidget(self.data_controls)
        col.addWidget(self.conditioning)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(276)  # two runs' readouts below it fit without scrolling
        self.docks["controls"] = self._dock("controls", "Settings", scroll, Qt.DockWidgetArea.LeftDockWidgetArea)

    def _make_menus_and_toolbar(self) -> None:
        menus = build_menus(self, self.commands, MenuParts(self.document, self.exports, self.docks, self.view_options,
                                                           self.playback, self.preset_box, self.lesson))
        self.recent_menu, self.preset_actions = menus.recent, menus.presets

    def refresh_icons(self) -> None:
        """Icons in the palette's text colour (again after a theme change)."""
        c, v, runs = self.commands, self.view_options, self.run_list
        icons = {c.step: "step", c.back: "step-back", c.step_epoch: "step-epoch", c.reset: "reset",
                 c.open: "open", c.save: "save", c.screenshot: "export", c.code: "code", c.sweep: "sweep",
                 c.help: "help", c.shortcuts: "shortcuts", v.presentation_action: "presentation",
                 v.zoom_in_action: "zoom-in", v.zoom_out_action: "zoom-out",
                 self.docks["readouts"].toggleViewAction(): "readouts", runs.add_button: "add-run",
                 runs.remove_button: "remove-run", runs.duplicate_button: "duplicate-run"}
        for target, name in icons.items():
            target.setIcon(icon(name))
        c.play.setIcon(icon("pause" if self.session.state == RUNNING else "play"))

    def styled_plots(self) -> list:
        """Everything drawn with a PlotStyle: the panels and any open sweep dialog."""
        return [*self.panels, *self.findChildren(SweepDialog)]

    def tour_targets(self):
        """The tour's keys → the widgets they light up."""
        run_controls, docks = self.run_controls, self.docks
        return main_window_targets(self, {
            "toolbar": lambda: self.findChild(QToolBar, "toolbar_playback"),
            "play": lambda: self.playback.buttons[0], "presets": lambda: self.preset_box,
            "surface": lambda: self.surface_panel, "data": lambda: docks["data"], "loss": lambda: docks["loss"],
            "fan": lambda: self.surface_panel.fan.checkbox, "axes": lambda: self.surface_panel.axes_box,
            "parameters": lambda: docks["parameters"], "settings": lambda: docks["controls"],
            "learning_rate": lambda: run_controls.fields.get("lr"), "optimiser": lambda: run_controls.optimizer,
            "step_panel": lambda: raised_dock(docks["step"]), "runs": lambda: self.run_list,
            "timeline": lambda: self.timeline,
        })

    # --- following the session ----------------------------------------------------------
    def redraw(self) -> None:
        """Draw the moment shown, now."""
        self.frame.draw()

    def show_error(self, text: str) -> None:
        self.banner.show_message(text, "error")

    def _on_runs_changed(self) -> None:
        self.run_list.sync()
        self.run_controls.show_current()
        self.schedule_controls.show_current()
        self.frame.sync_runs()

    def _on_state_changed(self, state: str) -> None:
        s = self.session
        self.status.show_state(s)
        self.frame.schedule()
        self._update_actions()
        if state in (DIVERGED, FAILED):
            self.banner.show_message(s.message, "error")
            if state == DIVERGED:
                self.status.say("The run diverged: see the message above the surface", 8000)
        elif state in FINAL_STATES and s.message:
            self.status.say(s.message, 8000)

    def _on_worker_failed(self, message: str, details: str) -> None:
        self.status.say(f"Training failed: {message}", 10000)
        self.questions.show_error("Training failed", f"Training stopped with an error:\n\n{message}\n\nYour "
                                  "settings are kept; press Play to start again.", details)

    def _update_actions(self) -> None:
        s, c = self.session, self.commands
        valid = self.run_controls.valid
        running = s.state == RUNNING
        c.play.setText("Pause" if running else "Play")
        c.play.setIcon(icon("pause" if running else "play"))
        c.play.setEnabled(running or valid)
        can_step = valid and s.state in (READY, PAUSED, RUNNING)
        c.step.setEnabled(can_step or s.view_step is not None)
        c.step_epoch.setEnabled(can_step)
        c.reset.setEnabled(True)

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
        if self.document.loader.busy:
            self.document.cancel_loading()
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
        self.tour = TourOverlay(self, self.tour_targets())
        self.tour.finished.connect(lambda _completed: remember_tour_seen(self.settings))
        self.tour.start()
        return self.tour

    def start_tour_when_idle(self, retry_ms: int = 500) -> None:
        """The first-run tour, once no dialog (a question, the column chooser) is open and no
        file is loading: a tour over an unanswered question would hide it."""
        if not self.isVisible():
            return  # closed meanwhile
        if QApplication.activeModalWidget() is not None or self.document.loader.busy:
            QTimer.singleShot(retry_ms, lambda: self.start_tour_when_idle(retry_ms))
            return
        self.start_tour()

    def choose_start_point(self, w: float, b: float) -> None:
        """A click on the surface: start there (asks first if a run is under way; a finished
        race is one Ctrl+Z away, or asked about if it is too large to keep)."""
        if self.lesson.take_click(w, b) or self.lesson.blocks("start_point"):
            return  # a lesson's prediction, or a step that keeps its start point
        if not self.document.may_interrupt("Choosing a new start point"):
            return
        before = RaceSnapshot.take(self.session)
        if before.has_steps and not worth_keeping(before) and not self.questions.confirm(
                "Start again?", "A new start point clears the finished race, and it is too large to keep for "
                "undo. Continue?"):
            return
        try:
            self.apply_run_config(self.session.run_config.with_changes(init_w=round(w, 4), init_b=round(b, 4)),
                                  f"Start at ({w:.3g}, {b:.3g})")
        except ConfigError as exc:
            self.status.say(str(exc), 8000)

    def apply_run_config(self, config: RunConfig, text: str = "Change the run's settings") -> None:
        """Train the selected run with ``config`` (the run controls propose it). The session
        validates it; a ConfigError goes back to the caller unchanged. A race with steps that
        this starts again is one undo step (its paths come back)."""
        s = self.session
        if s.live.try_steer(config):  # a new lr (momentum, betas) while it trains: from the next step
            return
        was_live, before = s.is_live, RaceSnapshot.take(s)
        if not s.set_run_config(config):
            return
        if worth_keeping(before):
            self.undo_stack.push(RestartRace(s, before, text))
            self.status.say(f"{text}: the race starts again (Ctrl+Z brings it back)", 6000)
        elif was_live:
            self.status.say("Settings changed: the run was reset", 5000)

    def _on_preset_chosen(self, index: int) -> None:
        name = self.preset_box.itemData(index)
        self.preset_box.setCurrentIndex(0)
        if name:
            self.document.apply_preset(name)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, SETTINGS_VERSION)
        for dock in self.docks.values():
            dock.show()
        self._arrange_docks()

    # --- drag and drop, closing -----------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.document.open_path(files[0])

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ask_on_close and not self.document.may_close():
            event.ignore()
            return
        self.frame.stop()
        self.view_options.close()  # the layout saved is the user's own, not presentation mode's
        for dialog in self.findChildren(SweepDialog):
            dialog.task.stop()  # a sweep still computing is cancelled, its thread waited for
        self.autosave.close()
        self.document.loader.cancel()
        self.lesson.close()  # a step's answer still being worked out: stopped, its thread waited for
        self.session.shutdown()
        self.window_settings.save()
        event.accept()
        self.closed.emit()

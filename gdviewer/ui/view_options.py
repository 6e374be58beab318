"""View → Theme, Zoom and Presentation mode: the actions and what they change in the window.

Kept out of the main window so it stays about training: this controller owns the
``Appearance`` (saved in QSettings), applies it to the application (palette, font) and to
every plot (``PlotStyle``), and switches presentation mode (full screen, the settings dock
folded away, everything larger), restoring the layout the user had afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QByteArray, QObject, QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu

from gdviewer.ui.actions import ActionTable
from gdviewer.ui.theme import (
    THEMES,
    ZOOM_LEVELS,
    Appearance,
    AppearanceApplier,
    PlotStyle,
    plot_style,
    refresh_tones,
)

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
#: Docks folded away in presentation mode: the room watches the plots, not the form. (The Step
#: panel opened from the View menu comes back as a tab beside the data panel.)
PRESENTATION_HIDDEN_DOCKS = ("controls", "readouts", "help", "step")
#: Share of the screen's width the stacked panels (data, loss, parameters) get in presentation mode.
PRESENTATION_PANEL_SHARE = 0.4


class ViewOptions(QObject):
    """Theme, zoom and presentation mode of one window."""

    changed = Signal(object)  # the new Appearance

    def __init__(self, window: QMainWindow, actions: ActionTable, panels: list, docks: dict[str, QDockWidget],
                 styled_plots: Callable[[], list]) -> None:
        """``panels`` fold their options in presentation mode; ``styled_plots()`` are every
        plot to restyle (the panels and any open sweep)."""
        super().__init__(window)
        self.window = window
        self.panels = panels
        #: docks that, like the Step panel, go beside the data panel in presentation mode (a lesson)
        self.tall_docks: list[QDockWidget] = []
        self.docks = docks
        self.styled_plots = styled_plots
        self.appearance = Appearance()
        app = QApplication.instance()
        self.applier = AppearanceApplier(app) if isinstance(app, QApplication) else None
        #: (dock state, saved geometry, normal rectangle, maximised) from before presentation mode
        self._before_presentation: tuple[QByteArray, QByteArray, QRect, bool] | None = None
        if "step" in docks:
            docks["step"].visibilityChanged.connect(self._on_step_dock_shown)
        add = actions.add
        self.zoom_in_action = add("Zoom in", QKeySequence.StandardKey.ZoomIn, lambda: self.zoom(1),
                                        "Larger text everywhere, plots included")
        # Ctrl+= is Ctrl++ without Shift on most keyboards
        self.zoom_in_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.ZoomIn), QKeySequence("Ctrl+=")])
        self.zoom_out_action = add("Zoom out", QKeySequence.StandardKey.ZoomOut, lambda: self.zoom(-1),
                                         "Smaller text everywhere, plots included")
        self.zoom_reset_action = add("Actual size", QKeySequence("Ctrl+0"), lambda: self.zoom(0),
                                           "Text at its normal size (100 %)")
        self.presentation_action = add("Presentation mode", QKeySequence("F11"), self.set_presentation,
                                             "Full screen, large text and thick lines, settings folded away: "
                                             "for a projector (F11 or Esc to leave)")
        self.presentation_action.setCheckable(True)
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = QAction(THEME_LABELS[theme], self.theme_group)
            action.setCheckable(True)
            action.setStatusTip(f"{THEME_LABELS[theme]} colours" if theme != "system"
                                else "Light or dark, as the desktop is set")
            action.triggered.connect(lambda _c=False, t=theme: self.set_theme(t))
            self.theme_actions[theme] = action
        self.theme_actions["system"].setChecked(True)
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._on_system_scheme_changed)

    # --- menus ------------------------------------------------------------------------
    def add_to_menu(self, menu: QMenu) -> None:
        theme_menu = menu.addMenu("&Theme")
        for action in self.theme_actions.values():
            theme_menu.addAction(action)
        menu.addSeparator()
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.presentation_action)

    # --- changing the appearance ------------------------------------------------------
    @property
    def plot_style(self) -> PlotStyle:
        dark = self.applier.is_dark(self.appearance) if self.applier is not None else None
        return plot_style(self.appearance, dark)

    def set_appearance(self, appearance: Appearance) -> None:
        """Apply ``appearance`` to the application, every plot and the menus."""
        self.appearance = appearance
        if self.applier is not None:
            self.applier.apply(appearance)
        style = self.plot_style
        refresh_tones(self.window)
        for panel in self.styled_plots():
            panel.apply_style(style)
        self.theme_actions[appearance.theme].setChecked(True)
        self.presentation_action.setChecked(appearance.presentation)
        self.zoom_in_action.setEnabled(appearance.zoom < ZOOM_LEVELS[-1])
        self.zoom_out_action.setEnabled(appearance.zoom > ZOOM_LEVELS[0])
        self.changed.emit(appearance)

    def set_theme(self, theme: str) -> None:
        self.set_appearance(replace(self.appearance, theme=theme))

    def zoom(self, steps: int) -> None:
        """Zoom in (+1), out (−1) or back to 100 % (0)."""
        appearance = self.appearance.zoomed(steps)
        if appearance != self.appearance:
            self.set_appearance(appearance)
        self.window.statusBar().showMessage(f"Zoom {round(appearance.zoom * 100)} %", 2000)

    def _on_system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.appearance.theme == "system":
            self.set_appearance(self.appearance)

    # --- presentation mode ------------------------------------------------------------
    @property
    def presenting(self) -> bool:
        return self.appearance.presentation

    def set_presentation(self, on: bool) -> None:
        """Full screen with large text and thick lines, or back to the window as it was."""
        on = bool(on)
        if on == self.presenting:
            self.presentation_action.setChecked(on)
            return
        w = self.window
        for panel in self.panels:
            panel.set_presenting(on)
        if on:
            self._before_presentation = (w.saveState(), w.saveGeometry(), w.normalGeometry(), w.isMaximized())
            for name in PRESENTATION_HIDDEN_DOCKS:
                self.docks[name].hide()
            w.showFullScreen()
            width = max(w.width(), w.screen().geometry().width() if w.screen() is not None else 0)
            w.resizeDocks([self.docks["data"]], [round(width * PRESENTATION_PANEL_SHARE)], Qt.Orientation.Horizontal)
            self._place_step_dock()
            self.set_appearance(replace(self.appearance, presentation=True))
            w.statusBar().showMessage("Presentation mode: F11 or Esc to leave, Ctrl + / Ctrl − for text size", 6000)
        else:
            self.set_appearance(replace(self.appearance, presentation=False))
            w.showNormal()
            self._restore_layout()
            self._before_presentation = None

    def _on_step_dock_shown(self, visible: bool) -> None:
        # placed after the signal (re-docking inside its own visibility change crashes Qt), and
        # only while this object lives (the timer's context: a closing window hides its docks)
        if visible and self.presenting:
            QTimer.singleShot(0, self, self._place_step_dock)

    def _place_step_dock(self) -> None:
        for dock in (self.docks.get("step"), *self.tall_docks):
            self.place_beside_data(dock)

    def place_beside_data(self, dock) -> None:
        """In presentation mode a tall dock (the Step panel, a lesson), when open, is a tab beside
        the data panel, with most of the column's height: the left side has no room for it in
        large text at 1024 × 768 (the window would be wider than the screen). Leaving
        presentation mode puts it back where it was."""
        right = Qt.DockWidgetArea.RightDockWidgetArea
        if not (self.presenting and dock is not None and dock.isVisible() and not dock.isFloating()):
            return
        w = self.window
        if w.dockWidgetArea(dock) != right:
            w.tabifyDockWidget(self.docks["data"], dock)
            dock.show()
        dock.raise_()
        # the worked step (a lesson's question and its choices) needs the height: the loss and
        # parameter panels stay, smaller (also when the dock was a tab there already: a lesson's is)
        height = w.height()
        w.resizeDocks([dock, self.docks["loss"], self.docks["parameters"]],
                      [round(height * 0.56), round(height * 0.2), round(height * 0.2)], Qt.Orientation.Vertical)

    def _restore_layout(self) -> None:
        """The docks and the window's geometry (maximised or not) from before presentation mode."""
        if self._before_presentation is not None:
            state, _saved, rect, maximized = self._before_presentation
            if maximized:
                self.window.showMaximized()
            else:
                self.window.setGeometry(rect)  # the size first: the dock sizes are fitted to it
            self.window.restoreState(state)

    def geometry_to_save(self) -> QByteArray:
        """The window's geometry as the user set it (not presentation mode's full screen)."""
        if self.presenting and self._before_presentation is not None:
            return self._before_presentation[1]
        return self.window.saveGeometry()

    # --- settings ---------------------------------------------------------------------
    def restore(self, settings: QSettings | None) -> None:
        """Theme and zoom from the last session (presentation mode always starts off)."""
        if settings is None:
            self.set_appearance(Appearance())
        else:
            self.set_appearance(Appearance.from_saved(settings.value("view/theme"), settings.value("view/zoom")))

    def save(self, settings: QSettings | None) -> None:
        if settings is not None:
            settings.setValue("view/theme", self.appearance.theme)
            settings.setValue("view/zoom", self.appearance.zoom)

    def close(self) -> None:
        """Put back the layout the user had before presentation mode, so that is what gets
        saved. The application's font and palette are left alone: a font change while the
        window closes posts events that would reach pyqtgraph's Python handlers while the
        interpreter shuts down (seen as a segfault in shiboken under X11)."""
        if self.presenting and self._before_presentation is not None:
            self.window.restoreState(self._before_presentation[0])  # the geometry: geometry_to_save()

    def restore_application(self) -> None:
        """Give the application back the font and palette it had (tests, between windows)."""
        if self.applier is not None:
            self.applier.restore()

"""What the window remembers between runs (QSettings): geometry and docks, the speed, the loss
axis, the appearance, and the last session (small data only)."""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import replace

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from gdviewer.core.errors import DataError
from gdviewer.core.session_file import spec_from_dict
from gdviewer.ui.controls.playback_controls import PlaybackControls
from gdviewer.ui.document import Document
from gdviewer.ui.panels.loss_panel import LossPanel
from gdviewer.ui.view_options import ViewOptions

#: Loaded data up to this many points is remembered with the last-used settings.
LAST_SESSION_MAX_POINTS = 10_000
#: The version of the saved dock layout (QMainWindow.saveState).
SETTINGS_VERSION = 1


class WindowSettings:
    """Restores and saves the window's settings (``settings`` None: nothing is kept)."""

    def __init__(self, settings: QSettings | None, window: QMainWindow, view_options: ViewOptions,
                 playback: PlaybackControls, loss_panel: LossPanel, document: Document) -> None:
        self.settings = settings
        self.window = window
        self.view_options = view_options
        self.playback = playback
        self.loss_panel = loss_panel
        self.document = document

    def restore(self) -> None:
        self.view_options.restore(self.settings)
        settings = self.settings
        if settings is None:
            return
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.window.restoreState(state, SETTINGS_VERSION)
        with contextlib.suppress(TypeError, ValueError):
            self.playback.set_speed(float(settings.value("playback/speed")))
        axis = settings.value("loss/x_axis")
        if axis in ("steps", "epochs", "samples"):
            self.loss_panel.set_x_axis(axis)
        if settings.value("loss/log") in (True, "true"):
            self.loss_panel.set_log_scale(True)
        last = settings.value("session/last")
        if isinstance(last, str) and last:
            try:
                spec = spec_from_dict(json.loads(last), "last session")
            except (ValueError, DataError):
                return  # an unreadable leftover: start from the defaults
            self.document.apply_spec(spec)
            self.document.parts.banner.hide()

    def save(self) -> None:
        settings = self.settings
        if settings is None:
            return
        settings.setValue("window/geometry", self.view_options.geometry_to_save())
        settings.setValue("window/state", self.window.saveState(SETTINGS_VERSION))
        settings.setValue("playback/speed", self.playback.speed)
        settings.setValue("loss/x_axis", self.loss_panel.x_axis)
        settings.setValue("loss/log", self.loss_panel.log_box.isChecked())
        self.view_options.save(settings)
        spec = self.document.current_spec()
        if spec.points is not None and len(spec.points[0]) > LAST_SESSION_MAX_POINTS:
            spec = replace(spec, points=None)  # a big data file is reopened from the file, not settings
        settings.setValue("session/last", json.dumps(spec.to_dict()))
        settings.sync()
        if settings.status() != QSettings.Status.NoError:  # a full disk or a read-only folder
            print(f"gdviewer: could not save the settings to {settings.fileName()} "
                  f"({settings.status().name})", file=sys.stderr)

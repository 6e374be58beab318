"""Everything the window writes for slides and spreadsheets: panel images, the whole window
as a PNG, run histories as CSV, and animations; each behind a file dialog, each written
atomically (the user's file name only ever holds a complete file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QProgressDialog

from gdviewer.core.atomic_write import atomic_path
from gdviewer.ui.animation import (
    AnimationCancelled,
    AnimationDialog,
    AnimationSettings,
    Stage,
    plots_image,
    render_animation,
    train_to_end,
)
from gdviewer.ui.files import export_histories, export_panel


class Exports:
    """File → Export. ``say`` shows a passing message, ``show_error`` a lasting one."""

    def __init__(self, stage: Stage, panels: dict[str, object], say: Callable[[str, int], None],
                 show_error: Callable[[str], None]) -> None:
        self.stage = stage
        self.panels = panels
        self.say = say
        self.show_error = show_error

    @property
    def parent(self):
        return self.stage.window

    def panel_dialog(self, key: str, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parent, f"Export the {key} panel", f"gdviewer-{key}.{fmt}",
                                              f"{fmt.upper()} (*.{fmt})")
        if path:
            self.panel(key, path)

    def panel(self, key: str, path: str | Path) -> bool:
        """One panel as PNG (twice the screen size) or SVG."""
        self.stage.redraw()
        try:
            with atomic_path(path) as tmp:
                export_panel(self.panels[key], tmp)
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not export to {path}: {exc}")
            return False
        self.say(f"Exported {path}", 5000)
        return True

    def animation_dialog(self) -> None:
        dialog = AnimationDialog(self.parent, plots_width=plots_image(self.stage).width())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save animation", "gdviewer-run.gif",
                                              "GIF animation (*.gif);;MP4 video (*.mp4)")
        if path:
            self.animation(path, dialog.settings())

    def animation(self, path: str | Path, settings: AnimationSettings) -> int:
        """Train the run to its end, then write its animation; 0 if cancelled or failed."""
        train_to_end(self.stage.session)
        progress = QProgressDialog("Writing the animation…", "Cancel", 0, settings.frames, self.parent)
        progress.setWindowTitle("Export an animation")
        progress.setMinimumDuration(300)

        def step(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setValue(done)
            return not progress.wasCanceled()

        try:
            with atomic_path(path) as tmp:
                frames = render_animation(self.stage, tmp, settings, step)
        except AnimationCancelled:
            self.say("Animation cancelled", 5000)
            return 0
        except (OSError, ValueError) as exc:
            self.show_error(f"Could not write the animation: {exc}")
            return 0
        finally:
            progress.close()
        self.say(f"Wrote {frames} frames to {path}", 6000)
        return frames

    def histories_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Export run histories", "gdviewer-history.csv",
                                              "CSV (*.csv)")
        if path:
            self.histories(path)

    def histories(self, path: str | Path) -> list[Path]:
        """Every run's steps, one CSV per run."""
        try:
            written = export_histories(self.stage.session, path)
        except OSError as exc:
            self.show_error(f"Could not write {path}: {exc.strerror or exc}")
            return []
        self.say(f"Wrote {', '.join(p.name for p in written)}", 6000)
        return written

    def screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save screenshot", "gdviewer.png", "PNG image (*.png)")
        if path:
            self.screenshot(path)

    def screenshot(self, path: str | Path) -> bool:
        """Render the whole window to a PNG file."""
        self.stage.redraw()
        try:
            with atomic_path(path) as tmp:  # a full disk leaves no half-written PNG behind
                if not self.parent.grab().save(str(tmp), "PNG"):
                    raise OSError("the image could not be written")
        except OSError:
            self.show_error(f"Could not write the screenshot to {path}")
            return False
        return True

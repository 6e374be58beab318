"""Files the window writes: panel images (pyqtgraph's exporters), run histories as CSV, and
the recent-files list (QSettings)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QSettings

from gdviewer.ui.panels.common import PanelWidget
from gdviewer.ui.session import Session

MAX_RECENT = 8


def _close_paths_as_lines(node) -> None:
    """Rewrite every SVG close-path ``Z`` as a line back to its subpath's start.

    Qt 6.11's SVG generator closes rectangles with ``Z``; pyqtgraph 0.14's SVG exporter then
    fails to parse the path ("not enough values to unpack", pyqtgraph issue #3485). A line to
    the start draws the same shape.
    """
    for path in node.getElementsByTagName("path"):
        tokens = path.getAttribute("d").split()
        if not any(t in ("Z", "z") for t in tokens):
            continue
        out, start = [], None
        for token in tokens:
            if token in ("Z", "z"):
                if start is not None:
                    out.append("L" + start)
                continue
            if token[0] in "Mm":
                start = token[1:]
            out.append(token)
        path.setAttribute("d", " ".join(out))


def _install_svg_fix() -> None:
    module = sys.modules["pyqtgraph.exporters.SVGExporter"]
    original = module.correctCoordinates
    if getattr(original, "gdviewer_fix", False):
        return

    def correct_coordinates(node, defs, item, options):
        _close_paths_as_lines(node)
        return original(node, defs, item, options)

    correct_coordinates.gdviewer_fix = True
    module.correctCoordinates = correct_coordinates


def export_panel(panel: PanelWidget, path: str | Path) -> Path:
    """Write ``panel`` (its whole plot scene, colour bar included) as PNG or SVG, by suffix.

    PNG is written at twice the on-screen size, crisp on slides.
    """
    path = Path(path)
    scene = panel.plot_widget.scene()
    suffix = path.suffix.lower()
    if suffix == ".svg":
        _install_svg_fix()
        exporter = pg.exporters.SVGExporter(scene)
    elif suffix == ".png":
        exporter = pg.exporters.ImageExporter(scene)
        width = int(panel.plot_widget.width())
        exporter.parameters()["width"] = max(2 * width, 200)
    else:
        raise ValueError(f"export as .png or .svg, not {suffix or 'no suffix'}")
    exporter.export(str(path))
    return path


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "run"


def export_histories(session: Session, path: str | Path) -> list[Path]:
    """Every run's history as CSV (one row per step, all recorded columns, with a header).

    One run: ``path`` itself. Several: ``<stem>-<run name>.csv`` beside it, one per run.
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        path = path.with_suffix(".csv")
    written = []
    runs = session.runs
    for i, run in enumerate(runs):
        target = path if len(runs) == 1 else path.with_name(f"{path.stem}-{i + 1}-{_slug(run.name)}.csv")
        run.history.to_csv(target)
        written.append(target)
    return written


class RecentFiles:
    """The last opened or saved files, newest first, kept in QSettings."""

    KEY = "files/recent"

    def __init__(self, settings: QSettings | None) -> None:
        self.settings = settings
        self._memory: list[str] = []

    def paths(self) -> list[str]:
        if self.settings is None:
            return list(self._memory)
        value = self.settings.value(self.KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or []) if isinstance(v, str) and v][:MAX_RECENT]

    def add(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        items = [entry] + [p for p in self.paths() if p != entry]
        self._store(items[:MAX_RECENT])

    def remove(self, path: str | Path) -> None:
        self._store([p for p in self.paths() if p != str(path)])

    def clear(self) -> None:
        self._store([])

    def _store(self, items: list[str]) -> None:
        if self.settings is None:
            self._memory = items
        else:
            self.settings.setValue(self.KEY, items)

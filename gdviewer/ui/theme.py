"""Plot styling shared by every panel (light background for projectors and slides)."""

from __future__ import annotations

import pyqtgraph as pg


def apply_plot_theme() -> None:
    """pyqtgraph's global options; call before any plot is made."""
    pg.setConfigOptions(background="w", foreground="k", antialias=False, imageAxisOrder="col-major")

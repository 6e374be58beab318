"""Look of the whole app: light/dark theme, zoom and presentation mode, in one place.

``Appearance`` is what the user chose (saved in QSettings); ``PlotStyle`` is what a panel
needs to draw with it (colours, font size, line widths). The window applies an appearance
to the QApplication (palette, font) and hands every panel the matching ``PlotStyle``, so a
projector-sized font or a dark background reaches plots and widgets alike. Qt's palette,
font and style hints do the work; nothing is drawn by hand here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

THEMES = ("system", "light", "dark")
#: Zoom steps (Ctrl + / Ctrl −): the app font and every plot's text scale with them.
ZOOM_LEVELS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
#: Presentation mode multiplies the zoom (readable from the back of a room) and line widths.
PRESENTATION_FONT_SCALE = 1.5
PRESENTATION_LINE_SCALE = 2.0
#: Plot text at zoom 1 (axis ticks, legends), in points.
BASE_PLOT_FONT_PT = 9.0


@dataclass(frozen=True)
class Appearance:
    """The user's choice of theme, zoom and presentation mode."""

    theme: str = "system"
    zoom: float = 1.0
    presentation: bool = False

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {self.theme!r}")
        if not ZOOM_LEVELS[0] <= self.zoom <= ZOOM_LEVELS[-1]:
            raise ValueError(f"zoom must be between {ZOOM_LEVELS[0]} and {ZOOM_LEVELS[-1]}, got {self.zoom!r}")

    @property
    def font_scale(self) -> float:
        return self.zoom * (PRESENTATION_FONT_SCALE if self.presentation else 1.0)

    @property
    def line_scale(self) -> float:
        return PRESENTATION_LINE_SCALE if self.presentation else 1.0

    def zoomed(self, steps: int) -> Appearance:
        """``steps`` zoom levels in (positive) or out (negative), clamped; 0 = 100 %."""
        if steps == 0:
            return replace(self, zoom=1.0)
        nearest = min(range(len(ZOOM_LEVELS)), key=lambda i: abs(ZOOM_LEVELS[i] - self.zoom))
        index = max(0, min(len(ZOOM_LEVELS) - 1, nearest + steps))
        return replace(self, zoom=ZOOM_LEVELS[index])

    def is_dark(self, desktop_palette_dark: bool = False) -> bool:
        """Dark colours? 'system' follows the desktop's colour scheme; where the desktop does
        not say, its palette decides (``desktop_palette_dark``: the palette the app started with)."""
        if self.theme == "system":
            hints = QGuiApplication.styleHints()
            scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
            if scheme == Qt.ColorScheme.Unknown:
                return desktop_palette_dark
            return scheme == Qt.ColorScheme.Dark
        return self.theme == "dark"

    @classmethod
    def from_saved(cls, theme: object, zoom: object) -> Appearance:
        """From QSettings values of any type: what is not a valid theme or zoom is ignored."""
        theme = theme if isinstance(theme, str) and theme in THEMES else "system"
        try:
            value = float(zoom)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = 1.0
        if not math.isfinite(value):
            value = 1.0
        return cls(theme=theme, zoom=min(max(value, ZOOM_LEVELS[0]), ZOOM_LEVELS[-1]))


@dataclass(frozen=True)
class PlotStyle:
    """Colours and sizes a panel draws with; pens come from ``pen`` so widths scale."""

    dark: bool = False
    background: str = "#FFFFFF"
    foreground: str = "#000000"
    #: Behind text drawn over the data (equations, notes): readable over lines and heatmap.
    #: Opaque: a translucent fill is painted antialiased through Qt's slow path (0.2 ms a
    #: label a frame, 0.03 opaque), and hides no less on a projector.
    label_fill: tuple[int, int, int, int] = (255, 255, 255, 255)
    font_pt: float = BASE_PLOT_FONT_PT
    line_scale: float = 1.0

    def pen(self, color: object, width: float = 1.0, style: Qt.PenStyle | None = None) -> QPen:
        """A pen ``width`` wide at zoom 1, thicker in presentation mode. (Not cached: every
        pyqtgraph item copies the pen it is given, so a shared pen saves nothing; restyling
        happens only when the user changes theme, zoom or presentation mode.)"""
        if style is None:
            return pg.mkPen(color, width=width * self.line_scale)
        return pg.mkPen(color, width=width * self.line_scale, style=style)

    #: Alpha of the fill behind text that lies on curves rather than on the heatmap (the
    #: parameters panel's w*/b* labels, the sweep's legend): the curves under it show through.
    SEE_THROUGH_ALPHA = 160

    def see_through_fill(self) -> QBrush:
        """The label fill, translucent: for text over curves the user must still see (a
        translucent fill is slower to paint, so only there)."""
        return pg.mkBrush(*self.label_fill[:3], self.SEE_THROUGH_ALPHA)

    def marker(self, size: float) -> float:
        """Marker size: half as much bigger as lines get thicker."""
        return size * (1.0 + 0.5 * (self.line_scale - 1.0))

    def font(self, scale: float = 1.0, bold: bool = False) -> QFont:
        font = QFont()
        font.setPointSizeF(self.font_pt * scale)
        font.setBold(bold)
        return font

    def visible(self, colour: str) -> str:
        """A run's colour, adjusted where it would be hard to see on the background."""
        return readable_colour(colour, self.background)

    @property
    def blue(self) -> str:
        """Okabe–Ito blue, or its sky blue on a dark background (the blue is too dark there)."""
        return "#56B4E9" if self.dark else "#0072B2"

    @property
    def grey(self) -> str:
        """Reference lines (true line, least squares): a mid grey that reads on both backgrounds."""
        return "#A0A0A0" if self.dark else "#7F7F7F"

    @property
    def css_size(self) -> str:
        return f"{self.font_pt:.1f}pt"


#: Lines and text in a run's colour keep at least this contrast with the background (WCAG's
#: minimum for graphics): Okabe–Ito's yellow on white or black on dark would not.
MIN_CONTRAST = 3.0
#: Text (links, labels) keeps WCAG's minimum for normal-size text.
TEXT_CONTRAST = 4.5


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(QColor(a)), _luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@lru_cache(maxsize=256)
def readable_colour(colour: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """``colour`` if it stands out from ``background`` (contrast ≥ ``minimum``), else the
    same hue made darker (on a light background) or lighter (on a dark one) until it does."""
    c = QColor(colour)
    if not c.isValid() or contrast(colour, background) >= minimum:
        return colour
    darken = _luminance(QColor(background)) > 0.5
    h, s, lightness, _a = c.getHslF()
    for step in range(1, 21):
        value = lightness * (1 - step / 20) if darken else lightness + (1 - lightness) * step / 20
        candidate = QColor.fromHslF(max(h, 0.0), s, value).name()
        if contrast(candidate, background) >= minimum:
            return candidate
    return "#000000" if darken else "#FFFFFF"


LIGHT_PLOTS = PlotStyle()
DARK_PLOTS = PlotStyle(dark=True, background="#1E1F22", foreground="#E6E6E6", label_fill=(30, 31, 34, 255))


def plot_style(appearance: Appearance, dark: bool | None = None) -> PlotStyle:
    """The plot style for ``appearance`` (``dark``: already resolved, e.g. by the applier)."""
    base = DARK_PLOTS if (appearance.is_dark() if dark is None else dark) else LIGHT_PLOTS
    return replace(base, font_pt=BASE_PLOT_FONT_PT * appearance.font_scale, line_scale=appearance.line_scale)


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (Qt has no portable 'make it dark' switch)."""
    p = QPalette()
    R = QPalette.ColorRole
    colours = {
        R.Window: "#2B2D30", R.WindowText: "#E6E6E6", R.Base: "#1E1F22", R.AlternateBase: "#2B2D30",
        R.ToolTipBase: "#3C3F41", R.ToolTipText: "#E6E6E6", R.PlaceholderText: "#8C8C8C", R.Text: "#E6E6E6",
        R.Button: "#3C3F41", R.ButtonText: "#E6E6E6", R.BrightText: "#FF6B6B", R.Light: "#4A4D50",
        R.Midlight: "#3F4245", R.Mid: "#35373A", R.Dark: "#1B1C1E", R.Shadow: "#000000",
        R.Highlight: "#3D7CC9", R.HighlightedText: "#FFFFFF", R.Link: "#56B4E9", R.LinkVisited: "#CC79A7",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (R.WindowText, R.Text, R.ButtonText):
        p.setColor(disabled, role, QColor("#7A7A7A"))
    p.setColor(disabled, R.Highlight, QColor("#505254"))
    return p


class AppearanceApplier:
    """Applies an Appearance to the QApplication, remembering the font and palette it
    started with so zoom is relative to the user's own font size and 'light' is the
    style's own palette."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.base_font = QFont(app.font())
        self.base_palette = QPalette(app.palette())
        self.base_style = app.style().name() if app.style() else ""
        self._fusion = False

    @property
    def desktop_is_dark(self) -> bool:
        """The palette the application started with is dark (the desktop's own choice)."""
        return self.base_palette.color(QPalette.ColorRole.Window).lightness() < 128

    def is_dark(self, appearance: Appearance) -> bool:
        return appearance.is_dark(self.desktop_is_dark)

    def apply(self, appearance: Appearance) -> None:
        dark = self.is_dark(appearance)
        if dark and not self._fusion:
            # Fusion draws every widget from the palette, so a dark palette looks right on
            # every platform (native styles may ignore it)
            self.app.setStyle(QStyleFactory.create("Fusion"))
            self._fusion = True
        # (each set re-polishes every widget: skipped when nothing changes, e.g. at start-up)
        palette = dark_palette() if dark else self._light_palette()
        if palette != self.app.palette():
            self.app.setPalette(palette)
        font = QFont(self.base_font)
        size = self.base_font.pointSizeF() if self.base_font.pointSizeF() > 0 else 9.0
        font.setPointSizeF(size * appearance.font_scale)
        if font != self.app.font():
            self.app.setFont(font)

    def _light_palette(self) -> QPalette:
        style = self.app.style()
        return style.standardPalette() if self._fusion and style is not None else self.base_palette

    def restore(self) -> None:
        """Back to how the application was (tests; a window closing)."""
        if self._fusion and self.base_style:
            self.app.setStyle(self.base_style)
            self._fusion = False
        self.app.setPalette(self.base_palette)
        self.app.setFont(self.base_font)


#: Tones of text that carries meaning (error, warning, hint) and of the message banners,
#: as (light theme, dark theme) colours: the dark ones keep the contrast on a dark window.
TONES: dict[str, tuple[str, str]] = {
    "error": ("color: #B00020;", "color: #FF8A80;"),
    "warn": ("color: #B35C00;", "color: #F0A860;"),
    "hint": ("color: #555555;", "color: #A8A8A8;"),
    "invalid": ("QLineEdit { border: 1px solid #B00020; }", "QLineEdit { border: 1px solid #FF8A80; }"),
    "banner-error": ("background: #FDECEA; color: #611A15; border: 1px solid #D55E00; border-radius: 4px; "
                     "padding: 6px;",
                     "background: #3B1F1C; color: #FFD7D1; border: 1px solid #D55E00; border-radius: 4px; "
                     "padding: 6px;"),
    "banner-info": ("background: #E8F4FD; color: #0D3C61; border: 1px solid #56B4E9; border-radius: 4px; "
                    "padding: 6px;",
                    "background: #1B3447; color: #D6ECFA; border: 1px solid #56B4E9; border-radius: 4px; "
                    "padding: 6px;"),
}
_TONE_PROPERTY = "gdviewerTone"


def palette_is_dark() -> bool:
    app = QApplication.instance()
    palette = app.palette() if isinstance(app, QApplication) else QPalette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour ``widget``'s text (or frame) by meaning; ``refresh_tones`` re-colours it when
    the theme changes. None: back to the palette's colours."""
    if tone is not None and tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}")
    widget.setProperty(_TONE_PROPERTY, tone or "")
    widget.setStyleSheet(TONES[tone][palette_is_dark()] if tone else "")


def tone_of(widget: QWidget) -> str | None:
    return widget.property(_TONE_PROPERTY) or None


def refresh_tones(root: QWidget) -> None:
    """Re-apply every tone under ``root`` (after the palette changed)."""
    for widget in [root, *root.findChildren(QWidget)]:
        tone = tone_of(widget)
        if tone:
            widget.setStyleSheet(TONES[tone][palette_is_dark()])


def apply_plot_theme() -> None:
    """pyqtgraph's global options; call before any plot is made (panels then restyle
    themselves from a PlotStyle)."""
    pg.setConfigOptions(background="w", foreground="k", antialias=False, imageAxisOrder="col-major")

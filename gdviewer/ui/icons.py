"""Icons for actions and the window, drawn from the SVG files in ``resources/icons/``.

Why SVG drawn here rather than PNGs or the platform's icon theme: one small file per icon
serves every size and screen density, looks the same on Linux, macOS and Windows (Windows
and macOS have no freedesktop icon theme), and can be recoloured. The action icons are
drawn in ``currentColor``; :func:`icon` substitutes a real colour (by default the palette's
button text colour) so the icons follow a light or a dark theme. The app icon
(``gdviewer.svg``) keeps its own colours: see :func:`app_icon`.

Everything here makes pixmaps, so it needs a ``QGuiApplication`` and the GUI thread.
A ``QIcon`` does not change when the palette does: after a theme switch, call :func:`icon`
again and set the new icon (the cache is keyed by colour, so the old one is kept for
switching back).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from gdviewer.assets import resource_path, resources_dir

APP_ICON = "gdviewer"
"""The application icon's name in ``resources/icons/`` (also the freedesktop ``Icon=`` name)."""

ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64)
"""Logical sizes an action icon is drawn at: menus (16), toolbars (24, 32), big buttons."""

APP_ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)
"""Sizes of the window icon: title bars and task bars take small ones, docks and switchers large."""

_PLACEHOLDER = "currentColor"


def icon_names() -> list[str]:
    """Names accepted by :func:`icon`, sorted: every ``resources/icons/*.svg`` but the app icon.

    For menus of icons, tests and documentation, so nobody keeps a second list by hand.
    """
    folder = resources_dir() / "icons"
    return sorted(p.stem for p in folder.glob("*.svg") if p.stem != APP_ICON)


def icon(name: str, color: QColor | str | None = None) -> QIcon:
    """The action icon ``resources/icons/{name}.svg`` drawn in ``color``.

    ``color`` is a ``QColor`` or anything ``QColor`` parses (``"#d55e00"``, ``"red"``); the
    default is the application palette's button text colour, so the icon reads on the
    current theme's buttons and menus. Icons are cached per (name, colour): asking again is
    cheap and returns the same ``QIcon``.

    Raises FileNotFoundError naming the file if there is no such icon, ValueError for a
    name that is not a plain file name or a colour Qt cannot parse.
    """
    _check_name(name)
    _require_app(name)
    if color is None:
        qcolor = QGuiApplication.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    else:
        qcolor = QColor(color)
        if not qcolor.isValid():
            raise ValueError(f"icon {name!r}: {color!r} is not a colour")
    return _recoloured_icon(name, qcolor.name(QColor.NameFormat.HexArgb))


def app_icon() -> QIcon:
    """The application's own icon, in its own colours, at 16 to 256 px (window, task bar, dock)."""
    _require_app(APP_ICON)
    return _app_icon()


def _require_app(name: str) -> None:
    if QGuiApplication.instance() is None:
        # Without one, QPixmap aborts the process instead of raising.
        raise RuntimeError(f"icon {name!r}: create the QApplication before asking for icons")


def _check_name(name: str) -> None:
    # resource_path would happily follow "../presets" out of icons/; an icon name is a stem.
    if not name or name.startswith(".") or any(c in name for c in "/\\"):
        raise ValueError(f"{name!r} is not an icon name (a file name without .svg, e.g. 'play')")


@cache
def _svg_text(name: str) -> str:
    return resource_path(f"icons/{name}.svg").read_text(encoding="utf-8")


def _pixel_sizes(sizes: tuple[int, ...]) -> list[int]:
    """``sizes`` times every screen's device pixel ratio, so HiDPI screens get sharp pixmaps
    rather than an upscaled 1x one (a vector file drawn at 48 px is the same for 48@1x and
    24@2x, so pixel sizes are all that matter)."""
    ratios = {1.0} | {screen.devicePixelRatio() for screen in QGuiApplication.screens()}
    return sorted({round(size * ratio) for size in sizes for ratio in ratios})


def _render(renderer: QSvgRenderer, pixels: int, opacity: float = 1.0) -> QPixmap:
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    if opacity < 1.0:
        # Afterwards, on the whole image: the painter's opacity would apply to each shape, and
        # where a shape's fill and stroke overlap the icon would come out darker.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
        painter.fillRect(image.rect(), QColor(0, 0, 0, round(255 * opacity)))
    painter.end()
    return QPixmap.fromImage(image)


def _build_icon(name: str, svg: str, sizes: tuple[int, ...], opacity: float = 1.0) -> QIcon:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError(f"icon {name!r}: resources/icons/{name}.svg is not a valid SVG")
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    result = QIcon()
    for pixels in _pixel_sizes(sizes):
        result.addPixmap(_render(renderer, pixels, opacity))
    return result


@cache
def _recoloured_icon(name: str, argb: str) -> QIcon:
    color = QColor(argb)
    # SVG colours have no alpha in them; a translucent colour becomes the pixmaps' alpha (see _render).
    svg = _svg_text(name).replace(_PLACEHOLDER, color.name(QColor.NameFormat.HexRgb))
    return _build_icon(name, svg, ICON_SIZES, color.alphaF())


@cache
def _app_icon() -> QIcon:
    return _build_icon(APP_ICON, _svg_text(APP_ICON), APP_ICON_SIZES)

"""gdviewer.ui.icons: every SVG draws, icons take the colour asked for, bad names fail clearly."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QIcon, QImage, QPalette
from PySide6.QtSvg import QSvgRenderer

from gdviewer.assets import resources_dir
from gdviewer.ui import icons

# The actions the window is meant to show; a rename here is a rename there.
ACTION_ICONS = [
    "play", "pause", "step", "step-epoch", "step-back", "reset", "open", "save", "export", "code",
    "sweep", "help", "shortcuts", "fullscreen", "presentation", "zoom-in", "zoom-out", "theme",
    "readouts", "add-run", "remove-run", "duplicate-run",
]


def _opaque_pixels(image: QImage) -> list[QColor]:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return [c for y in range(image.height()) for x in range(image.width())
            if (c := image.pixelColor(x, y)).alpha() > 200]


def _image(icon: QIcon, size: int = 24) -> QImage:
    return icon.pixmap(size, size).toImage()


def test_every_svg_is_valid_and_action_icons_are_recolourable_24px_line_icons(qapp):
    files = sorted((resources_dir() / "icons").glob("*.svg"))
    assert files
    for path in files:
        assert QSvgRenderer(str(path)).isValid(), path.name
        text = path.read_text(encoding="utf-8")
        assert len(text) < 2000, f"{path.name} is not tiny"
        if path.stem == icons.APP_ICON:
            assert "currentColor" not in text  # its own colours
            continue
        assert 'viewBox="0 0 24 24"' in text, path.name
        assert "currentColor" in text, path.name
        # only currentColor or none, else that part would not follow the theme
        colours = set(re.findall(r'(?:fill|stroke)="([^"]+)"', text))
        assert colours <= {"currentColor", "none"}, (path.name, colours)


def test_icon_names_lists_the_action_icons_but_not_the_app_icon(qapp):
    names = icons.icon_names()
    assert names == sorted(names)
    assert set(ACTION_ICONS) <= set(names)
    assert icons.APP_ICON not in names


@pytest.mark.parametrize("name", ACTION_ICONS)
def test_icon_draws_something_at_24_px(qapp, name):
    icon = icons.icon(name)
    assert not icon.isNull()
    image = _image(icon)
    assert image.width() == 24
    assert _opaque_pixels(image), f"{name} is fully transparent at 24 px"


def test_icon_has_every_size_a_toolbar_or_menu_asks_for(qapp):
    widths = {s.width() for s in icons.icon("play", "black").availableSizes()}
    assert set(icons.ICON_SIZES) <= widths


def test_recolouring_changes_the_pixels_colour(qapp):
    red = _opaque_pixels(_image(icons.icon("play", "#ff0000")))
    blue = _opaque_pixels(_image(icons.icon("play", QColor(0, 0, 255))))
    assert red and blue
    assert all(c.red() > 200 and c.blue() < 60 for c in red)
    assert all(c.blue() > 200 and c.red() < 60 for c in blue)


def test_default_colour_follows_the_application_palette(qapp):
    original = qapp.palette()
    palette = QPalette(original)
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText, QColor("#00ff00"))
    qapp.setPalette(palette)
    try:
        pixels = _opaque_pixels(_image(icons.icon("pause")))
    finally:
        qapp.setPalette(original)
    assert pixels
    assert all(c.green() > 200 and c.red() < 60 and c.blue() < 60 for c in pixels)


def test_translucent_colour_gives_translucent_pixels(qapp):
    image = _image(icons.icon("pause", QColor(0, 0, 0, 100))).convertToFormat(QImage.Format.Format_ARGB32)
    alphas = {image.pixelColor(x, y).alpha() for y in range(24) for x in range(24)}
    assert max(alphas) <= 110
    assert max(alphas) >= 90


def test_icons_are_cached_per_name_and_colour(qapp):
    assert icons.icon("save", "red") is icons.icon("save", QColor("red"))
    assert icons.icon("save", "red") is not icons.icon("save", "blue")


def test_missing_icon_raises_file_not_found_naming_it(qapp):
    with pytest.raises(FileNotFoundError, match="no-such-icon"):
        icons.icon("no-such-icon")


@pytest.mark.parametrize("name", ["", "../presets", "icons/play", ".hidden"])
def test_a_path_is_not_an_icon_name(qapp, name):
    with pytest.raises(ValueError, match="not an icon name"):
        icons.icon(name)


def test_an_unparsable_colour_is_a_value_error(qapp):
    with pytest.raises(ValueError, match="not a colour"):
        icons.icon("play", "not-a-colour")


def test_app_icon_has_its_own_colours_from_16_to_256_px(qapp):
    app_icon = icons.app_icon()
    assert not app_icon.isNull()
    widths = {s.width() for s in app_icon.availableSizes()}
    assert {16, 32, 256} <= widths
    image = _image(app_icon, 256)
    assert image.width() == 256
    pixels = _opaque_pixels(image)
    orange = [c for c in pixels if c.red() > 200 and 130 < c.green() < 180 and c.blue() < 40]  # #E69F00
    green = [c for c in pixels if c.red() < 30 and 140 < c.green() < 175 and 100 < c.blue() < 135]  # #009E73
    assert orange and green

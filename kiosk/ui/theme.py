"""The look of the kiosk: colours, fonts and sizes, from a TOML file (assets/theme.toml). Pure.

`Theme` is the typed form of that file: one dataclass per table (`[colors]`, `[fonts]`,
`[sizes]`), and every key is documented here, where it is declared. A key missing from
the file keeps its default below; an unknown key or a bad value stops the kiosk with
one line naming the file and the key (`theme FILE: colors.primary: ...`).

Colours are "#rrggbb" (or "#rrggbbaa" where a colour may be translucent) or an array
[r, g, b(, a)] of 0-255. Sizes are fractions of the screen height, so a theme looks
the same from 1280x720 to 3840x2160 and on a portrait screen.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import InputError, read_toml

Color = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

DEFAULT_THEME_FILE = Path(__file__).resolve().parent.parent.parent / "assets" / "theme.toml"


@dataclass(frozen=True)
class Colors:
    background: Color = (24, 28, 36)
    """Behind everything where the camera picture does not reach."""
    panel: RGBA = (250, 250, 252, 240)
    """The checkout panel floating over the picture (alpha: how much of the picture shows through)."""
    text: Color = (22, 26, 34)
    muted: Color = (96, 104, 118)
    warning: Color = (190, 60, 20)
    warning_box: Color = (255, 244, 214)
    on_dark: Color = (255, 255, 255)
    """Text on primary / danger buttons, toasts and the picture."""
    primary: Color = (18, 120, 96)
    secondary: Color = (214, 220, 230)
    outline: Color = (150, 158, 172)
    danger: Color = (200, 64, 64)
    disabled: Color = (200, 204, 210)
    hover_border: Color = (255, 176, 0)
    field: Color = (255, 255, 255)
    """The keypad's entry field."""
    highlight: Color = (255, 236, 179)
    """The attract screen's current instruction."""
    cursor: Color = (255, 176, 0)
    """The cursor's ring and the 👌 press progress."""
    dwell: Color = (60, 160, 255)
    """Dwell progress on the cursor's ring."""
    gesture: Color = (190, 120, 255)
    """Progress of a held gesture (✋ back, 👍 confirm) and the grab."""
    toast: Color = (18, 120, 96)
    hand: Color = (80, 230, 160)
    hand_dimmed: Color = (150, 150, 150)
    confetti: tuple[Color, ...] = ((255, 176, 0), (18, 120, 96), (60, 160, 255), (200, 64, 64), (190, 120, 255))
    """The receipt's celebration."""


@dataclass(frozen=True)
class Fonts:
    file: Path | None = None
    """A .ttf / .otf file (relative to the theme file), or "" for pygame's built-in font."""
    scale: float = 1.0
    """Every text size times this (0.8-1.4); long texts still shrink to fit their space."""


@dataclass(frozen=True)
class Sizes:
    """Fractions of the screen height (panel_width: of the width)."""

    pad: float = 0.025
    row: float = 0.10
    """Catalog and cart row pitch."""
    button: float = 0.085
    """Button height; never below layout.MIN_TARGET, a hand-sized target."""
    font: float = 0.036
    """Body text. At 0.036 a 1080-px-high 43" screen shows 19 mm capitals: readable from a metre."""
    title: float = 0.055
    radius: float = 0.012
    """Corner radius of panel and buttons."""
    cursor: float = 0.028
    """Radius of the cursor's ring."""
    panel_width: float = 0.42
    """Landscape: the panel's share of the screen width (at least 0.9 of the height)."""


@dataclass(frozen=True)
class Theme:
    colors: Colors = Colors()
    fonts: Fonts = Fonts()
    sizes: Sizes = Sizes()


THEME = Theme()

_RANGES = {
    "fonts.scale": (0.8, 1.4),
    "sizes.pad": (0.005, 0.06), "sizes.row": (0.08, 0.2), "sizes.button": (0.08, 0.18),
    "sizes.font": (0.02, 0.07), "sizes.title": (0.03, 0.1), "sizes.radius": (0.0, 0.05),
    "sizes.cursor": (0.01, 0.06), "sizes.panel_width": (0.3, 0.6),
}
_HEX = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


class _Bad(ValueError):
    pass


def _color(value: object, alpha: bool) -> tuple[int, ...]:
    want = "\"#rrggbbaa\", \"#rrggbb\" or [r, g, b, a]" if alpha else "\"#rrggbb\" or [r, g, b]"
    if isinstance(value, str):
        if not _HEX.match(value) or (len(value) == 9 and not alpha):
            raise _Bad(f"must be {want}")
        parts = [int(value[i:i + 2], 16) for i in range(1, len(value), 2)]
    elif isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        if len(value) not in ((3, 4) if alpha else (3,)) or not all(0 <= v <= 255 for v in value):
            raise _Bad(f"must be {want}, each 0-255")
        parts = list(value)
    else:
        raise _Bad(f"must be {want}")
    if alpha and len(parts) == 3:
        parts.append(255)
    return tuple(parts)


def _value(key: str, f: dataclasses.Field, value: object, base: Path) -> object:
    default = f.default
    if key == "colors.confetti":
        if not isinstance(value, list) or not 1 <= len(value) <= 12:
            raise _Bad("must be a list of 1-12 colours")
        return tuple(_color(v, False) for v in value)
    if isinstance(default, tuple):
        return _color(value, alpha=len(default) == 4)
    if key == "fonts.file":
        if not isinstance(value, str):
            raise _Bad("must be a file path, or \"\" for the built-in font")
        if not value:
            return None
        path = (base / value).resolve()
        if not path.is_file():
            raise _Bad(f"font file not found at {path}")
        return path
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad("must be a number")
    lo, hi = _RANGES[key]
    if not lo <= float(value) <= hi:  # also refuses nan
        raise _Bad(f"must be within {lo}-{hi}")
    return float(value)


def parse_theme(data: dict, base: Path) -> Theme:
    """Validate parsed TOML; raises ValueError("key: reason") naming the first bad key."""
    sections = {f.name: f.type for f in dataclasses.fields(Theme)}
    parts: dict[str, object] = {}
    for name in data:
        if name not in sections:
            raise ValueError(f"{_printable(name)}: unknown table (known: {', '.join(sections)})")
    for name, cls in (("colors", Colors), ("fonts", Fonts), ("sizes", Sizes)):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ValueError(f"{name}: must be a table [{name}]")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values = {}
        for key, value in table.items():
            dotted = f"{name}.{_printable(key)}"
            if key not in fields:
                raise ValueError(f"{dotted}: unknown key")
            try:
                values[key] = _value(f"{name}.{key}", fields[key], value, base)
            except _Bad as e:
                raise ValueError(f"{dotted}: {e}") from None
        parts[name] = cls(**values)
    theme = Theme(**parts)
    if theme.sizes.button > theme.sizes.row:
        raise ValueError("sizes.button: must not be larger than sizes.row")
    return theme


def _printable(key: str) -> str:
    return key if key.isprintable() else repr(key)


def load_theme(path: Path) -> Theme:
    """Load and validate a theme file; any problem is one InputError line naming the file and the key."""
    data = read_toml(path, "theme")
    try:
        return parse_theme(data, path.parent)
    except ValueError as e:
        raise InputError(f"theme {path}: {e}") from None

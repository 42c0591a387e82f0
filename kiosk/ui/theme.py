"""The look of the kiosk: colours, fonts and sizes, from a TOML file (assets/theme.toml). Pure.

`Theme` is the typed form of that file (pydantic, like the config and the catalog): one
model per table (`[colors]`, `[fonts]`, `[sizes]`), and every key is documented here,
where it is declared. A key missing from the file keeps its default below; an unknown
key or a bad value stops the kiosk with one line naming the file and the key
(`theme FILE: colors.primary: ...`).

Colours are "#rrggbb" (or "#rrggbbaa" where a colour may be translucent) or an array
[r, g, b(, a)] of 0-255. Sizes are fractions of the screen height, so a theme looks
the same from 1280x720 to 3840x2160 and on a portrait screen.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from kiosk.errors import invalid, read_toml

DEFAULT_THEME_FILE = Path(__file__).resolve().parent.parent.parent / "assets" / "theme.toml"

_HEX = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def _color(value: object, alpha: bool) -> tuple[int, ...]:
    """"#rrggbb(aa)" or [r, g, b(, a)] -> a tuple; RGBA colours given as RGB are opaque."""
    want = "\"#rrggbbaa\", \"#rrggbb\" or [r, g, b, a]" if alpha else "\"#rrggbb\" or [r, g, b]"
    if isinstance(value, str):
        if not _HEX.match(value) or (len(value) == 9 and not alpha):
            raise ValueError(f"must be {want}")
        parts = [int(value[i:i + 2], 16) for i in range(1, len(value), 2)]
    elif isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        if len(value) not in ((3, 4) if alpha else (3,)) or not all(0 <= v <= 255 for v in value):
            raise ValueError(f"must be {want}, each 0-255")
        parts = list(value)
    else:
        raise ValueError(f"must be {want}")
    if alpha and len(parts) == 3:
        parts.append(255)
    return tuple(parts)


def _font_file(value: object, info: ValidationInfo) -> Path | None:
    """A font path relative to the theme file (the validation context's "base"); "" = Noto Sans."""
    if value is None or value == "":
        return None
    if not isinstance(value, (str, Path)):
        raise ValueError("must be a file path, or \"\" for the built-in Noto Sans")
    base = (info.context or {}).get("base")
    path = (base / value).resolve() if base is not None else Path(value)
    if not path.exists():
        raise ValueError(f"font file not found at {path}")
    from kiosk.ui.fonts import check_font  # fontTools, only when a theme names a font

    check_font(path)  # a file that is no font (or a FIFO, or unreadable) stops the kiosk here, not at its first text
    return path


Color = Annotated[tuple[int, int, int], BeforeValidator(lambda v: _color(v, alpha=False))]
RGBA = Annotated[tuple[int, int, int, int], BeforeValidator(lambda v: _color(v, alpha=True))]


class _Table(BaseModel):
    # Numbers are strict (Field(strict=True)): `true` or "0.1" in the file is a mistake, not 1.0 or 0.1.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True)


class Colors(_Table):
    background: Color = (24, 28, 36)
    """Behind everything where the camera picture does not reach."""
    panel: RGBA = (244, 245, 248, 255)
    """The checkout panel floating over the picture. Opaque by default: it is then copied, not blended, each
    frame (cheaper at 4K); an alpha below 255 lets the picture show through, at a cost per frame."""
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
    confetti: Annotated[tuple[Color, ...], Field(min_length=1, max_length=12)] = (
        (255, 176, 0), (18, 120, 96), (60, 160, 255), (200, 64, 64), (190, 120, 255))
    """The receipt's celebration."""


class Fonts(_Table):
    file: Annotated[Path | None, BeforeValidator(_font_file)] = None
    """A .ttf / .otf file (relative to the theme file), or "" for the built-in Noto Sans. Either way
    the characters it lacks come from the Noto fonts for other scripts, Noto Sans Symbols, Noto
    Emoji and DejaVu Sans (kiosk/ui/fonts.py). Sizes are set so its capitals are as high as
    Noto Sans' (its OS/2 cap height). A variable font is made bold at wght=700."""
    scale: float = Field(1.0, ge=0.8, le=1.4, strict=True)
    """Every text size times this (0.8-1.4); long texts still shrink to fit their space."""


class Sizes(_Table):
    """Fractions of the screen height (panel_width: of the width)."""

    pad: float = Field(0.025, ge=0.005, le=0.06, strict=True)
    row: float = Field(0.10, ge=0.08, le=0.2, strict=True)
    """Catalog and cart row pitch."""
    button: float = Field(0.085, ge=0.08, le=0.18, strict=True)
    """Button height; never below layout.MIN_TARGET, a hand-sized target."""
    font: float = Field(0.036, ge=0.02, le=0.07, strict=True)
    """Body text. At 0.036 a 1080-px-high 43" screen shows 19 mm capitals: readable from a metre."""
    title: float = Field(0.055, ge=0.03, le=0.1, strict=True)
    radius: float = Field(0.012, ge=0.0, le=0.05, strict=True)
    """Corner radius of panel and buttons."""
    cursor: float = Field(0.028, ge=0.01, le=0.06, strict=True)
    """Radius of the cursor's ring."""
    panel_width: float = Field(0.42, ge=0.3, le=0.6, strict=True)
    """Landscape: the panel's share of the screen width (at least 0.9 of the height)."""

    @field_validator("button")
    @classmethod
    def _button_fits_a_row(cls, button: float, info: ValidationInfo) -> float:
        if button > info.data.get("row", button):
            raise ValueError("must not be larger than sizes.row")
        return button


class Theme(_Table):
    colors: Colors = Colors()
    fonts: Fonts = Fonts()
    sizes: Sizes = Sizes()


THEME = Theme()


def parse_theme(data: dict, base: Path) -> Theme:
    """Validate parsed TOML; a font file resolves from `base`. Raises pydantic.ValidationError."""
    return Theme.model_validate(data, context={"base": base})


def load_theme(path: Path) -> Theme:
    """Load and validate a theme file; any problem is one InputError line naming the file and the key."""
    data = read_toml(path, "theme")
    try:
        return parse_theme(data, path.parent)
    except ValidationError as e:
        raise invalid("theme", path, e) from None

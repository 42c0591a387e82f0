"""Tests for kiosk.ui.theme: assets/theme.toml is the typed Theme; a bad value is one line naming file and key."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kiosk.errors import InputError
from kiosk.ui.fonts import default_chain
from kiosk.ui.theme import DEFAULT_THEME_FILE, THEME, Colors, Fonts, Sizes, Theme, load_theme

ROOT = Path(__file__).resolve().parent.parent
DEJAVU = default_chain().faces[-1]  # matplotlib's DejaVu Sans: a real font to name


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "theme.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error(path: Path) -> str:
    with pytest.raises(InputError) as exc:
        load_theme(path)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(f"theme {path}: "), msg
    return msg


def test_shipped_theme_file_is_the_default_theme_and_lists_every_key():
    assert DEFAULT_THEME_FILE == ROOT / "assets" / "theme.toml"
    assert load_theme(DEFAULT_THEME_FILE) == THEME == Theme()
    data = tomllib.loads(DEFAULT_THEME_FILE.read_text(encoding="utf-8"))
    for section, cls in (("colors", Colors), ("fonts", Fonts), ("sizes", Sizes)):
        assert set(data[section]) == set(cls.model_fields), section


def test_empty_file_gives_defaults(tmp_path):
    assert load_theme(write(tmp_path, "")) == Theme()


def test_values_override(tmp_path):
    (tmp_path / "f.ttf").write_bytes(DEJAVU.read_bytes())
    t = load_theme(write(tmp_path, """
[colors]
primary = "#ff0000"
panel = [1, 2, 3]
confetti = ["#000000", [1, 2, 3]]
[fonts]
file = "f.ttf"
scale = 1.2
[sizes]
button = 0.09
"""))
    assert t.colors.primary == (255, 0, 0)
    assert t.colors.panel == (1, 2, 3, 255)  # RGBA, opaque when no alpha is given
    assert t.colors.confetti == ((0, 0, 0), (1, 2, 3))
    assert t.fonts.file == (tmp_path / "f.ttf").resolve() and t.fonts.scale == 1.2
    assert t.sizes.button == 0.09 and t.sizes.row == Sizes().row
    assert t.colors.text == Colors().text


@pytest.mark.parametrize("text, key", [
    ("[colours]\nprimary = '#000000'\n", "colours"),
    ("[colors]\nprimry = '#000000'\n", "colors.primry"),
    ("[colors]\nprimary = '#00000'\n", "colors.primary"),
    ("[colors]\nprimary = '#00000000'\n", "colors.primary"),  # no alpha where none is allowed
    ("[colors]\nprimary = [1, 2]\n", "colors.primary"),
    ("[colors]\nprimary = [1, 2, 300]\n", "colors.primary"),
    ("[colors]\nprimary = 7\n", "colors.primary"),
    ("[colors]\nconfetti = []\n", "colors.confetti"),
    ("[fonts]\nfile = 'missing.ttf'\n", "fonts.file"),
    ("[fonts]\nscale = 3\n", "fonts.scale"),
    ("[sizes]\nbutton = 0.05\n", "sizes.button"),  # below a hand-sized target
    ("[sizes]\nfont = nan\n", "sizes.font"),
    ("[sizes]\nrow = true\n", "sizes.row"),
    ("[sizes]\nrow = 0.09\nbutton = 0.1\n", "sizes.button"),
    ("colors = 3\n", "colors"),
])
def test_bad_values_name_the_key(tmp_path, text, key):
    assert f": {key}: " in error(write(tmp_path, text))


def test_a_font_file_that_is_no_font_is_refused_at_load(tmp_path):
    (tmp_path / "f.ttf").write_bytes(b"\0" * 64)
    msg = error(write(tmp_path, "[fonts]\nfile = 'f.ttf'\n"))
    assert ": fonts.file: " in msg and f"{tmp_path / 'f.ttf'}: not a font file" in msg


def _without(tag: str) -> bytes:
    """DejaVu Sans without one table: fontTools still reads its cmap, FreeType cannot draw it."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(str(DEJAVU))
    del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@pytest.mark.parametrize("tag", ["head", "hhea", "hmtx", "loca"])
def test_a_font_file_fonttools_half_reads_is_refused_at_load_not_at_the_first_text(tmp_path, tag):
    # Before: the theme loaded (its cmap was fine) and the renderer died with KeyError 'head' or
    # pygame.error "Passed a NULL pointer" at its first text.
    (tmp_path / "f.ttf").write_bytes(_without(tag))
    msg = error(write(tmp_path, "[fonts]\nfile = 'f.ttf'\n"))
    assert ": fonts.file: " in msg and f"{tmp_path / 'f.ttf'}: not a font file (" in msg


def test_a_font_path_that_is_a_fifo_is_refused_at_once(tmp_path):
    import os

    os.mkfifo(tmp_path / "f.ttf")
    msg = error(write(tmp_path, "[fonts]\nfile = 'f.ttf'\n"))
    assert ": fonts.file: " in msg and "not a regular file" in msg


def test_key_with_a_line_break_stays_one_line(tmp_path):
    assert "colors." in error(write(tmp_path, '[colors]\n"a\\nb" = 1\n'))


def test_missing_and_broken_files(tmp_path):
    assert "not found" in error(tmp_path / "nope.toml")
    assert "TOML" in error(write(tmp_path, "[colors\n"))

"""kiosk.ui.fonts: which characters the kiosk can draw, and text drawn from several faces on one line.

Pixel checks run on off-screen Surfaces under SDL_VIDEODRIVER=dummy (tests/conftest.py sets it).
"""
from __future__ import annotations

import os
import sys

import numpy as np
import pygame
import pytest

from kiosk.ui import fonts
from kiosk.ui.fonts import FontChain, Typeface, default_chain, missing_glyphs, visual_order
from kiosk.ui.theme import Fonts

BLACK = (0, 0, 0)
PX = 64  # a layout text size, screen px


def face_name(index: int | None) -> str | None:
    return None if index is None else default_chain().faces[index].name


@pytest.fixture(scope="module")
def typeface() -> Typeface:
    pygame.font.init()
    return Typeface()


def ink(surface: pygame.Surface, threshold: int = 40) -> np.ndarray:
    """(w, h) booleans: where the text covers the pixel."""
    return pygame.surfarray.array_alpha(surface) > threshold


def inner_gaps(surface: pygame.Surface) -> list[int]:
    """Widths of the runs of empty columns between the first and the last inked column."""
    cols = ink(surface).any(axis=1)
    inked = np.flatnonzero(cols)
    gaps, run = [], 0
    for c in cols[inked[0]:inked[-1] + 1]:
        if c:
            if run:
                gaps.append(run)
            run = 0
        else:
            run += 1
    return gaps


# -- coverage (pure) ---------------------------------------------------------------------------------

def test_latin_and_the_catalog_scripts_have_glyphs():
    assert missing_glyphs("Apple") == ""
    assert missing_glyphs("Café ☕ قهوة שלום") == ""
    assert missing_glyphs("Croissant 🥐 ½ € Ω ж नमस्ते ไทย → ✓") == ""


def test_joiners_and_variation_selectors_need_no_glyph():
    assert missing_glyphs("☕\ufe0f") == ""  # emoji presentation
    assert missing_glyphs("👨\u200d👩\u200d👧") == ""
    assert missing_glyphs("a\U000E0100 b") == ""  # a variation selector no font has: nothing to draw


def test_cjk_is_missing_each_character_once_in_order():
    assert missing_glyphs("饺子") == "饺子"
    assert missing_glyphs("Dumplings 饺子饺 and 子") == "饺子"
    assert missing_glyphs("\U0010fffd") == "\U0010fffd"  # private use: in no font


def test_each_character_comes_from_the_first_face_that_has_it():
    assert face_for_name("A") == "NotoSans[wght].ttf"
    assert face_for_name("ق") == "NotoSansArabic[wght].ttf"
    assert face_for_name("ש") == "NotoSansHebrew[wght].ttf"
    assert face_for_name("🥐") == "NotoEmoji[wght].ttf"
    assert face_for_name("→") == "NotoSansSymbols[wght].ttf"
    assert face_for_name("✓") == "DejaVuSans.ttf"  # the last resort does serve
    assert fonts.face_for("饺") is None


def face_for_name(char: str) -> str | None:
    return face_name(fonts.face_for(char))


def test_runs_keep_spaces_out_of_the_emoji_face_and_marks_with_their_letter():
    runs = [(face_name(f), text) for f, text in default_chain().runs("Cafe\u0301 ☕\ufe0f tea")]
    assert runs == [("NotoSans[wght].ttf", "Cafe\u0301 "), ("NotoEmoji[wght].ttf", "☕\ufe0f"),
                    ("NotoSans[wght].ttf", " tea")]
    # An invisible character no face has is dropped; a visible one goes to the first face (its box).
    assert default_chain().runs("a\U000E0100b") == [(0, "ab")]
    assert default_chain().runs("a饺") == [(0, "a饺")]


def test_a_theme_font_comes_first_and_the_noto_fonts_fill_in():
    dejavu = default_chain().faces[-1]
    chain = FontChain(dejavu)
    assert chain.faces[0] == dejavu and dejavu not in chain.faces[1:]
    assert chain.face_for("A") == 0 and chain.face_for("ק") == 0  # DejaVu Sans has Hebrew
    assert chain.faces[chain.face_for("न")].name == "NotoSansDevanagari[wght].ttf"  # and no Devanagari
    assert chain.missing_glyphs("Café ☕ قهوة नमस्ते") == ""
    typeface = Typeface.for_theme(Fonts(file=dejavu, scale=1.2))
    assert typeface.chain.faces[0] == dejavu and typeface.scale == 1.2


def test_coverage_does_not_need_pygame(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygame", None)  # `import pygame` now fails
    assert FontChain().missing_glyphs("Tea 🍵 饺") == "饺"


# -- right to left (pure) --------------------------------------------------------------------------------

def test_left_to_right_text_is_left_alone():
    assert visual_order("Sandwich 2×") == "Sandwich 2×"


def test_arabic_is_joined_and_reversed():
    # بيت (beh, yeh, teh): drawn left to right as final teh, medial yeh, initial beh.
    assert visual_order("بيت") == "\ufe96\ufef4\ufe91"


def test_hebrew_is_reversed_with_brackets_paired_and_mirrored_and_numbers_kept():
    assert visual_order("שלום (עולם) 12") == "12 (םלוע) םולש"
    assert visual_order("Tea (שלום) 2") == "Tea (םולש) 2"  # Unicode 6.3 bracket pairs
    assert visual_order("שלום (abc) 12") == "12 (abc) םולש"
    assert visual_order("שלום  ") == "  םולש"  # trailing spaces at the paragraph's (right-to-left) end


@pytest.mark.parametrize("text", [
    "שלום (abc) 12", "Tea (שלום) 2", "a [שלום] b", "(x) שלום [y] 3.5 € {ק}", "مرحبا World 2025 (سلام)", "١٢٣ abc ש"])
def test_the_order_is_python_bidis_with_brackets_mirrored(text):
    """visual_order reorders from the levels python-bidi reports; its own get_display (no mirroring)
    must give the same order."""
    import arabic_reshaper
    from bidi import get_display
    from bidi.mirror import MIRRORED

    assert fonts.bidi_levels(text) is not None, "python-bidi's debug output changed: see fonts.bidi_levels"
    ours = visual_order(text)
    theirs = get_display(arabic_reshaper.reshape(text))
    assert len(ours) == len(theirs)
    assert all(a == b or MIRRORED.get(a) == b for a, b in zip(ours, theirs)), (ours, theirs)


# -- rendering (pygame) ---------------------------------------------------------------------------------

def test_a_word_is_one_run_with_no_gap_like_a_space(typeface):
    assert len(default_chain().runs("Sandwich")) == 1
    for px in (20, 39, PX):
        word = inner_gaps(typeface.render("Sandwich", px, BLACK))
        spaced = inner_gaps(typeface.render("Sand wich", px, BLACK))
        # "Sand wich" has one gap a space wide; no gap inside the word comes near it.
        assert max(word) < 0.6 * max(spaced), (px, word, spaced)
        assert max(word) < 0.15 * px


def test_size_is_the_rendered_size(typeface):
    for text in ("Sandwich", "Café ☕ قهوة שלום", "Croissant 🥐 ½ → ✓", "饺子", "", " "):
        for bold in (False, True):
            assert typeface.size(text, PX, bold) == typeface.render(text, PX, BLACK, bold).get_size(), (text, bold)


def test_runs_are_laid_side_by_side(typeface):
    text = "Café ☕ قهوة"
    runs = [(typeface.font(f, PX), run) for f, run in default_chain().runs(visual_order(text))]
    assert len(runs) >= 4
    assert typeface.render(text, PX, BLACK).get_width() == sum(font.size(run)[0] for font, run in runs)


def test_capitals_are_half_the_size_asked_as_with_the_built_in_font(typeface):
    for px in (20, 39, PX, 100):
        rows = np.flatnonzero(ink(typeface.render("H", px, BLACK), 127).any(axis=0))
        assert abs((rows[-1] - rows[0] + 1) - fonts.CAP_HEIGHT * px) <= max(1.5, 0.04 * px), px


def test_faces_share_one_baseline(typeface):
    """Noto Sans Arabic has a much taller line than Noto Sans (ascent 1.374 em against 1.069):
    top-aligned runs would put the alef ~14 px higher than the H at this size."""
    h_only = ink(typeface.render("H", PX, BLACK))
    h_width = np.flatnonzero(h_only.any(axis=1))[-1] + 1
    mixed = ink(typeface.render("H ا", PX, BLACK))
    h_bottom = np.flatnonzero(mixed[:h_width].any(axis=0))[-1]
    alef_bottom = np.flatnonzero(mixed[h_width + 2:].any(axis=0))[-1]
    assert abs(int(h_bottom) - int(alef_bottom)) <= 1


def test_an_emoji_is_drawn_not_a_box(typeface):
    emoji = typeface.render("🥐", PX, BLACK)
    box = typeface.font(0, PX).render("🥐", True, BLACK)  # what the one-font renderer drew: .notdef
    missing = typeface.render("\U0010fffd", PX, BLACK)  # the chain's own box for a missing character
    assert ink(emoji).sum() > 0
    assert ink(box).sum() > 0 and ink(missing).sum() > 0
    for other in (box, missing):
        w, h = min(emoji.get_width(), other.get_width()), min(emoji.get_height(), other.get_height())
        differ = ink(emoji)[:w, :h] != ink(other)[:w, :h]
        assert emoji.get_size() != other.get_size() or differ.mean() > 0.05


def test_joined_arabic_has_no_gap_between_letters(typeface):
    joined = typeface.render("بيت", PX, BLACK)
    isolated = typeface.font(default_chain().face_for("ب"), PX).render("\ufe95\ufef1\ufe8f", True, BLACK)
    assert inner_gaps(isolated), "control: letters drawn unjoined stand apart"
    assert not inner_gaps(joined)


def test_arabic_renders_what_visual_order_says(typeface):
    arabic = default_chain().face_for("ب")
    want = typeface.font(arabic, PX, arabic=True).render("\ufe96\ufef4\ufe91", True, BLACK)
    got = typeface.render("بيت", PX, BLACK)
    assert got.get_size() == want.get_size()
    assert (ink(got) == ink(want)).all()


def test_letters_put_side_by_side_by_the_reordering_make_no_ligature(typeface):
    """In "بالحليب" (with milk) the reordering puts an initial lam left of a final alef. Unless
    the font is told the script is Arabic, SDL_ttf's HarfBuzz joins them into a lam-alef
    ligature that is not in the word (seen on a PNG): the pixels of that rendering must not come out."""
    arabic = default_chain().face_for("ب")
    visual = visual_order("بالحليب")
    assert "\ufedf\ufe8e" in visual  # the lam, then the alef, in drawing order
    false_ligature = ink(typeface.font(arabic, PX).render(visual, True, BLACK))
    got = ink(typeface.render("بالحليب", PX, BLACK))
    w = min(got.shape[0], false_ligature.shape[0])
    assert (got[:w] != false_ligature[:w]).mean() > 0.01


def test_bold_is_a_heavier_real_weight(typeface):
    regular = typeface.render("Sandwich", PX, BLACK)
    bold = typeface.render("Sandwich", PX, BLACK, bold=True)
    assert bold.get_width() > regular.get_width()
    assert ink(bold).sum() > 1.2 * ink(regular).sum()
    assert fonts.bold_instance(default_chain().faces[0]) is not None  # an instance, not set_bold


def test_text_keeps_its_colour_at_the_edges(typeface):
    """Antialiased edges of white text made of several runs stay white (only their alpha falls):
    no dark halo on the feed."""
    white = typeface.render("Café ☕ قهوة", PX, (255, 255, 255))
    rgb = pygame.surfarray.array3d(white)
    alpha = pygame.surfarray.array_alpha(white)
    edge = (alpha > 0) & (alpha < 200)
    assert edge.any() and (rgb[edge] >= 250).all()


def test_the_bold_instance_is_made_once_and_kept_in_the_cache(tmp_path, monkeypatch):
    from kiosk.ui import fonts

    source = fonts.default_chain().faces[0]  # Noto Sans, a variable font
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    fonts.bold_instance.cache_clear()
    made = fonts.bold_instance(source)
    kept = list((tmp_path / "cache" / "touchless-kiosk").glob("*-wght700.ttf"))
    assert made and len(kept) == 1 and kept[0].read_bytes() == made
    kept[0].write_bytes(made[:-1] + bytes([made[-1] ^ 1]))  # mark the kept copy: the next start must read it
    fonts.bold_instance.cache_clear()
    assert fonts.bold_instance(source) == kept[0].read_bytes() != made
    # a cache folder that cannot be written is only slower
    (tmp_path / "blocked").write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    fonts.bold_instance.cache_clear()
    again = fonts.bold_instance(source)  # made anew (its head table's date differs, nothing else)
    assert again[:4] == b"\x00\x01\x00\x00" and len(again) == len(made)
    fonts.bold_instance.cache_clear()


# -- hostile font files ------------------------------------------------------------------------------


def _dejavu_without(tag: str) -> bytes:
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(str(default_chain().faces[-1]))
    del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def test_a_face_freetype_cannot_open_is_one_line_naming_the_file(tmp_path):
    # No 'hhea': fontTools reads its cmap and cap height, FreeType refuses it. Before, the first
    # text raised pygame.error "Passed a NULL pointer", a traceback with no file in it.
    path = tmp_path / "nohhea.ttf"
    path.write_bytes(_dejavu_without("hhea"))
    face = Typeface(FontChain(path, fallbacks=[]))
    with pytest.raises(fonts.InputError) as e:
        face.render("A", PX, BLACK)
    assert str(e.value).startswith(f"font file {path}: not a font file (") and "\n" not in str(e.value)


def test_check_font_takes_a_real_font_and_refuses_the_rest_in_one_line(tmp_path):
    fonts.check_font(default_chain().faces[-1])  # DejaVu Sans
    fifo = tmp_path / "fifo.ttf"
    os.mkfifo(fifo)
    (tmp_path / "text.ttf").write_text("not a font\n")
    (tmp_path / "nohead.ttf").write_bytes(_dejavu_without("head"))
    for name, needle in (("fifo.ttf", "not a regular file"), ("text.ttf", "not a font file"),
                         ("nohead.ttf", "not a font file (no 'head' table)"), ("absent.ttf", "file not found")):
        with pytest.raises(ValueError) as e:
            fonts.check_font(tmp_path / name)
        assert str(tmp_path / name) in str(e.value) and needle in str(e.value) and "\n" not in str(e.value)

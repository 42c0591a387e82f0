"""The kiosk's typeface: Noto Sans with per-glyph fallback, so any catalog name renders (or is refused at load).

Two parts:

- Pure (no pygame; the catalog uses it): `FontChain`, the ordered font files (the theme's
  file or Noto Sans first, then the Noto script fonts, Noto Sans Symbols, Noto Emoji and
  matplotlib's DejaVu Sans as the last resort); each file's character coverage is read
  from its cmap once, on first need. `face_for(char)` is the first face that has a glyph,
  `missing_glyphs(text)` what no face has, `runs(text)` the text cut into pieces each drawn
  by one face, `visual_order(text)` right-to-left text in the order it is drawn.
- pygame (imported inside): `Typeface.render(text, px, color, bold)` / `.size(...)`, each
  run rendered by its face at one size and blitted on one baseline.

Size: `px` is the text size the layout asks for, as `pygame.font.Font(None, px)` took it;
capitals are CAP_HEIGHT * px high in the first face, as they were with pygame's built-in
font (measured: 9/20, 19/39, 32/64, 50/100 px), so layouts keep their proportions. Noto
Sans (capitals 0.714 em) is thus set at 0.7 * px; every face of a text at that same size.

Right-to-left: pygame 2.6.1's SDL_ttf shapes with HarfBuzz (`Font.set_script` works) but
only left to right (there is no `Font.set_direction`): "قهوة" comes out unjoined and
reversed, with or without `set_script("Arab")`. So text with a right-to-left character is
reshaped (arabic-reshaper: the joined forms as Arabic Presentation Forms, which Noto Sans
Arabic has) and reordered (python-bidi: the Unicode bidi algorithm) into visual order
before it is cut into runs; Arabic runs are then rendered with the script set to Arabic.
Brackets are paired and mirrored as Unicode 6.3 says ("Tea (שלום) 2"; see `bidi_levels`).

Bold: the Noto fonts are variable and pygame cannot choose a weight, so a wght=700 instance
is made in memory with fontTools' instancer, once per face, on first use (no file written).
That takes about 1.1 s for Noto Sans and 0.5 s for a script face on this machine (see
`bold_instance`): `Typeface.preload` does it before the first frame. Emoji stay regular.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import re
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from kiosk import files
from kiosk.errors import InputError, KioskError
from kiosk.files import cache_dir, write_atomic

CAP_HEIGHT = 0.5
"""Height of a capital letter, as a fraction of the `px` asked for (pygame's built-in font's)."""
BOLD_WEIGHT = 700
NOTO_PACKAGE = "manimgx_fonts"
NOTO_SANS = "NotoSans[wght].ttf"
NOTO_SCRIPTS = tuple(f"NotoSans{script}[wght].ttf" for script in (
    "Arabic", "Hebrew", "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil", "Telugu",
    "Kannada", "Malayalam", "Sinhala", "Thai", "Lao", "Khmer", "Myanmar", "Armenian", "Georgian", "Ethiopic"))
NOTO_SYMBOLS = "NotoSansSymbols[wght].ttf"
NOTO_EMOJI = "NotoEmoji[wght].ttf"
MAX_FONT_BYTES = 64 * 1024 * 1024
"""A font file larger than this is refused unread (Noto Sans is 2 MB, a whole CJK font 20 MB)."""

BOLD_SECONDS: dict[Path, float] = {}
"""How long each bold instance took to make, seconds (read, instance, write): a figure to report."""

_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
_EMOJI_PRESENTATION = "\ufe0f"


def _ignorable(char: str) -> bool:
    """Drawn as nothing, so it needs no glyph: spaces, format characters (ZWJ U+200D, marks
    of direction, soft hyphen) and variation selectors (U+FE0F after an emoji)."""
    code = ord(char)
    return char.isspace() or unicodedata.category(char) == "Cf" or any(a <= code <= b for a, b in _VARIATION_SELECTORS)


def _noto_dir() -> Path:
    spec = importlib.util.find_spec(NOTO_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise KioskError(f"the Noto fonts ({NOTO_PACKAGE}) are not installed: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations)))


def _dejavu() -> Path | None:
    """matplotlib's DejaVu Sans, found without importing matplotlib (slow); None without it."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    return path if path.is_file() else None


def default_fallbacks() -> tuple[Path, ...]:
    """The faces after the first: Noto Sans for other scripts, Symbols, Emoji, then DejaVu Sans."""
    noto = _noto_dir()
    faces = [noto / name for name in (*NOTO_SCRIPTS, NOTO_SYMBOLS, NOTO_EMOJI)]
    dejavu = _dejavu()
    return tuple(faces) + ((dejavu,) if dejavu is not None else ())


def _open(path: Path, lazy: bool = True):
    """A font file as a fontTools TTFont, read with kiosk.files.read_bytes (a regular file of at most
    MAX_FONT_BYTES; anything else is one InputError line)."""
    from fontTools.ttLib import TTFont

    data = files.read_bytes(Path(path), "font file", MAX_FONT_BYTES)
    return TTFont(io.BytesIO(data), lazy=lazy, fontNumber=0)  # fontNumber: the first face of a .ttc


def check_font(path: Path) -> None:
    """Raise ValueError("FILE: not a font file (...)") unless `path` is a font the kiosk can draw with: a
    Unicode character map and the tables FreeType needs (head, hhea, hmtx, maxp, and outlines: glyf and
    loca, or CFF). A file fontTools reads but FreeType cannot open is refused here, at load, not at
    the first text. Pure (fontTools); every problem, unreadable files included, is a ValueError."""
    def bad(reason: str) -> ValueError:
        return ValueError(f"{path}: not a font file ({reason})")

    try:
        font = _open(path)
        missing = [tag for tag in ("cmap", "head", "hhea", "hmtx", "maxp") if tag not in font]
        outlines = "glyf" in font and "loca" in font or "CFF " in font or "CFF2" in font
        for tag in ("head", "hhea", "hmtx", "maxp"):
            if tag not in missing:
                font[tag]  # noqa: B018 - decompiled here, so a damaged table fails now
        cmap = font.getBestCmap() if "cmap" not in missing else None
    except KioskError as e:  # not found, permission denied, not a regular file, too large
        raise ValueError(str(e)) from None
    except Exception as e:  # noqa: BLE001 - fontTools raises TTLibError, struct.error, KeyError... on a broken file
        raise bad(_first_line(e)) from None
    if missing:
        raise bad(f"no {', '.join(repr(t) for t in missing)} table")
    if not outlines:
        raise bad("no outlines: neither 'glyf' and 'loca' nor 'CFF' tables")
    if not cmap:
        raise bad("no Unicode character map")


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0]}" if text else type(e).__name__


@functools.lru_cache(maxsize=64)
def coverage(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for (its best cmap). Read once per file.
    Raises ValueError for a file that is not a font."""
    try:
        cmap = _open(path).getBestCmap()
    except KioskError:
        raise
    except Exception as e:  # fontTools raises TTLibError, struct.error, KeyError... on a broken file
        raise ValueError(f"{path}: not a font file ({_first_line(e)})") from None
    if not cmap:
        raise ValueError(f"{path}: not a font file (no Unicode character map)")
    return frozenset(cmap)


@functools.lru_cache(maxsize=64)
def cap_height(path: Path) -> float:
    """A capital's height in em (OS/2 sCapHeight), 0.7 where the font does not say."""
    font = _open(path)
    em = font["head"].unitsPerEm
    cap = getattr(font["OS/2"], "sCapHeight", 0) if "OS/2" in font else 0
    return cap / em if cap and em else 0.7


@functools.lru_cache(maxsize=16)
def bold_instance(path: Path) -> bytes | None:
    """The font at wght=700 as a static font file in memory (made once, then kept in `kiosk.files.cache_dir()`
    under its source's SHA-256, so later starts read it in milliseconds); None if the font has no
    weight axis reaching past its default (use synthetic bold then). A cache that cannot be read or
    written is only slower: the instance is made again.
    """
    data = files.read_bytes(Path(path), "font file", MAX_FONT_BYTES)
    cached = cache_dir() / f"{hashlib.sha256(data).hexdigest()[:32]}-wght{BOLD_WEIGHT}.ttf"
    try:
        if cached.is_file():
            return cached.read_bytes() or None  # an empty file: the font has no weight axis
    except OSError:
        pass
    made = _make_bold(path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, made or b"")
    except OSError:
        pass
    return made


def _make_bold(path: Path) -> bytes | None:
    """The font at wght=700 (other axes at their defaults) as a static font file in memory;
    None if it has no weight axis reaching past its default.

    The layout tables (GSUB, GPOS, GDEF) are copied as they are instead of instanced: that
    is 85% of the instancer's time on Noto Sans (6.7 s -> 1.1 s here), and Noto Sans' kerning
    does not change with weight (same advances for AV, To, Sandwich at 400 and 700). Their
    variation deltas then apply at the default weight, which is exactly what is left.
    """
    from fontTools.ttLib.tables.DefaultTable import DefaultTable
    from fontTools.varLib.instancer import instantiateVariableFont

    start = time.perf_counter()
    font = _open(path, lazy=False)
    axes = {a.axisTag: a for a in font["fvar"].axes} if "fvar" in font else {}
    wght = axes.get("wght")
    if wght is None or wght.maxValue <= wght.defaultValue:
        return None
    pins = {tag: axis.defaultValue for tag, axis in axes.items()}
    pins["wght"] = min(max(BOLD_WEIGHT, wght.minValue), wght.maxValue)
    layout = {tag: font.reader[tag] for tag in ("GDEF", "GPOS", "GSUB") if tag in font.reader}
    for tag in layout:
        del font[tag]
    static = instantiateVariableFont(font, pins, updateFontNames=False)
    for tag, data in layout.items():
        table = DefaultTable(tag)
        table.data = data
        static[tag] = table
    out = io.BytesIO()
    static.save(out)
    BOLD_SECONDS[path] = time.perf_counter() - start
    return out.getvalue()


def is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


@functools.lru_cache(maxsize=1024)
def visual_order(text: str) -> str:
    """Logical order -> the order glyphs are drawn left to right (one line). Text without a
    right-to-left character is returned as it is; Arabic is also joined (to its presentation forms)."""
    if not is_rtl(text):
        return text
    import arabic_reshaper

    if any(unicodedata.bidirectional(c) == "AL" for c in text):
        text = arabic_reshaper.reshape(text)
    levels = bidi_levels(text)
    if levels is None:  # another python-bidi: its Python algorithm (mirrors, but pairs no brackets)
        from bidi.algorithm import get_display

        return get_display(text)
    return _reorder(text, levels)


_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def bidi_levels(text: str) -> list[int] | None:
    """The embedding level of each character (odd: right to left), by python-bidi's Rust
    implementation (Unicode 6.3+ with bracket pairs); None if its debug output is not understood.

    Its get_display only reorders: it neither mirrors brackets nor says which characters are
    right to left, and its Python implementation predates bracket pairs ("Tea (שלום) 2" comes
    out "Tea (2 (םולש"). The levels are in its debug output, one per UTF-8 byte.
    """
    from bidi import get_display

    info = get_display(text, debug=True)
    start, end = info.find("levels: ["), info.find("paragraphs:")
    per_byte = [int(n) for n in _LEVEL.findall(info[start:end])] if 0 <= start < end else []
    if len(per_byte) != len(text.encode("utf-8")):
        return None
    levels, offset = [], 0
    for char in text:
        levels.append(per_byte[offset])
        offset += len(char.encode("utf-8"))
    return levels


def _reorder(text: str, levels: list[int]) -> str:
    """Unicode bidi rules L1, L2 and L4 for one line: trailing spaces at the paragraph's level,
    runs reversed from the highest level down to the lowest odd one, right-to-left brackets mirrored."""
    from bidi import get_base_level
    from bidi.mirror import MIRRORED

    levels = list(levels)
    n = len(text)
    while n > 0 and text[n - 1].isspace():  # L1
        n -= 1
        levels[n] = get_base_level(text)
    chars = [MIRRORED.get(c, c) if level % 2 else c for c, level in zip(text, levels)]  # L4
    order = list(range(len(text)))
    lowest_odd = min((level for level in levels if level % 2), default=max(levels) + 1)
    for level in range(max(levels), lowest_odd - 1, -1):  # L2
        n = 0
        while n < len(order):
            m = n
            while m < len(order) and levels[order[m]] >= level:
                m += 1
            order[n:m] = order[n:m][::-1]
            n = m + 1
    return "".join(chars[i] for i in order)


class FontChain:
    """Font files in the order they are asked for a glyph. Coverage is read on first need."""

    def __init__(self, primary: Path | None = None, fallbacks: Sequence[Path] | None = None):
        """primary: the theme's font file, or None for Noto Sans. fallbacks: default_fallbacks()."""
        first = Path(primary) if primary is not None else _noto_dir() / NOTO_SANS
        rest = default_fallbacks() if fallbacks is None else tuple(Path(f) for f in fallbacks)
        self.faces: tuple[Path, ...] = (first, *(f for f in rest if f != first))
        emoji = [n for n, f in enumerate(self.faces) if f.name == NOTO_EMOJI]
        self.emoji: int | None = emoji[0] if emoji else None

    def covers(self, face: int, char: str) -> bool:
        return ord(char) in coverage(self.faces[face])

    def face_for(self, char: str) -> int | None:
        """The index of the first face with a glyph for char; None if no face has one."""
        code = ord(char)
        for n, path in enumerate(self.faces):
            if code in coverage(path):
                return n
        return None

    def missing_glyphs(self, text: str) -> str:
        """The distinct characters of text that no face has, in order of appearance. Spaces,
        ZWJ and variation selectors need no glyph and are never missing."""
        missing = dict.fromkeys(c for c in text if not _ignorable(c) and self.face_for(c) is None)
        return "".join(missing)

    def runs(self, text: str) -> list[tuple[int, str]]:
        """text (already in visual order) -> [(face index, characters)], consecutive characters of
        one face together. A combining mark, joiner or variation selector stays with the run before
        it when that face has it, else it is dropped if no face has it (it draws nothing); a space
        is the first face's (Noto Emoji's is an emoji wide); a character no face has goes to the
        first face (which shows its empty box). A character followed by U+FE0F is taken from the
        emoji face when that face has it."""
        out: list[tuple[int, list[str]]] = []
        for n, char in enumerate(text):
            current = out[-1][0] if out else None
            invisible = _ignorable(char) and not char.isspace()
            if current is not None and (invisible or unicodedata.category(char).startswith("M")) \
                    and self.covers(current, char):
                out[-1][1].append(char)
                continue
            if self.emoji is not None and text[n + 1:n + 2] == _EMOJI_PRESENTATION and self.covers(self.emoji, char):
                face = self.emoji
            else:
                face = self.face_for(char)
                if face is None:
                    if invisible:
                        continue
                    face = 0
            if current == face:
                out[-1][1].append(char)
            else:
                out.append((face, [char]))
        return [(face, "".join(chars)) for face, chars in out]


@functools.lru_cache(maxsize=1)
def default_chain() -> FontChain:
    return FontChain()


def face_for(char: str) -> int | None:
    """default_chain().face_for(char)."""
    return default_chain().face_for(char)


def missing_glyphs(text: str) -> str:
    """The distinct characters of text that no font of the default chain has (see FontChain)."""
    return default_chain().missing_glyphs(text)


# --------------------------------------------------------------------------- pygame


class Typeface:
    """Renders text with a FontChain: each run by its face, all at one size, on one baseline.

    What the renderer needs: `render(text, px, color, bold)` -> an antialiased Surface with a
    transparent background, and `size(text, px, bold)` -> its (w, h), in screen px. px: the
    layout's text size (see CAP_HEIGHT); the theme's scale is applied here.
    """

    MAX_FONTS = 256  # pygame Font objects kept; fitted sizes vary, so the cache is bounded

    def __init__(self, chain: FontChain | None = None, scale: float = 1.0):
        self.chain = chain if chain is not None else default_chain()
        self.scale = scale
        self._fonts: dict[tuple[int, int, bool, bool], object] = {}
        self._pt_per_px = CAP_HEIGHT / cap_height(self.chain.faces[0])

    @classmethod
    def for_theme(cls, fonts) -> Typeface:
        """From a theme's [fonts] table (kiosk.ui.theme.Fonts): its file first, its scale."""
        chain = default_chain() if fonts.file is None else FontChain(fonts.file)
        return cls(chain, fonts.scale)

    def point_size(self, px: int) -> int:
        """The size every face of a text is set at, for the layout's px (min 6 px, as before)."""
        return max(4, round(max(6, round(px * self.scale)) * self._pt_per_px))

    def font(self, face: int, px: int, bold: bool = False, arabic: bool = False):
        """The pygame Font of a face at the layout's px; made once per (face, size, bold, arabic).

        arabic: for a run of Arabic already joined and in visual order. Its SDL_ttf shapes with
        HarfBuzz, and unless told the script is Arabic it makes false lam-alef ligatures of
        letters that a right-to-left reordering has put side by side ("بالحليب"; seen on a PNG).
        """
        import pygame

        # Noto Emoji's bold instance takes 2-3 s to make, and an emoji has no bold: regular in bold text.
        bold = bold and face != self.chain.emoji
        key = (face, self.point_size(px), bold, arabic)
        font = self._fonts.get(key)
        if font is None:
            if len(self._fonts) >= self.MAX_FONTS:
                self._fonts.clear()
            if not pygame.font.get_init():
                pygame.font.init()
            path = self.chain.faces[face]
            data = bold_instance(path) if bold else None
            # Each Font reads its file lazily: one BytesIO each, never a shared position.
            try:
                font = pygame.font.Font(io.BytesIO(data) if data is not None else str(path), key[1])
                font.size("A")  # FreeType opens some broken files and fails at their first glyph
            except (pygame.error, OSError, ValueError) as e:  # what check_font missed and FreeType refuses
                raise InputError(f"font file {path}: not a font file ({_first_line(e)})") from None
            if bold and data is None:
                font.set_bold(True)  # no weight axis: FreeType's synthetic emboldening
            if arabic:
                font.set_script("Arab")
            self._fonts[key] = font
        return font

    def preload(self, texts: Sequence[str] = (), bold: bool = True) -> None:
        """Read the coverage and make the bold instances that texts (the catalog's names...) and
        Latin text need now, at start-up, rather than at their first frame."""
        for text in ("Aa", *texts):
            self.size(text, 16, bold)

    def _runs(self, text: str, px: int, bold: bool) -> list[tuple[object, str]]:
        return [(self.font(face, px, bold, any(unicodedata.bidirectional(c) == "AL" for c in run)), run)
                for face, run in self.chain.runs(visual_order(text))]

    def size(self, text: str, px: int, bold: bool = False) -> tuple[int, int]:
        """(w, h) of render(text, px, ...), without rendering."""
        runs = self._runs(text, px, bold)
        if len(runs) <= 1:
            return runs[0][0].size(runs[0][1]) if runs else self.font(0, px, bold).size("")
        ascent = max(font.get_ascent() for font, _ in runs)
        below = max(font.size(run)[1] - font.get_ascent() for font, run in runs)
        return sum(font.size(run)[0] for font, run in runs), ascent + below

    def render(self, text: str, px: int, color, bold: bool = False):
        """An antialiased pygame.Surface (per-pixel alpha, transparent background) of text."""
        import pygame

        runs = self._runs(text, px, bold)
        if len(runs) <= 1:
            font, run = runs[0] if runs else (self.font(0, px, bold), "")
            return font.render(run, True, color)
        pieces = [(font.get_ascent(), font.render(run, True, color)) for font, run in runs]
        ascent = max(a for a, _ in pieces)
        below = max(s.get_height() - a for a, s in pieces)
        out = pygame.Surface((sum(s.get_width() for _, s in pieces), ascent + below), pygame.SRCALPHA)
        out.fill((*color[:3], 0))  # transparent in the text's colour: blending keeps the edges' colour
        x = 0
        for a, surf in pieces:  # each run's baseline (its font's ascent) on the common one
            out.blit(surf, (x, ascent - a))
            x += surf.get_width()
        return out

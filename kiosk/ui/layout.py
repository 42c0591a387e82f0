"""Where everything goes on each screen, in screen px. Pure: no pygame.

`layout(view, catalog, size)` returns the buttons (the click targets, with stable ids
such as `add:apple`, `checkout`, `key:7`) and everything else drawn on the current
screen. The renderer draws exactly these, and the app hit-tests the cursor against
exactly these, so what you see is what you click. Sizes are fractions of the screen
height (from the theme, `kiosk.ui.theme.Sizes`), and a target is never smaller than
MIN_TARGET of it, whatever the resolution: the hand's precision on screen is the same
fraction of the screen at every size.

Wide screens (16:9, 16:10): the panel is on the right, and the camera picture, fitted to
the screen's height, is shifted so the pointer's active region (where the hand works)
shows left of it. Portrait, square and 4:3 screens: the panel fills the lower part and
the picture, fitted to the width, the top (see `feed_area` and `picture_rect`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.i18n import LANGUAGES, tr
from kiosk.shop.catalog import Catalog, Item
from kiosk.shop.machine import Added, Paging, Screen, View
from kiosk.types import DEFAULT_ACTIVE_REGION, Region
from kiosk.ui.theme import Sizes

MIN_TARGET = 0.08
"""Smallest target side as a fraction of the screen height: big enough for a hand."""
MIN_TEXT = 0.035
"""Smallest text size as a fraction of the screen height: readable from two metres (38 px at 1080p). Longer
text is never drawn smaller than this: it is cut short with an ellipsis instead."""
PORTRAIT_MIRROR = 0.35
"""Portrait: the mirror's share of the height, at least; the panel takes the rest below it."""
LOW_PANEL = 0.72
"""Square and 4:3 screens: the panel's share of the height (less room across, so more down)."""
FLIGHT_SECONDS = 0.55
"""An added item's picture takes this long to fly to the cart; the cart's count bounces when it lands."""
WIDE = 1.5
"""Screens at least this much wider than high get the panel on the right; others (portrait,
square, 4:3) get it at the bottom, so the picture beside it is never a sliver."""


@dataclass(frozen=True)
class Rect:
    """Screen px: top-left corner and size."""

    x: int
    y: int
    w: int
    h: int

    def contains(self, p: tuple[float, float]) -> bool:
        return self.x <= p[0] < self.x + self.w and self.y <= p[1] < self.y + self.h

    @property
    def center(self) -> tuple[int, int]:
        return self.x + self.w // 2, self.y + self.h // 2


@dataclass(frozen=True)
class Button:
    id: str
    rect: Rect
    text: str
    style: str = "secondary"
    """primary | secondary | danger | quiet: the theme colours it."""
    enabled: bool = True


@dataclass(frozen=True)
class Text:
    text: str
    x: int
    y: int
    """Anchor point, screen px; `align` says which side of the text it is (vertically centred)."""
    size: int
    """Font size, px."""
    align: str = "left"
    style: str = "body"
    """title | body | muted | strong | warning | toast | big"""
    max_width: int | None = None
    """px; longer text is drawn smaller so it fits (long item names, portrait screens)."""


@dataclass(frozen=True)
class Picture:
    """An item's picture drawn to fit `rect` (screen px): the catalog's image, or when it has none (or it
    cannot be read) a generated tile in the item's own colour with its initial."""

    path: Path | None
    rect: Rect
    key: str = ""
    """The item id: picks the generated tile's colour, so an item keeps its colour on every screen."""
    label: str = ""
    """The item's name: the generated tile shows its initial."""


@dataclass(frozen=True)
class Badge:
    """A count in a disc (the cart's item count, an item's quantity in the cart)."""

    centre: tuple[int, int]
    radius: int
    text: str
    bounce_since: float | None = None
    """When the count last went up (s): the disc bounces."""


@dataclass(frozen=True)
class Qr:
    """A QR code of `text` (the receipt), drawn square in `rect` with its quiet zone."""

    rect: Rect
    text: str


@dataclass(frozen=True)
class Flight:
    """An added item's picture flying from its tile to the cart (drawn for FLIGHT_SECONDS from `since`)."""

    picture: Picture
    to: Rect
    since: float


@dataclass(frozen=True)
class Field:
    """The quantity keypad's entry: the digits typed."""

    rect: Rect
    entry: str
    placeholder: str
    """Shown when the entry is empty: an empty field says so."""
    size: int
    """Font size, px."""


@dataclass(frozen=True)
class Instruction:
    """One step of the attract screen's instructions; the renderer animates the current one."""

    rect: Rect
    icon: Rect
    kind: str
    """raise | point | ok | palm: the hand drawn in the icon."""
    title: Text
    detail: Text


@dataclass(frozen=True)
class Scrollbar:
    """Where the visible rows lie in a longer list."""

    track: Rect
    thumb: Rect


@dataclass(frozen=True)
class Countdown:
    """Time running out on a target (the Undo offer): the renderer draws what is left of since..until (s)."""

    rect: Rect
    since: float
    until: float


@dataclass(frozen=True)
class Modal:
    """A box over everything (the inactivity countdown)."""

    rect: Rect
    texts: tuple[Text, ...]


@dataclass(frozen=True)
class Layout:
    size: tuple[int, int]
    panel: Rect
    buttons: tuple[Button, ...]
    texts: tuple[Text, ...]
    pictures: tuple[Picture, ...] = ()
    fields: tuple[Field, ...] = ()
    instructions: tuple[Instruction, ...] = ()
    scrollbars: tuple[Scrollbar, ...] = ()
    countdowns: tuple[Countdown, ...] = ()
    modal: Modal | None = None
    badges: tuple[Badge, ...] = ()
    flight: Flight | None = None
    spinner: Rect | None = None
    """Waiting on the card terminal: a ring that turns."""
    qr: Qr | None = None
    """The receipt's QR code."""
    feed_area: Rect | None = None
    """The part of the screen the panel leaves free (notes, hints and toasts go there)."""
    badge: Rect | None = None
    """The receipt's check mark (the celebration starts from it)."""
    list_area: Rect | None = None
    """The scrollable list (the grab gesture scrolls it)."""
    row: int = 1
    """List row pitch, px: the grab scrolls one row per this much hand movement."""

    def hit(self, p: tuple[float, float] | None) -> Button | None:
        """The enabled button under point p (screen px), if any."""
        if p is None:
            return None
        for b in self.buttons:
            if b.enabled and b.rect.contains(p):
                return b
        return None

    def targets(self) -> list[tuple[str, tuple[int, int, int, int]]]:
        """(id, (x, y, w, h)) of every enabled button: what magnetism pulls toward."""
        return [(b.id, (b.rect.x, b.rect.y, b.rect.w, b.rect.h)) for b in self.buttons if b.enabled]


@dataclass(frozen=True)
class LayoutOptions:
    sizes: Sizes = Sizes()
    keypad_for_quantity: bool = True
    """The cart line's quantity is a button (`qty:<item>`) opening the keypad."""
    gestures: bool = True
    """Show the gesture hints (hold a thumbs up to confirm, an open hand to go back)."""


DEFAULT_OPTIONS = LayoutOptions()


def picture_rect(frame_size: tuple[int, int], size: tuple[int, int], feed_area: Rect,
                 region: Region = DEFAULT_ACTIVE_REGION) -> Rect:
    """Where the (mirrored) camera picture goes, screen px; it may reach past the screen's edges.

    Wide screens: scaled to the screen's height; others: to its width, or more if that leaves
    the free part unfilled (a 16:9 camera above a portrait panel: its sides are cut, centred).
    Along the other axis it is shifted so the part the panel leaves free (`feed_area`) shows the pointer's
    active `region` (normalised, where the fingertip works), centred; a picture too wide
    for that (a 16:9 camera beside the panel) is scaled down until the region fits. The
    shift never opens a gap between the picture and the panel.
    """
    (fw, fh), (w, h) = frame_size, size
    landscape = w >= WIDE * h
    length, across = (fw, fh) if landscape else (fh, fw)  # frame px along / across the axis that is shifted
    free = feed_area.w if landscape else feed_area.h
    lo, hi = (region[0], region[2]) if landscape else (region[1], region[3])
    scale = (h if landscape else w) / across
    scale = max(scale, free / length)  # a wide camera on a tall screen: grown to reach the panel, sides cut
    need = (hi - lo) * length * scale
    if need > free:
        scale *= free / need
    extent = round(length * scale)
    start = 0
    if extent > free:
        start = min(max((lo + hi) / 2 * extent - free / 2, 0), extent - free)
    size_across = round(across * scale)
    centred = ((h if landscape else w) - size_across) // 2
    if landscape:
        return Rect(-round(start), centred, extent, size_across)
    return Rect(centred, -round(start), size_across, extent)


class _Grid:
    """Metrics shared by all screens of one screen size, px; and the session's language (`t`, `money`)."""

    def __init__(self, size: tuple[int, int], sizes: Sizes = Sizes(), lang: str = "en", currency: str = "EUR"):
        self.t = tr(lang)
        self.lang, self.currency = lang, currency
        w, h = size
        self.w, self.h = w, h
        self.pad = round(sizes.pad * min(w, h))  # margins by the short side: portrait keeps its space for content
        self.gap = max(4, self.pad // 2)
        self.row = max(round(sizes.row * h), 1)
        self.btn = max(round(sizes.button * h), math.ceil(MIN_TARGET * h))
        self.small = math.ceil(MIN_TEXT * h)
        self.font = max(round(sizes.font * h), self.small)
        self.title = max(round(sizes.title * min(w, h)), self.font)
        self.landscape = w >= WIDE * h
        if self.landscape:  # panel on the right; the picture shows left of it
            pw = max(round(sizes.panel_width * w), min(w - 2 * self.pad, round(0.9 * h)))
            self.panel = Rect(w - pw - self.pad, self.pad, pw, h - 2 * self.pad)
            self.feed_area = Rect(0, 0, self.panel.x, h)
        else:  # portrait, square or 4:3: panel in the lower part, the picture above it
            ph = h - math.ceil(PORTRAIT_MIRROR * h) - 2 * self.pad if h > w else round(LOW_PANEL * h)
            self.panel = Rect(self.pad, h - ph - self.pad, w - 2 * self.pad, ph)
            self.feed_area = Rect(0, 0, w, self.panel.y)
        p = self.panel
        self.x0, self.x1 = p.x + self.pad, p.x + p.w - self.pad
        self.top = p.y + self.pad + self.title + self.pad
        self.shop_top = p.y + self.pad + self.btn + self.pad
        """The shopping grid's top when it fits one page: its title row holds the language switch, a full-size
        button (a longer catalog has the switch in its pager's row, and the grid starts at `top`)."""
        self.footer = p.y + p.h - self.pad - self.btn
        self.bottom = self.footer - self.pad
        """Where a list or grid above the footer buttons ends."""
        self.thumb = min(self.row - self.gap, round(self.btn * 1.1))
        """A cart or summary line's picture, px square."""

    def money(self, cents: int) -> str:
        return self.t.money(cents, self.currency)

    def title_text(self, text: str, width: int | None = None) -> Text:
        return Text(text, self.x0, self.panel.y + self.pad + self.title // 2, self.title, "left", "title",
                    width or self.x1 - self.x0)

    def pager_h(self) -> int:
        return self.btn + self.gap

    def grid(self, items: int) -> tuple[int, int]:
        """(columns, rows) of the shopping grid: tiles about a quarter of the screen's short side wide, and
        never so narrow that a short name at the smallest text size would not fit."""
        width = self.x1 - self.x0
        tile = max(0.27 * min(self.w, self.h), 5.5 * self.small)
        cols = max(2, min(5, int((width + self.gap) // (tile + self.gap))))
        tile_w = (width - (cols - 1) * self.gap) / cols
        lowest = self.tile_text_h() + 2 * self.gap + 0.3 * tile_w  # the picture at least 30% of the width
        needed = -(-items // cols)
        fit = max(1, int((self.bottom - self.shop_top + self.gap) // (lowest + self.gap)))
        if needed <= fit:  # one page: the fewest rows, so the tiles are as big as they can be
            return cols, needed
        # paged: the language switch moves from the title row into the pager's row, between Prev and Next
        fit = max(1, int((self.bottom - self.top - self.pager_h() + self.gap) // (lowest + self.gap)))
        rows = fit
        return cols, rows

    def tile_text_h(self) -> int:
        """A tile's name and price, px."""
        return self.font + self.small + self.gap

    def cart_fit(self) -> int:
        """Cart lines that fit above the total and the footer."""
        return max(1, (self.bottom - self.title - self.pad - self.top) // self.line_h())

    def cart_rows(self) -> int:
        """Cart lines one page of a longer cart shows (the pager takes a line's place)."""
        return max(1, self.cart_fit() - 1)

    def line_h(self) -> int:
        """Height of one cart line: one row, or two where the name would not fit beside the buttons."""
        return self.row if self.wide_lines() else self.btn + self.font + self.gap

    def wide_lines(self) -> bool:
        """A cart line's name, picture and buttons fit in one row (landscape); else two rows (portrait)."""
        return (self.x1 - self.x0) - 4 * self.btn - 2 * self.pad - self.thumb >= 7 * self.font


def paging(size: tuple[int, int], items: int, sizes: Sizes = Sizes()) -> Paging:
    """How the shopping grid and the cart list page at this screen size, for a catalog of `items`."""
    g = _Grid(size, sizes)
    cols, rows = g.grid(items)
    return Paging(cols * rows, cols, g.cart_rows())


def catalog_rows(size: tuple[int, int], sizes: Sizes = Sizes(), items: int = 1_000) -> int:
    """Catalog items one page of the shopping screen shows at this size (a long catalog's page)."""
    return paging(size, items, sizes).page_size


def layout(view: View, catalog: Catalog, size: tuple[int, int], options: LayoutOptions = DEFAULT_OPTIONS) -> Layout:
    g = _Grid(size, options.sizes, view.language, catalog.currency)
    build = {
        Screen.ATTRACT: _attract,
        Screen.PRACTICE: _practice,
        Screen.SHOPPING: _shopping,
        Screen.CART: _cart,
        Screen.QUANTITY: _keypad,
        Screen.CONFIRM: _confirm,
        Screen.PAYING: _paying,
        Screen.RECEIPT: _receipt,
        Screen.OUT_OF_ORDER: _out_of_order,
    }[view.screen]
    parts: dict = {"buttons": [], "texts": [], "pictures": [], "fields": [], "instructions": [], "scrollbars": [],
                   "countdowns": [], "badges": []}
    extra = {"row": g.row, **(build(view, catalog, g, options, parts) or {})}
    if view.toast is not None:
        parts["texts"].append(_toast(view.toast, g, parts["buttons"]))
    modal = None
    if view.warning_left is not None:  # everything under the warning is inert until it is answered
        modal, more = _warning(view.warning_left, g)
        parts["buttons"] = [more] + [replace(b, enabled=False) for b in parts["buttons"]]
    return Layout(size, g.panel, tuple(parts["buttons"]), tuple(parts["texts"]), tuple(parts["pictures"]),
                  tuple(parts["fields"]), tuple(parts["instructions"]), tuple(parts["scrollbars"]),
                  tuple(parts["countdowns"]), modal, tuple(parts["badges"]), feed_area=g.feed_area,
                  **extra)


def _toast(toast, g: _Grid, buttons: list[Button]) -> Text:
    """The shopper's note, where the thing happened: on the target it is about (the tile just added), else
    low in the panel, above the footer buttons."""
    target = next((b for b in buttons if toast.target and b.id == toast.target), None)
    if target is not None:  # astride the target's top edge: over it, hiding little of its picture
        y = max(target.rect.y, g.pad + g.font)
        return Text(toast.text, target.rect.center[0], y, g.font, "center", "toast", max(target.rect.w, g.h // 3))
    p = g.panel
    return Text(toast.text, p.x + p.w // 2, g.footer - g.pad - g.font // 2, g.font, "center", "toast", p.w - 4 * g.pad)


def _warning(left: int, g: _Grid) -> tuple[Modal, Button]:
    """The inactivity countdown over the panel, and its "More time" button (moving the hand works too)."""
    p = g.panel
    w = p.w - 4 * g.pad
    h = g.pad + g.title + 2 * g.title + g.gap + g.font + g.gap + g.small + g.pad + g.btn + g.pad
    rect = Rect(p.x + (p.w - w) // 2, p.y + (p.h - h) // 2, w, h)
    cx = rect.x + w // 2
    y = rect.y + g.pad + g.title // 2
    _ = g.t.gettext
    texts = [Text(_("Still there?"), cx, y, g.title, "center", "title", w - 2 * g.pad)]
    y += g.title // 2 + g.title
    texts.append(Text(str(left), cx, y, 2 * g.title, "center", "warning"))
    y += g.title + g.gap + g.font // 2
    texts.append(Text(_("Move your hand to go on"), cx, y, g.font, "center", "body", w - 2 * g.pad))
    y += g.font // 2 + g.gap + g.small // 2
    texts.append(Text(_("At zero the cart is cleared"), cx, y, g.small, "center", "muted", w - 2 * g.pad))
    bw = w * 2 // 3
    more = Button("more-time", Rect(cx - bw // 2, rect.y + h - g.pad - g.btn, bw, g.btn), _("More time"), "primary")
    return Modal(rect, tuple(texts)), more


def _footer(g: _Grid, left: tuple[str, str, str], right: tuple[str, str, str] | None,
            right_enabled: bool = True) -> list[Button]:
    """Two buttons side by side at the bottom of the panel: (id, text, style) each."""
    half = (g.x1 - g.x0 - g.pad) // 2
    buttons = [Button(left[0], Rect(g.x0, g.footer, half, g.btn), left[1], left[2])]
    if right is not None:
        buttons.append(Button(right[0], Rect(g.x1 - half, g.footer, half, g.btn), right[1], right[2], right_enabled))
    return buttons


def _pager(g: _Grid, first: int, total: int, per_page: int, area: Rect, parts: dict,
           middle: tuple[str, str] | None = None) -> None:
    """Prev / Next and "1–4 of 9" below the list, and a scrollbar beside it (the list is longer than a page).
    middle: (id, text) of a button between Prev and Next instead of the count (the scrollbar still shows it)."""
    _ = g.t.gettext
    y = area.y + area.h + g.gap
    pw = (g.x1 - g.x0 - 2 * g.gap) // 3
    parts["buttons"] += [
        Button("page-prev", Rect(g.x0, y, pw, g.btn), _("‹ Prev"), "secondary", first > 0),
        Button("page-next", Rect(g.x1 - pw, y, pw, g.btn), _("Next ›"), "secondary", first < total - per_page)]
    if middle is not None:
        parts["buttons"].append(Button(middle[0], Rect(g.x0 + pw + g.gap, y, pw, g.btn), middle[1], "quiet"))
    else:
        last = min(first + per_page, total)
        parts["texts"].append(Text(_("{first}–{last} of {total}").format(first=first + 1, last=last, total=total),
                                   (g.x0 + g.x1) // 2, y + g.btn // 2, g.small, "center", "muted", pw - g.pad))
    bar_w = max(4, g.pad // 3)
    track = Rect(g.x1 + (g.pad - bar_w) // 2, area.y, bar_w, area.h)
    thumb_h = max(bar_w * 2, area.h * per_page // total)
    span = max(1, total - per_page)
    thumb_y = area.y + (area.h - thumb_h) * min(first, span) // span
    parts["scrollbars"].append(Scrollbar(track, Rect(track.x, thumb_y, bar_w, thumb_h)))


def _picture(item: Item, rect: Rect, lang: str) -> Picture:
    return Picture(item.image, rect, item.id, item.label(lang))


def _languages(g: _Grid, y: int, current: str, parts: dict) -> None:
    """One button per language, named in itself (words, not flags), the current one shown as chosen."""
    codes = list(LANGUAGES)
    w = (g.x1 - g.x0 - (len(codes) - 1) * g.gap) // len(codes)
    for n, code in enumerate(codes):
        parts["buttons"].append(Button(f"lang:{code}", Rect(g.x0 + n * (w + g.gap), y, w, g.btn), LANGUAGES[code],
                                       "primary" if code == current else "quiet"))


def _attract(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """Readable from three metres: one big call to action, a looping hand that points then makes the 👌,
    and the three steps in a few words."""
    _ = g.t.gettext
    cx, fit = g.panel.x + g.panel.w // 2, g.x1 - g.x0
    big = max(g.title, round(0.075 * g.h))
    y = g.panel.y + g.pad + big // 2
    parts["texts"] += [
        Text(_("Raise your hand"), cx, y, big, "center", "title", fit),
        Text(_("to shop without touching anything"), cx, y + big // 2 + g.pad, g.font, "center", "muted", fit),
    ]
    steps_top = y + big // 2 + g.pad + g.font + g.pad
    step_h = round(g.font * 1.6)
    steps = [("1", _("Raise your hand")), ("2", _("Point to move")), ("3", _("👌 to select"))]
    steps_h = len(steps) * step_h
    languages_y = g.footer - g.pad - g.btn
    room = languages_y - g.pad - steps_top - steps_h - g.pad
    if room < 0.15 * g.h:  # a short panel (portrait): the looping hand teaches it; the steps give way
        steps, room = [], languages_y - g.pad - steps_top - g.pad
    side = max(g.btn, min(room, fit, round(0.42 * g.h)))
    icon = Rect(cx - side // 2, steps_top, side, side)
    parts["instructions"].append(Instruction(
        icon, icon, "point-ok", Text("", 0, 0, g.small), Text("", 0, 0, g.small)))
    sy = icon.y + icon.h + g.pad
    for n, (number, words) in enumerate(steps):
        mid = sy + n * step_h + step_h // 2
        parts["badges"].append(Badge((g.x0 + fit // 6, mid), round(g.font * 0.62), number))
        parts["texts"].append(Text(words, g.x0 + fit // 6 + g.font, mid, g.font, "left", "strong",
                                   fit * 5 // 6 - g.font))
    _languages(g, languages_y, view.language, parts)
    bw = fit * 2 // 3
    parts["buttons"].append(Button("start", Rect(cx - bw // 2, g.footer, bw, g.btn), _("Start"), "primary"))


def _practice(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """One big target to try the click on before anything can be bought; and, for people who cannot make
    the 👌, a button that switches this session to holding still (it is selected by holding still too)."""
    _ = g.t.gettext
    texts = parts["texts"]
    fit, cx = g.x1 - g.x0, g.panel.x + g.panel.w // 2
    texts.append(g.title_text(_("Try it once")))
    if view.hold_to_select:
        how = [_("Point at the circle"), _("and hold still until it fills")]
    else:
        how = [_("Point at the circle, then"), _("touch thumb and index: 👌")]
    for n, line in enumerate(how):
        texts.append(Text(line, g.x0, g.top + g.font // 2 + n * round(g.font * 1.35), g.font, "left", "body", fit))
    alt_h = g.btn
    top = g.top + 2 * round(g.font * 1.35) + g.pad
    alt_y = g.footer - alt_h - g.pad
    bottom = (alt_y if not view.hold_to_select else g.footer) - g.pad
    side = max(g.btn, min(bottom - top, fit, round(0.3 * g.h)))
    target = Rect(cx - side // 2, top + (bottom - top - side) // 2, side, side)
    parts["buttons"].append(Button("practice", target, "👌", "target"))
    if not view.hold_to_select:
        parts["buttons"].append(Button("hold-still", Rect(g.x0, alt_y, fit, alt_h), _("No 👌? Hold still here"),
                                       "secondary"))
    _languages(g, g.footer, view.language, parts)


def _shopping(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """A grid of tiles (picture, name, price); the whole tile adds the item. The cart button carries the
    count, and an added item's picture flies to it."""
    _ = g.t.gettext
    # the title row holds the language switch: the next language, named in itself
    codes = list(LANGUAGES)
    nxt = codes[(codes.index(view.language) + 1) % len(codes)] if view.language in codes else codes[0]
    items = catalog.items
    cols, rows = g.grid(len(items))
    per_page = cols * rows
    switch = (f"lang:{nxt}", LANGUAGES[nxt])
    if len(items) <= per_page:  # one page: the switch in the title row
        lang_w = max(g.btn * 2, (g.x1 - g.x0) // 4)
        g.top = g.shop_top
        parts["buttons"].append(Button(switch[0], Rect(g.x1 - lang_w, g.panel.y + g.pad, lang_w, g.btn), switch[1],
                                       "quiet"))
        parts["texts"].append(Text(_("Choose your items"), g.x0, g.panel.y + g.pad + g.btn // 2, g.title, "left",
                                   "title", g.x1 - g.x0 - lang_w - g.pad))
    else:  # the switch goes into the pager's row
        parts["texts"].append(g.title_text(_("Choose your items")))
    last_first = max(0, (-(-len(items) // cols) - rows) * cols)
    first = min(max(view.first // cols * cols, 0), last_first)
    paged = len(items) > per_page
    height = g.bottom - g.top - (g.pager_h() if paged else 0)
    tile_w = (g.x1 - g.x0 - (cols - 1) * g.gap) // cols
    tile_h = min((height - (rows - 1) * g.gap) // rows, round(tile_w * 1.3))
    area = Rect(g.x0, g.top, g.x1 - g.x0, rows * tile_h + (rows - 1) * g.gap)
    pics: dict[str, Picture] = {}
    inner = max(4, g.gap)
    for n, item in enumerate(items[first:first + per_page]):
        r, c = divmod(n, cols)
        tile = Rect(g.x0 + c * (tile_w + g.gap), g.top + r * (tile_h + g.gap), tile_w, tile_h)
        parts["buttons"].append(Button(f"add:{item.id}", tile, item.label(g.lang), "tile"))
        text_h = g.tile_text_h() + inner
        side = max(8, min(tile_w - 2 * inner, tile_h - text_h - 2 * inner))
        pic = _picture(item, Rect(tile.x + (tile_w - side) // 2, tile.y + inner, side, side), g.lang)
        parts["pictures"].append(pic)
        pics[item.id] = pic
        name_y = tile.y + tile_h - inner - g.small - g.font // 2
        parts["texts"].append(Text(item.label(g.lang), tile.x + inner, name_y, g.font, "left", "strong",
                                   tile_w - 2 * inner))
        parts["texts"].append(Text(g.money(item.price_cents), tile.x + inner, tile.y + tile_h - inner
                                   - g.small // 2, g.small, "left", "muted", tile_w - 2 * inner))
        qty = view.cart.qty(item.id)
        if qty:
            radius = round(g.font * 0.75)
            bounce = view.added.since if view.added and view.added.item_id == item.id else None
            parts["badges"].append(Badge((tile.x + tile_w - inner - radius, tile.y + inner + radius), radius,
                                         f"×{qty}", bounce))
    if paged:
        _pager(g, first, len(items), per_page, area, parts, switch)
    buttons = _footer(g, ("cart", _("Cart  {total}").format(total=g.money(view.cart.total_cents)), "secondary"),
                      ("checkout", _("Checkout"), "primary"), not view.cart.is_empty)
    parts["buttons"] += buttons
    extra: dict = {"list_area": area, "row": tile_h + g.gap}
    cart = buttons[0].rect
    if view.cart.count:
        radius = round(g.font * 0.75)
        since = view.added.since + FLIGHT_SECONDS if view.added else None
        parts["badges"].append(Badge((cart.x + cart.w - radius // 2, cart.y + radius // 2), radius,
                                     str(view.cart.count), since))
    if view.added is not None and view.added.item_id in pics:
        extra["flight"] = Flight(pics[view.added.item_id], cart, view.added.since)
    return extra


def _cart(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """One line per item: its picture, name and line total, then − quantity + and × (remove); a line just
    removed shows Undo in its place. Landscape fits a line in one row; portrait gives the buttons a second."""
    _ = g.t.gettext
    parts["texts"].append(g.title_text(_("Your cart")))
    b = g.btn
    undo = view.undo
    if view.cart.is_empty and undo is None:
        parts["texts"].append(Text(_("Your cart is empty."), g.x0, g.top + g.row // 2, g.font, "left", "muted"))
    rows: list = list(view.cart.lines)
    if undo is not None:  # in the removed line's place, so nothing below it moves
        rows.insert(min(undo.index, len(rows)), undo)
    per_page = g.cart_fit() if len(rows) <= g.cart_fit() else g.cart_rows()
    first = min(max(view.cart_first, 0), max(0, len(rows) - per_page))
    line_h = g.line_h()
    if len(rows) < per_page:  # a short cart: taller lines, bigger pictures, still one page
        line_h = min(round(line_h * 1.8), (per_page * line_h) // max(1, len(rows)))
    wide = g.wide_lines()
    area = Rect(g.x0, g.top, g.x1 - g.x0, per_page * line_h)
    x_remove = g.x1 - b
    x_inc = x_remove - g.pad - b
    x_dec = x_inc - 2 * b
    for n, line in enumerate(rows[first:first + per_page]):
        top = g.top + n * line_h
        # one row: everything on the row's middle line; two rows: name above, buttons below
        name_mid = top + (line_h // 2 if wide else g.font // 2)
        btn_y = top + (line_h - b) // 2 if wide else top + g.font + g.gap // 2
        thumb = min(line_h - g.gap, round(g.thumb * line_h / g.line_h())) if wide else 0
        text_x = g.x0 + (thumb + g.pad if thumb else 0)
        text_w = (x_dec - g.pad if wide else g.x1) - text_x
        if line is undo:
            item = undo.line.item
            undo_rect = Rect(x_dec, btn_y, g.x1 - x_dec, b)
            parts["buttons"].append(Button("undo", undo_rect, _("Undo"), "primary"))
            parts["countdowns"].append(Countdown(undo_rect, undo.since, undo.until))
            width = text_w if wide else x_dec - text_x - g.pad
            parts["texts"].append(Text(_("{name} ×{qty}").format(name=item.label(g.lang), qty=undo.line.qty), text_x, name_mid - g.small // 2 - g.gap // 2,
                                       g.font, "left", "muted", width))
            parts["texts"].append(Text(_("removed"), text_x, name_mid + g.font // 2 + g.gap // 2, g.small, "left",
                                       "muted", width))
            continue
        item = line.item
        if thumb:
            parts["pictures"].append(_picture(item, Rect(g.x0, top + (line_h - thumb) // 2, thumb, thumb), g.lang))
        parts["buttons"].append(Button(f"dec:{item.id}", Rect(x_dec, btn_y, b, b), "−"))
        if options.keypad_for_quantity:
            parts["buttons"].append(Button(f"qty:{item.id}", Rect(x_dec + b, btn_y, b, b), str(line.qty), "quiet"))
        else:
            parts["texts"].append(Text(str(line.qty), x_dec + b + b // 2, btn_y + b // 2, g.font, "center", "strong"))
        parts["buttons"].append(Button(f"inc:{item.id}", Rect(x_inc, btn_y, b, b), "+"))
        parts["buttons"].append(Button(f"remove:{item.id}", Rect(x_remove, btn_y, b, b), "×", "danger"))
        total = g.money(line.total_cents)
        if wide:
            parts["texts"].append(Text(item.label(g.lang), text_x, name_mid - g.small // 2 - g.gap // 2, g.font, "left",
                                       "strong", text_w))
            parts["texts"].append(Text(total, text_x, name_mid + g.font // 2 + g.gap // 2, g.small, "left", "muted",
                                       text_w))
        else:
            parts["texts"].append(Text(item.label(g.lang), text_x, name_mid, g.font, "left", "strong", text_w * 2 // 3))
            parts["texts"].append(Text(total, g.x1, name_mid, g.font, "right", "body", text_w // 3 - g.gap))
    if len(rows) > per_page:
        _pager(g, first, len(rows), per_page, area, parts)
    parts["texts"].append(Text(_("Total  {total}").format(total=g.money(view.cart.total_cents)), g.x1, g.footer - g.pad - g.title // 2,
                               g.title, "right", "title"))
    parts["buttons"] += _footer(g, ("back", _("‹ Shop"), "secondary"), ("checkout", _("Checkout"), "primary"),
                                not view.cart.is_empty)
    return {"list_area": area, "row": line_h}


def _confirm(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """The order at a glance: a line per item with its picture, a big total, and Pay."""
    _ = g.t.gettext
    texts = parts["texts"]
    texts.append(g.title_text(_("Your order")))
    lines = view.cart.lines
    pitch = max(round(g.font * 1.5), round(g.thumb * 0.7))
    total_top = g.footer - 2 * g.pad - round(g.title * 1.4) - g.font
    fits = max(1, (total_top - g.top) // pitch)
    if lines and len(lines) < fits:  # a short order: bigger lines and pictures
        pitch = min(round(pitch * 2.2), (total_top - g.top) // len(lines))
        fits = max(1, (total_top - g.top) // pitch)
    shown = lines[:fits if len(lines) <= fits else fits - 1]
    pic = pitch - g.gap
    for n, line in enumerate(shown):
        y = g.top + n * pitch + pitch // 2
        parts["pictures"].append(_picture(line.item, Rect(g.x0, y - pic // 2, pic, pic), g.lang))
        x = g.x0 + pic + g.pad
        texts.append(Text(_("{qty} × {name}").format(qty=line.qty, name=line.item.label(g.lang)), x, y, g.font, "left", "body", (g.x1 - x) * 2 // 3))
        texts.append(Text(g.money(line.total_cents), g.x1, y, g.font, "right", "body", (g.x1 - x) // 3))
    if len(lines) > len(shown):
        texts.append(Text(_("… and {n} more").format(n=len(lines) - len(shown)), g.x0, g.top + len(shown) * pitch + pitch // 2,
                          g.small, "left", "muted"))
    total_y = total_top + round(g.title * 0.7)
    texts.append(Text(_("Total"), g.x0, total_y, g.font, "left", "muted"))
    texts.append(Text(g.money(view.cart.total_cents), g.x1, total_y, round(g.title * 1.4), "right", "title",
                      (g.x1 - g.x0) * 2 // 3))
    note_y = g.footer - g.pad - g.small // 2
    if view.placing:
        texts.append(Text(_("Paid. Saving your order…"), g.x0, note_y, g.small, "left", "muted", g.x1 - g.x0))
    elif view.message:
        texts.append(Text(view.message, g.x0, note_y, g.small, "left", "warning", g.x1 - g.x0))
    elif options.gestures:
        texts.append(Text(_("Hold 👍 to pay, or ✋ to go back"), g.x0, note_y, g.small, "left", "muted", g.x1 - g.x0))
    buttons = _footer(g, ("back", _("‹ Back"), "secondary"), ("confirm", _("Pay by card"), "primary"),
                      not view.placing)
    if view.placing:  # nothing but the store's answer may move the kiosk now
        buttons[0] = Button("back", buttons[0].rect, buttons[0].text, "secondary", enabled=False)
    parts["buttons"] += buttons


def _keypad(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """The keypad that sets a cart line's quantity."""
    _ = g.t.gettext
    texts = parts["texts"]
    width = g.x1 - g.x0
    item = catalog.get(view.entry_item or "")
    texts.append(g.title_text(_("How many {name}?").format(name=item.label(g.lang)) if item else _("How many?")))
    field_h = round(g.font * 1.9)
    field_w = min(width, max(round(g.h * 0.45), width * 3 // 5))
    field = Rect(g.x0 + (width - field_w) // 2, g.top, field_w, field_h)
    placeholder = _("Type a quantity (now {n})").format(n=view.cart.qty(view.entry_item)) if view.entry_item \
        else _("Type a quantity")
    parts["fields"].append(Field(field, view.entry, placeholder, round(g.font * 1.3)))
    note_y = field.y + field.h + g.pad // 2 + g.small // 2
    if view.message:
        texts.append(Text(view.message, g.x0 + width // 2, note_y, g.small, "center", "warning", width))
    grid_top = note_y + g.small // 2 + g.pad // 2
    gap = max(4, g.pad // 3)
    key_h = min((g.footer - g.pad // 2 - grid_top - 3 * gap) // 4, round(0.15 * g.h))
    key_w = min((width - 2 * gap) // 3, round(key_h * 2.2))
    x_left = g.x0 + (width - (3 * key_w + 2 * gap)) // 2
    keys = [("key:1", "1"), ("key:2", "2"), ("key:3", "3"), ("key:4", "4"), ("key:5", "5"), ("key:6", "6"),
            ("key:7", "7"), ("key:8", "8"), ("key:9", "9"), ("erase", _("Erase")), ("key:0", "0"), ("enter", _("OK"))]
    for n, (key_id, label) in enumerate(keys):
        r, c = divmod(n, 3)
        style = {"enter": "primary", "erase": "secondary"}.get(key_id, "quiet")
        parts["buttons"].append(Button(key_id, Rect(x_left + c * (key_w + gap), grid_top + r * (key_h + gap), key_w,
                                                     key_h), label, style))
    parts["buttons"] += _footer(g, ("back", _("‹ Cancel"), "secondary"), None)


def _paying(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """Paying on the card terminal: the amount, where to tap the card, a turning ring while it waits, and
    Cancel; once paid, "Saving your order…", or Try again if the store failed. No PIN is ever typed here."""
    _ = g.t.gettext
    texts = parts["texts"]
    fit, cx = g.x1 - g.x0, g.panel.x + g.panel.w // 2
    texts.append(g.title_text(_("Pay on the card terminal")))
    big = round(g.title * 1.8)
    y = g.top + big // 2
    texts.append(Text(g.money(view.cart.total_cents), cx, y, big, "center", "title", fit))
    y += big // 2 + g.pad + g.font // 2
    if view.paid:
        status = _("Paid. Saving your order…") if view.placing else _("Paid.")
    elif view.cancelling:
        status = _("Cancelling…")
    else:
        status = _("Tap or insert your card on the terminal")
    texts.append(Text(status, cx, y, g.font, "center", "strong", fit))
    y += g.font // 2 + g.gap + g.small // 2
    if not view.paid:
        texts.append(Text(_("Nothing to type here"), cx, y, g.small, "center", "muted", fit))
    y += g.small // 2 + g.pad
    footer_top = g.footer - (g.pad + g.small if view.message else 0)
    side = max(g.btn, min(footer_top - g.pad - y, round(0.22 * g.h), fit))
    extra = {}
    if view.placing or not view.paid:
        extra["spinner"] = Rect(cx - side // 2, y + (footer_top - g.pad - y - side) // 2, side, side)
    if view.message:
        texts.append(Text(view.message, cx, g.footer - g.pad - g.small // 2, g.small, "center", "warning", fit))
    bw = fit * 2 // 3
    if not view.paid:
        parts["buttons"].append(Button("back", Rect(cx - bw // 2, g.footer, bw, g.btn), _("Cancel payment"),
                                       "secondary", not view.cancelling))
    elif not view.placing:  # paid, but the order was not saved: store it again, never charge again
        parts["buttons"].append(Button("retry", Rect(cx - bw // 2, g.footer, bw, g.btn), _("Try again"), "primary"))
    return extra


def _out_of_order(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """The store cannot save orders: the shopper's payment went through, and a reference for the staff,
    big enough to photograph. No button: nothing can be bought here any more."""
    _ = g.t.gettext
    cx, fit = g.panel.x + g.panel.w // 2, g.x1 - g.x0
    texts = parts["texts"]
    texts.append(g.title_text(_("Out of order")))
    block = 2 * (g.font + g.gap) + g.pad + (g.small + 2 * g.title + g.gap + g.font // 2 if view.reference else 0) \
        + g.font
    y = g.top + max(g.font // 2, (g.footer - g.top - block) // 2)  # the message in the middle of the panel
    for line in (_("Your payment went through."), _("Please show this to a member of staff.")):
        texts.append(Text(line, cx, y, g.font, "center", "strong", fit))
        y += g.font + g.gap
    y += g.pad
    if view.reference:
        texts.append(Text(_("Reference"), cx, y + g.small // 2, g.small, "center", "muted", fit))
        y += g.small + g.title
        texts.append(Text(view.reference, cx, y, g.title * 2, "center", "title", fit))
        y += g.title + g.gap + g.font // 2
    texts.append(Text(g.money(view.cart.total_cents) + "  ·  " + _("paid"), cx, y, g.font, "center", "body", fit))
    texts.append(Text(_("This kiosk takes no orders now."), cx, g.footer + g.btn // 2, g.small, "center",
                      "muted", fit))


def _receipt(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """Thank you, the order number big, and the receipt as a QR code a phone can read."""
    _ = g.t.gettext
    cx = g.panel.x + g.panel.w // 2
    r = view.receipt
    fit = g.x1 - g.x0
    badge_side = round(g.title * 1.8)
    badge = Rect(cx - badge_side // 2, g.panel.y + g.pad, badge_side, badge_side)
    y = badge.y + badge.h + g.pad + g.title * 3 // 4
    texts = parts["texts"]
    texts.append(Text(_("Thank you!"), cx, y, g.title * 3 // 2, "center", "title", fit))
    y += g.title * 3 // 4 + g.pad
    extra: dict = {"badge": badge}
    if r is not None:
        texts.append(Text(_("Your order number"), cx, y + g.small // 2, g.small, "center", "muted", fit))
        y += g.small + g.title
        texts.append(Text(r.number, cx, y, g.title * 2, "center", "title", fit))
        y += g.title + g.gap + g.font // 2
        texts.append(Text(g.t.ngettext("{n} item  ·  {total}  ·  paid", "{n} items  ·  {total}  ·  paid", r.count)
                          .format(n=r.count, total=g.money(r.total_cents)), cx, y, g.font, "center", "body", fit))
        y += g.font // 2 + g.pad
        if r.text:
            side = min(g.footer - g.pad - g.small - g.gap - y, round(0.3 * g.h), fit)
            if side >= round(0.12 * g.h):  # big enough for a phone to read from a step away
                extra["qr"] = Qr(Rect(cx - side // 2, y, side, side), r.text)
                texts.append(Text(_("Scan for your receipt"), cx, y + side + g.gap + g.small // 2, g.small, "center",
                                  "muted", fit))
    bw = fit * 2 // 3
    parts["buttons"].append(Button("done", Rect(cx - bw // 2, g.footer, bw, g.btn), _("New order"), "primary"))
    return extra


def sample_views(catalog: Catalog, every: bool = False, language: str = "en") -> list[tuple[str, View]]:
    """One representative view per screen (a cart with the first items), for `layout` and screenshots.

    language: the sessions' language (its texts, names and money).
    every: also the practice screen with hold-still on, the quantity keypad, a paid order the store
    failed to save, the cart offering Undo for a removed line, an item just added, and a session
    with the inactivity countdown.
    """
    from kiosk.shop.cart import Cart
    from datetime import datetime, timezone

    from kiosk.shop.machine import Receipt, ReceiptLine, Toast, UndoOffer
    from kiosk.shop.receipt import receipt_text

    cart = Cart()
    for n, item in enumerate(catalog.items[:3]):
        cart = cart.add(item, n + 1)
    t = tr(language)
    names = [(line.item.label(language), line.qty, line.total_cents) for line in cart.lines]
    receipt = Receipt("A-0001", cart.total_cents, cart.count, tuple(ReceiptLine(*n) for n in names),
                      receipt_text(t, "Touchless checkout", "A-0001", datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc),
                                   names, cart.total_cents, catalog.currency))
    lang = {"language": language}
    views = [
        ("attract", View(Screen.ATTRACT, Cart(), 0, False, None, None, None, **lang)),
        ("practice", View(Screen.PRACTICE, Cart(), 0, False, None, None, None, **lang)),
        ("shopping", View(Screen.SHOPPING, cart, 0, False, None, None, None, **lang)),
        ("cart", View(Screen.CART, cart, 0, False, None, None, None, **lang)),
        ("confirm", View(Screen.CONFIRM, cart, 0, False, None, None, None, **lang)),
        ("paying", View(Screen.PAYING, cart, 0, False, None, None, None, **lang)),
        ("receipt", View(Screen.RECEIPT, Cart(), 0, False, receipt, None, None, **lang)),
    ]
    if every:
        first = catalog.items[0]
        gone = min(1, len(cart.lines) - 1)  # the second line, removed a moment ago
        added = t.gettext("Added: {name} ×{qty}").format(name=first.label(language), qty=1)
        views[7:7] = [
            ("practice-hold", View(Screen.PRACTICE, Cart(), 0, False, None, None, None, hold_to_select=True, **lang)),
            ("added", View(Screen.SHOPPING, cart, 0, False, None, None, None, toast=Toast(added, 1, f"add:{first.id}"),
                           added=Added(first.id, 0.0), **lang)),
            ("quantity", View(Screen.QUANTITY, cart, 0, False, None, None, None, entry="1", entry_item=first.id,
                              **lang)),
            ("paid-unsaved", View(Screen.PAYING, cart, 0, False, None, None,
                                  t.gettext("Paid, not saved yet: please try again"), paid=True, **lang)),
            ("cart-undo", View(Screen.CART, cart.remove(cart.lines[gone].item.id), 0, False, None, None, None,
                               undo=UndoOffer(cart.lines[gone], gone, 0.0, 5.0), **lang)),
            ("warning", View(Screen.SHOPPING, cart, 0, False, None, 12, None, **lang)),
            ("out-of-order", View(Screen.OUT_OF_ORDER, cart, 0, False, None, None, None, paid=True,
                                  reference="3F9A0C2E", **lang)),
        ]
    return views

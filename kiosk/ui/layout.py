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

from dataclasses import dataclass
from pathlib import Path

from kiosk.shop.catalog import Catalog
from kiosk.shop.machine import PIN_LENGTH, QTY_DIGITS, Screen, View
from kiosk.types import DEFAULT_ACTIVE_REGION, Region
from kiosk.ui.theme import Sizes

MIN_TARGET = 0.08
"""Smallest target side as a fraction of the screen height: big enough for a hand."""
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
    """An item's image (from the catalog), drawn scaled to fit `rect` (screen px)."""

    path: Path
    rect: Rect


@dataclass(frozen=True)
class Field:
    """The keypad's entry: digits as text, or for a PIN one dot per typed digit in `length` slots."""

    rect: Rect
    entry: str
    secret: bool
    length: int
    """Slots drawn for a secret entry (the PIN's 4)."""
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
    feed_area: Rect | None = None
    """The part of the screen the panel leaves free (notes, hints and toasts go there)."""
    badge: Rect | None = None
    """The receipt's check mark."""
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

    Wide screens: scaled to the screen's height; others: to its width. Along the other axis
    it is shifted so the part the panel leaves free (`feed_area`) shows the pointer's
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
    """Vertical metrics shared by all screens of one screen size."""

    def __init__(self, size: tuple[int, int], sizes: Sizes = Sizes()):
        w, h = size
        self.w, self.h = w, h
        self.pad = round(sizes.pad * h)
        self.row = max(round(sizes.row * h), 1)
        self.btn = max(round(sizes.button * h), round(MIN_TARGET * h))
        self.font = round(sizes.font * h)
        self.title = round(sizes.title * h)
        self.landscape = w >= WIDE * h
        if self.landscape:  # panel on the right; the picture shows left of it
            pw = max(round(sizes.panel_width * w), min(w - 2 * self.pad, round(0.9 * h)))
            self.panel = Rect(w - pw - self.pad, self.pad, pw, h - 2 * self.pad)
            self.feed_area = Rect(0, 0, self.panel.x, h)
        else:  # portrait, square or 4:3: panel in the lower part, the picture above it
            ph = round(0.72 * h)
            self.panel = Rect(self.pad, h - ph - self.pad, w - 2 * self.pad, ph)
            self.feed_area = Rect(0, 0, w, self.panel.y)
        p = self.panel
        self.x0, self.x1 = p.x + self.pad, p.x + p.w - self.pad
        self.top = p.y + self.pad + self.title + self.pad
        self.footer = p.y + p.h - self.pad - self.btn

    def title_text(self, text: str) -> Text:
        return Text(text, self.x0, self.panel.y + self.pad + self.title // 2, self.title, "left", "title",
                    self.x1 - self.x0)

    def rows_that_fit(self, reserved_rows: int = 1) -> int:
        return max(1, (self.footer - self.top) // self.row - reserved_rows)


def catalog_rows(size: tuple[int, int], sizes: Sizes = Sizes()) -> int:
    """How many list rows one page shows at this screen size (one row is kept for paging)."""
    return _Grid(size, sizes).rows_that_fit()


def layout(view: View, catalog: Catalog, size: tuple[int, int], options: LayoutOptions = DEFAULT_OPTIONS) -> Layout:
    g = _Grid(size, options.sizes)
    build = {
        Screen.ATTRACT: _attract,
        Screen.SHOPPING: _shopping,
        Screen.CART: _cart,
        Screen.QUANTITY: _keypad,
        Screen.CONFIRM: _confirm,
        Screen.PIN: _keypad,
        Screen.RECEIPT: _receipt,
    }[view.screen]
    parts: dict = {"buttons": [], "texts": [], "pictures": [], "fields": [], "instructions": [], "scrollbars": [],
                   "countdowns": []}
    extra = build(view, catalog, g, options, parts) or {}
    if view.toast is not None:
        fa = g.feed_area
        y = min(fa.y + round(fa.h * 0.78), fa.y + fa.h - g.pad - g.font)  # the pill clear of the panel
        parts["texts"].append(Text(view.toast.text, fa.x + fa.w // 2, y, g.font, "center", "toast", fa.w - 4 * g.pad))
    modal = _warning(view.warning_left, g) if view.warning_left is not None else None
    return Layout(size, g.panel, tuple(parts["buttons"]), tuple(parts["texts"]), tuple(parts["pictures"]),
                  tuple(parts["fields"]), tuple(parts["instructions"]), tuple(parts["scrollbars"]),
                  tuple(parts["countdowns"]), modal, g.feed_area, row=g.row, **extra)


def _warning(left: int, g: _Grid) -> Modal:
    p = g.panel
    w = p.w - 4 * g.pad
    h = 2 * g.title + 3 * g.font + 4 * g.pad
    rect = Rect(p.x + (p.w - w) // 2, p.y + (p.h - h) // 2, w, h)
    cx = rect.x + w // 2
    y = rect.y + g.pad + g.title // 2
    return Modal(rect, (
        Text("Still there?", cx, y, g.title, "center", "title", w - 2 * g.pad),
        Text(str(left), cx, y + g.title // 2 + g.title, 2 * g.title, "center", "warning"),
        Text("Move your hand to keep shopping.", cx, rect.y + h - g.pad - g.font * 3 // 2, g.font, "center", "body",
             w - 2 * g.pad),
        Text("At zero the cart is cleared.", cx, rect.y + h - g.pad - g.font // 2, round(g.font * 0.8), "center",
             "muted", w - 2 * g.pad),
    ))


def _footer(g: _Grid, left: tuple[str, str, str], right: tuple[str, str, str] | None,
            right_enabled: bool = True) -> list[Button]:
    """Two buttons side by side at the bottom of the panel: (id, text, style) each."""
    half = (g.x1 - g.x0 - g.pad) // 2
    buttons = [Button(left[0], Rect(g.x0, g.footer, half, g.btn), left[1], left[2])]
    if right is not None:
        buttons.append(Button(right[0], Rect(g.x1 - half, g.footer, half, g.btn), right[1], right[2], right_enabled))
    return buttons


def _list(g: _Grid, first: int, total: int, per_page: int, parts: dict) -> tuple[int, dict]:
    """Pager (Prev / Next and "1–4 of 9") in the row after the list, and a scrollbar beside it, when the
    list is longer than a page. Returns the first row shown (clamped) and the layout's list fields."""
    first = min(max(first, 0), max(0, total - per_page))
    area = Rect(g.x0, g.top, g.x1 - g.x0, per_page * g.row)
    if total > per_page:
        y = g.top + per_page * g.row + (g.row - g.btn) // 2
        pw = (g.x1 - g.x0) // 3
        parts["buttons"] += [
            Button("page-prev", Rect(g.x0, y, pw, g.btn), "‹ Prev", "secondary", first > 0),
            Button("page-next", Rect(g.x1 - pw, y, pw, g.btn), "Next ›", "secondary", first < total - per_page)]
        last = min(first + per_page, total)
        parts["texts"].append(Text(f"{first + 1}–{last} of {total}", (g.x0 + g.x1) // 2, y + g.btn // 2, g.font,
                                   "center", "muted", pw - g.pad))
        bar_w = max(4, g.pad // 3)
        track = Rect(g.x1 + (g.pad - bar_w) // 2, area.y, bar_w, area.h)
        thumb_h = max(bar_w * 2, area.h * per_page // total)
        thumb_y = area.y + (area.h - thumb_h) * first // (total - per_page)
        parts["scrollbars"].append(Scrollbar(track, Rect(track.x, thumb_y, bar_w, thumb_h)))
    return first, {"list_area": area}


def _attract(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    cx, fit = g.panel.x + g.panel.w // 2, g.x1 - g.x0
    parts["texts"] += [
        Text("Touchless checkout", g.x0, g.panel.y + g.pad + g.title // 2, g.title, "left", "title", fit),
        Text("Shop with your hand in the air: nothing to touch.", g.x0, g.top, g.font, "left", "muted", fit),
    ]
    steps = [
        ("raise", "Raise your hand", "Hold it up for a moment to start"),
        ("point", "Point to move", "Your index fingertip is the cursor"),
        ("ok", "OK sign to select", "Touch thumb and index together"),
        ("palm", "Open hand to go back", "Hold it up in the cart or the summary"),
    ]
    y0 = g.top + g.font
    step_h = min((g.footer - g.pad - y0) // len(steps), round(g.h * 0.16))
    small = round(g.font * 0.8)
    for n, (kind, title, detail) in enumerate(steps):
        rect = Rect(g.x0, y0 + n * step_h, fit, step_h - g.pad // 2)
        side = rect.h - g.pad // 2
        icon = Rect(rect.x + g.pad // 4, rect.y + g.pad // 4, side, side)
        tx = icon.x + icon.w + g.pad
        mid = rect.y + rect.h // 2
        parts["instructions"].append(Instruction(
            rect, icon, kind,
            Text(title, tx, mid - small * 2 // 3, g.font, "left", "strong", rect.x + rect.w - tx - g.pad // 2),
            Text(detail, tx, mid + g.font * 2 // 3, small, "left", "muted", rect.x + rect.w - tx - g.pad // 2)))
    bw = fit * 2 // 3
    parts["buttons"].append(Button("start", Rect(cx - bw // 2, g.footer, bw, g.btn), "Start", "primary"))


def _shopping(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    parts["texts"].append(g.title_text("Choose your items"))
    per_page = g.rows_that_fit()
    first, extra = _list(g, view.first, len(catalog.items), per_page, parts)
    add_w = max(g.btn, (g.x1 - g.x0) // 4)
    for n, item in enumerate(catalog.items[first:first + per_page]):
        y = g.top + n * g.row
        mid = y + g.row // 2
        in_cart = view.cart.qty(item.id)
        name = f"{item.name}  ×{in_cart}" if in_cart else item.name
        price_x = g.x1 - add_w - g.pad
        name_x = g.x0
        if item.image is not None:
            parts["pictures"].append(Picture(item.image, Rect(g.x0, mid - g.btn // 2, g.btn, g.btn)))
            name_x += g.btn + g.pad
        parts["texts"].append(Text(name, name_x, mid, g.font, "left", "body", max_width=(price_x - name_x) * 2 // 3))
        parts["texts"].append(Text(catalog.format(item.price_cents), price_x, mid, g.font, "right", "muted"))
        parts["buttons"].append(Button(f"add:{item.id}", Rect(g.x1 - add_w, mid - g.btn // 2, add_w, g.btn), "Add",
                                       "primary"))
    cart_text = f"Cart ({view.cart.count})  {catalog.format(view.cart.total_cents)}"
    parts["buttons"] += _footer(g, ("cart", cart_text, "secondary"), ("checkout", "Checkout", "primary"),
                                not view.cart.is_empty)
    return extra


def _cart(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    parts["texts"].append(g.title_text("Your cart"))
    b = g.btn
    undo = view.undo
    if view.cart.is_empty and undo is None:
        parts["texts"].append(Text("Your cart is empty.", g.x0, g.top + g.row // 2, g.font, "left", "muted"))
    # Each row: name, line total ........ [−] qty [+]  [✕]; a line just removed: its name ... [Undo]
    rows: list = list(view.cart.lines)
    if undo is not None:  # in the removed line's place, so nothing below it moves
        rows.insert(min(undo.index, len(rows)), undo)
    per_page = g.rows_that_fit()
    first, extra = _list(g, view.cart_first, len(rows), per_page, parts)
    x_remove = g.x1 - b
    x_inc = x_remove - g.pad - b
    x_dec = x_inc - 2 * b
    for n, line in enumerate(rows[first:first + per_page]):
        mid = g.top + n * g.row + g.row // 2
        if line is undo:
            item = undo.line.item
            parts["buttons"].append(Button("undo", Rect(x_dec, mid - b // 2, g.x1 - x_dec, b), "Undo", "primary"))
            parts["countdowns"].append(Countdown(Rect(x_dec, mid - b // 2, g.x1 - x_dec, b), undo.since, undo.until))
            parts["texts"].append(Text(f"{item.name} ×{undo.line.qty}", g.x0, mid - g.font // 2, g.font, "left",
                                       "muted", max_width=x_dec - g.x0 - g.pad))
            parts["texts"].append(Text("removed", g.x0, mid + g.font // 2 + 2, round(g.font * 0.8), "left", "muted",
                                       max_width=x_dec - g.x0 - g.pad))
            continue
        item = line.item
        parts["buttons"].append(Button(f"dec:{item.id}", Rect(x_dec, mid - b // 2, b, b), "−"))
        if options.keypad_for_quantity:
            parts["buttons"].append(Button(f"qty:{item.id}", Rect(x_dec + b, mid - b // 2, b, b), str(line.qty),
                                           "quiet"))
        else:
            parts["texts"].append(Text(str(line.qty), x_dec + b + b // 2, mid, g.font, "center", "strong"))
        parts["buttons"].append(Button(f"inc:{item.id}", Rect(x_inc, mid - b // 2, b, b), "+"))
        parts["buttons"].append(Button(f"remove:{item.id}", Rect(x_remove, mid - b // 2, b, b), "×", "danger"))
        parts["texts"].append(Text(item.name, g.x0, mid - g.font // 2, g.font, "left", "body",
                                   max_width=x_dec - g.x0 - g.pad))
        parts["texts"].append(Text(catalog.format(line.total_cents), g.x0, mid + g.font // 2 + 2, round(g.font * 0.8),
                                   "left", "muted"))
    parts["texts"].append(Text(f"Total  {catalog.format(view.cart.total_cents)}", g.x1, g.footer - g.row // 2,
                               g.title, "right", "strong"))
    parts["buttons"] += _footer(g, ("back", "‹ Shop", "secondary"), ("checkout", "Checkout", "primary"),
                                not view.cart.is_empty)
    return extra


def _confirm(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    texts = parts["texts"]
    texts.append(g.title_text("Confirm your order"))
    small = round(g.font * 0.9)
    lines = view.cart.lines
    shown = lines[: max(1, (g.footer - g.top - 3 * g.row) // (small * 2))]
    for n, line in enumerate(shown):
        y = g.top + n * small * 2 + small
        texts.append(Text(f"{line.qty} × {line.item.name}", g.x0, y, small, "left", "body",
                          max_width=(g.x1 - g.x0) * 3 // 4))
        texts.append(Text(catalog.format(line.total_cents), g.x1, y, small, "right", "body"))
    if len(lines) > len(shown):
        texts.append(Text(f"… and {len(lines) - len(shown)} more", g.x0, g.top + len(shown) * small * 2 + small,
                          small, "left", "muted"))
    texts.append(Text(f"Total  {catalog.format(view.cart.total_cents)}", g.x1, g.footer - g.row // 2, g.title,
                      "right", "strong"))
    note_y = g.footer - g.row - g.font
    if view.placing:
        texts.append(Text("Paid. Saving your order…", g.x0, g.footer - g.row // 2, g.font, "left", "muted",
                          (g.x1 - g.x0) // 2))
    elif view.message:
        texts.append(Text(view.message, g.x0, note_y, g.font, "left", "warning", g.x1 - g.x0))
    elif options.gestures:
        texts.append(Text("Hold a thumbs up to confirm, or an open hand to go back", g.x0, note_y,
                          round(g.font * 0.8), "left", "muted", g.x1 - g.x0))
    buttons = _footer(g, ("back", "‹ Back", "secondary"), ("confirm", "Pay by card", "primary"), not view.placing)
    if view.placing:  # nothing but the store's answer may move the kiosk now
        buttons[0] = Button("back", buttons[0].rect, buttons[0].text, "secondary", enabled=False)
    parts["buttons"] += buttons


def _keypad(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    """The keypad: a PIN for the card payment, or a cart line's quantity."""
    texts = parts["texts"]
    pin = view.screen is Screen.PIN
    width = g.x1 - g.x0
    if pin:
        texts.append(Text("Enter your PIN", g.x0, g.panel.y + g.pad + g.title // 2, g.title, "left", "title",
                          width * 3 // 5))
        texts.append(Text(catalog.format(view.cart.total_cents), g.x1, g.panel.y + g.pad + g.title // 2, g.title,
                          "right", "strong", width * 2 // 5 - g.pad))
    else:
        item = catalog.get(view.entry_item or "")
        name = item.name if item else ""
        texts.append(Text(f"Quantity: {name}", g.x0, g.panel.y + g.pad + g.title // 2, g.title, "left", "title",
                          width))
    field_h = round(g.font * 1.9)
    field_w = min(width, max(round(g.h * 0.45), width * 3 // 5))
    field = Rect(g.x0 + (width - field_w) // 2, g.top, field_w, field_h)
    placeholder = "Type your 4-digit PIN" if pin else (
        f"Type a quantity (now {view.cart.qty(view.entry_item)})" if view.entry_item else "Type a quantity")
    parts["fields"].append(Field(field, view.entry, pin, PIN_LENGTH if pin else QTY_DIGITS, placeholder,
                                 round(g.font * 1.3)))
    note_y = field.y + field.h + g.pad // 2 + g.font // 2
    if view.message:
        texts.append(Text(view.message, g.x0 + width // 2, note_y, g.font, "center", "warning", width))
    grid_top = note_y + g.font // 2 + g.pad // 2
    gap = max(4, g.pad // 3)
    key_h = min((g.footer - g.pad // 2 - grid_top - 3 * gap) // 4, round(0.15 * g.h))
    key_w = min((width - 2 * gap) // 3, round(key_h * 2.2))
    x_left = g.x0 + (width - (3 * key_w + 2 * gap)) // 2
    keys = [("key:1", "1"), ("key:2", "2"), ("key:3", "3"), ("key:4", "4"), ("key:5", "5"), ("key:6", "6"),
            ("key:7", "7"), ("key:8", "8"), ("key:9", "9"), ("erase", "Erase"), ("key:0", "0"), ("enter", "OK")]
    for n, (key_id, label) in enumerate(keys):
        r, c = divmod(n, 3)
        style = {"enter": "primary", "erase": "secondary"}.get(key_id, "quiet")
        parts["buttons"].append(Button(key_id, Rect(x_left + c * (key_w + gap), grid_top + r * (key_h + gap), key_w,
                                                     key_h), label, style))
    parts["buttons"] += _footer(g, ("back", "‹ Cancel", "secondary"), None)


def _receipt(view: View, catalog: Catalog, g: _Grid, options: LayoutOptions, parts: dict):
    cx = g.panel.x + g.panel.w // 2
    r = view.receipt
    badge_side = round(g.title * 2.2)
    badge = Rect(cx - badge_side // 2, g.panel.y + g.pad * 2, badge_side, badge_side)
    y = badge.y + badge.h + g.pad + g.title
    texts = parts["texts"]
    texts.append(Text("Thank you!", cx, y, g.title * 3 // 2, "center", "title", g.x1 - g.x0))
    if r is not None:
        texts.append(Text(f"Order {r.number}", cx, y + 2 * g.title, g.title, "center", "strong", g.x1 - g.x0))
        texts.append(Text(f"{r.count} item{'s' if r.count != 1 else ''}  ·  {catalog.format(r.total_cents)}  ·  paid",
                          cx, y + 3 * g.title + g.font, g.font, "center", "body", g.x1 - g.x0))
    texts.append(Text("Please take your receipt number to the counter.", cx, y + 4 * g.title + 2 * g.font, g.font,
                      "center", "muted", g.x1 - g.x0))
    bw = (g.x1 - g.x0) * 2 // 3
    parts["buttons"].append(Button("done", Rect(cx - bw // 2, g.footer, bw, g.btn), "New order", "primary"))
    return {"badge": badge}


def sample_views(catalog: Catalog, every: bool = False) -> list[tuple[str, View]]:
    """One representative view per screen (a cart with the first items), for `layout` and screenshots.

    every: also the keypad screens (quantity, pin), the cart offering Undo for a removed line, and a
    session with the inactivity countdown.
    """
    from kiosk.shop.cart import Cart
    from kiosk.shop.machine import Receipt, Toast, UndoOffer

    cart = Cart()
    for n, item in enumerate(catalog.items[:3]):
        cart = cart.add(item, n + 1)
    receipt = Receipt("A-0001", cart.total_cents, cart.count)
    views = [
        ("attract", View(Screen.ATTRACT, Cart(), 0, False, None, None, None)),
        ("shopping", View(Screen.SHOPPING, cart, 0, False, None, None, None)),
        ("cart", View(Screen.CART, cart, 0, False, None, None, None)),
        ("confirm", View(Screen.CONFIRM, cart, 0, False, None, None, None)),
        ("receipt", View(Screen.RECEIPT, Cart(), 0, False, receipt, None, None)),
    ]
    if every:
        first = catalog.items[0].id
        gone = min(1, len(cart.lines) - 1)  # the second line, removed a moment ago
        views[4:4] = [
            ("quantity", View(Screen.QUANTITY, cart, 0, False, None, None, None, entry="1", entry_item=first)),
            ("pin", View(Screen.PIN, cart, 0, False, None, None, None, entry="12")),
            ("cart-undo", View(Screen.CART, cart.remove(cart.lines[gone].item.id), 0, False, None, None, None,
                               undo=UndoOffer(cart.lines[gone], gone, 0.0, 5.0))),
            ("warning", View(Screen.SHOPPING, cart, 0, False, None, 12, None,
                             toast=Toast(f"Added: {catalog.items[0].name} ×1", 1))),
        ]
    return views

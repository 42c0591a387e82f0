"""Where everything goes on each screen, in screen px. Pure: no pygame.

`layout(view, catalog, size)` returns the buttons (the click targets, with stable ids
such as `add:apple`, `checkout`) and the texts of the current screen. The renderer
draws exactly these, and the app hit-tests the cursor against exactly these, so what
you see is what you click. Sizes derive from the screen height so a target is never
smaller than MIN_TARGET of it, whatever the resolution.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.shop.catalog import Catalog
from kiosk.shop.machine import Screen, View

MIN_TARGET = 0.08
"""Smallest target side as a fraction of the screen height: big enough for a hand."""
ROW = 0.10  # catalog / cart row pitch, fraction of the screen height
BUTTON = 0.085  # button height, fraction of the screen height


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
    """primary | secondary | danger: the theme colours it."""
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
    """title | body | muted | strong | warning"""
    max_width: int | None = None
    """px; longer text is drawn smaller so it fits (long item names, portrait screens)."""


@dataclass(frozen=True)
class Picture:
    """An item's image (from the catalog), drawn scaled to fit `rect` (screen px)."""

    path: Path
    rect: Rect


@dataclass(frozen=True)
class Layout:
    size: tuple[int, int]
    panel: Rect
    buttons: tuple[Button, ...]
    texts: tuple[Text, ...]
    pictures: tuple[Picture, ...] = ()

    def hit(self, p: tuple[float, float] | None) -> Button | None:
        """The enabled button under point p (screen px), if any."""
        if p is None:
            return None
        for b in self.buttons:
            if b.enabled and b.rect.contains(p):
                return b
        return None


class _Grid:
    """Vertical metrics shared by all screens of one screen size."""

    def __init__(self, size: tuple[int, int]):
        w, h = size
        self.w, self.h = w, h
        self.pad = round(0.025 * h)
        self.row = max(round(ROW * h), 1)
        self.btn = max(round(BUTTON * h), round(MIN_TARGET * h))
        self.font = round(0.036 * h)
        self.title = round(0.055 * h)
        if w >= h:  # landscape: panel on the right, the left of the feed stays visible
            pw = max(round(0.42 * w), min(w, round(0.9 * h)))
            self.panel = Rect(w - pw - self.pad, self.pad, pw, h - 2 * self.pad)
        else:  # portrait: panel in the lower part
            ph = round(0.72 * h)
            self.panel = Rect(self.pad, h - ph - self.pad, w - 2 * self.pad, ph)
        p = self.panel
        self.x0, self.x1 = p.x + self.pad, p.x + p.w - self.pad
        self.top = p.y + self.pad + self.title + self.pad
        self.footer = p.y + p.h - self.pad - self.btn

    def title_text(self, text: str) -> Text:
        return Text(text, self.x0, self.panel.y + self.pad + self.title // 2, self.title, "left", "title")

    def rows_that_fit(self, reserved_rows: int = 1) -> int:
        return max(1, (self.footer - self.top) // self.row - reserved_rows)


def catalog_rows(size: tuple[int, int]) -> int:
    """How many catalog items one page shows at this screen size (one row is kept for paging)."""
    return _Grid(size).rows_that_fit()


def layout(view: View, catalog: Catalog, size: tuple[int, int]) -> Layout:
    g = _Grid(size)
    build = {
        Screen.ATTRACT: _attract,
        Screen.SHOPPING: _shopping,
        Screen.CART: _cart,
        Screen.CONFIRM: _confirm,
        Screen.RECEIPT: _receipt,
    }[view.screen]
    buttons, texts, pictures = build(view, catalog, g)
    if view.warning_left is not None:
        texts.append(Text(f"Still there? The cart clears in {view.warning_left:.0f} s: move your hand.",
                          g.w // 2, g.pad + g.font, g.font, "center", "warning", g.w - 4 * g.pad))
    return Layout(size, g.panel, tuple(buttons), tuple(texts), tuple(pictures))


def _footer(g: _Grid, left: tuple[str, str, str], right: tuple[str, str, str], right_enabled: bool = True) -> list[Button]:
    """Two buttons side by side at the bottom of the panel: (id, text, style) each."""
    half = (g.x1 - g.x0 - g.pad) // 2
    return [
        Button(left[0], Rect(g.x0, g.footer, half, g.btn), left[1], left[2]),
        Button(right[0], Rect(g.x1 - half, g.footer, half, g.btn), right[1], right[2], right_enabled),
    ]


def _pager(g: _Grid, row: int, page: int, pages: int) -> tuple[list[Button], list[Text]]:
    """Prev / Next buttons and "2 / 3" in the row after the last list row, when there is more than one page."""
    if pages <= 1:
        return [], []
    y = g.top + row * g.row + (g.row - g.btn) // 2
    pw = (g.x1 - g.x0) // 3
    return ([Button("page-prev", Rect(g.x0, y, pw, g.btn), "‹ Prev", "secondary", page > 0),
             Button("page-next", Rect(g.x1 - pw, y, pw, g.btn), "Next ›", "secondary", page < pages - 1)],
            [Text(f"{page + 1} / {pages}", (g.x0 + g.x1) // 2, y + g.btn // 2, g.font, "center", "muted")])


def _attract(view: View, catalog: Catalog, g: _Grid):
    cx, top, fit = g.panel.x + g.panel.w // 2, g.panel.y + g.panel.h // 5, g.x1 - g.x0
    texts = [
        Text("Touchless checkout", cx, top, g.title, "center", "title", fit),
        Text("Raise your hand to start", cx, top + 2 * g.font, g.font, "center", "strong", fit),
        Text("Point with your index finger to move", cx, top + 4 * g.font, g.font, "center", "body", fit),
        Text("Touch thumb and index (OK sign) to select", cx, top + 5 * g.font + g.font // 2, g.font, "center",
             "body", fit),
    ]
    bw = (g.x1 - g.x0) * 2 // 3
    return [Button("start", Rect(cx - bw // 2, g.footer, bw, g.btn), "Start", "primary")], texts, []


def _shopping(view: View, catalog: Catalog, g: _Grid):
    texts = [g.title_text("Choose your items")]
    buttons: list[Button] = []
    per_page = g.rows_that_fit()
    items = catalog.items[view.page * per_page:(view.page + 1) * per_page]
    pictures: list[Picture] = []
    add_w = max(g.btn, (g.x1 - g.x0) // 4)
    for n, item in enumerate(items):
        y = g.top + n * g.row
        mid = y + g.row // 2
        in_cart = view.cart.qty(item.id)
        name = f"{item.name}  ×{in_cart}" if in_cart else item.name
        price_x = g.x1 - add_w - g.pad
        name_x = g.x0
        if item.image is not None:
            pictures.append(Picture(item.image, Rect(g.x0, mid - g.btn // 2, g.btn, g.btn)))
            name_x += g.btn + g.pad
        texts.append(Text(name, name_x, mid, g.font, "left", "body", max_width=(price_x - name_x) * 2 // 3))
        texts.append(Text(catalog.format(item.price_cents), price_x, mid, g.font, "right", "muted"))
        buttons.append(Button(f"add:{item.id}", Rect(g.x1 - add_w, mid - g.btn // 2, add_w, g.btn), "Add", "primary"))
    pager_buttons, pager_texts = _pager(g, per_page, view.page, -(-len(catalog.items) // per_page))
    buttons += pager_buttons
    texts += pager_texts
    cart_text = f"Cart ({view.cart.count})  {catalog.format(view.cart.total_cents)}"
    buttons += _footer(g, ("cart", cart_text, "secondary"), ("checkout", "Checkout", "primary"), not view.cart.is_empty)
    return buttons, texts, pictures


def _cart(view: View, catalog: Catalog, g: _Grid):
    texts = [g.title_text("Your cart")]
    buttons: list[Button] = []
    b = g.btn
    if view.cart.is_empty:
        texts.append(Text("Your cart is empty.", g.x0, g.top + g.row // 2, g.font, "left", "muted"))
    # Each row: name, line total ........ [−] qty [+]  [✕]
    per_page = g.rows_that_fit()
    pages = -(-len(view.cart.lines) // per_page)
    page = min(view.cart_page, max(pages - 1, 0))
    for n, line in enumerate(view.cart.lines[page * per_page:(page + 1) * per_page]):
        mid = g.top + n * g.row + g.row // 2
        item = line.item
        x_remove = g.x1 - b
        x_inc = x_remove - g.pad - b
        x_dec = x_inc - 2 * b
        buttons.append(Button(f"dec:{item.id}", Rect(x_dec, mid - b // 2, b, b), "−"))
        texts.append(Text(str(line.qty), x_dec + b + b // 2, mid, g.font, "center", "strong"))
        buttons.append(Button(f"inc:{item.id}", Rect(x_inc, mid - b // 2, b, b), "+"))
        buttons.append(Button(f"remove:{item.id}", Rect(x_remove, mid - b // 2, b, b), "×", "danger"))
        texts.append(Text(item.name, g.x0, mid - g.font // 2, g.font, "left", "body", max_width=x_dec - g.x0 - g.pad))
        texts.append(Text(catalog.format(line.total_cents), g.x0, mid + g.font // 2 + 2, round(g.font * 0.8), "left", "muted"))
    pager_buttons, pager_texts = _pager(g, per_page, page, pages)
    buttons += pager_buttons
    texts += pager_texts
    texts.append(Text(f"Total  {catalog.format(view.cart.total_cents)}", g.x1, g.footer - g.row // 2, g.title,
                      "right", "strong"))
    buttons += _footer(g, ("back", "‹ Shop", "secondary"), ("checkout", "Checkout", "primary"), not view.cart.is_empty)
    return buttons, texts, []


def _confirm(view: View, catalog: Catalog, g: _Grid):
    texts = [g.title_text("Confirm your order")]
    small = round(g.font * 0.9)
    lines = view.cart.lines
    shown = lines[: max(1, (g.footer - g.top - 2 * g.row) // (small * 2))]
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
    if view.placing:
        texts.append(Text("Saving your order…", g.x0, g.footer - g.row // 2, g.font, "left", "muted"))
    elif view.message:
        texts.append(Text(view.message, g.x0, g.footer - g.row - g.font, g.font, "left", "warning"))
    buttons = _footer(g, ("back", "‹ Back", "secondary"), ("confirm", "Confirm", "primary"), not view.placing)
    if view.placing:  # nothing but the store's answer may move the kiosk now
        buttons[0] = Button("back", buttons[0].rect, buttons[0].text, "secondary", enabled=False)
    return buttons, texts, []


def _receipt(view: View, catalog: Catalog, g: _Grid):
    cx = g.panel.x + g.panel.w // 2
    r = view.receipt
    y = g.panel.y + g.panel.h // 4
    texts = [Text("Thank you!", cx, y, g.title * 3 // 2, "center", "title", g.x1 - g.x0)]
    if r is not None:
        texts.append(Text(f"Order {r.number}", cx, y + 2 * g.title, g.title, "center", "strong",
                          g.x1 - g.x0))
        texts.append(Text(f"{r.count} item{'s' if r.count != 1 else ''}  ·  {catalog.format(r.total_cents)}",
                          cx, y + 3 * g.title + g.font, g.font, "center", "body"))
    texts.append(Text("Please take your receipt number to the counter.", cx, y + 4 * g.title + g.font, g.font,
                      "center", "muted", g.x1 - g.x0))
    bw = (g.x1 - g.x0) * 2 // 3
    return [Button("done", Rect(cx - bw // 2, g.footer, bw, g.btn), "New order", "primary")], texts, []


def sample_views(catalog: Catalog) -> list[tuple[str, View]]:
    """One representative view per screen (a cart with the first items), for `layout` and screenshots."""
    from kiosk.shop.cart import Cart
    from kiosk.shop.machine import Receipt

    cart = Cart()
    for n, item in enumerate(catalog.items[:3]):
        cart = cart.add(item, n + 1)
    receipt = Receipt("A-0001", cart.total_cents, cart.count)
    return [
        ("attract", View(Screen.ATTRACT, Cart(), 0, False, None, None, None)),
        ("shopping", View(Screen.SHOPPING, cart, 0, False, None, None, None)),
        ("cart", View(Screen.CART, cart, 0, False, None, None, None)),
        ("confirm", View(Screen.CONFIRM, cart, 0, False, None, None, None)),
        ("receipt", View(Screen.RECEIPT, Cart(), 0, False, receipt, None, None)),
    ]

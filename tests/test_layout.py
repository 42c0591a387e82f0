"""Tests for kiosk.ui.layout: pure screen geometry, checked at several resolutions and orientations."""
from __future__ import annotations

import itertools

import pytest

from kiosk.i18n import LANGUAGES
from kiosk.shop.cart import Cart
from kiosk.shop.catalog import Catalog, Item
from kiosk.shop.machine import TRANSITIONS, Screen, Toast, View, intent_for_target
from kiosk.ui.layout import (MIN_TARGET, MIN_TEXT, Layout, LayoutOptions, Rect, catalog_rows, layout, paging,
                             picture_rect, sample_views)

SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]
SIZE_IDS = ["720p", "1080p", "4k", "portrait"]

CATALOG = Catalog("EUR", tuple(Item(i, n, p) for i, n, p in [
    ("apple", "Apple", 45), ("banana", "Banana", 30), ("croissant", "Croissant", 120),
    ("coffee", "Coffee", 250), ("water", "Water 0.5 l", 100), ("sandwich", "Sandwich", 490),
]))
BIG = Catalog("EUR", tuple(Item(f"p{n:02d}", f"Product {n}", 100 + n) for n in range(30)))

CASES = [(size, name, view) for size in SIZES for name, view in sample_views(CATALOG, every=True)]


def case_id(c):
    (w, h), name, _ = c
    return f"{w}x{h}-{name}"


def inside(r: Rect, outer: Rect) -> bool:
    return outer.x <= r.x and outer.y <= r.y and r.x + r.w <= outer.x + outer.w and r.y + r.h <= outer.y + outer.h


def overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def view(screen: Screen, cart: Cart = Cart(), first: int = 0, placing: bool = False, **kw) -> View:
    return View(screen, cart, first, placing, None, None, None, **kw)


def ids(lay: Layout) -> list[str]:
    return [b.id for b in lay.buttons]


def check_geometry(lay: Layout, size: tuple[int, int]) -> None:
    w, h = size
    screen = Rect(0, 0, w, h)
    assert inside(lay.panel, screen)
    # every screen has a button, but out of order: nothing can be done there (the process exits)
    assert lay.buttons or any(t.text == "Out of order" for t in lay.texts), "every screen has at least one button"
    for b in lay.buttons:
        assert b.rect.w >= MIN_TARGET * h and b.rect.h >= MIN_TARGET * h, f"{b.id} too small: {b.rect}"
        assert inside(b.rect, screen), f"{b.id} off screen: {b.rect}"
        assert inside(b.rect, lay.panel), f"{b.id} outside the panel: {b.rect} vs {lay.panel}"
    for a, b in itertools.combinations(lay.buttons, 2):
        if lay.modal is not None and (inside(a.rect, lay.modal.rect) != inside(b.rect, lay.modal.rect)):
            # a modal's button over the panel: what lies under it is inert meanwhile
            assert not (a.enabled and b.enabled) or not overlap(a.rect, b.rect), (a.id, b.id)
            continue
        assert not overlap(a.rect, b.rect), f"{a.id} {a.rect} overlaps {b.id} {b.rect}"
    assert len(set(ids(lay))) == len(lay.buttons), f"duplicate ids: {ids(lay)}"
    others = [f.rect for f in lay.fields] + [i.rect for i in lay.instructions] + [s.track for s in lay.scrollbars]
    if lay.badge is not None:
        others.append(lay.badge)
    for r in others:
        assert inside(r, lay.panel), f"{r} outside the panel"
        for b in lay.buttons:
            assert not overlap(r, b.rect), f"{r} overlaps {b.id}"
    for i in lay.instructions:
        assert inside(i.icon, i.rect)
    assert not overlap(lay.feed_area, lay.panel)
    if lay.modal is not None:
        assert inside(lay.modal.rect, lay.panel)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sample_screens_geometry(case):
    size, _, v = case
    check_geometry(layout(v, CATALOG, size), size)


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1920), (1920, 1200), (2560, 1080)], ids=str)
def test_other_shapes_of_screen(size):
    """4:3, square (a fullscreen Xvfb), 16:10, ultra-wide: every screen fits, and the picture's free
    part of the screen is never a sliver."""
    for name, v in sample_views(CATALOG, every=True):
        lay = layout(v, CATALOG, size)
        check_geometry(lay, size)
        fa = lay.feed_area
        assert fa.w >= 0.4 * size[0] or fa.h >= 0.2 * size[1], (name, fa)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("page", [0, 1, 2])
def test_long_catalog_pages_geometry(size, page):
    cart = Cart().add(BIG.items[0])
    check_geometry(layout(view(Screen.SHOPPING, cart, page), BIG, size), size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("screen", [Screen.CART, Screen.CONFIRM])
def test_many_cart_lines_geometry(size, screen):
    cart = Cart()
    for item in BIG.items[:20]:
        cart = cart.add(item, 3)
    check_geometry(layout(view(screen, cart), BIG, size), size)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_every_button_is_a_valid_target_for_its_screen(case):
    size, _, v = case
    for b in layout(v, CATALOG, size).buttons:
        intent = intent_for_target(b.id)
        assert intent is not None, b.id
        assert (v.screen, intent.act) in TRANSITIONS, f"{b.id} does nothing on {v.screen}"
        if intent.arg is not None and b.id.startswith("key:"):
            assert intent.arg.isdigit(), b.id
        elif intent.arg is not None and b.id.startswith("lang:"):
            assert intent.arg in LANGUAGES, b.id
        elif intent.arg is not None:
            assert CATALOG.get(intent.arg) is not None, b.id


def sample(name: str) -> View:
    return dict(sample_views(CATALOG))[name]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_attract_ids(size):
    assert ids(layout(sample("attract"), CATALOG, size)) == ["lang:en", "lang:de", "lang:es", "start"]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_receipt_ids_and_texts(size):
    lay = layout(sample("receipt"), CATALOG, size)
    assert ids(lay) == ["done"]
    assert any("A-0001" in t.text for t in lay.texts)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_confirm_ids(size):
    lay = layout(sample("confirm"), CATALOG, size)
    assert sorted(ids(lay)) == ["back", "confirm"]
    assert all(b.enabled for b in lay.buttons)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_shopping_ids(size):
    lay = layout(sample("shopping"), CATALOG, size)
    adds = [i for i in ids(lay) if i.startswith("add:")]
    assert adds, "at least one item on the page"
    # the page shows the first items of the catalog, in catalog order
    assert adds == [f"add:{item.id}" for item in CATALOG.items[:len(adds)]]
    assert {"cart", "checkout"} <= set(ids(lay))
    if len(adds) < len(CATALOG.items):
        assert {"page-prev", "page-next"} <= set(ids(lay))
    else:
        assert not {"page-prev", "page-next"} & set(ids(lay))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_cart_ids(size):
    v = sample("cart")
    assert len(v.cart.lines) == 3
    got = ids(layout(v, CATALOG, size))
    for line in v.cart.lines:
        for act in ("inc", "dec", "remove"):
            assert f"{act}:{line.item.id}" in got
    assert {"back", "checkout"} <= set(got)


def test_every_cart_line_reachable_720p():
    """A long cart scrolls: every line's buttons appear at some offset, and the pager shows."""
    cart = Cart()
    for item in BIG.items[:13]:
        cart = cart.add(item)
    seen: list[str] = []
    for first in range(13):
        v = View(Screen.CART, cart, 0, False, None, None, None, cart_first=first)
        got = ids(layout(v, BIG, (1280, 720)))
        seen += [i.split(":")[1] for i in got if i.startswith("remove:")]
        assert {"page-prev", "page-next"} <= set(got)
        assert f"qty:{BIG.items[min(first, 13 - paging((1280, 720), len(BIG.items)).cart_rows)].id}" in got
    assert sorted(set(seen)) == sorted(line.item.id for line in cart.lines)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_hit(case):
    size, _, v = case
    lay = layout(v, CATALOG, size)
    for b in lay.buttons:
        if b.enabled:
            assert lay.hit(b.rect.center) is b
            assert lay.hit((b.rect.x, b.rect.y)) is b
            assert lay.hit((b.rect.x + b.rect.w - 0.5, b.rect.y + b.rect.h - 0.5)) is b
    assert lay.hit(None) is None
    # points that lie in no button
    w, h = size
    free = [p for p in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (w / 2, 1), (-5, -5), (w + 5, h + 5)]
            if not any(inside(Rect(int(p[0]), int(p[1]), 1, 1), b.rect) for b in lay.buttons)]
    assert free
    for p in free:
        assert lay.hit(p) is None


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("screen", [Screen.SHOPPING, Screen.CART])
def test_checkout_disabled_with_empty_cart(size, screen):
    lay = layout(view(screen), CATALOG, size)
    checkout = next(b for b in lay.buttons if b.id == "checkout")
    assert not checkout.enabled
    assert lay.hit(checkout.rect.center) is None
    full = layout(view(screen, Cart().add(CATALOG.items[0])), CATALOG, size)
    checkout = next(b for b in full.buttons if b.id == "checkout")
    assert checkout.enabled and full.hit(checkout.rect.center) is checkout


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_confirm_disabled_while_placing(size):
    lay = layout(view(Screen.CONFIRM, Cart().add(CATALOG.items[0]), placing=True), CATALOG, size)
    confirm = next(b for b in lay.buttons if b.id == "confirm")
    assert not confirm.enabled and lay.hit(confirm.rect.center) is None


def page_adds(size, first) -> tuple[list[str], Layout]:
    lay = layout(view(Screen.SHOPPING, first=first), BIG, size)
    return [i.removeprefix("add:") for i in ids(lay) if i.startswith("add:")], lay


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_long_catalog_scrolls_by_rows(size):
    first, lay = page_adds(size, 0)
    n = len(first)
    cols = paging(size, len(BIG.items)).columns
    assert n == catalog_rows(size) and 1 <= n < 30 and n % cols == 0
    buttons = {b.id: b for b in lay.buttons}
    assert not buttons["page-prev"].enabled and buttons["page-next"].enabled
    assert first == [item.id for item in BIG.items[:n]]
    # the language switch sits between Prev and Next (the scrollbar shows where the page is)
    prev, switch, nxt = buttons["page-prev"], buttons["lang:de"], buttons["page-next"]
    assert prev.rect.y == switch.rect.y == nxt.rect.y and prev.rect.x < switch.rect.x < nxt.rect.x
    # tiles in reading order: a row left to right, then the next row below
    tiles = [buttons[f"add:{i}"].rect for i in first]
    for a, b in zip(tiles, tiles[1:]):
        assert (a.y == b.y and a.x < b.x) or b.y > a.y

    one_down, lay2 = page_adds(size, cols)  # the grab scrolls by whole rows of the grid
    assert one_down == [item.id for item in BIG.items[cols:cols + n]]
    assert {b.id: b for b in lay2.buttons}["page-prev"].enabled
    assert page_adds(size, cols + 1)[0] == one_down  # a first item mid-row shows its whole row

    # the last offset shows the last rows; past it, the list stays at the end
    last, lay3 = page_adds(size, 99)
    assert last[-1] == BIG.items[-1].id and len(last) >= n - cols + 1
    assert not {b.id: b for b in lay3.buttons}["page-next"].enabled


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_scrollbar_thumb_follows_the_list(size):
    _, top = page_adds(size, 0)
    _, bottom = page_adds(size, 99)
    (t,), (b,) = top.scrollbars, bottom.scrollbars
    assert t.track == b.track
    assert t.thumb.y == t.track.y
    assert b.thumb.y + b.thumb.h == b.track.y + b.track.h
    assert t.thumb.h < t.track.h
    assert not layout(view(Screen.SHOPPING), CATALOG, size).scrollbars or len(CATALOG.items) > catalog_rows(size)


@pytest.mark.parametrize("name", [n for n, _ in sample_views(CATALOG, every=True)])
def test_text_scales_with_screen_height(name):
    v = dict(sample_views(CATALOG, every=True))[name]
    small = layout(v, CATALOG, (1280, 720))
    big = layout(v, CATALOG, (3840, 2160))
    assert len(small.texts) == len(big.texts) > 0
    for s, b in zip(small.texts, big.texts):
        assert s.text == b.text
        assert s.size > 0 and b.size >= 2.5 * s.size, (s, b)
    for s, b in zip(small.buttons, big.buttons):
        assert b.rect.h >= 2.5 * s.rect.h


def test_warning_is_a_countdown_box_over_the_panel():
    v = View(Screen.SHOPPING, Cart(), 0, False, None, 12, None)
    lay = layout(v, CATALOG, (1280, 720))
    assert lay.modal is not None
    assert [t.text for t in lay.modal.texts][:2] == ["Still there?", "12"]
    assert any("Move your hand" in t.text for t in lay.modal.texts)
    assert layout(sample("shopping"), CATALOG, (1280, 720)).modal is None


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_toast_shows_on_its_target_or_low_in_the_panel(size):
    """Feedback where the shopper looks: on the tile just added; a toast about nothing on screen sits
    in the panel above the footer buttons, never over the camera picture."""
    v = view(Screen.SHOPPING, Cart().add(CATALOG.items[1]), toast=Toast("Added: Banana ×1", 3, "add:banana"))
    lay = layout(v, CATALOG, size)
    (toast,) = [t for t in lay.texts if t.style == "toast"]
    tile = next(b for b in lay.buttons if b.id == "add:banana")
    assert toast.text == "Added: Banana ×1"
    assert (toast.x, toast.y) == (tile.rect.center[0], tile.rect.y)
    lay = layout(view(Screen.SHOPPING, toast=Toast("Removed: Apple", 4)), CATALOG, size)
    (toast,) = [t for t in lay.texts if t.style == "toast"]
    footer = next(b for b in lay.buttons if b.id == "checkout")
    assert lay.panel.contains((toast.x, toast.y)) and toast.y + toast.size // 2 <= footer.rect.y


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_panel_leaves_the_hands_usual_region_of_the_picture_visible(size):
    """A hand at the scenario video's fingertip extremes (x 0.30-0.75, y 0.35-0.60 of its 4:3 frame), and
    the whole active region (0.2-0.8), land where the panel leaves the picture visible."""
    lay = layout(sample("shopping"), CATALOG, size)
    for frame in [(640, 480), (1280, 720)]:
        pic = picture_rect(frame, size, lay.feed_area)
        for fx, fy in [(0.30, 0.35), (0.75, 0.35), (0.30, 0.60), (0.75, 0.60), (0.2, 0.15), (0.8, 0.75)]:
            p = (pic.x + fx * pic.w, pic.y + fy * pic.h)
            fa = lay.feed_area  # the region's edge may touch the panel's (1 px for rounding)
            assert fa.x - 1 <= p[0] <= fa.x + fa.w + 1 and fa.y - 1 <= p[1] <= fa.y + fa.h + 1, (frame, (fx, fy), p, fa)
        # no gap between the picture and the panel
        if size[0] >= size[1]:
            assert pic.x <= 0 and pic.x + pic.w >= lay.feed_area.w
        else:
            assert pic.y <= 0 and pic.y + pic.h >= lay.feed_area.h
    # the usual 4:3 camera picture fills the free part of the screen entirely
    pic = picture_rect((640, 480), size, lay.feed_area)
    assert pic.x <= 0 and pic.y <= 0 and pic.x + pic.w >= lay.feed_area.w and pic.y + pic.h >= lay.feed_area.h


# --- keypad ---------------------------------------------------------------------------------------

KEYS = [f"key:{d}" for d in "1234567890"] + ["erase", "enter"]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("screen", [Screen.QUANTITY])
def test_keypad_has_every_key_in_phone_order(size, screen):
    lay = layout(view(screen, Cart().add(CATALOG.items[0]), entry_item="apple"), CATALOG, size)
    check_geometry(lay, size)
    got = {b.id: b for b in lay.buttons}
    assert set(got) == set(KEYS) | {"back"}
    centres = {k: got[k].rect.center for k in KEYS}
    # 1 2 3 / 4 5 6 / 7 8 9 / erase 0 OK
    rows = [["key:1", "key:2", "key:3"], ["key:4", "key:5", "key:6"], ["key:7", "key:8", "key:9"],
            ["erase", "key:0", "enter"]]
    for row in rows:
        assert len({centres[k][1] for k in row}) == 1
        assert [centres[k][0] for k in row] == sorted(centres[k][0] for k in row)
    assert [centres[row[0]][1] for row in rows] == sorted(centres[row[0]][1] for row in rows)
    (field,) = lay.fields
    assert field.rect.y + field.rect.h <= got["key:1"].rect.y


def test_the_quantity_field_says_what_it_holds_and_the_keypad_takes_no_gesture():
    """The keypad takes no gesture (✋ would drop digits), so nothing suggests one."""
    cart = Cart().add(CATALOG.items[0])
    (qty,) = layout(view(Screen.QUANTITY, cart, entry_item="apple"), CATALOG, (1920, 1080)).fields
    assert qty.entry == "" and "quantity" in qty.placeholder.lower() and "now 1" in qty.placeholder
    quiet = layout(view(Screen.QUANTITY, cart, entry_item="apple"), CATALOG, (1280, 720))
    assert not any("hand" in t.text.lower() or "erase" in t.text.lower() for t in quiet.texts)
    assert "erase" in ids(quiet)  # erasing is the on-screen key
    told = layout(View(Screen.QUANTITY, cart, 0, False, None, None, "2 digits at most", entry_item="apple"), CATALOG,
                  (1280, 720))
    assert any(t.style == "warning" and "2 digits" in t.text for t in told.texts)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_paying_shows_the_amount_waits_on_the_terminal_and_asks_for_no_pin(size):
    cart = Cart().add(CATALOG.items[0], 2)
    lay = layout(view(Screen.PAYING, cart), CATALOG, size)
    assert ids(lay) == ["back"] and next(b for b in lay.buttons if b.id == "back").text == "Cancel payment"
    assert lay.spinner is not None and inside(lay.spinner, lay.panel) and not lay.fields
    words = [t.text for t in lay.texts]
    assert "€0.90" in words and any("terminal" in w for w in words)
    assert max(t.size for t in lay.texts if t.text == "€0.90") == max(t.size for t in lay.texts)  # the amount, big
    cancelling = layout(view(Screen.PAYING, cart, cancelling=True), CATALOG, size)
    assert not cancelling.buttons[0].enabled and any("Cancelling" in t.text for t in cancelling.texts)
    saving = layout(view(Screen.PAYING, cart, placing=True, paid=True), CATALOG, size)
    assert saving.buttons == () and any("Saving" in t.text for t in saving.texts)
    owed = layout(View(Screen.PAYING, cart, 0, False, None, None, "Paid, but...", paid=True), CATALOG, size)
    assert ids(owed) == ["retry"] and owed.spinner is None and any(t.style == "warning" for t in owed.texts)


def test_no_text_tells_the_shopper_to_start_with_an_open_hand():
    for _, v in sample_views(CATALOG, every=True):
        lay = layout(v, CATALOG, (1920, 1080))
        words = [t.text.lower() for t in lay.texts] + [s.title.text.lower() + " " + s.detail.text.lower()
                                                        for s in lay.instructions]
        for w in words:
            assert not ("open hand" in w and "start" in w), w


def test_quantity_button_can_be_turned_off():
    cart = Cart().add(CATALOG.items[0], 3)
    on = layout(view(Screen.CART, cart), CATALOG, (1920, 1080))
    off = layout(view(Screen.CART, cart), CATALOG, (1920, 1080), LayoutOptions(keypad_for_quantity=False))
    qty = next(b for b in on.buttons if b.id == "qty:apple")
    assert qty.text == "3"
    assert "qty:apple" not in ids(off)
    assert any(t.text == "3" for t in off.texts)
    # the other buttons do not move: the demo's plan holds either way
    assert {b.id: b.rect for b in on.buttons if b.id != "qty:apple"} == {b.id: b.rect for b in off.buttons}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_attract_calls_from_afar_and_shows_point_then_ok(size):
    lay = layout(sample("attract"), CATALOG, size)
    headline = lay.texts[0]
    assert headline.text == "Raise your hand" and headline.size >= 0.07 * size[1]
    assert max(t.size for t in lay.texts) == headline.size  # the biggest words on the screen
    (loop,) = lay.instructions
    assert loop.kind == "point-ok" and loop.icon.w >= 0.15 * size[1]
    steps = [t.text for t in lay.texts if t.style == "strong"]
    if size[0] > size[1]:  # landscape has room for the three steps too; portrait gives it to the loop
        assert steps == ["Raise your hand", "Point to move", "👌 to select"]
        assert [b.text for b in lay.badges] == ["1", "2", "3"]
    else:
        assert steps == [] and loop.icon.w >= 0.2 * size[1]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_practice_offers_one_big_target_and_hold_still(size):
    lay = layout(sample("practice"), CATALOG, size)
    got = {b.id: b for b in lay.buttons}
    assert set(got) == {"practice", "hold-still", "lang:en", "lang:de", "lang:es"}
    assert got["practice"].rect.w >= 0.15 * size[1]  # bigger than any target while shopping
    assert "👌" in got["hold-still"].text
    held = layout(dict(sample_views(CATALOG, every=True))["practice-hold"], CATALOG, size)
    assert [i for i in ids(held) if not i.startswith("lang:")] == ["practice"]
    assert any("hold still" in t.text for t in held.texts)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_no_text_is_smaller_than_the_smallest_size(case):
    size, _, v = case
    lay = layout(v, CATALOG, size)
    texts = list(lay.texts) + (list(lay.modal.texts) if lay.modal else [])
    for t in texts:
        assert t.size >= MIN_TEXT * size[1] or t.text == "", t


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_shopping_is_a_grid_of_picture_tiles(size):
    cart = Cart().add(CATALOG.items[0], 2)
    lay = layout(view(Screen.SHOPPING, cart), CATALOG, size)
    tiles = [b for b in lay.buttons if b.id.startswith("add:")]
    assert all(b.style == "tile" for b in tiles)
    assert len({b.rect.y for b in tiles}) >= 1 and len({b.rect.x for b in tiles}) >= 2  # columns
    for b in tiles:
        (pic,) = [p for p in lay.pictures if inside(p.rect, b.rect)]
        assert pic.key == b.id.removeprefix("add:") and pic.rect.w >= 0.25 * b.rect.w
        assert pic.rect.y + pic.rect.h < b.rect.y + b.rect.h - lay.texts[0].size // 2  # name and price below
    (count,) = [x for x in lay.badges if x.text == "×2"]
    assert next(b for b in tiles if b.id == "add:apple").rect.contains(count.centre)


@pytest.mark.parametrize("size", [(1080, 1920), (1080, 1350)], ids=str)
def test_portrait_keeps_a_third_of_the_height_for_the_mirror(size):
    for _, v in sample_views(CATALOG, every=True):
        lay = layout(v, CATALOG, size)
        assert lay.feed_area.h >= 0.35 * size[1] and lay.panel.y >= lay.feed_area.h


# -- the Undo offer --------------------------------------------------------------------------------

def _kiosk_with_cart(size, now=1.0):
    from kiosk.shop.machine import Act, Intent, Kiosk, KioskTimings

    k = Kiosk(CATALOG, KioskTimings(undo_seconds=5.0), lambda: "uid", page_size=catalog_rows(size),
              cart_rows=paging(size, len(CATALOG.items)).cart_rows, practice=False)
    k.handle(Intent(Act.START), now)
    for item_id in ("apple", "banana", "croissant"):
        k.handle(Intent(Act.ADD, item_id), now)
    k.handle(Intent(Act.OPEN_CART), now)
    return k, Act, Intent


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_undo_target_exists_exactly_while_offered(size):
    k, Act, Intent = _kiosk_with_cart(size)
    assert "undo" not in ids(layout(k.view(), CATALOG, size))
    before = {b.id: b.rect for b in layout(k.view(), CATALOG, size).buttons}
    k.handle(Intent(Act.REMOVE, "banana"), 2.0)  # offered from 2.0 s until 7.0 s
    for t in (2.0, 2.5, 4.0, 6.9, 6.99, 7.0, 7.5, 12.0):
        k.tick(t, True)
        lay = layout(k.view(), CATALOG, size)
        assert ("undo" in ids(lay)) == (t < 7.0), t
        if t < 7.0:
            undo = next(b for b in lay.buttons if b.id == "undo")
            # in the removed line's row, and the line below has not moved
            assert undo.rect.y == before["dec:banana"].y and undo.rect.h == before["dec:banana"].h
            assert undo.rect.x == before["dec:banana"].x
            assert undo.rect.x + undo.rect.w == before["remove:banana"].x + before["remove:banana"].w
            assert {i: r for i, r in before.items() if "croissant" in i} == \
                {b.id: b.rect for b in lay.buttons if "croissant" in b.id}
            assert undo.rect.w >= MIN_TARGET * size[1] and undo.rect.h >= MIN_TARGET * size[1]
            assert any(x.text == "Banana ×1" for x in lay.texts)
            (cd,) = lay.countdowns
            assert (cd.rect, cd.since, cd.until) == (undo.rect, 2.0, 7.0)
            check_geometry(lay, size)
        else:
            assert lay.countdowns == ()
            assert [b.id for b in lay.buttons if b.id.startswith("remove:")] == ["remove:apple", "remove:croissant"]


def test_undo_target_goes_with_the_cart_screen():
    size = (1920, 1080)
    k, Act, Intent = _kiosk_with_cart(size)
    k.handle(Intent(Act.REMOVE, "apple"), 2.0)
    assert "undo" in ids(layout(k.view(), CATALOG, size))
    k.handle(Intent(Act.BACK), 2.5)
    k.handle(Intent(Act.OPEN_CART), 3.0)
    assert "undo" not in ids(layout(k.view(), CATALOG, size))


def test_an_empty_cart_still_offers_undo_and_says_so_only_after():
    size = (1280, 720)
    k, Act, Intent = _kiosk_with_cart(size)
    for item_id in ("apple", "banana", "croissant"):
        k.handle(Intent(Act.REMOVE, item_id), 2.0)
    lay = layout(k.view(), CATALOG, size)
    assert "undo" in ids(lay) and not any(t.text == "Your cart is empty." for t in lay.texts)
    k.tick(8.0, True)
    lay = layout(k.view(), CATALOG, size)
    assert "undo" not in ids(lay) and any(t.text == "Your cart is empty." for t in lay.texts)


def test_the_inactivity_warning_offers_more_time_and_makes_the_rest_inert():
    v = View(Screen.SHOPPING, Cart().add(CATALOG.items[0]), 0, False, None, 18, None)
    for size in SIZES:
        lay = layout(v, CATALOG, size)
        more = lay.buttons[0]
        assert more.id == "more-time" and more.enabled and inside(more.rect, lay.modal.rect)
        assert all(not b.enabled for b in lay.buttons[1:])
        assert lay.hit(more.rect.center) is more
        assert more.rect.h >= MIN_TARGET * size[1]
        bands = [(t.y - t.size // 2, t.y + t.size // 2) for t in lay.modal.texts] + [(more.rect.y, more.rect.y + 1)]
        assert all(a[1] <= b[0] for a, b in zip(bands, bands[1:])), bands  # stacked, nothing over the button

"""Tests for kiosk.ui.layout: pure screen geometry, checked at several resolutions and orientations."""
from __future__ import annotations

import itertools

import pytest

from kiosk.shop.cart import Cart
from kiosk.shop.catalog import Catalog, Item
from kiosk.shop.machine import TRANSITIONS, Screen, View, intent_for_target
from kiosk.ui.layout import MIN_TARGET, Layout, Rect, layout, sample_views

SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]
SIZE_IDS = ["720p", "1080p", "4k", "portrait"]

CATALOG = Catalog("EUR", tuple(Item(i, n, p) for i, n, p in [
    ("apple", "Apple", 45), ("banana", "Banana", 30), ("croissant", "Croissant", 120),
    ("coffee", "Coffee", 250), ("water", "Water 0.5 l", 100), ("sandwich", "Sandwich", 490),
]))
BIG = Catalog("EUR", tuple(Item(f"p{n:02d}", f"Product {n}", 100 + n) for n in range(30)))

CASES = [(size, name, view) for size in SIZES for name, view in sample_views(CATALOG)]


def case_id(c):
    (w, h), name, _ = c
    return f"{w}x{h}-{name}"


def inside(r: Rect, outer: Rect) -> bool:
    return outer.x <= r.x and outer.y <= r.y and r.x + r.w <= outer.x + outer.w and r.y + r.h <= outer.y + outer.h


def overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def view(screen: Screen, cart: Cart = Cart(), page: int = 0, placing: bool = False) -> View:
    return View(screen, cart, page, placing, None, None, None)


def ids(lay: Layout) -> list[str]:
    return [b.id for b in lay.buttons]


def check_geometry(lay: Layout, size: tuple[int, int]) -> None:
    w, h = size
    screen = Rect(0, 0, w, h)
    assert inside(lay.panel, screen)
    assert lay.buttons, "every screen has at least one button"
    for b in lay.buttons:
        assert b.rect.w >= MIN_TARGET * h and b.rect.h >= MIN_TARGET * h, f"{b.id} too small: {b.rect}"
        assert inside(b.rect, screen), f"{b.id} off screen: {b.rect}"
        assert inside(b.rect, lay.panel), f"{b.id} outside the panel: {b.rect} vs {lay.panel}"
    for a, b in itertools.combinations(lay.buttons, 2):
        assert not overlap(a.rect, b.rect), f"{a.id} {a.rect} overlaps {b.id} {b.rect}"
    assert len(set(ids(lay))) == len(lay.buttons), f"duplicate ids: {ids(lay)}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sample_screens_geometry(case):
    size, _, v = case
    check_geometry(layout(v, CATALOG, size), size)


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
        if intent.arg is not None:
            assert CATALOG.get(intent.arg) is not None, b.id


def sample(name: str) -> View:
    return dict(sample_views(CATALOG))[name]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_attract_ids(size):
    assert ids(layout(sample("attract"), CATALOG, size)) == ["start"]


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
    """A long cart pages: every line's buttons appear on some page, and the pager shows."""
    cart = Cart()
    for item in BIG.items[:13]:
        cart = cart.add(item)
    seen: list[str] = []
    for page in range(13):
        v = View(Screen.CART, cart, 0, False, None, None, None, cart_page=page)
        got = ids(layout(v, BIG, (1280, 720)))
        seen += [i.split(":")[1] for i in got if i.startswith("remove:")]
        assert {"page-prev", "page-next"} <= set(got)
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


def page_adds(size, page) -> tuple[list[str], Layout]:
    lay = layout(view(Screen.SHOPPING, page=page), BIG, size)
    return [i.removeprefix("add:") for i in ids(lay) if i.startswith("add:")], lay


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_long_catalog_paging(size):
    first, lay = page_adds(size, 0)
    n = len(first)
    assert 1 <= n < 30
    buttons = {b.id: b for b in lay.buttons}
    assert not buttons["page-prev"].enabled and buttons["page-next"].enabled
    assert first == [item.id for item in BIG.items[:n]]

    second, lay2 = page_adds(size, 1)
    assert second == [item.id for item in BIG.items[n:2 * n]]
    assert {b.id: b for b in lay2.buttons}["page-prev"].enabled

    # all pages together show every item exactly once, in order; only the last disables Next
    pages = -(-30 // n)
    shown = []
    for page in range(pages):
        adds, lay = page_adds(size, page)
        shown += adds
        assert {b.id: b for b in lay.buttons}["page-next"].enabled == (page < pages - 1)
    assert shown == [item.id for item in BIG.items]


@pytest.mark.parametrize("name", [n for n, _ in sample_views(CATALOG)])
def test_text_scales_with_screen_height(name):
    v = sample(name)
    small = layout(v, CATALOG, (1280, 720))
    big = layout(v, CATALOG, (3840, 2160))
    assert len(small.texts) == len(big.texts) > 0
    for s, b in zip(small.texts, big.texts):
        assert s.text == b.text
        assert s.size > 0 and b.size >= 2.5 * s.size, (s, b)
    for s, b in zip(small.buttons, big.buttons):
        assert b.rect.h >= 2.5 * s.rect.h


def test_warning_text_shows_seconds_left():
    v = View(Screen.SHOPPING, Cart(), 0, False, None, 12.0, None)
    lay = layout(v, CATALOG, (1280, 720))
    assert any("12 s" in t.text for t in lay.texts)
    quiet = layout(sample("shopping"), CATALOG, (1280, 720))
    assert not any("12 s" in t.text for t in quiet.texts)

"""Tests for kiosk.shop.machine: the kiosk's screens as a state machine, driven with a scripted clock."""
from __future__ import annotations

import itertools

import pytest

from kiosk.shop.cart import OrderLine
from kiosk.shop.catalog import Catalog, Item
from kiosk.shop.machine import (
    TRANSITIONS,
    Act,
    Intent,
    Kiosk,
    KioskTimings,
    PlaceOrder,
    Screen,
    intent_for_target,
)

APPLE = Item("apple", "Apple", 45)
MILK = Item("milk", "Milk", 120)
BREAD = Item("bread", "Bread", 250)
CATALOG = Catalog("EUR", (APPLE, MILK, BREAD))
TIMINGS = KioskTimings(start_hold=0.5, inactivity_warn=30, inactivity_reset=45, receipt_seconds=8)


def make(catalog: Catalog = CATALOG, timings: KioskTimings = TIMINGS, page_size: int = 6) -> Kiosk:
    counter = itertools.count(1)
    return Kiosk(catalog, timings, lambda: f"uid-{next(counter)}", page_size=page_size)


def do(k: Kiosk, act: Act, now: float, arg: str | None = None) -> list[PlaceOrder]:
    return k.handle(Intent(act, arg), now)


def lines(k: Kiosk) -> list[tuple[str, int]]:
    return [(line.item.id, line.qty) for line in k.view().cart.lines]


def drive_to(screen: Screen, now: float = 1.0, filled: bool = True) -> Kiosk:
    """A kiosk on `screen`, through public calls only; `filled`: one apple in the cart (beyond ATTRACT)."""
    k = make()
    if screen is Screen.ATTRACT:
        return k
    do(k, Act.START, now)
    if filled:
        do(k, Act.ADD, now, "apple")
    if screen is Screen.SHOPPING:
        return k
    if screen is Screen.CART:
        do(k, Act.OPEN_CART, now)
        return k
    do(k, Act.CHECKOUT, now)
    if screen is Screen.CONFIRM:
        return k
    assert screen is Screen.RECEIPT
    do(k, Act.CONFIRM, now)
    do(k, Act.ORDER_STORED, now, "A-0001")
    return k


@pytest.mark.parametrize("screen", list(Screen))
def test_drive_to_reaches_each_screen(screen):
    v = drive_to(screen).view()
    assert v.screen is screen
    assert v.cart.is_empty == (screen in (Screen.ATTRACT, Screen.RECEIPT))


# --- the transition table -------------------------------------------------------------------------

@pytest.mark.parametrize("row", list(TRANSITIONS.items()), ids=lambda r: f"{r[0][0].value}-{r[0][1].value}")
def test_every_transition_row(row):
    (screen, act), target = row
    k = drive_to(screen)
    assert k.view().screen is screen
    if act is Act.ORDER_STORED or act is Act.ORDER_FAILED:
        do(k, Act.CONFIRM, 2.0)  # an order is being stored
    arg = {Act.ADD: "apple", Act.INC: "apple", Act.DEC: "apple", Act.REMOVE: "apple",
           Act.ORDER_STORED: "A-0007"}.get(act)
    before = k.view().cart.qty("apple")
    effects = do(k, act, 2.0, arg)
    v = k.view()
    assert v.screen is target
    # the row's act did its job (a self-loop must not just be ignored)
    if act in (Act.ADD, Act.INC):
        assert v.cart.qty("apple") == before + 1
    elif act in (Act.DEC, Act.REMOVE):
        assert before == 1 and v.cart.qty("apple") == 0
    elif act is Act.CONFIRM:
        assert len(effects) == 1 and v.placing
    elif act is Act.ORDER_FAILED:
        assert v.message and not v.placing and v.cart.qty("apple") == 1
    elif act is Act.ORDER_STORED:
        assert v.receipt is not None and v.receipt.number == "A-0007" and v.cart.is_empty
    elif act in (Act.TIMEOUT, Act.DONE):
        assert v.cart.is_empty


def test_transition_table_covers_the_documented_flow():
    # Written from the module docstring / UI, independently of the table's literal.
    expected = {
        (Screen.ATTRACT, Act.START): Screen.SHOPPING,
        (Screen.SHOPPING, Act.OPEN_CART): Screen.CART,
        (Screen.CART, Act.BACK): Screen.SHOPPING,
        (Screen.SHOPPING, Act.CHECKOUT): Screen.CONFIRM,
        (Screen.CART, Act.CHECKOUT): Screen.CONFIRM,
        (Screen.CONFIRM, Act.BACK): Screen.CART,
        (Screen.CONFIRM, Act.ORDER_STORED): Screen.RECEIPT,
        (Screen.CONFIRM, Act.ORDER_FAILED): Screen.CONFIRM,
        (Screen.RECEIPT, Act.DONE): Screen.ATTRACT,
    }
    for key, target in expected.items():
        assert TRANSITIONS.get(key) is target, key
    for screen in Screen:
        if screen is not Screen.ATTRACT:
            assert TRANSITIONS.get((screen, Act.TIMEOUT)) is Screen.ATTRACT


UNLISTED = [(s, a) for s in Screen for a in Act if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize("pair", UNLISTED, ids=lambda p: f"{p[0].value}-{p[1].value}")
def test_act_without_row_is_ignored(pair):
    screen, act = pair
    k = drive_to(screen)
    before = k.view()
    effects = do(k, act, 2.0, "apple" if act in (Act.ADD, Act.INC, Act.DEC, Act.REMOVE) else "X-1")
    after = k.view()
    assert effects == []
    assert after.screen is screen
    assert after.cart == before.cart
    assert after.page == before.page and after.receipt == before.receipt


# --- cart edits through the machine ---------------------------------------------------------------

def test_add_inc_dec_remove():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 2, "apple")
    do(k, Act.ADD, 2, "milk")
    do(k, Act.ADD, 2, "apple")
    assert lines(k) == [("apple", 2), ("milk", 1)]
    do(k, Act.OPEN_CART, 3)
    do(k, Act.INC, 3, "milk")
    assert lines(k) == [("apple", 2), ("milk", 2)]
    do(k, Act.DEC, 3, "apple")
    do(k, Act.DEC, 3, "apple")
    assert lines(k) == [("milk", 2)]
    do(k, Act.REMOVE, 3, "milk")
    assert lines(k) == []
    assert k.view().screen is Screen.CART


def test_add_unknown_item_does_nothing():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 2, "nope")
    do(k, Act.ADD, 2, None)
    assert lines(k) == []
    assert k.view().screen is Screen.SHOPPING


# --- checkout and placing the order ---------------------------------------------------------------

@pytest.mark.parametrize("via_cart", [False, True])
def test_checkout_with_empty_cart_does_nothing(via_cart):
    k = drive_to(Screen.SHOPPING, filled=False)
    if via_cart:
        do(k, Act.OPEN_CART, 2)
    screen = k.view().screen
    assert do(k, Act.CHECKOUT, 3) == []
    assert k.view().screen is screen
    assert do(k, Act.CONFIRM, 3) == []


def test_confirm_places_exactly_one_order():
    k = drive_to(Screen.SHOPPING, filled=False)
    for item_id in ("apple", "milk", "apple"):
        do(k, Act.ADD, 2, item_id)
    do(k, Act.CHECKOUT, 3)
    assert k.view().screen is Screen.CONFIRM
    effects = do(k, Act.CONFIRM, 4)
    assert len(effects) == 1 and isinstance(effects[0], PlaceOrder)
    order = effects[0].order
    assert order.lines == (OrderLine("apple", "Apple", 45, 2), OrderLine("milk", "Milk", 120, 1))
    assert order.total_cents == 2 * 45 + 120
    assert order.currency == "EUR"
    assert order.uid == "uid-1"
    assert k.view().placing
    # a second click before the store answered: no duplicate order
    assert do(k, Act.CONFIRM, 4.1) == []
    assert do(k, Act.CONFIRM, 4.2) == []


def test_retry_after_order_failed_reuses_uid_and_keeps_cart():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 2, "bread")
    do(k, Act.ADD, 2, "milk")
    do(k, Act.CHECKOUT, 3)
    first = do(k, Act.CONFIRM, 4)[0].order
    do(k, Act.ORDER_FAILED, 5)
    v = k.view()
    assert v.screen is Screen.CONFIRM and not v.placing
    assert v.message  # the shopper is told
    assert lines(k) == [("bread", 1), ("milk", 1)]
    retry = do(k, Act.CONFIRM, 6)
    assert len(retry) == 1
    assert retry[0].order.uid == first.uid
    assert retry[0].order == first


def test_back_from_confirm_then_changed_cart_gets_a_new_uid():
    k = drive_to(Screen.CONFIRM)
    first = do(k, Act.CONFIRM, 2)[0].order
    do(k, Act.ORDER_FAILED, 3)
    do(k, Act.BACK, 4)
    assert k.view().screen is Screen.CART
    do(k, Act.INC, 4, "apple")
    do(k, Act.CHECKOUT, 5)
    second = do(k, Act.CONFIRM, 6)[0].order
    assert second.lines == (OrderLine("apple", "Apple", 45, 2),)
    assert second.uid != first.uid


def test_order_stored_shows_receipt_and_clears_cart():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 2, "apple")
    do(k, Act.ADD, 2, "bread")
    do(k, Act.ADD, 2, "bread")
    do(k, Act.CHECKOUT, 3)
    do(k, Act.CONFIRM, 4)
    do(k, Act.ORDER_STORED, 5, "A-0042")
    v = k.view()
    assert v.screen is Screen.RECEIPT
    assert v.receipt is not None
    assert v.receipt.number == "A-0042"
    assert v.receipt.total_cents == 45 + 2 * 250
    assert v.receipt.count == 3
    assert v.cart.is_empty and not v.placing
    do(k, Act.DONE, 6)
    assert k.view().screen is Screen.ATTRACT and k.view().cart.is_empty


def test_stale_order_stored_outside_confirm_is_ignored():
    k = drive_to(Screen.CART)
    do(k, Act.ORDER_STORED, 2, "A-9")
    assert k.view().screen is Screen.CART and lines(k) == [("apple", 1)]


def test_back_while_placing_does_not_lock_the_kiosk():
    k = drive_to(Screen.CONFIRM, now=10.0)
    assert len(do(k, Act.CONFIRM, 10.0)) == 1
    do(k, Act.BACK, 10.5)  # the Back button stays enabled while "Saving your order…"
    do(k, Act.ORDER_FAILED, 11.0)  # the store answers
    k.tick(100.0, False)  # long idle: the session must end
    assert k.view().screen is Screen.ATTRACT


# --- timers ---------------------------------------------------------------------------------------

def started(at: float = 10.0) -> Kiosk:
    """A kiosk whose session started (by a held hand) at exactly `at`."""
    k = make()
    k.tick(at - TIMINGS.start_hold, True)
    k.tick(at, True)
    assert k.view().screen is Screen.SHOPPING
    return k


def test_inactivity_warning_and_reset():
    k = started(10.0)
    do(k, Act.ADD, 10.0, "apple")
    k.tick(39.9, False)  # 29.9 s idle
    assert k.view().warning_left is None
    k.tick(40.0, False)  # 30 s idle
    left = k.view().warning_left
    assert left is not None and left == pytest.approx(15.0, abs=0.01)
    k.tick(50.0, False)
    assert k.view().warning_left == pytest.approx(5.0, abs=0.01)
    assert k.view().screen is Screen.SHOPPING and lines(k) == [("apple", 1)]
    k.tick(54.9, False)
    assert k.view().screen is Screen.SHOPPING
    k.tick(55.0, False)  # 45 s idle
    v = k.view()
    assert v.screen is Screen.ATTRACT and v.cart.is_empty and v.page == 0 and v.warning_left is None


def test_hand_clears_the_warning():
    k = started(10.0)
    k.tick(41.0, False)
    assert k.view().warning_left is not None
    k.tick(41.5, True)  # the shopper moves a hand
    assert k.view().warning_left is None
    k.tick(56.0, False)  # 45 s after the first activity, but only 14.5 s after the hand
    assert k.view().screen is Screen.SHOPPING and k.view().warning_left is None
    k.tick(86.5, False)  # 45 s after the hand
    assert k.view().screen is Screen.ATTRACT


def test_click_counts_as_activity():
    k = started(10.0)
    k.tick(45.0, False)
    assert k.view().warning_left is not None
    do(k, Act.OPEN_CART, 45.0)
    assert k.view().warning_left is None
    k.tick(60.0, False)
    assert k.view().screen is Screen.CART


def test_no_timeout_on_attract():
    k = make()
    k.tick(0.0, False)
    k.tick(1000.0, False)
    v = k.view()
    assert v.screen is Screen.ATTRACT and v.warning_left is None


def test_receipt_returns_to_attract_after_receipt_seconds():
    k = started(10.0)
    do(k, Act.ADD, 11, "apple")
    do(k, Act.CHECKOUT, 12)
    do(k, Act.CONFIRM, 13)
    do(k, Act.ORDER_STORED, 20.0, "A-1")
    k.tick(27.9, True)
    assert k.view().screen is Screen.RECEIPT
    assert k.view().warning_left is None
    k.tick(28.0, True)  # 8 s on the receipt
    assert k.view().screen is Screen.ATTRACT


def test_held_hand_starts_a_session():
    k = make()
    k.tick(100.0, True)
    k.tick(100.3, True)
    assert k.view().screen is Screen.ATTRACT
    k.tick(100.5, True)
    assert k.view().screen is Screen.SHOPPING


def test_short_hand_does_not_start():
    k = make()
    k.tick(100.0, True)
    k.tick(100.4, True)
    k.tick(100.45, False)  # hand gone: the hold starts over
    k.tick(100.6, True)
    k.tick(101.0, True)
    assert k.view().screen is Screen.ATTRACT
    k.tick(101.1, True)  # 0.5 s since the hand came back
    assert k.view().screen is Screen.SHOPPING


# --- paging ---------------------------------------------------------------------------------------

def test_paging_clamps():
    items = tuple(Item(f"i{n}", f"Item {n}", 100 + n) for n in range(14))
    k = make(Catalog("EUR", items), page_size=6)  # 14 items, 6 a page: pages 0, 1, 2
    do(k, Act.START, 1)
    do(k, Act.PAGE_PREV, 2)
    assert k.view().page == 0
    seen = []
    for _ in range(5):
        do(k, Act.PAGE_NEXT, 2)
        seen.append(k.view().page)
    assert seen == [1, 2, 2, 2, 2]
    do(k, Act.PAGE_PREV, 3)
    assert k.view().page == 1
    do(k, Act.TIMEOUT, 4)
    assert k.view().page == 0


def test_single_page_catalog_does_not_page():
    k = drive_to(Screen.SHOPPING)
    do(k, Act.PAGE_NEXT, 2)
    assert k.view().page == 0


# --- targets and timings --------------------------------------------------------------------------

@pytest.mark.parametrize("target, intent", [
    ("add:apple", Intent(Act.ADD, "apple")),
    ("inc:milk", Intent(Act.INC, "milk")),
    ("dec:milk", Intent(Act.DEC, "milk")),
    ("remove:bread", Intent(Act.REMOVE, "bread")),
    ("checkout", Intent(Act.CHECKOUT)),
    ("cart", Intent(Act.OPEN_CART)),
    ("back", Intent(Act.BACK)),
    ("confirm", Intent(Act.CONFIRM)),
    ("done", Intent(Act.DONE)),
    ("start", Intent(Act.START)),
    ("page-next", Intent(Act.PAGE_NEXT)),
    ("page-prev", Intent(Act.PAGE_PREV)),
    ("bogus", None),
    ("bogus:apple", None),
    ("ADD:apple", None),
    ("order-stored", None),  # effects' answers are not click targets
    ("order-failed", None),
    ("timeout", None),
    ("", None),
    (None, None),
])
def test_intent_for_target(target, intent):
    assert intent_for_target(target) == intent


@pytest.mark.parametrize("kw", [
    dict(inactivity_warn=45, inactivity_reset=45),
    dict(inactivity_warn=50, inactivity_reset=45),
    dict(inactivity_warn=0, inactivity_reset=45),
    dict(start_hold=-1),
    dict(receipt_seconds=0),
])
def test_timings_validation(kw):
    with pytest.raises(ValueError):
        KioskTimings(**kw)


def test_timings_valid():
    t = KioskTimings(inactivity_warn=30, inactivity_reset=45)
    assert (t.inactivity_warn, t.inactivity_reset) == (30, 45)

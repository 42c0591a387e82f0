"""Tests for kiosk.shop.machine: the kiosk's screens as a state machine, driven with a scripted clock."""
from __future__ import annotations

import itertools

import pytest

from kiosk.shop.cart import OrderLine
from kiosk.shop.catalog import Catalog, Item
from kiosk.shop.payment import Payment
from kiosk.shop.machine import (
    KEYPAD_SCREENS,
    TRANSITIONS,
    Act,
    Intent,
    Kiosk,
    KioskTimings,
    CancelPayment,
    PlaceOrder,
    Screen,
    STORE_ATTEMPTS,
    StartPayment,
    intent_for_target,
)

APPLE = Item("apple", "Apple", 45)
MILK = Item("milk", "Milk", 120)
BREAD = Item("bread", "Bread", 250)
CATALOG = Catalog("EUR", (APPLE, MILK, BREAD))
TIMINGS = KioskTimings(start_hold=0.5, inactivity_warn=30, inactivity_reset=50, receipt_seconds=8)


def make(catalog: Catalog = CATALOG, timings: KioskTimings = TIMINGS, page_size: int = 6) -> Kiosk:
    counter = itertools.count(1)
    return Kiosk(catalog, timings, lambda: f"uid-{next(counter)}", page_size=page_size)


def do(k: Kiosk, act: Act, now: float, arg: str | None = None) -> list[PlaceOrder]:
    return k.handle(Intent(act, arg), now)


def start(k: Kiosk, now: float) -> None:
    """Start a session and make its practice click: the shopping screen."""
    do(k, Act.START, now)
    do(k, Act.PRACTICE, now)


def lines(k: Kiosk) -> list[tuple[str, int]]:
    return [(line.item.id, line.qty) for line in k.view().cart.lines]


def type_digits(k: Kiosk, digits: str, now: float = 2.0) -> None:
    for d in digits:
        do(k, Act.DIGIT, now, d)


def drive_to(screen: Screen, now: float = 1.0, filled: bool = True, page_size: int = 6, extra: tuple[str, ...] = ()) -> Kiosk:
    """A kiosk on `screen`, through public calls only; `filled`: one apple in the cart (beyond ATTRACT),
    `extra`: more item ids added to it."""
    k = make(page_size=page_size)
    if screen is Screen.ATTRACT:
        return k
    do(k, Act.START, now)
    if screen is Screen.PRACTICE:
        return k
    do(k, Act.PRACTICE, now)  # the practice click every session starts with
    if filled:
        do(k, Act.ADD, now, "apple")
    for item_id in extra:
        do(k, Act.ADD, now, item_id)
    if screen is Screen.SHOPPING:
        return k
    if screen in (Screen.CART, Screen.QUANTITY):
        do(k, Act.OPEN_CART, now)
        if screen is Screen.QUANTITY:
            do(k, Act.QTY, now, "apple")
        return k
    do(k, Act.CHECKOUT, now)
    if screen is Screen.CONFIRM:
        return k
    do(k, Act.CONFIRM, now)
    if screen is Screen.PAYING:
        return k
    do(k, Act.PAID, now)
    if screen is Screen.OUT_OF_ORDER:
        for _ in range(STORE_ATTEMPTS):
            do(k, Act.ORDER_FAILED, now)
            do(k, Act.RETRY, now)
        return k
    assert screen is Screen.RECEIPT
    do(k, Act.ORDER_STORED, now, "A-0001")
    return k


def placing(now: float = 1.0) -> tuple[Kiosk, list[PlaceOrder]]:
    """A kiosk on the payment screen after the terminal approved, waiting for the store."""
    k = drive_to(Screen.PAYING, now)
    effects = do(k, Act.PAID, now)
    assert k.view().screen is Screen.PAYING and k.view().placing and k.view().paid
    return k, effects


@pytest.mark.parametrize("screen", list(Screen))
def test_drive_to_reaches_each_screen(screen):
    v = drive_to(screen).view()
    assert v.screen is screen
    assert v.cart.is_empty == (screen in (Screen.ATTRACT, Screen.PRACTICE, Screen.RECEIPT))


# --- the transition table -------------------------------------------------------------------------

SCROLLING = (Act.PAGE_PREV, Act.PAGE_NEXT, Act.SCROLL)


def ready_for(screen: Screen, act: Act) -> Kiosk:
    """A kiosk on `screen` in which `act` has something to do (so a self-loop that did nothing is caught)."""
    if act in SCROLLING:  # one row a page and two lines: the lists scroll
        k = drive_to(screen, page_size=1, extra=("milk",))
        if act is Act.PAGE_PREV or (act is Act.SCROLL and screen is Screen.CART):
            do(k, Act.PAGE_NEXT, 1.5)
        return k
    k = drive_to(screen)
    if act is Act.ERASE or (act is Act.ENTER and screen is Screen.QUANTITY):
        type_digits(k, "3", 1.5)
    elif act in (Act.ORDER_STORED, Act.ORDER_FAILED):
        k, _ = placing()
    elif act is Act.RETRY:
        k, _ = placing()
        do(k, Act.ORDER_FAILED, 1.2)
    return k


ARGS = {Act.ADD: "apple", Act.INC: "apple", Act.DEC: "apple", Act.REMOVE: "apple", Act.QTY: "apple",
        Act.DIGIT: "7", Act.SCROLL: "1", Act.ORDER_STORED: "A-0007", Act.PAYMENT_FAILED: "declined"}


@pytest.mark.parametrize("row", list(TRANSITIONS.items()), ids=lambda r: f"{r[0][0].value}-{r[0][1].value}")
def test_every_transition_row(row):
    (screen, act), target = row
    k = ready_for(screen, act)
    assert k.view().screen is screen
    before = k.view()
    arg = "-1" if act is Act.SCROLL and screen is Screen.CART else ARGS.get(act)
    effects = do(k, act, 2.0, arg)
    v = k.view()
    assert v.screen is target
    # the row's act did its job (a self-loop must not just be ignored)
    if act in (Act.ADD, Act.INC):
        assert v.cart.qty("apple") == before.cart.qty("apple") + 1
    elif act in (Act.DEC, Act.REMOVE):
        assert before.cart.qty("apple") == 1 and v.cart.qty("apple") == 0
    elif act is Act.QTY:
        assert v.entry_item == "apple" and v.entry == ""
    elif act is Act.DIGIT:
        assert v.entry == before.entry + "7"
    elif act is Act.ERASE:
        assert v.entry == before.entry[:-1]
    elif act is Act.ENTER and screen is Screen.QUANTITY:
        assert v.cart.qty("apple") == 3
    elif act in SCROLLING:
        moved = (v.first, v.cart_first) != (before.first, before.cart_first)
        assert moved, (before.first, before.cart_first)
    elif act is Act.CONFIRM:
        (start,) = effects
        assert isinstance(start, StartPayment) and start.payment.amount_cents == 45 and not v.placing
    elif act in (Act.PAID, Act.RETRY):
        (place,) = effects
        assert isinstance(place, PlaceOrder) and v.placing and v.paid
    elif act is Act.PAYMENT_FAILED:
        assert v.message and not v.paid and v.cart.qty("apple") == 1
    elif act is Act.BACK and screen is Screen.PAYING:
        assert effects == [CancelPayment()] and v.cancelling
    elif act is Act.ORDER_FAILED:
        assert v.message and not v.placing and v.paid and v.cart.qty("apple") == 1
    elif act is Act.ORDER_STORED:
        assert v.receipt is not None and v.receipt.number == "A-0007" and v.cart.is_empty
    elif act in (Act.TIMEOUT, Act.DONE):
        assert v.cart.is_empty
    elif act is Act.BACK and screen is Screen.QUANTITY:
        assert v.cart.qty("apple") == 1


def test_transition_table_covers_the_documented_flow():
    # Written from the module docstring / UI, independently of the table's literal.
    expected = {
        (Screen.ATTRACT, Act.START): Screen.PRACTICE,
        (Screen.PRACTICE, Act.PRACTICE): Screen.SHOPPING,
        (Screen.PRACTICE, Act.HOLD_MODE): Screen.PRACTICE,
        (Screen.SHOPPING, Act.OPEN_CART): Screen.CART,
        (Screen.CART, Act.BACK): Screen.SHOPPING,
        (Screen.CART, Act.QTY): Screen.QUANTITY,
        (Screen.QUANTITY, Act.ENTER): Screen.CART,
        (Screen.QUANTITY, Act.BACK): Screen.CART,
        (Screen.SHOPPING, Act.CHECKOUT): Screen.CONFIRM,
        (Screen.CART, Act.CHECKOUT): Screen.CONFIRM,
        (Screen.CONFIRM, Act.BACK): Screen.CART,
        (Screen.CONFIRM, Act.CONFIRM): Screen.PAYING,
        (Screen.PAYING, Act.PAYMENT_FAILED): Screen.CONFIRM,
        (Screen.PAYING, Act.PAID): Screen.PAYING,
        (Screen.PAYING, Act.ORDER_STORED): Screen.RECEIPT,
        (Screen.PAYING, Act.ORDER_FAILED): Screen.PAYING,
        (Screen.RECEIPT, Act.DONE): Screen.ATTRACT,
    }
    for key, target in expected.items():
        assert TRANSITIONS.get(key) is target, key
    for screen in Screen:  # a payment's wait ends with the terminal's or the store's answer, not a timer;
        if screen not in (Screen.ATTRACT, Screen.PAYING, Screen.OUT_OF_ORDER):  # out of order ends the process
            assert TRANSITIONS.get((screen, Act.TIMEOUT)) is Screen.ATTRACT
    assert (Screen.PAYING, Act.TIMEOUT) not in TRANSITIONS
    for screen in KEYPAD_SCREENS:
        for act in (Act.DIGIT, Act.ERASE):
            assert TRANSITIONS.get((screen, act)) is screen


def test_every_screen_is_reachable_from_attract_and_leads_back():
    """The table as a graph: every screen reachable from ATTRACT, and ATTRACT reachable from every screen."""
    edges: dict[Screen, set[Screen]] = {s: set() for s in Screen}
    for (screen, _), nxt in TRANSITIONS.items():
        edges[screen].add(nxt)

    def reach(start: Screen) -> set[Screen]:
        seen, todo = {start}, [start]
        while todo:
            for n in edges[todo.pop()] - seen:
                seen.add(n)
                todo.append(n)
        return seen

    assert reach(Screen.ATTRACT) == set(Screen)
    for screen in Screen:
        if screen is Screen.OUT_OF_ORDER:  # a dead end by design: the app exits and its supervisor restarts it
            assert reach(screen) == {screen}
        else:
            assert Screen.ATTRACT in reach(screen), screen


UNLISTED = [(s, a) for s in Screen for a in Act if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize("pair", UNLISTED, ids=lambda p: f"{p[0].value}-{p[1].value}")
def test_act_without_row_is_ignored(pair):
    screen, act = pair
    k = drive_to(screen)
    before = k.view()
    arg = {Act.DIGIT: "5", Act.SCROLL: "1"}.get(act, "apple" if act in (Act.ADD, Act.INC, Act.DEC, Act.REMOVE,
                                                                          Act.QTY) else "X-1")
    effects = do(k, act, 2.0, arg)
    after = k.view()
    assert effects == []
    assert after.screen is screen
    assert after.cart == before.cart
    assert after.first == before.first and after.receipt == before.receipt and after.entry == before.entry


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


# --- checkout, the card terminal and placing the order -------------------------------------------

@pytest.mark.parametrize("via_cart", [False, True])
def test_checkout_with_empty_cart_does_nothing(via_cart):
    k = drive_to(Screen.SHOPPING, filled=False)
    if via_cart:
        do(k, Act.OPEN_CART, 2)
    screen = k.view().screen
    assert do(k, Act.CHECKOUT, 3) == []
    assert k.view().screen is screen
    assert do(k, Act.CONFIRM, 3) == []


def pay(k: Kiosk, now: float) -> list:
    """Confirm on the summary, then the terminal approves: -> the effects of the approval."""
    do(k, Act.CONFIRM, now)
    assert k.view().screen is Screen.PAYING
    return do(k, Act.PAID, now)


def test_confirm_starts_the_payment_and_approval_places_exactly_one_order():
    k = drive_to(Screen.SHOPPING, filled=False)
    for item_id in ("apple", "milk", "apple"):
        do(k, Act.ADD, 2, item_id)
    do(k, Act.CHECKOUT, 3)
    assert k.view().screen is Screen.CONFIRM
    (start,) = do(k, Act.CONFIRM, 4)  # the terminal is asked; nothing is stored yet
    assert start == StartPayment(Payment("uid-1", 2 * 45 + 120, "EUR"))
    v = k.view()
    assert v.screen is Screen.PAYING and not v.placing and not v.paid and k.paying
    # a double 👌 while the terminal waits: Confirm has no row here, nothing more is started or stored
    assert do(k, Act.CONFIRM, 4.1) == [] and do(k, Act.RETRY, 4.2) == []
    (place,) = do(k, Act.PAID, 5)
    order = place.order
    assert order.lines == (OrderLine("apple", "Apple", 45, 2), OrderLine("milk", "Milk", 120, 1))
    assert order.total_cents == 2 * 45 + 120 and order.currency == "EUR" and order.uid == "uid-1"
    v = k.view()
    assert v.screen is Screen.PAYING and v.placing and v.paid and not k.paying
    # a second approval, a Cancel or a Confirm before the store answered: no duplicate order
    assert do(k, Act.PAID, 5.1) == [] and do(k, Act.BACK, 5.2) == [] and do(k, Act.CONFIRM, 5.3) == []
    assert k.view().screen is Screen.PAYING


@pytest.mark.parametrize("status, words", [("declined", "declined"), ("timed-out", "in time"),
                                           ("cancelled", "cancelled")])
def test_a_payment_that_does_not_go_through_returns_to_the_summary_with_the_cart(status, words):
    k = drive_to(Screen.PAYING)
    assert do(k, Act.PAYMENT_FAILED, 3, status) == []
    v = k.view()
    assert v.screen is Screen.CONFIRM and lines(k) == [("apple", 1)] and not v.paid
    assert words in v.message and "Nothing was paid" in v.message
    (start,) = do(k, Act.CONFIRM, 4)  # the shopper tries again: the same checkout, the same uid
    assert start.payment.uid == "uid-1"


def test_cancel_asks_the_terminal_and_waits_for_its_answer():
    k = drive_to(Screen.PAYING)
    assert do(k, Act.BACK, 3) == [CancelPayment()]
    assert k.view().screen is Screen.PAYING and k.view().cancelling
    assert do(k, Act.BACK, 3.1) == []  # asked once
    # the card was tapped at that very moment: the terminal approved, and the order is placed
    (place,) = do(k, Act.PAID, 3.2)
    assert isinstance(place, PlaceOrder) and not k.view().cancelling


def test_no_timeout_while_the_terminal_or_the_store_is_busy():
    k = drive_to(Screen.PAYING, now=1.0)
    k.tick(1.0 + TIMINGS.inactivity_reset + 5, False)  # the shopper is at the terminal, hand down
    assert k.view().screen is Screen.PAYING and k.view().warning_left is None
    do(k, Act.PAID, 60.0)
    k.tick(200.0, False)
    assert k.view().screen is Screen.PAYING and k.view().placing


def test_a_paid_order_the_store_failed_is_stored_again_never_charged_again():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 2, "bread")
    do(k, Act.ADD, 2, "milk")
    do(k, Act.CHECKOUT, 3)
    first = pay(k, 4)[0].order
    do(k, Act.ORDER_FAILED, 5)
    v = k.view()
    assert v.screen is Screen.PAYING and v.paid and not v.placing and "Paid" in v.message
    assert lines(k) == [("bread", 1), ("milk", 1)]
    assert do(k, Act.BACK, 5.5) == [] and do(k, Act.CONFIRM, 5.6) == []  # no way back to pay twice
    k.tick(500.0, False)
    assert k.view().screen is Screen.PAYING  # the order is owed: it waits for Try again (or staff)
    (again,) = do(k, Act.RETRY, 501)
    assert isinstance(again, PlaceOrder) and again.order == first  # the same order, the same uid


def test_back_from_confirm_then_changed_cart_gets_a_new_uid():
    k = drive_to(Screen.CONFIRM)
    (start,) = do(k, Act.CONFIRM, 2)
    do(k, Act.PAYMENT_FAILED, 3, "declined")
    do(k, Act.BACK, 4)
    assert k.view().screen is Screen.CART
    do(k, Act.INC, 4, "apple")
    do(k, Act.CHECKOUT, 5)
    second = pay(k, 6)[0].order
    assert second.lines == (OrderLine("apple", "Apple", 45, 2),)
    assert second.uid != start.payment.uid


def test_order_stored_shows_receipt_and_clears_cart():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 2, "apple")
    do(k, Act.ADD, 2, "bread")
    do(k, Act.ADD, 2, "bread")
    do(k, Act.CHECKOUT, 3)
    pay(k, 4)
    do(k, Act.ORDER_STORED, 5, "A-0042")
    v = k.view()
    assert v.screen is Screen.RECEIPT
    assert v.receipt is not None
    assert v.receipt.number == "A-0042"
    assert v.receipt.total_cents == 45 + 2 * 250
    assert v.receipt.count == 3
    assert [(x.name, x.qty, x.total_cents) for x in v.receipt.lines] == [("Apple", 1, 45), ("Bread", 2, 500)]
    assert v.cart.is_empty and not v.placing and not v.paid
    do(k, Act.DONE, 6)
    assert k.view().screen is Screen.ATTRACT and k.view().cart.is_empty


def test_the_receipt_stays_while_a_hand_is_in_view():
    k = drive_to(Screen.RECEIPT, now=1.0)
    wait = TIMINGS.receipt_seconds
    k.tick(1.0 + wait - 0.5, True)  # scanning the code
    k.tick(1.0 + wait + 5, True)
    assert k.view().screen is Screen.RECEIPT
    k.tick(1.0 + wait + 5 + wait - 0.1, False)
    assert k.view().screen is Screen.RECEIPT
    k.tick(1.0 + wait + 5 + wait + 0.1, False)
    assert k.view().screen is Screen.ATTRACT


def test_stale_order_stored_outside_paying_is_ignored():
    k = drive_to(Screen.CART)
    do(k, Act.ORDER_STORED, 2, "A-9")
    do(k, Act.PAID, 2)
    assert k.view().screen is Screen.CART and lines(k) == [("apple", 1)]


# --- the quantity keypad --------------------------------------------------------------------------

def test_quantity_keypad_sets_the_line():
    k = drive_to(Screen.CART, extra=("milk",))
    do(k, Act.QTY, 2, "milk")
    v = k.view()
    assert v.screen is Screen.QUANTITY and v.entry_item == "milk" and v.entry == ""
    type_digits(k, "12", 3)
    do(k, Act.ENTER, 4)
    assert k.view().screen is Screen.CART
    assert lines(k) == [("apple", 1), ("milk", 12)]
    assert k.view().toast is not None and k.view().toast.text == "Milk ×12"
    assert k.view().entry_item is None


def test_quantity_zero_removes_the_line_and_the_field_takes_two_digits():
    k = drive_to(Screen.QUANTITY)
    type_digits(k, "105")
    assert k.view().entry == "10" and k.view().message == "2 digits at most"
    do(k, Act.ERASE, 3)
    do(k, Act.ERASE, 3)
    type_digits(k, "0")
    do(k, Act.ENTER, 4)
    assert lines(k) == [] and k.view().toast.text == "Removed: Apple"


def test_quantity_enter_on_an_empty_field_says_so():
    k = drive_to(Screen.QUANTITY)
    assert do(k, Act.ENTER, 3) == []
    v = k.view()
    assert v.screen is Screen.QUANTITY and v.message == "Type a quantity first"
    assert lines(k) == [("apple", 1)]


def test_quantity_keypad_only_opens_for_a_line_in_the_cart():
    k = drive_to(Screen.CART)
    do(k, Act.QTY, 2, "milk")  # not in the cart
    do(k, Act.QTY, 2, None)
    do(k, Act.QTY, 2, "nope")
    assert k.view().screen is Screen.CART


@pytest.mark.parametrize("arg", ["x", "12", "", None, "-1"])
def test_digit_must_be_one_digit(arg):
    k = drive_to(Screen.QUANTITY)
    do(k, Act.DIGIT, 2, arg)
    assert k.view().entry == ""


# --- undo -----------------------------------------------------------------------------------------

UNDO_TIMINGS = KioskTimings(start_hold=0.5, inactivity_warn=30, inactivity_reset=50, receipt_seconds=8,
                            undo_seconds=5)


def cart_of(*lines_: tuple[str, int], page_size: int = 6, now: float = 1.0) -> Kiosk:
    """A kiosk on the cart screen holding these (item id, qty) lines, in this order."""
    k = make(timings=UNDO_TIMINGS, page_size=page_size)
    start(k, now)
    for item_id, qty in lines_:
        for _ in range(qty):
            do(k, Act.ADD, now, item_id)
    do(k, Act.OPEN_CART, now)
    return k


def test_transition_row_for_undo():
    assert TRANSITIONS[(Screen.CART, Act.UNDO)] is Screen.CART
    assert [s for (s, a) in TRANSITIONS if a is Act.UNDO] == [Screen.CART]


def test_undo_puts_a_removed_line_back_in_its_place_with_its_quantity():
    k = cart_of(("apple", 1), ("milk", 3), ("bread", 2))
    do(k, Act.REMOVE, 2.0, "milk")
    assert lines(k) == [("apple", 1), ("bread", 2)]
    offer = k.view().undo
    assert offer is not None and (offer.line.item.id, offer.line.qty, offer.index) == ("milk", 3, 1)
    do(k, Act.UNDO, 4.0)
    assert lines(k) == [("apple", 1), ("milk", 3), ("bread", 2)]
    assert k.view().undo is None and k.view().screen is Screen.CART
    assert k.view().cart.total_cents == 45 + 3 * 120 + 2 * 250
    do(k, Act.UNDO, 4.5)  # nothing more to put back
    assert lines(k) == [("apple", 1), ("milk", 3), ("bread", 2)]


def test_undo_after_minus_down_to_zero():
    k = cart_of(("apple", 2), ("milk", 1), ("bread", 1))
    do(k, Act.DEC, 2.0, "milk")
    assert lines(k) == [("apple", 2), ("bread", 1)] and k.view().undo is not None
    do(k, Act.DEC, 2.5, "apple")  # a line that stays offers nothing new
    assert k.view().undo.line.item.id == "milk"
    do(k, Act.UNDO, 3.0)
    assert lines(k) == [("apple", 1), ("milk", 1), ("bread", 1)]  # other changes since then stay


def test_undo_after_a_quantity_of_zero_on_the_keypad():
    k = cart_of(("apple", 1), ("milk", 4))
    do(k, Act.QTY, 2.0, "apple")
    type_digits(k, "0", 2.2)
    do(k, Act.ENTER, 2.5)
    assert k.view().screen is Screen.CART and lines(k) == [("milk", 4)]
    assert k.view().undo is not None and k.view().undo.since == 2.5 and k.view().undo.until == 7.5
    do(k, Act.UNDO, 3.0)
    assert lines(k) == [("apple", 1), ("milk", 4)]


def test_a_line_that_stays_offers_no_undo():
    k = cart_of(("apple", 3), ("milk", 1))
    do(k, Act.DEC, 2.0, "apple")
    do(k, Act.QTY, 2.1, "milk")
    type_digits(k, "5", 2.2)
    do(k, Act.ENTER, 2.3)
    do(k, Act.REMOVE, 2.4, "bread")  # not in the cart
    assert k.view().undo is None and lines(k) == [("apple", 2), ("milk", 5)]


def test_undo_expires_after_undo_seconds():
    k = cart_of(("apple", 1), ("milk", 1))
    do(k, Act.REMOVE, 2.0, "apple")
    k.tick(6.99, True)
    assert k.view().undo is not None
    k.tick(7.0, True)  # 5 s after the removal
    assert k.view().undo is None
    do(k, Act.UNDO, 7.1)
    assert lines(k) == [("milk", 1)]


def test_a_late_undo_is_refused_even_between_ticks():
    k = cart_of(("apple", 1), ("milk", 1))
    do(k, Act.REMOVE, 2.0, "apple")
    do(k, Act.UNDO, 7.0)
    assert lines(k) == [("milk", 1)]


@pytest.mark.parametrize("leave", ["back", "checkout", "timeout", "qty"])
def test_undo_offer_ends_when_the_cart_screen_is_left(leave):
    k = cart_of(("apple", 1), ("milk", 1), ("bread", 1))
    do(k, Act.REMOVE, 2.0, "apple")
    {"back": lambda: do(k, Act.BACK, 2.5), "checkout": lambda: do(k, Act.CHECKOUT, 2.5),
     "timeout": lambda: k.tick(2.0 + 50, False), "qty": lambda: do(k, Act.QTY, 2.5, "milk")}[leave]()
    assert k.view().screen is not Screen.CART
    if leave != "timeout":
        do(k, Act.BACK, 3.0)
        if k.view().screen is Screen.SHOPPING:
            do(k, Act.OPEN_CART, 3.0)
        assert k.view().screen is Screen.CART
    else:
        start(k, 48.0)
        do(k, Act.ADD, 48.0, "milk")
        do(k, Act.OPEN_CART, 48.0)
    assert k.view().undo is None
    before = lines(k)
    do(k, Act.UNDO, 3.5 if leave != "timeout" else 48.5)
    assert lines(k) == before and ("apple", 1) not in before


def test_only_the_last_removal_can_be_undone():
    k = cart_of(("apple", 1), ("milk", 2), ("bread", 3))
    do(k, Act.REMOVE, 2.0, "apple")
    do(k, Act.REMOVE, 3.0, "bread")
    offer = k.view().undo
    assert (offer.line.item.id, offer.index, offer.until) == ("bread", 1, 8.0)
    do(k, Act.UNDO, 4.0)
    assert lines(k) == [("milk", 2), ("bread", 3)]


def test_undo_keeps_the_list_where_it_was():
    """A long cart scrolled to its end: the offer holds the removed line's row, so nothing moves; when it
    expires the list closes up, and Undo brings back the scroll position with the line."""
    k = cart_of(("apple", 1), ("milk", 1), ("bread", 1), page_size=2)
    do(k, Act.PAGE_NEXT, 1.5)
    assert k.view().cart_first == 1  # rows 1 and 2 show: milk, bread
    do(k, Act.REMOVE, 2.0, "bread")
    assert k.view().cart_first == 1  # milk, then the offer in bread's row
    do(k, Act.UNDO, 2.5)
    assert lines(k) == [("apple", 1), ("milk", 1), ("bread", 1)] and k.view().cart_first == 1
    do(k, Act.REMOVE, 3.0, "bread")
    k.tick(8.0, True)
    assert k.view().undo is None and k.view().cart_first == 0  # two lines left, one page


# --- toasts ---------------------------------------------------------------------------------------

def test_add_shows_a_toast_for_toast_seconds():
    k = drive_to(Screen.SHOPPING, now=10.0, filled=False)
    do(k, Act.ADD, 10.0, "apple")
    first = k.view().toast
    assert first is not None and first.text == "Added: Apple ×1"
    do(k, Act.ADD, 10.5, "apple")
    second = k.view().toast
    assert second.text == "Added: Apple ×2" and second.serial != first.serial
    k.tick(12.4, True)
    assert k.view().toast == second
    k.tick(12.5, True)  # 2 s after the last add
    assert k.view().toast is None


def test_same_toast_text_twice_gets_a_new_serial():
    k = drive_to(Screen.CART, extra=("milk",))
    do(k, Act.REMOVE, 2, "milk")
    a = k.view().toast
    do(k, Act.BACK, 2)
    do(k, Act.ADD, 2, "milk")
    do(k, Act.OPEN_CART, 2)
    do(k, Act.REMOVE, 2, "milk")
    b = k.view().toast
    assert a.text == b.text == "Removed: Milk" and a.serial != b.serial


def test_timeout_clears_the_toast():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 2, "apple")
    do(k, Act.TIMEOUT, 2.1)
    assert k.view().toast is None


# --- timers ---------------------------------------------------------------------------------------

def started(at: float = 10.0) -> Kiosk:
    """A kiosk whose session started (by a held hand) at exactly `at`."""
    k = make()
    k.tick(at - TIMINGS.start_hold, True)
    k.tick(at, True)
    assert k.view().screen is Screen.PRACTICE
    do(k, Act.PRACTICE, at)
    assert k.view().screen is Screen.SHOPPING
    return k


def test_inactivity_warning_and_reset():
    k = started(10.0)
    do(k, Act.ADD, 10.0, "apple")
    k.tick(39.9, False)  # 29.9 s idle
    assert k.view().warning_left is None
    k.tick(40.0, False)  # 30 s idle
    assert k.view().warning_left == 20  # at least 20 s to answer it (WCAG 2.2.1)
    k.tick(55.0, False)
    assert k.view().warning_left == 5
    k.tick(55.2, False)  # whole seconds, rounded up: the countdown text changes once a second
    assert k.view().warning_left == 5
    k.tick(56.0, False)
    assert k.view().warning_left == 4
    assert k.view().screen is Screen.SHOPPING and lines(k) == [("apple", 1)]
    k.tick(59.9, False)
    assert k.view().screen is Screen.SHOPPING
    k.tick(60.0, False)  # 50 s idle
    v = k.view()
    assert v.screen is Screen.ATTRACT and v.cart.is_empty and v.first == 0 and v.warning_left is None


def test_hand_clears_the_warning():
    k = started(10.0)
    k.tick(41.0, False)
    assert k.view().warning_left is not None
    k.tick(41.5, True)  # the shopper moves a hand
    assert k.view().warning_left is None
    k.tick(61.0, False)  # 50 s after the first activity, but only 19.5 s after the hand
    assert k.view().screen is Screen.SHOPPING and k.view().warning_left is None
    k.tick(91.5, False)  # 50 s after the hand
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
    pay(k, 13)
    do(k, Act.ORDER_STORED, 20.0, "A-1")
    k.tick(27.9, False)
    assert k.view().screen is Screen.RECEIPT
    assert k.view().warning_left is None
    k.tick(28.0, False)  # receipt_seconds (8 s here) on the receipt, no hand in view
    assert k.view().screen is Screen.ATTRACT


def test_a_still_hand_does_not_hold_off_the_timeout():
    """Activity is movement: a hand left still in view gets the warning and, at zero, the reset."""
    k = started(10.0)
    do(k, Act.ADD, 10.0, "apple")
    k.tick(39.9, True, active=False)
    assert k.view().warning_left is None
    k.tick(40.0, True, active=False)
    assert k.view().warning_left == 20
    k.tick(60.0, True, active=False)
    v = k.view()
    assert v.screen is Screen.ATTRACT and v.cart.is_empty


def test_any_movement_cancels_the_countdown():
    k = started(10.0)
    do(k, Act.ADD, 10.0, "apple")
    k.tick(55.0, True, active=False)
    assert k.view().warning_left == 5
    k.tick(55.1, True, active=True)  # the shopper moves
    assert k.view().warning_left is None
    k.tick(85.0, True, active=False)  # 29.9 s after the movement
    assert k.view().warning_left is None and lines(k) == [("apple", 1)]
    k.tick(105.2, True, active=False)
    assert k.view().screen is Screen.ATTRACT


@pytest.mark.parametrize("screen", [Screen.PRACTICE, Screen.SHOPPING, Screen.CART, Screen.QUANTITY, Screen.CONFIRM])
def test_every_session_screen_warns_then_resets(screen):
    k = drive_to(screen, now=10.0)
    k.tick(40.0, False)
    assert k.view().screen is screen and k.view().warning_left == 20
    assert do(k, Act.MORE_TIME, 41.0) == [] and k.view().warning_left is None  # the warning's button
    k.tick(71.0, False)
    assert k.view().warning_left == 20
    k.tick(91.0, False)
    assert k.view().screen is Screen.ATTRACT and k.view().cart.is_empty and k.view().entry == ""


def test_no_countdown_while_the_order_is_being_stored():
    k, _ = placing(10.0)
    k.tick(50.0, False)
    assert k.view().warning_left is None and k.view().screen is Screen.PAYING
    k.tick(100.0, False)
    assert k.view().screen is Screen.PAYING  # the store's answer, not a timer, ends this wait


def test_start_progress_on_attract():
    k = make()
    assert k.start_progress(5.0) is None
    k.tick(5.0, True)
    assert k.start_progress(5.0) == 0.0
    k.tick(5.25, True)
    assert k.start_progress(5.25) == pytest.approx(0.5)
    k.tick(5.3, False)  # the hand left: the hold starts over
    assert k.start_progress(5.3) is None
    k.tick(6.0, True)
    k.tick(6.5, True)
    assert k.view().screen is Screen.PRACTICE and k.start_progress(6.5) is None


def test_held_hand_starts_a_session():
    k = make()
    k.tick(100.0, True)
    k.tick(100.3, True)
    assert k.view().screen is Screen.ATTRACT
    k.tick(100.5, True)
    assert k.view().screen is Screen.PRACTICE


def test_short_hand_does_not_start():
    k = make()
    k.tick(100.0, True)
    k.tick(100.4, True)
    k.tick(100.45, False)  # hand gone: the hold starts over
    k.tick(100.6, True)
    k.tick(101.0, True)
    assert k.view().screen is Screen.ATTRACT
    k.tick(101.1, True)  # 0.5 s since the hand came back
    assert k.view().screen is Screen.PRACTICE


# --- paging and scrolling -------------------------------------------------------------------------

ITEMS14 = Catalog("EUR", tuple(Item(f"i{n}", f"Item {n}", 100 + n) for n in range(14)))


def test_paging_moves_a_page_of_rows_and_clamps():
    k = make(ITEMS14, page_size=6)  # 14 items, 6 rows: first item shown 0, 6, then 8 (the last six)
    start(k, 1)
    do(k, Act.PAGE_PREV, 2)
    assert k.view().first == 0
    seen = []
    for _ in range(4):
        do(k, Act.PAGE_NEXT, 2)
        seen.append(k.view().first)
    assert seen == [6, 8, 8, 8]
    do(k, Act.PAGE_PREV, 3)
    assert k.view().first == 2
    do(k, Act.PAGE_PREV, 3)
    assert k.view().first == 0
    do(k, Act.PAGE_NEXT, 3)
    do(k, Act.TIMEOUT, 4)
    assert k.view().first == 0


def test_scroll_moves_by_rows_and_clamps():
    k = make(ITEMS14, page_size=6)
    start(k, 1)
    seen = []
    for rows in ("1", "2", "-1", "10", "-20", "junk"):
        do(k, Act.SCROLL, 2, rows)
        seen.append(k.view().first)
    assert seen == [1, 3, 2, 8, 0, 0]


def test_single_page_catalog_does_not_page():
    k = drive_to(Screen.SHOPPING)
    do(k, Act.PAGE_NEXT, 2)
    do(k, Act.SCROLL, 2, "3")
    assert k.view().first == 0


def test_cart_scroll_stays_valid_when_lines_go():
    items = tuple(Item(f"i{n}", f"Item {n}", 100 + n) for n in range(5))
    k = make(Catalog("EUR", items), page_size=2)
    start(k, 1)
    for item in items:
        do(k, Act.ADD, 1, item.id)
    do(k, Act.OPEN_CART, 2)
    do(k, Act.SCROLL, 2, "9")
    assert k.view().cart_first == 3  # the last two of five lines
    for item in items[:4]:
        do(k, Act.REMOVE, 3, item.id)
    assert k.view().cart_first == 0 and len(k.view().cart.lines) == 1


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
    ("qty:milk", Intent(Act.QTY, "milk")),
    ("key:0", Intent(Act.DIGIT, "0")),
    ("key:9", Intent(Act.DIGIT, "9")),
    ("key:x", None),
    ("key:12", None),
    ("key", None),
    ("erase", Intent(Act.ERASE)),
    ("enter", Intent(Act.ENTER)),
    ("undo", Intent(Act.UNDO)),
    ("undo:apple", Intent(Act.UNDO, "apple")),  # an argument is ignored: Undo puts back the last removal
    ("scroll:2", None),  # the grab gesture scrolls; no button does
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
    dict(inactivity_warn=30, inactivity_reset=45),  # a 15 s warning: too short to answer
    dict(inactivity_warn=50, inactivity_reset=45),
    dict(inactivity_warn=0, inactivity_reset=45),
    dict(start_hold=-1),
    dict(receipt_seconds=0),
    dict(toast_seconds=0),
    dict(undo_seconds=0),
    dict(undo_seconds=61),
])
def test_timings_validation(kw):
    with pytest.raises(ValueError):
        KioskTimings(**kw)


def test_timings_valid():
    t = KioskTimings(inactivity_warn=30, inactivity_reset=50)
    assert (t.inactivity_warn, t.inactivity_reset) == (30, 50)


# --- the practice screen, the grid, feedback at the target ----------------------------------------

def test_practice_comes_first_and_nothing_can_be_bought_there():
    k = make()
    do(k, Act.START, 1.0)
    assert k.view().screen is Screen.PRACTICE
    for act, arg in ((Act.ADD, "apple"), (Act.CHECKOUT, None), (Act.OPEN_CART, None)):
        do(k, act, 1.1, arg)
        assert k.view().screen is Screen.PRACTICE and k.view().cart.is_empty
    do(k, Act.PRACTICE, 1.2)
    assert k.view().screen is Screen.SHOPPING


def test_practice_can_be_turned_off():
    k = Kiosk(CATALOG, TIMINGS, lambda: "uid", practice=False)
    do(k, Act.START, 1.0)
    assert k.view().screen is Screen.SHOPPING


def test_hold_still_lasts_the_session_and_not_the_next():
    k = make()
    do(k, Act.START, 1.0)
    assert not k.view().hold_to_select
    do(k, Act.HOLD_MODE, 1.5)
    assert k.view().screen is Screen.PRACTICE and k.view().hold_to_select
    do(k, Act.PRACTICE, 2.0)
    do(k, Act.ADD, 2.5, "apple")
    assert k.view().hold_to_select  # still on while shopping
    k.tick(2.5 + TIMINGS.inactivity_reset + 1, False)  # the shopper walked away
    assert k.view().screen is Screen.ATTRACT and not k.view().hold_to_select
    do(k, Act.START, 100.0)
    assert not k.view().hold_to_select  # the next shopper starts with the 👌 again


def test_add_records_the_item_and_puts_its_toast_on_its_tile():
    k = drive_to(Screen.SHOPPING, filled=False)
    do(k, Act.ADD, 3.0, "milk")
    v = k.view()
    assert v.added is not None and (v.added.item_id, v.added.since) == ("milk", 3.0)
    assert v.toast is not None and v.toast.target == "add:milk"
    do(k, Act.OPEN_CART, 3.5)
    assert k.view().added is None  # only the shopping screen shows the flight


def test_a_grid_scrolls_by_whole_rows_and_pages_by_pages():
    items = tuple(Item(f"i{n:02d}", f"Item {n}", 100) for n in range(14))
    k = Kiosk(Catalog("EUR", items), TIMINGS, lambda: "uid", page_size=6, columns=3, practice=False)
    do(k, Act.START, 1.0)
    do(k, Act.SCROLL, 1.0, "1")
    assert k.view().first == 3  # one row of three
    do(k, Act.PAGE_NEXT, 1.0)
    assert k.view().first == 9  # a page of six
    do(k, Act.PAGE_NEXT, 1.0)
    # 14 items are 5 rows; two rows a page: the last page starts at row 3 (item 9), never mid-row
    assert k.view().first == 9
    do(k, Act.SCROLL, 1.0, "-9")
    assert k.view().first == 0


def test_a_store_that_keeps_failing_puts_the_kiosk_out_of_order_with_a_reference_for_the_staff():
    """Two failed saves of a paid order offer Try again; the third puts the kiosk out of order, for good:
    no timeout, no click, no gesture leads anywhere else, and the screen shows the order's reference."""
    k, _ = placing()
    for attempt in (1, 2):
        do(k, Act.ORDER_FAILED, 1.0, "disk I/O error")
        assert k.view().screen is Screen.PAYING and k.view().message and not k.view().placing
        assert [type(e) for e in do(k, Act.RETRY, 1.0)] == [PlaceOrder]
    do(k, Act.ORDER_FAILED, 1.0, "disk I/O error")
    v = k.view()
    assert v.screen is Screen.OUT_OF_ORDER and v.paid and v.reference == "UID-1"
    assert v.cart.qty("apple") == 1 and v.warning_left is None
    for act in Act:
        do(k, act, 2.0, "apple")
    k.tick(10_000.0, hand_present=False)
    assert k.view().screen is Screen.OUT_OF_ORDER


def test_a_saved_order_forgets_earlier_failures():
    k, _ = placing()
    do(k, Act.ORDER_FAILED, 1.0)
    do(k, Act.RETRY, 1.0)
    do(k, Act.ORDER_STORED, 1.0, "A-0001")
    do(k, Act.DONE, 1.0)
    k2 = k  # the next shopper: two failures still offer Try again
    for act in (Act.START, Act.PRACTICE):
        do(k2, act, 2.0)
    do(k2, Act.ADD, 2.0, "apple")
    for act in (Act.CHECKOUT, Act.CONFIRM, Act.PAID):
        do(k2, act, 2.0)
    for _ in range(2):
        do(k2, Act.ORDER_FAILED, 2.0)
        do(k2, Act.RETRY, 2.0)
    assert k2.view().screen is Screen.PAYING

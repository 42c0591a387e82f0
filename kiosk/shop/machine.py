"""The kiosk's screens and cart as one explicit state machine. Pure: time is an argument.

Screens never create screens: a click on a target becomes an `Intent`, and
`TRANSITIONS` (plain data, printed in the README by `python main.py transitions`)
decides where it leads. An intent that has no row for the current screen is ignored,
so a stale click cannot do anything unexpected.

Storing an order is an effect: on Confirm the machine returns `PlaceOrder` and waits
in CONFIRM until the app reports `ORDER_STORED` (-> RECEIPT) or `ORDER_FAILED` (stay,
cart intact), so an order is never lost and the receipt never shows an unsaved order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kiosk.shop.cart import Cart, Order
from kiosk.shop.catalog import Catalog


class Screen(Enum):
    ATTRACT = "attract"
    SHOPPING = "shopping"
    CART = "cart"
    CONFIRM = "confirm"
    RECEIPT = "receipt"


class Act(Enum):
    START = "start"
    ADD = "add"
    INC = "inc"
    DEC = "dec"
    REMOVE = "remove"
    OPEN_CART = "cart"
    BACK = "back"
    CHECKOUT = "checkout"
    CONFIRM = "confirm"
    DONE = "done"
    PAGE_PREV = "page-prev"
    PAGE_NEXT = "page-next"
    ORDER_STORED = "order-stored"
    ORDER_FAILED = "order-failed"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class Intent:
    act: Act
    arg: str | None = None


S, A = Screen, Act
TRANSITIONS: dict[tuple[Screen, Act], Screen] = {
    (S.ATTRACT, A.START): S.SHOPPING,
    (S.SHOPPING, A.ADD): S.SHOPPING,
    (S.SHOPPING, A.PAGE_PREV): S.SHOPPING,
    (S.SHOPPING, A.PAGE_NEXT): S.SHOPPING,
    (S.SHOPPING, A.OPEN_CART): S.CART,
    (S.SHOPPING, A.CHECKOUT): S.CONFIRM,
    (S.CART, A.INC): S.CART,
    (S.CART, A.DEC): S.CART,
    (S.CART, A.REMOVE): S.CART,
    (S.CART, A.PAGE_PREV): S.CART,
    (S.CART, A.PAGE_NEXT): S.CART,
    (S.CART, A.BACK): S.SHOPPING,
    (S.CART, A.CHECKOUT): S.CONFIRM,
    (S.CONFIRM, A.BACK): S.CART,
    (S.CONFIRM, A.CONFIRM): S.CONFIRM,  # waits for the store: see ORDER_STORED
    (S.CONFIRM, A.ORDER_STORED): S.RECEIPT,
    (S.CONFIRM, A.ORDER_FAILED): S.CONFIRM,
    (S.RECEIPT, A.DONE): S.ATTRACT,
    (S.SHOPPING, A.TIMEOUT): S.ATTRACT,
    (S.CART, A.TIMEOUT): S.ATTRACT,
    (S.CONFIRM, A.TIMEOUT): S.ATTRACT,
    (S.RECEIPT, A.TIMEOUT): S.ATTRACT,
}
"""(screen, act) -> next screen. Anything not listed is ignored."""

TARGET_ACTS = {a.value: a for a in (A.START, A.ADD, A.INC, A.DEC, A.REMOVE, A.OPEN_CART, A.BACK,
                                    A.CHECKOUT, A.CONFIRM, A.DONE, A.PAGE_PREV, A.PAGE_NEXT)}


def intent_for_target(target_id: str | None) -> Intent | None:
    """'add:apple' -> Intent(ADD, 'apple'); 'checkout' -> Intent(CHECKOUT); unknown -> None."""
    if not target_id:
        return None
    name, _, arg = target_id.partition(":")
    act = TARGET_ACTS.get(name)
    return Intent(act, arg or None) if act else None


@dataclass(frozen=True)
class KioskTimings:
    """Seconds."""

    start_hold: float = 0.5
    """A hand in view this long on the attract screen starts a session."""
    inactivity_warn: float = 30.0
    """No hand and no click this long: the 'are you still there?' warning appears."""
    inactivity_reset: float = 45.0
    """No hand and no click this long: the cart is cleared and the attract screen returns."""
    receipt_seconds: float = 8.0
    """The receipt stays this long, then the kiosk returns to the attract screen."""

    def __post_init__(self) -> None:
        if not 0 < self.inactivity_warn < self.inactivity_reset:
            raise ValueError("need 0 < inactivity_warn < inactivity_reset")
        if self.start_hold < 0 or self.receipt_seconds <= 0:
            raise ValueError("start_hold must be >= 0 and receipt_seconds > 0")


@dataclass(frozen=True)
class PlaceOrder:
    """Effect: store this order, then report ORDER_STORED (arg = order number) or ORDER_FAILED."""

    order: Order


@dataclass(frozen=True)
class Receipt:
    number: str
    total_cents: int
    count: int


@dataclass(frozen=True)
class View:
    """A snapshot of everything the layout and the renderer need."""

    screen: Screen
    cart: Cart
    page: int
    """Catalog page shown on the shopping screen, from 0."""
    placing: bool
    receipt: Receipt | None
    warning_left: float | None
    """Seconds until the inactivity reset while the warning shows, else None."""
    message: str | None
    cart_page: int = 0
    """Page of cart lines shown on the cart screen, from 0."""


class Kiosk:
    """The state machine. Feed it intents and ticks with `now` in seconds; read `view()`."""

    def __init__(self, catalog: Catalog, timings: KioskTimings, new_uid: Callable[[], str], page_size: int = 6):
        self.catalog = catalog
        self.timings = timings
        self.new_uid = new_uid
        self.page_size = page_size
        self.screen = Screen.ATTRACT
        self.cart = Cart()
        self.page = 0
        self.cart_page = 0
        self.order_uid: str | None = None
        self.placing = False
        self.receipt: Receipt | None = None
        self.message: str | None = None
        self._entered = 0.0
        self._activity = 0.0
        self._hand_since: float | None = None
        self._now = 0.0

    @property
    def pages(self) -> int:
        """Pages of the catalog."""
        return max(1, -(-len(self.catalog.items) // self.page_size))

    @property
    def cart_pages(self) -> int:
        return max(1, -(-len(self.cart.lines) // self.page_size))

    def handle(self, intent: Intent, now: float) -> list[PlaceOrder]:
        """Apply one intent at time `now` (s). Returns the effects the app must carry out."""
        self._now = now
        nxt = TRANSITIONS.get((self.screen, intent.act))
        if nxt is None:
            return []
        if self.placing and intent.act not in (A.ORDER_STORED, A.ORDER_FAILED):
            return []  # while the order is being stored, only its outcome may move the kiosk
        self._activity = now
        effects: list[PlaceOrder] = []
        act, arg = intent.act, intent.arg
        item = self.catalog.get(arg) if arg else None
        if act in (A.ADD, A.INC) and item:
            self.cart = self.cart.add(item)
        elif act == A.DEC and item:
            self.cart = self.cart.set_qty(item, self.cart.qty(item.id) - 1)
        elif act == A.REMOVE and arg:
            self.cart = self.cart.remove(arg)
        elif act in (A.PAGE_NEXT, A.PAGE_PREV):
            step = 1 if act == A.PAGE_NEXT else -1
            if self.screen == S.CART:
                self.cart_page += step
            else:
                self.page = min(max(self.page + step, 0), self.pages - 1)
        elif act == A.CHECKOUT:
            if self.cart.is_empty:
                return []
            self.order_uid = self.new_uid()
        elif act == A.CONFIRM:
            if self.placing or self.cart.is_empty or self.order_uid is None:
                return []
            self.placing = True
            self.message = None
            effects.append(PlaceOrder(Order.from_cart(self.order_uid, self.cart, self.catalog)))
        elif act == A.ORDER_STORED:
            self.receipt = Receipt(arg or "?", self.cart.total_cents, self.cart.count)
            self.cart, self.placing, self.order_uid = Cart(), False, None
        elif act == A.ORDER_FAILED:
            self.placing = False
            self.message = "Could not save the order. Please try again."
        elif act in (A.TIMEOUT, A.DONE):
            self._reset()
        elif act == A.BACK and self.screen == S.CONFIRM:
            self.order_uid = None
        self.cart_page = min(max(self.cart_page, 0), self.cart_pages - 1)  # removing lines can empty a page
        self._go(nxt, now)
        return effects

    def tick(self, now: float, hand_present: bool) -> list[PlaceOrder]:
        """Advance time to `now` (s): start on a held hand, run the inactivity and receipt timers."""
        self._now = now
        if hand_present:
            self._activity = now
            if self._hand_since is None:
                self._hand_since = now
        else:
            self._hand_since = None
        if self.screen == S.ATTRACT:
            if self._hand_since is not None and now - self._hand_since >= self.timings.start_hold:
                return self.handle(Intent(A.START), now)
        elif self.screen == S.RECEIPT:
            if now - self._entered >= self.timings.receipt_seconds:
                return self.handle(Intent(A.TIMEOUT), now)
        elif not self.placing and now - self._activity >= self.timings.inactivity_reset:
            return self.handle(Intent(A.TIMEOUT), now)
        return []

    def view(self) -> View:
        warning_left = None
        if self.screen in (S.SHOPPING, S.CART, S.CONFIRM) and not self.placing:
            idle = self._now - self._activity
            if idle >= self.timings.inactivity_warn:
                warning_left = max(0.0, self.timings.inactivity_reset - idle)
        return View(self.screen, self.cart, self.page, self.placing, self.receipt, warning_left, self.message,
                    self.cart_page)

    def _go(self, screen: Screen, now: float) -> None:
        if screen != self.screen:
            self.screen, self._entered = screen, now
            if screen != S.CONFIRM:
                self.message = None

    def _reset(self) -> None:
        self.cart, self.page, self.cart_page, self.placing, self.order_uid, self.message = Cart(), 0, 0, False, None, None
        self._hand_since = None

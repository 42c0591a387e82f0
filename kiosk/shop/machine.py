"""The kiosk's screens and cart as one explicit state machine. Pure: time is an argument.

Screens never create screens: a click on a target (or a held gesture, or a dwell)
becomes an `Intent`, and `TRANSITIONS` (plain data, printed in the README by
`python main.py transitions`) decides where it leads. An intent that has no row for
the current screen is ignored, so a stale click cannot do anything unexpected. A row
can still refuse an intent whose precondition fails (Checkout with an empty cart, OK
on a quantity keypad with nothing typed): the kiosk then stays where it is and says why.

Paying: Confirm on the order summary opens the payment screen and returns `StartPayment`:
the app asks the card terminal (kiosk/shop/payment.py) to take the amount, and the shopper
pays there. No PIN is ever typed on the kiosk's screen. The app reports the terminal's
answer: PAID places the order (`PlaceOrder`, still on the payment screen, "Saving your
order…") and the kiosk waits for the store's answer, ORDER_STORED (-> RECEIPT) or
ORDER_FAILED: the money is taken, so the kiosk stays on the payment screen and offers Try
again, which stores the same order again (idempotent on its uid) without charging twice.
PAYMENT_FAILED (declined, cancelled, timed out) returns to the summary, cart intact, saying
why. Cancel on the payment screen asks the terminal to stop (`CancelPayment`) and waits for
its answer: a card tapped at that very moment is still a paid order. While a payment is
pending or an order is being stored, the inactivity timeout does not run, and nothing but
those answers (and Cancel) moves the kiosk.

Undo: whenever a cart line disappears (× Remove, − down to 0, a quantity of 0 typed on
the keypad) the cart screen offers Undo for `undo_seconds`, in the removed line's
place; UNDO puts the line back exactly as it was (same quantity, same position). The
offer ends when its time is up, when the cart screen is left, on a timeout, and when
another line is removed (only the last removal can be undone).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from pydantic import Field, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass as settings_dataclass

from kiosk.settings import SETTINGS
from kiosk.shop.cart import MAX_QTY_PER_LINE, Cart, CartLine, Order
from kiosk.shop.catalog import Catalog
from kiosk.i18n import LANGUAGES, N_, tr
from kiosk.shop.payment import Payment, PaymentStatus


class Screen(Enum):
    ATTRACT = "attract"
    PRACTICE = "practice"
    """The first screen of a session: one target that teaches the 👌 click (or hold-still) before anything
    can be bought."""
    SHOPPING = "shopping"
    CART = "cart"
    QUANTITY = "quantity"
    """The keypad, typing a quantity for one cart line."""
    CONFIRM = "confirm"
    PAYING = "paying"
    """Waiting for the card terminal; then for the store."""
    RECEIPT = "receipt"
    OUT_OF_ORDER = "out-of-order"
    """A paid order could not be saved STORE_ATTEMPTS times in a row: the kiosk sells nothing more, shows
    the shopper a reference for the staff, and the app exits non-zero after OUT_OF_ORDER_SECONDS."""


KEYPAD_SCREENS = (Screen.QUANTITY,)


class Act(Enum):
    START = "start"
    PRACTICE = "practice"
    """The practice target: the shopper has made a click, shopping begins."""
    HOLD_MODE = "hold-still"
    """Select by holding still (dwell) for the rest of this session, for people who cannot make the 👌."""
    ADD = "add"
    INC = "inc"
    DEC = "dec"
    REMOVE = "remove"
    QTY = "qty"
    """Open the keypad for a cart line's quantity (arg: item id)."""
    OPEN_CART = "cart"
    BACK = "back"
    CHECKOUT = "checkout"
    CONFIRM = "confirm"
    DONE = "done"
    PAGE_PREV = "page-prev"
    PAGE_NEXT = "page-next"
    SCROLL = "scroll"
    """Move the list by whole rows (arg: signed int, e.g. "2" or "-1"); from the grab gesture."""
    DIGIT = "key"
    """A keypad key (arg: "0".."9")."""
    ERASE = "erase"
    """Erase the keypad's last digit."""
    ENTER = "enter"
    """The keypad's OK."""
    UNDO = "undo"
    """Put back the cart line removed last, while the cart screen offers it."""
    PAID = "paid"
    """The terminal approved the payment (from the app)."""
    PAYMENT_FAILED = "payment-failed"
    """The terminal declined, cancelled or timed out (arg: the PaymentStatus value; from the app)."""
    RETRY = "retry"
    """Store the paid order again after the store failed."""
    ORDER_STORED = "order-stored"
    ORDER_FAILED = "order-failed"
    OUT_OF_ORDER = "out-of-order"
    """The store keeps failing (the machine's own step after STORE_ATTEMPTS failures in a row)."""
    TIMEOUT = "timeout"
    LANGUAGE = "lang"
    """Speak another language for the rest of the session (arg: its code, e.g. "de")."""
    MORE_TIME = "more-time"
    """The inactivity warning's "More time" button (any movement does the same)."""


STORE_ATTEMPTS = 3
"""Saves of a paid order that may fail in a row before the kiosk is out of order."""
OUT_OF_ORDER_SECONDS = 60.0
"""How long the out-of-order screen shows before the app exits non-zero for its supervisor (kiosk/app.py)."""


def reference(order_uid: str) -> str:
    """The paid order's reference the out-of-order screen shows the staff: the first 8 characters of its
    uid, upper case (the uid is in the journal, the --events log and, once saved, the orders)."""
    return order_uid[:8].upper()


@dataclass(frozen=True)
class Intent:
    act: Act
    arg: str | None = None
    detail: str | None = None
    """ORDER_STORED: the receipt as text (what its QR code holds), made where the order was stored."""


S, A = Screen, Act
TRANSITIONS: dict[tuple[Screen, Act], Screen] = {
    (S.ATTRACT, A.START): S.PRACTICE,  # straight to SHOPPING when the practice is off ([ui] practice)
    (S.PRACTICE, A.PRACTICE): S.SHOPPING,
    (S.PRACTICE, A.HOLD_MODE): S.PRACTICE,
    (S.SHOPPING, A.ADD): S.SHOPPING,
    (S.SHOPPING, A.PAGE_PREV): S.SHOPPING,
    (S.SHOPPING, A.PAGE_NEXT): S.SHOPPING,
    (S.SHOPPING, A.SCROLL): S.SHOPPING,
    (S.SHOPPING, A.OPEN_CART): S.CART,
    (S.SHOPPING, A.CHECKOUT): S.CONFIRM,
    (S.CART, A.INC): S.CART,
    (S.CART, A.DEC): S.CART,
    (S.CART, A.REMOVE): S.CART,
    (S.CART, A.PAGE_PREV): S.CART,
    (S.CART, A.PAGE_NEXT): S.CART,
    (S.CART, A.SCROLL): S.CART,
    (S.CART, A.UNDO): S.CART,
    (S.CART, A.QTY): S.QUANTITY,
    (S.CART, A.BACK): S.SHOPPING,
    (S.CART, A.CHECKOUT): S.CONFIRM,
    (S.QUANTITY, A.DIGIT): S.QUANTITY,
    (S.QUANTITY, A.ERASE): S.QUANTITY,
    (S.QUANTITY, A.ENTER): S.CART,  # sets the quantity (0 removes the line)
    (S.QUANTITY, A.BACK): S.CART,  # cancel: the quantity stays as it was
    (S.CONFIRM, A.BACK): S.CART,
    (S.CONFIRM, A.CONFIRM): S.PAYING,  # starts the payment on the terminal
    (S.PAYING, A.BACK): S.PAYING,  # asks the terminal to cancel; its answer decides
    (S.PAYING, A.PAID): S.PAYING,  # places the order and waits for the store
    (S.PAYING, A.PAYMENT_FAILED): S.CONFIRM,
    (S.PAYING, A.ORDER_STORED): S.RECEIPT,
    (S.PAYING, A.ORDER_FAILED): S.PAYING,  # paid: the order is owed, Try again stores it
    (S.PAYING, A.RETRY): S.PAYING,
    (S.PAYING, A.OUT_OF_ORDER): S.OUT_OF_ORDER,  # the store failed STORE_ATTEMPTS times in a row: nothing leads out
    (S.RECEIPT, A.DONE): S.ATTRACT,
    (S.PRACTICE, A.TIMEOUT): S.ATTRACT,
    (S.PRACTICE, A.MORE_TIME): S.PRACTICE,
    (S.ATTRACT, A.LANGUAGE): S.ATTRACT,
    (S.PRACTICE, A.LANGUAGE): S.PRACTICE,
    (S.SHOPPING, A.LANGUAGE): S.SHOPPING,  # the warning's button: activity, so the countdown stops
    (S.SHOPPING, A.MORE_TIME): S.SHOPPING,
    (S.CART, A.MORE_TIME): S.CART,
    (S.QUANTITY, A.MORE_TIME): S.QUANTITY,
    (S.CONFIRM, A.MORE_TIME): S.CONFIRM,
    (S.SHOPPING, A.TIMEOUT): S.ATTRACT,
    (S.CART, A.TIMEOUT): S.ATTRACT,
    (S.QUANTITY, A.TIMEOUT): S.ATTRACT,
    (S.CONFIRM, A.TIMEOUT): S.ATTRACT,
    (S.RECEIPT, A.TIMEOUT): S.ATTRACT,
}
"""(screen, act) -> next screen. Anything not listed is ignored."""

TARGET_ACTS = {a.value: a for a in (A.START, A.PRACTICE, A.HOLD_MODE, A.ADD, A.INC, A.DEC, A.REMOVE, A.QTY, A.OPEN_CART, A.BACK,
                                    A.CHECKOUT, A.CONFIRM, A.DONE, A.PAGE_PREV, A.PAGE_NEXT, A.DIGIT,
                                    A.ERASE, A.ENTER, A.UNDO, A.RETRY, A.MORE_TIME, A.LANGUAGE)}
"""Acts a click target can ask for (SCROLL comes from the grab gesture, the rest from the app)."""

QTY_DIGITS = len(str(MAX_QTY_PER_LINE))


def intent_for_target(target_id: str | None) -> Intent | None:
    """'add:apple' -> Intent(ADD, 'apple'); 'checkout' -> Intent(CHECKOUT); 'key:7' -> Intent(DIGIT, '7'); unknown -> None."""
    if not target_id:
        return None
    name, _, arg = target_id.partition(":")
    act = TARGET_ACTS.get(name)
    if act is A.DIGIT and not (len(arg) == 1 and arg.isdigit()):
        return None
    if act is A.LANGUAGE and arg not in LANGUAGES:
        return None
    return Intent(act, arg or None) if act else None


WARNING_MIN = 20.0
"""Seconds the inactivity warning counts down at least before the cart is cleared (WCAG 2.2.1)."""


@settings_dataclass(frozen=True, config=SETTINGS)
class KioskTimings:
    """Seconds."""

    start_hold: float = Field(0.5, ge=0)
    """A hand in view this long on the attract screen starts a session."""
    inactivity_warn: float = Field(30.0, gt=0)
    """No hand movement and no click this long: the 'are you still there?' countdown appears."""
    inactivity_reset: float = Field(55.0, gt=0)
    """No hand movement and no click this long: the cart is cleared and the attract screen returns. At least
    WARNING_MIN after inactivity_warn (WCAG 2.2.1: time to notice the warning and ask for more)."""
    receipt_seconds: float = Field(20.0, gt=0)
    """The receipt stays this long without a hand in view (time to scan its code), then the attract screen."""
    toast_seconds: float = Field(2.0, gt=0, le=30)
    """A note such as "Added: Apple ×1" shows this long."""
    undo_seconds: float = Field(5.0, gt=0, le=60)
    """After a cart line is removed, the cart screen offers Undo this long."""

    @field_validator("inactivity_reset")
    @classmethod
    def _after_warn(cls, reset: float, info: ValidationInfo) -> float:
        if "inactivity_warn" in info.data and reset - info.data["inactivity_warn"] < WARNING_MIN:
            raise ValueError(f"must be at least {WARNING_MIN:g} s longer than inactivity_warn "
                             f"({info.data['inactivity_warn']}): the warning must leave time to answer it")
        return reset


@dataclass(frozen=True)
class PlaceOrder:
    """Effect: store this order, then report ORDER_STORED (arg = order number) or ORDER_FAILED."""

    order: Order


@dataclass(frozen=True)
class StartPayment:
    """Effect: ask the card terminal to take this payment, then report PAID or PAYMENT_FAILED."""

    payment: Payment


@dataclass(frozen=True)
class CancelPayment:
    """Effect: ask the card terminal to stop the pending payment (it then answers, see StartPayment)."""


Effect = PlaceOrder | StartPayment | CancelPayment

PAYMENT_MESSAGES = {  # marked for extraction here, translated where shown (Kiosk._t)
    PaymentStatus.DECLINED.value: N_("The card was declined. Nothing was paid."),
    PaymentStatus.CANCELLED.value: N_("Payment cancelled. Nothing was paid."),
    PaymentStatus.TIMED_OUT.value: N_("No card reached the terminal in time. Nothing was paid."),
}
"""What the summary says when a payment did not go through (by PaymentStatus value)."""


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty: int
    total_cents: int


@dataclass(frozen=True)
class Receipt:
    number: str
    total_cents: int
    count: int
    lines: tuple[ReceiptLine, ...] = ()
    text: str = ""
    """The receipt as text, for the QR code ("" : no code shown)."""


@dataclass(frozen=True)
class Toast:
    """A short note for the shopper. serial changes with every new toast, even one with the same text."""

    text: str
    serial: int
    target: str | None = None
    """The target it is about ("add:apple"): the layout shows it there, where the shopper looks."""


@dataclass(frozen=True)
class Added:
    """The item added last and when (s): its picture flies to the cart and the cart's count bounces."""

    item_id: str
    since: float


@dataclass(frozen=True)
class Paging:
    """How many entries one page of each list shows at the screen's size (the layout works it out)."""

    page_size: int = 6
    """Catalog items one page of the shopping screen shows."""
    columns: int = 1
    """Catalog items in one row of the shopping grid: a scroll moves whole rows."""
    cart_rows: int | None = None
    """Cart lines one page of the cart screen shows; None: page_size."""


@dataclass(frozen=True)
class UndoOffer:
    """A removed cart line that Undo can put back."""

    line: CartLine
    """The line as it was (item and quantity)."""
    index: int
    """Where it was in the cart; the cart screen shows the offer in that row."""
    since: float
    until: float
    """When the offer appeared and when it ends, s."""
    cart_first: int = 0
    """The cart list's first shown row at the removal, restored with the line."""


@dataclass(frozen=True)
class View:
    """A snapshot of everything the layout and the renderer need."""

    screen: Screen
    cart: Cart
    first: int
    """Index of the first catalog item shown on the shopping screen."""
    placing: bool
    receipt: Receipt | None
    warning_left: int | None
    """Whole seconds (rounded up) until the inactivity reset while the warning shows, else None."""
    message: str | None
    cart_first: int = 0
    """Index of the first cart line shown on the cart screen."""
    entry: str = ""
    """Digits typed on the quantity keypad."""
    entry_item: str | None = None
    """Item id whose quantity the keypad sets (QUANTITY screen)."""
    toast: Toast | None = None
    undo: UndoOffer | None = None
    """The Undo offer the cart screen shows, else None."""
    paid: bool = False
    """The terminal approved the payment; the order is being stored (placing) or owed (not placing)."""
    cancelling: bool = False
    """Cancel was asked of the terminal; its answer is awaited."""
    hold_to_select: bool = False
    """The shopper chose to select by holding still (on the practice screen) for this session."""
    language: str = "en"
    """The session's language (a kiosk.i18n.LANGUAGES code)."""
    added: Added | None = None
    reference: str | None = None
    """OUT_OF_ORDER: the paid order's reference for the staff (see `reference`)."""


class Kiosk:
    """The state machine. Feed it intents and ticks with `now` in seconds; read `view()`."""

    def __init__(self, catalog: Catalog, timings: KioskTimings, new_uid: Callable[[], str], page_size: int = 6,
                 columns: int = 1, cart_rows: int | None = None, practice: bool = True, language: str = "en"):
        """page_size, columns, cart_rows: see `Paging`. practice: START opens the practice screen (else shopping).
        language: the kiosk's default language; each session starts in it."""
        self.catalog = catalog
        self.timings = timings
        self.new_uid = new_uid
        self.columns = max(1, columns)
        self.page_size = max(self.columns, page_size)
        self.cart_rows = max(1, cart_rows if cart_rows is not None else page_size)
        self.practice = practice
        self.default_language = self.language = language
        self.hold_to_select = False
        self._added: Added | None = None
        self.screen = Screen.ATTRACT
        self.cart = Cart()
        self.first = 0
        self.cart_first = 0
        self.order_uid: str | None = None
        self.placing = False
        self.paid = False
        self.cancelling = False
        self.failed_saves = 0
        """Saves of the paid order that failed in a row (STORE_ATTEMPTS of them: out of order)."""
        self.receipt: Receipt | None = None
        self.message: str | None = None
        self.entry = ""
        self.entry_item: str | None = None
        self._toast: tuple[Toast, float] | None = None  # and when it ends, s
        self._toasts = 0
        self._undo: UndoOffer | None = None
        self._entered = 0.0
        self._activity = 0.0
        self._hand_since: float | None = None
        self._hand_seen = 0.0  # when a hand was last in view
        self._now = 0.0

    def _max_first(self, rows: int) -> int:
        """The cart list's last useful first row."""
        return max(0, rows - self.cart_rows)

    def _max_first_item(self) -> int:
        """The shopping grid's last useful first item: the start of a grid row, with the last page full."""
        n, cols = len(self.catalog.items), self.columns
        return max(0, (-(-n // cols) - self.page_size // cols) * cols)

    def _cart_rows(self) -> int:
        """Rows of the cart list: its lines, and the Undo offer in the removed line's place."""
        return len(self.cart.lines) + (self._undo is not None)

    def start_progress(self, now: float) -> float | None:
        """0..1 of the hand hold that starts a session, on the attract screen while a hand is in view."""
        if self.screen is not S.ATTRACT or self._hand_since is None:
            return None
        if self.timings.start_hold <= 0:
            return 1.0
        return min(1.0, max(0.0, (now - self._hand_since) / self.timings.start_hold))

    def accepts(self, act: Act) -> bool:
        """Whether the current screen has a row for `act` (a gesture is only offered where it does something)."""
        return (self.screen, act) in TRANSITIONS

    @property
    def paying(self) -> bool:
        """A payment is pending on the terminal (its answer is awaited)."""
        return self.screen is S.PAYING and not self.paid

    def handle(self, intent: Intent, now: float) -> list[Effect]:
        """Apply one intent at time `now` (s). Returns the effects the app must carry out."""
        self._now = now
        nxt = TRANSITIONS.get((self.screen, intent.act))
        if nxt is None:
            return []
        if self.placing and intent.act not in (A.ORDER_STORED, A.ORDER_FAILED):
            return []  # while the order is being stored, only its outcome may move the kiosk
        if self.screen is S.PAYING and self.paid and intent.act in (A.BACK, A.PAID, A.PAYMENT_FAILED):
            return []  # paid: nothing can cancel it now, and the terminal has said its last word
        if self.screen is S.PAYING and not self.paid and intent.act is A.RETRY:
            return []
        self._activity = now
        effects: list[Effect] = []
        act, arg = intent.act, intent.arg
        before, first_before = self.cart, self.cart_first
        item = self.catalog.get(arg) if arg else None
        message: str | None = None
        if act in (A.ADD, A.INC) and item:
            self.cart = self.cart.add(item)
            if act is A.ADD:
                self._show(self._t("Added: {name} ×{qty}", name=item.label(self.language), qty=self.cart.qty(item.id)),
                           now, f"add:{item.id}")
                self._added = Added(item.id, now)
        elif act == A.DEC and item:
            self.cart = self.cart.set_qty(item, self.cart.qty(item.id) - 1)
        elif act == A.REMOVE and arg:
            if item and self.cart.qty(item.id):
                self._show(self._t("Removed: {name}", name=item.label(self.language)), now)
            self.cart = self.cart.remove(arg)
        elif act == A.QTY:
            if not (item and self.cart.qty(item.id)):
                return []
            self.entry, self.entry_item = "", item.id
        elif act in (A.PAGE_NEXT, A.PAGE_PREV, A.SCROLL):
            if act == A.SCROLL:
                try:
                    step = int(arg or "0")
                except ValueError:
                    return []
            if self.screen == S.CART:
                self.cart_first += step if act == A.SCROLL else self.cart_rows * (1 if act == A.PAGE_NEXT else -1)
            else:
                step = step * self.columns if act == A.SCROLL else self.page_size * (1 if act == A.PAGE_NEXT else -1)
                self.first = min(max(self.first + step, 0), self._max_first_item())
        elif act == A.DIGIT:
            if not (arg and len(arg) == 1 and arg.isdigit()):
                return []
            if len(self.entry) >= QTY_DIGITS:
                message = self._t("{n} digits at most", n=QTY_DIGITS)
            else:
                self.entry += arg
        elif act == A.ERASE:
            if self.entry:
                self.entry = self.entry[:-1]
            else:
                message = self._t("Nothing to erase")
        elif act == A.ENTER:
            if not self.entry:
                self.message = self._t("Type a quantity first")
                return []
            line_item = self.catalog.get(self.entry_item or "")
            if line_item is not None:
                qty = int(self.entry)
                self.cart = self.cart.set_qty(line_item, qty)
                if qty > 0:
                    self._show(self._t("{name} ×{qty}", name=line_item.label(self.language),
                                       qty=min(qty, MAX_QTY_PER_LINE)), now, f"qty:{line_item.id}")
                else:
                    self._show(self._t("Removed: {name}", name=line_item.label(self.language)), now)
        elif act == A.CHECKOUT:
            if self.cart.is_empty:
                return []
            self.order_uid = self.new_uid()
        elif act == A.CONFIRM:
            if self.cart.is_empty or self.order_uid is None:
                return []
            self.paid = self.cancelling = False
            effects.append(StartPayment(Payment(self.order_uid, self.cart.total_cents, self.catalog.currency)))
        elif act == A.BACK and self.screen is S.PAYING:
            if self.cancelling:
                return []
            self.cancelling = True
            effects.append(CancelPayment())
        elif act in (A.PAID, A.RETRY):
            if self.cart.is_empty or self.order_uid is None:
                return []
            self.paid, self.cancelling, self.placing = True, False, True
            effects.append(PlaceOrder(Order.from_cart(self.order_uid, self.cart, self.catalog)))
        elif act == A.PAYMENT_FAILED:
            self.cancelling = False
            message = self._t(PAYMENT_MESSAGES.get(arg or "", PAYMENT_MESSAGES[PaymentStatus.DECLINED.value]))
        elif act == A.ORDER_STORED:
            self.receipt = Receipt(arg or "?", self.cart.total_cents, self.cart.count, tuple(
                ReceiptLine(line.item.name, line.qty, line.total_cents) for line in self.cart.lines),
                intent.detail or "")
            self.cart, self.placing, self.paid, self.order_uid = Cart(), False, False, None
            self.failed_saves = 0
        elif act == A.ORDER_FAILED:
            self.placing = False
            self.failed_saves += 1
            if self.failed_saves >= STORE_ATTEMPTS:
                return self.handle(Intent(A.OUT_OF_ORDER), now)
            message = self._t("Paid, not saved yet: please try again")
        elif act == A.UNDO:
            offer = self._undo
            if offer is None or now >= offer.until or self.cart.qty(offer.line.item.id):
                return []  # a stale click: nothing to put back
            lines = list(self.cart.lines)
            lines.insert(min(offer.index, len(lines)), offer.line)
            self.cart, self._undo = Cart(tuple(lines)), None
            self.cart_first = offer.cart_first
            self._show(self._t("Back in the cart: {name} ×{qty}", name=offer.line.item.label(self.language),
                               qty=offer.line.qty), now, f"qty:{offer.line.item.id}")
        elif act == A.HOLD_MODE:
            self.hold_to_select = True
        elif act == A.LANGUAGE:
            if arg not in LANGUAGES:
                return []
            self.language = arg
        elif act == A.START and not self.practice:
            nxt = S.SHOPPING
        elif act in (A.TIMEOUT, A.DONE):
            self._reset()
        elif act == A.BACK and self.screen == S.CONFIRM:
            self.order_uid = None
        self._go(nxt, now)
        if act in (A.REMOVE, A.DEC, A.ENTER) and nxt is S.CART:
            gone = [(n, line) for n, line in enumerate(before.lines) if not self.cart.qty(line.item.id)]
            if gone:  # a line disappeared: offer to put it back
                n, line = gone[-1]
                self._undo = UndoOffer(line, n, now, now + self.timings.undo_seconds, first_before)
        # removing lines can leave the cart list scrolled past its end
        self.cart_first = min(max(self.cart_first, 0), self._max_first(self._cart_rows()))
        self.message = message
        return effects

    def tick(self, now: float, hand_present: bool, active: bool | None = None) -> list[Effect]:
        """Advance time to `now` (s): start on a held hand, run the inactivity and receipt timers.

        active: the shopper did something this frame (the hand moved); defaults to
        hand_present. Only activity holds off the inactivity countdown, so a hand left
        still in view does not keep a session open forever.
        """
        self._now = now
        if self._undo is not None and now >= self._undo.until:
            self._undo = None  # the offer ran out: the row closes
            self.cart_first = min(self.cart_first, self._max_first(self._cart_rows()))
        if hand_present if active is None else active:
            self._activity = now
        if hand_present:
            self._hand_seen = now
            if self._hand_since is None:
                self._hand_since = now
        else:
            self._hand_since = None
        if self.screen == S.ATTRACT:
            if self._hand_since is not None and now - self._hand_since >= self.timings.start_hold:
                return self.handle(Intent(A.START), now)
        elif self.screen == S.RECEIPT:  # it stays while a hand is in view (the shopper scans the code)
            if now - max(self._entered, self._hand_seen) >= self.timings.receipt_seconds:
                return self.handle(Intent(A.TIMEOUT), now)
        elif self.screen not in (S.PAYING, S.OUT_OF_ORDER) and now - self._activity >= self.timings.inactivity_reset:
            return self.handle(Intent(A.TIMEOUT), now)
        return []

    def restore(self, cart: Cart, now: float) -> None:
        """Resume a journaled cart after a restart: the cart screen, activity now, nothing being paid."""
        if cart.is_empty:
            return
        self.cart, self.placing, self.paid, self.cancelling, self.order_uid = cart, False, False, False, None
        self._activity = now
        self._go(S.CART, now)

    def view(self) -> View:
        warning_left = None
        if self.screen not in (S.ATTRACT, S.RECEIPT, S.PAYING, S.OUT_OF_ORDER):
            idle = self._now - self._activity
            if idle >= self.timings.inactivity_warn:
                warning_left = max(0, math.ceil(self.timings.inactivity_reset - idle - 1e-9))
        toast = None
        if self._toast is not None and self._now < self._toast[1]:
            toast = self._toast[0]
        entry_item = self.entry_item if self.screen == S.QUANTITY else None
        undo = self._undo if self.screen == S.CART and self._undo and self._now < self._undo.until else None
        added = self._added if self.screen is S.SHOPPING else None
        return View(self.screen, self.cart, self.first, self.placing, self.receipt, warning_left, self.message,
                    self.cart_first, self.entry, entry_item, toast, undo, self.paid, self.cancelling,
                    self.hold_to_select, self.language, added,
                    reference(self.order_uid) if self.screen is S.OUT_OF_ORDER and self.order_uid else None)

    def _t(self, message: str, **fields) -> str:
        return tr(self.language).text(message, **fields)

    def _show(self, text: str, now: float, target: str | None = None) -> None:
        self._toasts += 1
        self._toast = (Toast(text, self._toasts, target), now + self.timings.toast_seconds)

    def _go(self, screen: Screen, now: float) -> None:
        if screen != self.screen:
            self.screen, self._entered = screen, now
            self.entry = ""  # a keypad starts empty
            if screen != S.QUANTITY:
                self.entry_item = None
            self._undo = None  # an Undo offer lasts only while its cart screen shows

    def _reset(self) -> None:
        self.cart, self.first, self.cart_first, self.placing, self.order_uid = Cart(), 0, 0, False, None
        self.paid = self.cancelling = False
        self.failed_saves = 0
        self.entry, self.entry_item, self._toast, self._undo = "", None, None, None
        self._hand_since, self.hold_to_select, self._added = None, False, None
        self.language = self.default_language  # the next shopper starts in the kiosk's language

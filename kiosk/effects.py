"""Effects: what the kiosk does to the world. The session decides; this module carries it out.

The card terminal (a payment is started, polled, cancelled), the order store (an order is
saved, or the failure is reported back), the cart journal (a crash loses no cart), the
sounds and the --events log. All of it runs on the UI thread,
called by the interaction session (kiosk/interaction/session.py); none of it decides
anything about the shopper's flow.
"""
from __future__ import annotations

from datetime import datetime, timezone

from kiosk.errors import KioskError
from kiosk.events import EventLog
from kiosk.shop.cart import Cart, Order
from kiosk.shop.catalog import Catalog
from kiosk.shop.machine import Act, Intent, Screen
from kiosk.shop.payment import Payment, PaymentStatus, PaymentTerminal
from kiosk.i18n import tr
from kiosk.shop.receipt import receipt_text
from kiosk.speech import NoSpeaker, Speaker
from kiosk.store.journal import CartJournal
from kiosk.store.orders import OrderStore
from kiosk.ui.sounds import Sounds


class Effects:
    def __init__(self, store: OrderStore, journal: CartJournal | None, events: EventLog, sounds: Sounds,
                 catalog: Catalog, terminal: PaymentTerminal, shop_name: str = "Touchless checkout",
                 speaker: Speaker | None = None):
        self.store, self.journal, self.events, self.sounds, self.catalog = store, journal, events, sounds, catalog
        self.terminal, self.shop_name = terminal, shop_name
        self.speaker = speaker if speaker is not None else NoSpeaker()

    def say(self, text: str) -> None:
        """Speak a line (returns at once; a newer line replaces it)."""
        self.speaker.say(text)

    def start_payment(self, payment: Payment, t: float, i: int) -> None:
        self.terminal.start(payment, t)
        self.log("payment", t, i, status="started", uid=payment.uid, total_cents=payment.amount_cents)

    def cancel_payment(self, t: float, i: int) -> None:
        self.terminal.cancel(t)
        self.log("payment", t, i, status="cancel asked")

    def payment_answer(self, t: float, i: int) -> Intent | None:
        """The terminal's answer, once it has one: PAID or PAYMENT_FAILED (arg: why); None while pending."""
        status = self.terminal.poll(t)
        if status is PaymentStatus.PENDING:
            return None
        self.log("payment", t, i, status=status.value)
        return Intent(Act.PAID) if status is PaymentStatus.APPROVED else Intent(Act.PAYMENT_FAILED, status.value)

    def log(self, kind: str, t: float, i: int, **fields) -> None:
        """One line of the --events log (t: the frame's time, s; i: its index)."""
        self.events.emit(kind, t, i, **fields)

    def sound(self, name: str) -> None:
        self.sounds.play(name)

    def place(self, order: Order, t: float, i: int, language: str = "en") -> Intent:
        """Store the order; -> the intent that reports the outcome to the state machine (with the receipt's
        text, in the session's language)."""
        try:
            stored = self.store.save(order, datetime.now(timezone.utc))
        except KioskError as e:
            self.log("error", t, i, message=str(e))
            return Intent(Act.ORDER_FAILED)
        self.log("order", t, i, id=stored.id, number=stored.number, uid=stored.uid,
                 total_cents=stored.total_cents, total=self.catalog.format(stored.total_cents))
        names = [(self._label(line.item_id, line.name, language), line.qty, line.total_cents) for line in stored.lines]
        text = receipt_text(tr(language), self.shop_name, stored.number, stored.created_at, names,
                            stored.total_cents, stored.currency)
        return Intent(Act.ORDER_STORED, stored.number, text)

    def _label(self, item_id: str, name: str, language: str) -> str:
        item = self.catalog.get(item_id)
        return item.label(language) if item is not None else name

    def journal_cart(self, cart: Cart, screen: Screen, order_uid: str | None, t: float, i: int) -> None:
        """Write the cart to the journal when it changed (one small SQLite transaction, not per frame)."""
        if self.journal is None:
            return
        try:
            self.journal.sync(cart, screen.value, order_uid, datetime.now(timezone.utc))
        except KioskError as e:  # the kiosk goes on; the order store reports its own failures
            self.log("error", t, i, message=str(e))

    def screen_changed(self, before: Screen, after: Screen, t: float, i: int) -> None:
        """The sound of a new screen (a session starting, a receipt) and its line in the log."""
        if after is Screen.RECEIPT:
            self.sound("success")
        elif before is Screen.ATTRACT:
            self.sound("start")
        self.log("state", t, i, **{"from": before.value, "to": after.value})

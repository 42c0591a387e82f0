"""Effects: what the kiosk does to the world. The session decides; this module carries it out.

The card terminal (a payment is started, polled, cancelled), the order store (an order is
saved, or the failure is reported back), the cart journal (a crash loses no cart), the
sounds and the --events log. All of it is called on the UI thread by the interaction
session (kiosk/interaction/session.py), and none of it waits: the terminal is polled, and
the store and the journal are written by the StoreWriter (kiosk/store/writer.py), whose
answers are polled too. None of it decides anything about the shopper's flow.
"""
from __future__ import annotations

from kiosk.errors import KioskError
from kiosk.events import EventLog
from kiosk.shop.cart import Cart, Order
from kiosk.shop.catalog import Catalog
from kiosk.shop.machine import Act, Intent, Screen
from kiosk.shop.payment import Payment, PaymentStatus, PaymentTerminal
from kiosk.i18n import tr
from kiosk.shop.receipt import receipt_text
from kiosk.speech import NoSpeaker, Speaker
from kiosk.store.writer import StoreWriter
from kiosk.ui.sounds import Sounds


class Effects:
    def __init__(self, writer: StoreWriter, events: EventLog, sounds: Sounds,
                 catalog: Catalog, terminal: PaymentTerminal, shop_name: str = "Touchless checkout",
                 speaker: Speaker | None = None):
        self.writer, self.events, self.sounds, self.catalog = writer, events, sounds, catalog
        self.terminal, self.shop_name = terminal, shop_name
        self.speaker = speaker if speaker is not None else NoSpeaker()
        self.last_store_error: str | None = None
        """The store's last failure, one line (the out-of-order exit names it)."""

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

    def place(self, order: Order, t: float, i: int) -> None:
        """Hand the order to the store writer; its outcome comes from `order_answer`."""
        self.writer.save(order)

    def order_answer(self, uid: str, t: float, i: int, language: str = "en") -> Intent | None:
        """The store's answer for order `uid`, once it has one: ORDER_STORED (with the receipt's text, in the
        session's language) or ORDER_FAILED (arg: the one-line reason); None while it is being saved."""
        stored = self.writer.answer(uid)
        if stored is None:
            return None
        if isinstance(stored, KioskError):
            self.last_store_error = str(stored)
            self.log("error", t, i, message=str(stored))
            return Intent(Act.ORDER_FAILED, str(stored))
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
        """Hand the cart's state to the journal (written when it changed; never waits), and log the
        journal's failures: the kiosk goes on, the order store reports its own."""
        self.writer.journal_cart(cart, screen.value, order_uid)
        for message in self.writer.errors():
            self.log("error", t, i, message=message)

    def screen_changed(self, before: Screen, after: Screen, t: float, i: int) -> None:
        """The sound of a new screen (a session starting, a receipt) and its line in the log."""
        if after is Screen.RECEIPT:
            self.sound("success")
        elif before is Screen.ATTRACT:
            self.sound("start")
        self.log("state", t, i, **{"from": before.value, "to": after.value})

"""Card payment through a terminal: the port the kiosk pays through, and a simulated terminal. Pure.

The kiosk never asks for a PIN: the shopper pays on the card terminal beside it. The session
starts a payment for the order's amount and its checkout uid (`start`), asks each frame how it
stands (`poll`, which never blocks: a real terminal's driver talks to the device on its own
thread and answers from what it last heard), and may cancel it while it is pending. The
terminal answers PENDING until the shopper has tapped or inserted a card, then APPROVED,
DECLINED, CANCELLED or TIMED_OUT. Time is an argument (seconds, the frame's clock).

`SimulatedTerminal` is the default adapter: it answers `outcome` after `delay` seconds, so
demos and tests can show every path. The builder (kiosk/bootstrap.py) chooses the adapter
from `[payment]` in the config; nothing else constructs one.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal, Protocol

from pydantic import Field
from pydantic.dataclasses import dataclass as settings_dataclass

from kiosk.settings import SETTINGS


class PaymentStatus(Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed-out"


FINAL = (PaymentStatus.APPROVED, PaymentStatus.DECLINED, PaymentStatus.CANCELLED, PaymentStatus.TIMED_OUT)


@dataclass(frozen=True)
class Payment:
    """A payment asked of the terminal: the checkout's uid (the same uid the order is stored under)."""

    uid: str
    amount_cents: int
    currency: str


class PaymentTerminal(Protocol):
    def start(self, payment: Payment, now: float) -> None:
        """Ask the terminal to take `payment` (a new one replaces any other)."""

    def poll(self, now: float) -> PaymentStatus:
        """How the current payment stands; PENDING while the shopper has not paid. Never blocks."""

    def cancel(self, now: float) -> None:
        """Stop the current payment if it is still pending (it then answers CANCELLED)."""


@settings_dataclass(frozen=True, config=SETTINGS)
class PaymentConfig:
    terminal: Literal["simulated"] = "simulated"
    """The terminal's adapter. Only the simulated one ships; a real terminal's driver plugs in here."""
    simulated_outcome: Literal["approved", "declined", "timed-out"] = "approved"
    """What the simulated terminal answers (to show every path in a demo or a test)."""
    simulated_delay: float = Field(3.0, ge=0.0, le=120.0)
    """Seconds the simulated shopper takes to tap a card."""
    timeout: float = Field(90.0, gt=0.0, le=600.0)
    """Seconds a payment may stay pending before it counts as timed out."""


class SimulatedTerminal:
    """Answers `outcome` `delay` seconds after a payment starts; TIMED_OUT after `timeout` regardless."""

    def __init__(self, outcome: str = "approved", delay: float = 3.0, timeout: float = 90.0):
        self.outcome = PaymentStatus(outcome)
        self.delay, self.timeout = delay, timeout
        self.payment: Payment | None = None
        self.started: list[Payment] = []
        """Every payment asked for, in order (what a test or the log looks at)."""
        self._since = 0.0
        self._cancelled = False

    @classmethod
    def from_config(cls, config: PaymentConfig) -> SimulatedTerminal:
        return cls(config.simulated_outcome, config.simulated_delay, config.timeout)

    def start(self, payment: Payment, now: float) -> None:
        self.payment, self._since, self._cancelled = payment, now, False
        self.started.append(payment)

    def poll(self, now: float) -> PaymentStatus:
        if self.payment is None:
            return PaymentStatus.CANCELLED
        if self._cancelled:
            return PaymentStatus.CANCELLED
        waited = now - self._since
        if waited >= self.timeout:
            return PaymentStatus.TIMED_OUT
        if waited < self.delay:
            return PaymentStatus.PENDING
        return self.outcome

    def cancel(self, now: float) -> None:
        if self.payment is not None and self.poll(now) is PaymentStatus.PENDING:
            self._cancelled = True

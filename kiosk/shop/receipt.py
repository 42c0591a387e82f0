"""The receipt a shopper takes away, as plain text: what the receipt screen's QR code holds. Pure.

A phone's camera reads it as text (no link, nothing leaves the shop): the shop, the order
number, when it was paid, each line and the total, in the catalog's currency.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime


def receipt_text(shop: str, number: str, paid_at: datetime, lines: list[tuple[str, int, int]], total_cents: int,
                 money: Callable[[int], str]) -> str:
    """lines: (name, qty, line total in cents). paid_at: aware UTC. money: cents -> "€1.20"."""
    out = [shop, f"Order {number}", paid_at.strftime("%Y-%m-%d %H:%M UTC")]
    out += [f"{qty} x {name}  {money(cents)}" for name, qty, cents in lines]
    out += [f"Total {money(total_cents)}", "Paid by card"]
    return "\n".join(out)

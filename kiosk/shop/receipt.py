"""The receipt a shopper takes away, as plain text: what the receipt screen's QR code holds. Pure.

A phone's camera reads it as text (no link, nothing leaves the shop): the shop, the order
number, when it was paid, each line and the total, in the session's language and its way of
writing money.
"""
from __future__ import annotations

from datetime import datetime

from kiosk.i18n import Tr


def receipt_text(t: Tr, shop: str, number: str, paid_at: datetime, lines: list[tuple[str, int, int]],
                 total_cents: int, currency: str) -> str:
    """lines: (name, qty, line total in cents). paid_at: aware UTC."""
    _ = t.gettext
    out = [shop, _("Order {number}").format(number=number), paid_at.strftime("%Y-%m-%d %H:%M UTC")]
    out += [_("{qty} x {name}  {total}").format(qty=qty, name=name, total=t.money(cents, currency))
            for name, qty, cents in lines]
    out += [_("Total {total}").format(total=t.money(total_cents, currency)), _("Paid by card")]
    return "\n".join(out)

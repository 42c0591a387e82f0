"""The cart and the order it becomes. Pure: no I/O, money in integer cents.

A `Cart` is immutable: every change returns a new cart, so the state machine
can keep the previous one, tests can compare values, and a half-applied change
cannot exist.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.shop.catalog import Catalog, Item

MAX_QTY_PER_LINE = 99
"""A shopper cannot put more than this many of one item in the cart."""


@dataclass(frozen=True)
class CartLine:
    item: Item
    qty: int

    @property
    def total_cents(self) -> int:
        return self.item.price_cents * self.qty


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...] = ()

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def count(self) -> int:
        """Number of units (not lines) in the cart."""
        return sum(line.qty for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def qty(self, item_id: str) -> int:
        for line in self.lines:
            if line.item.id == item_id:
                return line.qty
        return 0

    def add(self, item: Item, qty: int = 1) -> Cart:
        """Add `qty` of `item`; a new item goes to the end, quantities cap at MAX_QTY_PER_LINE."""
        return self.set_qty(item, self.qty(item.id) + qty)

    def set_qty(self, item: Item, qty: int) -> Cart:
        """Set the quantity of `item`; 0 or less removes the line."""
        qty = min(qty, MAX_QTY_PER_LINE)
        if qty <= 0:
            return self.remove(item.id)
        if self.qty(item.id):
            return Cart(tuple(replace(l, qty=qty) if l.item.id == item.id else l for l in self.lines))
        return Cart(self.lines + (CartLine(item, qty),))

    def remove(self, item_id: str) -> Cart:
        return Cart(tuple(l for l in self.lines if l.item.id != item_id))


@dataclass(frozen=True)
class OrderLine:
    item_id: str
    name: str
    unit_cents: int
    qty: int

    @property
    def total_cents(self) -> int:
        return self.unit_cents * self.qty


@dataclass(frozen=True)
class Order:
    """A confirmed cart, ready to store. `uid` makes storing it idempotent."""

    uid: str
    currency: str
    lines: tuple[OrderLine, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @classmethod
    def from_cart(cls, uid: str, cart: Cart, catalog: Catalog) -> Order:
        return cls(
            uid=uid,
            currency=catalog.currency,
            lines=tuple(OrderLine(l.item.id, l.item.name, l.item.price_cents, l.qty) for l in cart.lines),
        )

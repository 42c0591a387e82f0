"""Tests for kiosk.shop.cart: an immutable cart in integer cents, and the Order it becomes."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.shop.cart import MAX_QTY_PER_LINE, Cart, CartLine, Order, OrderLine
from kiosk.shop.catalog import Catalog, Item, load_catalog

APPLE = Item("apple", "Apple", 45)
MILK = Item("milk", "Milk 1 l", 120)
BREAD = Item("bread", "Bread", 250)
CATALOG = Catalog("EUR", (APPLE, MILK, BREAD))


def ids_qtys(cart: Cart) -> list[tuple[str, int]]:
    return [(line.item.id, line.qty) for line in cart.lines]


def test_empty_cart():
    cart = Cart()
    assert cart.is_empty and cart.lines == ()
    assert cart.total_cents == 0 and cart.count == 0
    assert cart.qty("apple") == 0


def test_add_new_item_appends_a_line():
    cart = Cart().add(APPLE)
    assert ids_qtys(cart) == [("apple", 1)]
    assert not cart.is_empty
    cart = cart.add(MILK, 3)
    assert ids_qtys(cart) == [("apple", 1), ("milk", 3)]


def test_add_existing_item_increases_qty_in_place():
    cart = Cart().add(APPLE).add(MILK).add(BREAD).add(APPLE).add(MILK, 2)
    assert ids_qtys(cart) == [("apple", 2), ("milk", 3), ("bread", 1)]
    assert cart.qty("apple") == 2 and cart.qty("milk") == 3 and cart.qty("bread") == 1


def test_set_qty():
    cart = Cart().add(APPLE).add(MILK).add(BREAD)
    cart = cart.set_qty(MILK, 7)
    assert ids_qtys(cart) == [("apple", 1), ("milk", 7), ("bread", 1)]
    assert ids_qtys(Cart().add(APPLE).set_qty(BREAD, 4)) == [("apple", 1), ("bread", 4)]


@pytest.mark.parametrize("qty", [0, -1, -50])
def test_set_qty_zero_or_less_removes(qty):
    cart = Cart().add(APPLE).add(MILK).add(BREAD).set_qty(MILK, qty)
    assert ids_qtys(cart) == [("apple", 1), ("bread", 1)]
    assert ids_qtys(Cart().add(APPLE).set_qty(MILK, qty)) == [("apple", 1)]


def test_remove():
    cart = Cart().add(APPLE).add(MILK, 2).add(BREAD)
    assert ids_qtys(cart.remove("milk")) == [("apple", 1), ("bread", 1)]
    assert cart.remove("nope") == cart
    assert cart.remove("apple").remove("milk").remove("bread").is_empty


def test_qty_is_capped_per_line():
    assert Cart().add(APPLE, MAX_QTY_PER_LINE + 50).qty("apple") == MAX_QTY_PER_LINE
    assert Cart().set_qty(APPLE, 10_000).qty("apple") == MAX_QTY_PER_LINE
    cart = Cart().set_qty(APPLE, MAX_QTY_PER_LINE)
    assert cart.add(APPLE).qty("apple") == MAX_QTY_PER_LINE
    assert cart.add(MILK).qty("milk") == 1  # the cap is per line
    assert MAX_QTY_PER_LINE == 99


def test_totals_and_count():
    cart = Cart().add(APPLE, 3).add(MILK, 2).add(BREAD)
    assert cart.total_cents == 3 * 45 + 2 * 120 + 250 == 625
    assert cart.count == 6
    assert [line.total_cents for line in cart.lines] == [135, 240, 250]


def test_cart_is_immutable():
    empty = Cart()
    one = empty.add(APPLE)
    two = one.add(APPLE).add(MILK)
    assert empty.is_empty
    assert ids_qtys(one) == [("apple", 1)]
    assert ids_qtys(two) == [("apple", 2), ("milk", 1)]
    one.set_qty(APPLE, 5)
    one.remove("apple")
    assert ids_qtys(one) == [("apple", 1)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.lines = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.lines[0].qty = 9  # type: ignore[misc]


def test_carts_compare_by_value():
    assert Cart().add(APPLE).add(MILK) == Cart().add(APPLE).add(MILK)
    assert Cart().add(APPLE).add(MILK) != Cart().add(MILK).add(APPLE)


def test_order_from_cart():
    cart = Cart().add(APPLE, 2).add(BREAD)
    order = Order.from_cart("uid-1", cart, CATALOG)
    assert order.uid == "uid-1"
    assert order.currency == "EUR"
    assert order.lines == (OrderLine("apple", "Apple", 45, 2), OrderLine("bread", "Bread", 250, 1))
    assert order.total_cents == 2 * 45 + 250


def test_order_keeps_names_and_prices_after_catalog_change(tmp_path: Path):
    path = tmp_path / "catalog.toml"
    path.write_text('currency = "EUR"\n[[items]]\nid = "apple"\nname = "Apple"\nprice = "0.45"\n', encoding="utf-8")
    catalog = load_catalog(path)
    order = Order.from_cart("u", Cart().add(catalog.get("apple"), 3), catalog)

    path.write_text('currency = "USD"\n[[items]]\nid = "apple"\nname = "Green apple"\nprice = "0.99"\n',
                    encoding="utf-8")
    changed = load_catalog(path)
    assert changed.get("apple").price_cents == 99  # the catalog did change

    assert order.currency == "EUR"
    assert order.lines == (OrderLine("apple", "Apple", 45, 3),)
    assert order.total_cents == 135
    with pytest.raises(dataclasses.FrozenInstanceError):
        order.lines[0].unit_cents = 1  # type: ignore[misc]


# --- property: the cart behaves like a simple ordered model ---------------------------------------

ITEMS = [Item(f"i{n}", f"Item {n}", price) for n, price in enumerate([1, 45, 99, 120, 999_999, 1_000_000])]

op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, len(ITEMS) - 1), st.integers(1, 150)),
    st.tuples(st.just("set"), st.integers(0, len(ITEMS) - 1), st.integers(-5, 150)),
    st.tuples(st.just("remove"), st.integers(0, len(ITEMS) - 1), st.just(0)),
)


@settings(max_examples=200)
@given(st.lists(op, max_size=40))
def test_cart_matches_model(ops):
    cart = Cart()
    model: dict[str, int] = {}  # insertion-ordered: id -> qty
    prices = {item.id: item.price_cents for item in ITEMS}
    for kind, idx, n in ops:
        item = ITEMS[idx]
        before = cart
        before_lines = before.lines
        if kind == "add":
            cart = cart.add(item, n)
            model[item.id] = min(model.get(item.id, 0) + n, 99)
        elif kind == "set":
            cart = cart.set_qty(item, n)
            if n <= 0:
                model.pop(item.id, None)
            else:
                model[item.id] = min(n, 99)
        else:
            cart = cart.remove(item.id)
            model.pop(item.id, None)
        assert before.lines == before_lines  # the old cart never changes
        assert [(line.item.id, line.qty) for line in cart.lines] == list(model.items())
        assert cart.total_cents == sum(prices[i] * q for i, q in model.items())
        assert cart.count == sum(model.values())
        assert cart.is_empty == (not model)
        assert all(isinstance(line, CartLine) and 1 <= line.qty <= 99 for line in cart.lines)

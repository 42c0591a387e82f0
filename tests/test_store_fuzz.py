"""The orders database, the cart journal and the orders kept aside, as hostile files: property-based.

Whatever bytes the file holds, opening it, listing its orders and loading the journal either work or
give one KioskError line naming the file: never another exception, never a hang.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from kiosk.errors import KioskError
from kiosk.shop.cart import Order, OrderLine
from kiosk.store.journal import CartJournal
from kiosk.store.orders import SQLiteOrderStore

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def valid_database(folder: Path) -> bytes:
    """A database with orders and a journaled cart, checkpointed into one file; its bytes."""
    path = folder / "seed.db"
    if not path.exists():
        with SQLiteOrderStore(path) as store:
            for k in range(40):
                store.save(Order(f"u{k}", "EUR", tuple(OrderLine(f"i{n}", "Item " * 8, 45 + n, 1 + n)
                                                       for n in range(4))), T0)
        with CartJournal(path) as journal:
            journal.save([("apple", 2), ("milk", 1)], "cart", T0)
    return path.read_bytes()


def open_everything(path: Path) -> None:
    """What a kiosk start and `main.py orders` do with the file."""
    with SQLiteOrderStore(path) as store:
        for stored in store.list():
            assert stored.total_cents >= 0
    with CartJournal(path) as journal:
        journal.load()


def only_one_line_errors(path: Path) -> None:
    try:
        open_everything(path)
    except KioskError as e:
        assert str(path) in str(e) and "\n" not in str(e), str(e)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 2 ** 20), st.binary(min_size=1, max_size=64)), min_size=1,
                      max_size=6))
@example(edits=[(3902, b"\x80")])  # found by this test: the schema's text no longer UTF-8 (a UnicodeDecodeError)
def test_a_database_with_bytes_overwritten_opens_or_is_refused_in_one_line(tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("db")
    data = bytearray(valid_database(tmp_path_factory.getbasetemp()))
    for offset, chunk in edits:
        offset %= len(data)
        data[offset:offset + len(chunk)] = chunk
    path = folder / "orders.db"
    path.write_bytes(bytes(data[: len(valid_database(tmp_path_factory.getbasetemp()))]))
    only_one_line_errors(path)


@FUZZ
@given(cut=st.integers(0, 2 ** 20))
def test_a_truncated_database_opens_or_is_refused_in_one_line(tmp_path_factory, cut):
    data = valid_database(tmp_path_factory.getbasetemp())
    path = tmp_path_factory.mktemp("db") / "orders.db"
    path.write_bytes(data[: cut % len(data)])
    only_one_line_errors(path)


VALUES = st.one_of(st.none(), st.integers(-2 ** 63, 2 ** 63 - 1), st.floats(allow_nan=True), st.text(max_size=40),
                   st.binary(max_size=40))


@FUZZ
@given(column=st.sampled_from(["saved_at_utc", "session_uid", "screen", "lines_json", "order_uid"]), value=VALUES,
       total=VALUES)
def test_wrong_values_in_the_rows_are_refused_or_ignored_never_a_traceback(tmp_path_factory, column, value, total):
    """Values of any type in the journal row and an order's total (SQLite's columns take anything)."""
    path = tmp_path_factory.mktemp("db") / "orders.db"
    path.write_bytes(valid_database(tmp_path_factory.getbasetemp()))
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"UPDATE cart_journal SET {column} = ?", (value,))
        conn.execute("UPDATE orders SET total_cents = ? WHERE id = 3", (total,))
    except sqlite3.IntegrityError:  # the schema itself refuses it (NOT NULL): not a file that can exist
        assume(False)
    conn.commit()
    conn.close()
    try:
        open_everything(path)
    except KioskError as e:
        assert "\n" not in str(e)


@FUZZ
@given(text=st.one_of(st.text(max_size=200), st.builds(json.dumps, st.recursive(
    VALUES.filter(lambda v: not isinstance(v, bytes)), lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["uid", "currency", "created_at", "lines", "x"]), inner, max_size=5),
    max_leaves=12))))
def test_a_kept_aside_file_with_anything_in_it_never_stops_the_start(tmp_path_factory, text):
    """A file in <db>.unsaved/ that is not an order stays for a person to look at; the store opens."""
    folder = tmp_path_factory.mktemp("db")
    kept = folder / "orders.db.unsaved"
    kept.mkdir()
    (kept / "x.json").write_text(text)
    with SQLiteOrderStore(folder / "orders.db") as store:
        for stored in store.list():
            assert stored.lines and all(isinstance(line.name, str) for line in stored.lines)

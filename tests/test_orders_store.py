"""Tests for kiosk.store.orders: the SQLite order store, its in-memory fake, CSV and table output."""
from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import stat
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.errors import KioskError
from kiosk.shop.cart import Order, OrderLine
from kiosk.store.orders import (
    SCHEMA_VERSION,
    MemoryOrderStore,
    SQLiteOrderStore,
    StoredOrder,
    cents_to_decimal,
    default_db_path,
    format_orders,
    order_number,
    write_csv,
)

T0 = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)


def make_order(uid: str = "u1", lines: tuple[OrderLine, ...] | None = None, currency: str = "EUR") -> Order:
    if lines is None:
        lines = (OrderLine("apple", "Apple", 45, 3), OrderLine("milk", "Milk 1L", 120, 1))
    return Order(uid=uid, currency=currency, lines=lines)


def count_rows(db: Path) -> tuple[int, int]:
    """(rows in orders, rows in order_lines), read with a separate connection."""
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("SELECT count(*) FROM orders").fetchone()[0],
            conn.execute("SELECT count(*) FROM order_lines").fetchone()[0],
        )
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "orders.db"


@pytest.fixture
def store(db: Path):
    with SQLiteOrderStore(db) as s:
        yield s


@pytest.fixture(params=["sqlite", "memory"])
def any_store(request, tmp_path: Path):
    """Both implementations, to check they behave the same."""
    if request.param == "memory":
        yield MemoryOrderStore()
    else:
        with SQLiteOrderStore(tmp_path / "orders.db") as s:
            yield s


# --- round trip and ordering ---------------------------------------------------------------


def test_round_trip_newest_first(any_store) -> None:
    first = make_order("u1")
    second = make_order("u2", (OrderLine("bread", "Bread", 250, 2),), currency="USD")
    s1 = any_store.save(first, T0)
    s2 = any_store.save(second, T0 + timedelta(minutes=5))

    listed = any_store.list()
    assert [o.uid for o in listed] == ["u2", "u1"]
    assert listed == [s2, s1]
    assert listed[1].lines == first.lines
    assert listed[0].lines == second.lines
    assert listed[1].total_cents == first.total_cents == 45 * 3 + 120
    assert listed[0].total_cents == 500
    assert listed[0].currency == "USD"
    assert listed[1].created_at == T0
    assert listed[1].created_at.utcoffset() == timedelta(0)
    assert any_store.list(limit=1) == [s2]
    assert any_store.list(limit=0) == []


def test_created_at_is_stored_as_utc(any_store) -> None:
    paris_summer = timezone(timedelta(hours=2))
    stored = any_store.save(make_order(), datetime(2024, 5, 1, 14, 30, tzinfo=paris_summer))
    assert stored.created_at == T0
    assert stored.created_at.tzinfo == timezone.utc
    assert any_store.list()[0].created_at.tzinfo == timezone.utc


def test_naive_created_at_is_refused(any_store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        any_store.save(make_order(), datetime(2024, 5, 1, 12, 30))
    assert any_store.list() == []


def test_order_number_comes_from_id(any_store) -> None:
    stored = any_store.save(make_order(), T0)
    assert stored.number == order_number(stored.id)
    assert order_number(42) == "A-0042"
    assert any_store.list()[0].number == stored.number


# --- idempotency, validation, atomicity ----------------------------------------------------


def test_save_same_uid_twice_returns_first(any_store) -> None:
    first = any_store.save(make_order("same"), T0)
    again = any_store.save(make_order("same", (OrderLine("x", "Other", 999, 9),)), T0 + timedelta(hours=1))
    assert again == first
    assert len(any_store.list()) == 1
    assert any_store.list()[0].lines == make_order().lines


def test_idempotent_save_writes_one_row_per_table(store: SQLiteOrderStore, db: Path) -> None:
    first = store.save(make_order("same"), T0)
    again = store.save(make_order("same"), T0 + timedelta(seconds=1))
    assert again.id == first.id
    assert count_rows(db) == (1, 2)


def test_order_without_lines_is_refused(any_store) -> None:
    with pytest.raises(ValueError, match="no lines"):
        any_store.save(make_order(lines=()), T0)
    assert any_store.list() == []


@pytest.mark.parametrize("qty", [0, -1])
def test_bad_qty_is_refused_and_nothing_written(store: SQLiteOrderStore, db: Path, qty: int) -> None:
    bad = make_order(lines=(OrderLine("apple", "Apple", 45, 1), OrderLine("milk", "Milk", 120, qty)))
    with pytest.raises(ValueError, match="qty"):
        store.save(bad, T0)
    assert count_rows(db) == (0, 0)


def test_schema_check_refuses_zero_qty(store: SQLiteOrderStore, db: Path) -> None:
    """The DB's CHECK is a backstop behind the Python validation."""
    store.save(make_order(), T0)
    conn = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("INSERT INTO order_lines VALUES (1, 99, 'x', 'X', 10, 0)")
    finally:
        conn.close()


def test_failure_mid_write_leaves_no_half_order(store: SQLiteOrderStore, db: Path) -> None:
    # A real SQLite failure on the second line: after the order row and the first line were inserted.
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON order_lines WHEN NEW.item_id = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
    )
    conn.commit()
    lines = (OrderLine("apple", "Apple", 45, 1), OrderLine("boom", "Boom", 10, 1))

    with pytest.raises(KioskError) as excinfo:
        store.save(make_order("u-fail", lines), T0)
    assert str(db) in str(excinfo.value)
    assert "simulated disk failure" in str(excinfo.value)
    assert count_rows(db) == (0, 0)
    assert store.list() == []

    # The failed uid is not "taken": a retry once the fault is gone stores the whole order.
    conn.execute("DROP TRIGGER boom")
    conn.commit()
    conn.close()
    stored = store.save(make_order("u-fail", lines), T0)
    assert stored.lines == lines
    assert count_rows(db) == (1, 2)


# --- the file: permissions, durability settings, reopen, bad files -------------------------


def test_db_file_is_owner_only(store: SQLiteOrderStore, db: Path) -> None:
    store.save(make_order(), T0)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) & 0o077 == 0
    wal = db.with_name(db.name + "-wal")
    if wal.exists():  # SQLite gives the WAL file the DB file's permissions
        assert stat.S_IMODE(wal.stat().st_mode) & 0o077 == 0


def test_existing_loose_file_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "orders.db"
    db.touch()
    db.chmod(0o644)
    SQLiteOrderStore(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_wal_and_schema_version_are_set(store: SQLiteOrderStore, db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_reopen_after_close_keeps_data(db: Path) -> None:
    with SQLiteOrderStore(db) as store:
        saved = store.save(make_order("u1"), T0)
    with SQLiteOrderStore(db) as store:
        assert store.list() == [saved]
        # idempotency survives a restart too
        assert store.save(make_order("u1"), T0 + timedelta(days=1)) == saved
        second = store.save(make_order("u2"), T0 + timedelta(days=1))
        assert second.id > saved.id
    assert count_rows(db) == (2, 4)


def test_use_after_close_is_a_kiosk_error(db: Path) -> None:
    store = SQLiteOrderStore(db)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(KioskError, match="closed"):
        store.list()


@pytest.mark.parametrize("content", [os.urandom(4096), b"this is not a database\n" * 50])
def test_corrupt_file_is_a_one_line_kiosk_error(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "orders.db"
    db.write_bytes(content)
    with pytest.raises(KioskError) as excinfo:
        SQLiteOrderStore(db)
    message = str(excinfo.value)
    assert message.startswith(f"orders database {db}: ")
    assert "\n" not in message
    assert db.read_bytes() == content  # we never overwrite a file we do not understand


def test_directory_instead_of_file_is_a_kiosk_error(tmp_path: Path) -> None:
    db = tmp_path / "orders.db"
    db.mkdir()
    with pytest.raises(KioskError, match=re.escape(str(db))):
        SQLiteOrderStore(db)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_a_kiosk_error(tmp_path: Path) -> None:
    d = tmp_path / "locked"
    d.mkdir()
    db = d / "orders.db"
    SQLiteOrderStore(db).close()
    d.chmod(0o000)
    try:
        with pytest.raises(KioskError, match=re.escape(str(db))):
            SQLiteOrderStore(db)
    finally:
        d.chmod(0o700)


def test_newer_schema_version_is_refused(db: Path) -> None:
    SQLiteOrderStore(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(KioskError) as excinfo:
        SQLiteOrderStore(db)
    message = str(excinfo.value)
    assert str(db) in message
    assert "newer" in message
    assert "\n" not in message


def test_foreign_sqlite_db_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(KioskError, match="not an orders database"):
        SQLiteOrderStore(db)


# --- default path --------------------------------------------------------------------------


def test_default_db_path_honours_xdg_data_home(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "touchless-kiosk" / "orders.db"


@pytest.mark.parametrize("xdg", [None, "", "relative/dir"])
def test_default_db_path_falls_back_to_home(monkeypatch, tmp_path: Path, xdg: str | None) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert default_db_path() == tmp_path / ".local" / "share" / "touchless-kiosk" / "orders.db"


# --- CSV and terminal table ----------------------------------------------------------------


def test_csv_round_trip(store: SQLiteOrderStore) -> None:
    store.save(make_order("u1"), T0)
    store.save(make_order("u2", (OrderLine("b", 'Bread, "sliced"', 250, 2),)), T0 + timedelta(minutes=1))
    orders = store.list()
    out = io.StringIO(newline="")

    written = write_csv(orders, out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert written == len(rows) == 3
    assert rows[0]["name"] == 'Bread, "sliced"'
    assert list(rows[0]) == (
        "order_id,number,created_at,currency,item_id,name,unit_price,qty,line_total,order_total".split(",")
    )
    for order in orders:
        mine = [r for r in rows if r["number"] == order.number]
        assert len(mine) == len(order.lines)
        assert sum(Decimal(r["line_total"]) for r in mine) == Decimal(mine[0]["order_total"])
        assert Decimal(mine[0]["order_total"]) * 100 == order.total_cents
        for r in mine:
            assert Decimal(r["unit_price"]) * int(r["qty"]) == Decimal(r["line_total"])
            assert datetime.fromisoformat(r["created_at"]) == order.created_at


def test_csv_money_has_exactly_two_decimals() -> None:
    order = StoredOrder(
        7, order_number(7), "u", T0, "EUR",
        (OrderLine("a", "A", 5, 1), OrderLine("b", "B", 100, 3), OrderLine("c", "C", 120, 1)),
    )
    out = io.StringIO(newline="")
    write_csv([order], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    money = [r[k] for r in rows for k in ("unit_price", "line_total", "order_total")]
    assert all(re.fullmatch(r"\d+\.\d{2}", m) for m in money), money
    assert [r["unit_price"] for r in rows] == ["0.05", "1.00", "1.20"]
    assert rows[0]["order_total"] == "4.25"


@pytest.mark.parametrize(
    ("cents", "text"), [(0, "0.00"), (5, "0.05"), (120, "1.20"), (100000, "1000.00"), (-5, "-0.05")]
)
def test_cents_to_decimal(cents: int, text: str) -> None:
    assert cents_to_decimal(cents) == text


def test_write_csv_with_no_orders_writes_only_header() -> None:
    out = io.StringIO(newline="")
    assert write_csv([], out) == 0
    assert out.getvalue().strip() == (
        "order_id,number,created_at,currency,item_id,name,unit_price,qty,line_total,order_total"
    )


def test_format_orders() -> None:
    assert format_orders([]) == "no orders yet"
    order = StoredOrder(42, order_number(42), "u", T0, "EUR", (OrderLine("a", "A", 45, 3), OrderLine("b", "B", 120, 1)))
    text = format_orders([order])
    lines = text.splitlines()
    assert len(lines) == 2
    assert "A-0042" in lines[1]
    assert "€2.55" in lines[1]
    assert re.search(r"\b4\b", lines[1])  # 4 units
    assert T0.astimezone().strftime("%Y-%m-%d %H:%M") in lines[1]


# --- property: stored totals ---------------------------------------------------------------

order_lines = st.lists(
    st.builds(
        OrderLine,
        item_id=st.text(min_size=1, max_size=32),
        name=st.text(min_size=1, max_size=40),
        unit_cents=st.integers(1, 100_000),
        qty=st.integers(1, 99),
    ),
    min_size=1,
    max_size=10,
).map(tuple)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=order_lines)
def test_stored_total_equals_sum_of_lines(tmp_path: Path, lines: tuple[OrderLine, ...]) -> None:
    db = tmp_path / f"{uuid.uuid4().hex}.db"
    expected_total = sum(l.unit_cents * l.qty for l in lines)
    with SQLiteOrderStore(db) as store:
        store.save(make_order("u", lines), T0)
    with SQLiteOrderStore(db) as store:
        [stored] = store.list()
    assert stored.lines == lines
    assert stored.total_cents == expected_total
    conn = sqlite3.connect(db)
    try:
        total, count = conn.execute("SELECT total_cents, item_count FROM orders").fetchone()
    finally:
        conn.close()
    assert total == expected_total
    assert count == sum(l.qty for l in lines)


def test_a_damaged_database_that_still_opens_is_refused_at_start(tmp_path):
    """Corrupt one b-tree page of a database with orders: SQLite still opens it (the old store accepted
    it and failed every checkout later); now the open is refused with one line that says what to do."""
    path = tmp_path / "orders.db"
    with SQLiteOrderStore(path) as s:
        for k in range(300):
            s.save(Order(f"u{k}", "EUR", tuple(OrderLine("apple", "Apple " * 20, 45, 1) for _ in range(5))), T0)
    data = bytearray(path.read_bytes())
    data[9 * 4096: 9 * 4096 + 64] = b"\x5a" * 64  # the header of page 10
    path.write_bytes(bytes(data))
    sqlite3.connect(path).execute("PRAGMA user_version").fetchone()  # SQLite itself opens it
    with pytest.raises(KioskError, match=r"damaged \(.*\); move it aside and restore a backup$") as e:
        SQLiteOrderStore(path)
    assert "\n" not in str(e.value)


def test_a_database_whose_tables_lost_a_column_is_refused(tmp_path):
    path = tmp_path / "orders.db"
    SQLiteOrderStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE order_lines DROP COLUMN name")
    conn.commit()
    conn.close()
    with pytest.raises(KioskError, match=r"table order_lines has columns .* expected .*name"):
        SQLiteOrderStore(path)

"""The cart journal: round trips, the resume policy, sharing the orders file, and kill -9."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.errors import KioskError
from kiosk.shop.cart import MAX_QTY_PER_LINE, Cart, Order, OrderLine
from kiosk.shop.catalog import Catalog, Item
from kiosk.store.journal import CartJournal, JournaledCart, cart_from, resume_or_discard
from kiosk.store.orders import SQLiteOrderStore
from tests.conftest import REPO

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
CATALOG = Catalog("EUR", (Item("apple", "Apple", 45), Item("pear", "Pear", 60), Item("milk", "Milk", 119)))


def journaled(lines, saved_at=NOW, order_uid=None, stored=False):
    return JournaledCart(saved_at, "s1", "cart", tuple(lines), order_uid, stored)


def test_save_and_load_round_trip(tmp_path):
    db = tmp_path / "orders.db"
    with CartJournal(db) as j:
        assert j.load() is None
        j.save([("apple", 2), ("milk", 1)], "cart", NOW)
    with CartJournal(db) as j:  # a new process, as after a restart
        got = j.load()
    assert got.lines == (("apple", 2), ("milk", 1))
    assert got.screen == "cart" and got.saved_at == NOW and got.order_uid is None and not got.order_stored
    assert db.stat().st_mode & 0o777 == 0o600


def test_a_session_keeps_its_uid_until_cleared(tmp_path):
    with CartJournal(tmp_path / "o.db") as j:
        j.save([("apple", 1)], "shopping", NOW)
        first = j.load().session_uid
        j.save([("apple", 2)], "cart", NOW)
        assert j.load().session_uid == first
        j.clear()
        assert j.load() is None
        j.save([("pear", 1)], "shopping", NOW)
        assert j.load().session_uid != first


def test_sync_writes_only_changes_and_clears_an_empty_cart(tmp_path):
    apple = CATALOG.get("apple")
    with CartJournal(tmp_path / "o.db") as j:
        cart = Cart().add(apple)
        assert j.sync(cart, "shopping", None, NOW) is True
        assert j.sync(cart, "shopping", None, NOW + timedelta(seconds=1)) is False
        assert j.load().saved_at == NOW
        assert j.sync(cart, "confirm", "uid-1", NOW) is True
        assert j.load().order_uid == "uid-1"
        assert j.sync(Cart(), "receipt", None, NOW) is True
        assert j.load() is None
        assert j.sync(Cart(), "attract", None, NOW) is False


def test_naive_times_are_refused(tmp_path):
    with CartJournal(tmp_path / "o.db") as j, pytest.raises(ValueError):
        j.save([("apple", 1)], "cart", datetime(2025, 1, 1))


@pytest.mark.parametrize("journal_first", [True, False])
def test_journal_and_order_store_share_one_file(tmp_path, journal_first):
    db = tmp_path / "orders.db"
    if journal_first:
        j, store = CartJournal(db), SQLiteOrderStore(db)
    else:
        store, j = SQLiteOrderStore(db), CartJournal(db)
    j.save([("apple", 1)], "confirm", NOW, order_uid="u1")
    store.save(Order("u1", "EUR", (OrderLine("apple", "Apple", 45, 1),)), NOW)
    got = j.load()
    assert got.order_stored  # the cart was bought: it must not be resumed
    assert resume_or_discard(got, NOW, 45, CATALOG) is None
    j.close(), store.close()
    with SQLiteOrderStore(db) as again:
        assert [o.uid for o in again.list()] == ["u1"]
    tables = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"orders", "order_lines", "cart_journal"} <= tables
    assert db.stat().st_mode & 0o777 == 0o600


def test_not_a_database_is_one_line(tmp_path):
    bad = tmp_path / "orders.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(KioskError) as e:
        CartJournal(bad)
    assert "\n" not in str(e.value) and str(bad) in str(e.value)


@pytest.mark.parametrize("column, value", [
    ("lines_json", "not json"),
    ("lines_json", '{"apple": 1}'),
    ("lines_json", '[["apple", "1"]]'),
    ("lines_json", '[["apple", 1.5]]'),
    ("lines_json", '[[1, 1]]'),
    ("saved_at_utc", "yesterday"),
    ("saved_at_utc", "2025-03-01T12:00:00"),  # naive
    ("screen", b"\xff"),  # a BLOB keeps its type in a TEXT column
    ("order_uid", b"u1"),
])
def test_a_journal_that_cannot_be_understood_is_dropped(tmp_path, column, value):
    db = tmp_path / "o.db"
    with CartJournal(db) as j:
        j.save([("apple", 1)], "cart", NOW)
    con = sqlite3.connect(db)
    con.execute(f"UPDATE cart_journal SET {column} = ?", (value,))
    con.commit(), con.close()
    with CartJournal(db) as j:
        assert j.load() is None
        assert sqlite3.connect(db).execute("SELECT count(*) FROM cart_journal").fetchone()[0] == 0


# -- the resume policy ------------------------------------------------------------------

def test_resume_within_the_timeout_and_discard_after():
    j = journaled([("apple", 2), ("pear", 1)])
    got = resume_or_discard(j, NOW + timedelta(seconds=44), 45, CATALOG)
    assert [(item.id, n) for item, n in got] == [("apple", 2), ("pear", 1)]
    assert resume_or_discard(j, NOW + timedelta(seconds=46), 45, CATALOG) is None
    assert resume_or_discard(j, NOW - timedelta(seconds=46), 45, CATALOG) is None  # a clock that went back
    assert resume_or_discard(None, NOW, 45, CATALOG) is None


def test_resume_drops_unknown_items_merges_and_caps():
    j = journaled([("apple", 5), ("gone", 3), ("apple", 97), ("pear", 0), ("milk", -2), ("milk", 10**12)])
    got = resume_or_discard(j, NOW, 45, CATALOG)
    assert [(item.id, n) for item, n in got] == [("apple", MAX_QTY_PER_LINE), ("milk", MAX_QTY_PER_LINE)]
    assert resume_or_discard(journaled([("gone", 1)]), NOW, 45, CATALOG) is None
    cart = cart_from(got)
    assert cart.qty("apple") == MAX_QTY_PER_LINE and cart.count == 2 * MAX_QTY_PER_LINE


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.tuples(st.sampled_from(["apple", "pear", "milk", "gone", "", "APPLE"]),
                                st.integers(-(2**70), 2**70)), max_size=30),
       age=st.floats(-1e6, 1e6, allow_nan=False))
def test_resumed_lines_are_always_sellable(lines, age):
    got = resume_or_discard(journaled(lines), NOW + timedelta(seconds=age), 45, CATALOG)
    if got is None:
        return
    assert abs(age) <= 45
    ids = [item.id for item, _ in got]
    assert len(ids) == len(set(ids))
    assert all(CATALOG.get(i) is item for i, (item, _) in zip(ids, got))
    assert all(1 <= n <= MAX_QTY_PER_LINE for _, n in got)


# -- kill -9 ----------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from kiosk.shop.cart import Order, OrderLine
    from kiosk.store.journal import CartJournal
    from kiosk.store.orders import SQLiteOrderStore

    path, what, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    journal = CartJournal(path) if what == "journal" else None
    store = SQLiteOrderStore(path) if what == "orders" else None
    while True:
        n += 1
        if journal:  # every field of the state is derived from n, so a mix of two saves would show
            lines = [(f"item{k}", n) for k in range(1 + n % 7)]
            journal.save(lines, f"screen{n}", datetime.now(timezone.utc), order_uid=f"u{n}")
        else:
            lines = tuple(OrderLine(f"item{k}", f"Item {k}", 10 + k, 1 + k) for k in range(1 + n % 5))
            store.save(Order(f"u{n}", "EUR", lines), datetime.now(timezone.utc))
        print(n, flush=True)
""")


def kill_mid_loop(db: Path, what: str, start: int, acks: int) -> int:
    """Run the child until it acknowledged `acks` saves, SIGKILL it; -> the last acknowledged n."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), what, str(start)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    last = start
    try:
        for _ in range(acks):
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"child ended early: {proc.stderr.read()}")
            last = int(line)
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # while it is busy with the next save
        proc.wait()
        proc.stdout.close(), proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return last


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


@pytest.mark.integration
def test_kill_9_while_saving_the_journal_leaves_the_old_or_the_new_cart(tmp_path):
    db = tmp_path / "orders.db"
    n = 0
    for acks in (5, 23, 61, 7):
        acked = kill_mid_loop(db, "journal", n, acks)
        assert integrity(db) == "ok"
        with CartJournal(db) as j:
            got = j.load()
        assert got is not None
        n = int(got.order_uid[1:])
        # The last acknowledged save or a later one: the child may finish a few more saves
        # before SIGKILL lands. What matters is that an acknowledged save is never lost and
        # that the journal holds one whole state, checked below.
        assert n >= acked
        assert got.screen == f"screen{n}"
        assert got.lines == tuple((f"item{k}", n) for k in range(1 + n % 7))


@pytest.mark.integration
def test_kill_9_while_saving_orders_never_leaves_half_an_order(tmp_path):
    db = tmp_path / "orders.db"
    n = 0
    for acks in (5, 23, 61, 7):
        acked = kill_mid_loop(db, "orders", n, acks)
        assert integrity(db) == "ok"
        con = sqlite3.connect(db)
        rows = con.execute("SELECT id, uid, item_count, total_cents FROM orders").fetchall()
        whole = 0
        for order_id, uid, item_count, total in rows:
            k = 1 + int(uid[1:]) % 5
            lines = con.execute("SELECT unit_cents, qty FROM order_lines WHERE order_id = ?", (order_id,)).fetchall()
            expected = [(10 + i, 1 + i) for i in range(k)]
            whole += sorted(lines) == expected and item_count == sum(q for _, q in expected) \
                and total == sum(u * q for u, q in expected)
        orphans = con.execute("SELECT count(*) FROM order_lines WHERE order_id NOT IN (SELECT id FROM orders)")
        assert orphans.fetchone()[0] == 0
        con.close()
        assert len(rows) == whole  # every stored order has all its lines
        uids = sorted(int(uid[1:]) for _, uid, _, _ in rows)
        assert uids[:acked] == list(range(1, acked + 1))  # every acknowledged order is there
        assert uids == list(range(1, len(uids) + 1))  # and the ones after it, whole, in order
        n = len(uids)
        with SQLiteOrderStore(db) as store:  # and the store reads them all back
            assert len(store.list()) == n

"""The store writer: the frame loop hands over writes and never waits on a locked or slow database."""
from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone

import pytest

from kiosk.shop.cart import Cart, Order, OrderLine
from kiosk.shop.catalog import load_catalog
from kiosk.shop.machine import Screen
from kiosk.shop.payment import SimulatedTerminal
from kiosk.store.journal import CartJournal
from kiosk.store.orders import SQLiteOrderStore
from kiosk.store.writer import StoreWriter
from tests.conftest import REPO
from tests.test_app_features import started

CATALOG = load_catalog(REPO / "assets" / "catalog.toml")
APPLE = CATALOG.get("apple")


def wait_for(check, seconds: float = 15.0):
    """Poll `check()` until it returns something truthy (the writer's thread works in the background)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("the writer did not finish in time")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "orders.db"
    SQLiteOrderStore(path).close()
    return path


def lock(db) -> sqlite3.Connection:
    """Another process's view: a connection holding the database's write lock until COMMIT."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def order(uid: str = "u1") -> Order:
    return Order(uid, "EUR", (OrderLine("apple", "Apple", 45, 2),))


def test_writes_to_a_locked_database_are_handed_over_and_land_when_the_lock_goes(db):
    store, journal = SQLiteOrderStore(db), CartJournal(db)
    writer = StoreWriter(store, journal, threaded=True)
    other = lock(db)
    writer.journal_cart(Cart().add(APPLE), "confirm", "u1")  # returns: the lock is still held below
    writer.save(order())
    assert writer.answer("u1") is None and writer.busy
    other.execute("COMMIT")
    stored = wait_for(lambda: writer.answer("u1"))
    assert stored.uid == "u1" and stored.total_cents == 90
    writer.close()
    assert [o.uid for o in SQLiteOrderStore(db).list()] == ["u1"]
    assert CartJournal(db).load().lines == (("apple", 1),)


def test_cart_states_queued_behind_a_lock_collapse_into_the_newest(db, monkeypatch):
    journal = CartJournal(db)
    writes = []
    real_sync = journal.sync
    monkeypatch.setattr(journal, "sync", lambda cart, *a: (writes.append(cart.count), real_sync(cart, *a))[1])
    writer = StoreWriter(SQLiteOrderStore(db), journal, threaded=True)
    other = lock(db)
    cart = Cart()
    for _ in range(40):
        cart = cart.add(APPLE)
        writer.journal_cart(cart, "shopping", None)
    other.execute("COMMIT")
    writer.close()
    assert writes[-1] == 40 and len(writes) <= 2  # the first (waiting on the lock), then only the newest
    assert CartJournal(db).load().lines == (("apple", 40),)


def test_writes_keep_their_order_and_close_finishes_what_is_queued(db):
    """Journal at checkout, the order, then the emptied cart: after close() the order is stored and the
    journal is clear, so a restart neither loses nor resells the cart."""
    writer = StoreWriter(SQLiteOrderStore(db), CartJournal(db), threaded=True)
    other = lock(db)
    writer.journal_cart(Cart().add(APPLE), "paying", "u1")
    writer.save(order())
    writer.journal_cart(Cart(), "receipt", None)
    other.execute("COMMIT")
    writer.close()
    assert [o.uid for o in SQLiteOrderStore(db).list()] == ["u1"]
    assert CartJournal(db).load() is None


def test_a_failed_save_is_an_answer_not_an_exception(db, tmp_path):
    store = SQLiteOrderStore(db)
    writer = StoreWriter(store, None, threaded=False)
    store.close()  # every save now fails with a KioskError
    writer.save(order())
    failure = writer.answer("u1")
    assert "store is closed" in str(failure) and writer.answer("u1") is None


def test_the_screen_says_saving_while_the_database_is_locked_then_shows_the_receipt(tmp_path, db):
    """A live kiosk is paid while another process holds the database's write lock: frames keep coming,
    the payment screen says the order is being saved (not failed), and once the lock goes the receipt
    shows and exactly one order is stored. Before the writer, the first frame after the approval sat
    in SQLite's 5 s busy wait and then failed the order."""
    store, journal = SQLiteOrderStore(db), CartJournal(db)
    app, s = started(tmp_path, store=store, journal=journal, threaded_writes=True,
                     terminal=SimulatedTerminal("approved", delay=1.0))
    s.click("add:apple")
    s.click("checkout")
    s.click("confirm")
    assert app.kiosk.screen is Screen.PAYING
    other = lock(db)
    s.run(1.5, None)  # approved at 1 s; the order is handed to the writer, which waits on the lock
    view = app.kiosk.view()
    assert view.screen is Screen.PAYING and view.paid and view.placing and view.message is None
    s.run(0.5, None)
    assert app.kiosk.view().placing  # still waiting, still frames
    other.execute("COMMIT")
    wait_for(lambda: (s.run(1 / 30, None), app.kiosk.screen is Screen.RECEIPT)[1])
    app.writer.close()
    (stored,) = SQLiteOrderStore(db).list()
    assert app.kiosk.view().receipt.number == stored.number
    assert [(line.item_id, line.qty) for line in stored.lines] == [("apple", 1)]


def refuse_inserts(store: SQLiteOrderStore) -> None:
    """The database refuses every new order from now on (a real SQLite error: 'not authorized')."""
    store._conn.set_authorizer(lambda action, *_: sqlite3.SQLITE_DENY if action == sqlite3.SQLITE_INSERT
                               else sqlite3.SQLITE_OK)


def test_a_paid_order_the_database_refuses_is_kept_aside_and_stored_at_the_next_open(db):
    store = SQLiteOrderStore(db)
    refuse_inserts(store)
    with pytest.raises(Exception, match=r"kept in .*orders\.db\.unsaved/u1\.json") as failure:
        store.save(order(), datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
    assert type(failure.value).__name__ == "KioskError"
    kept = db.with_name("orders.db.unsaved") / "u1.json"
    assert kept.is_file() and oct(kept.stat().st_mode & 0o777) == "0o600"
    store.close()
    again = SQLiteOrderStore(db)
    assert again.recovered == 1 and not kept.exists()
    (stored,) = again.list()
    assert (stored.uid, stored.total_cents, stored.created_at.hour) == ("u1", 90, 9)
    again.close()
    assert SQLiteOrderStore(db).recovered == 0 and len(SQLiteOrderStore(db).list()) == 1


def test_a_store_that_keeps_failing_shows_out_of_order_then_the_app_stops_non_zero(tmp_path, db):
    """Three failed saves of a paid order: the out-of-order screen with the order's reference, for
    OUT_OF_ORDER_SECONDS of frames; then app.failure() is the one-line error the loop exits with. The
    order is kept aside, and the next start stores it and does not resell the journaled cart."""
    from kiosk.bootstrap import _journal
    from kiosk.config import Config
    from kiosk.shop.machine import OUT_OF_ORDER_SECONDS

    store, journal = SQLiteOrderStore(db), CartJournal(db)
    app, s = started(tmp_path, store=store, journal=journal, terminal=SimulatedTerminal("approved", delay=0.5))
    s.click("add:apple")
    s.click("checkout")
    s.click("confirm")
    refuse_inserts(store)
    s.run(1.0, None)
    for _ in range(2):
        assert app.kiosk.screen is Screen.PAYING and app.kiosk.view().message
        s.click("retry")
    view = app.kiosk.view()
    assert view.screen is Screen.OUT_OF_ORDER and view.reference == app.kiosk.order_uid[:8].upper()
    assert any(t.text == view.reference for t in app.layout().texts)
    s.run(OUT_OF_ORDER_SECONDS - 2, None)
    assert app.failure() is None and app.kiosk.screen is Screen.OUT_OF_ORDER
    s.run(3, None)
    failure = app.failure()
    assert failure is not None and failure.exit_code == 1 and "not authorized" in str(failure)
    assert "\n" not in str(failure)
    app.writer.close()
    journal2, resume = _journal(db, Config(), CATALOG)  # the supervisor starts the kiosk again
    (stored,) = SQLiteOrderStore(db).list()
    assert [(line.item_id, line.qty) for line in stored.lines] == [("apple", 1)] and resume is None

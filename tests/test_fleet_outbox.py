"""The kiosk's outbox: every order queued in its own transaction, and a file from before the outbox upgraded."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

from kiosk.fleet.sync import Outbox
from kiosk.shop.cart import Order, OrderLine
from kiosk.store.orders import SQLiteOrderStore

T0 = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


def test_each_stored_order_is_queued_once_with_everything_the_central_database_needs(tmp_path):
    db = tmp_path / "orders.db"
    with SQLiteOrderStore(db) as store:
        store.save(Order("u1", "EUR", (OrderLine("apple", "Apple", 45, 2), OrderLine("milk", "Milk", 120, 1))), T0)
        store.save(Order("u1", "EUR", (OrderLine("apple", "Apple", 45, 2),)), T0)  # a double 👌: the same order
    outbox = Outbox(db)
    ((row_id, payload),) = outbox.pending(10)
    assert payload == {"uid": "u1", "number": "A-0001", "created_at": "2026-12-01T09:30:00+00:00",
                       "currency": "EUR", "total_cents": 210,
                       "lines": [{"line_no": 1, "item_id": "apple", "name": "Apple", "unit_cents": 45, "qty": 2},
                                 {"line_no": 2, "item_id": "milk", "name": "Milk", "unit_cents": 120, "qty": 1}]}
    assert outbox.backlog() == 1
    outbox.mark_sent([row_id], T0)
    assert outbox.pending(10) == [] and outbox.backlog() == 0


def test_a_version_1_database_gets_an_outbox_holding_its_earlier_orders(tmp_path):
    """A kiosk from before the fleet: its file is upgraded in place and its orders are queued, so a shop
    that joins a chain sends its history too."""
    db = tmp_path / "orders.db"
    conn = sqlite3.connect(db)
    conn.executescript("""
        CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL, currency TEXT NOT NULL, total_cents INTEGER NOT NULL CHECK(total_cents >= 0),
            item_count INTEGER NOT NULL);
        CREATE TABLE order_lines (order_id INTEGER NOT NULL REFERENCES orders(id), line_no INTEGER NOT NULL,
            item_id TEXT NOT NULL, name TEXT NOT NULL, unit_cents INTEGER NOT NULL, qty INTEGER NOT NULL CHECK(qty > 0),
            PRIMARY KEY(order_id, line_no));
        INSERT INTO orders VALUES (1, 'old-1', '2025-01-02T10:00:00+00:00', 'EUR', 90, 2);
        INSERT INTO order_lines VALUES (1, 1, 'apple', 'Apple', 45, 2);
        PRAGMA user_version = 1;
    """)
    conn.commit()
    conn.close()
    with SQLiteOrderStore(db) as store:
        assert [o.uid for o in store.list()] == ["old-1"]
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 2
    ((_, payload),) = Outbox(db).pending(10)
    assert (payload["uid"], payload["number"], payload["total_cents"], payload["lines"][0]["qty"]) == \
        ("old-1", "A-0001", 90, 2)
    assert json.dumps(payload)  # plain JSON


class Fleet:
    database, kiosk_id, sync_interval, heartbeat_interval, catalog_interval, batch = "host=unused", "k1", 1.0, 5.0, 60.0, 10


def test_the_sync_thread_outlives_any_failure_and_says_each_new_one_once(tmp_path, monkeypatch, capsys):
    """A bug-like failure (not a KioskError) must not end the relay silently: it is one line, then retries."""
    import threading

    from kiosk.fleet import sync as sync_module
    from kiosk.fleet.sync import SyncWorker

    calls = []
    done = threading.Event()

    def flaky(outbox, dsn, kiosk_id, batch, migrate=True):
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError("something unexpected\nwith two lines")
        done.set()
        return sync_module.SyncResult(0, 0)

    monkeypatch.setattr(sync_module, "sync_once", flaky)
    monkeypatch.setattr(sync_module, "BACKOFF", (0.01,))
    monkeypatch.setattr(SyncWorker, "_beat", lambda self: None)
    SQLiteOrderStore(tmp_path / "orders.db").close()
    worker = SyncWorker(tmp_path / "orders.db", Fleet()).start()
    assert done.wait(10)
    worker.close()
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("fleet: ")]
    assert lines[0] == "fleet: RuntimeError: something unexpected with two lines; retrying"
    assert len([line for line in lines if "RuntimeError" in line]) == 1 and worker.failures == 0

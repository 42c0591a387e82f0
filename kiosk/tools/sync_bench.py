"""`python main.py bench-sync --dsn DSN`: orders per second a central PostgreSQL ingests from N kiosks.

Each simulated kiosk is a real orders database (SQLite, its outbox filled by the real store)
and a thread running the real `sync_once` (kiosk/fleet/sync.py), all at once, as kiosks that
come back after an outage would. The figure is the wall time from the first connection to the
last commit. A second round sends every batch again (outbox rows marked unsent), which the
central database must ignore: its rate is the cost of redelivery, and the test that nothing
was stored twice.

It writes kiosks named `bench-1` ... into the database it is given, so give it a scratch
database: it refuses one that holds other kiosks' orders.
"""
from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kiosk.errors import InputError, KioskError


def add_parser(sub) -> None:
    p = sub.add_parser("bench-sync", help="measure orders per second ingested centrally from N kiosks at once")
    p.add_argument("--dsn", required=True, help="a SCRATCH PostgreSQL database (libpq connection string)")
    p.add_argument("--kiosks", type=int, default=3, help="simulated kiosks syncing at once (default 3)")
    p.add_argument("--orders", type=int, default=500, help="orders waiting in each kiosk's outbox (default 500)")
    p.add_argument("--batch", type=int, default=200, help="orders per central transaction (default 200)")


def fill(db: Path, n: int, kiosk: str) -> None:
    """n orders of 1-3 lines in a new orders database (its outbox filled as a kiosk's would be)."""
    from kiosk.shop.cart import Order, OrderLine
    from kiosk.store.orders import SQLiteOrderStore

    start = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    with SQLiteOrderStore(db) as store:
        for k in range(n):
            lines = tuple(OrderLine(f"item{j}", f"Item {j}", 45 + 10 * j, 1 + (k + j) % 3) for j in range(1 + k % 3))
            store.save(Order(f"{kiosk}-{k:06d}", "EUR", lines), start + timedelta(seconds=37 * k))


def run_round(dbs: dict[str, Path], dsn: str, batch: int) -> tuple[float, dict[str, int]]:
    """All kiosks sync at once; -> (wall seconds, orders sent per kiosk)."""
    from kiosk.fleet.sync import Outbox, sync_once

    sent: dict[str, int] = {}
    errors: list[str] = []

    def one(kiosk: str, db: Path) -> None:
        outbox = Outbox(db)
        try:
            sent[kiosk] = sync_once(outbox, dsn, kiosk, batch).sent
        except KioskError as e:
            errors.append(str(e))
        finally:
            outbox.close()

    threads = [threading.Thread(target=one, args=item) for item in dbs.items()]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise KioskError(errors[0])
    return wall, sent


def cmd_bench_sync(args, config) -> int:
    from kiosk.fleet import central

    if not (1 <= args.kiosks <= 64 and 1 <= args.orders <= 100_000 and 1 <= args.batch <= 1000):
        raise InputError("bench-sync: --kiosks 1..64, --orders 1..100000, --batch 1..1000")
    conn = central.connect(args.dsn)
    try:
        central.migrate(conn)
        others = conn.execute("SELECT count(*) FROM orders WHERE kiosk_id NOT LIKE 'bench-%'").fetchone()[0]
        conn.execute("DELETE FROM order_lines WHERE order_uid LIKE 'bench-%'")
        conn.execute("DELETE FROM orders WHERE kiosk_id LIKE 'bench-%'")
        conn.commit()
    finally:
        conn.close()
    if others:
        raise InputError(f"bench-sync: that database holds {others} orders of real kiosks; give it a scratch database")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-sync-") as tmp:
        dbs = {f"bench-{k}": Path(tmp) / f"bench-{k}.db" for k in range(1, args.kiosks + 1)}
        print(f"filling {args.kiosks} kiosk databases with {args.orders} orders each ...", flush=True)
        for kiosk, db in dbs.items():
            fill(db, args.orders, kiosk)
        total = args.kiosks * args.orders
        wall, sent = run_round(dbs, args.dsn, args.batch)
        print(f"first delivery: {total} orders from {args.kiosks} kiosks, {args.batch} per transaction: "
              f"{wall:.2f} s, {total / wall:,.0f} orders/s")
        for db in dbs.values():  # the same batches again, as after a kill between the commit and the mark
            with sqlite3.connect(db) as c:
                c.execute("UPDATE outbox SET sent_at = NULL")
        wall2, _ = run_round(dbs, args.dsn, args.batch)
        conn = central.connect(args.dsn)
        try:
            stored = conn.execute("SELECT count(*) FROM orders WHERE kiosk_id LIKE 'bench-%'").fetchone()[0]
        finally:
            conn.close()
        print(f"redelivery of all of it: {wall2:.2f} s, {total / wall2:,.0f} orders/s; "
              f"central orders now {stored} (expected {total})")
        return 0 if stored == total and sum(sent.values()) == total else 1

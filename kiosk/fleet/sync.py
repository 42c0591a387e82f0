"""The kiosk's side of a fleet: its outbox relayed to the central PostgreSQL, heartbeats, the central catalog.

A kiosk sells from its own SQLite file and never waits for the network. When the config has a
`[fleet]` section, the order store queues each order in the `outbox` table in the order's own
transaction (kiosk/store/orders.py). This module sends them on:

- `Outbox` reads the pending rows and marks them sent, with its own SQLite connection.
- `sync_once()` connects, brings the central schema up to date, and sends the pending orders in
  batches: each batch is one central transaction, and only after it commits are its rows marked
  sent here. A kill between the two sends the batch again next time, which the central database
  ignores (the order uid is unique there): every order arrives exactly once.
- `SyncWorker` is a thread (never the frame loop) that runs `sync_once` every `sync_interval`
  s, sooner after a sale (`nudge()`), and backs off while the server is unreachable (1, 2, 4 ...
  60 s). It also sends a heartbeat every `heartbeat_interval` s (health and interaction figures,
  see kiosk/fleet/quality.py) and looks for a newer central catalog every `catalog_interval` s,
  which it keeps as the last good copy beside the database (kiosk/fleet/catalog_cache.py).

`python main.py sync --once` runs `sync_once` by hand: exit 0 when nothing is left, else 1.
"""
from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.store.orders import DB_ERRORS, SQLiteOrderStore, _reason

BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 60.0)
"""Seconds to wait after the 1st, 2nd ... failed attempt; the last repeats."""


class Outbox:
    """The outbox table of an orders database."""

    def __init__(self, db: Path):
        self.path = Path(db)
        SQLiteOrderStore(self.path).close()  # the schema, up to date, and the file checked
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=5.0, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
        except DB_ERRORS as e:
            raise KioskError(f"outbox in {self.path}: {_reason(e)}") from None

    def pending(self, limit: int) -> list[tuple[int, dict]]:
        """The oldest unsent rows: (row id, order payload)."""
        try:
            rows = self._conn.execute("SELECT id, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?",
                                      (limit,)).fetchall()
        except DB_ERRORS as e:
            raise KioskError(f"outbox in {self.path}: {_reason(e)}") from None
        out = []
        for row_id, payload in rows:
            try:
                out.append((row_id, json.loads(payload)))
            except ValueError:
                raise KioskError(f"outbox in {self.path}: row {row_id} is damaged") from None
        return out

    def mark_sent(self, ids: list[int], when: datetime) -> None:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("UPDATE outbox SET sent_at = ? WHERE id = ?", [(when.isoformat(), i) for i in ids])
            self._conn.execute("COMMIT")
        except DB_ERRORS as e:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise KioskError(f"outbox in {self.path}: {_reason(e)}") from None

    def backlog(self) -> int:
        """How many orders are waiting to be sent."""
        try:
            return self._conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
        except DB_ERRORS as e:
            raise KioskError(f"outbox in {self.path}: {_reason(e)}") from None

    def last_order_at(self) -> str | None:
        """When the newest order was stored (ISO 8601 UTC), else None."""
        try:
            row = self._conn.execute("SELECT max(created_at) FROM orders").fetchone()
        except DB_ERRORS as e:
            raise KioskError(f"outbox in {self.path}: {_reason(e)}") from None
        return row[0] if row else None

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True)
class SyncResult:
    sent: int
    """Orders the central database took in this run (new there or not)."""
    left: int
    """Orders still waiting here."""


def sync_once(outbox: Outbox, dsn: str, kiosk_id: str, batch: int = 200, migrate: bool = True) -> SyncResult:
    """Send every pending order, `batch` per central transaction; raises KioskError if the server fails
    (what was committed before stays sent). migrate: bring the central schema up to date first (the
    worker does it at its first contact only)."""
    from kiosk.fleet import central

    conn = central.connect(dsn)
    sent = 0
    try:
        if migrate:
            central.migrate(conn)
        while True:
            rows = outbox.pending(batch)
            if not rows:
                break
            try:
                central.ingest(conn, kiosk_id, [payload for _, payload in rows])
            except ValueError as e:  # an order the central schema refuses: a bug, never silently dropped
                raise KioskError(f"central database refused a batch from {kiosk_id}: {e}") from None
            outbox.mark_sent([row_id for row_id, _ in rows], datetime.now(timezone.utc))
            sent += len(rows)
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a connection to a dead server may fail to close
            pass
    return SyncResult(sent, outbox.backlog())


class SyncWorker:
    """The background relay (see the module docstring). `health` is called on this thread and returns the
    heartbeat's figures from the app (a dict read once; the app replaces it, never mutates it)."""

    def __init__(self, db: Path, fleet, health: Callable[[], dict] = dict,
                 quality: Callable[[], dict[str, dict]] = dict, catalog_cache=None,
                 clock: Callable[[], float] = time.monotonic):
        self.fleet, self.health, self.quality, self.catalog_cache = fleet, health, quality, catalog_cache
        self.outbox = Outbox(db)
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.failures = 0
        self.last_error: str | None = None
        self._migrated = False
        self._thread = threading.Thread(target=self._run, name="fleet-sync", daemon=True)

    def start(self) -> SyncWorker:
        self._thread.start()
        return self

    def nudge(self) -> None:
        """An order was just stored: send it soon."""
        self._wake.set()

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self.outbox.close()

    def _run(self) -> None:
        f = self.fleet
        next_beat = next_catalog = self._clock()
        while not self._stop.is_set():
            wait = f.sync_interval
            try:
                sync_once(self.outbox, f.database, f.kiosk_id, f.batch, migrate=not self._migrated)
                self._migrated = True
                now = self._clock()
                if now >= next_beat:
                    self._beat()
                    next_beat = now + f.heartbeat_interval
                if now >= next_catalog and self.catalog_cache is not None:
                    self._pull_catalog()
                    next_catalog = now + f.catalog_interval
                if self.failures:
                    print(f"fleet: the central database answers again ({f.kiosk_id})", file=sys.stderr)
                self.failures, self.last_error = 0, None
            except Exception as e:  # noqa: BLE001 - the relay must outlive any one failure; the kiosk sells on
                message = str(e) if isinstance(e, KioskError) else f"{type(e).__name__}: {' '.join(str(e).split())}"
                self.failures += 1
                if message != self.last_error:  # one line per new problem, not one per retry
                    print(f"fleet: {message}; retrying", file=sys.stderr)
                self.last_error = message
                wait = BACKOFF[min(self.failures, len(BACKOFF)) - 1]
            self._wake.wait(wait)
            self._wake.clear()

    def _beat(self) -> None:
        from kiosk.fleet import central

        beat = {**self.health(), "backlog": self.outbox.backlog(), "last_order_at": self.outbox.last_order_at()}
        conn = central.connect(self.fleet.database)
        try:  # central.py turns the server's failures into one-line KioskErrors
            central.record_heartbeat(conn, self.fleet.kiosk_id, beat)
            for day, figures in self.quality().items():
                central.record_quality(conn, self.fleet.kiosk_id, datetime.fromisoformat(day).date(), figures)
        finally:
            conn.close()

    def _pull_catalog(self) -> None:
        from kiosk.fleet import central

        conn = central.connect(self.fleet.database)
        try:
            found = central.current_catalog(conn)
        finally:
            conn.close()
        if found is not None:
            self.catalog_cache.offer(*found)

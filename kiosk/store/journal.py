"""The cart in progress, journaled in the orders database so a crash (even kill -9) loses nothing.

One singleton row in its own table, `cart_journal`, in the same SQLite file as the orders
(WAL, synchronous=FULL, 0600): each `save()` is one transaction, so after a crash the row
holds either the state before or the state after the last save, never a mix. After a
restart, `load()` returns it and `resume_or_discard()` decides whether to resume it.

Orders and the journal meet at the order uid: the journal keeps the uid the cart got at
checkout, and `load()` reports whether an order with that uid is stored. If the kiosk died
between storing the order and clearing the journal, that cart was bought: it is discarded,
never sold twice. A resumed cart keeps its uid, so confirming it again is idempotent too.

Stdlib only. Nothing is opened at import time. Only item ids and quantities are stored:
no names, no prices (the catalog may have changed), no images.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.shop.cart import MAX_QTY_PER_LINE, Cart
from kiosk.shop.catalog import Catalog, Item
from kiosk.store.orders import DB_ERRORS, SQLiteOrderStore, _reason, check_columns

MAX_LINES = 1000
"""More lines than any catalog has items: a journal with more is not ours."""

_TABLE = """CREATE TABLE IF NOT EXISTS cart_journal (
    id INTEGER PRIMARY KEY CHECK(id = 1),
    saved_at_utc TEXT NOT NULL,
    session_uid TEXT NOT NULL,
    screen TEXT NOT NULL,
    lines_json TEXT NOT NULL,
    order_uid TEXT
)"""


_COLUMNS = ("id", "saved_at_utc", "session_uid", "screen", "lines_json", "order_uid")


@dataclass(frozen=True)
class JournaledCart:
    """The journaled cart: item ids and quantities as saved, and where the shopper was."""

    saved_at: datetime
    """Aware UTC."""
    session_uid: str
    """Same for every save between two clears: one shopping session."""
    screen: str
    lines: tuple[tuple[str, int], ...]
    order_uid: str | None
    """The uid the cart got at checkout, if it had got that far."""
    order_stored: bool
    """True when an order with `order_uid` is already stored: the cart was bought."""


class CartJournal:
    """The journal table in the orders file at `path`. Environment failures are one-line KioskErrors."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._session: str | None = None
        self._last: tuple | None = None  # what the last save() wrote, so sync() writes only changes
        # The orders schema first (and the 0600 file): the order store refuses a file that has
        # tables but no schema version, so the journal must never be the first table in it.
        SQLiteOrderStore(self.path).close()
        try:
            # check_same_thread=False: opened here, then written by the store writer's thread alone
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=5.0, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute(_TABLE)
            check_columns(self._conn, "cart_journal", _COLUMNS, self._error)
        except DB_ERRORS as e:
            self.close()
            raise self._error(_reason(e)) from None
        except KioskError:
            self.close()
            raise

    def _error(self, reason: str) -> KioskError:
        return KioskError(f"cart journal in {self.path}: {reason}")

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise self._error("journal is closed")
        return self._conn

    def save(self, cart_lines: Iterable[tuple[str, int]], screen: str, now_utc: datetime,
             order_uid: str | None = None) -> None:
        """Replace the journaled cart, in one transaction. `now_utc` must be timezone-aware."""
        lines = [(str(item_id), int(qty)) for item_id, qty in cart_lines]
        if now_utc.tzinfo is None or now_utc.utcoffset() is None:
            raise ValueError("now_utc must be timezone-aware")
        if self._session is None:
            self._session = self._stored_session() or uuid.uuid4().hex
        row = (now_utc.astimezone(timezone.utc).isoformat(), self._session, screen,
               json.dumps(lines, separators=(",", ":")), order_uid)
        conn = self._db()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("INSERT OR REPLACE INTO cart_journal (id, saved_at_utc, session_uid, screen, lines_json,"
                             " order_uid) VALUES (1, ?, ?, ?, ?, ?)", row)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except DB_ERRORS as e:
            raise self._error(f"cannot save the cart: {_reason(e)}") from None
        self._last = (tuple(lines), screen, order_uid)

    def sync(self, cart: Cart, screen: str, order_uid: str | None, now_utc: datetime) -> bool:
        """Call once per frame: save when the cart, screen or order uid changed since the last save,
        clear when the cart is empty. Returns True when it wrote."""
        lines = tuple((line.item.id, line.qty) for line in cart.lines)
        if not lines:
            if self._last == ():
                return False
            self.clear()
            return True
        if self._last == (lines, screen, order_uid):
            return False
        self.save(lines, screen, now_utc, order_uid)
        return True

    def load(self) -> JournaledCart | None:
        """The journaled cart, or None when there is none or it cannot be understood (then it is
        cleared: a kiosk must start, and a cart it cannot read cannot be resumed)."""
        conn = self._db()
        try:
            conn.execute("BEGIN")
            try:
                row = conn.execute("SELECT saved_at_utc, session_uid, screen, lines_json, order_uid"
                                   " FROM cart_journal WHERE id = 1").fetchone()
                stored = False
                if row is not None and isinstance(row[4], str):
                    stored = conn.execute("SELECT 1 FROM orders WHERE uid = ?", (row[4],)).fetchone() is not None
            finally:
                conn.execute("COMMIT")
        except DB_ERRORS as e:
            raise self._error(f"cannot read the cart: {_reason(e)}") from None
        if row is None:
            return None
        journaled = _parse_row(row, stored)
        if journaled is None:
            self.clear()
            return None
        self._session = journaled.session_uid
        return journaled

    def clear(self) -> None:
        """Forget the journaled cart (after an order is stored, a timeout, or an emptied cart)."""
        try:
            self._db().execute("DELETE FROM cart_journal")  # autocommit: one transaction
        except DB_ERRORS as e:
            raise self._error(f"cannot clear the cart: {_reason(e)}") from None
        self._session, self._last = None, ()

    def _stored_session(self) -> str | None:
        row = self._db().execute("SELECT session_uid FROM cart_journal WHERE id = 1").fetchone()
        return row[0] if row and isinstance(row[0], str) else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> CartJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _parse_row(row: tuple, order_stored: bool) -> JournaledCart | None:
    saved_at, session_uid, screen, lines_json, order_uid = row
    try:
        when = datetime.fromisoformat(saved_at)
        if when.tzinfo is None:
            return None
        raw = json.loads(lines_json)
        if not isinstance(raw, list) or len(raw) > MAX_LINES:
            return None
        lines = []
        for entry in raw:
            if (not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], str)
                    or type(entry[1]) is not int):
                return None
            lines.append((entry[0], entry[1]))
    except (TypeError, ValueError):  # json.JSONDecodeError is a ValueError
        return None
    if not isinstance(session_uid, str) or not isinstance(screen, str):
        return None
    if order_uid is not None and not isinstance(order_uid, str):
        return None
    return JournaledCart(when.astimezone(timezone.utc), session_uid, screen, tuple(lines), order_uid, order_stored)


def resume_or_discard(journaled: JournaledCart | None, now_utc: datetime, timeout_s: float,
                      catalog: Catalog) -> list[tuple[Item, int]] | None:
    """The cart lines to resume, or None to start afresh.

    Discarded when there is none, its order is already stored, or it was saved more than
    `timeout_s` seconds from `now_utc` (either way: a wall clock that jumped back cannot
    make an old cart look new forever). Items no longer in the catalog are dropped,
    repeated ids merged, quantities capped at MAX_QTY_PER_LINE, lines of 0 or less dropped.
    """
    if journaled is None or journaled.order_stored:
        return None
    age = (now_utc - journaled.saved_at).total_seconds()
    if not abs(age) <= timeout_s:
        return None
    qty: dict[str, int] = {}
    for item_id, n in journaled.lines:
        if catalog.get(item_id) is not None and n > 0:
            qty[item_id] = min(qty.get(item_id, 0) + n, MAX_QTY_PER_LINE)
    lines = [(catalog.get(item_id), n) for item_id, n in qty.items()]
    return lines or None


def cart_from(lines: Iterable[tuple[Item, int]]) -> Cart:
    """A Cart holding these lines, in order (quantities capped as Cart does)."""
    cart = Cart()
    for item, qty in lines:
        cart = cart.set_qty(item, qty)
    return cart

"""Confirmed orders, kept in a local SQLite file (stdlib only, no images stored).

Money is always integer cents; times are always timezone-aware UTC.

- `SQLiteOrderStore` is the real store: one file, WAL journal, synchronous=FULL, so an
  order is on disk once `save()` returns. `save()` is idempotent on `Order.uid`.
- `MemoryOrderStore` is an in-memory fake with the same behaviour, for other modules' tests.
- `write_csv()` and `format_orders()` export and show stored orders.

Nothing is opened at import time.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import sqlite3
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Protocol, TextIO

from kiosk.errors import KioskError
from kiosk.shop.cart import Order, OrderLine
from kiosk.shop.catalog import Catalog

SCHEMA_VERSION = 2
"""Stored in `PRAGMA user_version`. Bump it (and add a migration) when the schema changes."""

APP_DIR_NAME = "touchless-kiosk"
DB_FILE_NAME = "orders.db"

_OUTBOX = """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        order_uid TEXT NOT NULL UNIQUE,
        payload TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        sent_at TEXT
    )"""
"""Every order, queued in its own transaction for a fleet's central database (kiosk/fleet/sync.py) and
marked sent once that database has it. A kiosk without [fleet] sends nothing; one that joins a fleet
later sends its earlier orders too, so the chain's figures are whole."""

_SCHEMA = (
    """CREATE TABLE orders (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        currency TEXT NOT NULL,
        total_cents INTEGER NOT NULL CHECK(total_cents >= 0),
        item_count INTEGER NOT NULL
    )""",
    """CREATE TABLE order_lines (
        order_id INTEGER NOT NULL REFERENCES orders(id),
        line_no INTEGER NOT NULL,
        item_id TEXT NOT NULL,
        name TEXT NOT NULL,
        unit_cents INTEGER NOT NULL,
        qty INTEGER NOT NULL CHECK(qty > 0),
        PRIMARY KEY(order_id, line_no)
    )""",
    _OUTBOX,
)


COLUMNS = {
    "orders": ("id", "uid", "created_at", "currency", "total_cents", "item_count"),
    "order_lines": ("order_id", "line_no", "item_id", "name", "unit_cents", "qty"),
    "outbox": ("id", "order_uid", "payload", "queued_at", "sent_at"),
}
"""The columns of each table _SCHEMA creates, checked at every open."""


def check_columns(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], error) -> None:
    """Raise error(reason) unless `table` exists with exactly `columns`, in order."""
    found = tuple(row[1] for row in conn.execute(f"PRAGMA table_info({table})").fetchall())
    if found != columns:
        what = "is missing" if not found else f"has columns {', '.join(found)}, expected {', '.join(columns)}"
        raise error(f"damaged (table {table} {what}); move it aside and restore a backup")


def order_number(order_id: int) -> str:
    """The human order number printed on the receipt: id 42 -> 'A-0042'. The only place this format lives."""
    return f"A-{order_id:04d}"


def cents_to_decimal(cents: int) -> str:
    """Integer cents -> decimal string with exactly 2 decimals: 120 -> '1.20', -5 -> '-0.05'. No floats."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


@dataclass(frozen=True)
class StoredOrder:
    """An order as stored. `created_at` is aware UTC; money in `lines` is integer cents."""

    id: int
    number: str
    uid: str
    created_at: datetime
    currency: str
    lines: tuple[OrderLine, ...]

    @property
    def total_cents(self) -> int:
        """Order total in cents: the sum of its lines."""
        return sum(line.total_cents for line in self.lines)

    @property
    def item_count(self) -> int:
        """Number of units (not lines), like `Cart.count`."""
        return sum(line.qty for line in self.lines)


class OrderStore(Protocol):
    def save(self, order: Order, created_at: datetime) -> StoredOrder:
        """Store `order` (idempotent on `order.uid`); `created_at` must be timezone-aware."""
        ...

    def list(self, limit: int | None = None) -> list[StoredOrder]:
        """Stored orders, newest first; at most `limit` of them (None: all)."""
        ...


def default_db_path() -> Path:
    """$XDG_DATA_HOME/touchless-kiosk/orders.db, else ~/.local/share/touchless-kiosk/orders.db.

    Reads the environment at call time. A relative XDG_DATA_HOME is ignored, as the XDG spec says.
    """
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / APP_DIR_NAME / DB_FILE_NAME


def _check_order(order: Order, created_at: datetime) -> datetime:
    """Refuse what must never be stored (ValueError); return `created_at` in UTC."""
    if not order.lines:
        raise ValueError(f"order {order.uid!r} has no lines")
    if not isinstance(order.uid, str) or not order.uid:
        raise ValueError("order uid must be a non-empty string")
    for n, line in enumerate(order.lines, start=1):
        if not isinstance(line.qty, int) or line.qty <= 0:
            raise ValueError(f"order {order.uid!r} line {n}: qty {line.qty!r} must be a positive integer")
        if not isinstance(line.unit_cents, int) or line.unit_cents < 0:
            raise ValueError(f"order {order.uid!r} line {n}: unit_cents {line.unit_cents!r} must be an integer >= 0")
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")
    return created_at.astimezone(timezone.utc)


class SQLiteOrderStore:
    """Orders in a SQLite file. Any environment failure is a one-line KioskError naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        _prepare_file(self.path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly what we say.
            # check_same_thread=False: opened here, then written by the store writer's thread alone
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=5.0, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")  # first read: fails here if not a database
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self._check()
            self.recovered = self._store_parked()
            """Orders kept aside by an earlier failed save, stored now (see `_park`)."""
        except DB_ERRORS as e:
            self.close()
            raise self._error(_reason(e)) from None
        except KioskError:
            self.close()
            raise

    def _error(self, reason: str) -> KioskError:
        return KioskError(f"orders database {self.path}: {reason}")

    def _migrate(self) -> None:
        conn = self._db()
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise self._error(
                    f"schema version {version} is newer than this kiosk supports ({SCHEMA_VERSION}); upgrade the kiosk"
                )
            if version == 0:
                tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
                if tables:
                    raise self._error("not an orders database (it has other tables and no schema version)")
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version < SCHEMA_VERSION:
                for step in range(version, SCHEMA_VERSION):
                    self._UPGRADES[step](self)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _upgrade_1_to_2(self) -> None:
        """The outbox, holding the orders stored before it existed too (inside _migrate's transaction)."""
        conn = self._db()
        conn.execute(_OUTBOX)
        for row in conn.execute("SELECT id, uid, created_at, currency, total_cents FROM orders ORDER BY id").fetchall():
            self._queue(self._build(row))

    _UPGRADES = {1: _upgrade_1_to_2}
    """Schema version N -> the method that takes a file to N + 1."""

    def _queue(self, stored: StoredOrder) -> None:
        """Queue a stored order in the outbox (inside the caller's transaction)."""
        payload = {"uid": stored.uid, "number": stored.number, "created_at": stored.created_at.isoformat(),
                   "currency": stored.currency, "total_cents": stored.total_cents,
                   "lines": [{"line_no": n, "item_id": l.item_id, "name": l.name, "unit_cents": l.unit_cents,
                              "qty": l.qty} for n, l in enumerate(stored.lines, 1)]}
        self._db().execute("INSERT INTO outbox (order_uid, payload, queued_at) VALUES (?, ?, ?)",
                           (stored.uid, json.dumps(payload), datetime.now(timezone.utc).isoformat()))

    def _check(self) -> None:
        """Refuse a file that opens but is damaged: SQLite's quick_check, and the tables' columns. Accepted,
        it would fail every checkout while the kiosk looked fine; refused, the kiosk does not start, and
        the supervisor (and whoever watches it) sees why."""
        conn = self._db()
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)").fetchall()]
        except sqlite3.DatabaseError as e:  # "database disk image is malformed"
            problems = [_reason(e)]
        if problems != ["ok"]:
            # quick_check's first row may be several lines ("*** in database main ***\nPage 10: ..."): one line
            first = "; ".join(x for x in str(problems[0]).splitlines() if x and not x.startswith("***"))
            raise self._error(f"damaged ({first or 'quick_check failed'}); move it aside and restore a backup")
        for table, columns in COLUMNS.items():
            check_columns(conn, table, columns, self._error)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise self._error("store is closed")
        return self._conn

    def save(self, order: Order, created_at: datetime) -> StoredOrder:
        """Store the order and all its lines in one transaction; return it as stored.

        Idempotent on `order.uid`: if that uid is already stored, the first stored order is
        returned and nothing is written. An order without lines (or with qty <= 0) is a ValueError.
        """
        created_utc = _check_order(order, created_at)
        conn = self._db()
        kept = self._park(order, created_utc)  # first, outside the database: a kill from here on loses nothing
        try:
            conn.execute("BEGIN IMMEDIATE")  # take the write lock before looking, so no other writer races us
            try:
                existing = self._load_by_uid(order.uid)
                if existing is not None:
                    conn.execute("ROLLBACK")
                    with contextlib.suppress(OSError):
                        os.unlink(self._parked_file(order.uid))
                    return existing
                cur = conn.execute(
                    "INSERT INTO orders (uid, created_at, currency, total_cents, item_count) VALUES (?, ?, ?, ?, ?)",
                    (order.uid, created_utc.isoformat(), order.currency, order.total_cents,
                     sum(line.qty for line in order.lines)),
                )
                order_id = cur.lastrowid
                conn.executemany(
                    "INSERT INTO order_lines (order_id, line_no, item_id, name, unit_cents, qty)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(order_id, n, l.item_id, l.name, l.unit_cents, l.qty) for n, l in enumerate(order.lines, 1)],
                )
                self._queue(StoredOrder(order_id, order_number(order_id), order.uid, created_utc, order.currency,
                                        order.lines))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except DB_ERRORS as e:
            raise self._error(f"cannot save order {order.uid!r}: {_reason(e)}"
                              + (f" (kept in {kept} until it can be)" if kept else "")) from None
        with contextlib.suppress(OSError):
            os.unlink(self._parked_file(order.uid))  # in the database now
        return StoredOrder(order_id, order_number(order_id), order.uid, created_utc, order.currency, order.lines)

    # -- a paid order the database would not take is kept aside, never lost --------------------------
    def _parked_file(self, uid: str) -> Path:
        safe = uid if uid.replace("-", "").isalnum() and len(uid) <= 64 else hashlib.sha256(uid.encode()).hexdigest()
        return self.path.with_name(self.path.name + ".unsaved") / f"{safe}.json"

    def _park(self, order: Order, created_utc: datetime) -> Path | None:
        """Write the order to `<database>.unsaved/<uid>.json` (atomically, 0600) before the database is
        asked, and delete it once the database has it. So a kill mid-save, or a locked, damaged or
        replaced database, loses no paid order: the next open stores what is kept (`_store_parked`).
        None if even that fails (a full disk): the database is still asked."""
        from kiosk.files import write_atomic

        path = self._parked_file(order.uid)
        record = {"uid": order.uid, "currency": order.currency, "created_at": created_utc.isoformat(),
                  "lines": [[l.item_id, l.name, l.unit_cents, l.qty] for l in order.lines]}
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            write_atomic(path, json.dumps(record).encode(), mode=0o600)
        except OSError:
            return None
        return path

    def _store_parked(self) -> int:
        """Store the orders kept aside by earlier failed saves (idempotent on their uid); each stored one's
        file goes. A file that is not such an order stays, for a person to look at. -> orders stored."""
        folder = self.path.with_name(self.path.name + ".unsaved")
        if not folder.is_dir():
            return 0
        stored = 0
        for path in sorted(folder.glob("*.json")):
            try:
                if not stat.S_ISREG(path.lstat().st_mode) or path.lstat().st_size > 1 << 20:
                    continue
                r = json.loads(path.read_bytes())
                order = Order(r["uid"], r["currency"], tuple(OrderLine(*line) for line in r["lines"]))
                if not all(isinstance(v, str) for v in (order.currency, *(x for l in order.lines for x in (l.item_id, l.name)))):
                    continue
                created = datetime.fromisoformat(r["created_at"])
                self.save(order, created)
            except (OSError, ValueError, TypeError, KeyError):
                continue
            stored += 1
        return stored

    def list(self, limit: int | None = None) -> list[StoredOrder]:
        """Stored orders, newest first (highest id first: save order, immune to clock changes)."""
        if limit is not None and limit < 0:
            raise ValueError("limit must be >= 0")
        conn = self._db()
        try:
            conn.execute("BEGIN")  # one snapshot for both queries
            try:
                rows = conn.execute(
                    "SELECT id, uid, created_at, currency, total_cents FROM orders ORDER BY id DESC LIMIT ?",
                    (-1 if limit is None else limit,),
                ).fetchall()
                return [self._build(row) for row in rows]
            finally:
                conn.execute("COMMIT")
        except DB_ERRORS as e:
            raise self._error(f"cannot read orders: {_reason(e)}") from None

    def _load_by_uid(self, uid: str) -> StoredOrder | None:
        row = self._db().execute(
            "SELECT id, uid, created_at, currency, total_cents FROM orders WHERE uid = ?", (uid,)
        ).fetchone()
        return None if row is None else self._build(row)

    def _build(self, row: tuple) -> StoredOrder:
        """A stored order from its row and its lines; a damaged value is a KioskError, never a traceback."""
        order_id, uid, created_at, currency, total_cents = row
        rows = self._db().execute(
            "SELECT item_id, name, unit_cents, qty FROM order_lines WHERE order_id = ? ORDER BY line_no",
            (order_id,),
        ).fetchall()
        texts = (uid, created_at, currency, *(v for r in rows for v in r[:2]))
        numbers = (order_id, total_cents, *(v for r in rows for v in r[2:]))
        if not all(isinstance(v, str) for v in texts) or not all(type(v) is int for v in numbers):
            raise self._error(f"order {order_id!r} is damaged (a value of the wrong type)")
        try:
            when = datetime.fromisoformat(created_at).astimezone(timezone.utc)
        except ValueError:
            raise self._error(f"order {order_id!r} is damaged (created_at {created_at!r})") from None
        lines = tuple(OrderLine(item_id, name, unit_cents, qty) for item_id, name, unit_cents, qty in rows)
        stored = StoredOrder(order_id, order_number(order_id), uid, when, currency, lines)
        if stored.total_cents != total_cents:
            raise self._error(f"order {stored.number} total {total_cents} does not match its lines")
        return stored

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> SQLiteOrderStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _prepare_file(path: Path) -> None:
    """Create missing parent dirs (0o700) and the DB file (0o600); force 0o600 on an existing file."""
    where = f"orders database {path}"
    try:
        missing = [p for p in reversed(path.parents) if not p.exists()]
        for directory in missing:
            directory.mkdir(mode=0o700)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        if not path.is_file():
            raise KioskError(f"{where}: not a regular file")
        if path.stat().st_mode & 0o777 != 0o600:
            os.chmod(path, 0o600)
        with open(path, "rb"):  # unreadable -> PermissionError, before sqlite gives a vaguer reason
            pass
    except OSError as e:
        raise KioskError(f"{where}: {e.strerror or e}") from None


DB_ERRORS = (sqlite3.Error, UnicodeDecodeError)
"""What reading a SQLite file can raise: its own errors, and text in it that is not UTF-8 (a damaged file)."""


def _reason(e: BaseException) -> str:
    """A short one-line reason from an exception."""
    if isinstance(e, UnicodeDecodeError):
        return "damaged (text that is not UTF-8)"
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


class MemoryOrderStore:
    """In-memory OrderStore for tests: same validation, idempotency and ordering as SQLiteOrderStore."""

    def __init__(self) -> None:
        self._orders: list[StoredOrder] = []  # oldest first

    def save(self, order: Order, created_at: datetime) -> StoredOrder:
        created_utc = _check_order(order, created_at)
        for stored in self._orders:
            if stored.uid == order.uid:
                return stored
        order_id = len(self._orders) + 1
        stored = StoredOrder(order_id, order_number(order_id), order.uid, created_utc, order.currency, order.lines)
        self._orders.append(stored)
        return stored

    def list(self, limit: int | None = None) -> list[StoredOrder]:
        if limit is not None and limit < 0:
            raise ValueError("limit must be >= 0")
        newest_first = self._orders[::-1]
        return newest_first if limit is None else newest_first[:limit]


CSV_HEADER = (
    "order_id", "number", "created_at", "currency", "item_id", "name",
    "unit_price", "qty", "line_total", "order_total",
)


def write_csv(orders: Iterable[StoredOrder], out: TextIO) -> int:
    """Write one CSV row per order line; return the number of data rows (header not counted).

    Prices are decimal strings with 2 decimals ("1.20") made from integer cents; created_at is
    ISO 8601 UTC. Open `out` with newline="" as the csv module requires.
    """
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    rows = 0
    for order in orders:
        for line in order.lines:
            writer.writerow((
                order.id, order.number, order.created_at.isoformat(), order.currency,
                line.item_id, line.name, cents_to_decimal(line.unit_cents), line.qty,
                cents_to_decimal(line.total_cents), cents_to_decimal(order.total_cents),
            ))
            rows += 1
    return rows


def format_orders(orders: list[StoredOrder]) -> str:
    """A plain-text table for the terminal: number, local time to the minute, units, total."""
    if not orders:
        return "no orders yet"
    header = ("Order", "Created", "Items", "Total")
    rows = [
        (
            o.number,
            o.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            str(o.item_count),
            Catalog(currency=o.currency, items=()).format(o.total_cents),
        )
        for o in orders
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r: tuple[str, ...]) -> str:
        return f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}"

    return "\n".join([fmt(header), *(fmt(r) for r in rows)])

"""The central PostgreSQL of a fleet: the only module that speaks SQL to it (psycopg 3).

It owns the central schema and its migrations (kiosk/fleet/migrations/NNNN_*.sql, applied in order,
one transaction each, recorded in `schema_migrations`), the idempotent ingest of the kiosks' orders,
their heartbeats and daily interaction-quality figures, the versioned central catalog, and the
queries the back office shows.

- Money is integer cents, times are timestamptz (read back as UTC); a "day" is a UTC day.
- Every function runs in its own transaction (`conn.transaction()`), so the connection is idle again
  when it returns: a write is committed, or on any error nothing of it is. Call them with the
  connection idle, as `connect` returns it (inside a caller's open transaction they only nest).
- Bad input (a malformed order, heartbeat or figures) is a ValueError raised before anything is
  written; a bad catalog is one InputError line. The server failing (unreachable, gone mid-batch) is a
  KioskError of one line naming it (host:port, never the password); reconnect after it.
"""
from __future__ import annotations

import functools
import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from kiosk.errors import InputError, KioskError
from kiosk.shop.catalog import check_catalog

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATE_LOCK = 0x6B696F736B01
"""pg_advisory_xact_lock key: one migrating kiosk at a time."""
CATALOG_LOCK = 0x6B696F736B02
"""pg_advisory_xact_lock key: one catalog publisher at a time (versions are max + 1)."""
MAX_BATCH = 1000
"""Orders per ingest call."""
MAX_TEXT = 200
"""Characters of a uid, kiosk id, order number, item id or name, version or camera text."""
INT_MAX = 2**31 - 1  # PostgreSQL integer
QUALITY_COUNTS = ("sessions", "purchases", "abandoned", "quick_undos", "dwell_uses", "hand_lost")
QUALITY_KEYS = (*QUALITY_COUNTS, "abandoned_on", "first_click_median_s")
HEARTBEAT_KEYS = ("version", "fps", "tracking_ms", "camera", "last_order_at", "backlog")
"""Required in a heartbeat; "at" is optional (the server's clock when absent)."""


# --------------------------------------------------------------------------- connecting


def connect(dsn: str, timeout: float = 5.0) -> psycopg.Connection:
    """A connection (autocommit off, session time zone UTC), or one KioskError line naming the server
    and the reason. `timeout` bounds the connection attempt (libpq counts whole seconds, at least 2)."""
    where = _where_dsn(dsn)
    try:
        conn = psycopg.connect(dsn, connect_timeout=max(2, math.ceil(timeout)), autocommit=False)
    except psycopg.ProgrammingError:  # a DSN libpq cannot parse: its message may quote the password
        raise KioskError(f"central database {where}: the connection string is not valid") from None
    except psycopg.Error as e:
        raise KioskError(f"central database {where}: cannot connect ({_connect_reason(e)})") from None
    try:
        conn.execute("SET TIME ZONE 'UTC'")
        conn.commit()
    except psycopg.Error as e:
        conn.close()
        raise KioskError(f"central database {where}: {_one_line(e)}") from None
    return conn


def _where_dsn(dsn: str) -> str:
    """'host:port' from a DSN (URL or key=value), for messages; never the password."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.Error:
        return "(unreadable connection string)"
    host = params.get("host") or params.get("hostaddr") or "local socket"
    return f"{host}:{params.get('port') or 5432}"


def _where_conn(conn: psycopg.Connection) -> str:
    try:
        return f"{conn.info.host}:{conn.info.port}"
    except Exception:  # noqa: BLE001 - a closed connection may not say
        return "(closed connection)"


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _connect_reason(e: psycopg.Error) -> str:
    """libpq's 'connection to server at "h", port p failed: Connection refused\\n\\tIs the server ...'
    without the server part (the message names it already)."""
    text = _one_line(e)
    return text.rsplit(" failed: ", 1)[-1] if " failed: " in text else text


def _server_errors(function):
    """psycopg's errors (server gone, timeout, deadlock...) become one KioskError line naming the server."""
    @functools.wraps(function)
    def wrapper(conn, *args, **kwargs):
        try:
            return function(conn, *args, **kwargs)
        except psycopg.Error as e:
            raise KioskError(f"central database {_where_conn(conn)}: {_one_line(e)}") from e
    return wrapper


# --------------------------------------------------------------------------- migrations


def migrations() -> list[tuple[int, Path]]:
    """(version, file) of kiosk/fleet/migrations/NNNN_name.sql, in order; versions must run 1, 2, 3..."""
    found = sorted((int(m.group(1)), p) for p in MIGRATIONS.glob("*.sql")
                   if (m := re.fullmatch(r"(\d{4})_[a-z0-9_]+\.sql", p.name)))
    if [v for v, _ in found] != list(range(1, len(found) + 1)):
        raise KioskError(f"migrations in {MIGRATIONS} are not numbered 0001, 0002, ... without gaps")
    return found


@_server_errors
def migrate(conn: psycopg.Connection) -> int:
    """Apply the missing migrations in order, one transaction each, under an advisory lock (kiosks may
    migrate at the same time: the second waits, then finds nothing to do). -> the version now, which is
    the database's own if a newer kiosk migrated it further than this code knows."""
    current = 0
    for version, path in migrations():
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version integer PRIMARY KEY,"
                         " applied_at timestamptz NOT NULL DEFAULT now())")
            current = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
            if current >= version:
                continue
            conn.execute(path.read_text(encoding="utf-8"))
            conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
            current = version
    with conn.transaction():
        return conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


# --------------------------------------------------------------------------- checking input


def _text(value: object, what: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")
    if len(value) > MAX_TEXT or "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise ValueError(f"{what} must be at most {MAX_TEXT} characters without NUL")
    return value


def _int(value: object, what: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= INT_MAX:
        raise ValueError(f"{what} must be an integer from {low} to {INT_MAX}, not {value!r}")
    return value


def _real(value: object, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a number >= 0 or null, not {value!r}")
    return float(value)


def _time(value: object, what: str, optional: bool = False) -> datetime | None:
    """An ISO 8601 string with an offset (or an aware datetime) -> aware datetime."""
    if value is None and optional:
        return None
    when = value
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what} {value!r} is not an ISO 8601 time") from None
    if not isinstance(when, datetime) or when.utcoffset() is None:
        raise ValueError(f"{what} must be an ISO 8601 time with an offset, not {value!r}")
    return when


def _day(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{what} must be a date, not {value!r}")
    return value


def _keys(data: object, required: tuple[str, ...], optional: tuple[str, ...], what: str) -> dict:
    if not isinstance(data, dict):
        raise ValueError(f"{what} must be a dict, not {type(data).__name__}")
    missing = [k for k in required if k not in data]
    unknown = [k for k in data if k not in required and k not in optional]
    if missing or unknown:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                ([f"unknown key {', '.join(map(repr, unknown))}"] if unknown else [])
        raise ValueError(f"{what}: {'; '.join(parts)}")
    return data


def check_order(order: object, what: str = "order") -> dict:
    """A checked copy of one order dict of `ingest`, or ValueError naming the order and the problem."""
    data = _keys(order, ("uid", "number", "created_at", "currency", "total_cents", "lines"), (), what)
    uid = _text(data["uid"], f"{what}: uid")
    what = f"{what} (uid {uid!r})"
    currency = data["currency"]
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"{what}: currency must be a 3-letter code like 'EUR', not {currency!r}")
    lines = data["lines"]
    if not isinstance(lines, list) or not lines:
        raise ValueError(f"{what}: lines must be a non-empty list")
    checked_lines = []
    for n, line in enumerate(lines):
        at = f"{what}: lines[{n}]"
        line = _keys(line, ("line_no", "item_id", "name", "unit_cents", "qty"), (), at)
        checked_lines.append({"line_no": _int(line["line_no"], f"{at}.line_no", 1),
                              "item_id": _text(line["item_id"], f"{at}.item_id"),
                              "name": _text(line["name"], f"{at}.name"),
                              "unit_cents": _int(line["unit_cents"], f"{at}.unit_cents", 0),
                              "qty": _int(line["qty"], f"{at}.qty", 1)})
    numbers = [line["line_no"] for line in checked_lines]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"{what}: line_no repeats ({numbers})")
    total = _int(data["total_cents"], f"{what}: total_cents", 0)
    lines_sum = sum(line["unit_cents"] * line["qty"] for line in checked_lines)
    if total != lines_sum:
        raise ValueError(f"{what}: total_cents {total} is not the sum of its lines ({lines_sum})")
    return {"uid": uid, "number": _text(data["number"], f"{what}: number"),
            "created_at": _time(data["created_at"], f"{what}: created_at"),
            "currency": currency, "total_cents": total, "lines": checked_lines}


# --------------------------------------------------------------------------- what kiosks send


def _seen(conn: psycopg.Connection, kiosk_id: str) -> None:
    conn.execute("INSERT INTO kiosks (kiosk_id) VALUES (%s)"
                 " ON CONFLICT (kiosk_id) DO UPDATE SET last_seen = now()", (kiosk_id,))


@_server_errors
def ingest(conn: psycopg.Connection, kiosk_id: str, orders: list[dict]) -> int:
    """Store a batch of a kiosk's orders in one transaction; -> how many were new.

    Idempotent on the order uid: an order already here (redelivered, or sent by another kiosk first)
    is skipped with its lines, so every order is stored exactly once, as first received. The whole
    batch is checked first: one malformed order is a ValueError and nothing of the batch is written.
    """
    _text(kiosk_id, "kiosk_id")
    if not isinstance(orders, list) or len(orders) > MAX_BATCH:
        raise ValueError(f"orders must be a list of at most {MAX_BATCH} orders")
    checked = [check_order(order, f"orders[{n}]") for n, order in enumerate(orders)]
    # In uid order: two batches sharing uids lock them in the same order, so they cannot deadlock.
    checked.sort(key=lambda order: order["uid"])
    new = 0
    with conn.transaction():
        _seen(conn, kiosk_id)
        for order in checked:
            inserted = conn.execute(
                "INSERT INTO orders (uid, kiosk_id, number, total_cents, currency, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (uid) DO NOTHING RETURNING uid",
                (order["uid"], kiosk_id, order["number"], order["total_cents"], order["currency"],
                 order["created_at"])).fetchone()
            if inserted is None:
                continue
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO order_lines (order_uid, line_no, item_id, name, unit_cents, qty)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    [(order["uid"], line["line_no"], line["item_id"], line["name"], line["unit_cents"],
                      line["qty"]) for line in order["lines"]])
            new += 1
    return new


@_server_errors
def record_heartbeat(conn: psycopg.Connection, kiosk_id: str, beat: dict) -> None:
    """Keep a kiosk's newest heartbeat: {"version": str, "fps": float|None, "tracking_ms": float|None,
    "camera": str, "last_order_at": ISO 8601|None, "backlog": int, "at": ISO 8601 (optional: the
    server's clock when absent)}. A beat older than the stored one (a late retry) changes nothing."""
    _text(kiosk_id, "kiosk_id")
    data = _keys(beat, HEARTBEAT_KEYS, ("at",), "heartbeat")
    row = (kiosk_id, _time(data.get("at"), "heartbeat: at", optional=True),
           _text(data["version"], "heartbeat: version"), _real(data["fps"], "heartbeat: fps"),
           _real(data["tracking_ms"], "heartbeat: tracking_ms"), _text(data["camera"], "heartbeat: camera"),
           _time(data["last_order_at"], "heartbeat: last_order_at", optional=True),
           _int(data["backlog"], "heartbeat: backlog", 0))
    with conn.transaction():
        _seen(conn, kiosk_id)
        conn.execute(
            "INSERT INTO heartbeats (kiosk_id, at, version, fps, tracking_ms, camera, last_order_at, backlog)"
            " VALUES (%s, coalesce(%s, now()), %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (kiosk_id) DO UPDATE SET at = EXCLUDED.at, version = EXCLUDED.version,"
            " fps = EXCLUDED.fps, tracking_ms = EXCLUDED.tracking_ms, camera = EXCLUDED.camera,"
            " last_order_at = EXCLUDED.last_order_at, backlog = EXCLUDED.backlog"
            " WHERE heartbeats.at <= EXCLUDED.at", row)


@_server_errors
def record_quality(conn: psycopg.Connection, kiosk_id: str, day: date, figures: dict) -> None:
    """Replace a kiosk's interaction-quality figures for one (UTC) day with `figures`: the integers
    sessions, purchases, abandoned, quick_undos, dwell_uses, hand_lost (>= 0); abandoned_on
    {screen: count}; first_click_median_s (seconds >= 0, or None when no session clicked)."""
    _text(kiosk_id, "kiosk_id")
    _day(day, "day")
    data = _keys(figures, QUALITY_KEYS, (), "quality")
    counts = [_int(data[key], f"quality: {key}", 0) for key in QUALITY_COUNTS]
    abandoned_on = data["abandoned_on"]
    if not isinstance(abandoned_on, dict):
        raise ValueError(f"quality: abandoned_on must be a dict of screen -> count, not {abandoned_on!r}")
    for screen, count in abandoned_on.items():
        _text(screen, "quality: abandoned_on key")
        _int(count, f"quality: abandoned_on[{screen!r}]", 0)
    median = _real(data["first_click_median_s"], "quality: first_click_median_s")
    with conn.transaction():
        _seen(conn, kiosk_id)
        conn.execute(
            "INSERT INTO quality (kiosk_id, day, sessions, purchases, abandoned, quick_undos, dwell_uses,"
            " hand_lost, abandoned_on, first_click_median_s) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (kiosk_id, day) DO UPDATE SET sessions = EXCLUDED.sessions,"
            " purchases = EXCLUDED.purchases, abandoned = EXCLUDED.abandoned,"
            " quick_undos = EXCLUDED.quick_undos, dwell_uses = EXCLUDED.dwell_uses,"
            " hand_lost = EXCLUDED.hand_lost, abandoned_on = EXCLUDED.abandoned_on,"
            " first_click_median_s = EXCLUDED.first_click_median_s, updated_at = now()",
            (kiosk_id, day, *counts, Jsonb(abandoned_on), median))


# --------------------------------------------------------------------------- the central catalog


@_server_errors
def current_catalog(conn: psycopg.Connection) -> tuple[int, dict] | None:
    """(version, {"currency": str, "items": [item dicts as in a catalog file's [[items]]]}) of the newest
    published catalog, or None before the first."""
    with conn.transaction():
        row = conn.execute("SELECT version, currency, items FROM catalog ORDER BY version DESC LIMIT 1").fetchone()
    return None if row is None else (row[0], {"currency": row[1], "items": row[2]})


@_server_errors
def publish_catalog(conn: psycopg.Connection, catalog: dict, changed_by: str,
                    images_dir: Path | None = None) -> int:
    """Publish {"currency", "items": [...]} as the new current catalog; -> its version (1, 2, ...).

    Checked exactly as a catalog file is (kiosk.shop.catalog.check_catalog): a problem is one InputError
    line, `catalog central: items[1].price (item 'milk'): ...`. An item's `image` is checked to exist
    under `images_dir`; without one, the central catalog carries no pictures and an image is refused.
    """
    source = "central"
    if not isinstance(changed_by, str) or not changed_by.strip() or len(changed_by) > MAX_TEXT:
        raise InputError(f"catalog {source}: changed_by must be a name of 1-{MAX_TEXT} characters")
    items = catalog.get("items") if isinstance(catalog, dict) else None
    if images_dir is None and isinstance(items, list):
        for n, item in enumerate(items):
            if isinstance(item, dict) and "image" in item:
                raise InputError(f"catalog {source}: items[{n}].image: the central catalog has no pictures "
                                 "(publish with images_dir to check them)")
    checked = check_catalog(catalog, source, images_dir or Path("."))
    try:
        stored = Jsonb(json.loads(json.dumps(items)))  # what a kiosk reads back is exactly this
    except (TypeError, ValueError) as e:
        raise InputError(f"catalog {source}: items: not JSON data ({e})") from None
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (CATALOG_LOCK,))
        return conn.execute(
            "INSERT INTO catalog (version, currency, items, changed_by)"
            " SELECT coalesce(max(version), 0) + 1, %s, %s, %s FROM catalog RETURNING version",
            (checked.currency, stored, changed_by.strip())).fetchone()[0]


# --------------------------------------------------------------------------- the back office


def _utc_range(day_from: date, day_to: date) -> tuple[datetime, datetime]:
    """[day_from 00:00 UTC, day_to + 1 00:00 UTC)."""
    _day(day_from, "day_from")
    _day(day_to, "day_to")
    if day_to < day_from:
        raise ValueError(f"day_to {day_to} is before day_from {day_from}")
    start = datetime(day_from.year, day_from.month, day_from.day, tzinfo=timezone.utc)
    end = datetime(day_to.year, day_to.month, day_to.day, tzinfo=timezone.utc) + timedelta(days=1)
    return start, end


@_server_errors
def orders(conn: psycopg.Connection, kiosk_id: str | None = None, day: date | None = None,
           limit: int = 500) -> list[dict]:
    """The newest orders first, of one kiosk and/or one UTC day when given, at most `limit`:
    [{"uid", "kiosk_id", "number", "created_at", "received_at" (aware UTC datetimes), "currency",
    "total_cents", "lines": [{"line_no", "item_id", "name", "unit_cents", "qty"}, ...]}]."""
    _int(limit, "limit", 1)
    start, end = _utc_range(day, day) if day is not None else (None, None)
    with conn.transaction():
        rows = conn.execute(
            "SELECT uid, kiosk_id, number, created_at, received_at, currency, total_cents FROM orders"
            " WHERE (%(kiosk)s::text IS NULL OR kiosk_id = %(kiosk)s)"
            " AND (%(start)s::timestamptz IS NULL OR (created_at >= %(start)s AND created_at < %(end)s))"
            " ORDER BY created_at DESC, uid DESC LIMIT %(limit)s",
            {"kiosk": kiosk_id, "start": start, "end": end, "limit": limit}).fetchall()
        lines: dict[str, list[dict]] = {row[0]: [] for row in rows}
        for uid, line_no, item_id, name, unit_cents, qty in conn.execute(
                "SELECT order_uid, line_no, item_id, name, unit_cents, qty FROM order_lines"
                " WHERE order_uid = ANY(%s) ORDER BY order_uid, line_no", (list(lines),)):
            lines[uid].append({"line_no": line_no, "item_id": item_id, "name": name,
                               "unit_cents": unit_cents, "qty": qty})
    return [{"uid": uid, "kiosk_id": kiosk, "number": number, "created_at": created, "received_at": received,
             "currency": currency, "total_cents": total, "lines": lines[uid]}
            for uid, kiosk, number, created, received, currency, total in rows]


@_server_errors
def sales_by_item(conn: psycopg.Connection, day_from: date, day_to: date) -> list[tuple[str, str, int, int]]:
    """[(item_id, name, qty, cents)] sold on the UTC days day_from..day_to (both included), by cents
    then item_id; `name` is the one on the item's newest order line. All currencies are added up: a
    fleet sells in one currency."""
    start, end = _utc_range(day_from, day_to)
    with conn.transaction():
        rows = conn.execute(
            "SELECT l.item_id, (array_agg(l.name ORDER BY o.created_at DESC, o.uid DESC))[1],"
            " sum(l.qty), sum(l.qty::bigint * l.unit_cents)"
            " FROM order_lines l JOIN orders o ON o.uid = l.order_uid"
            " WHERE o.created_at >= %s AND o.created_at < %s"
            " GROUP BY l.item_id ORDER BY 4 DESC, 1", (start, end)).fetchall()
    return [(item_id, name, int(qty), int(cents)) for item_id, name, qty, cents in rows]


@_server_errors
def sales_by_hour(conn: psycopg.Connection, day: date) -> list[tuple[int, int, int]]:
    """24 rows (hour 0-23 in UTC, orders, cents) for one UTC day, hours without sales included as 0."""
    start, end = _utc_range(day, day)
    with conn.transaction():
        rows = conn.execute(
            "SELECT h, count(o.uid), coalesce(sum(o.total_cents), 0)"
            " FROM generate_series(0, 23) AS h LEFT JOIN orders o"
            " ON o.created_at >= %(start)s AND o.created_at < %(end)s"
            " AND extract(hour FROM o.created_at AT TIME ZONE 'UTC') = h"
            " GROUP BY h ORDER BY h", {"start": start, "end": end}).fetchall()
    return [(int(h), int(n), int(cents)) for h, n, cents in rows]


@_server_errors
def kiosk_health(conn: psycopg.Connection, now: datetime, interval: float = 30.0) -> list[dict]:
    """Per kiosk ever seen, by kiosk_id: {"kiosk_id", "last_seen", "at", "version", "fps", "tracking_ms",
    "camera", "last_order_at", "backlog" (the last heartbeat's; None without one), "age_s" (seconds
    from its `at` to `now`, None without one), "stale" (True when age_s > 3 * interval, or no heartbeat)}."""
    _time(now, "now")
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not interval > 0:
        raise ValueError(f"interval must be a number of seconds > 0, not {interval!r}")
    with conn.transaction():
        rows = conn.execute(
            "SELECT k.kiosk_id, k.last_seen, h.at, h.version, h.fps, h.tracking_ms, h.camera, h.last_order_at,"
            " h.backlog FROM kiosks k LEFT JOIN heartbeats h USING (kiosk_id) ORDER BY k.kiosk_id").fetchall()
    out = []
    for kiosk_id, last_seen, at, version, fps, tracking_ms, camera, last_order_at, backlog in rows:
        age = None if at is None else (now - at).total_seconds()
        out.append({"kiosk_id": kiosk_id, "last_seen": last_seen, "at": at, "version": version, "fps": fps,
                    "tracking_ms": tracking_ms, "camera": camera, "last_order_at": last_order_at,
                    "backlog": backlog, "age_s": age, "stale": age is None or age > 3 * interval})
    return out


@_server_errors
def quality(conn: psycopg.Connection, day_from: date, day_to: date) -> list[dict]:
    """The figures of the days day_from..day_to (both included), by day then kiosk_id: {"kiosk_id", "day",
    "sessions", "purchases", "abandoned", "abandoned_on" {screen: count}, "first_click_median_s",
    "quick_undos", "dwell_uses", "hand_lost", "updated_at"}."""
    _utc_range(day_from, day_to)
    columns = ("kiosk_id", "day", *QUALITY_COUNTS, "abandoned_on", "first_click_median_s", "updated_at")
    with conn.transaction():
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM quality WHERE day BETWEEN %s AND %s"
                            " ORDER BY day, kiosk_id", (day_from, day_to)).fetchall()
    return [dict(zip(columns, row)) for row in rows]


@_server_errors
def backlog(conn: psycopg.Connection) -> list[tuple[str, int, datetime]]:
    """[(kiosk_id, orders waiting on the kiosk, when it said so)] from each kiosk's last heartbeat,
    the largest backlog first."""
    with conn.transaction():
        rows = conn.execute("SELECT kiosk_id, backlog, at FROM heartbeats ORDER BY backlog DESC, kiosk_id").fetchall()
    return [tuple(row) for row in rows]

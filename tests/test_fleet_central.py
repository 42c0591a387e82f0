"""kiosk/fleet/central.py against a real PostgreSQL (tests/pg.py): migrations, idempotent ingest,
heartbeats, quality figures, the central catalog, the back-office queries, and the server going away.
Expected figures are worked out by hand from the small data set below, never by the code under test."""
from __future__ import annotations

import itertools
import socket
import threading
import time
from datetime import date, datetime, timedelta, timezone

import psycopg
import pytest

from kiosk.errors import InputError, KioskError
from kiosk.fleet import central

pytestmark = [pytest.mark.integration]

_names = itertools.count(1)
UTC = timezone.utc


@pytest.fixture
def dsn(postgres):
    return postgres.create_database(f"central_{next(_names)}")


@pytest.fixture
def conn(dsn):
    c = central.connect(dsn)
    central.migrate(c)
    yield c
    c.close()


def count(conn, sql: str, *args) -> int:
    with conn.transaction():
        return conn.execute(sql, args).fetchone()[0]


def order(uid: str, created_at: str, *lines: tuple[str, str, int, int], number: str | None = None) -> dict:
    """lines: (item_id, name, unit_cents, qty); total_cents is their sum, worked out here by plain arithmetic."""
    return {"uid": uid, "number": number or f"A-{uid}", "created_at": created_at, "currency": "EUR",
            "total_cents": sum(unit * qty for _, _, unit, qty in lines),
            "lines": [{"line_no": n, "item_id": i, "name": name, "unit_cents": unit, "qty": qty}
                      for n, (i, name, unit, qty) in enumerate(lines, 1)]}


BEAT = {"version": "1.4.0", "fps": 29.5, "tracking_ms": 11.0, "camera": "ok",
        "last_order_at": "2025-03-01T11:50:00+00:00", "backlog": 0}
FIGURES = {"sessions": 10, "purchases": 6, "abandoned": 4, "abandoned_on": {"browse": 3, "cart": 1},
           "first_click_median_s": 2.5, "quick_undos": 1, "dwell_uses": 7, "hand_lost": 2}


# --------------------------------------------------------------------------- migrations


def test_migrate_from_empty_reaches_the_newest_version_and_a_second_run_does_nothing(dsn):
    newest = len(list(central.MIGRATIONS.glob("*.sql")))
    assert newest >= 1
    with central.connect(dsn) as c:
        assert count(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        assert central.migrate(c) == newest
        tables = {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert {"schema_migrations", "kiosks", "orders", "order_lines", "heartbeats", "quality",
                "catalog"} <= tables
        applied = c.execute("SELECT version, applied_at FROM schema_migrations ORDER BY version").fetchall()
        c.commit()
        assert [v for v, _ in applied] == list(range(1, newest + 1))
        assert central.migrate(c) == newest
        assert c.execute("SELECT version, applied_at FROM schema_migrations ORDER BY version").fetchall() == applied
        c.commit()
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_two_kiosks_migrating_at_once_both_succeed(dsn):
    """A third session holds the migration lock until both kiosks wait on it, so they really race."""
    holder = psycopg.connect(dsn, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (central.MIGRATE_LOCK,))
    results, errors = [], []

    def kiosk():
        try:
            with central.connect(dsn) as c:
                results.append(central.migrate(c))
        except Exception as e:  # noqa: BLE001 - reported by the assert below
            errors.append(e)

    threads = [threading.Thread(target=kiosk) for _ in range(2)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while count(holder, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") < 2:
        assert time.monotonic() < deadline, "the two kiosks never waited on the migration lock"
        time.sleep(0.02)
    holder.execute("SELECT pg_advisory_unlock(%s)", (central.MIGRATE_LOCK,))
    for t in threads:
        t.join(20)
    holder.close()
    assert errors == []
    assert results == [1, 1]
    with central.connect(dsn) as c:
        assert count(c, "SELECT count(*) FROM schema_migrations") == 1


# --------------------------------------------------------------------------- ingest


A = order("a", "2025-03-01T08:10:00+00:00", ("apple", "Apple", 45, 2), ("milk", "Milk", 120, 1))
B = order("b", "2025-03-01T08:50:00+01:00", ("bread", "Bread", 250, 1))
C = order("c", "2025-03-01T09:00:00+00:00", ("apple", "Apple", 45, 3))


def test_redelivering_the_same_batch_stores_each_order_once(conn):
    assert central.ingest(conn, "k1", [A, B]) == 2
    assert central.ingest(conn, "k1", [A, B]) == 0
    assert count(conn, "SELECT count(*) FROM orders") == 2
    assert count(conn, "SELECT count(*) FROM order_lines") == 3
    assert count(conn, "SELECT total_cents FROM orders WHERE uid = 'a'") == 210


def test_overlapping_batches_store_each_order_once(conn):
    assert central.ingest(conn, "k1", [A, B]) == 2
    assert central.ingest(conn, "k1", [B, C]) == 1
    assert count(conn, "SELECT count(*) FROM orders") == 3
    assert count(conn, "SELECT count(*) FROM order_lines") == 4


def test_the_same_uid_from_two_kiosks_is_one_row_the_first_kiosks(conn):
    assert central.ingest(conn, "k1", [A]) == 1
    assert central.ingest(conn, "k2", [A, B]) == 1
    with conn.transaction():
        rows = conn.execute("SELECT uid, kiosk_id FROM orders ORDER BY uid").fetchall()
    assert rows == [("a", "k1"), ("b", "k2")]
    assert count(conn, "SELECT count(*) FROM order_lines WHERE order_uid = 'a'") == 2
    assert count(conn, "SELECT count(*) FROM kiosks") == 2


def test_concurrent_redelivery_from_two_connections_stores_each_order_once(dsn, conn):
    barrier = threading.Barrier(2)
    new, errors = [], []

    def send(kiosk_id):
        try:
            with central.connect(dsn) as c:
                barrier.wait(5)
                new.append(central.ingest(c, kiosk_id, [C, B, A]))
        except Exception as e:  # noqa: BLE001 - reported by the assert below
            errors.append(e)

    threads = [threading.Thread(target=send, args=(k,)) for k in ("k1", "k2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    assert sum(new) == 3
    assert count(conn, "SELECT count(*) FROM orders") == 3
    assert count(conn, "SELECT count(*) FROM order_lines") == 4


def _without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


BAD_ORDERS = {
    "total is not the sum of the lines": ({**B, "total_cents": 251}, "total_cents 251 is not the sum"),
    "a qty of 0": ({**B, "total_cents": 0, "lines": [{**B["lines"][0], "qty": 0}]}, "lines[0].qty"),
    "a missing key": (_without(B, "currency"), "missing currency"),
    "a missing line key": ({**B, "lines": [_without(B["lines"][0], "name")]}, "missing name"),
    "no offset on the time": ({**B, "created_at": "2025-03-01T08:50:00"}, "with an offset"),
    "a bool for cents": ({**B, "total_cents": True}, "total_cents"),
    "NUL in a name": ({**B, "lines": [{**B["lines"][0], "name": "Bre\x00ad"}]}, "NUL"),
    "no lines": ({**B, "total_cents": 0, "lines": []}, "non-empty list"),
}


@pytest.mark.parametrize("case", BAD_ORDERS, ids=list(BAD_ORDERS))
def test_a_malformed_order_is_refused_and_nothing_of_its_batch_is_written(conn, case):
    bad, words = BAD_ORDERS[case]
    with pytest.raises(ValueError) as e:
        central.ingest(conn, "k1", [A, bad, C])
    assert words in str(e.value)
    assert "orders[1]" in str(e.value) and "\n" not in str(e.value)
    assert count(conn, "SELECT count(*) FROM orders") == 0
    assert count(conn, "SELECT count(*) FROM order_lines") == 0
    assert count(conn, "SELECT count(*) FROM kiosks") == 0


# --------------------------------------------------------------------------- heartbeats and quality


def test_a_heartbeat_replaces_the_previous_one_but_not_a_newer_one(conn):
    central.record_heartbeat(conn, "k1", {**BEAT, "at": "2025-03-01T12:00:00+00:00", "backlog": 3})
    central.record_heartbeat(conn, "k1", {**BEAT, "at": "2025-03-01T12:00:30+00:00", "backlog": 1,
                                          "fps": None, "camera": "lost"})
    central.record_heartbeat(conn, "k1", {**BEAT, "at": "2025-03-01T11:59:00+00:00", "backlog": 9})  # a late retry
    with conn.transaction():
        rows = conn.execute("SELECT kiosk_id, at, backlog, fps, camera FROM heartbeats").fetchall()
    assert rows == [("k1", datetime(2025, 3, 1, 12, 0, 30, tzinfo=UTC), 1, None, "lost")]
    with pytest.raises(ValueError, match="missing backlog"):
        central.record_heartbeat(conn, "k1", _without(BEAT, "backlog"))
    with pytest.raises(ValueError, match="fps"):
        central.record_heartbeat(conn, "k1", {**BEAT, "fps": float("nan")})


def test_a_heartbeat_without_at_takes_the_servers_clock(conn):
    before = datetime.now(UTC) - timedelta(seconds=5)
    central.record_heartbeat(conn, "k1", BEAT)
    with conn.transaction():
        at = conn.execute("SELECT at FROM heartbeats").fetchone()[0]
    assert before < at < datetime.now(UTC) + timedelta(seconds=5)


def test_quality_figures_of_a_day_are_replaced_not_added(conn):
    day = date(2025, 3, 1)
    central.record_quality(conn, "k1", day, FIGURES)
    central.record_quality(conn, "k1", day, {**FIGURES, "sessions": 12, "abandoned": 2,
                                             "abandoned_on": {"pay": 2}, "first_click_median_s": None})
    central.record_quality(conn, "k1", date(2025, 3, 2), FIGURES)
    [first] = central.quality(conn, day, day)
    assert (first["kiosk_id"], first["day"], first["sessions"], first["abandoned"], first["abandoned_on"],
            first["first_click_median_s"], first["purchases"]) == ("k1", day, 12, 2, {"pay": 2}, None, 6)
    assert count(conn, "SELECT count(*) FROM quality") == 2
    with pytest.raises(ValueError, match="hand_lost"):
        central.record_quality(conn, "k1", day, {**FIGURES, "hand_lost": -1})
    with pytest.raises(ValueError, match="must be a date"):
        central.record_quality(conn, "k1", datetime(2025, 3, 1, tzinfo=UTC), FIGURES)


# --------------------------------------------------------------------------- the central catalog

APPLE = {"id": "apple", "name": "Apple", "price": "0.45", "names": {"de": "Apfel"}}
MILK = {"id": "milk", "name": "Milk", "price": 2}


def test_publishing_the_catalog_makes_a_new_current_version(conn):
    assert central.current_catalog(conn) is None
    assert central.publish_catalog(conn, {"currency": "EUR", "items": [APPLE]}, "anna") == 1
    assert central.publish_catalog(conn, {"currency": "CHF", "items": [APPLE, MILK]}, "ben") == 2
    assert central.current_catalog(conn) == (2, {"currency": "CHF", "items": [APPLE, MILK]})
    with conn.transaction():
        assert conn.execute("SELECT version, changed_by FROM catalog ORDER BY version").fetchall() == [
            (1, "anna"), (2, "ben")]


@pytest.mark.parametrize("item, words", [
    ({**MILK, "price": "-1.00"}, "items[1].price (item 'milk'):"),
    ({**MILK, "colour": "white"}, "items[1].colour (item 'milk'): unknown key"),
    ({**MILK, "price": 0.5}, "items[1].price (item 'milk'):"),
    ({**MILK, "id": "Milk!"}, "items[1].id:"),
    ({**MILK, "image": "milk.png"}, "items[1].image: the central catalog has no pictures"),
])
def test_a_bad_catalog_item_is_refused_in_one_line_and_nothing_changes(conn, item, words):
    assert central.publish_catalog(conn, {"currency": "EUR", "items": [APPLE]}, "anna") == 1
    with pytest.raises(InputError) as e:
        central.publish_catalog(conn, {"currency": "EUR", "items": [APPLE, item]}, "anna")
    assert str(e.value).startswith("catalog central: ") and words in str(e.value)
    assert "\n" not in str(e.value)
    assert central.current_catalog(conn) == (1, {"currency": "EUR", "items": [APPLE]})


def test_catalog_images_are_checked_under_images_dir(conn, tmp_path):
    (tmp_path / "milk.png").write_bytes(b"not looked at until drawn")
    assert central.publish_catalog(conn, {"items": [{**MILK, "image": "milk.png"}]}, "anna", tmp_path) == 1
    with pytest.raises(InputError, match=r"items\[0\]\.image \(item 'milk'\): 'cow.png' not found"):
        central.publish_catalog(conn, {"items": [{**MILK, "image": "cow.png"}]}, "anna", tmp_path)
    assert central.current_catalog(conn)[1]["currency"] == "EUR"  # the file format's default


# --------------------------------------------------------------------------- the back-office queries
#
# k1: a  2025-03-01 08:10 UTC  apple 45 x 2 + milk 120 x 1      = 210
#     b  2025-03-01 07:50 UTC  (08:50+01:00) bread 250 x 1      = 250
#     c  2025-03-02 00:30 UTC  (03-01 23:30-01:00) apple 45 x 1 = 45
# k2: d  2025-03-01 17:05 UTC  apple 45 x 4 + bread 250 x 2     = 680
#     e  2025-02-28 23:59:59 UTC  "Milk 1L" (milk's older name) 120 x 3 = 360

SHOP = {
    "k1": [order("a", "2025-03-01T08:10:00+00:00", ("apple", "Apple", 45, 2), ("milk", "Milk", 120, 1)),
           order("b", "2025-03-01T08:50:00+01:00", ("bread", "Bread", 250, 1)),
           order("c", "2025-03-01T23:30:00-01:00", ("apple", "Apple", 45, 1))],
    "k2": [order("d", "2025-03-01T17:05:00+00:00", ("apple", "Apple", 45, 4), ("bread", "Bread", 250, 2)),
           order("e", "2025-02-28T23:59:59+00:00", ("milk", "Milk 1L", 120, 3))],
}


@pytest.fixture
def shop(conn):
    for kiosk_id, batch in SHOP.items():
        central.ingest(conn, kiosk_id, batch)
    return conn


def test_orders_newest_first_by_kiosk_and_day(shop):
    assert [o["uid"] for o in central.orders(shop)] == ["c", "d", "a", "b", "e"]
    assert [o["uid"] for o in central.orders(shop, "k1")] == ["c", "a", "b"]
    assert [o["uid"] for o in central.orders(shop, day=date(2025, 3, 1))] == ["d", "a", "b"]
    assert [o["uid"] for o in central.orders(shop, "k2", date(2025, 3, 1))] == ["d"]
    assert [o["uid"] for o in central.orders(shop, limit=2)] == ["c", "d"]
    assert central.orders(shop, "k3") == []
    [d] = central.orders(shop, "k2", date(2025, 3, 1))
    assert (d["kiosk_id"], d["number"], d["created_at"], d["currency"], d["total_cents"]) == (
        "k2", "A-d", datetime(2025, 3, 1, 17, 5, tzinfo=UTC), "EUR", 680)
    assert d["lines"] == [{"line_no": 1, "item_id": "apple", "name": "Apple", "unit_cents": 45, "qty": 4},
                          {"line_no": 2, "item_id": "bread", "name": "Bread", "unit_cents": 250, "qty": 2}]


def test_sales_by_item(shop):
    assert central.sales_by_item(shop, date(2025, 3, 1), date(2025, 3, 1)) == [
        ("bread", "Bread", 3, 750), ("apple", "Apple", 6, 270), ("milk", "Milk", 1, 120)]
    assert central.sales_by_item(shop, date(2025, 2, 28), date(2025, 3, 2)) == [
        ("bread", "Bread", 3, 750), ("milk", "Milk", 4, 480), ("apple", "Apple", 7, 315)]
    assert central.sales_by_item(shop, date(2025, 2, 28), date(2025, 2, 28)) == [("milk", "Milk 1L", 3, 360)]
    assert central.sales_by_item(shop, date(2025, 3, 3), date(2025, 3, 9)) == []
    with pytest.raises(ValueError, match="before"):
        central.sales_by_item(shop, date(2025, 3, 2), date(2025, 3, 1))


def test_sales_by_hour_in_utc(shop):
    expected = [(h, 0, 0) for h in range(24)]
    expected[7] = (7, 1, 250)
    expected[8] = (8, 1, 210)
    expected[17] = (17, 1, 680)
    assert central.sales_by_hour(shop, date(2025, 3, 1)) == expected
    expected_next = [(h, 0, 0) for h in range(24)]
    expected_next[0] = (0, 1, 45)
    assert central.sales_by_hour(shop, date(2025, 3, 2)) == expected_next


def test_kiosk_health_ages_and_staleness(shop):
    for kiosk_id, at, backlog in (("k1", "11:59:00", 5), ("k2", "11:58:30", 0), ("k3", "11:58:29", 12)):
        central.record_heartbeat(shop, kiosk_id, {**BEAT, "at": f"2025-03-01T{at}+00:00", "backlog": backlog})
    central.ingest(shop, "k4", [order("f", "2025-03-01T10:00:00+00:00", ("apple", "Apple", 45, 1))])
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    health = central.kiosk_health(shop, now)
    assert [(h["kiosk_id"], h["age_s"], h["stale"], h["backlog"]) for h in health] == [
        ("k1", 60.0, False, 5), ("k2", 90.0, False, 0), ("k3", 91.0, True, 12), ("k4", None, True, None)]
    assert (health[0]["version"], health[0]["fps"], health[0]["camera"], health[0]["last_order_at"]) == (
        "1.4.0", 29.5, "ok", datetime(2025, 3, 1, 11, 50, tzinfo=UTC))
    assert [h["stale"] for h in central.kiosk_health(shop, now, interval=20)] == [False, True, True, True]
    assert central.backlog(shop) == [("k3", 12, datetime(2025, 3, 1, 11, 58, 29, tzinfo=UTC)),
                                     ("k1", 5, datetime(2025, 3, 1, 11, 59, tzinfo=UTC)),
                                     ("k2", 0, datetime(2025, 3, 1, 11, 58, 30, tzinfo=UTC))]


def test_quality_rows_per_kiosk_and_day(conn):
    central.record_quality(conn, "k2", date(2025, 3, 1), {**FIGURES, "sessions": 3})
    central.record_quality(conn, "k1", date(2025, 3, 1), FIGURES)
    central.record_quality(conn, "k1", date(2025, 2, 28), {**FIGURES, "sessions": 1})
    central.record_quality(conn, "k1", date(2025, 3, 2), {**FIGURES, "sessions": 2})
    rows = central.quality(conn, date(2025, 2, 28), date(2025, 3, 1))
    assert [(r["kiosk_id"], r["day"], r["sessions"]) for r in rows] == [
        ("k1", date(2025, 2, 28), 1), ("k1", date(2025, 3, 1), 10), ("k2", date(2025, 3, 1), 3)]
    assert {k: rows[1][k] for k in FIGURES} == FIGURES


# --------------------------------------------------------------------------- the server going away


def test_server_stopped_connect_fails_in_one_line_and_works_again_after_restart(postgres, dsn, conn):
    assert central.ingest(conn, "k1", [A]) == 1
    secret = f"postgresql://postgres:s3cret@127.0.0.1:{postgres.port}/postgres"
    postgres.stop()
    try:
        with pytest.raises(KioskError) as e:
            central.ingest(conn, "k1", [B])  # the open connection was cut off
        assert str(e.value).startswith(f"central database 127.0.0.1:{postgres.port}: ")
        for target in (dsn, secret):
            started = time.monotonic()
            with pytest.raises(KioskError) as e:
                central.connect(target)
            message = str(e.value)
            assert message.startswith(f"central database 127.0.0.1:{postgres.port}: cannot connect (")
            assert "refused" in message.lower() and "\n" not in message and "s3cret" not in message
            assert time.monotonic() - started < 5
    finally:
        postgres.start()
    with central.connect(dsn) as again:
        assert central.migrate(again) == 1
        assert central.ingest(again, "k1", [A, B]) == 1  # A was committed before the stop: kept, not doubled
        assert count(again, "SELECT count(*) FROM orders") == 2


def test_a_server_that_never_answers_times_out_in_one_line():
    with socket.socket() as silent:  # accepts the TCP connection (backlog) but never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(KioskError) as e:
            central.connect(f"host=127.0.0.1 port={port} dbname=x user=x", timeout=2)
        elapsed = time.monotonic() - started
    assert 1.5 < elapsed < 6
    assert str(e.value).startswith(f"central database 127.0.0.1:{port}: cannot connect (")
    assert "\n" not in str(e.value)


def test_an_unreadable_connection_string_is_one_line_without_its_text():
    with pytest.raises(KioskError) as e:
        central.connect("host=127.0.0.1 password=s3cret oops")
    assert str(e.value) == ("central database (unreadable connection string): "
                            "the connection string is not valid")

"""bench-sync: its figures are for the record; here, that it delivers everything once and guards real data."""
from __future__ import annotations

import pytest

from kiosk.cli import main

pytestmark = pytest.mark.integration


def test_bench_sync_delivers_every_order_once_even_when_sent_twice(postgres, capsys):
    dsn = postgres.create_database("bench_small")
    assert main(["bench-sync", "--dsn", dsn, "--kiosks", "2", "--orders", "25", "--batch", "10"]) == 0
    out = capsys.readouterr().out
    assert "central orders now 50 (expected 50)" in out and "orders/s" in out


def test_bench_sync_refuses_a_database_with_real_kiosks_orders(postgres, capsys):
    from kiosk.fleet import central

    dsn = postgres.create_database("bench_real")
    conn = central.connect(dsn)
    central.migrate(conn)
    central.ingest(conn, "berlin-1", [{"uid": "real-1", "number": "A-0001", "created_at": "2026-12-01T09:00:00+00:00",
                                       "currency": "EUR", "total_cents": 45,
                                       "lines": [{"line_no": 1, "item_id": "apple", "name": "Apple",
                                                  "unit_cents": 45, "qty": 1}]}])
    conn.close()
    assert main(["bench-sync", "--dsn", dsn, "--kiosks", "1", "--orders", "5"]) == 2
    assert "holds 1 orders of real kiosks" in capsys.readouterr().err

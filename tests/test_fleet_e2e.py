"""Three real kiosks, one real PostgreSQL, the server stopped and restarted mid-sync, one kiosk killed.

Each kiosk is `main.py` itself (the demo shopper, orders stored in its own SQLite file, a [fleet]
section), syncing through its outbox every second. The test stops the server while they sell,
starts it again, SIGKILLs one kiosk between sales, then runs `main.py sync --once` for each (as an
operator would after an outage) and finds every order of every kiosk exactly once centrally.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KIOSKS = ("berlin-1", "berlin-2", "hamburg-1")
WAIT_S = 240


def local_uids(db: Path) -> set[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute("SELECT uid FROM orders")}
    finally:
        con.close()


def central_orders(dsn: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return [tuple(r) for r in conn.execute("SELECT uid, kiosk_id FROM orders").fetchall()]


def kiosk_cmd(config: Path, db: Path, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "main.py"), "--config", str(config), *args, "--db", str(db)]


def test_three_kiosks_lose_and_duplicate_nothing_through_a_server_outage_and_a_kill(tmp_path, postgres):
    from kiosk.fleet import central

    dsn = postgres.create_database("fleet_e2e")
    conn = central.connect(dsn)
    central.migrate(conn)  # the kiosks would, at their first sync; the test looks in before that
    conn.close()
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    procs, dbs, configs = {}, {}, {}
    for kiosk in KIOSKS:
        configs[kiosk], dbs[kiosk] = tmp_path / f"{kiosk}.toml", tmp_path / f"{kiosk}.db"
        configs[kiosk].write_text(f'[fleet]\ndatabase = "{dsn}"\nkiosk_id = "{kiosk}"\nsync_interval = 1\n'
                                  "heartbeat_interval = 5\n")
        frames = "100000" if kiosk == "hamburg-1" else "7000"  # hamburg-1 sells until it is killed
        procs[kiosk] = subprocess.Popen(
            kiosk_cmd(configs[kiosk], dbs[kiosk], "run", "--source", "demo", "--store-demo-orders", "--headless",
                      "--size", "640x480", "--max-frames", frames),
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and len(central_orders(dsn)) < 2:  # syncing has begun
            time.sleep(0.2)
        assert len(central_orders(dsn)) >= 2, "no order reached the central database"
        postgres.stop()  # the server goes away while the kiosks sell and sync
        time.sleep(4)
        postgres.start()
        while time.monotonic() < deadline and not local_uids(dbs["hamburg-1"]) - {u for u, _ in central_orders(dsn)}:
            time.sleep(0.05)  # an order stored locally and not yet sent: the moment to kill
        os.kill(procs["hamburg-1"].pid, signal.SIGKILL)
        unsent = local_uids(dbs["hamburg-1"]) - {u for u, _ in central_orders(dsn)}
        assert unsent, "hamburg-1 was not killed between a local commit and its upload"
        for kiosk in ("berlin-1", "berlin-2"):
            _, err = procs[kiosk].communicate(timeout=WAIT_S)
            assert procs[kiosk].returncode == 0, err[-2000:]
        procs["hamburg-1"].wait(timeout=60)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    # after the outage, each kiosk's outbox is emptied by hand, as an operator would
    sent = {}
    for kiosk in KIOSKS:
        done = subprocess.run(kiosk_cmd(configs[kiosk], dbs[kiosk], "sync", "--once"), cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and done.stdout.strip().endswith("0 waiting"), done.stderr + done.stdout
        sent[kiosk] = int(done.stdout.split()[1])  # "sent N order(s) ...; 0 waiting"
    assert sent["hamburg-1"] >= len(unsent)  # what the kill left behind went with sync --once
    stored = central_orders(dsn)
    assert len(stored) == len({uid for uid, _ in stored})  # exactly once
    for kiosk in KIOSKS:
        mine = local_uids(dbs[kiosk])
        assert mine and {uid for uid, k in stored if k == kiosk} == mine, kiosk
    assert len(stored) == sum(len(local_uids(db)) for db in dbs.values()) >= 6
    # ... and in the back office: its CSV of all kiosks lists each order once, under its kiosk
    import csv
    import io
    import re

    from kiosk.fleet.backoffice import create_app, hash_password

    client = create_app(dsn, hash_password("e2e-password"), login_delay=0).test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf": token, "password": "e2e-password", "next": "/orders"})
    page = client.get("/orders.csv")
    rows = list(csv.DictReader(io.StringIO(page.get_data(as_text=True))))
    listed = {(r["order_id"], r["kiosk_id"]) for r in rows}  # one row per line: the set is the orders
    assert page.status_code == 200 and listed == set(stored)
    # each kiosk sent its health and how people managed, counted from its own events
    from datetime import datetime, timedelta, timezone

    from kiosk import __version__

    conn = central.connect(dsn)
    try:
        health = {h["kiosk_id"]: h for h in central.kiosk_health(conn, datetime.now(timezone.utc))}
        today = datetime.now(timezone.utc).date()
        figures = central.quality(conn, today - timedelta(days=1), today)
    finally:
        conn.close()
    assert set(health) == set(KIOSKS) and {h["version"] for h in health.values()} == {__version__}
    assert all(h["camera"] == "ok" and h["fps"] > 0 for h in health.values())
    berlin = [f for f in figures if f["kiosk_id"] == "berlin-1"]
    assert berlin and berlin[-1]["sessions"] >= 1 and berlin[-1]["purchases"] >= 1


def test_a_kiosk_started_while_the_server_is_down_sells_and_sends_later(tmp_path, postgres):
    dsn = postgres.create_database("fleet_down")
    config, db = tmp_path / "k.toml", tmp_path / "k.db"
    config.write_text(f'[fleet]\ndatabase = "{dsn}"\nkiosk_id = "late-1"\nsync_interval = 1\n')
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    postgres.stop()
    try:
        done = subprocess.run(kiosk_cmd(config, db, "run", "--source", "demo", "--store-demo-orders", "--headless",
                                        "--size", "640x480", "--max-frames", "2700"),
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=WAIT_S)
        assert done.returncode == 0, done.stderr[-2000:]
        retries = [line for line in done.stderr.splitlines() if line.startswith("fleet: ")]
        assert len(retries) == 1 and "cannot connect" in retries[0]  # one line, not one per retry
        offline = subprocess.run(kiosk_cmd(config, db, "sync", "--once"), cwd=REPO, env=env,
                                 capture_output=True, text=True, timeout=120)
        assert offline.returncode == 1 and "still waiting" in offline.stderr
    finally:
        postgres.start()
    sold = local_uids(db)
    assert len(sold) >= 2  # it sold while the server was away
    done = subprocess.run(kiosk_cmd(config, db, "sync", "--once"), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {uid for uid, k in central_orders(dsn) if k == "late-1"} == sold

"""The real kiosk process, killed with SIGKILL mid-cart and started again, gives the cart back.

The storage tests (test_journal.py) kill a writer loop; this one kills `main.py` itself,
so it fails if anything between the journal and the screen is not wired: the kiosk
journaling its cart, the start-up reading the journal, the app resuming it.

The cart is made the way a shopper makes it: the headless kiosk, with the real hand
tracker, watches a recording in which a hand points, rests and makes a 👌 on an "Add"
button. The recording is the real scenario video (../shared/data/scenarios), moved so
that its second 👌 lands in the middle of the nearest "Add" button. Skipped without the
data.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SIZE = (1024, 768)
"""A 4:3 screen: the panel is at the bottom, so the "Add" column is where the scenario's second 👌 is."""
FPS = 30
BLANK_SECONDS = 20
"""No hand after the clicks, so the first kiosk is still running when it is killed, and well
under the 45 s inactivity reset, which would empty the cart."""
WAIT_S = 240
"""Generous: the machine is shared and MediaPipe starts slowly; only a hang reaches it."""


def journaled_lines(db: Path) -> list | None:
    """The journaled cart's lines, read from outside the kiosk (read-only), or None."""
    if not db.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT lines_json, screen FROM cart_journal WHERE id = 1").fetchone()
    except sqlite3.Error:  # not created yet, or busy
        return None
    finally:
        con.close()
    return None if row is None else [json.loads(row[0]), row[1]]


def shifted_scenario(data_dir: Path, out: Path) -> Path:
    """The scenario video, moved so its second 👌 closes on the centre of the nearest "Add" button
    at SIZE, then BLANK_SECONDS without a hand. Returns the new video."""
    import cv2

    from kiosk.interaction.pointer import Pointer, PointerConfig
    from kiosk.shop.catalog import load_catalog
    from kiosk.ui.layout import layout, sample_views

    video = data_dir / "scenarios" / "point-and-click.mp4"
    truth_file = video.with_suffix(".json")
    if not (video.is_file() and truth_file.is_file()):
        pytest.skip("scenario video not found")
    truth = json.loads(truth_file.read_text())
    oks = [s for s in truth["segments"] if s["label"] == "ok"]
    second_ok = oks[1]
    # Where the hand rests for the second 👌: the recorded ground truth, unmirrored frame.
    tip = np.array(truth["frames"][second_ok["start"]]["tip"])
    # The same mapping the kiosk uses (the default config: the run gets an empty --config).
    pointer = Pointer(SIZE, PointerConfig())
    mx, my = 1 - tip[0], tip[1]  # the kiosk sees the frame mirrored
    cursor = np.array(pointer.to_screen((mx, my)))
    catalog = load_catalog(REPO / "assets" / "catalog.toml")
    shopping = dict(sample_views(catalog))["shopping"]
    adds = [b for b in layout(shopping, catalog, SIZE).buttons if b.id.startswith("add:")]
    target = min(adds, key=lambda b: float(np.hypot(*(np.array(b.rect.center) - cursor))))
    gx, gy = pointer.to_frame(target.rect.center)
    goal = np.array([1 - gx, gy])  # back to the unmirrored frame
    w, h = truth["size"]
    dx, dy = (goal - tip) * (w, h)

    cap = cv2.VideoCapture(str(video))
    out_video = out / "add-one.mp4"
    writer = cv2.VideoWriter(str(out_video), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (w, h))
    move = np.float32([[1, 0, dx], [0, 1, dy]])
    try:
        for _ in range(second_ok["end"] + 15):  # up to half a second after the 👌 opens again
            ok, image = cap.read()
            assert ok, "scenario video shorter than its truth file"
            writer.write(cv2.warpAffine(image, move, (w, h), borderMode=cv2.BORDER_REPLICATE))
        blank = np.full((h, w, 3), 128, np.uint8)
        for _ in range(BLANK_SECONDS * FPS):
            writer.write(blank)
    finally:
        cap.release()
        writer.release()
    return out_video


def kiosk(*args: str, events: Path, config: Path) -> list[str]:
    return [sys.executable, "main.py", "--config", str(config), "run", "--headless",
            "--size", f"{SIZE[0]}x{SIZE[1]}", "--events", str(events), *args]


def read_events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def test_a_kiosk_killed_mid_cart_comes_back_with_the_cart(data_dir, model, tmp_path):
    video = shifted_scenario(data_dir, tmp_path)
    db = tmp_path / "orders.db"
    config = tmp_path / "kiosk.toml"
    # defaults, but for the practice target (the recording's first 👌 is not aimed at it): this test must
    # not depend on a local kiosk.toml either
    config.write_text("[ui]\npractice = false\n")
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}

    first_events, first_err = tmp_path / "first.jsonl", tmp_path / "first.err"
    with first_err.open("w") as err_file:  # a file, not a pipe: nobody reads it while the kiosk runs
        first = subprocess.Popen(kiosk("--source", str(video), "--db", str(db), events=first_events, config=config),
                                 cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err_file)
    try:
        deadline = time.monotonic() + WAIT_S
        journaled = None
        while time.monotonic() < deadline and first.poll() is None:
            journaled = journaled_lines(db)
            if journaled and journaled[0]:
                break
            time.sleep(0.05)
        alive = first.poll() is None
        if alive:
            os.kill(first.pid, signal.SIGKILL)
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(timeout=60)
    err = first_err.read_text()
    clicks = [e for e in read_events(first_events) if e["type"] == "click"]
    assert alive, f"the kiosk ended (exit {first.returncode}) before it was killed: {err[-1500:]}; clicks {clicks}"
    assert first.returncode == -signal.SIGKILL
    assert journaled and journaled[0], f"no cart was journaled; clicks: {clicks}"
    lines, screen = journaled
    assert len(lines) == 1 and lines[0][1] == 1 and screen == "shopping", journaled  # one item added, once
    item = lines[0][0]
    assert any(c["target"] == f"add:{item}" for c in clicks), clicks

    # Start it again on the same database: a few frames with no hand in them.
    frames = tmp_path / "no-hand"
    frames.mkdir()
    import cv2

    for k in range(5):
        cv2.imwrite(str(frames / f"{k:03d}.png"), np.full((480, 640, 3), 128, np.uint8))
    second_events = tmp_path / "second.jsonl"
    done = subprocess.run(kiosk("--source", str(frames), "--db", str(db), "--max-frames", "5",
                                events=second_events, config=config),
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=WAIT_S)
    assert done.returncode == 0, done.stderr[-2000:]
    events = read_events(second_events)
    resumed = [e for e in events if e["type"] == "resume"]
    assert len(resumed) == 1 and resumed[0]["lines"] == 1, f"no resume event: {done.stderr[-1000:]}"
    assert resumed[0]["i"] == 0  # at the first frame, before anyone could touch anything
    # The restarted kiosk shows the cart and journals it again, from the same item ids: its
    # cart screen is what the journal now says, written by the second process.
    again = journaled_lines(db)
    assert again == [[[item, 1]], "cart"], again


def demo_kiosk(db: Path, events: Path, config: Path, *args: str) -> list[str]:
    return [sys.executable, "main.py", "--config", str(config), "run", "--source", "demo", "--headless",
            "--size", "1280x720", "--db", str(db), "--events", str(events), "--store-demo-orders", *args]


def run_until(cmd: list[str], events: Path, seen) -> list[dict]:
    """Start the kiosk, SIGKILL it the moment its --events log shows `seen(event)`; -> the events it wrote."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and proc.poll() is None:
            if events.exists() and any(seen(e) for e in read_events(events)):
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the kiosk ended before the moment came"
    return read_events(events)


def stored_orders(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("moment", ["while the terminal waits", "right after the order is stored"])
def test_a_kiosk_killed_during_the_payment_leaves_one_order_or_none(tmp_path, moment):
    """The real process (the demo shopper, orders in SQLite), SIGKILLed during the card payment, then
    started again on the same database: no order or exactly one, and never a second on the restart."""
    db, config = tmp_path / "orders.db", tmp_path / "kiosk.toml"
    # the simulated card is tapped 20 s after the payment starts: time enough to kill the kiosk meanwhile
    config.write_text("[payment]\nsimulated_delay = 20\n")
    if moment == "while the terminal waits":
        first = run_until(demo_kiosk(db, tmp_path / "first.jsonl", config), tmp_path / "first.jsonl",
                          lambda e: e["type"] == "payment" and e["status"] == "started")
        assert not [e for e in first if e["type"] == "order"] and stored_orders(db) == 0
        lines, screen = journaled_lines(db)
        assert lines and screen == "paying"  # the cart is journaled, and it was being paid
        expected, resumed = 0, True
    else:
        first = run_until(demo_kiosk(db, tmp_path / "first.jsonl", config), tmp_path / "first.jsonl",
                          lambda e: e["type"] == "order")
        assert stored_orders(db) == 1
        expected, resumed = 1, False
    # started again: it comes up on the same file, and runs a while
    second = tmp_path / "second.jsonl"
    done = subprocess.run(demo_kiosk(db, second, config, "--max-frames", "90"), cwd=REPO,
                          env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"},
                          capture_output=True, text=True, timeout=WAIT_S)
    assert done.returncode == 0, done.stderr[-1500:]
    events = read_events(second)
    assert bool([e for e in events if e["type"] == "resume"]) == resumed  # an unsold cart comes back, a sold one not
    assert not [e for e in events if e["type"] == "order"]
    assert stored_orders(db) == expected


def test_a_kiosk_killed_while_a_locked_database_keeps_its_paid_order_waiting_loses_nothing(tmp_path):
    """Another process holds the database's write lock when the card is approved; the kiosk is killed
    while its save waits for that lock. The order was kept aside before the database was asked, so the
    restart (the lock gone) stores it exactly once and does not offer the paid cart again."""
    db, config = tmp_path / "orders.db", tmp_path / "kiosk.toml"
    config.write_text("[payment]\nsimulated_delay = 20\n")  # time to take the lock first, even on a loaded machine
    first_events = tmp_path / "first.jsonl"
    holder: dict = {}

    def approved_under_a_lock(event: dict) -> bool:
        if event["type"] == "payment" and event["status"] == "started" and "lock" not in holder:
            holder["lock"] = sqlite3.connect(db, isolation_level=None, timeout=10)
            holder["lock"].execute("BEGIN IMMEDIATE")  # from now on, no write gets in
        # killed once approved and the save is waiting on the lock (it kept the order aside first)
        return event["type"] == "payment" and event["status"] == "approved" \
            and any((tmp_path / "orders.db.unsaved").glob("*.json"))

    try:
        first = run_until(demo_kiosk(db, first_events, config), first_events, approved_under_a_lock)
    finally:
        if "lock" in holder:
            holder["lock"].execute("ROLLBACK")
            holder["lock"].close()
    assert "lock" in holder and not [e for e in first if e["type"] == "order"] and stored_orders(db) == 0
    kept = list((tmp_path / "orders.db.unsaved").glob("*.json"))
    assert len(kept) == 1  # the paid order, outside the database
    second = tmp_path / "second.jsonl"
    done = subprocess.run(demo_kiosk(db, second, config, "--max-frames", "90"), cwd=REPO,
                          env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"},
                          capture_output=True, text=True, timeout=WAIT_S)
    assert done.returncode == 0, done.stderr[-1500:]
    assert "stored 1 paid order(s) kept aside" in done.stderr
    assert stored_orders(db) == 1 and not kept[0].exists()
    assert not [e for e in read_events(second) if e["type"] in ("resume", "order")]

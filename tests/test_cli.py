"""The command line as a user meets it: exit codes and one-line errors."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from kiosk.shop.cart import Order, OrderLine
from kiosk.shop.machine import TRANSITIONS
from kiosk.store.orders import SQLiteOrderStore
from tests.conftest import REPO

pytestmark = [pytest.mark.integration]


def main_py(*args: str, timeout: float = 120):
    return subprocess.run([sys.executable, "main.py", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


def one_line_error(done) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_layout_prints_every_screen_with_hand_sized_targets():
    done = main_py("layout", "--size", "1920x1080")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert {"attract", "practice", "shopping", "cart", "quantity", "confirm", "paying", "receipt"} <= set(data["screens"])
    assert {s["screen"] for s in data["screens"].values()} == {
        "attract", "practice", "shopping", "cart", "quantity", "confirm", "paying", "receipt", "out-of-order"}
    assert data["screens"]["out-of-order"]["targets"] == []  # nothing to click: the process exits
    ids = {t["id"] for s in data["screens"].values() for t in s["targets"]}
    assert {"add:apple", "cart", "checkout", "confirm", "back", "done", "start", "practice", "hold-still",
            "inc:apple", "dec:apple", "remove:apple", "undo", "enter", "erase", "key:0", "key:9", "retry",
            "more-time", "lang:de"} <= ids
    for s in data["screens"].values():
        px, py, pw, ph = s["panel"]
        for t in s["targets"]:
            x, y, w, h = t["rect"]
            assert h >= 0.08 * 1080 and 0 <= x and x + w <= 1920 and y + h <= 1080
            assert px <= x and x + w <= px + pw and py <= y and y + h <= py + ph  # inside the panel


def test_bad_catalog_is_one_line_naming_file_and_entry(tmp_path):
    bad = tmp_path / "shop.toml"
    bad.write_text('[[items]]\nid = "tea"\nname = "Tea"\nprice = "-1"\n')
    done = main_py("--source", "demo", "--headless", "--max-frames", "1", "--catalog", str(bad))
    assert done.returncode == 2
    line = one_line_error(done)
    assert str(bad) in line and "tea" in line and "price" in line


@pytest.mark.parametrize("content", [None, b"this is not a zip", b"PK\x03\x04broken"])
def test_missing_or_corrupt_model_is_one_line_with_the_fix(tmp_path, content):
    path = tmp_path / "hand.task"
    if content is not None:
        path.write_bytes(content)
    video = tmp_path / "v.mp4"
    from tests.test_app_loop import write_video

    write_video(video, 3)
    done = main_py("--source", str(video), "--headless", "--model", str(path), "--db", str(tmp_path / "o.db"))
    assert done.returncode == 1
    line = one_line_error(done)
    assert str(path) in line and "setup-model" in line


def test_missing_video_and_bad_size_are_usage_errors(tmp_path):
    done = main_py("--source", str(tmp_path / "nope.mp4"), "--headless")
    assert done.returncode == 2 and str(tmp_path / "nope.mp4") in one_line_error(done)
    assert main_py("--size", "big").returncode == 2


def test_orders_lists_and_exports_csv(tmp_path):
    db = tmp_path / "orders.db"
    with SQLiteOrderStore(db) as store:
        store.save(Order("u1", "EUR", (OrderLine("apple", "Apple", 45, 2),)), datetime(2026, 1, 2, tzinfo=timezone.utc))
        store.save(Order("u2", "EUR", (OrderLine("tea", "Tea, hot", 250, 1), OrderLine("apple", "Apple", 45, 1))),
                   datetime(2026, 1, 3, tzinfo=timezone.utc))
    listing = main_py("orders", "--db", str(db))
    assert listing.returncode == 0
    assert "A-0001" in listing.stdout and "A-0002" in listing.stdout
    exported = main_py("orders", "--db", str(db), "--csv", "-")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 3
    assert {r["name"] for r in rows} == {"Apple", "Tea, hot"}
    assert sorted(r["order_total"] for r in rows) == ["0.90", "2.95", "2.95"]
    out = tmp_path / "out.csv"
    assert main_py("orders", "--db", str(db), "--csv", str(out)).returncode == 0
    assert len(out.read_text().splitlines()) == 4


def test_transitions_table_lists_every_row():
    done = main_py("transitions")
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == len(TRANSITIONS)
    assert "| paying | order-stored | receipt |" in done.stdout


def test_screens_draws_every_screen_at_the_size_asked(tmp_path):
    import pygame

    done = main_py("screens", "--size", "1080x1920", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    files = sorted(tmp_path.glob("*.png"))
    names = {f.stem.split("-", 1)[1] for f in files}
    assert {"attract", "practice", "shopping", "cart", "quantity", "confirm", "paying", "receipt"} <= names
    pictures = {f.stem.split("-", 1)[1]: pygame.image.load(str(f)) for f in files}
    assert all(p.get_size() == (1080, 1920) for p in pictures.values())
    raw = {n: pygame.image.tobytes(p, "RGB") for n, p in pictures.items()}
    assert len(set(raw.values())) == len(raw)  # every screen looks different
    bad = main_py("screens", "--size", "huge", "--out", str(tmp_path))
    assert bad.returncode == 2 and "huge" in bad.stderr

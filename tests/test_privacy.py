"""Privacy and lockdown: the kiosk writes no image anywhere unless told to, the orders file is the
owner's alone and holds no images, and only the operator keys leave fullscreen."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.shop.cart import Order, OrderLine
from kiosk.store.journal import CartJournal
from kiosk.store.orders import SQLiteOrderStore
from tests.conftest import REPO

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".npy", ".npz", ".ppm",
                  ".pgm", ".raw", ".yuv", ".mp4", ".avi", ".mkv", ".mov"}
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"BM", b"GIF8", b"II*\x00", b"MM\x00*", b"\x93NUMPY", b"P5\n", b"P6\n")


def looks_like_an_image(path: Path) -> bool:
    head = path.read_bytes()[:16]
    return (path.suffix.lower() in IMAGE_SUFFIXES or head.startswith(IMAGE_MAGIC)
            or (head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"AVI ")) or head[4:8] == b"ftyp")


def files_under(root: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def sandbox(tmp_path):
    """A working dir, HOME, XDG dirs and TMPDIR, all inside tmp_path; -> (root, env, cwd)."""
    dirs = {name: tmp_path / name for name in ("work", "home", "data", "cache", "config", "state", "tmp", "input")}
    for d in dirs.values():
        d.mkdir()
    config = dirs["config"] / "kiosk.toml"
    config.write_text("# defaults\n")  # so a kiosk.toml in the project cannot change the paths under test
    env = {**os.environ, "HOME": str(dirs["home"]), "XDG_DATA_HOME": str(dirs["data"]),
           "XDG_CACHE_HOME": str(dirs["cache"]), "XDG_CONFIG_HOME": str(dirs["config"]),
           "XDG_STATE_HOME": str(dirs["state"]), "TMPDIR": str(dirs["tmp"]), "KIOSK_CONFIG": str(config),
           "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return tmp_path, env, dirs


def kiosk(env, cwd, *args):
    done = subprocess.run([sys.executable, str(REPO / "main.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.integration
def test_runs_write_no_image_but_the_screenshot_asked_for(sandbox):
    root, env, dirs = sandbox
    video = dirs["input"] / "clip.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 15.0, (320, 240))
    for k in range(20):
        frame = np.full((240, 320, 3), 60 + 4 * k, np.uint8)
        cv2.circle(frame, (100 + 5 * k, 120), 30, (200, 180, 160), -1)
        writer.write(frame)
    writer.release()
    before = files_under(root)

    shot = dirs["work"] / "shot.png"
    kiosk(env, dirs["work"], "--source", "demo", "--headless", "--max-frames", "90",
          "--events", "demo.jsonl", "--screenshot", str(shot))
    kiosk(env, dirs["work"], "--source", str(video), "--headless", "--events", "video.jsonl")

    after = files_under(root)
    new_or_changed = {p for p, stamp in after.items() if before.get(p) != stamp}
    db = dirs["data"] / "touchless-kiosk" / "orders.db"
    allowed = {shot, dirs["work"] / "demo.jsonl", dirs["work"] / "video.jsonl", db,
               db.with_name("orders.db-wal"), db.with_name("orders.db-shm")}
    # the bold weight of the typeface, made once from the font wheel and kept (a font, no pixels)
    fonts = {p for p in new_or_changed if p.parent == dirs["cache"] / "touchless-kiosk" and p.suffix == ".ttf"
             and p.read_bytes()[:4] == b"\x00\x01\x00\x00"}
    # mediapipe imports matplotlib, which caches its font list (text, no pixels) in XDG_CACHE_HOME
    third_party = {p for p in new_or_changed if p.is_relative_to(dirs["cache"] / "matplotlib")}
    assert new_or_changed - allowed - third_party - fonts == set()
    # the demo keeps orders in memory and a replay uses a temporary database, removed at the end
    assert shot in new_or_changed and db not in new_or_changed and list(dirs["tmp"].iterdir()) == []
    assert [p for p in new_or_changed if looks_like_an_image(p)] == [shot]
    for log in ("demo.jsonl", "video.jsonl"):  # events are small records, never pixels
        lines = (dirs["work"] / log).read_text().splitlines()
        assert lines and max(len(line) for line in lines) < 1000

    kiosk(env, dirs["work"], "--source", str(video), "--headless", "--db", str(db))  # a database asked for
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    assert_no_blobs(db)


def assert_no_blobs(db: Path) -> None:
    # Store an order and a journaled cart, so there are rows of every table to look at.
    with SQLiteOrderStore(db) as store:
        store.save(Order("u1", "EUR", (OrderLine("apple", "Apple", 45, 2),)), datetime.now(timezone.utc))
    with CartJournal(db) as journal:
        journal.save([("apple", 2)], "cart", datetime.now(timezone.utc))
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%'")]
        assert {"orders", "order_lines", "cart_journal"} <= set(tables)
        for table in tables:
            columns = con.execute(f"PRAGMA table_info({table})").fetchall()
            for _, name, declared, *_ in columns:
                # no BLOB column, and no untyped one (which has BLOB affinity)
                assert declared.upper() in ("INTEGER", "TEXT"), (table, name, declared)
                blobs = con.execute(f"SELECT count(*) FROM {table} WHERE typeof({name}) = 'blob'").fetchone()[0]
                assert blobs == 0, (table, name)
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    finally:
        con.close()
    assert db.stat().st_mode & 0o777 == 0o600


# -- lockdown: the operator keys ---------------------------------------------------------------

@pytest.fixture(scope="module")
def display():
    pygame.display.init()
    pygame.display.set_mode((320, 240))
    yield
    pygame.display.quit()


def quits(events, fullscreen: bool) -> bool:
    from kiosk.loop import _operator_quit

    pygame.event.clear()
    for e in events:
        pygame.event.post(e)
    return _operator_quit(pygame, fullscreen)


def key(k, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod)


def test_operator_keys(display):
    assert quits([key(pygame.K_q, pygame.KMOD_LCTRL)], fullscreen=True)
    assert not quits([key(pygame.K_ESCAPE)], fullscreen=True)
    assert quits([key(pygame.K_ESCAPE)], fullscreen=False)
    assert not quits([key(pygame.K_q)], fullscreen=True)
    assert not quits([key(pygame.K_F4, pygame.KMOD_LALT)], fullscreen=True)


KEYS = st.sampled_from([pygame.K_ESCAPE, pygame.K_q, pygame.K_F4, pygame.K_TAB, pygame.K_RETURN, pygame.K_SPACE,
                        pygame.K_w, pygame.K_x, pygame.K_c, pygame.K_d, pygame.K_F11, pygame.K_DELETE])
MODS = st.sampled_from([0, pygame.KMOD_LALT, pygame.KMOD_LSHIFT, pygame.KMOD_LGUI, pygame.KMOD_LCTRL])


@settings(max_examples=100, deadline=None)
@given(presses=st.lists(st.tuples(KEYS, MODS), max_size=8))
def test_in_fullscreen_nothing_but_ctrl_q_leaves(display, presses):
    events = [key(k, m) for k, m in presses]
    expected = any(k == pygame.K_q and m & pygame.KMOD_CTRL for k, m in presses)
    assert quits(events, fullscreen=True) == expected

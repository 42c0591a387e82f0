"""Hostile paths and arguments on the command line: one line, the right exit code, nothing clobbered.

Each case here ended in a traceback, a hang or a replaced file before (issue 13): output paths that are
links, FIFOs, devices or the orders database; missing folders; a negative --limit; a camera index
OpenCV cannot take; a broken pipe; Ctrl+C during start-up; two kiosks on one database; a replay that
wrote into the shop's database.
"""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.cli import main
from kiosk.shop.cart import Order, OrderLine
from kiosk.store.orders import SQLiteOrderStore
from tests.conftest import REPO

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def floor(tmp_path):
    """A shop floor of hostile paths: an orders database with 3 orders, a symlink to a file that must
    survive, a FIFO, a device node (when the test may make one), a folder."""
    db = tmp_path / "orders.db"
    with SQLiteOrderStore(db) as store:
        for k in range(3):
            store.save(Order(f"u{k}", "EUR", (OrderLine("apple", "Apple", 45, 1),)), T0)
    (tmp_path / "precious.txt").write_text("keep me")
    os.symlink(tmp_path / "precious.txt", tmp_path / "link.csv")
    os.mkfifo(tmp_path / "fifo")
    try:
        os.mknod(tmp_path / "device", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        pass
    (tmp_path / "folder").mkdir()
    return tmp_path


def run_main(argv, capsys) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err.strip()


@pytest.mark.parametrize("name, why", [
    ("link.csv", "is a symbolic link"), ("fifo", "is a FIFO"), ("device", "is a device"),
    ("folder", "is a folder"), ("orders.db", "is the kiosk's own orders.db"),
    ("orders.db-wal", "own orders.db-wal"), ("no/such/folder/out.csv", "the folder .* does not exist"),
])
def test_orders_csv_refuses_what_is_not_a_new_or_regular_file(floor, capsys, name, why):
    target = floor / name
    if name == "device" and not target.exists():
        pytest.skip("this user cannot make a device node")
    running = None
    if name == "orders.db-wal":  # SQLite's own companion file, there while a kiosk has the database open
        running = SQLiteOrderStore(floor / "orders.db")
        running.save(Order("u9", "EUR", (OrderLine("apple", "Apple", 45, 1),)), T0)
        assert target.exists()
        why = "is the kiosk's own orders.db-wal"
    code, err = run_main(["orders", "--db", floor / "orders.db", "--csv", target], capsys)
    if running is not None:
        assert target.stat().st_size > 0
        running.close()
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("error: --csv")
    assert __import__("re").search(why, err), err
    assert (floor / "precious.txt").read_text() == "keep me" and os.path.islink(floor / "link.csv")
    assert stat.S_ISFIFO(os.lstat(floor / "fifo").st_mode)
    assert len(SQLiteOrderStore(floor / "orders.db").list()) == 3 + (running is not None)


def test_orders_csv_to_a_regular_file_replaces_it_whole(floor, capsys):
    out = floor / "orders.csv"
    out.write_text("old contents\n" * 1000)
    code, _ = run_main(["orders", "--db", floor / "orders.db", "--csv", out], capsys)
    lines = out.read_text().splitlines()
    assert code == 0 and lines[0].startswith("order_id,") and len(lines) == 4 and "old" not in out.read_text()


def test_events_naming_the_orders_database_keeps_every_order(floor, capsys):
    code, err = run_main(["run", "--source", "demo", "--headless", "--max-frames", "2", "--store-demo-orders",
                          "--db", floor / "orders.db", "--events", floor / "orders.db"], capsys)
    assert code == 2 and "orders.db" in err and len(err.splitlines()) == 1
    assert len(SQLiteOrderStore(floor / "orders.db").list()) == 3


def test_events_naming_any_sqlite_database_or_a_fifo_is_refused(floor, capsys):
    other = floor / "other.db"
    SQLiteOrderStore(other).close()
    for target, why in ((other, "is a SQLite database"), (floor / "fifo", "is a FIFO")):
        code, err = run_main(["run", "--source", "demo", "--headless", "--max-frames", "2",
                              "--events", target], capsys)
        assert code == 2 and why in err


def test_a_screenshot_into_a_missing_folder_is_refused_before_the_run(floor, capsys):
    code, err = run_main(["run", "--source", "demo", "--headless", "--max-frames", "2",
                          "--screenshot", floor / "missing" / "s.png"], capsys)
    assert code == 2 and err == f"error: --screenshot {floor / 'missing' / 's.png'}: the folder " \
                                f"{floor / 'missing'} does not exist"


def test_a_screenshot_is_a_png_written_whole(floor, capsys):
    out = floor / "s.png"
    code, _ = run_main(["run", "--source", "demo", "--headless", "--max-frames", "2", "--size", "320x240",
                        "--screenshot", out], capsys)
    assert code == 0 and cv2.imread(str(out)).shape == (240, 320, 3)
    assert not [p for p in floor.iterdir() if p.name.startswith(".s.png")]  # no temporary file left


@pytest.mark.parametrize("argv, words", [
    (["orders", "--limit", "-1"], "--limit: must be 0 or more"),
    (["run", "--source", "99999999999999999999", "--headless"], "a camera index is 0..99"),
])
def test_bad_numbers_are_usage_errors(floor, capsys, argv, words):
    with pytest.raises(SystemExit) if argv[0] == "orders" else _nothing():
        code, err = run_main(argv, capsys)
        assert code == 2 and words in err and len(err.splitlines()) == 1
    if argv[0] == "orders":
        err = capsys.readouterr().err
        assert words in err


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def make_video(path: Path, frames: int = 6) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for k in range(frames):
        writer.write(np.full((48, 64, 3), 40 * k, np.uint8))
    writer.release()
    return path


@pytest.mark.integration  # builds the real MediaPipe tracker
def test_a_replay_without_db_never_touches_the_shops_database(tmp_path, capsys, monkeypatch):
    """Before, a headless replay wrote its cart into the default database and the next run resumed it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    video = make_video(tmp_path / "clip.avi")
    code, err = run_main(["run", "--source", video, "--headless", "--size", "320x240"], capsys)
    assert code == 0, err
    assert not (tmp_path / "data").exists()  # no default database was made
    assert not [p for p in Path("/tmp").glob("kiosk-replay-*") if p.stat().st_mtime > time.time() - 60
                and (p / "orders.db").exists()]  # and the temporary one is gone


# -- real processes ---------------------------------------------------------------------------------

def kiosk_process(*argv, **kw) -> subprocess.Popen:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.Popen([sys.executable, str(REPO / "main.py"), *map(str, argv)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.mark.integration
def test_orders_csv_into_a_pipe_closed_early_is_quiet(floor):
    with SQLiteOrderStore(floor / "orders.db") as store:  # more than a pipe's buffer of CSV
        for k in range(3, 3000):
            store.save(Order(f"u{k}", "EUR", (OrderLine("apple", "Apple", 45, 1),)), T0)
    done = subprocess.run(["bash", "-c", f'"{sys.executable}" main.py orders --db "{floor / "orders.db"}" --csv - '
                                         '| head -1; echo "status ${PIPESTATUS[0]}" >&2'],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("order_id,") and done.stderr.strip() == "status 0"


@pytest.mark.integration
@pytest.mark.parametrize("after", [0.3, 1.0, 2.0])
def test_ctrl_c_during_start_up_is_a_quiet_exit(tmp_path, after):
    proc = kiosk_process("run", "--source", "demo", "--headless", "--max-frames", "100000")
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err and "Exception ignored" not in err, err


@pytest.mark.integration
def test_a_second_kiosk_on_the_same_database_is_refused_and_the_first_sells_on(tmp_path):
    """Before, the second kiosk resumed, and could sell, the first one's live cart."""
    db, events = tmp_path / "orders.db", tmp_path / "first.jsonl"
    first = kiosk_process("run", "--source", "demo", "--store-demo-orders", "--headless", "--size", "640x480",
                          "--db", db, "--events", events)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (events.exists() and '"type":"frame"' in events.read_text()):
            assert first.poll() is None, first.communicate()[1]
            time.sleep(0.1)
        second = kiosk_process("run", "--source", "demo", "--store-demo-orders", "--headless", "--db", db,
                               "--max-frames", "50")
        _, err = second.communicate(timeout=60)
        assert second.returncode == 1
        assert err.strip() == (f"error: orders database {db} is in use by another kiosk (pid {first.pid}); "
                               "each kiosk needs its own database (--db or [orders] db)")
        assert first.poll() is None  # the first kiosk runs on
    finally:
        first.kill()
        first.wait()
    again = kiosk_process("run", "--source", "demo", "--store-demo-orders", "--headless", "--db", db,
                          "--max-frames", "5")
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err  # kill -9 released the lock: the restart takes it


def test_outputs_never_replace_the_catalog_or_the_config(floor, capsys):
    catalog = floor / "catalog.toml"
    catalog.write_bytes((REPO / "assets" / "catalog.toml").read_bytes())
    shutil.copytree(REPO / "assets" / "items", floor / "items")  # its pictures
    config = floor / "kiosk.toml"
    config.write_text(f'[shop]\ncatalog = "{catalog}"\n')
    before = catalog.read_bytes(), config.read_bytes()
    for argv in (["orders", "--db", floor / "orders.db", "--csv", catalog],
                 ["orders", "--db", floor / "orders.db", "--csv", config],
                 ["run", "--source", "demo", "--headless", "--max-frames", "2", "--events", catalog],
                 ["run", "--source", "demo", "--headless", "--max-frames", "2", "--screenshot", config]):
        code, err = run_main(["--config", config, *argv], capsys)
        assert code == 2 and "is the kiosk's own" in err, (argv, err)
    assert (catalog.read_bytes(), config.read_bytes()) == before


@pytest.mark.integration
def test_train_that_finds_no_hand_ends_in_one_line_without_a_mediapipe_complaint(tmp_path, model):
    """Before, the hand detector was left to the garbage collector and Python printed
    'Exception ignored in HandLandmarker.__del__' with a traceback after the error line."""
    for label in ("ok", "none"):
        (tmp_path / "ds" / label).mkdir(parents=True)
        for k in range(2):
            cv2.imwrite(str(tmp_path / "ds" / label / f"{k}.png"), np.full((96, 128, 3), 60 * k, np.uint8))
    proc = kiosk_process("train", tmp_path / "ds", "--model", model)
    _, err = proc.communicate(timeout=300)
    lines = [line for line in err.splitlines() if "extracting landmarks" not in line]
    assert proc.returncode == 2 and "Exception ignored" not in err and "Traceback" not in err, err
    assert lines[-1] == f"error: dataset {tmp_path / 'ds'}: no hand found in any of its 4 images"

"""The whole loop, headless: the demo's synthetic hand buys something; recordings run to the end."""
from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pygame
import pytest

from kiosk.app import App, Parts
from kiosk.config import UIConfig
from kiosk.events import EventLog
from kiosk.gestures.classifier import RuleClassifier
from kiosk.interaction.pointer import Pointer, PointerConfig
from kiosk.shop.catalog import load_catalog
from kiosk.shop.machine import KioskTimings
from kiosk.store.orders import MemoryOrderStore
from kiosk.demo_script import THUMBS_UP, build_script, demo_plan
from kiosk.vision.demo import DemoHandTracker, DemoSource
from tests.conftest import REPO

SIZE = (1280, 720)


def demo_app(tmp_path, surface, ui: UIConfig = UIConfig()):
    from kiosk.bootstrap import demo_tracker
    from kiosk.config import Config
    from kiosk.ui.theme import load_theme

    catalog = load_catalog(REPO / "assets" / "catalog.toml")
    config = Config(ui=ui)
    theme = load_theme(ui.theme)
    tracker = demo_tracker(catalog, SIZE, config, theme)  # the script aimed at this layout's buttons
    parts = Parts(source=DemoSource(), tracker=tracker, classifier=RuleClassifier(),
                  catalog=catalog, store=MemoryOrderStore(), size=SIZE, events=EventLog(tmp_path / "ev.jsonl"),
                  ui=ui, theme=theme)
    app = App(parts, surface)
    return app, tracker.keys, catalog


@pytest.mark.parametrize("gestures", [True, False], ids=["confirm-by-thumbs-up", "confirm-by-click"])
def test_demo_cycle_buys_the_planned_items(tmp_path, gestures):
    pygame.display.init()
    surface = pygame.display.set_mode(SIZE)
    app, keys, catalog = demo_app(tmp_path, surface, UIConfig(gestures=gestures))
    cycle_frames = int(keys[-1].t * DemoSource.fps)
    for _ in range(cycle_frames):
        app.step(app.p.source.read())
    app.p.events.close()
    pygame.display.quit()

    orders = app.p.store.list()
    assert len(orders) == 1
    plan = demo_plan(catalog, gestures)
    assert plan[0] == "practice"  # the demo shows the practice click too
    first, second = plan[1].split(":")[1], plan[2].split(":")[1]
    bought = {line.item_id: line.qty for line in orders[0].lines}
    assert bought == {first: 1, second: 2}  # add, add, then + once in the cart
    expected = catalog.get(first).price_cents + 2 * catalog.get(second).price_cents
    assert orders[0].total_cents == expected

    events = [json.loads(line) for line in (tmp_path / "ev.jsonl").read_text().splitlines()]
    screens = [e["to"] for e in events if e["type"] == "state"]
    assert screens == ["practice", "shopping", "cart", "confirm", "paying", "receipt", "attract"]
    clicks = [e["target"] for e in events if e["type"] == "click"]
    assert clicks == [p for p in plan if p != THUMBS_UP]
    assert [e["status"] for e in events if e["type"] == "payment"] == ["started", "approved"]
    gestures_logged = [(e["action"], e["gesture"]) for e in events if e["type"] == "gesture"]
    assert gestures_logged == ([("confirm", "thumbs_up")] if gestures else [])
    if gestures:  # the 👍 is followed by its state line, in the same frame
        g = next(e for e in events if e["type"] == "gesture")
        after = events[events.index(g) + 1]
        assert after["type"] == "state" and after["i"] == g["i"] and (after["from"], after["to"]) == ("confirm", "paying")
    assert not [e for e in events if e["type"] == "dwell"]  # dwell is off by default
    frames = [e for e in events if e["type"] == "frame"]
    assert len(frames) == cycle_frames
    assert all(abs(e["t"] - e["i"] / 30) < 1e-6 for e in frames)


@pytest.mark.integration
def test_headless_demo_from_the_command_line(tmp_path):
    shot = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, "main.py", "--source", "demo", "--headless", "--max-frames", "60",
                           "--size", "800x600", "--events", str(tmp_path / "ev.jsonl"), "--screenshot", str(shot)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frames = [json.loads(x) for x in (tmp_path / "ev.jsonl").read_text().splitlines() if '"frame"' in x]
    assert [f["i"] for f in frames] == list(range(60))
    assert pygame.image.load(str(shot)).get_size() == (800, 600)


def write_video(path, n: int, fps: float = 15.0):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (320, 240))
    for k in range(n):
        writer.write(np.full((240, 320, 3), 40 + 5 * k, np.uint8))
    writer.release()


@pytest.mark.integration
def test_video_file_runs_to_its_end_with_the_real_tracker(tmp_path, model):
    video = tmp_path / "empty.mp4"
    write_video(video, 24)
    events = tmp_path / "ev.jsonl"
    done = subprocess.run([sys.executable, "main.py", "--source", str(video), "--headless", "--size", "640x360",
                           "--events", str(events), "--db", str(tmp_path / "o.db")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frames = [json.loads(x) for x in events.read_text().splitlines()]
    assert [f["i"] for f in frames] == list(range(24))
    assert [round(f["t"], 4) for f in frames] == [round(i / 15.0, 4) for i in range(24)]
    assert all(f["tip"] is None and f["hands"] == 0 for f in frames)  # nobody in a flat grey video


def test_image_folder_source_reads_each_image_once(tmp_path):
    from kiosk.vision.sources import ImageFolderSource

    for k in range(3):
        img = np.zeros((20, 30, 3), np.uint8)
        img[:, :10] = (0, 0, 255)  # red on the left: after mirroring it is on the right
        cv2.imwrite(str(tmp_path / f"{k}.png"), img)
    (tmp_path / "broken.png").write_bytes(b"not an image")
    src = ImageFolderSource(tmp_path, fps=10)
    frames = [src.read() for _ in range(4)]
    assert frames[3] is None
    assert [f.index for f in frames[:3]] == [0, 1, 2]
    assert [f.t for f in frames[:3]] == pytest.approx([0.0, 0.1, 0.2])
    assert tuple(frames[0].image[0, -1]) == (0, 0, 255) and tuple(frames[0].image[0, 0]) == (0, 0, 0)
    assert [p.name for p in src.skipped] == ["broken.png"]


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080), (3840, 2160), (1024, 768), (1920, 1920), (640, 480)],
                         ids=str)
def test_the_demo_finds_every_target_it_plans_at_any_screen_shape(size):
    """The demo aims at buttons the layout shows at this size: a target missing (an item on a later page
    of a portrait grid) would stop the kiosk at start. Both items come from the first page."""
    from kiosk.interaction.pointer import Pointer
    from kiosk.shop.catalog import load_catalog
    from kiosk.shop.machine import KioskTimings

    catalog = load_catalog(REPO / "assets" / "catalog.toml")
    keys = build_script(catalog, size, Pointer(size), KioskTimings())
    assert keys[-1].t > 20 and any(k.ok == 1.0 for k in keys)

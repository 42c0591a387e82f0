"""The one-slot hand-over and the threaded loop used with a live camera."""
from __future__ import annotations

import json
import threading
import time

import pygame
import pytest

from kiosk import app as kiosk_app, loop
from kiosk.events import EventLog
from kiosk.gestures.classifier import RuleClassifier
from kiosk.shop.catalog import load_catalog
from kiosk.store.orders import MemoryOrderStore
from kiosk.threads import LatestSlot, Stage
from kiosk.vision.demo import DemoSource
from tests.conftest import REPO


def test_slot_keeps_only_the_newest_value_and_counts_the_dropped():
    slot: LatestSlot[int] = LatestSlot()
    for v in range(5):
        slot.put(v)
    assert slot.take(timeout=0) == 4
    assert slot.dropped == 4
    assert slot.take(timeout=0.01) is None  # taken values are not returned twice


def test_take_waits_for_a_put_from_another_thread_and_close_wakes_it():
    slot: LatestSlot[str] = LatestSlot()
    threading.Timer(0.05, lambda: slot.put("frame")).start()
    assert slot.take(timeout=5) == "frame"
    threading.Timer(0.05, slot.close).start()
    assert slot.take(timeout=5) is None and slot.closed


def test_stage_keeps_the_error_that_stopped_it_and_runs_its_exit():
    exited = threading.Event()

    def step() -> bool:
        raise RuntimeError("camera exploded")

    stage = Stage("capture", step, exited.set)
    stage.start()
    stage.join(timeout=5)
    assert isinstance(stage.error, RuntimeError) and exited.is_set()


class LiveDemo(DemoSource):
    """The demo's frames, presented as a live camera (a frame every 5 ms) that ends after n frames."""

    live = True

    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def read(self):
        time.sleep(0.005)
        return super().read() if self._index < self.n else None


class NoHands:
    def process(self, frame):
        return []

    def close(self):
        pass


class Exploding(NoHands):
    def process(self, frame):
        if frame.index >= 5:
            raise RuntimeError("tracker failed")
        return []


def threaded_app(tmp_path, tracker, n):
    pygame.display.init()
    surface = pygame.display.set_mode((640, 360))
    parts = kiosk_app.Parts(source=LiveDemo(n), tracker=tracker, classifier=RuleClassifier(),
                            catalog=load_catalog(REPO / "assets" / "catalog.toml"), store=MemoryOrderStore(),
                            size=(640, 360), events=EventLog(tmp_path / "ev.jsonl"))
    return kiosk_app.App(parts, surface)


def test_threaded_loop_presents_frames_in_order_until_the_source_ends(tmp_path):
    app = threaded_app(tmp_path, NoHands(), 40)
    flips = []
    loop.run_threaded(app, pygame, None, False, 60, on_flip=flips.append)
    app.p.events.close()
    pygame.display.quit()
    indices = [json.loads(x)["i"] for x in (tmp_path / "ev.jsonl").read_text().splitlines()]
    assert indices == sorted(set(indices)) and indices[-1] <= 39  # newest first, never twice, never backwards
    assert len(indices) == app.frames >= 1
    assert sum(f is not None for f in flips) == app.frames  # every presented result was flipped once


def test_an_error_on_the_inference_thread_reaches_the_ui_thread(tmp_path):
    app = threaded_app(tmp_path, Exploding(), 1000)
    with pytest.raises(RuntimeError, match="tracker failed"):
        loop.run_threaded(app, pygame, None, False, 60)
    pygame.display.quit()

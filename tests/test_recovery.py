"""Wiring of crash and camera recovery into the loop: a journaled cart resumes, a lost camera shows."""
from __future__ import annotations

import json

import numpy as np
import pygame

from kiosk import app as kiosk_app, loop
from kiosk.events import EventLog
from kiosk.gestures.classifier import RuleClassifier
from kiosk.shop.cart import Cart
from kiosk.shop.catalog import load_catalog
from kiosk.shop.machine import Screen
from kiosk.store.journal import CartJournal
from kiosk.store.orders import MemoryOrderStore
from kiosk.types import Frame
from kiosk.vision.resilient import CameraState, CameraStatus
from tests.conftest import REPO

CATALOG = load_catalog(REPO / "assets" / "catalog.toml")


class Camera:
    live = True


class NoHands:
    def process(self, frame):
        return []

    def close(self):
        pass


def frame(i: int) -> Frame:
    return Frame(np.zeros((48, 64, 3), np.uint8), i / 30, i)


def make_app(tmp_path, **parts):
    return kiosk_app.App(kiosk_app.Parts(source=None, tracker=NoHands(), classifier=RuleClassifier(),
                                         catalog=CATALOG, store=MemoryOrderStore(), size=(640, 360),
                                         events=EventLog(tmp_path / "ev.jsonl"), **parts))


def test_a_journaled_cart_resumes_on_the_cart_screen_and_is_journaled_again(tmp_path):
    apple, coffee = CATALOG.get("apple"), CATALOG.get("coffee")
    cart = Cart().add(apple, 2).add(coffee)
    journal = CartJournal(tmp_path / "orders.db")
    app = make_app(tmp_path, journal=journal, resume=cart)
    for i in range(3):
        app.step(frame(i))
    assert app.kiosk.screen is Screen.CART and app.kiosk.cart == cart
    saved = journal.load()
    assert saved is not None and dict(saved.lines) == {"apple": 2, "coffee": 1}
    app.p.events.close()
    events = [json.loads(x) for x in (tmp_path / "ev.jsonl").read_text().splitlines()]
    assert [e["lines"] for e in events if e["type"] == "resume"] == [2]


def test_without_a_journaled_cart_the_kiosk_starts_on_the_attract_screen(tmp_path):
    journal = CartJournal(tmp_path / "orders.db")
    app = make_app(tmp_path, journal=journal)
    app.step(frame(0))
    assert app.kiosk.screen is Screen.ATTRACT and journal.load() is None


def test_a_lost_camera_is_shown_and_logged_and_its_return_clears_the_message(tmp_path):
    pygame.display.init()
    surface = pygame.display.set_mode((640, 360))
    app = kiosk_app.App(kiosk_app.Parts(source=Camera(), tracker=NoHands(), classifier=RuleClassifier(),
                                        catalog=CATALOG, store=MemoryOrderStore(), size=(640, 360),
                                        events=EventLog(tmp_path / "ev.jsonl")), surface)
    app.step(frame(0))
    pointer_before = app.pointer
    lost = CameraStatus(CameraState.RECONNECTING, "no new frame for 2 s", 1, 0.5, 2.0, True)
    app.camera_status(lost)
    assert app.camera_message == "The camera is reconnecting, one moment"  # the shopper's words; the log has more
    app.kiosk.language = "de"
    app.camera_status(CameraStatus(CameraState.RECONNECTING, "no new frame for 3 s", 2, 0.5, 3.0, True))
    assert app.camera_message == "Die Kamera verbindet sich neu, einen Moment"
    app.kiosk.language = "en"
    app.redraw()  # draws with the message instead of the hand hint; must not fail without new frames
    app.camera_status(CameraStatus(CameraState.OK))
    assert app.camera_message is None
    assert app.pointer is not pointer_before  # no press survives an outage
    pygame.display.quit()
    app.p.events.close()
    states = [json.loads(x)["state"] for x in (tmp_path / "ev.jsonl").read_text().splitlines() if '"camera"' in x]
    assert states == ["reconnecting", "reconnecting", "ok"]  # each new attempt is logged

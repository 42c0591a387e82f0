"""The app's wiring of issue 4 and the gesture actions, driven frame by frame with scripted hands.

Each test feeds `App.present` with tracked frames whose gesture is given outright, so it checks
the wiring (gestures -> intents -> state machine -> --events log, dwell, magnetism, activity,
sounds, the operator's overlay), not the classifier.
"""
from __future__ import annotations

import json

import numpy as np
import pygame
import pytest

from kiosk.app import App, Parts, Tracked
from kiosk.loop import Operator
from kiosk.config import TrackerConfig, UIConfig, load_config
from kiosk.events import EventLog
from kiosk.gestures.classifier import RuleClassifier
from kiosk.shop.catalog import Catalog, Item, load_catalog
from kiosk.shop.machine import Act, Intent, KioskTimings, Screen
from kiosk.shop.payment import SimulatedTerminal
from kiosk.store.orders import MemoryOrderStore
from kiosk.types import Frame, Gesture, Hand
from tests.conftest import REPO

SIZE = (1280, 720)
FPS = 30.0
IMAGE = np.zeros((480, 640, 3), np.uint8)


class Recorder:
    """Sounds that only remember what was played."""

    def __init__(self):
        self.played: list[str] = []

    def play(self, name: str) -> None:
        self.played.append(name)


class NoTracker:
    def process(self, frame):
        return []

    def close(self):
        self.closed = True


def make_app(tmp_path, ui: UIConfig = UIConfig(), catalog: Catalog | None = None, surface=None, **kw) -> App:
    parts = Parts(source=None, tracker=kw.pop("tracker", NoTracker()), classifier=RuleClassifier(),
                  catalog=catalog or load_catalog(REPO / "assets" / "catalog.toml"),
                  store=kw.pop("store", None) or MemoryOrderStore(),
                  size=SIZE, events=EventLog(tmp_path / "ev.jsonl"), ui=ui, sounds=Recorder(), **kw)
    return App(parts, surface)


def hand(tip: tuple[float, float]) -> Hand:
    """A hand whose every landmark sits at `tip` (normalised): the cursor and the grab both follow it."""
    lm = np.zeros((21, 3), np.float32)
    lm[:, 0], lm[:, 1] = tip
    return Hand(lm, np.zeros((21, 3), np.float32), "Right", 0.99)


class Script:
    """Feeds the app one tracked frame at a time, 30 per second."""

    def __init__(self, app: App):
        self.app, self.i = app, 0

    def run(self, seconds: float, label: str | None, at: tuple[float, float] | None = None, ok: float = 0.0,
            screen_px: bool = True, move: tuple[float, float] = (0.0, 0.0)) -> None:
        """label None: no hand. at: screen px (or normalised with screen_px=False); move: px per second."""
        for k in range(round(seconds * FPS)):
            t = self.i / FPS
            hands, gesture = [], Gesture("none", 0.0, {})
            if label is not None:
                x, y = at
                x, y = x + move[0] * k / FPS, y + move[1] * k / FPS
                tip = self.app.pointer.to_frame((x, y)) if screen_px else (x, y)
                hands = [hand(tip)]
                gesture = Gesture(label, 1.0, {label: 1.0, "ok": ok})
            self.app.present(Tracked(Frame(IMAGE, t, self.i), hands, 0 if hands else None, gesture,
                                     1.0 - 0.9 * ok if hands else None))
            self.i += 1

    def click(self, target_id: str) -> None:
        """Point at a button, rest, 👌, open: one click."""
        b = self.button(target_id)
        self.run(0.5, "point", b.rect.center)
        self.run(0.2, "ok", b.rect.center, ok=1.0)
        self.run(0.3, "point", b.rect.center)

    def button(self, target_id: str):
        return next(b for b in self.app.layout().buttons if b.id == target_id)


def events(tmp_path, app) -> list[dict]:
    app.p.events.close()
    return [json.loads(line) for line in (tmp_path / "ev.jsonl").read_text().splitlines()]


def started(tmp_path, **kw) -> tuple[App, Script]:
    app = make_app(tmp_path, **kw)
    s = Script(app)
    s.run(0.6, "point", (200, 300))  # a raised hand starts the session
    assert app.kiosk.screen is Screen.PRACTICE
    s.click("practice")  # the practice click
    assert app.kiosk.screen is Screen.SHOPPING
    s.shopping_from = s.i  # the frame index where shopping began
    return app, s


def test_a_shopper_who_cannot_make_the_ok_selects_by_holding_still(tmp_path):
    """Dwell is off in the config; on the practice screen the hold-still button is selected by holding
    still, and from then on this session selects everything that way; the next session does not."""
    app = make_app(tmp_path, ui=UIConfig(dwell=False, dwell_seconds=1.0, dwell_settle=0.3))
    s = Script(app)
    s.run(0.6, "point", (200, 300))
    assert app.kiosk.screen is Screen.PRACTICE
    s.run(1.0, "point", s.button("practice").rect.center)  # resting on the target does nothing yet
    assert app.kiosk.screen is Screen.PRACTICE
    s.run(1.5, "point", s.button("hold-still").rect.center)
    assert app.kiosk.view().hold_to_select and app.kiosk.screen is Screen.PRACTICE
    s.run(1.6, "point", s.button("practice").rect.center)
    assert app.kiosk.screen is Screen.SHOPPING
    s.run(1.6, "point", s.button("add:apple").rect.center)
    assert app.kiosk.cart.qty("apple") == 1
    app.kiosk.handle(Intent(Act.TIMEOUT), s.i / FPS)
    s.run(0.6, "point", (200, 300))
    assert app.kiosk.screen is Screen.PRACTICE and not app.kiosk.view().hold_to_select
    s.run(1.6, "point", s.button("practice").rect.center)
    assert app.kiosk.screen is Screen.PRACTICE  # no dwell for the next shopper until they ask


def test_open_hand_goes_back_through_the_state_machine_and_is_logged(tmp_path):
    app, s = started(tmp_path)
    s.click("add:apple")
    s.click("cart")
    assert app.kiosk.screen is Screen.CART
    s.run(1.0, "palm", (200, 300))
    assert app.kiosk.screen is Screen.SHOPPING
    evs = events(tmp_path, app)
    gestures = [e for e in evs if e["type"] == "gesture"]
    assert [(g["action"], g["gesture"]) for g in gestures] == [("back", "palm")]
    nxt = evs[evs.index(gestures[0]) + 1]
    assert nxt["type"] == "state" and (nxt["from"], nxt["to"]) == ("cart", "shopping") and nxt["i"] == gestures[0]["i"]
    assert gestures[0]["t"] == pytest.approx(gestures[0]["i"] / FPS)
    assert "back" in app.sounds.played


def test_held_thumbs_up_pays_on_the_terminal_and_nothing_on_the_wait_screen_pays_twice(tmp_path):
    """👍 held on the summary starts the payment; while the terminal waits, a double 👌 and an open hand
    do nothing; the terminal's approval stores exactly one order under the checkout's uid."""
    terminal = SimulatedTerminal("approved", delay=2.0)
    app, s = started(tmp_path, terminal=terminal)
    s.click("add:apple")
    s.click("checkout")
    s.run(1.0, "thumbs_up", (200, 300))
    assert app.kiosk.screen is Screen.PAYING and len(terminal.started) == 1
    s.run(0.2, "ok", (200, 300), ok=1.0)  # a double 👌 away from Cancel, during the wait
    s.run(0.2, "point", (200, 300))
    s.run(0.2, "ok", (200, 300), ok=1.0)
    s.run(0.5, "palm", (200, 300))  # ✋ is not Back here: it would cancel the payment
    assert app.kiosk.screen is Screen.PAYING and len(terminal.started) == 1
    s.run(1.5, None)  # the hand goes down to tap the card
    assert app.kiosk.screen is Screen.RECEIPT
    (order,) = app.p.store.list()
    assert order.uid == terminal.started[0].uid and order.total_cents == terminal.started[0].amount_cents == 45
    evs = events(tmp_path, app)
    assert [e["status"] for e in evs if e["type"] == "payment"] == ["started", "approved"]
    assert [e["action"] for e in evs if e["type"] == "gesture"] == ["confirm"]


@pytest.mark.parametrize("outcome, words", [("declined", "declined"), ("timed-out", "in time")])
def test_a_declined_or_timed_out_payment_returns_to_the_summary_with_the_cart(tmp_path, outcome, words):
    app, s = started(tmp_path, terminal=SimulatedTerminal(outcome, delay=1.0))
    s.click("add:apple")
    s.click("checkout")
    s.click("confirm")
    s.run(1.5, None)
    assert app.kiosk.screen is Screen.CONFIRM and app.kiosk.cart.qty("apple") == 1
    assert words in app.kiosk.view().message and app.p.store.list() == []
    assert "error" in app.sounds.played


def test_cancel_on_the_terminal_screen_stops_the_payment(tmp_path):
    terminal = SimulatedTerminal("approved", delay=30.0)
    app, s = started(tmp_path, terminal=terminal)
    s.click("add:apple")
    s.click("checkout")
    s.click("confirm")
    s.click("back")  # "Cancel payment"
    s.run(0.2, None)
    assert app.kiosk.screen is Screen.CONFIRM and "cancelled" in app.kiosk.view().message
    assert app.p.store.list() == [] and app.kiosk.cart.qty("apple") == 1


def test_an_open_hand_on_the_quantity_keypad_keeps_the_typed_digits(tmp_path):
    app, s = started(tmp_path)
    s.click("add:apple")
    s.click("cart")
    s.click("qty:apple")
    s.click("key:4")
    s.click("key:2")
    s.run(3.0, "palm", (200, 300))
    assert app.kiosk.screen is Screen.QUANTITY and app.kiosk.view().entry == "42"
    s.click("enter")
    assert app.kiosk.screen is Screen.CART and app.kiosk.cart.qty("apple") == 42
    assert not [e for e in events(tmp_path, app) if e["type"] == "gesture"]


def test_thumbs_down_held_on_the_summary_stores_no_order(tmp_path):
    app, s = started(tmp_path)
    s.click("add:apple")
    s.click("checkout")
    assert app.kiosk.screen is Screen.CONFIRM
    s.run(3.0, "thumbs_down", (200, 300))
    assert app.kiosk.screen is Screen.CONFIRM
    s.run(0.4, "thumbs_up", (200, 300))  # shorter than the 0.6 s hold
    s.run(0.1, "thumbs_down", (200, 300))  # "not yet": the 👍 starts over
    s.run(0.4, "thumbs_up", (200, 300))
    s.run(1.0, "point", (200, 300))
    assert app.kiosk.screen is Screen.CONFIRM
    assert app.p.store.list() == []
    evs = events(tmp_path, app)
    assert not [e for e in evs if e["type"] in ("gesture", "order")]
    assert [e["to"] for e in evs if e["type"] == "state"] == ["practice", "shopping", "confirm"]


def test_open_hand_goes_back_from_the_summary_then_holds_still_on_the_cart(tmp_path):
    app, s = started(tmp_path)
    s.click("add:apple")
    s.click("checkout")
    s.run(0.4, "palm", (200, 300))
    assert app.kiosk.screen is Screen.CONFIRM  # not yet: the hold is 0.5 s
    s.run(2.0, "palm", (200, 300))
    assert app.kiosk.screen is Screen.CART  # and only one step back, however long it is held
    assert app.kiosk.cart.qty("apple") == 1
    assert [(e["action"], e["gesture"]) for e in events(tmp_path, app) if e["type"] == "gesture"] == [("back", "palm")]


def test_undo_brings_a_removed_line_back_where_it_was(tmp_path):
    app, s = started(tmp_path, timings=KioskTimings(undo_seconds=5.0))
    for item_id in ("apple", "banana", "croissant"):
        s.click(f"add:{item_id}")
    s.click("add:banana")
    s.click("cart")
    banana_row = s.button("remove:banana").rect
    s.click("remove:banana")
    assert [line.item.id for line in app.kiosk.cart.lines] == ["apple", "croissant"]
    undo = s.button("undo")
    assert undo.rect.y == banana_row.y
    s.click("undo")
    assert [(line.item.id, line.qty) for line in app.kiosk.cart.lines] == [("apple", 1), ("banana", 2),
                                                                          ("croissant", 1)]
    assert "undo" not in [b.id for b in app.layout().buttons]
    evs = events(tmp_path, app)
    assert [e["target"] for e in evs if e["type"] == "click"][-2:] == ["remove:banana", "undo"]


def test_the_undo_offer_runs_out_while_the_shopper_waits(tmp_path):
    app, s = started(tmp_path, timings=KioskTimings(undo_seconds=3.0))
    s.click("add:apple")
    s.click("add:banana")
    s.click("cart")
    i0 = s.i
    s.click("remove:apple")  # clicks on release: frame 23 of its 30 (15 pointing, 6 of 👌, 0.05 s open)
    removed = i0 + 23
    assert app.kiosk.cart.qty("apple") == 0 and "undo" in [b.id for b in app.layout().buttons]
    s.run((removed + 89 - (s.i - 1)) / FPS, "point", (200, 300))  # up to 89 frames (2.967 s) after it
    assert s.i - 1 == removed + 89
    assert "undo" in [b.id for b in app.layout().buttons]
    s.run(1 / FPS, "point", (200, 300))  # 3.0 s after the removal
    assert "undo" not in [b.id for b in app.layout().buttons]
    assert [line.item.id for line in app.kiosk.cart.lines] == ["banana"]


def test_grab_scrolls_a_long_catalog(tmp_path):
    big = Catalog("EUR", tuple(Item(f"p{n:02d}", f"Product {n}", 100 + n) for n in range(20)))
    app, s = started(tmp_path, catalog=big)
    row, cols = app.layout().row, app.kiosk.columns
    s.run(0.4, "fist", (200, 600))
    s.run(1.0, "fist", (200, 600), move=(0, -2.5 * row))  # the fist rises 2.5 rows: the grid shows 2 rows further
    assert app.kiosk.view().first == 2 * cols
    ids = [b.id for b in app.layout().buttons if b.id.startswith("add:")]
    assert ids[0] == f"add:p{2 * cols:02d}"
    evs = events(tmp_path, app)
    assert [(e["action"], e["rows"]) for e in evs if e["type"] == "gesture"] == [("scroll", 1), ("scroll", 1)]
    assert not [e for e in evs if e["type"] == "state" and e["i"] > s.shopping_from]


def test_dwell_selects_when_on_and_never_when_off(tmp_path):
    for on in (False, True):
        path = tmp_path / str(on)
        path.mkdir()
        app, s = started(path, ui=UIConfig(dwell=on, dwell_seconds=1.0, dwell_settle=0.3))
        s.run(2.0, "point", s.button("add:banana").rect.center)
        assert app.kiosk.cart.qty("banana") == (1 if on else 0)
        evs = events(path, app)
        dwells = [e for e in evs if e["type"] == "dwell"]
        assert [d["target"] for d in dwells] == (["add:banana"] if on else [])
        assert not [e for e in evs if e["type"] == "click" and e["i"] >= s.shopping_from]  # a dwell is not a click


def test_dwell_waits_while_the_hand_does_something_else(tmp_path):
    app, s = started(tmp_path, ui=UIConfig(dwell=True, dwell_seconds=1.0, dwell_settle=0.3))
    s.run(3.0, "fist", s.button("add:banana").rect.center)
    assert app.kiosk.cart.qty("banana") == 0


def test_magnetism_lets_a_click_just_outside_a_button_land_on_it(tmp_path):
    for strength, expect in ((0.0, 0), (0.5, 1)):
        path = tmp_path / str(strength)
        path.mkdir()
        app, s = started(path, ui=UIConfig(magnetism=strength, magnet_radius=0.05))
        b = s.button("add:banana")
        near = (b.rect.x - 4, b.rect.center[1])  # 4 px left of the button, beside its row
        assert app.layout().hit(near) is None or app.layout().hit(near).id != "add:banana"
        s.run(0.5, "point", near)
        s.run(0.2, "ok", near, ok=1.0)
        s.run(0.3, "point", near)
        assert app.kiosk.cart.qty("banana") == expect
        clicks = [e for e in events(path, app) if e["type"] == "click" and e["i"] >= s.shopping_from]
        assert len(clicks) == 1 and abs(clicks[0]["pos"][0] - near[0]) < 2  # the log keeps the pointer's own position
        assert clicks[0]["target"] == ("add:banana" if expect else None)


def test_a_still_hand_gets_the_countdown_and_a_move_cancels_it(tmp_path):
    timings = KioskTimings(inactivity_warn=2.0, inactivity_reset=22.0)
    app, s = started(tmp_path, timings=timings)
    s.click("add:apple")
    s.run(2.5, "point", (300, 300))
    assert app.kiosk.view().warning_left is not None
    assert app.sounds.played.count("warning") == 1
    s.run(0.5, "point", (300, 300), move=(400, 0))  # the shopper moves
    assert app.kiosk.view().warning_left is None
    s.run(2.5, "point", (500, 300))
    assert app.kiosk.view().warning_left == 20
    s.click("more-time")  # the warning's own button
    assert app.kiosk.view().warning_left is None and app.kiosk.cart.qty("apple") == 1
    s.run(22.5, "point", (500, 300))
    assert app.kiosk.screen is Screen.ATTRACT and app.kiosk.cart.is_empty


def test_gestures_off_means_no_gesture_actions(tmp_path):
    app, s = started(tmp_path, ui=UIConfig(gestures=False))
    s.click("cart")
    s.run(1.5, "palm", (200, 300))
    assert app.kiosk.screen is Screen.CART
    assert not [e for e in events(tmp_path, app) if e["type"] == "gesture"]


# -- the operator -----------------------------------------------------------------------------

@pytest.fixture
def display():
    pygame.display.init()
    surface = pygame.display.set_mode(SIZE)
    pygame.event.clear()
    yield surface
    pygame.display.quit()


def press(*keys):
    for k, mod in keys:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod))


CS = pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT


def test_debug_overlay_tunes_and_saves_tracker_settings(tmp_path, display):
    config = tmp_path / "kiosk.toml"
    config.write_text("[tracker]\nnum_hands = 1  # one shopper\n\n[camera]\nindex = 1\n")
    made = []

    def make_tracker(settings: TrackerConfig):
        made.append(settings)
        return NoTracker()

    first = NoTracker()
    app = make_app(tmp_path, surface=display, tracker=first, config_path=config, make_tracker=make_tracker,
                   tracker_settings=TrackerConfig(num_hands=1))
    s = Script(app)
    s.run(0.1, "point", (200, 300))
    op = Operator(fullscreen=False)
    press((pygame.K_d, CS))
    assert op.keys(pygame, app) is False and app.debug
    press((pygame.K_RIGHT, 0), (pygame.K_DOWN, 0), (pygame.K_RIGHT, 0), (pygame.K_RIGHT, 0))
    op.keys(pygame, app)
    assert app.tuning.values["num_hands"] == 2 and app.tuning.values["min_hand_detection_confidence"] == 0.6
    app.track(Frame(IMAGE, 1.0, 99))  # the inference thread picks the new settings up
    assert made and made[-1].num_hands == 2 and made[-1].min_hand_detection_confidence == 0.6
    assert getattr(first, "closed", False) and app.vision.tracker is not first
    press((pygame.K_s, pygame.KMOD_LCTRL))
    op.keys(pygame, app)
    saved = load_config(config)
    assert saved.tracker.num_hands == 2 and saved.tracker.min_hand_detection_confidence == 0.6
    assert saved.camera.index == 1 and "# one shopper" in config.read_text()
    assert "saved" in app._tuning_note
    # the overlay is drawn: the active region's frame in the accent colour
    s.run(0.1, "point", (200, 300))
    x0, y0, _, _ = app.p.pointer.active_region
    px, py = app.renderer.feed_to_screen(x0, y0)
    assert tuple(display.get_at((px + 10, py)))[:3] == (255, 176, 0)
    press((pygame.K_d, CS))
    op.keys(pygame, app)
    assert not app.debug


def test_arrows_do_nothing_without_the_overlay_and_lone_keys_never_leave(tmp_path, display):
    app = make_app(tmp_path, surface=display)
    op = Operator(fullscreen=True)
    press((pygame.K_RIGHT, 0), (pygame.K_d, 0), (pygame.K_f, 0), (pygame.K_ESCAPE, 0), (pygame.K_d, pygame.KMOD_LCTRL))
    assert op.keys(pygame, app) is False
    assert not app.debug and app.tuning.changed() == {} and op.fullscreen
    press((pygame.K_q, pygame.KMOD_LCTRL))
    assert op.keys(pygame, app) is True


def test_leaving_fullscreen_keeps_the_size_and_the_layout(tmp_path, display):
    app = make_app(tmp_path, surface=display)
    s = Script(app)
    s.run(0.1, "point", (200, 300))
    op = Operator(fullscreen=True)
    press((pygame.K_f, CS))
    op.keys(pygame, app)
    assert not op.fullscreen and app.surface.get_size() == SIZE
    assert app.renderer.surface is app.surface
    press((pygame.K_ESCAPE, 0))
    assert op.keys(pygame, app) is True  # in a window now, Esc quits as it always did


def test_without_a_tracker_factory_tuning_says_it_applies_at_the_next_start(tmp_path, display):
    app = make_app(tmp_path, surface=display, config_path=tmp_path / "k.toml")
    app.toggle_debug()
    app.tune(adjust=1)
    assert "next start" in app._tuning_note
    app.track(Frame(IMAGE, 0.0, 0))  # nothing to rebuild with: the tracker stays
    assert isinstance(app.vision.tracker, NoTracker)
    assert "saved" in app.save_tuning() and load_config(tmp_path / "k.toml").tracker.num_hands == 2
    assert app.save_tuning() == "nothing changed"


def test_sounds_follow_what_happened(tmp_path):
    app, s = started(tmp_path)
    s.click("add:apple")
    s.run(0.5, "point", (200, 300))
    s.run(0.2, "ok", (200, 300), ok=1.0)  # a click on nothing
    s.run(0.3, "point", (200, 300))
    assert app.sounds.played == ["start", "add", "add", "click"]  # start, the practice click, Add, nothing


def test_receipt_plays_success_once(tmp_path):
    app, s = started(tmp_path)
    s.click("add:apple")
    s.click("checkout")
    s.click("confirm")
    s.run(3.5, None)  # the default simulated terminal approves after 3 s
    assert app.kiosk.screen is Screen.RECEIPT
    assert app.sounds.played.count("success") == 1
    order = app.p.store.list()[0]
    assert [(line.item_id, line.qty) for line in order.lines] == [("apple", 1)]
    # the receipt's text (its QR code): this order, as stored, with the time it was stored (UTC)
    lines = app.kiosk.view().receipt.text.splitlines()
    assert lines == ["Touchless checkout", f"Order {order.number}", order.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                     "1 x Apple  €0.45", "Total €0.45", "Paid by card"]


@pytest.mark.integration
def test_config_parts_carry_the_ui_and_rebuild_a_real_tracker(tmp_path, model):
    from kiosk.bootstrap import config_parts
    from kiosk.config import Config

    config = load_config(None).model_copy(update={"ui": UIConfig(dwell=True),
                                                  "tracker": TrackerConfig(model=model, num_hands=2)})
    parts = config_parts(config, tmp_path / "k.toml", model)
    assert parts["ui"].dwell is True and parts["tracker_settings"].num_hands == 2
    assert parts["config_path"] == tmp_path / "k.toml"
    tracker = parts["make_tracker"](TrackerConfig(model=model, num_hands=1, min_tracking_confidence=0.7))
    try:
        assert tracker.process(Frame(IMAGE, 0.0, 0)) == []
    finally:
        tracker.close()
    assert config_parts(Config(), None, None)["make_tracker"] is None  # the demo: nothing to rebuild


@pytest.mark.parametrize("crash", ["while the terminal waits", "after the order is stored"])
def test_a_crash_during_the_payment_leaves_one_order_or_none(tmp_path, crash):
    """The process dies (nothing closed) during the payment; the next start finds one order or none, and
    a cart that was not sold comes back to be paid, once."""
    from kiosk.bootstrap import _journal
    from kiosk.config import Config
    from kiosk.store.orders import SQLiteOrderStore

    db, config = tmp_path / "orders.db", Config()
    catalog = load_catalog(REPO / "assets" / "catalog.toml")
    journal, resume = _journal(db, config, catalog)
    assert resume is None
    app, s = started(tmp_path, store=SQLiteOrderStore(db), journal=journal,
                     terminal=SimulatedTerminal("approved", delay=2.0))
    s.click("add:apple")
    s.click("checkout")
    s.click("confirm")
    assert app.kiosk.screen is Screen.PAYING
    if crash == "after the order is stored":
        s.run(2.5, None)
        assert app.kiosk.screen is Screen.RECEIPT
    # -- the crash: the old app is simply abandoned; a new one starts on the same file
    journal2, resume2 = _journal(db, config, catalog)
    store2 = SQLiteOrderStore(db)
    if crash == "after the order is stored":
        assert len(store2.list()) == 1 and resume2 is None  # sold: nothing to resume, nothing to pay again
        return
    assert store2.list() == [] and resume2 is not None and resume2.qty("apple") == 1
    events2 = tmp_path / "second"
    events2.mkdir()
    app2 = make_app(events2, store=store2, journal=journal2, resume=resume2,
                    terminal=SimulatedTerminal("approved", delay=1.0))
    s2 = Script(app2)
    s2.run(0.2, "point", (200, 300))
    assert app2.kiosk.screen is Screen.CART  # the cart is back, nothing is being paid
    s2.click("checkout")
    s2.click("confirm")
    s2.run(1.5, None)
    (order,) = store2.list()
    assert app2.kiosk.screen is Screen.RECEIPT and [(x.item_id, x.qty) for x in order.lines] == [("apple", 1)]

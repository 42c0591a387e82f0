"""The composition root and the loop: one frame from camera to screen, in `Kiosk App.step`.

    source.read()          -> Frame (mirrored BGR, t, i)
    tracker.process(frame) -> [Hand]           ActiveHandSelector picks one
    classifier.classify()  -> Gesture          scores["ok"] drives the click
    pointer.update()       -> PointerState     cursor px, press/release/click events
    layout.hit()           -> target id        -> Intent -> Kiosk.handle() -> effects (PlaceOrder -> store)
    kiosk.tick()           -> timers (start on a held hand, inactivity, receipt)
    renderer.draw()        -> the screen; events.emit() -> the --events log

Nothing here is clever: every decision lives in the module that owns it. This module
only wires them, and it is the only one that opens a window, a camera or a database.
"""
from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from kiosk.errors import KioskError
from kiosk.events import EventLog, rounded
from kiosk.gestures.classifier import GestureClassifier
from kiosk.gestures.features import pinch_ratio
from kiosk.interaction.active_hand import ActiveHandSelector
from kiosk.interaction.pointer import Pointer, PointerConfig, PointerState
from kiosk.shop.catalog import Catalog
from kiosk.stats import Stats
from kiosk.shop.machine import Act, Intent, Kiosk, KioskTimings, PlaceOrder, Screen, intent_for_target
from kiosk.store.orders import OrderStore
from kiosk.types import NO_GESTURE, Frame, Gesture, Hand, PointerKind
from kiosk.ui.layout import Layout, catalog_rows, layout
from kiosk.vision.sources import FrameSource
from kiosk.vision.tracker import HandTracker


@dataclass
class Parts:
    """Everything the loop needs, already opened. The CLI builds it; tests build it with fakes."""

    source: FrameSource
    tracker: HandTracker
    classifier: GestureClassifier
    catalog: Catalog
    store: OrderStore
    size: tuple[int, int]
    """Screen size, px."""
    pointer: PointerConfig = PointerConfig()
    timings: KioskTimings = KioskTimings()
    events: EventLog = field(default_factory=lambda: EventLog(None))
    notes: tuple[str, ...] = ()
    """Small lines shown top-left, e.g. 'demo mode: no camera'."""
    new_uid: Callable[[], str] = lambda: uuid.uuid4().hex


@dataclass(frozen=True, eq=False)
class Tracked:
    """One frame after vision (the inference stage's output, the UI stage's input)."""

    frame: Frame
    hands: list[Hand]
    active: int | None
    """Index into hands of the hand that drives the cursor."""
    gesture: Gesture
    pinch: float | None
    """Active hand's thumb-index distance / palm size, None without a hand."""


class App:
    def __init__(self, parts: Parts, surface=None):
        """surface: a pygame Surface to draw on, or None to run without drawing."""
        self.p = parts
        self.pointer = Pointer(parts.size, parts.pointer)
        self.kiosk = Kiosk(parts.catalog, parts.timings, parts.new_uid, page_size=catalog_rows(parts.size))
        self.selector = ActiveHandSelector()
        self.surface = surface
        self.renderer = None
        if surface is not None:
            from kiosk.ui.renderer import PygameRenderer

            self.renderer = PygameRenderer(surface)
        self._layout: tuple[object, Layout] | None = None
        self._shown: tuple[Tracked, PointerState] | None = None  # what the screen shows, for redraw()
        self.frames = 0
        self.stats: Stats | None = None
        """Set by the benchmark to collect per-stage times; None in normal runs (no cost)."""

    def layout(self) -> Layout:
        view = self.kiosk.view()
        if self._layout is None or self._layout[0] != view:
            self._layout = (view, layout(view, self.p.catalog, self.p.size))
        return self._layout[1]

    def step(self, frame: Frame) -> None:
        """Everything that happens for one frame, in order (the synchronous loop)."""
        self.present(self.track(frame))

    def track(self, frame: Frame) -> Tracked:
        """Vision: hands, the active one, its gesture. Runs on the inference thread for a camera."""
        clock = time.perf_counter
        t0 = clock()
        hands = self.p.tracker.process(frame)
        t1 = clock()
        active = self.selector.select(hands)
        hand = hands[active] if active is not None else None
        gesture = self.p.classifier.classify(hand) if hand is not None else NO_GESTURE
        pinch = pinch_ratio(hand.world) if hand is not None else None
        if self.stats is not None:
            self.stats.add("landmarks", t1 - t0)
            if hand is not None:
                self.stats.add("classify", clock() - t1)
        return Tracked(frame, hands, active, gesture, pinch)

    def present(self, tracked: Tracked) -> None:
        """Interaction and screen for one tracked frame: pointer, clicks, state machine, drawing."""
        clock = time.perf_counter
        t0 = clock()
        frame, log = tracked.frame, self.p.events
        t, i = frame.t, frame.index
        hand = tracked.hands[tracked.active] if tracked.active is not None else None
        if hand is not None:
            state = self.pointer.update(t, hand.tip, tracked.gesture.p("ok"), tracked.pinch)
        else:
            state = self.pointer.update(t, None, 0.0)
        t1 = clock()
        log.emit("frame", t, i, tip=rounded(hand.tip if hand else None, 4), cursor=rounded(state.cursor),
                 gesture=tracked.gesture.label, hands=len(tracked.hands))
        for event in state.events:
            target = self.layout().hit(event.pos)
            log.emit(event.kind.value, t, i, pos=rounded(event.pos), target=target.id if target else None)
            if event.kind == PointerKind.CLICK and target is not None:
                intent = intent_for_target(target.id)
                if intent is not None:
                    self._handle(lambda: self.kiosk.handle(intent, t), t, i)
        self._handle(lambda: self.kiosk.tick(t, hand is not None), t, i)
        t2 = clock()
        self._shown = (tracked, state)
        self.redraw()
        self.frames += 1
        if self.stats is not None:
            self.stats.add("pointer", t1 - t0)
            self.stats.add("ui_update", t2 - t1)

    def redraw(self) -> None:
        """Draw what the screen shows now again (the UI loop renders faster than the camera delivers)."""
        if self.renderer is None or self._shown is None:
            return
        t0 = time.perf_counter()
        tracked, state = self._shown
        hint = None
        if state.cursor is None and self.kiosk.screen is not Screen.ATTRACT:
            hint = "Show your hand to the camera"
        self.renderer.draw(tracked.frame.image, tracked.hands, tracked.active, self.layout(), state, self.p.notes,
                           hint)
        if self.stats is not None:
            self.stats.add("render", time.perf_counter() - t0)

    def _handle(self, change: Callable[[], list[PlaceOrder]], t: float, i: int) -> None:
        """Run a state-machine call, log the screen change, and carry out its effects."""
        before = self.kiosk.screen
        effects = change()
        self._log_state(before, t, i)
        for effect in effects:
            before = self.kiosk.screen
            try:
                stored = self.p.store.save(effect.order, datetime.now(timezone.utc))
            except KioskError as e:
                self.p.events.emit("error", t, i, message=str(e))
                self.kiosk.handle(Intent(Act.ORDER_FAILED), t)
            else:
                self.p.events.emit("order", t, i, id=stored.id, number=stored.number, uid=stored.uid,
                                   total_cents=stored.total_cents, total=self.p.catalog.format(stored.total_cents))
                self.kiosk.handle(Intent(Act.ORDER_STORED, stored.number), t)
            self._log_state(before, t, i)

    def _log_state(self, before: Screen, t: float, i: int) -> None:
        if self.kiosk.screen is not before:
            self.p.events.emit("state", t, i, **{"from": before.value, "to": self.kiosk.screen.value})


def open_display(size: tuple[int, int], *, fullscreen: bool, headless: bool):
    """The pygame display surface: fullscreen at the display's own size, a window, or the dummy driver."""
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    try:
        pygame.display.init()
        pygame.display.set_caption("Touchless checkout")
        if fullscreen:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        return pygame.display.set_mode(size)
    except pygame.error as e:
        raise KioskError(f"cannot open the display ({e}); use --headless to run without one") from None


def run(app: App, *, max_frames: int | None = None, screenshot: str | None = None, fullscreen: bool = False,
        max_fps: int = 60) -> int:
    """Run until the source ends, max_frames, or the operator quits.

    A camera runs threaded (capture and inference beside the UI loop, which renders at up
    to max_fps). A recording runs synchronously, every frame in order, so a replay is
    deterministic: at its own speed in a window, as fast as possible headless.
    """
    import pygame

    try:
        if app.p.source.live:
            _run_threaded(app, pygame, max_frames, fullscreen, max_fps)
        else:
            _run_synchronous(app, pygame, max_frames, fullscreen)
        if screenshot and app.surface is not None:
            pygame.image.save(app.surface, screenshot)
    finally:
        app.p.events.close()
        pygame.display.quit()
    return 0


def _run_synchronous(app: App, pygame, max_frames: int | None, fullscreen: bool) -> None:
    source = app.p.source
    paced = os.environ.get("SDL_VIDEODRIVER") != "dummy"
    start_wall = time.monotonic()
    first_t: float | None = None
    while max_frames is None or app.frames < max_frames:
        if _operator_quit(pygame, fullscreen):
            break
        frame = source.read()
        if frame is None:
            break
        if paced:
            first_t = frame.t if first_t is None else first_t
            delay = (frame.t - first_t) - (time.monotonic() - start_wall)
            if delay > 0:
                time.sleep(delay)
        app.step(frame)
        pygame.display.flip()


def _run_threaded(app: App, pygame, max_frames: int | None, fullscreen: bool, max_fps: int,
                  on_flip: Callable[[Tracked | None], None] | None = None) -> None:
    """Capture and inference threads feed the UI loop through one-slot buffers (see kiosk/threads.py).

    on_flip(tracked): called after each flip with the result shown for the first time, or None
    for a redraw (the benchmark measures latency there).
    """
    from kiosk.threads import LatestSlot, Stage

    frames: LatestSlot[Frame] = LatestSlot()
    results: LatestSlot[Tracked] = LatestSlot()

    def capture() -> bool:
        frame = app.p.source.read()
        if frame is None:
            return False
        frames.put(frame)
        return True

    def infer() -> bool:
        frame = frames.take(timeout=0.2)
        if frame is not None:
            results.put(app.track(frame))
        return not frames.closed

    stages = [Stage("capture", capture, frames.close), Stage("inference", infer, results.close)]
    for stage in stages:
        stage.start()
    budget = 1.0 / max_fps
    next_draw = time.monotonic()
    try:
        while max_frames is None or app.frames < max_frames:
            if _operator_quit(pygame, fullscreen):
                break
            tracked = results.take(timeout=max(0.0, next_draw - time.monotonic()))
            if tracked is not None:
                app.present(tracked)  # a new hand position: show it at once
            elif results.closed:
                break
            elif time.monotonic() >= next_draw:
                app.redraw()
            else:
                continue
            t0 = time.perf_counter()
            pygame.display.flip()
            if app.stats is not None:
                app.stats.add("flip", time.perf_counter() - t0)
            if on_flip is not None:
                on_flip(tracked)
            next_draw = time.monotonic() + budget
        for stage in stages:
            if stage.error is not None:
                raise stage.error
    finally:
        for stage in stages:
            stage.stop()
        frames.close()
        for stage in stages:
            stage.join(timeout=2.0)


def _operator_quit(pygame, fullscreen: bool) -> bool:
    """Ctrl+Q quits; in a window Esc also does. A lone Esc never leaves fullscreen.

    pygame.QUIT always quits: it is the window's close button, and also how SDL reports
    SIGTERM/SIGINT, which a supervisor (systemd) sends to stop the kiosk.
    """
    for event in pygame.event.get():
        if event.type == pygame.QUIT:
            return True
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
                return True
            if event.key == pygame.K_ESCAPE and not fullscreen:
                return True
    return False

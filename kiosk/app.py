"""One frame from camera to screen: `App.track` (vision), then `App.present` (session, drawing).

    source.read()          -> Frame (mirrored BGR, t, i)                       kiosk/loop.py says when
    vision.track(frame)    -> Tracked: hands, the active one, its gesture     kiosk/vision/stage.py
                              (tracker, active hand, classifier, stabiliser; the inference thread for a camera)
    session.step(tracked)  -> Hud: pointer, clicks, dwell, holds, state machine, timers
                                                                               kiosk/interaction/session.py
                              effects: the order store, the cart journal, sounds, --events log  kiosk/effects.py
    renderer.draw()        -> the screen: feed, hands, layout, Hud, overlays    kiosk/ui/renderer.py

Nothing here is clever: every decision lives in the module that owns it. The kiosk is
built (adapters chosen and opened) by kiosk/bootstrap.py; loop.py says when frames arrive.
"""
from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kiosk.config import TRACKER_TUNABLE, TrackerConfig, UIConfig, default_config_path, save_tracker_settings
from kiosk.effects import Effects
from kiosk.errors import KioskError
from kiosk.events import EventLog
from kiosk.gestures.classifier import GestureClassifier
from kiosk.gestures.stabilizer import StabilizerConfig
from kiosk.interaction.pointer import Pointer, PointerConfig
from kiosk.interaction.session import Session
from kiosk.shop.cart import Cart
from kiosk.shop.catalog import Catalog
from kiosk.shop.machine import OUT_OF_ORDER_SECONDS, STORE_ATTEMPTS, Kiosk, KioskTimings, Screen
from kiosk.i18n import tr
from kiosk.shop.payment import PaymentTerminal, SimulatedTerminal
from kiosk.speech import NoSpeaker, Speaker
from kiosk.stats import Stats
from kiosk.store.journal import CartJournal
from kiosk.store.orders import OrderStore
from kiosk.store.writer import StoreWriter
from kiosk.types import Frame
from kiosk.ui.hud import DebugInfo, Hud, TrackerTuning
from kiosk.ui.layout import Layout, LayoutOptions
from kiosk.ui.sounds import Sounds
from kiosk.ui.theme import Theme, load_theme
from kiosk.vision.sources import FrameSource
from kiosk.vision.stage import Tracked, VisionStage
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
    ui: UIConfig = UIConfig()
    """The config's [ui] section: dwell, magnetism, gestures, sound, theme file..."""
    theme: Theme | None = None
    """None: loaded from ui.theme."""
    sounds: Sounds | None = None
    """None: made from ui.sound / ui.volume when there is a display (silent headless)."""
    tracker_settings: TrackerConfig = TrackerConfig()
    """The tracker's settings now, shown and tuned in the debug overlay."""
    make_tracker: Callable[[TrackerConfig], HandTracker] | None = None
    """Builds a tracker with new settings, so tuning applies at once; None: they apply at the next start."""
    config_path: Path | None = None
    """Where the debug overlay saves tracker settings; None: kiosk.toml in the project folder."""
    journal: CartJournal | None = None
    """Journals the cart in progress (same SQLite file as the orders), so a crash loses no cart."""
    resume: Cart | None = None
    """A journaled cart to resume at the first frame (see kiosk/store/journal.py)."""
    stabilizer: StabilizerConfig | None = None
    """Gesture labels act only once they have held (scores["ok"], the click, passes through); None: raw labels."""
    terminal: PaymentTerminal = field(default_factory=SimulatedTerminal)
    """The card terminal the kiosk pays through (the builder's choice from [payment])."""
    shop_name: str = "Touchless checkout"
    """The first line of the receipt ([shop] name)."""
    speaker: Speaker = field(default_factory=NoSpeaker)
    """Speaks what is on screen ([ui] speech; the builder's choice)."""
    catalog_updates: object | None = None
    """A fleet's central catalog as it changes (kiosk.fleet.catalog_cache.CatalogCache): taken between sessions."""
    threaded_writes: bool | None = None
    """Write the store and the journal on a thread of their own; None: for a live source (a recording is
    replayed frame by frame, its writes in step)."""


class App:
    """The kiosk for one frame: the vision stage, the interaction session, the effects and the renderer."""

    def __init__(self, parts: Parts, surface=None):
        """surface: a pygame Surface to draw on, or None to run without drawing."""
        self.p = parts
        ui = parts.ui
        self.theme = parts.theme if parts.theme is not None else load_theme(ui.theme)
        self.options = LayoutOptions(self.theme.sizes, ui.keypad_for_quantity, ui.gestures)
        self.vision = VisionStage(parts.tracker, parts.classifier, parts.stabilizer, parts.make_tracker)
        """Owned by the thread that calls track(): the inference thread for a camera."""
        sounds = parts.sounds
        if sounds is None:
            audible = surface is not None and os.environ.get("SDL_VIDEODRIVER") != "dummy"
            sounds = Sounds.open(ui.sound and audible, ui.volume)
        threaded = bool(getattr(parts.source, "live", False)) if parts.threaded_writes is None else parts.threaded_writes
        self.writer = StoreWriter(parts.store, parts.journal, threaded)
        """Writes orders and the cart journal off the UI thread for a live camera (kiosk/store/writer.py)."""
        self.effects = Effects(self.writer, parts.events, sounds, parts.catalog, parts.terminal,
                               parts.shop_name, parts.speaker)
        self.session = Session(parts.catalog, parts.size, parts.pointer, parts.timings, ui, self.options,
                               parts.new_uid, self.effects)
        """Owned by the UI thread: pointer, intents, state machine."""
        self.surface = surface
        self.renderer = None
        if surface is not None:
            from kiosk.ui.renderer import PygameRenderer

            self.renderer = PygameRenderer(surface, self.theme, parts.pointer.active_region)
        self._shown: tuple[Tracked, Hud] | None = None  # what the screen shows, for redraw()
        self.frames = 0
        self.camera_message: str | None = None
        """Shown instead of the hint while a live camera is lost ("Camera lost, reconnecting...")."""
        self._camera_attempt = 0
        self.stats: Stats | None = None
        """Set by the benchmark to collect per-stage times; None in normal runs (no cost)."""
        self.debug = False
        """The operator's overlay (Ctrl+Shift+D)."""
        self.tuning = TrackerTuning({k: getattr(parts.tracker_settings, k) for k in TRACKER_TUNABLE})
        self._tuning_note = ""
        self._draw_times: deque[float] = deque(maxlen=60)
        self._frame_times: deque[float] = deque(maxlen=60)

    # The session's parts, for tools and tests that look at them.
    @property
    def kiosk(self) -> Kiosk:
        return self.session.kiosk

    @property
    def pointer(self) -> Pointer:
        return self.session.pointer

    @property
    def sounds(self) -> Sounds:
        return self.effects.sounds

    def layout(self) -> Layout:
        return self.session.layout()

    def step(self, frame: Frame) -> None:
        """Everything that happens for one frame, in order (the synchronous loop)."""
        self.present(self.track(frame))

    def track(self, frame: Frame) -> Tracked:
        """Vision (kiosk/vision/stage.py): hands, the active one, its gesture. The inference thread's call."""
        return self.vision.track(frame)

    def present(self, tracked: Tracked) -> None:
        """Interaction and screen for one tracked frame: the session (pointer, intents, state machine), then drawing."""
        if self.p.resume is not None:  # the cart a crash interrupted, back where it was
            self.session.resume(self.p.resume, tracked.frame.t, tracked.frame.index)
            self.p.resume = None
        if self.p.catalog_updates is not None and self.session.between_sessions:
            self._new_catalog(tracked)
        t0 = time.perf_counter()
        hud = self.session.step(tracked)
        t1 = time.perf_counter()
        self._shown = (tracked, hud)
        self._frame_times.append(tracked.frame.t)
        self.redraw(tracked.frame.t)
        self.frames += 1
        if self.stats is not None:  # the vision thread's times travel in Tracked: merged here, on one thread
            for stage, seconds in tracked.timings:
                self.stats.add(stage, seconds)
            self.stats.add("ui_update", t1 - t0)

    def _new_catalog(self, tracked: Tracked) -> None:
        """Between sessions: sell from the newest central catalog, if one came (kiosk/fleet/catalog_cache.py)."""
        fresh = self.p.catalog_updates.take()
        if fresh is None:
            return
        version, catalog = fresh
        self.session.use_catalog(catalog)
        self.p.catalog = self.effects.catalog = catalog
        self.effects.log("catalog", tracked.frame.t, tracked.frame.index, version=version, items=len(catalog.items))

    def health(self) -> dict:
        """The kiosk's health for a fleet heartbeat (kiosk/fleet/sync.py), read by the sync thread: only values
        the UI thread replaces whole (floats, strings), so a read never sees half an update."""
        from kiosk import __version__

        shown = self._shown  # one read: the UI thread replaces the pair whole
        infer_ms = round(float(shown[0].infer_ms or 0.0), 1) if shown is not None else 0.0
        return {"version": __version__, "fps": round(rate(self._frame_times), 1), "tracking_ms": infer_ms,
                "camera": "lost" if self.camera_message is not None else "ok"}

    def failure(self) -> KioskError | None:
        """Why the kiosk must stop now, else None: it has shown the out-of-order screen (the store keeps
        failing) for OUT_OF_ORDER_SECONDS, so it exits non-zero and its supervisor acts. The loops ask
        after every frame."""
        if self.kiosk.screen is not Screen.OUT_OF_ORDER or self._shown is None:
            return None
        if self._shown[0].frame.t - self.session.screen_since < OUT_OF_ORDER_SECONDS:
            return None
        return KioskError(f"out of order: {STORE_ATTEMPTS} saves of a paid order failed in a row "
                          f"(last: {self.effects.last_store_error})")

    def camera_status(self, status) -> None:
        """A live camera's state (kiosk.vision.resilient.CameraStatus): shown on screen while it is
        lost, each change logged. UI thread."""
        _ = tr(self.kiosk.language).gettext  # the shopper's words; the log keeps the details
        message = None if status.ok else _("The camera is reconnecting, one moment") if status.ever_connected \
            else _("Waiting for the camera")
        if (message is None) != (self.camera_message is None) or status.attempt != self._camera_attempt:
            shown = self._shown[0].frame if self._shown is not None else None
            self.effects.log("camera", shown.t if shown else 0.0, shown.index if shown else -1,
                             state=status.state.value, message=status.message())
            self._camera_attempt = status.attempt
        self.camera_lost(message)

    def camera_lost(self, message: str | None) -> None:
        """The camera's state for the screen: a message while it is lost and reconnecting, None when fine."""
        if message is None and self.camera_message is not None:
            self.session.reset_pointer()  # no press may survive the outage
        self.camera_message = message

    def redraw(self, now: float | None = None) -> None:
        """Draw what the screen shows now again (the UI loop renders faster than the camera delivers).

        now: the time animations are drawn at (s); default: the wall clock for a camera, whose frames carry it.
        """
        if self.renderer is None or self._shown is None:
            return
        t0 = time.perf_counter()
        tracked, hud = self._shown
        if now is None:
            now = time.monotonic() if self.p.source.live else hud.now
        if now != hud.now:
            hud = replace(hud, now=now)
        hint = self.camera_message
        if hint is None and hud.cursor is None and self.kiosk.screen not in (
                Screen.ATTRACT, Screen.PAYING, Screen.RECEIPT, Screen.OUT_OF_ORDER):  # no hand needed there
            hint = tr(self.kiosk.language).gettext("Show your hand to the camera")
        self._draw_times.append(time.monotonic())
        self.renderer.draw(tracked.frame.image, tracked.hands, tracked.active, self.layout(), hud, self.p.notes,
                           hint, self._debug_info(tracked) if self.debug else None)
        if self.stats is not None:
            self.stats.add("render", time.perf_counter() - t0)

    def set_surface(self, surface) -> None:
        """Draw on a new display surface (after leaving or entering fullscreen); same size, same layout."""
        self.surface = surface
        if self.renderer is not None:
            self.renderer.set_surface(surface)

    # -- the operator's overlay ---------------------------------------------------------------
    def toggle_debug(self) -> None:
        self.debug = not self.debug

    def tune(self, move: int = 0, adjust: int = 0) -> None:
        """Up/down (move) chooses a tracker setting, left/right (adjust) changes it; applied at once if possible."""
        if move:
            self.tuning.move(move)
        if adjust:
            self.tuning.adjust(adjust)
            settings = self.p.tracker_settings.model_copy(update=dict(self.tuning.values))
            self.p.tracker_settings = settings
            self.vision.request_retune(settings)  # the vision thread rebuilds its tracker between two frames
            self._tuning_note = "" if self.p.make_tracker else "Ctrl+S saves; the change applies at the next start"

    def save_tuning(self) -> str:
        """Write the changed tracker settings to the config file; returns what the overlay says."""
        changed = self.tuning.changed()
        path = self.p.config_path or default_config_path()
        if not changed:
            self._tuning_note = "nothing changed"
            return self._tuning_note
        try:
            save_tracker_settings(path, changed)
        except KioskError as e:
            self._tuning_note = f"not saved: {e}"
        else:
            self.tuning.mark_saved()
            self._tuning_note = f"saved {', '.join(changed)} to {path}"
        return self._tuning_note

    def _debug_info(self, tracked: Tracked) -> DebugInfo:
        note = self.vision.notes.take(timeout=0)  # the vision thread's word on a retune, if any
        if note is not None:
            self._tuning_note = note
        order = ([tracked.active] if tracked.active is not None else []) + \
            [k for k in range(len(tracked.hands)) if k != tracked.active]
        labels = getattr(self.p.classifier, "labels", None) or tuple(tracked.gesture.scores)
        scores = tuple((label, float(tracked.gesture.p(label))) for label in labels if label != "none")
        return DebugInfo(rate(self._draw_times), rate(self._frame_times), tracked.infer_ms,
                         tuple((tracked.hands[k].handedness, float(tracked.hands[k].score)) for k in order),
                         tracked.gesture.label, scores, self.p.pointer.active_region, self.tuning.rows(),
                         self.tuning.selected, self._tuning_note)


def rate(times) -> float:
    """Events per second over a window of their times (s); 0 with fewer than two."""
    n = len(times)
    first, last = (times[0], times[-1]) if n > 1 else (0.0, 0.0)
    return (n - 1) / (last - first) if n > 1 and last > first else 0.0

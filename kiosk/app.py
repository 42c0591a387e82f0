"""One frame from camera to screen: `App.track` (vision) then `App.present` (interaction, screen).

    source.read()          -> Frame (mirrored BGR, t, i)
    vision.track(frame)    -> Tracked          kiosk/vision/stage.py: tracker, active hand, classifier,
                                               stabiliser (on the inference thread for a camera)
    pointer.update()       -> PointerState     cursor px, press/release/click events
    magnetize()            -> the cursor as drawn and hit-tested, pulled toward the nearest target
    layout.hit()           -> target id        -> Intent -> Kiosk.handle() -> effects (PlaceOrder -> store)
    dwell.update()         -> a target selected by holding still (when on in the config)
    gestures.update()      -> held ✋ (back) / 👍 (confirm) and the ✊ grab -> Intent -> Kiosk.handle()
    kiosk.tick()           -> timers (start on a held hand, inactivity, receipt); activity = hand movement
    renderer.draw()        -> the screen (layout + Hud); sounds.play(); events.emit() -> the --events log

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
from datetime import datetime, timezone
from pathlib import Path

from kiosk.config import (TRACKER_TUNABLE, TrackerConfig, UIConfig, default_config_path,
                          save_tracker_settings)
from kiosk.errors import KioskError
from kiosk.events import EventLog, rounded
from kiosk.gestures.classifier import GestureClassifier
from kiosk.interaction.activity import Motion
from kiosk.interaction.dwell import Dwell, DwellConfig
from kiosk.interaction.gesture_actions import GestureActions, GestureConfig, GestureFrame
from kiosk.interaction.magnetism import magnetize
from kiosk.interaction.pointer import Pointer, PointerConfig, PointerState
from kiosk.shop.catalog import Catalog
from kiosk.gestures.stabilizer import StabilizerConfig
from kiosk.stats import Stats
from kiosk.store.journal import CartJournal
from kiosk.shop.cart import Cart
from kiosk.shop.machine import Act, Intent, Kiosk, KioskTimings, PlaceOrder, Screen, intent_for_target
from kiosk.store.orders import OrderStore
from kiosk.types import Frame, Hand, PointerKind
from kiosk.ui.hud import DebugInfo, Hud, TrackerTuning
from kiosk.ui.layout import Layout, LayoutOptions, catalog_rows, layout
from kiosk.ui.sounds import Sounds
from kiosk.ui.theme import Theme, load_theme
from kiosk.vision.sources import FrameSource
from kiosk.vision.stage import Tracked, VisionStage
from kiosk.vision.tracker import HandTracker

PALM = (0, 5, 9, 13, 17)
"""Landmarks whose mean is the hand's centre (the grab follows it: the fingertip curls away in a fist)."""
MOTION = 0.03
"""Hand movement that counts as activity (holds off the inactivity countdown), fraction of the screen height."""
SOUND_FOR = {Act.ADD: "add", Act.INC: "add", Act.DEC: "key", Act.REMOVE: "back", Act.DIGIT: "key",
             Act.ERASE: "erase", Act.BACK: "back", Act.UNDO: "add"}
"""The sound of an accepted intent; starting a session and the receipt have their own (see _log_state)."""


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


class App:
    def __init__(self, parts: Parts, surface=None):
        """surface: a pygame Surface to draw on, or None to run without drawing."""
        self.p = parts
        ui = parts.ui
        self.theme = parts.theme if parts.theme is not None else load_theme(ui.theme)
        self.options = LayoutOptions(self.theme.sizes, ui.keypad_for_quantity, ui.gestures)
        w, h = parts.size
        self.pointer = Pointer(parts.size, parts.pointer)
        self.kiosk = Kiosk(parts.catalog, parts.timings, parts.new_uid,
                           page_size=catalog_rows(parts.size, self.theme.sizes))
        self.vision = VisionStage(parts.tracker, parts.classifier, parts.stabilizer, parts.make_tracker)
        """Owned by the thread that calls track(): the inference thread for a camera."""
        self.dwell = Dwell(DwellConfig(ui.dwell_seconds, ui.dwell_settle, rearm_px=0.04 * h)) if ui.dwell else None
        self.gestures = GestureActions(GestureConfig(hold=ui.gesture_hold, confirm_hold=ui.confirm_hold)) \
            if ui.gestures else None
        self.motion = Motion(MOTION * h)
        self.surface = surface
        self.renderer = None
        if surface is not None:
            from kiosk.ui.renderer import PygameRenderer

            self.renderer = PygameRenderer(surface, self.theme, parts.pointer.active_region)
        self.sounds = parts.sounds
        if self.sounds is None:
            audible = surface is not None and os.environ.get("SDL_VIDEODRIVER") != "dummy"
            self.sounds = Sounds.open(ui.sound and audible, ui.volume)
        self._layout: tuple[object, Layout] | None = None
        self._shown: tuple[Tracked, Hud] | None = None  # what the screen shows, for redraw()
        self._clicked_at: float | None = None
        self._screen_since = 0.0
        self._warned = False
        self.frames = 0
        self.camera_message: str | None = None
        """Shown instead of the hint while a live camera is lost ("Camera lost, reconnecting...")."""
        self.stats: Stats | None = None
        """Set by the benchmark to collect per-stage times; None in normal runs (no cost)."""
        self.debug = False
        """The operator's overlay (Ctrl+Shift+D)."""
        self.tuning = TrackerTuning({k: getattr(parts.tracker_settings, k) for k in TRACKER_TUNABLE})
        self._tuning_note = ""
        self._draw_times: deque[float] = deque(maxlen=60)
        self._frame_times: deque[float] = deque(maxlen=60)

    def layout(self) -> Layout:
        view = self.kiosk.view()
        if self._layout is None or self._layout[0] != view:
            self._layout = (view, layout(view, self.p.catalog, self.p.size, self.options))
        return self._layout[1]

    def step(self, frame: Frame) -> None:
        """Everything that happens for one frame, in order (the synchronous loop)."""
        self.present(self.track(frame))

    def track(self, frame: Frame) -> Tracked:
        """Vision (kiosk/vision/stage.py): hands, the active one, its gesture. The inference thread's call."""
        return self.vision.track(frame)

    def present(self, tracked: Tracked) -> None:
        """Interaction and screen for one tracked frame: pointer, clicks, gestures, state machine, drawing."""
        if self.p.resume is not None:  # the cart a crash interrupted, back where it was
            self.kiosk.restore(self.p.resume, tracked.frame.t)
            self.p.events.emit("resume", tracked.frame.t, tracked.frame.index, lines=len(self.p.resume.lines))
            self.p.resume = None
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
            target = self.layout().hit(self._aim(event.pos))
            log.emit(event.kind.value, t, i, pos=rounded(event.pos), target=self._logged(target.id if target else None))
            if event.kind == PointerKind.CLICK:
                self._clicked_at = t
                intent = intent_for_target(target.id) if target is not None else None
                if intent is not None:
                    self._act(intent, t, i)
                else:
                    self.sounds.play("click")
        dwell = self._dwell(t, i, state, tracked.gesture.label)
        gestures = self._gestures(t, i, hand, tracked.gesture.label)
        active = self.motion.update(state.cursor) or state.pressed or bool(gestures.intents) or gestures.grabbing
        self._handle(lambda: self.kiosk.tick(t, hand is not None, active), t, i)
        self._warn()
        self._journal(t, i)
        t2 = clock()
        show_gesture = self.p.ui.show_gesture and hand is not None
        hud = Hud(t, self._aim(state.cursor), state.pressed, state.ok, dwell, self.kiosk.start_progress(t),
                  tracked.gesture.label if show_gesture else None, gestures.holding, gestures.grabbing,
                  self._clicked_at, self._screen_since)
        self._shown = (tracked, hud)
        self._frame_times.append(t)
        self.redraw(t)
        self.frames += 1
        if self.stats is not None:  # the vision thread's times travel in Tracked: merged here, on one thread
            for stage, seconds in tracked.timings:
                self.stats.add(stage, seconds)
            self.stats.add("pointer", t1 - t0)
            self.stats.add("ui_update", t2 - t1)

    def _journal(self, t: float, i: int) -> None:
        """Write the cart to the journal when it changed (one small SQLite transaction, not per frame)."""
        if self.p.journal is None:
            return
        try:
            self.p.journal.sync(self.kiosk.cart, self.kiosk.screen.value, self.kiosk.order_uid,
                                datetime.now(timezone.utc))
        except KioskError as e:  # the kiosk goes on; the order store reports its own failures
            self.p.events.emit("error", t, i, message=str(e))

    def camera_lost(self, message: str | None) -> None:
        """The camera's state for the screen: a message while it is lost and reconnecting, None when fine."""
        if message is None and self.camera_message is not None:
            self.pointer = Pointer(self.p.size, self.p.pointer)  # no press may survive the outage
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
        if hint is None and hud.cursor is None and self.kiosk.screen is not Screen.ATTRACT:
            hint = "Show your hand to the camera"
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

    # -- interaction helpers ------------------------------------------------------------------
    def _aim(self, pos: tuple[float, float] | None) -> tuple[float, float] | None:
        """The cursor as drawn and hit-tested: pulled toward the nearest target (magnetism)."""
        if pos is None or self.p.ui.magnetism <= 0:
            return pos
        targets = [box for _, box in self.layout().targets()]
        return magnetize(pos, targets, self.p.ui.magnetism, self.p.ui.magnet_radius * self.p.size[1])

    def _logged(self, target_id: str | None) -> str | None:
        """Target ids as logged: a PIN's digits never reach the log."""
        if target_id and target_id.startswith("key:") and self.kiosk.screen is Screen.PIN:
            return "key:*"
        return target_id

    def _act(self, intent: Intent, t: float, i: int) -> None:
        """Apply an intent from a click, a dwell or a gesture, with its sound."""
        before = (self.kiosk.screen, self.kiosk.message)
        self._handle(lambda: self.kiosk.handle(intent, t), t, i)
        if self.kiosk.message and self.kiosk.message != before[1]:
            self.sounds.play("error")
        elif not (self.kiosk.screen is not before[0]
                  and (self.kiosk.screen is Screen.RECEIPT or before[0] is Screen.ATTRACT)):  # those have their own
            self.sounds.play(SOUND_FOR.get(intent.act, "click"))

    def _dwell(self, t: float, i: int, state: PointerState, label: str) -> float:
        if self.dwell is None:
            return 0.0
        aim = self._aim(state.cursor)
        target = self.layout().hit(aim)
        eligible = not state.pressed and state.ok < self.p.pointer.release_at and label in ("point", "none")
        d = self.dwell.update(t, aim, target.id if target else None, eligible)
        if d.selected:
            self.p.events.emit("dwell", t, i, pos=rounded(aim), target=self._logged(d.selected))
            self._clicked_at = t
            intent = intent_for_target(d.selected)
            if intent is not None:
                self._act(intent, t, i)
        return d.progress

    def _gestures(self, t: float, i: int, hand: Hand | None, label: str) -> GestureFrame:
        if self.gestures is None:
            return GestureFrame()
        lay = self.layout()
        hand_y = None
        if hand is not None:
            cx, cy = (float(v) for v in hand.landmarks[list(PALM), :2].mean(axis=0))
            hand_y = self.pointer.to_screen((cx, cy))[1]
        scrollable = any(b.id == "page-next" for b in lay.buttons)
        g = self.gestures.update(t, label, hand_y, self.kiosk.screen, lay.row, scrollable)
        for intent in g.intents:
            fields = {"action": intent.act.value, "gesture": label}
            if intent.act is Act.SCROLL:
                fields["rows"] = int(intent.arg or 0)
            self.p.events.emit("gesture", t, i, **fields)
            if intent.act is not Act.SCROLL:
                self._clicked_at = t
            self._act(intent, t, i)
        return g

    def _warn(self) -> None:
        warning = self.kiosk.view().warning_left is not None
        if warning and not self._warned:
            self.sounds.play("warning")
        self._warned = warning

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
            self._screen_since = t
            if self.kiosk.screen is Screen.RECEIPT:
                self.sounds.play("success")
            elif before is Screen.ATTRACT:
                self.sounds.play("start")
            if self.dwell is not None:
                self.dwell.reset()
            self.p.events.emit("state", t, i, **{"from": before.value, "to": self.kiosk.screen.value})

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
        def rate(times) -> float:
            return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0

        order = ([tracked.active] if tracked.active is not None else []) + \
            [k for k in range(len(tracked.hands)) if k != tracked.active]
        labels = getattr(self.p.classifier, "labels", None) or tuple(tracked.gesture.scores)
        scores = tuple((label, float(tracked.gesture.p(label))) for label in labels if label != "none")
        return DebugInfo(rate(self._draw_times), rate(self._frame_times), tracked.infer_ms,
                         tuple((tracked.hands[k].handedness, float(tracked.hands[k].score)) for k in order),
                         tracked.gesture.label, scores, self.p.pointer.active_region, self.tuning.rows(),
                         self.tuning.selected, self._tuning_note)

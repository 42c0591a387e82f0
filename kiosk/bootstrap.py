"""The one builder: the whole kiosk from the config plus explicit overrides.

`run` (kiosk/cli.py), `soak`, `bench` and the integration tests all build the kiosk here,
so what is measured is what ships: the same source wrapper, tracker, classifier,
stabiliser, order store and cart journal. This is the only module that chooses and opens
adapters (camera, video, demo, MediaPipe, the gesture task, SQLite); `loop.open_display`
opens the window it asks for.

    with build(config, Overrides(source="clip.mp4", headless=True)) as kiosk:
        kiosk.run(max_frames=300)

`Built.describe()` says what was built (printed by soak and bench beside their figures).
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.shop.payment import SimulatedTerminal
from kiosk.config import MAX_CAMERA_INDEX, Config
from kiosk.errors import InputError, KioskError
from kiosk.ui.theme import load_theme


@dataclass(frozen=True)
class Overrides:
    """What a command line (or a test, or a tool) says on top of the config. None: the config's."""

    source: str | None = None
    """Camera index, video file, image folder or "demo"; None: the config's camera, else the demo."""
    headless: bool = False
    """No window (SDL's dummy driver)."""
    windowed: bool = False
    size: tuple[int, int] | None = None
    """Screen size, px; given, it means a window (or a headless surface) of that size."""
    model: Path | None = None
    """hand_landmarker.task."""
    gesture_model: Path | None = None
    gesture_task: Path | None = None
    """A Model Maker gesture_recognizer.task as tracker and classifier."""
    catalog: Path | None = None
    db: Path | None = None
    """Orders (and cart journal) SQLite file. None: the config's, else the default; for a recording
    (a video or an image folder), a temporary one, deleted at close."""
    events: Path | None = None
    """The --events JSONL log."""
    config_path: Path | None = None
    """The config file the settings came from (where the debug overlay saves tracker settings)."""
    store_demo_orders: bool = False
    """Demo orders go to memory unless this is set (soak sets it: it measures the shipped store)."""


@dataclass
class Built:
    """A built kiosk: the app, its loop settings, and everything to close when done."""

    app: object
    """kiosk.app.App"""
    fullscreen: bool
    kind: dict
    """What was built, for reports: source, tracker, classifier, stabiliser, store, journal."""
    _closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def source(self):
        return self.app.p.source

    def describe(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.kind.items())

    def run(self, max_frames: int | None = None, screenshot: str | None = None) -> int:
        from kiosk import loop

        return loop.run(self.app, max_frames=max_frames, fullscreen=self.fullscreen, screenshot=screenshot)

    @property
    def camera_appeared(self) -> bool:
        """The demo stood in for a missing camera, and the camera is here now: build again."""
        return bool(getattr(self.source, "camera_appeared", False))

    def close(self) -> None:
        """Close everything the build opened, last opened first."""
        while self._closers:
            try:
                self._closers.pop()()
            except Exception:  # noqa: BLE001 - closing one part must not stop closing the others
                pass

    def __enter__(self) -> Built:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def tracker_settings(t) -> dict:
    """MediaPipe's keyword settings from a TrackerConfig (the config's [tracker], or the debug
    overlay's retuned copy): the one place they are read."""
    return dict(num_hands=t.num_hands, min_hand_detection_confidence=t.min_hand_detection_confidence,
                min_hand_presence_confidence=t.min_hand_presence_confidence,
                min_tracking_confidence=t.min_tracking_confidence)


def make_tracker(model: Path, settings, quiet: bool = True) -> object:
    """A MediaPipe hand tracker (VIDEO mode) with TrackerConfig `settings`.
    quiet=False while the kiosk runs (a retune): MediaPipeHandTracker's quiet redirects fd 2 process-wide."""
    from kiosk.vision.tracker import MediaPipeHandTracker

    return MediaPipeHandTracker(model, **tracker_settings(settings), quiet=quiet)


def build(config: Config, overrides: Overrides = Overrides(), *, source=None,
          wrap_source: Callable[[object], object] | None = None, stats=None) -> Built:
    """Build the kiosk. Everything opened is closed by Built.close(), also when building fails.

    source: an already-open FrameSource to use instead of opening overrides.source (the
    benchmark's replayed camera). wrap_source: applied to the opened source (the soak loops
    its recording). stats: a kiosk.stats.Stats to collect per-stage times (benchmark).
    """
    from kiosk import app as kiosk_app, loop
    from kiosk.events import EventLog
    from kiosk.gestures.model import build_classifier
    from kiosk.shop.catalog import load_catalog

    o = overrides
    closers: list[Callable[[], None]] = []
    built: Built | None = None
    try:
        catalog = load_catalog(o.catalog or config.shop.catalog)
        fullscreen = config.display.fullscreen and not (o.windowed or o.size or o.headless)
        if source is not None:
            notes, demo, source_kind = (), False, getattr(source, "name", type(source).__name__)
        else:
            source, notes, demo, source_kind = open_source(o.source, config)
        if wrap_source is not None:
            source = wrap_source(source)
        closers.append(source.close)
        model = o.model or config.tracker.model
        classifier = build_classifier(config.gestures, o.gesture_model)
        classifier_kind = f"gesture model {o.gesture_model or config.gestures.model or 'models/gestures.npz'} " \
                          f"(click from {config.gestures.click})" if config.gestures.classifier == "model" \
            else "geometric rule"
        journal = resume = db = catalog_cache = None
        tracker_kind = "demo hand"
        if demo and not o.store_demo_orders:
            from kiosk.store.orders import MemoryOrderStore

            store, store_kind = MemoryOrderStore(), "memory (demo)"
        else:
            from kiosk.store.orders import SQLiteOrderStore, default_db_path

            from kiosk.store.lock import DatabaseLock

            db = o.db or config.orders.db or default_db_path()
            if o.db is None and not demo and not getattr(source, "live", True):
                # A recording is a trial, not a sale: it never touches the shop's database (or resumes its
                # cart), unless --db names one.
                import tempfile

                folder = tempfile.TemporaryDirectory(prefix="kiosk-replay-")
                closers.append(folder.cleanup)
                db = Path(folder.name) / "orders.db"
            store, store_kind = SQLiteOrderStore(db), f"SQLite {db}"
            closers.append(store.close)
            if store.recovered:
                print(f"stored {store.recovered} paid order(s) kept aside when the database would not take them",
                      file=sys.stderr)
            closers.append(DatabaseLock(db).close)  # before the journal is read: one kiosk per database
            if config.fleet is not None:  # sell from the last central catalog this kiosk was given, if any
                from kiosk.fleet.catalog_cache import CatalogCache

                catalog_cache = CatalogCache(db.with_name(db.name + ".catalog.json"),
                                             Path(o.catalog or config.shop.catalog).parent)
                kept = catalog_cache.load()
                if kept is not None:
                    catalog = kept[1]
                    print(f"catalog: central version {kept[0]} (the copy kept in {catalog_cache.path})",
                          file=sys.stderr)
            journal, resume = _journal(db, config, catalog)
        holder: dict = {}
        theme = load_theme(config.ui.theme)
        if not demo:
            if o.gesture_task:
                tracker, classifier = _gesture_task(o.gesture_task, tracker_settings(config.tracker))
                tracker_kind = classifier_kind = f"gesture task {o.gesture_task}"
            else:
                tracker = make_tracker(model, config.tracker)
                tracker_kind = f"MediaPipe {Path(model).name}, {config.tracker.num_hands} hand(s)"
            holder["tracker"] = tracker
            # The debug overlay may replace the tracker: close the one the app holds at the end.
            closers.append(lambda: (holder["app"].vision.tracker if "app" in holder else holder["tracker"]).close())
        surface = loop.open_display(o.size or config.display.size, fullscreen=fullscreen, headless=o.headless)
        size = surface.get_size()
        if demo:
            tracker = demo_tracker(catalog, size, config, theme)
        tunable = None if demo or o.gesture_task else model
        from kiosk.outputs import own_files

        quality = None
        if config.fleet is not None:
            from kiosk.fleet.quality import Quality

            quality = Quality()
        events = EventLog(o.events, own_files(config, db or o.db, o.catalog, o.config_path, model, o.gesture_model),
                          quality.event if quality is not None else None)
        closers.append(events.close)
        speaker = open_speaker(config.ui)
        closers.append(speaker.close)
        stabilizer = config.gestures.stabilizer()
        parts = kiosk_app.Parts(source=source, tracker=tracker, classifier=classifier, catalog=catalog, store=store,
                                size=size, pointer=config.pointer, timings=config.timings, events=events, notes=notes,
                                journal=journal, resume=resume, stabilizer=stabilizer, theme=theme,
                                terminal=demo_terminal(config) if demo else SimulatedTerminal.from_config(config.payment),
                                shop_name=config.shop.name, speaker=speaker, catalog_updates=catalog_cache,
                                **config_parts(config, o.config_path, tunable))
        app = kiosk_app.App(parts, surface)
        app.stats = stats
        holder["app"] = app
        closers.append(app.writer.close)  # before the store and the journal close: what is queued lands
        if config.fleet is not None and db is not None:
            from kiosk.fleet.sync import SyncWorker

            worker = SyncWorker(db, config.fleet, health=app.health, quality=quality.snapshot,
                                catalog_cache=catalog_cache).start()
            closers.insert(closers.index(app.writer.close), worker.close)  # after the writer's last orders
        kind = {"source": source_kind, "tracker": tracker_kind, "classifier": classifier_kind,
                "stabiliser": f"{stabilizer.hold:g} s / {stabilizer.min_frames} frames",
                "store": store_kind, "journal": "on" if journal is not None else "off"}
        if config.fleet is not None:
            kind["fleet"] = f"{config.fleet.kiosk_id}, " + ("syncing" if db is not None else "off (orders in memory)")
        built = Built(app, fullscreen, kind, closers)
        return built
    except BaseException:
        if built is None:
            Built(None, False, {}, closers).close()
        raise


def config_parts(config: Config, config_path: Path | None, model: Path | None) -> dict:
    """The Parts fields that come from the config, for `Parts(..., **config_parts(...))`.

    config_path: the file the config came from (None: the defaults), where the debug
    overlay saves tracker settings. model: the hand landmarker model of a real
    MediaPipeHandTracker, so tuning rebuilds it at once; None for any other tracker (the
    demo, a --gesture-task recognizer): the settings are still saved, for the next start.
    """
    return {"ui": config.ui, "tracker_settings": config.tracker, "config_path": config_path,
            "make_tracker": (lambda settings: make_tracker(model, settings, quiet=False)) if model is not None else None}


def demo_tracker(catalog, size: tuple[int, int], config: Config, theme):
    """The demo's synthetic hand, its script aimed at the buttons this kiosk will show at `size` (px)."""
    from kiosk.interaction.pointer import Pointer
    from kiosk.ui.layout import LayoutOptions
    from kiosk.demo_script import build_script
    from kiosk.vision.demo import DemoHandTracker

    ui = config.ui
    options = LayoutOptions(theme.sizes, ui.keypad_for_quantity, ui.gestures)
    return DemoHandTracker(build_script(catalog, size, Pointer(size, config.pointer), config.timings, options,
                                        ui.confirm_hold, ui.practice, config.payment.simulated_delay))


def open_speaker(ui):
    """Speech when the config asks for it and espeak-ng is there; else silence (one warning line if asked)."""
    from kiosk.speech import EspeakSpeaker, NoSpeaker, find_engine

    if not ui.speech:
        return NoSpeaker()
    engine = find_engine()
    if engine is None:
        print("warning: [ui] speech is on but no text-to-speech engine (espeak-ng) was found: running silent",
              file=sys.stderr)
        return NoSpeaker()
    return EspeakSpeaker([engine], ui.speech_rate)


def demo_terminal(config: Config) -> SimulatedTerminal:
    """The demo's card terminal: it approves after the configured delay (the demo's script plans on it)."""
    p = config.payment
    return SimulatedTerminal("approved", p.simulated_delay, p.timeout)


def _journal(db: Path, config: Config, catalog):
    """The cart journal beside the orders, and the cart a crash left in it (None if too old or sold)."""
    from datetime import datetime, timezone

    from kiosk.store.journal import CartJournal, cart_from, resume_or_discard

    journal = CartJournal(db)
    lines = resume_or_discard(journal.load(), datetime.now(timezone.utc), config.timings.inactivity_reset, catalog)
    if not lines:
        journal.clear()
        return journal, None
    print(f"resuming a cart of {len(lines)} line(s) left by the last run", file=sys.stderr)
    return journal, cart_from(lines)


def _gesture_task(task: Path, settings: dict):
    """A Model Maker gesture_recognizer.task as tracker + classifier; warns once if it cannot click."""
    from kiosk.gestures.recognizer_task import (DEFAULT_LABEL_MAP, MediaPipeGestureRecognizer,
                                                TaskGestureClassifier, task_categories)

    tracker = MediaPipeGestureRecognizer(task, **settings)
    if not any(DEFAULT_LABEL_MAP.get(name) == "ok" for name in task_categories(task)):
        print(f"warning: {task} has no class for the 👌 sign: nothing can be clicked except by dwell",
              file=sys.stderr)
    return tracker, TaskGestureClassifier()


def open_source(spec: str | None, config: Config):
    """-> (source, notes shown on screen, is_demo, description).

    Every camera, the configured one or an explicit index, goes through ResilientSource
    (reconnects after a fault, see kiosk/vision/resilient.py). With no camera at start the
    config's camera.fallback decides: the demo, or an error.
    """
    from kiosk.vision.demo import DemoSource
    from kiosk.vision.sources import open_source as open_file

    if spec == "demo":
        return DemoSource(), ("demo mode",), True, "demo"
    if spec is not None and not spec.isdigit():
        return open_file(spec), (), False, spec
    index = int(spec) if spec is not None else config.camera.index
    if index > MAX_CAMERA_INDEX:
        raise InputError(f"--source {spec}: a camera index is 0..{MAX_CAMERA_INDEX}")
    try:
        return open_camera(index, config), (), False, f"camera {index}"
    except KioskError:
        if spec is not None or config.camera.fallback != "demo":
            raise
        print(f"no camera at index {index}: running the built-in demo until one appears", file=sys.stderr)
        waiting = DemoUntilCamera(DemoSource(), lambda: _camera_present(index, config), time.monotonic)
        return waiting, ("demo mode: no camera", "orders are not saved"), True, "demo (no camera yet)"


CAMERA_POLL_SECONDS = 5.0
"""How often the demo standing in for a missing camera looks for one."""


class DemoUntilCamera:
    """The demo, shown while there is no camera; every `every` s (its clock) it looks for one,
    and once one answers, the demo ends (read() -> None, `camera_appeared` True) so the
    builder's caller builds the kiosk again, live (see kiosk/cli.py cmd_run)."""

    live = False

    def __init__(self, demo, camera_present: Callable[[], bool], clock: Callable[[], float],
                 every: float | None = None):
        every = CAMERA_POLL_SECONDS if every is None else every
        self.demo, self._present, self._clock, self.every = demo, camera_present, clock, every
        self.fps, self.name = demo.fps, demo.name
        self._next = clock() + every
        self.camera_appeared = False

    def read(self):
        if self.camera_appeared:
            return None
        now = self._clock()
        if now >= self._next:
            self._next = now + self.every
            if self._present():
                print("a camera appeared: switching from the demo to the camera", file=sys.stderr)
                self.camera_appeared = True
                return None
        return self.demo.read()

    def close(self) -> None:
        self.demo.close()


def _camera_present(index: int, config: Config) -> bool:
    """Whether camera `index` opens now (it is closed again at once)."""
    try:
        open_camera(index, config).close()
    except KioskError:
        return False
    return True


def open_camera(index: int, config: Config):
    """Camera `index` wrapped in a ResilientSource; raises KioskError when it cannot be opened now."""
    from kiosk.vision.resilient import ResilientSource
    from kiosk.vision.sources import OpenCVCamera

    _quiet_opencv()
    # A V4L2 camera that stops sending blocks each read 10 s by default; 1 s lets a stall be noticed.
    os.environ.setdefault("OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT", "1")
    c = config.camera
    camera = OpenCVCamera(index, c.width, c.height)
    return ResilientSource(lambda: OpenCVCamera(index, c.width, c.height), time.monotonic, camera=camera)


def _quiet_opencv() -> None:
    """OpenCV prints several lines when a camera index does not exist; we print one of our own."""
    import cv2

    try:
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    except AttributeError:
        os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")

"""`python main.py bench`: measure the real pipeline on a recording, and the straightforward loop beside it.

Prints figures; asserts nothing (speed targets live here, not in the tests). In one run:

1. decode: the recording's frames decoded with OpenCV (ms per frame);
2. tracker alone: every frame through the VIDEO-mode HandLandmarker as fast as it goes
   (frames/s, ms median / p95), and the classifier on every hand found (ms per hand);
3. the kiosk as it runs with a camera: the recording replayed as a live 30 fps camera
   (decoded on the capture thread, in real time), inference on its own thread, the UI
   loop drawing a 1920x1080 surface under the dummy driver: per-stage times, latency from
   a frame's capture to the flip that first shows its cursor, tracked and rendered frames
   per second, peak RSS and RSS growth;
4. the baseline, the seed tutorials' synchronous loop: IMAGE-mode detection on every
   frame, landmarks drawn with OpenCV, the frame scaled to the screen, one flip;
5. start-up: a fresh process until its first frame is on screen (model cached).
"""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import InputError
from kiosk.stats import Stats
from kiosk.types import HAND_CONNECTIONS, Frame

SCREEN = (1920, 1080)


def rss_mib() -> float:
    """Resident set size now, MiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ReplayCamera:
    """A recording played as a live camera: decoded on read(), paced to its fps, looping, t = capture time."""

    live = True

    def __init__(self, path: Path, seconds: float, stats: Stats):
        self.name, self._path, self._stats = f"replay {path}", path, stats
        self._cap = cv2.VideoCapture(str(path))
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self._start = time.monotonic()
        self._end = self._start + seconds
        self._index = 0

    def read(self) -> Frame | None:
        due = self._start + self._index / self.fps
        now = time.monotonic()
        if now >= self._end:
            return None
        if due > now:
            time.sleep(due - now)
        t0 = time.perf_counter()
        ok, image = self._cap.read()
        if not ok:  # loop the recording
            self._cap.release()
            self._cap = cv2.VideoCapture(str(self._path))
            ok, image = self._cap.read()
        frame = Frame(cv2.flip(image, 1), time.monotonic(), self._index)
        self._stats.add("capture_decode", time.perf_counter() - t0)
        self._index += 1
        return frame

    def close(self) -> None:
        self._cap.release()


def _percentiles(values_s: list[float]) -> dict[str, float]:
    v = np.asarray(values_s) * 1000
    return {"median": round(float(np.median(v)), 2), "p95": round(float(np.percentile(v, 95)), 2)}


def measure_tracker(frames: list[Frame], config) -> dict:
    from kiosk.bootstrap import make_tracker
    from kiosk.gestures.model import build_classifier

    t = config.tracker
    times, hands = [], []
    with make_tracker(t.model, t) as tracker:
        for frame in frames:
            t0 = time.perf_counter()
            found = tracker.process(frame)
            times.append(time.perf_counter() - t0)
            hands += found
    classifier = build_classifier(config.gestures)  # the kiosk's own: the model + rule by default
    reps = max(1, 2000 // max(1, len(hands)))
    t0 = time.perf_counter()
    for _ in range(reps):
        for hand in hands:
            classifier.classify(hand)
    classify_ms = (time.perf_counter() - t0) / max(1, reps * len(hands)) * 1000
    return {"tracker_fps": round(len(frames) / sum(times), 1), "landmarks_ms": _percentiles(times),
            "hands_found": len(hands), "classify_ms_per_hand": round(classify_ms, 4)}


def measure_pipeline(path: Path, seconds: float, config) -> dict:
    """The kiosk's threaded loop, built by the one builder as `run` builds it (tracker, classifier,
    stabiliser, SQLite store and cart journal in a temporary folder), on a replayed camera;
    1920x1080 dummy display."""
    import tempfile

    import pygame

    from kiosk import loop
    from kiosk.bootstrap import Overrides, build

    stats = Stats()
    tmp = tempfile.TemporaryDirectory(prefix="kiosk-bench-")
    source = ReplayCamera(path, seconds, stats)
    built = build(config, Overrides(headless=True, size=SCREEN, db=Path(tmp.name) / "orders.db"), source=source,
                  stats=stats)
    app = built.app
    latencies: list[float] = []
    flips = [0]
    rss: list[tuple[float, float]] = []
    start = time.monotonic()

    def on_flip(tracked) -> None:
        now = time.monotonic()
        flips[0] += 1
        if tracked is not None:
            latencies.append(now - tracked.frame.t)
        if not rss or now - rss[-1][0] >= 1.0:
            rss.append((now, rss_mib()))

    try:
        loop.run_threaded(app, pygame, None, False, config.display.max_fps, on_flip=on_flip)
    finally:
        pygame.display.quit()
        built.close()
        tmp.cleanup()
    elapsed = time.monotonic() - start
    warm = [r for ts, r in rss if ts - start >= 2.0] or [r for _, r in rss]
    stages = stats.summary_ms()
    return {
        "kiosk": built.describe(),
        "seconds": round(elapsed, 1),
        "source_fps": source.fps,
        "tracked_fps": round(app.frames / elapsed, 1),
        "render_fps": round(flips[0] / elapsed, 1),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)) * 1000, 1) if latencies else None,
        "latency_p95_ms": round(float(np.percentile(latencies, 95)) * 1000, 1) if latencies else None,
        "stages_ms": stages,
        "rss_start_mib": round(warm[0], 1),
        "rss_end_mib": round(warm[-1], 1),
        "rss_growth_mib": round(warm[-1] - warm[0], 1),
    }


def measure_render(config, size: tuple[int, int], redraws: int = 200) -> dict:
    """Drawing cost at `size`, ms: a redraw with nothing new (the UI loop between camera frames, when
    nothing moves on its own) and a frame with a new picture, on the demo's shopping screen."""
    import pygame

    from kiosk.bootstrap import Overrides, build

    with build(config, Overrides(source="demo", headless=True, size=size)) as kiosk:
        app = kiosk.app
        source = app.p.source
        for _ in range(260):  # the demo shopper is shopping, two items in the cart
            frame = source.read()
            app.step(frame)
        redraw, present = [], []
        for _ in range(redraws):  # 2 s on: the last click's motion is over, nothing moves on its own
            t0 = time.perf_counter()
            app.redraw(now=frame.t + 2.0)
            redraw.append(time.perf_counter() - t0)
        for _ in range(redraws // 4):
            tracked = app.track(source.read())
            t0 = time.perf_counter()
            app.present(tracked)
            present.append(time.perf_counter() - t0)
        screen = app.kiosk.screen.value
    pygame.display.quit()

    return {"screen": screen, "redraw_nothing_new": _percentiles(redraw), "new_frame_present": _percentiles(present)}


def measure_screens(config, size: tuple[int, int], redraws: int = 240) -> dict:
    """Drawing cost per redraw at `size`, ms, on every screen while its motion runs: the kiosk's own
    renderer (from the builder), the demo's picture, a pointing hand on the screen's main target, a
    redraw each 1/60 s with a new camera frame's hand every second one, from the moment the screen
    appears (its fade-in, the attract loop, the practice target's pulse, an item flying to the cart,
    the receipt's burst). Median and p95 per screen, and over all of them."""
    import pygame

    from kiosk.bootstrap import Overrides, build
    from kiosk.interaction.pointer import Pointer
    from kiosk.tools.screens import aim, pointing_hand
    from kiosk.ui.hud import Hud
    from kiosk.ui.layout import layout, sample_views

    with build(config, Overrides(source="demo", headless=True, size=size)) as kiosk:
        app = kiosk.app
        renderer, catalog, options = app.renderer, app.p.catalog, app.session.options
        image = app.p.source.read().image
        to_frame = Pointer(size, config.pointer).to_frame
        per_screen, every = {}, []
        for name, view in sample_views(catalog, every=True):
            lay = layout(view, catalog, size, options)
            cursor = aim(name, lay) or (size[0] * 0.3, size[1] * 0.5)
            times, hands = [], []
            for k in range(redraws):
                if k % 2 == 0:  # a new camera frame: a new hands list (the camera runs at 30, redraws at 60)
                    hands = [pointing_hand(to_frame(cursor))]
                hud = Hud(k / 60, cursor, screen_since=0.0)
                t0 = time.perf_counter()
                renderer.draw(image, hands, 0, lay, hud)
                times.append(time.perf_counter() - t0)
            per_screen[name] = _percentiles(times)
            every += times
    pygame.display.quit()
    worst = max(per_screen, key=lambda n: per_screen[n]["p95"])
    return {**_percentiles(every), "worst_screen": worst, "screens": per_screen}


def measure_baseline(frames: list[Frame], config, seconds: float) -> dict:
    """The seed tutorials' loop: IMAGE-mode detection every frame, OpenCV drawing, scale, show."""
    import pygame

    from kiosk import loop
    from kiosk.vision.tracker import MediaPipeHandTracker

    surface = loop.open_display(SCREEN, fullscreen=False, headless=True)
    t = config.tracker
    per_frame = []
    start = time.perf_counter()
    n = 0
    with MediaPipeHandTracker(t.model, num_hands=t.num_hands,
                              min_hand_detection_confidence=t.min_hand_detection_confidence, video=False) as det:
        while time.perf_counter() - start < seconds:
            frame = frames[n % len(frames)]
            t0 = time.perf_counter()
            image = frame.image.copy()
            h, w = image.shape[:2]
            for hand in det.detect(image, mirrored=True):
                pts = [(int(x * w), int(y * h)) for x, y, _ in hand.landmarks]
                for a, b in HAND_CONNECTIONS:
                    cv2.line(image, pts[a], pts[b], (0, 255, 0), 2)
                for p in pts:
                    cv2.circle(image, p, 4, (0, 0, 255), -1)
            scaled = cv2.resize(image, SCREEN)
            surface.blit(pygame.image.frombuffer(scaled.data, SCREEN, "BGR"), (0, 0))
            pygame.display.flip()
            per_frame.append(time.perf_counter() - t0)
            n += 1
    pygame.display.quit()
    elapsed = time.perf_counter() - start
    return {"baseline_fps": round(n / elapsed, 1), "baseline_latency_ms": _percentiles(per_frame)}


def measure_startup(path: Path) -> float:
    """Seconds from a fresh `python main.py` to its first frame on screen (headless, one frame)."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        subprocess.run([sys.executable, "main.py", "--source", str(path), "--headless", "--max-frames", "1",
                        "--db", str(Path(tmp) / "orders.db")], cwd=Path(__file__).resolve().parents[2],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return round(time.monotonic() - t0, 2)


def default_recording() -> Path | None:
    from kiosk.training.devset import data_root

    data = data_root()
    video = data / "scenarios" / "point-and-click.mp4"
    return video if video.is_file() else None


def run_bench(path: Path, seconds: float, config) -> dict:
    from kiosk.vision.sources import VideoFileSource

    source = VideoFileSource(path)
    t0 = time.perf_counter()
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    decode_ms = (time.perf_counter() - t0) / max(1, len(frames)) * 1000
    source.close()
    if not frames:
        raise InputError(f"recording {path}: no frames")
    result = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                         f"Python {platform.python_version()}",
              "recording": str(path), "frame_size": list(frames[0].size), "frames": len(frames),
              "num_hands": config.tracker.num_hands, "screen": list(SCREEN),
              "decode_ms_per_frame": round(decode_ms, 2)}
    print(f"bench: tracker alone on {len(frames)} frames ...", file=sys.stderr)
    result.update(measure_tracker(frames, config))
    print(f"bench: the kiosk pipeline for {seconds:.0f} s ...", file=sys.stderr)
    result.update(measure_pipeline(path, seconds, config))
    print(f"bench: the baseline loop for {seconds:.0f} s ...", file=sys.stderr)
    result.update(measure_baseline(frames, config, seconds))
    print("bench: drawing at 1920x1080 and 3840x2160 ...", file=sys.stderr)
    result["render_ms"] = {f"{w}x{h}": measure_render(config, (w, h)) for w, h in ((1920, 1080), (3840, 2160))}
    print("bench: every screen, animated, at 1920x1080 and 3840x2160 ...", file=sys.stderr)
    result["screens_ms"] = {f"{w}x{h}": measure_screens(config, (w, h)) for w, h in ((1920, 1080), (3840, 2160))}
    result["render_fps_vs_baseline"] = round(result["render_fps"] / result["baseline_fps"], 2)
    if result["latency_p50_ms"]:
        result["latency_p50_vs_baseline"] = round(result["latency_p50_ms"] / result["baseline_latency_ms"]["median"], 2)
    print("bench: start-up ...", file=sys.stderr)
    result["startup_s"] = measure_startup(path)
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    return result


def format_report(r: dict) -> str:
    lines = [f"machine: {r['machine']}; recording {r['recording']} ({r['frame_size'][0]}x{r['frame_size'][1]}, "
             f"{r['frames']} frames), num_hands={r['num_hands']}, screen {r['screen'][0]}x{r['screen'][1]} (dummy)",
             f"kiosk: {r['kiosk']}",
             "", f"{'stage':<16}{'median ms':>10}{'p95 ms':>10}"]
    for stage, v in r["stages_ms"].items():
        lines.append(f"{stage:<16}{v['median']:>10.2f}{v['p95']:>10.2f}")
    lines += [
        "",
        f"tracker alone        {r['tracker_fps']:>8.1f} frames/s  (landmarks {r['landmarks_ms']['median']} ms median)",
        f"classification       {r['classify_ms_per_hand']:>8.3f} ms per hand",
        f"pipeline tracked     {r['tracked_fps']:>8.1f} frames/s  (source {r['source_fps']:.0f} fps)",
        f"pipeline rendered    {r['render_fps']:>8.1f} frames/s",
        f"latency capture->screen  p50 {r['latency_p50_ms']} ms, p95 {r['latency_p95_ms']} ms",
        f"baseline loop        {r['baseline_fps']:>8.1f} frames/s, latency p50 {r['baseline_latency_ms']['median']} ms, "
        f"p95 {r['baseline_latency_ms']['p95']} ms",
        f"ratio rendered / baseline  {r['render_fps_vs_baseline']}x",
        f"RSS {r['rss_start_mib']} -> {r['rss_end_mib']} MiB (growth {r['rss_growth_mib']} MiB over "
        f"{r['seconds']} s), peak {r['peak_rss_mib']} MiB",
        f"start-up to first frame  {r['startup_s']} s",
        f"landmarks in the threaded loop {r['stages_ms']['landmarks']['median']} ms median "
        f"(tracker alone {r['landmarks_ms']['median']} ms)",
    ]
    for size, v in r.get("render_ms", {}).items():
        lines.append(f"drawing at {size} ({v['screen']} screen): redraw with nothing new "
                     f"{v['redraw_nothing_new']['median']} ms median (p95 {v['redraw_nothing_new']['p95']}), "
                     f"a new camera frame {v['new_frame_present']['median']} ms (p95 {v['new_frame_present']['p95']})")
    for size, v in r.get("screens_ms", {}).items():
        worst = v["screens"][v["worst_screen"]]
        lines.append(f"every screen at {size}, animated: {v['median']} ms median per redraw, p95 {v['p95']} ms "
                     f"(60 fps needs < 16.7); slowest {v['worst_screen']} p95 {worst['p95']} ms")
    return "\n".join(lines)


def cmd_bench(args, config) -> int:
    path = args.source or default_recording()
    if path is None:
        raise InputError("bench needs a recording with a hand: --source FILE (or set KIOSK_DATA)")
    if not Path(path).is_file():
        raise InputError(f"recording {path}: file not found")
    if args.seconds <= 0:
        raise InputError("--seconds must be > 0")
    result = run_bench(Path(path), args.seconds, config)
    print(json.dumps(result) if args.json else format_report(result))
    return 0

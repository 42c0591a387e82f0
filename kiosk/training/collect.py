"""`python main.py collect --label NAME --dataset DIR`: save frames with a hand, for training.

Frames come from any FrameSource (camera 0 by default, or a video / image folder via
`--source`); the HandLandmarker runs on every frame in VIDEO mode, and only frames with at
least one hand are saved, into DIR/NAME/. Sources mirror their frames for the screen, so
each frame is flipped back before saving: a training photo must look like a photo.

Stops after --count saved images, when the source ends, on Ctrl+Q / Esc / closing the
window, or on Ctrl+C. `--every S` keeps saved images at least S seconds apart on the
frame clock (default: 0.25 s for a camera, whose neighbouring frames are near copies;
0 for a video or an image folder, where every frame with a hand is kept).

Files are `NAME_00001.jpg`, `NAME_00002.jpg`, ...: the first free numbers, claimed
atomically, so a second run (or two at once) never overwrites anything. Each file is
written whole to a hidden temp file and then hard-linked into place, so a half-written
image is never visible under its final name. Besides `annotate`, this is the only command
that writes frames to disk.
"""
from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kiosk import files
from kiosk.errors import InputError, KioskError
from kiosk.types import HAND_CONNECTIONS, Frame, Hand
from kiosk.vision.resilient import camera_status

if TYPE_CHECKING:  # cv2 and mediapipe load only when the command runs, so `main.py --help` stays quick
    import numpy as np

    from kiosk.vision.sources import FrameSource
    from kiosk.vision.tracker import HandTracker

LABEL_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
FORMATS = ("jpg", "png")
JPEG_QUALITY = 95
LIVE_EVERY = 0.25
"""Default --every for a camera, seconds: 4 images a second, each a little different."""

# on_frame(frame, hands, saved so far) -> False to stop (the operator quit).
FrameHook = Callable[[Frame, Sequence[Hand], int], bool]


@dataclass
class CollectResult:
    saved: list[Path] = field(default_factory=list)
    without_hand: int = 0
    """Frames skipped because no hand was found in them."""
    frames: int = 0
    stopped: str = "end"
    """Why it stopped: "count", "end" (the source ended), "quit" (the operator) or "interrupt" (Ctrl+C)."""


def validate_label(label: str) -> str:
    if not LABEL_RE.fullmatch(label or ""):
        raise InputError(f"collect: --label {label!r} must be a folder-safe name: lowercase letters, digits, "
                         f"_ and - (starting with a letter or digit, at most 64), e.g. thumbs_up")
    return label


def class_dir(dataset: Path, label: str) -> Path:
    """DIR/NAME, checked but not created (nothing is created before the source and model open)."""
    dataset = Path(dataset)
    if dataset.exists() and not dataset.is_dir():
        raise InputError(f"collect: --dataset {dataset} is not a folder")
    out = dataset / label
    if out.exists() and not out.is_dir():
        raise InputError(f"collect: {out} exists and is not a folder")
    for parent in (dataset, *dataset.parents):
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"collect: --dataset {dataset}: {parent} is not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise InputError(f"collect: --dataset {dataset}: cannot write in {parent}")
            break
    return out


def unmirror(frame: Frame) -> np.ndarray:
    """The frame as the camera saw it (sources mirror frames for the screen)."""
    import cv2

    return cv2.flip(frame.image, 1)


class ImageWriter:
    """Writes images as `<label>_<NNNNN><ext>` in `folder`, never overwriting, each file complete or absent."""

    def __init__(self, folder: Path, label: str, fmt: str = "jpg"):
        import cv2

        if fmt not in FORMATS:
            raise InputError(f"collect: image format {fmt!r} is not one of {', '.join(FORMATS)}")
        self.folder, self.label = Path(folder), label
        self.ext = f".{fmt}"
        self._params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if fmt == "jpg" else [cv2.IMWRITE_PNG_COMPRESSION, 3]
        self._next = 1  # numbers below this are known to be taken

    def write(self, image: np.ndarray) -> Path:
        import cv2

        ok, buf = cv2.imencode(self.ext, image, self._params)
        if not ok:
            raise KioskError(f"collect: could not encode an image as {self.ext}")
        tmp = None
        try:
            tmp = files.stage(self.folder / f"{self.label}{self.ext}", buf.tobytes())
            return self._place(tmp)
        except OSError as e:
            raise KioskError(f"collect: could not write in {self.folder} ({e.strerror or e})") from None
        finally:
            if tmp is not None:
                files.discard(tmp)  # after a link, the image lives on under its final name

    def _place(self, tmp: Path) -> Path:
        """Give the complete temp file the first free name. link() fails on an existing name, atomically."""
        while True:
            final = self.folder / f"{self.label}_{self._next:05d}{self.ext}"
            self._next += 1
            try:
                os.link(tmp, final)
                return final
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some FUSE / FAT mounts): claim the name, then replace it
                try:
                    fd = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                except FileExistsError:
                    continue
                os.close(fd)
                files.commit(tmp, final)
                return final


def collect(source: FrameSource, tracker: HandTracker, out_dir: Path, count: int, *, label: str | None = None,
            every: float = 0.0, fmt: str = "jpg", on_frame: FrameHook | None = None,
            out: TextIO | None = None) -> CollectResult:
    """Save up to `count` unmirrored frames that have a hand into `out_dir` (created if needed).

    every: least time between two saved frames, seconds on the frame clock (frame.t).
    on_frame: called for every frame after tracking (a window draws it); False stops.
    out: one progress line per saved image. Ctrl+C stops cleanly (result.stopped == "interrupt").
    """
    out_dir = Path(out_dir)
    label = label or out_dir.name
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"collect: cannot create {out_dir} ({e.strerror or e})") from None
    writer = ImageWriter(out_dir, label, fmt)
    result = CollectResult()
    last_t: float | None = None
    try:
        while len(result.saved) < count:
            frame = source.read()
            if frame is None and camera_status(source) is not None:
                time.sleep(1 / 30)  # a camera reconnecting: no frame now, more later
                continue
            if frame is None:
                result.stopped = "end"
                break
            result.frames += 1
            hands = tracker.process(frame)
            if not hands:
                result.without_hand += 1
            elif last_t is None or frame.t - last_t >= every:
                path = writer.write(unmirror(frame))
                last_t = frame.t
                result.saved.append(path)
                if out is not None:
                    print(f"[{len(result.saved)}/{count}] saved {path}", file=out, flush=True)
            if on_frame is not None and on_frame(frame, hands, len(result.saved)) is False:
                result.stopped = "quit"
                break
        else:
            result.stopped = "count"
    except KeyboardInterrupt:
        result.stopped = "interrupt"
    return result


def summary(result: CollectResult, out_dir: Path) -> str:
    return (f"saved {len(result.saved)} images with a hand to {out_dir} "
            f"({result.without_hand} frames without a hand skipped)")


class PygameView:
    """The live window: the mirrored frame, every hand's landmarks and a counter. A FrameHook."""

    MAX_SIZE = (1280, 720)

    def __init__(self, label: str, count: int):
        self.label, self.count = label, count
        self._surface = None
        self._pygame = None
        self._font = None

    def __call__(self, frame: Frame, hands: Sequence[Hand], saved: int) -> bool:
        if self._surface is None:
            self._open(frame.size)
        import cv2

        pg = self._pygame
        if self._quit_requested():
            return False
        sw, sh = self._surface.get_size()
        image = cv2.resize(frame.image, (sw, sh), interpolation=cv2.INTER_AREA)
        self._surface.blit(pg.image.frombuffer(image.tobytes(), (sw, sh), "BGR"), (0, 0))
        width = max(2, sh // 300)
        for hand in hands:
            pts = [(round(float(x) * sw), round(float(y) * sh)) for x, y, _ in hand.landmarks]
            for a, b in HAND_CONNECTIONS:
                pg.draw.line(self._surface, (80, 230, 160), pts[a], pts[b], width)
            for p in pts:
                pg.draw.circle(self._surface, (80, 230, 160), p, width + 2)
        text = f"{self.label}: {saved}/{self.count}" + ("" if hands else "   (no hand)")
        shadow = self._font.render(text, True, (0, 0, 0))
        self._surface.blit(shadow, (14, 12))
        self._surface.blit(self._font.render(text, True, (255, 255, 255)), (12, 10))
        pg.display.flip()
        return True

    def _open(self, frame_size: tuple[int, int]) -> None:
        from kiosk.loop import open_display  # the one place that opens windows

        fw, fh = frame_size
        scale = min(1.0, self.MAX_SIZE[0] / fw, self.MAX_SIZE[1] / fh)
        self._surface = open_display((max(1, round(fw * scale)), max(1, round(fh * scale))),
                                     fullscreen=False, headless=False)
        import pygame

        self._pygame = pygame
        pygame.display.set_caption(f"collect {self.label} - Ctrl+Q or Esc to stop")
        pygame.font.init()
        self._font = pygame.font.Font(None, max(24, self._surface.get_height() // 16))

    def _quit_requested(self) -> bool:
        pg = self._pygame
        for event in pg.event.get():
            if event.type == pg.QUIT:
                return True
            if event.type == pg.KEYDOWN and (event.key == pg.K_ESCAPE or
                                             (event.key == pg.K_q and event.mod & pg.KMOD_CTRL)):
                return True
        return False

    def close(self) -> None:
        if self._pygame is not None:
            self._pygame.display.quit()


# -- CLI ---------------------------------------------------------------------------------------

def add_parser(subparsers) -> None:
    p = subparsers.add_parser("collect", help="save camera frames that show a hand into DATASET/LABEL/, for training")
    p.add_argument("--label", required=True, help="gesture name = folder name: lowercase letters, digits, _ and -")
    p.add_argument("--dataset", required=True, type=Path, help="dataset folder; images go to DATASET/LABEL/")
    p.add_argument("--source", help="camera index, video file or image folder (default: the config's camera)")
    p.add_argument("--count", type=int, default=100, help="stop after saving this many images (default 100)")
    p.add_argument("--every", type=float, metavar="SECONDS",
                   help=f"least time between saved frames (default {LIVE_EVERY} for a camera, 0 otherwise)")
    p.add_argument("--format", choices=FORMATS, default="jpg", help="image format (default jpg)")
    p.add_argument("--headless", action="store_true", help="no window")
    p.add_argument("--model", type=Path, help="hand_landmarker.task to use")


def cmd_collect(args, config) -> int:
    from kiosk.bootstrap import make_tracker

    label = validate_label(args.label)
    if args.count < 1:
        raise InputError("collect: --count must be at least 1")
    if args.every is not None and not args.every >= 0:
        raise InputError("collect: --every must be 0 or more seconds")
    out_dir = class_dir(args.dataset, label)
    t = config.tracker
    tracker = make_tracker(args.model or t.model, t)
    view = None
    try:
        source = _open_source(args.source, config)
        try:
            every = args.every if args.every is not None else (LIVE_EVERY if source.live else 0.0)
            view = None if args.headless else PygameView(label, args.count)
            result = collect(source, tracker, out_dir, args.count, label=label, every=every, fmt=args.format,
                             on_frame=view, out=sys.stdout)
        finally:
            source.close()
    finally:
        tracker.close()
        if view is not None:
            view.close()
    for path in getattr(source, "skipped", []):
        print(f"collect: skipped unreadable {path}", file=sys.stderr)
    print(summary(result, out_dir))
    return 130 if result.stopped == "interrupt" else 0


def _open_source(spec: str | None, config) -> FrameSource:
    """A video, an image folder, or a camera through the kiosk's one camera factory (it reconnects)."""
    from kiosk.bootstrap import open_camera
    from kiosk.vision.sources import open_source

    if spec == "demo":
        raise InputError("collect: the demo has no real hand to photograph; use a camera, a video or an image folder")
    if spec is not None and not spec.isdigit():
        return open_source(spec)
    return open_camera(int(spec) if spec is not None else config.camera.index, config)

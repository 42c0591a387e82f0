"""`python main.py annotate PHOTO_OR_FOLDER... --out DIR`: draw the detected hands on photos.

For each photo: detect hands (photos are not mirrored), draw every hand's landmarks and
connections on a copy, save it under `out_dir` as `<stem>_annotated<suffix>` (or
`-1`, `-2`, ... so nothing is ever overwritten) and print one JSON line to `out`:

    {"path": ..., "output": ..., "hands": [{"handedness", "score", "landmarks", "gesture"}]}

An unreadable photo is reported on `err`, skipped, and makes the exit code 1. Nothing is
written anywhere but `out_dir`; each file is written atomically (kiosk/files.py) over a
name first claimed exclusively, so two runs cannot clobber each other.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Protocol, TextIO

import cv2
import numpy as np

from kiosk import files
from kiosk.errors import InputError
from kiosk.types import HAND_CONNECTIONS, WRIST, Hand
from kiosk.vision.sources import IMAGE_SUFFIXES, read_still

# One BGR colour per hand, in detection order (cycled if there are more hands).
HAND_COLOURS: tuple[tuple[int, int, int], ...] = (
    (0, 200, 255),   # amber
    (255, 120, 0),   # blue
    (80, 220, 60),   # green
    (200, 60, 255),  # magenta
)


class Detector(Protocol):
    def detect(self, image_bgr: np.ndarray, mirrored: bool = False) -> list[Hand]: ...


class Classifier(Protocol):
    def classify(self, hand: Hand): ...


class _Skip(Exception):
    """A photo that could not be annotated: the message says why."""


def expand_inputs(inputs: list[Path]) -> list[tuple[Path, str | None]]:
    """Each input -> (path, None) for a photo to try, or (path, reason) for one to report.

    Folders expand to their files with IMAGE_SUFFIXES, sorted by name, not recursive.
    """
    items: list[tuple[Path, str | None]] = []
    for path in inputs:
        path = Path(path)
        if path.is_dir():
            try:
                files = sorted(p for p in path.iterdir()
                               if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
            except OSError as e:
                items.append((path, f"folder not readable ({e.strerror or e})"))
                continue
            if not files:
                items.append((path, f"no {', '.join(IMAGE_SUFFIXES)} files in folder"))
            items.extend((p, None) for p in files)
        elif path.exists():
            items.append((path, None))
        else:
            items.append((path, "file not found"))
    return items


def draw_hands(image: np.ndarray, hands: list[Hand], labels: list[str]) -> np.ndarray:
    """A copy of `image` with each hand's landmarks, connections and label drawn on it."""
    canvas = image.copy()
    h, w = canvas.shape[:2]
    side = min(h, w)
    thickness = max(1, round(side / 250))
    radius = max(2, round(side / 110))
    font_scale = max(0.35, side / 900)
    font_thick = max(1, round(side / 450))
    for i, (hand, label) in enumerate(zip(hands, labels)):
        colour = HAND_COLOURS[i % len(HAND_COLOURS)]
        lm = np.asarray(hand.landmarks, dtype=np.float64)
        pts: list[tuple[int, int] | None] = []
        for x, y in lm[:, :2]:
            if not (math.isfinite(x) and math.isfinite(y)):
                pts.append(None)
                continue
            # Clamp far off-image values so OpenCV's int coordinates cannot overflow.
            px = int(round(min(max(x * w, -4 * w), 5 * w)))
            py = int(round(min(max(y * h, -4 * h), 5 * h)))
            pts.append((px, py))
        for a, b in HAND_CONNECTIONS:
            if pts[a] is not None and pts[b] is not None:
                cv2.line(canvas, pts[a], pts[b], colour, thickness, cv2.LINE_AA)
        for p in pts:
            if p is not None:
                cv2.circle(canvas, p, radius, (255, 255, 255), -1, cv2.LINE_AA)
                cv2.circle(canvas, p, radius, colour, max(1, thickness // 2 + 1), cv2.LINE_AA)
        wrist = pts[WRIST]
        if wrist is not None and label:
            (tw, th), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, font_scale, font_thick)
            pad = max(2, radius // 2)
            x0 = min(max(wrist[0] - tw // 2, 0), max(w - tw - 2 * pad, 0))
            y0 = wrist[1] + 2 * radius  # top of the label box, just below the wrist
            y0 = min(max(y0, 0), max(h - th - base - 2 * pad, 0))
            cv2.rectangle(canvas, (x0, y0), (x0 + tw + 2 * pad, y0 + th + base + 2 * pad), colour, -1)
            cv2.putText(canvas, label, (x0 + pad, y0 + pad + th), cv2.FONT_HERSHEY_SIMPLEX,
                        font_scale, (0, 0, 0), font_thick, cv2.LINE_AA)
    return canvas


def _claim_name(out_dir: Path, stem: str, suffix: str) -> Path:
    """Create (exclusively) the first free `<stem>_annotated[-N]<suffix>` in out_dir and return it."""
    n = 0
    while True:
        name = f"{stem}_annotated{'' if n == 0 else f'-{n}'}{suffix}"
        final = out_dir / name
        try:
            fd = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            n += 1
            continue
        except OSError as e:
            raise _Skip(f"could not create {final} ({e.strerror or e})") from None
        os.close(fd)
        return final


def _write_atomic(out_dir: Path, photo: Path, image: np.ndarray) -> Path:
    """Encode `image` like `photo`, write it to a fresh collision-free name in out_dir, return that name."""
    suffix = photo.suffix or ".png"
    try:
        ok, buf = cv2.imencode(suffix.lower(), image)
    except cv2.error:
        ok, buf = False, None
    if not ok:
        raise _Skip(f"could not encode as {suffix}")
    final = _claim_name(out_dir, photo.stem, suffix)
    try:
        files.write_atomic(final, buf.tobytes())
    except OSError as e:
        final.unlink(missing_ok=True)
        raise _Skip(f"could not write {final} ({e.strerror or e})") from None
    return final


def _num(v: float, places: int) -> float | None:
    v = float(v)
    return round(v, places) if math.isfinite(v) else None


def hand_record(hand: Hand, gesture_label: str) -> dict:
    return {
        "handedness": hand.handedness,
        "score": _num(hand.score, 4),
        "landmarks": [[_num(v, 5) for v in row] for row in np.asarray(hand.landmarks)[:, :3]],
        "gesture": gesture_label,
    }


def annotate(inputs: list[Path], out_dir: Path, detector, classifier, out: TextIO, err: TextIO) -> int:
    """Annotate each photo (or each image in each folder) of `inputs` into `out_dir`.

    detector: anything with .detect(image_bgr, mirrored=False) -> list[Hand] (a
    MediaPipeHandTracker in IMAGE mode, or a fake in tests). classifier: anything with
    .classify(hand) -> Gesture. Prints one JSON line per written photo to `out` and one
    `annotate: skipped ...` line per failed one to `err`.
    Returns the exit code: 0 if every photo was read and written, 1 if any failed.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"annotate: --out {out_dir} is not a folder")
    # Expand before writing anything, so a folder that is also out_dir never sees our own outputs.
    items = expand_inputs(list(inputs))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"annotate: cannot create --out folder {out_dir} ({e.strerror or e})") from None

    failed = False
    for path, reason in items:
        try:
            if reason is not None:
                raise _Skip(reason)
            try:
                image = read_still(path)  # header checked first: an image bomb is never decoded
            except InputError as e:
                raise _Skip(str(e).removeprefix(f"image {path}: ")) from None
            hands = list(detector.detect(image, mirrored=False))
            labels = [classifier.classify(hand).label for hand in hands]
            annotated = draw_hands(image, hands, [f"{h.handedness} {g}" for h, g in zip(hands, labels)])
            final = _write_atomic(out_dir, path, annotated)
        except _Skip as e:
            failed = True
            print(f"annotate: skipped {path}: {e}", file=err, flush=True)
            continue
        record = {
            "path": str(path),
            "output": str(final),
            "hands": [hand_record(h, g) for h, g in zip(hands, labels)],
        }
        print(json.dumps(record), file=out, flush=True)
    return 1 if failed else 0

"""Labelled photos -> landmarks, with a cache. Reads images with OpenCV; the detector is injected.

Layout (`train`): DATASET/<label>/<image>, one sub-folder per label, a `none` folder
required. Hidden files and folders (a leading ".") are skipped; files without an image
suffix (kiosk.vision.sources.IMAGE_SUFFIXES) are reported and skipped.

Every image is mirrored before detection and detected with `mirrored=True`, exactly as
the kiosk's camera frames are, so each Hand follows the kiosk's conventions (landmarks in
the mirrored image, handedness the person's real hand) and its features match what the
kiosk computes live. Of the hands found, the largest is kept (the one nearest the
camera, as the kiosk's active-hand rule prefers).

Cache: DATASET/.landmarks-cache.npz (numpy arrays, no pickle) keyed by
sha256(detector settings + the image file's bytes); an image seen before with the same
settings is never detected again, and a changed image or setting is. Images with no hand
are cached too (as "no hand"). The file is rewritten atomically after a run that
detected anything: entries made with other settings are kept (switching back is free),
entries with this run's settings whose image is gone are dropped.
"""
from __future__ import annotations

import contextlib

import hashlib
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

import numpy as np

from kiosk.errors import InputError
from kiosk.files import check_npz, decode_image, read_bytes, read_image, write_atomic
from kiosk.training.synthetic import LandmarkSet
from kiosk.types import Hand
from kiosk.vision.sources import IMAGE_SUFFIXES

CACHE_NAME = ".landmarks-cache.npz"
CACHE_FORMAT = "kiosk-landmarks-cache-1"
CACHE_MAX_BYTES = 64 * 1024 * 1024
"""A larger cache file is not read (it is only a cache: the landmarks are detected again)."""
CACHE_MAX_UNPACKED = 256 * 1024 * 1024
"""Nor one whose arrays unpack to more: an entry is about 600 bytes, so 400 000 photos fit, a zip bomb does not."""
LABEL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class Detector(Protocol):
    def detect(self, image_bgr: np.ndarray, mirrored: bool = False) -> list[Hand]: ...


@dataclass
class Scan:
    """A dataset folder's images by label, and the files skipped (path, reason)."""

    items: list[tuple[Path, str]]
    labels: tuple[str, ...]
    ignored: list[tuple[Path, str]] = field(default_factory=list)


def _visible(p: Path) -> bool:
    return not p.name.startswith(".")


def scan_dataset(root: Path, require_none: bool = True) -> Scan:
    """Check the layout and list the images. Every layout problem is one InputError."""
    root = Path(root)
    if not root.exists():
        raise InputError(f"dataset {root}: folder not found")
    if not root.is_dir():
        raise InputError(f"dataset {root}: not a folder")
    try:
        entries = sorted(p for p in root.iterdir() if _visible(p))
    except OSError as e:
        raise InputError(f"dataset {root}: cannot read ({e.strerror or e})") from None
    folders = [p for p in entries if p.is_dir()]
    ignored = [(p, "not in a label folder") for p in entries if p.is_file()]
    if not folders:
        raise InputError(f"dataset {root}: no label folders (expected one sub-folder per label, e.g. none/, ok/)")
    for f in folders:
        if not LABEL_PATTERN.match(f.name):
            raise InputError(f"dataset {root}: folder name {f.name!r} is not a label "
                             "(lower-case letters, digits, '_' or '-', up to 32 characters)")
    names = [f.name for f in folders]
    if require_none and "none" not in names:
        raise InputError(f"dataset {root}: no 'none' folder (hands that are none of the gestures are required)")
    items: list[tuple[Path, str]] = []
    counts = {}
    for folder in folders:
        try:
            files = sorted(p for p in folder.rglob("*") if p.is_file()
                           and all(_visible(q) for q in p.relative_to(folder).parents if q != Path("."))
                           and _visible(p))
        except OSError as e:
            raise InputError(f"dataset {folder}: cannot read ({e.strerror or e})") from None
        n = 0
        for p in files:
            if p.suffix.lower() in IMAGE_SUFFIXES:
                items.append((p, folder.name))
                n += 1
            else:
                ignored.append((p, f"not an image file ({p.suffix or 'no suffix'})"))
        counts[folder.name] = n
    if not items:
        raise InputError(f"dataset {root}: no images ({', '.join(IMAGE_SUFFIXES)}) in its label folders")
    if require_none and counts.get("none", 0) == 0:
        raise InputError(f"dataset {root}: the 'none' folder has no images")
    with_images = sorted(k for k, v in counts.items() if v)
    if len(with_images) < 2:
        raise InputError(f"dataset {root}: images for only one label ({', '.join(with_images)}); "
                         "a classifier needs at least two (one of them 'none')")
    return Scan(items, tuple(with_images), ignored)


def detector_settings(hand_model: Path, min_detection_confidence: float, num_hands: int) -> str:
    """The cache key's settings part: what decides the landmarks besides the image."""
    from kiosk.vision.model import MAX_BUNDLE_BYTES

    hand_model = Path(hand_model)
    digest = (hashlib.sha256(read_bytes(hand_model, "hand model", MAX_BUNDLE_BYTES)).hexdigest()
              if hand_model.is_file() else "?")
    return json.dumps({"hand_model_sha256": digest, "num_hands": int(num_hands), "mirrored": True,
                       "min_detection_confidence": round(float(min_detection_confidence), 6)}, sort_keys=True)


@dataclass
class Extraction:
    data: LandmarkSet
    no_hand: list[Path]
    unreadable: list[Path]
    cached: int
    detected: int


def _largest(hands: list[Hand]) -> Hand | None:
    return max(hands, key=lambda h: h.bbox_area) if hands else None


Entry = tuple[bool, np.ndarray, str, str]
"""(hand found, world (21, 3) float32, handedness, settings id)."""


def settings_id(settings: str) -> str:
    return hashlib.sha256(settings.encode("utf-8")).hexdigest()[:16]


def read_cache(path: Path) -> dict[str, Entry]:
    """key -> Entry. A missing, foreign, damaged or oversized cache (over CACHE_MAX_BYTES on disk or
    CACHE_MAX_UNPACKED unpacked, checked before numpy reads it) is empty: it is only a cache."""
    try:
        data = read_bytes(path, "landmark cache", CACHE_MAX_BYTES)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_npz(zf, "landmark cache", path, CACHE_MAX_UNPACKED)
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if str(npz["format"]) != CACHE_FORMAT:
                return {}
            keys, found, world = npz["key"], npz["found"], npz["world"]
            handed, setting = npz["handedness"], npz["settings"]
    except Exception:  # noqa: BLE001 - any problem means "start afresh"
        return {}
    if not (len(keys) == len(found) == len(world) == len(handed) == len(setting)) or world.shape[1:] != (21, 3):
        return {}
    return {str(k): (bool(f), w.astype(np.float32), str(h), str(s))
            for k, f, w, h, s in zip(keys, found, world, handed, setting)}


def write_cache(path: Path, entries: dict[str, Entry]) -> None:
    keys = sorted(entries)
    buf = io.BytesIO()
    np.savez_compressed(
        buf, format=np.array(CACHE_FORMAT), key=np.array(keys, dtype="<U64"),
        found=np.array([entries[k][0] for k in keys], dtype=bool),
        world=np.array([entries[k][1] for k in keys], dtype=np.float32).reshape(len(keys), 21, 3),
        handedness=np.array([entries[k][2] for k in keys], dtype="<U5"),
        settings=np.array([entries[k][3] for k in keys], dtype="<U16"))
    write_atomic(path, buf.getvalue())


def extract(scan: Scan, detector_factory, settings: str, cache_path: Path | None, err: TextIO | None = None,
            progress: bool | None = None) -> Extraction:
    """Landmarks of the largest hand in each image, from the cache or the detector.

    detector_factory: a no-argument callable returning a Detector, called only if some
    image is not in the cache (so a fully cached dataset never loads MediaPipe).
    Unreadable images are reported on `err`, one line each, and skipped.
    """
    import cv2
    from tqdm import tqdm

    err = err or sys.stderr
    cache = read_cache(cache_path) if cache_path is not None else {}
    sid = settings_id(settings)
    used: dict[str, Entry] = {}
    worlds, hands, labels, sources = [], [], [], []
    no_hand, unreadable = [], []
    cached = detected = 0
    detector = None
    with contextlib.ExitStack() as stack:  # the detector is closed however the loop ends: a MediaPipe task
        # left to the garbage collector at exit prints 'Exception ignored in HandLandmarker.__del__'
        for path, label in tqdm(scan.items, desc="extracting landmarks", unit="image", file=sys.stderr,
                                disable=progress is False, leave=False):
            try:
                data = read_image(path, "image")  # header checked: an image bomb is never decoded
                key = hashlib.sha256(settings.encode("utf-8") + b"\0" + data).hexdigest()
                image = None if key in cache else decode_image(data, "image", path)
            except InputError as e:
                print(f"train: skipped {path}: {str(e).removeprefix(f'image {path}: ')}", file=err)
                unreadable.append(path)
                continue
            if key in cache:
                entry = cache[key]
                cached += 1
            else:
                if detector is None:
                    detector = detector_factory()
                    stack.callback(detector.close)
                try:
                    hand = _largest(list(detector.detect(cv2.flip(image, 1), mirrored=True)))
                except (RuntimeError, ValueError) as e:
                    print(f"train: skipped {path}: the hand detector failed ({str(e).strip()[:120]})", file=err)
                    unreadable.append(path)
                    continue
                detected += 1
                if hand is None:
                    entry = (False, np.zeros((21, 3), np.float32), "", sid)
                else:
                    entry = (True, np.asarray(hand.world, np.float32).reshape(21, 3), hand.handedness, sid)
            used[key] = entry
            if not entry[0]:
                no_hand.append(path)
                continue
            worlds.append(entry[1])
            hands.append(entry[2])
            labels.append(label)
            sources.append(str(path))
    if cache_path is not None and detected:
        kept = {k: e for k, e in cache.items() if e[3] != sid}  # other settings' entries stay
        try:
            write_cache(cache_path, {**kept, **used})
        except OSError as e:
            print(f"train: could not write the landmark cache {cache_path} ({e.strerror or e})", file=err)
    n = len(worlds)
    data = LandmarkSet(np.array(worlds, np.float32).reshape(n, 21, 3), np.array(hands, dtype="<U5"),
                       np.array(labels, dtype="<U32"), np.array(sources, dtype=str))
    return Extraction(data, no_hand, unreadable, cached, detected)

"""Recorded landmarks (a `landmarks.jsonl` like the dev photos') -> a LandmarkSet in the kiosk's conventions. Pure.

The file holds one JSON object per photo (the dev set's README documents the fields);
what is read: `file`, `source` (one person or capture setup: the unit of
leave-one-source-out), `label`, `handedness`, `world_landmarks` (21 x [x, y, z], metres),
`landmarks` (21 x [x, y, z], x and y normalised to the stored image), `size` ([w, h] px)
and `n_hands`. The data itself is never copied into the project: it is read from where it
is (`--data`, or `$KIOSK_DATA`, default ../shared/data), and a model trained on it records only its hash.

Conventions. The photos are not mirrored and their `handedness` is MediaPipe's reading of
the unmirrored photo. The kiosk mirrors every camera frame before MediaPipe sees it and
swaps the handedness back (kiosk.vision.tracker), so the same hand reaches the kiosk with
world x negated and the same handedness label: `read` converts to that, and a test checks
it against the real tracker on the photos themselves.

Labels: the dev set's `other` (deliberate shapes that are no command) and `none` (idle
hands) are both the kiosk's "none": anything that is not a command (`LABEL_MAP`).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import InputError
from kiosk.training.synthetic import LandmarkSet

LABELS = ("none", "ok", "thumbs_up", "thumbs_down", "fist", "palm", "point", "peace")
"""The kiosk's gesture classes, in the order of the shipped model's outputs."""
LABEL_MAP = {"other": "none"}
"""Dataset label -> kiosk label, where they differ."""
FILE_NAME = "landmarks.jsonl"
DEV_SET = "dev-photos"
_MIRROR_X = np.array([-1.0, 1.0, 1.0], dtype=np.float32)


@dataclass(frozen=True)
class Recorded:
    """Hands read from a landmarks file. data.source is each hand's source id."""

    data: LandmarkSet
    files: np.ndarray
    """(N,) str, each hand's photo, relative to the file's folder."""
    hand_px: np.ndarray
    """(N,) float, the longest side of the hand's landmark bounding box in its photo, px."""
    path: Path
    sha256: str
    """Hash of exactly what a model learns from: world landmarks, handedness, labels and sources."""

    def sources(self) -> list[str]:
        return sorted(set(self.data.source.tolist()))

    def take(self, index: np.ndarray) -> Recorded:
        return Recorded(self.data.take(index), self.files[index], self.hand_px[index], self.path,
                        data_hash(self.data.take(index)))


def data_hash(data: LandmarkSet) -> str:
    """SHA-256 of a LandmarkSet's contents (float32 landmarks; labels and strings as UTF-8)."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(data.world, dtype="<f4").tobytes())
    for column in (data.handedness, data.label, data.source):
        h.update(("\n".join(str(v) for v in column.tolist()) + "\0").encode("utf-8"))
    return h.hexdigest()


def data_root() -> Path:
    """Where real data is read from: $KIOSK_DATA, else ../shared/data beside the project."""
    return Path(os.environ.get("KIOSK_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data")


def default_path() -> Path | None:
    """The dev set's landmarks.jsonl under data_root(), or None when it is not there."""
    path = data_root() / DEV_SET / FILE_NAME
    return path if path.is_file() else None


def resolve(path: Path) -> Path:
    """A landmarks file, or a folder holding one (directly or in dev-photos/)."""
    path = Path(path)
    if path.is_dir():
        for candidate in (path / FILE_NAME, path / DEV_SET / FILE_NAME):
            if candidate.is_file():
                return candidate
        raise InputError(f"--data {path}: no {FILE_NAME} in this folder (nor in {DEV_SET}/)")
    if not path.exists():
        raise InputError(f"--data {path}: not found")
    return path


def read(path: Path, single_hand: bool = True) -> Recorded:
    """Read a landmarks file. single_hand: only photos with exactly one hand (the others'
    top-level hand need not be the gesturing one). Every problem is one InputError naming
    the file and the line."""
    path = resolve(path)
    worlds, hands, labels, sources, files, px = [], [], [], [], [], []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            if single_hand and int(r.get("n_hands", 1)) != 1:
                continue
            world = np.asarray(r["world_landmarks"], dtype=np.float32)
            image = np.asarray(r["landmarks"], dtype=np.float64)
            w, h = (float(v) for v in r["size"])
            label, handedness, source = str(r["label"]), str(r["handedness"]), str(r["source"])
            file = str(r.get("file", ""))
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            raise InputError(f"{path}:{number}: not a landmarks record ({type(e).__name__}: {e})") from None
        if world.shape != (21, 3) or image.shape != (21, 3) or not np.all(np.isfinite(world)):
            raise InputError(f"{path}:{number}: landmarks must be 21 x [x, y, z] finite numbers")
        if handedness not in ("Left", "Right"):
            raise InputError(f"{path}:{number}: handedness {handedness!r}, expected 'Left' or 'Right'")
        label = LABEL_MAP.get(label, label)
        if label not in LABELS:
            raise InputError(f"{path}:{number}: label {label!r} is not one of {', '.join(LABELS)} (or 'other')")
        worlds.append(world * _MIRROR_X)
        hands.append(handedness)
        labels.append(label)
        sources.append(source)
        files.append(file)
        span = (image[:, :2].max(axis=0) - image[:, :2].min(axis=0)) * (w, h)
        px.append(float(span.max()))
    if not worlds:
        raise InputError(f"{path}: no hands in it")
    n = len(worlds)
    data = LandmarkSet(np.stack(worlds).reshape(n, 21, 3), np.array(hands, dtype="<U5"),
                       np.array(labels, dtype="<U32"), np.array(sources, dtype=str))
    return Recorded(data, np.array(files, dtype=str), np.array(px), path, data_hash(data))


def augment(data: LandmarkSet, copies: int, seed: int, max_roll: float = 20.0) -> LandmarkSet:
    """`data` plus `copies` altered copies of every hand (the originals first), the same for the same seed.

    Landmarks, not images: each copy is turned up to `max_roll` degrees in the image plane
    (about the camera axis: thumbs keep pointing roughly where they did), scaled by
    0.85-1.15, jittered (N(0, 2% of the palm) per coordinate) and its depth stretched by
    0.6-1.4 about the wrist (depth is MediaPipe's least reliable axis). A copy keeps its
    original's label and source, so a split by source keeps them together.
    """
    if copies <= 0 or len(data) == 0:
        return data
    rng = np.random.default_rng([seed, 9])
    n = len(data)
    w = np.repeat(data.world.astype(np.float64)[None], copies, axis=0).reshape(copies * n, 21, 3)
    angle = np.radians(rng.uniform(-max_roll, max_roll, size=copies * n))
    c, s = np.cos(angle), np.sin(angle)
    x, y = w[:, :, 0].copy(), w[:, :, 1].copy()
    w[:, :, 0], w[:, :, 1] = c[:, None] * x - s[:, None] * y, s[:, None] * x + c[:, None] * y
    w *= rng.uniform(0.85, 1.15, size=(copies * n, 1, 1))
    palm = np.linalg.norm(w[:, 9] - w[:, 0], axis=1)
    w += rng.normal(0.0, 1.0, size=w.shape) * (0.02 * palm)[:, None, None]
    w[:, :, 2] = w[:, :1, 2] + (w[:, :, 2] - w[:, :1, 2]) * rng.uniform(0.6, 1.4, size=(copies * n, 1))
    extra = LandmarkSet(w.astype(np.float32), np.tile(data.handedness, copies), np.tile(data.label, copies),
                        np.tile(data.source, copies))
    return LandmarkSet.concat([data, extra])

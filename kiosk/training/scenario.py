"""Scenario videos from real photos (`make-scenario`): a person points, rests, 👌, moves on, with per-frame truth.

One video per person (a `source` of a dev-photos style folder: landmarks.jsonl beside
images/): their pointing, 👌, ✊ and ✋ photos, and a 👎 (theirs, or another source's
when they have none). Each frame is one photo scaled so the hand is about `HAND_PX`
tall and moved so that its anchor lands where the script wants it: the index fingertip
for pointing and 👌 (so the 👌 closes where the cursor rested), the palm's centre for the
others. The edges are replicated, as if the photo went on. The truth JSON has the shape
of ../shared/data/scenarios/point-and-click.json: `size`, `fps`, `frames` (i, t, label,
tip = index fingertip normalised in the unmirrored frame) and `segments` (label, photo,
start, end): the kiosk shown this video must click once per 👌 segment, where the cursor
rested before it, and never press during ✋, ✊ or 👎.

The 👌 segments last `ok_frames` frames (default 8: 0.27 s at 30 fps), so the video
checks that the stabiliser and the press hysteresis do not lose a short 👌.

The photos stay where they are; the video is written where the operator says (it holds
the photos' pixels, so it is no more shareable than they are).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import InputError

SIZE = (640, 480)
FPS = 30
HAND_PX = 170.0
"""The hand's longest side in the video, px (the dev photos' median is about 200)."""
PALM = [0, 5, 9, 13, 17]


@dataclass(frozen=True)
class Shot:
    label: str
    file: str
    landmarks: np.ndarray
    """(21, 2) normalised to the photo."""
    size: tuple[int, int]


def _shots(folder: Path, source: str) -> dict[str, list[Shot]]:
    from kiosk.training.devset import FILE_NAME, LABEL_MAP

    path = folder / FILE_NAME
    if not path.is_file():
        raise InputError(f"make-scenario: no {FILE_NAME} in {folder}")
    out: dict[str, list[Shot]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r.get("source") != source or int(r.get("n_hands", 1)) != 1:
            continue
        label = LABEL_MAP.get(r["label"], r["label"])
        out.setdefault(label, []).append(
            Shot(label, r["file"], np.asarray(r["landmarks"], np.float64)[:, :2], tuple(r["size"])))
    return out


def _pick(shots: dict[str, list[Shot]], label: str, rng: np.random.Generator, who: str) -> Shot:
    if not shots.get(label):
        raise InputError(f"make-scenario: source {who!r} has no single-hand {label!r} photo")
    options = shots[label]
    return options[int(rng.integers(len(options)))]


def _segments(ok_frames: int) -> list[tuple[str, int, tuple[float, float], tuple[float, float]]]:
    """(label, frames, anchor from, anchor to), anchors normalised in the unmirrored frame."""
    a, p1, p2, p3 = (0.45, 0.55), (0.62, 0.42), (0.38, 0.58), (0.5, 0.45)
    return [
        ("palm", 24, (0.42, 0.5), (0.5, 0.5)),
        ("point", 36, a, p1), ("point", 15, p1, p1), ("ok", ok_frames, p1, p1),
        ("point", 36, p1, p2), ("point", 15, p2, p2), ("ok", ok_frames, p2, p2),
        ("point", 20, p2, p3),
        ("thumbs_down", 24, p3, (0.55, 0.5)), ("fist", 24, (0.55, 0.5), (0.5, 0.52)),
        ("palm", 24, (0.5, 0.52), (0.45, 0.5)), ("point", 15, p3, p3),
    ]


def compose(folder: Path, source: str, out: Path, seed: int = 0, ok_frames: int = 8,
            thumbs_down_source: str | None = None) -> dict:
    """Write `out` (mp4) and its truth (`out` with .json) for `source`; returns the truth."""
    import cv2

    from kiosk.files import read_photo

    folder = Path(folder)
    rng = np.random.default_rng(seed)
    shots = _shots(folder, source)
    if not shots:
        raise InputError(f"make-scenario: no photos of source {source!r} in {folder}")
    down_from = thumbs_down_source or (source if shots.get("thumbs_down") else "harshit")
    down_shots = shots if down_from == source else _shots(folder, down_from)
    chosen = {label: _pick(shots, label, rng, source) for label in ("point", "ok", "fist", "palm")}
    chosen["thumbs_down"] = _pick(down_shots, "thumbs_down", rng, down_from)
    images = {}
    for label, shot in chosen.items():
        images[label] = read_photo(folder / shot.file, "make-scenario: photo")  # header checked before decoding
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    if not writer.isOpened():
        raise InputError(f"make-scenario: cannot write {out}")
    frames, segments, i = [], [], 0
    try:
        for label, n, start, end in _segments(ok_frames):
            shot, image = chosen[label], images[label]
            px = shot.landmarks * shot.size  # photo px
            scale = HAND_PX / max(float((px.max(axis=0) - px.min(axis=0)).max()), 1.0)
            anchor = px[8] if label in ("point", "ok") else px[PALM].mean(axis=0)
            segments.append({"label": label, "photo": Path(shot.file).name, "start": i, "end": i + n})
            for k in range(n):
                s = k / max(n - 1, 1)
                target = (np.array(start) + s * (np.array(end) - np.array(start))) * SIZE
                shift = target - scale * anchor
                m = np.array([[scale, 0.0, shift[0]], [0.0, scale, shift[1]]])
                frame = cv2.warpAffine(image, m, SIZE, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
                writer.write(frame)
                tip = (scale * px[8] + shift) / SIZE
                frames.append({"i": i, "t": round(i / FPS, 4), "label": label,
                               "tip": [round(float(tip[0]), 4), round(float(tip[1]), 4)]})
                i += 1
    finally:
        writer.release()
    truth = {"size": list(SIZE), "fps": FPS, "source": source, "thumbs_down_source": down_from,
             "frames": frames, "segments": segments}
    out.with_suffix(".json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    return truth

"""`eval-gestures`: labelled photos (or a labelled video) -> confusion matrix, precision,
recall, and the click's figures. Metrics are pure; reading images uses OpenCV.

Labels come from sub-folders (DIR/<label>/*.jpg) or, for images directly in DIR, from
the file name (`ok.jpg`, `ok_2.jpg`, `ok-3.png`: a trailing number is dropped). `--map
hagrid` first translates HaGRID's gesture names (`HAGRID`): see docs/gestures.md for
why each name maps where it does.

Photos are mirrored before detection, as the kiosk's camera frames are (see
kiosk.training.dataset), and every hand found in a photo gets the photo's label. A photo
of a two-hand HaGRID sign (heart, holy, timeout, ...) has no single-hand label: its
hands count only as "not 👌" for the false-click rate, and stay out of the confusion
matrix and the accuracy. A labelled photo where no hand is found counts as one hand
predicted "(no hand)": wrong for the accuracy, and a miss if it was a 👌.

The click: a hand clicks when scores["ok"] >= press_at (the pointer's press threshold,
0.6 by default). 👌 recall = 👌 hands that click / 👌 hands; false-click rate = other
hands that click / other hands (two-hand photos included).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from kiosk.errors import InputError
from kiosk.types import Gesture, Hand

TWO_HANDS = "(two hands)"
NO_HAND = "(no hand)"

# HaGRID (v1 and v2) gesture names -> our labels. The finger states decide: point = index
# up, others curled; peace = index and middle up (apart or together); palm = all five
# open (fingers apart or together, palm or back to the camera); thumbs_up / thumbs_down
# = a fist with the thumb out, pointing up / down. Everything else is none; two-hand
# signs are TWO_HANDS.
HAGRID: dict[str, str] = {
    "ok": "ok",
    "one": "point", "mute": "point",
    "fist": "fist",
    "palm": "palm", "stop": "palm", "stop_inv": "palm",
    "like": "thumbs_up", "dislike": "thumbs_down",
    "peace": "peace", "peace_inv": "peace", "two_up": "peace", "two_up_inv": "peace",
    **{name: "none" for name in (
        "call", "four", "grabbing", "grip", "gun", "mid_finger", "middle_finger", "pinkie", "little_finger",
        "point", "rock", "three", "three2", "three3", "three_gun", "thumb_index", "no_gesture")},
    **{name: TWO_HANDS for name in (
        "heart", "heart2", "hand_heart", "hand_heart2", "holy", "timeout", "take_photo", "xsign", "thumb_index2")},
}
MAPS = {"hagrid": HAGRID}
_TRAILING_NUMBER = re.compile(r"^(.*?)[-_ ]?\d+$")


def _label_for(name: str, mapping: dict[str, str] | None, known: tuple[str, ...]) -> str | None:
    candidates = [name.lower()]
    m = _TRAILING_NUMBER.match(candidates[0])
    if m and m.group(1):
        candidates.append(m.group(1))
    for c in candidates:
        if mapping is not None and c in mapping:
            return mapping[c]
        if mapping is None and c in known:
            return c
    return None


def photo_labels(root: Path, known: tuple[str, ...], mapping: dict[str, str] | None = None) -> list[tuple[Path, str]]:
    """(image, label) for every image under `root`: top-level files by name, sub-folder files by folder."""
    from kiosk.vision.sources import IMAGE_SUFFIXES

    root = Path(root)
    if not root.is_dir():
        raise InputError(f"eval-gestures: --photos {root} is not a folder")
    try:
        entries = sorted(p for p in root.iterdir() if not p.name.startswith("."))
        items: list[tuple[Path, str]] = []
        for p in entries:
            if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES:
                items.append((p, p.stem))
            elif p.is_dir():
                items += [(q, p.name) for q in sorted(p.iterdir())
                          if q.is_file() and q.suffix.lower() in IMAGE_SUFFIXES and not q.name.startswith(".")]
    except OSError as e:
        raise InputError(f"eval-gestures: cannot read {root} ({e.strerror or e})") from None
    if not items:
        raise InputError(f"eval-gestures: no images ({', '.join(IMAGE_SUFFIXES)}) in {root} or its sub-folders")
    out, unknown = [], []
    for path, name in items:
        label = _label_for(name, mapping, known)
        if label is None or (label not in known and label != TWO_HANDS):
            unknown.append(f"{name} ({path.name})")
        else:
            out.append((path, label))
    if unknown:
        hint = " or use --map hagrid" if mapping is None else ""
        raise InputError(f"eval-gestures: {len(unknown)} image(s) with no known label, e.g. {unknown[0]}; "
                         f"labels: {', '.join(known)}{hint}")
    return out


@dataclass(frozen=True)
class HandResult:
    path: str
    true: str
    gesture: Gesture | None
    """None: the photo had no hand."""


def _rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def _shrink(image: np.ndarray, factor: float) -> np.ndarray:
    """The photo at `factor` of its size, centred on a canvas of the original size (edges replicated)."""
    import cv2

    h, w = image.shape[:2]
    small = cv2.resize(image, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
    top, left = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    return cv2.copyMakeBorder(small, top, h - small.shape[0] - top, left, w - small.shape[1] - left,
                              cv2.BORDER_REPLICATE)


AUGMENTATIONS = {
    "rot-30": lambda im: _rotate(im, -30.0),
    "rot+30": lambda im: _rotate(im, 30.0),
    "rot-60": lambda im: _rotate(im, -60.0),
    "rot+60": lambda im: _rotate(im, 60.0),
    "small": lambda im: _shrink(im, 0.55),
    "other-hand": lambda im: im[:, ::-1].copy(),
}
"""`--augment`: each photo is also evaluated turned in the image plane, smaller, and mirrored
(a mirrored photo of a right hand is a left hand). The features are meant to be invariant
to all of these, so the figures should barely move; 7 hands per photo instead of one."""


def run_photos(items: list[tuple[Path, str]], detector, classifier, err: TextIO | None = None,
               progress: bool | None = None, augment: bool = False) -> tuple[list[HandResult], list[str]]:
    """Detect (mirrored, like the kiosk) and classify every hand. Returns (results, unreadable paths).

    augment: also evaluate each photo under AUGMENTATIONS (result paths get "#<name>")."""
    import cv2
    from tqdm import tqdm

    from kiosk.files import read_photo

    err = err or sys.stderr
    results, unreadable = [], []
    variants = [("", None), *AUGMENTATIONS.items()] if augment else [("", None)]
    for path, label in tqdm(items, desc="evaluating", unit="photo", file=sys.stderr, disable=progress is False,
                            leave=False):
        try:
            image = read_photo(path, "image")  # header checked first: an image bomb is never decoded
        except InputError as e:
            print(f"eval-gestures: skipped {path}: {str(e).removeprefix(f'image {path}: ')}", file=err)
            unreadable.append(str(path))
            continue
        for name, transform in variants:
            shown = image if transform is None else transform(image)
            where = f"{path}#{name}" if name else str(path)
            hands: list[Hand] = list(detector.detect(cv2.flip(shown, 1), mirrored=True))
            if not hands:
                results.append(HandResult(where, label, None))
            for hand in hands:
                results.append(HandResult(where, label, classifier.classify(hand)))
    return results, unreadable


def _ratio(n: int, d: int) -> float | None:
    return n / d if d else None


def summarise(results: list[HandResult], labels: tuple[str, ...], press_at: float = 0.6) -> dict:
    """Confusion matrix, per-class precision/recall, accuracy, 👌 recall and false-click rate."""
    labels = tuple(labels)
    columns = (*labels, NO_HAND)
    matrix = np.zeros((len(labels), len(columns)), dtype=np.int64)
    ok_hits = ok_total = false_clicks = other_total = 0
    missed, falsely = [], []
    details = []
    for r in results:
        predicted = r.gesture.label if r.gesture is not None else NO_HAND
        ok = r.gesture.p("ok") if r.gesture is not None else 0.0
        clicks = ok >= press_at
        details.append({"path": r.path, "true": r.true, "predicted": predicted, "ok": round(float(ok), 4),
                        "score": round(float(r.gesture.score), 4) if r.gesture is not None else None})
        if r.true != TWO_HANDS:
            col = columns.index(predicted) if predicted in columns else columns.index("none")
            matrix[labels.index(r.true), col] += 1
        if r.true == "ok":
            ok_total += 1
            ok_hits += clicks
            if not clicks:
                missed.append(r.path)
        elif r.gesture is not None:
            other_total += 1
            false_clicks += clicks
            if clicks:
                falsely.append(r.path)
    in_matrix = int(matrix.sum())
    correct = int(sum(matrix[i, i] for i in range(len(labels))))
    per_class = {}
    for i, label in enumerate(labels):
        predicted, actual = int(matrix[:, i].sum()), int(matrix[i].sum())
        hits = int(matrix[i, i])
        per_class[label] = {"precision": _ratio(hits, predicted), "recall": _ratio(hits, actual), "support": actual}
    two = [d for d in details if d["true"] == TWO_HANDS]
    return {
        "labels": list(labels),
        "confusion": {"rows": list(labels), "columns": list(columns), "matrix": matrix.tolist()},
        "per_class": per_class,
        "hands": in_matrix,
        "accuracy": _ratio(correct, in_matrix),
        "correct": correct,
        "click_threshold": press_at,
        "ok_hands": ok_total,
        "ok_recall": _ratio(ok_hits, ok_total),
        "missed_clicks": missed,
        "other_hands": other_total,
        "false_clicks": false_clicks,
        "false_click_rate": _ratio(false_clicks, other_total),
        "false_click_photos": falsely,
        "weakest_ok": min((d["ok"] for d in details if d["true"] == "ok"), default=None),
        "strongest_other_ok": max((d["ok"] for d in details if d["true"] != "ok" and d["predicted"] != NO_HAND),
                                  default=None),
        "two_hand_hands": len(two),
        "two_hand_predictions": {k: sum(1 for d in two if d["predicted"] == k)
                                 for k in sorted({d["predicted"] for d in two})},
        "no_hand_photos": sorted({d["path"] for d in details if d["predicted"] == NO_HAND}),
        "details": details,
    }


def _fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def format_summary(s: dict, header: str = "") -> str:
    labels, columns = s["labels"], s["confusion"]["columns"]
    width = max(10, *(len(c) for c in columns)) + 1
    lines = [header] if header else []
    lines.append("confusion matrix (rows: true label, columns: predicted)")
    lines.append(" " * width + "".join(c.rjust(width) for c in columns))
    for label, row in zip(labels, s["confusion"]["matrix"]):
        lines.append(label.ljust(width) + "".join(str(v).rjust(width) for v in row))
    lines.append("")
    lines.append("label".ljust(width) + "precision".rjust(11) + "recall".rjust(9) + "hands".rjust(7))
    for label in labels:
        pc = s["per_class"][label]
        lines.append(label.ljust(width) + _fmt(pc["precision"]).rjust(11) + _fmt(pc["recall"]).rjust(9)
                     + str(pc["support"]).rjust(7))
    lines.append("")
    lines.append(f"{len(labels)}-class accuracy: {_fmt(s['accuracy'])} ({s['correct']}/{s['hands']} hands)")
    hits = s["ok_hands"] - len(s["missed_clicks"])
    lines.append(f"ok (click) recall: {_fmt(s['ok_recall'])} ({hits}/{s['ok_hands']})"
                 f"   false-click rate: {_fmt(s['false_click_rate'])} "
                 f"({s['false_clicks']}/{s['other_hands']} other hands)"
                 f"   click = scores['ok'] >= {s['click_threshold']}")
    lines.append(f"margins: weakest ok among ok hands {_fmt(s['weakest_ok'])}, "
                 f"strongest ok among other hands {_fmt(s['strongest_other_ok'])}")
    if s["two_hand_hands"]:
        preds = ", ".join(f"{k} {v}" for k, v in s["two_hand_predictions"].items())
        lines.append(f"two-hand photos: {s['two_hand_hands']} hands, not in the matrix (predicted: {preds})")
    for p in s["missed_clicks"]:
        lines.append(f"missed click: {p}")
    for p in s["false_click_photos"]:
        lines.append(f"false click: {p}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- video


def summarise_video(frames: list[dict], truth: dict, labels: tuple[str, ...]) -> dict:
    """Per-frame results of a labelled video -> figures.

    frames[i]: {"label": raw label or None (no hand), "stable": stabilised label, "ok": 👌
    strength, "events": [pointer event kinds]}. truth: the scenario JSON (frames[i].label,
    segments with label/start/end).
    """
    truth_labels = [f["label"] for f in truth["frames"]][: len(frames)]
    n = len(truth_labels)
    raw_ok = sum(1 for i in range(n) if frames[i]["label"] == truth_labels[i])
    stable_ok = sum(1 for i in range(n) if frames[i]["stable"] == truth_labels[i])
    presses = [i for i in range(n) if "press" in frames[i]["events"]]
    clicks = [i for i in range(n) if "click" in frames[i]["events"]]
    ok_segments = [s for s in truth.get("segments", []) if s["label"] == "ok"]
    good_presses = [i for i in presses if truth_labels[i] == "ok"]
    segments_clicked = sum(1 for s in ok_segments if any(s["start"] <= i < s["end"] for i in good_presses))
    confusion: dict[str, dict[str, int]] = {}
    for i in range(n):
        row = confusion.setdefault(truth_labels[i], {})
        key = frames[i]["stable"]
        row[key] = row.get(key, 0) + 1
    def changes(key: str) -> int:
        seq = [frames[i][key] or "none" for i in range(n)]
        return sum(1 for a, b in zip(seq, seq[1:]) if a != b)

    return {
        "frames": n,
        "label_changes_truth": sum(1 for a, b in zip(truth_labels, truth_labels[1:]) if a != b),
        "label_changes_raw": changes("label"),
        "label_changes_stable": changes("stable"),
        "frame_accuracy_raw": _ratio(raw_ok, n),
        "frame_accuracy_stable": _ratio(stable_ok, n),
        "ok_frames": sum(1 for t in truth_labels if t == "ok"),
        "ok_frames_pressing": sum(1 for i in range(n) if truth_labels[i] == "ok" and frames[i]["ok"] >= 0.6),
        "other_frames_pressing": sum(1 for i in range(n) if truth_labels[i] != "ok" and frames[i]["ok"] >= 0.6),
        "clicks": len(clicks),
        "presses": presses,
        "presses_outside_ok": [i for i in presses if truth_labels[i] != "ok"],
        "ok_segments": len(ok_segments),
        "ok_segments_clicked": segments_clicked,
        "confusion_stable": confusion,
    }


def format_video(s: dict, header: str = "") -> str:
    lines = [header] if header else []
    lines.append(f"frames: {s['frames']}   label accuracy per frame: raw {_fmt(s['frame_accuracy_raw'])}, "
                 f"stabilised {_fmt(s['frame_accuracy_stable'])}")
    lines.append(f"label changes: truth {s['label_changes_truth']}, raw {s['label_changes_raw']}, "
                 f"stabilised {s['label_changes_stable']}")
    lines.append(f"ok frames pressing (ok >= 0.6): {s['ok_frames_pressing']}/{s['ok_frames']}   "
                 f"other frames pressing: {s['other_frames_pressing']}")
    lines.append(f"clicks: {s['clicks']} (expected {s['ok_segments']}); ok segments clicked: "
                 f"{s['ok_segments_clicked']}/{s['ok_segments']}; presses outside an ok segment: "
                 f"{len(s['presses_outside_ok'])}")
    lines.append("stabilised labels per true label: " + "; ".join(
        f"{t}: " + ", ".join(f"{k} {v}" for k, v in sorted(row.items())) for t, row in s["confusion_stable"].items()))
    return "\n".join(lines)


# --------------------------------------------------------------------------- synthetic click stress test


def synthetic_click_report(model, seed: int = 2024) -> dict:
    """Compare the click sources ("rule", "model", "both") of `model` on synthetic hands it
    was not trained on (`eval-gestures --synthetic`). Pure; about a minute.

    - ok_recall: handgen.synth_hand 👌 hands (its own random views) reaching press_at 0.6;
    - false_clicks: 100 synth_hand hands of each other gesture + 900 "none" hands from the
      training recipe at an unused seed, reaching 0.6;
    - sweeps: 60 point/palm/peace/fist -> 👌 interpolations (random shape, hand, view):
      how many never reach 0.6, and the median share of the sweep between the last
      strength <= 0.3 and the first >= 0.6 (the hysteresis band: wider resists jitter);
    - chatter: a hand held where the strength is ~0.45 with heavy landmark noise
      (0.004 of the frame) for 3 s through the real Pointer: clicks made (mean, max).
    """
    from kiosk.gestures.handgen import POSES, interpolate, pose_world, random_shape, render, synth_hand
    from kiosk.gestures.landmark_features import FEATURE_NAMES, hand_features
    from kiosk.gestures.model import CLICK_SOURCES, combine_ok, rule_ok_strength
    from kiosk.training.synthetic import GESTURES, Recipe, sample
    from kiosk.interaction.pointer import Pointer

    ok_index = model.labels.index("ok")

    def strengths(world: np.ndarray, handedness: str) -> dict[str, float]:
        f = hand_features(world, handedness)
        p, r = float(model.predict_proba(f)[ok_index]), rule_ok_strength(f)
        pinch = f[FEATURE_NAMES.index("pinch_xy")]
        return {c: combine_ok(p, r, c, pinch) for c in CLICK_SOURCES}

    rng = np.random.default_rng(seed)
    recall = dict.fromkeys(CLICK_SOURCES, 0)
    n_ok = 300
    for _ in range(n_ok):
        h = synth_hand("ok", rng)
        for c, v in strengths(h.world, h.handedness).items():
            recall[c] += v >= 0.6
    false, n_other = dict.fromkeys(CLICK_SOURCES, 0), 0
    for label in GESTURES:
        if label == "ok":
            continue
        for _ in range(100):
            h = synth_hand(label, rng)
            n_other += 1
            for c, v in strengths(h.world, h.handedness).items():
                false[c] += v >= 0.6
    unseen = Recipe(seed=seed + 1_000_003)
    for i in range(300):
        worlds, handedness = sample("none", i, unseen)
        for w in worlds:
            n_other += 1
            for c, v in strengths(w, handedness).items():
                false[c] += v >= 0.6
    never, bands = dict.fromkeys(CLICK_SOURCES, 0), {c: [] for c in CLICK_SOURCES}
    steps = np.linspace(0.0, 1.0, 101)
    for start in ("point", "palm", "peace", "fist"):
        for t in range(15):
            shape, handedness = random_shape(rng), ("Left", "Right")[t % 2]
            view = {"roll": rng.uniform(-0.7, 0.7), "yaw": rng.uniform(-0.5, 0.5), "pitch": rng.uniform(-0.5, 0.5)}
            curve = {c: [] for c in CLICK_SOURCES}
            for s in steps:
                shot = render(pose_world(interpolate(POSES[start], POSES["ok"], float(s)), shape, handedness),
                              handedness=handedness, **view)
                for c, v in strengths(shot.world.astype(np.float64), handedness).items():
                    curve[c].append(v)
            for c in CLICK_SOURCES:
                v = np.array(curve[c])
                hit = np.flatnonzero(v >= 0.6)
                if not len(hit):
                    never[c] += 1
                    continue
                below = np.flatnonzero(v[: hit[0]] <= 0.3)
                bands[c].append(float(steps[hit[0]] - steps[below[-1]]) if len(below) else 0.0)
    chatter = {c: [] for c in CLICK_SOURCES}
    for t in range(20):
        shape, handedness = random_shape(rng), ("Left", "Right")[t % 2]
        worlds = [pose_world(interpolate(POSES["point"], POSES["ok"], float(s)), shape, handedness)
                  for s in np.linspace(0.0, 1.0, 51)]
        for c in CLICK_SOURCES:
            values = [strengths(render(w, handedness=handedness).world.astype(np.float64), handedness)[c]
                      for w in worlds]
            near = [i for i, v in enumerate(values) if v >= 0.45]
            if not near:
                continue
            world, pointer, clicks = worlds[near[0]], Pointer((1920, 1080)), 0
            for frame in range(90):
                shot = render(world, handedness=handedness, noise_std=0.004, rng=rng)
                w = shot.world.astype(np.float64)
                pinch = float(np.linalg.norm(w[4, :2] - w[8, :2]) / max(np.linalg.norm(w[9] - w[0]), 1e-9))
                state = pointer.update(frame / 30.0, (0.5, 0.5), strengths(w, handedness)[c], pinch)
                clicks += sum(1 for e in state.events if e.kind.value == "click")
            chatter[c].append(clicks)
    return {c: {"ok_recall": recall[c] / n_ok, "false_clicks": int(false[c]), "other_hands": n_other,
                "sweeps_never_pressing": never[c], "sweeps": 60,
                "hysteresis_band_median": float(np.median(bands[c])) if bands[c] else None,
                "chatter_clicks_mean": float(np.mean(chatter[c])) if chatter[c] else None,
                "chatter_clicks_max": int(np.max(chatter[c])) if chatter[c] else None}
            for c in CLICK_SOURCES}


def format_synthetic(report: dict) -> str:
    rows = [("ok recall (synth_hand 👌, n=300)", lambda r: f"{r['ok_recall']:.2f}"),
            ("false clicks (other hands)", lambda r: f"{r['false_clicks']}/{r['other_hands']}"),
            ("sweeps to 👌 never pressing", lambda r: f"{r['sweeps_never_pressing']}/{r['sweeps']}"),
            ("hysteresis band (median)", lambda r: _fmt(r["hysteresis_band_median"])),
            ("chatter clicks in 3 s (mean/max)", lambda r: f"{r['chatter_clicks_mean']:.2f}/{r['chatter_clicks_max']}"
             if r["chatter_clicks_mean"] is not None else "-")]
    sources = list(report)
    lines = ["click source".ljust(36) + "".join(s.rjust(12) for s in sources)]
    for name, fmt in rows:
        lines.append(name.ljust(36) + "".join(fmt(report[s]).rjust(12) for s in sources))
    return "\n".join(lines)

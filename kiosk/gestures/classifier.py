"""Hand -> Gesture. Pure.

`RuleClassifier` is a transparent geometric rule: every threshold is a named constant
below, measured on real photos (see README, "Gestures"). `scores["ok"]` is a continuous
👌 strength in [0, 1] that the Pointer thresholds with hysteresis, so the click does not
flicker when the pinch hovers at the boundary.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from kiosk.gestures import features as F
from kiosk.types import Gesture, Hand

LABELS = ("none", "point", "ok", "fist", "palm", "thumbs_up", "peace")

# Pinch ratio (thumb tip to index tip / palm size) that counts as fully closed and as open.
# Measured on real photos: a 👌 reads 0.05-0.10; every other hand with three fingers up 0.31 or more.
PINCH_CLOSED = 0.15
PINCH_OPEN = 0.35
EXTENDED = 0.7  # extension() at or above which a finger counts as up
CURLED = 0.3  # extension() at or below which a finger counts as down
INDEX_STRAIGHT = 0.9  # index extension() at which a pinch no longer counts as 👌 (a real 👌: 0.3)
THUMB_OUT = 0.9  # thumb tip to index MCP / palm size above which the thumb sticks out


class GestureClassifier(Protocol):
    labels: tuple[str, ...]

    def classify(self, hand: Hand) -> Gesture: ...


def ok_strength(world: np.ndarray) -> float:
    """👌 strength in [0, 1]: pinch closed, index bent to meet the thumb, middle, ring and pinky extended.

    The bent index matters: the pinch is measured in the image plane, and an open palm
    tipped back ~25° shows its thumb tip over its (straight) index tip.
    """
    pinch = float(np.clip((PINCH_OPEN - F.pinch_ratio(world)) / (PINCH_OPEN - PINCH_CLOSED), 0.0, 1.0))
    index_bent = float(np.clip((INDEX_STRAIGHT - F.extension(world, "index")) / 0.3, 0.0, 1.0))
    others = min(F.extension(world, f) for f in ("middle", "ring", "pinky"))
    return pinch * index_bent * float(np.clip(others / EXTENDED, 0.0, 1.0))


class RuleClassifier:
    """Geometric rules on world landmarks; invariant to position, size, rotation and handedness."""

    labels = LABELS

    def classify(self, hand: Hand) -> Gesture:
        w = hand.world
        ok = ok_strength(w)
        ext = {f: F.extension(w, f) for f in ("index", "middle", "ring", "pinky")}
        up = {f for f, e in ext.items() if e >= EXTENDED}
        down = {f for f, e in ext.items() if e <= CURLED}
        thumb_out = float(np.linalg.norm(w[4] - w[5])) / F.palm_size(w) > THUMB_OUT
        if ok >= 0.5:
            label = "ok"
        elif up == {"index", "middle", "ring", "pinky"} and F.pinch_ratio(w) > PINCH_OPEN:
            label = "palm"
        elif up == {"index"} and down == {"middle", "ring", "pinky"}:
            label = "point"
        elif up == {"index", "middle"} and down == {"ring", "pinky"}:
            label = "peace"
        elif len(down) == 4:
            label = "thumbs_up" if thumb_out and F.extension(w, "thumb") >= EXTENDED else "fist"
        else:
            label = "none"
        score = ok if label == "ok" else 1.0 - ok if label != "none" else 0.0
        scores = {name: 0.0 for name in LABELS}
        scores[label] = score
        scores["ok"] = ok
        return Gesture(label, score, scores)

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
from kiosk.gestures.landmark_features import thumb_angle
from kiosk.types import Gesture, Hand

LABELS = ("none", "point", "ok", "fist", "palm", "thumbs_up", "thumbs_down", "peace")

THUMBS_UP_MAX_ANGLE = 70.0
"""Degrees from the image's up (landmark_features.thumb_angle) beyond which a thumb is not
up, whatever a classifier thinks: 👍 confirms an order, so a sideways or lowered thumb must
never read as one. Chosen on the dev photos (docs/gestures.md): every real 👍 there leans
66° at most (95% within 55°), while a third of the 👎 lean 60° or more from straight down."""
PINCH_GATE = (0.45, 0.55)
"""A 👌 has its thumb and index tips together: whatever a model says, the 👌 strength falls
from full to 0 as the tips part from 0.45 to 0.55 palm sizes (pinch_ratio, image plane)
(`pinch_gate`). On the dev photos 99% of real 👌 read under 0.37 and only three above
0.45, all with MediaPipe's landmarks visibly wrong; the synthetic open palms that a
model trained on real hands alone took for a 👌 read 0.77-0.83."""
THUMBS_DOWN_MIN_ANGLE = 110.0
"""The rule's 👎: a thumb out and at least this far from up. (The model learns its own bound.)"""

# Pinch ratio (thumb tip to index tip / palm size) that counts as fully closed and as open.
# Measured on real photos: a 👌 reads 0.05-0.10; every other hand with three fingers up 0.31 or more.
PINCH_CLOSED = 0.15
PINCH_OPEN = 0.35
EXTENDED = 0.7  # extension() at or above which a finger counts as up
CURLED = 0.3  # extension() at or below which a finger counts as down
INDEX_STRAIGHT = 0.9  # index extension() at which a pinch no longer counts as 👌 (a real 👌: 0.3)
INDEX_BEND_SPAN = 0.3  # ...and how much below INDEX_STRAIGHT it must be for a full 👌
THUMB_OUT = 0.9  # thumb tip to index MCP / palm size above which the thumb sticks out


class GestureClassifier(Protocol):
    labels: tuple[str, ...]

    def classify(self, hand: Hand) -> Gesture: ...


def ok_strength(world: np.ndarray, ext: np.ndarray | None = None) -> float:
    """👌 strength in [0, 1]: pinch closed, index bent to meet the thumb, middle, ring and pinky extended.

    The bent index matters: the pinch is measured in the image plane, and an open palm
    tipped back ~25° shows its thumb tip over its (straight) index tip.
    ext: F.extensions(world), when the caller has it already.
    """
    ext = F.extensions(world) if ext is None else ext
    return ok_formula(F.pinch_ratio(world), float(ext[1]), float(ext[2:].min()))


def ok_formula(pinch: float, index: float, others: float) -> float:
    """The 👌 strength from the pinch ratio, the index's extension and the least extended of middle,
    ring and pinky; shared with kiosk.gestures.model.rule_ok_strength, which has them as features."""
    closed = min(max((PINCH_OPEN - pinch) / (PINCH_OPEN - PINCH_CLOSED), 0.0), 1.0)
    index_bent = min(max((INDEX_STRAIGHT - index) / INDEX_BEND_SPAN, 0.0), 1.0)
    return closed * index_bent * min(max(others / EXTENDED, 0.0), 1.0)


def pinch_gate(pinch: float) -> float:
    """1 while the tips are together (pinch ratio <= PINCH_GATE[0]), 0 once apart (>= PINCH_GATE[1]), linear between."""
    lo, hi = PINCH_GATE
    return min(max((hi - pinch) / (hi - lo), 0.0), 1.0)


class RuleClassifier:
    """Geometric rules on world landmarks; invariant to position, size and handedness, and to
    rotation except for which way a thumb points (👍 / 👎)."""

    labels = LABELS

    def classify(self, hand: Hand) -> Gesture:
        w = hand.world
        ext = F.extensions(w)  # thumb, index, middle, ring, pinky
        ok = ok_strength(w, ext)
        fingers = ext[1:]
        up = tuple(fingers >= EXTENDED)
        down = tuple(fingers <= CURLED)
        if ok >= 0.5:
            label = "ok"
        elif all(up) and F.pinch_ratio(w) > PINCH_OPEN:
            label = "palm"
        elif up == (True, False, False, False) and down[1:] == (True, True, True):
            label = "point"
        elif up == (True, True, False, False) and down[2:] == (True, True):
            label = "peace"
        elif all(down):
            thumb_out = float(np.linalg.norm(w[4] - w[5])) / F.palm_size(w) > THUMB_OUT and ext[0] >= EXTENDED
            angle = thumb_angle(w, hand.handedness)
            label = ("thumbs_up" if thumb_out and angle <= THUMBS_UP_MAX_ANGLE
                     else "thumbs_down" if thumb_out and angle >= THUMBS_DOWN_MIN_ANGLE else "fist")
        else:
            label = "none"
        score = ok if label == "ok" else 1.0 - ok if label != "none" else 0.0
        scores = dict.fromkeys(LABELS, 0.0)
        scores[label] = score
        scores["ok"] = ok
        return Gesture(label, score, scores)

"""Hand-shape measurements from world landmarks. Pure numpy.

Everything here is a ratio of 3D distances or an angle, computed from MediaPipe's world
landmarks (metres), so it does not depend on where the hand is in the frame, how big it
looks, how it is rotated, or which hand it is.
"""
from __future__ import annotations

import numpy as np

from kiosk.types import INDEX_TIP, MIDDLE_MCP, THUMB_TIP, WRIST

# (mcp, pip, dip, tip) for index, middle, ring, pinky; (cmc, mcp, ip, tip) for the thumb.
FINGER_JOINTS: dict[str, tuple[int, int, int, int]] = {
    "thumb": (1, 2, 3, 4),
    "index": (5, 6, 7, 8),
    "middle": (9, 10, 11, 12),
    "ring": (13, 14, 15, 16),
    "pinky": (17, 18, 19, 20),
}


def palm_size(world: np.ndarray) -> float:
    """Wrist to middle-finger MCP, metres: the unit every other distance is divided by."""
    return float(np.linalg.norm(world[MIDDLE_MCP] - world[WRIST])) or 1e-6


def pinch_ratio(world: np.ndarray) -> float:
    """Thumb tip to index tip in the image plane (world x, y) over palm size.

    Under 0.15 when the tips touch, 0.5 or more when apart. Depth is left out on purpose:
    it is the world landmarks' least reliable axis, and on small hands it often puts
    touching tips centimetres apart (measured: a 👌 in a 640x480 frame read 0.79 in 3D
    and 0.09 in x, y).
    """
    return float(np.linalg.norm(world[THUMB_TIP, :2] - world[INDEX_TIP, :2])) / palm_size(world)


FINGERS = tuple(FINGER_JOINTS)
_JOINTS = np.array(list(FINGER_JOINTS.values()))  # (5, 4) landmark indices


def straightness(world: np.ndarray, finger: str) -> float:
    """Chord over path length from the finger's base joint to its tip: 1.0 straight, ~0.5 curled."""
    return float(_straightness(world)[FINGERS.index(finger)])


def reach(world: np.ndarray, finger: str) -> float:
    """Tip-to-wrist over PIP-to-wrist distance: above 1 when the finger points away from the palm."""
    return float(_reach(world)[FINGERS.index(finger)])


def extension(world: np.ndarray, finger: str) -> float:
    """How extended a finger is, 0 (curled) .. 1 (straight and pointing away from the palm)."""
    return float(extensions(world)[FINGERS.index(finger)])


STRAIGHT_FROM, STRAIGHT_SPAN = 0.6, 0.3
"""extension(): straightness counts from 0.6 (curled: 0) and is full at 0.6 + 0.3 (straight: 1)."""
REACH_FROM, REACH_SPAN = 0.9, 0.35
"""...and reach from 0.9 (tip no farther from the wrist than the PIP) to 1.25 (pointing away)."""


def extensions(world: np.ndarray) -> np.ndarray:
    """extension() of all five fingers at once, in FINGERS order (thumb .. pinky): one vectorised pass."""
    s = np.clip((_straightness(world) - STRAIGHT_FROM) / STRAIGHT_SPAN, 0.0, 1.0)
    r = np.clip((_reach(world) - REACH_FROM) / REACH_SPAN, 0.0, 1.0)
    return np.minimum(s, r)


def _straightness(world: np.ndarray) -> np.ndarray:
    j = world[_JOINTS]  # (5, 4, 3)
    path = np.linalg.norm(np.diff(j, axis=1), axis=2).sum(axis=1)
    chord = np.linalg.norm(j[:, 3] - j[:, 0], axis=1)
    return chord / np.maximum(path, 1e-6)


def _reach(world: np.ndarray) -> np.ndarray:
    d_pip = np.linalg.norm(world[_JOINTS[:, 1]] - world[WRIST], axis=1)
    d_tip = np.linalg.norm(world[_JOINTS[:, 3]] - world[WRIST], axis=1)
    return d_tip / np.maximum(d_pip, 1e-6)

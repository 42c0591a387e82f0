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


def straightness(world: np.ndarray, finger: str) -> float:
    """Chord over path length from the finger's base joint to its tip: 1.0 straight, ~0.5 curled."""
    j = world[list(FINGER_JOINTS[finger])]
    path = float(np.linalg.norm(np.diff(j, axis=0), axis=1).sum()) or 1e-6
    return float(np.linalg.norm(j[3] - j[0])) / path


def reach(world: np.ndarray, finger: str) -> float:
    """Tip-to-wrist over PIP-to-wrist distance: above 1 when the finger points away from the palm."""
    _, pip, _, tip = FINGER_JOINTS[finger]
    d_pip = float(np.linalg.norm(world[pip] - world[WRIST])) or 1e-6
    return float(np.linalg.norm(world[tip] - world[WRIST])) / d_pip


def extension(world: np.ndarray, finger: str) -> float:
    """How extended a finger is, 0 (curled) .. 1 (straight and pointing away from the palm)."""
    s = np.clip((straightness(world, finger) - 0.6) / 0.3, 0.0, 1.0)
    r = np.clip((reach(world, finger) - 0.9) / 0.35, 0.0, 1.0)
    return float(min(s, r))

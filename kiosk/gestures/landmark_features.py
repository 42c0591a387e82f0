"""Hand -> a fixed-length feature vector for the landmark gesture model. Pure numpy.

The vector does not depend on where the hand is, how large it is, or whether it is a
left or a right hand. Most of it does not depend on the hand's rotation in the image
plane either, except the few `ORIENTATION` entries at the end, which keep which way the
thumb and the hand point relative to the image's up: 👍 and 👎 are the same shape turned
over, and only those entries tell them apart. It is built from the world
landmarks (metres, camera-aligned axes), never from the image landmarks, whose x and y
are fractions of a frame whose aspect we do not know. Normalisation (`normalise`):

1. translate so the wrist is at the origin;
2. mirror x for a Left hand (`Hand.handedness`, the person's real hand), so every hand
   looks like a right hand;
3. rotate about the camera axis (the image plane) so wrist -> middle-finger MCP points up
   (-y, image convention);
4. divide by the palm size (wrist -> middle MCP, 3D), so the palm is 1 long.

Then the vector (`FEATURE_NAMES` says what each entry is):

- the 20 normalised joints (x, y, z), 60 values (the wrist is always 0, so left out);
- explicit geometry next to them, so a small model needs few examples to find it:
  pinch ratio (thumb tip to index tip in the image plane, see features.pinch_ratio) and
  the same in 3D; per finger (thumb..pinky) straightness, reach and extension as in
  kiosk.gestures.features; the cosine of the bend at each finger's three joints; thumb
  tip to each other fingertip and to the index MCP (image plane); gaps between
  neighbouring fingertips (image plane); and each fingertip's height along the hand axis.

Depth (z) is the world landmarks' least reliable axis, so every distance that decides a
gesture is also given in the image plane, and training randomly stretches z (see
kiosk.training.synthetic) so the model cannot lean on depth alone.

FEATURE_VERSION changes whenever the vector changes; model files record it and a model
built for another version is refused.
"""
from __future__ import annotations

import numpy as np

from kiosk.gestures.features import REACH_FROM, REACH_SPAN, STRAIGHT_FROM, STRAIGHT_SPAN

FEATURE_VERSION = 2

# Wrist, then the four joints of each finger: thumb (CMC, MCP, IP, TIP), index..pinky (MCP, PIP, DIP, TIP).
_CHAINS = np.array([[0, 1, 2, 3, 4], [0, 5, 6, 7, 8], [0, 9, 10, 11, 12], [0, 13, 14, 15, 16], [0, 17, 18, 19, 20]])
_FINGERS = ("thumb", "index", "middle", "ring", "pinky")
_TIPS = np.array([4, 8, 12, 16, 20])
_MIDDLE_MCP = 9
_INDEX_MCP = 5


def _names() -> tuple[str, ...]:
    names = [f"{axis}{j}" for j in range(1, 21) for axis in "xyz"]
    names += ["pinch_xy", "pinch_3d"]
    names += [f"straight_{f}" for f in _FINGERS]
    names += [f"reach_{f}" for f in _FINGERS]
    names += [f"extension_{f}" for f in _FINGERS]
    names += [f"bend{k}_{f}" for f in _FINGERS for k in (1, 2, 3)]
    names += [f"thumb_to_{f}_tip" for f in _FINGERS[1:]] + ["thumb_to_index_mcp"]
    names += ["gap_index_middle", "gap_middle_ring", "gap_ring_pinky"]
    names += [f"height_{f}" for f in _FINGERS]
    names += list(ORIENTATION)
    return tuple(names)


ORIENTATION = ("thumb_dir_x", "thumb_dir_y", "thumb_chord_x", "thumb_chord_y", "hand_axis_x", "hand_axis_y",
               "knuckles_x", "knuckles_y", "thumb_below_knuckles", "thumb_below_top_pip", "thumb_below_low_pip")
"""The entries that depend on the hand's rotation in the image plane (see the module docstring)."""
_DIRECTIONS = np.array([[2, 4], [1, 4], [0, 9], [5, 17]])  # (from, to) joints of the ORIENTATION unit vectors
_KNUCKLES = np.array([5, 9, 13, 17])
_PIPS = np.array([6, 10, 14, 18])


FEATURE_NAMES: tuple[str, ...] = _names()
NUM_FEATURES = len(FEATURE_NAMES)


def _mirrored(world: np.ndarray, handedness: str) -> np.ndarray:
    """Wrist at the origin, a Left hand mirrored in x: every hand a right hand, not yet rotated."""
    w = np.asarray(world, dtype=np.float64).reshape(21, 3)
    p = w - w[0]
    if handedness == "Left":
        p = p * np.array([-1.0, 1.0, 1.0])
    return p


def orientation(world: np.ndarray, handedness: str) -> np.ndarray:
    """The ORIENTATION entries, (len(ORIENTATION),) float64, from (21, 3) world landmarks (metres)."""
    p = _mirrored(world, handedness)
    v = p[_DIRECTIONS[:, 1], :2] - p[_DIRECTIONS[:, 0], :2]
    v = v / np.maximum(np.sqrt((v * v).sum(axis=1)), 1e-9)[:, None]
    palm = max(float(np.sqrt((p[9] * p[9]).sum())), 1e-9)
    thumb_y = p[4, 1]
    below = np.array([thumb_y - p[_KNUCKLES, 1].mean(), thumb_y - p[_PIPS, 1].min(), thumb_y - p[_PIPS, 1].max()])
    return np.concatenate([v.ravel(), below / palm])


def thumb_angle(world: np.ndarray, handedness: str) -> float:
    """Degrees between the thumb (MCP -> tip, image plane) and the image's up: 0 up, 90 sideways, 180 down."""
    v = np.asarray(world, dtype=np.float64)[4, :2] - np.asarray(world, dtype=np.float64)[2, :2]
    return float(np.degrees(np.arctan2(abs(v[0]), -v[1])))


def normalise(world: np.ndarray, handedness: str) -> np.ndarray:
    """(21, 3) world landmarks (metres) -> the same joints in the hand's own frame (palm sizes).

    Wrist at the origin, a Left hand mirrored to look like a right one, wrist -> middle
    MCP pointing up (-y) in the image plane, and wrist -> middle MCP of length 1 (3D).
    """
    p = _mirrored(world, handedness)
    mx, my, mz = float(p[_MIDDLE_MCP, 0]), float(p[_MIDDLE_MCP, 1]), float(p[_MIDDLE_MCP, 2])
    r = (mx * mx + my * my) ** 0.5
    # The in-plane rotation [[c, -s], [s, c]] that takes (mx, my) to (0, -r).
    c, s = (-my / r, -mx / r) if r > 1e-12 else (1.0, 0.0)
    palm = max((r * r + mz * mz) ** 0.5, 1e-9)
    transform = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]) / palm
    return p @ transform.T


def _pair_table() -> tuple[np.ndarray, np.ndarray]:
    """Every difference the features need, as (a, b) joint indices for p[a] - p[b], in one table
    so they are all taken in one gather (per-call numpy overhead dominates at this size)."""
    pairs = [(c[j + 1], c[j]) for c in _CHAINS for j in range(4)]  # 20 bones, finger by finger
    pairs += [(c[4], c[1]) for c in _CHAINS]  # 5 chords: first joint -> tip
    pairs += [(c[4], 0) for c in _CHAINS]  # 5 tips from the wrist
    pairs += [(c[2], 0) for c in _CHAINS]  # 5 second joints (PIP; thumb MCP) from the wrist
    pairs += [(t, 4) for t in _TIPS[1:]]  # 4 thumb tip -> other fingertips
    pairs += [(_INDEX_MCP, 4)]  # thumb tip -> index MCP
    pairs += [(_TIPS[i + 1], _TIPS[i]) for i in range(1, 4)]  # 3 gaps between neighbouring fingertips
    a, b = zip(*pairs)
    return np.array(a), np.array(b)


def _difference_matrix() -> np.ndarray:
    a, b = _pair_table()
    m = np.zeros((len(a), 21))
    m[np.arange(len(a)), a] += 1.0
    m[np.arange(len(a)), b] -= 1.0
    return m


_DIFF = _difference_matrix()  # (43, 21): _DIFF @ p is every p[a] - p[b] of the pair table
# Slices into the pair table.
_THUMB, _GAPS = slice(35, 40), slice(40, 43)
_EXT_OFFSET = np.array([STRAIGHT_FROM] * 5 + [REACH_FROM] * 5)
_EXT_SCALE = np.array([1 / STRAIGHT_SPAN] * 5 + [1 / REACH_SPAN] * 5)


def shape_features(p: np.ndarray) -> np.ndarray:
    """(21, 3) output of `normalise` -> the rotation-free entries (all but ORIENTATION), float64."""
    d = _DIFF @ p  # (43, 3)
    sq = d * d
    n2 = np.sqrt(sq[:, 0] + sq[:, 1])  # image-plane lengths
    n3 = np.sqrt(n2 * n2 + sq[:, 2])
    bones = n3[:20].reshape(5, 4)
    unit = (d[:20] / np.maximum(n3[:20], 1e-9)[:, None]).reshape(5, 4, 3)
    bend = (unit[:, :-1] * unit[:, 1:]).sum(axis=2).ravel()  # 1 straight, < 0 folded back
    # straightness (chord / path from the first joint) and reach (tip / PIP distance from the wrist)
    ratios = n3[20:30] / np.maximum(np.concatenate([bones[:, 1:].sum(axis=1), n3[30:35]]), 1e-9)
    # features.extension, for all five fingers at once: min of clipped straightness and reach.
    ext = np.minimum(np.maximum((ratios - _EXT_OFFSET) * _EXT_SCALE, 0.0), 1.0)
    return np.concatenate([
        p[1:].ravel(),
        n2[35:36], n3[35:36],  # pinch: thumb tip -> index tip, image plane and 3D
        ratios, np.minimum(ext[:5], ext[5:]), bend,
        n2[_THUMB], n2[_GAPS],
        -p[_TIPS, 1],  # height along the hand axis (up is -y)
    ])


def hand_features(world: np.ndarray, handedness: str) -> np.ndarray:
    """(21, 3) world landmarks (metres) and the person's hand -> (NUM_FEATURES,) float64."""
    return np.concatenate([shape_features(normalise(world, handedness)), orientation(world, handedness)])


def batch_features(worlds: np.ndarray, handedness) -> np.ndarray:
    """(N, 21, 3) world landmarks and N handedness labels -> (N, NUM_FEATURES) float64."""
    worlds = np.asarray(worlds, dtype=np.float64)
    out = np.empty((len(worlds), NUM_FEATURES))
    for i, (w, h) in enumerate(zip(worlds, handedness)):
        out[i] = hand_features(w, str(h))
    return out

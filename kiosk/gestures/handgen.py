"""A parametric synthetic hand: joint angles -> the 21 MediaPipe hand landmarks.

Pure numpy (no cv2, pygame or mediapipe), so it runs anywhere the kiosk's logic
runs. Two users:

- the built-in demo, which animates a hand that points and makes the OK click
  (`POSES`, `interpolate`, `pose_world`, `render`);
- training-data generation for a landmark gesture classifier (`synth_hand`),
  which needs realistic variation: random bone lengths, joint-angle jitter,
  handedness, orientation, size, position and landmark noise.

Landmark indices follow MediaPipe: 0 wrist; thumb 1 CMC, 2 MCP, 3 IP, 4 TIP;
index 5-8, middle 9-12, ring 13-16, pinky 17-20 (MCP, PIP, DIP, TIP).

Coordinate conventions (MediaPipe's, on a MIRRORED selfie frame):

- hand frame / world (`pose_world`, `SynthHand.world`): metres, x right,
  y down, z away from the camera, origin at the hand's geometric centre (the
  mean of the 21 joints). In the unrotated hand frame the fingers point up
  (-y) and the palm faces the camera (palm normal -z).
- image (`SynthHand.landmarks`): x, y in [0, 1] of the frame width and height
  (x right, y down); z is depth relative to the wrist (wrist z = 0, smaller =
  closer to the camera), scaled like x (by the frame width).
- Mirroring: a physical Right hand, palm toward the camera, shows its thumb on
  the image's LEFT (thumb x < pinky x); a Left hand is its mirror image.

All angles are radians; all lengths are metres unless stated otherwise.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

NUM_LANDMARKS = 21
WRIST = 0
THUMB_CMC, THUMB_MCP, THUMB_IP, THUMB_TIP = 1, 2, 3, 4
FINGER_NAMES = ("index", "middle", "ring", "pinky")
FINGER_MCP = (5, 9, 13, 17)
"""MCP landmark of each finger; its PIP, DIP and TIP follow at +1, +2, +3."""
FINGER_TIPS = (8, 12, 16, 20)
HANDEDNESS = ("Left", "Right")

# --------------------------------------------------------------------------- poses


@dataclass(frozen=True)
class HandPose:
    """Joint angles of one hand, in radians.

    fingers: index, middle, ring, pinky, each (mcp_flex, pip_flex, dip_flex, spread).
        Flexion 0 is straight; positive curls the finger toward the palm.
        Spread is abduction at the MCP: positive fans the finger away from the
        hand's centre line (index and middle toward the thumb, ring and pinky
        toward the little-finger side), so one positive value spreads all four.
    thumb: (cmc_flex, cmc_abduction, mcp_flex, ip_flex).
        At all zeros the thumb lies near the palm plane, pointing up and out at
        about 45 degrees from the fingers. cmc_abduction lifts it out of the
        palm plane toward the camera side (palmar abduction); cmc_flex swings
        it across the palm toward the little finger; mcp_flex and ip_flex curl
        it toward the fingers.
    """

    fingers: tuple[tuple[float, float, float, float], ...]
    thumb: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        fingers = tuple(tuple(float(v) for v in f) for f in self.fingers)
        thumb = tuple(float(v) for v in self.thumb)
        if len(fingers) != 4 or any(len(f) != 4 for f in fingers):
            raise ValueError("HandPose.fingers needs 4 fingers of (mcp_flex, pip_flex, dip_flex, spread)")
        if len(thumb) != 4:
            raise ValueError("HandPose.thumb needs (cmc_flex, cmc_abduction, mcp_flex, ip_flex)")
        if not all(math.isfinite(v) for v in (*sum(fingers, ()), *thumb)):
            raise ValueError("HandPose angles must be finite")
        # Frozen dataclass: normalise lists/arrays to tuples of floats so poses hash and compare.
        object.__setattr__(self, "fingers", fingers)
        object.__setattr__(self, "thumb", thumb)

    def to_array(self) -> np.ndarray:
        """The 20 angles as a flat float64 array: 4 fingers x 4, then the thumb's 4."""
        return np.array([*sum(self.fingers, ()), *self.thumb], dtype=np.float64)

    @classmethod
    def from_array(cls, a: np.ndarray) -> HandPose:
        """Inverse of `to_array`."""
        a = np.asarray(a, dtype=np.float64).reshape(20)
        return cls(fingers=tuple(tuple(a[4 * i:4 * i + 4]) for i in range(4)), thumb=tuple(a[16:20]))


def interpolate(a: HandPose, b: HandPose, s: float) -> HandPose:
    """The pose a fraction `s` (0..1) of the way from `a` to `b`, linear in every joint angle."""
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"interpolate: s must be in [0, 1], got {s}")
    if s == 0.0:  # exact endpoints: no floating-point drift from (1 - s) * a + s * b
        return a
    if s == 1.0:
        return b
    return HandPose.from_array((1.0 - s) * a.to_array() + s * b.to_array())


FINGER_LIMITS = ((-0.35, 1.65), (-0.10, 1.90), (-0.15, 1.40), (-0.35, 0.45))
"""Anatomical range (rad) of each finger's (mcp_flex, pip_flex, dip_flex, spread)."""
THUMB_LIMITS = ((-0.50, 1.30), (-0.30, 1.40), (-0.30, 1.20), (-0.35, 1.40))
"""Anatomical range (rad) of the thumb's (cmc_flex, cmc_abduction, mcp_flex, ip_flex)."""


def _limits_array() -> tuple[np.ndarray, np.ndarray]:
    lims = [*FINGER_LIMITS * 4, *THUMB_LIMITS]
    return np.array([lo for lo, _ in lims]), np.array([hi for _, hi in lims])


_LO, _HI = _limits_array()


def clip_pose(pose: HandPose) -> HandPose:
    """`pose` with every angle clipped to its anatomical range."""
    return HandPose.from_array(np.clip(pose.to_array(), _LO, _HI))


# --------------------------------------------------------------------------- shape


@dataclass(frozen=True)
class HandShape:
    """Bone lengths of one hand, in metres.

    palm: wrist -> MCP of index, middle, ring, pinky.
    fingers: (proximal, middle, distal) phalanx of index, middle, ring, pinky;
        the distal length runs from the DIP joint to the fingertip landmark.
    thumb: wrist -> CMC, CMC -> MCP (metacarpal), MCP -> IP, IP -> tip.
    """

    palm: tuple[float, float, float, float]
    fingers: tuple[tuple[float, float, float], ...]
    thumb: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        palm = tuple(float(v) for v in self.palm)
        fingers = tuple(tuple(float(v) for v in f) for f in self.fingers)
        thumb = tuple(float(v) for v in self.thumb)
        if len(palm) != 4 or len(thumb) != 4 or len(fingers) != 4 or any(len(f) != 3 for f in fingers):
            raise ValueError("HandShape needs 4 palm, 4x3 finger and 4 thumb lengths")
        if min(*palm, *sum(fingers, ()), *thumb) <= 0:
            raise ValueError("HandShape lengths must be positive")
        object.__setattr__(self, "palm", palm)
        object.__setattr__(self, "fingers", fingers)
        object.__setattr__(self, "thumb", thumb)

    def scaled(self, factors: np.ndarray) -> HandShape:
        """Each of the 20 lengths (palm 4, fingers 4x3, thumb 4, in that order)
        multiplied by the matching entry of `factors`."""
        f = np.asarray(factors, dtype=np.float64).reshape(20)
        return HandShape(
            palm=tuple(np.multiply(self.palm, f[0:4])),
            fingers=tuple(tuple(np.multiply(self.fingers[i], f[4 + 3 * i:7 + 3 * i])) for i in range(4)),
            thumb=tuple(np.multiply(self.thumb, f[16:20])),
        )


# An average adult hand (roughly: wrist -> middle MCP 9 cm, wrist -> middle tip 18 cm).
DEFAULT_SHAPE = HandShape(
    palm=(0.086, 0.090, 0.084, 0.078),
    fingers=((0.040, 0.024, 0.019), (0.045, 0.028, 0.020), (0.042, 0.027, 0.019), (0.033, 0.019, 0.018)),
    thumb=(0.032, 0.044, 0.033, 0.028),
)


def random_shape(rng: np.random.Generator, spread: float = 0.12) -> HandShape:
    """A random adult hand: DEFAULT_SHAPE times an overall size drawn uniformly
    from 0.85-1.15, times an independent factor ~N(1, spread) per bone (clipped
    to 1 +- 3 spread, and kept positive, so no bone degenerates)."""
    if spread < 0:
        raise ValueError("random_shape: spread must be >= 0")
    size = rng.uniform(0.85, 1.15)
    per_bone = np.clip(rng.normal(1.0, spread, size=20), 1.0 - 3.0 * spread, 1.0 + 3.0 * spread)
    return DEFAULT_SHAPE.scaled(size * np.maximum(per_bone, 0.2))


# --------------------------------------------------------------------------- kinematics

# The model is built for a Right hand in the mirrored frame (thumb toward -x),
# palm facing the camera; a Left hand is its x-mirror. Angles in the palm plane
# are measured from "fingers up" (-y) toward the thumb side (-x).
_VOLAR = np.array([0.0, 0.0, -1.0])  # palm normal: toward the camera

# Direction wrist -> MCP of index, middle, ring, pinky: the metacarpals fan out.
_PALM_ANGLES = (0.29, 0.03, -0.19, -0.42)
# MCPs sit slightly in front of the palm plane at the edges: the transverse
# metacarpal arch (a flat palm looks wrong in 3D and in MediaPipe's z).
_PALM_ARCH = (0.03, 0.0, 0.05, 0.10)
# Finger direction at zero spread: fingers fan out less than their metacarpals,
# so a relaxed, unspread hand has nearly parallel fingers.
_FINGER_BASE = (0.06, 0.0, -0.06, -0.14)
# Sign turning "spread" (away from the hand's centre line) into an angle toward the thumb side.
_SPREAD_SIGN = (1.0, 1.0, -1.0, -1.0)

_THUMB_CMC_ANGLE, _THUMB_CMC_TILT = 1.05, 0.35  # wrist -> CMC: far to the thumb side, a bit in front of the palm
_THUMB_REST_ANGLE, _THUMB_REST_TILT = 0.80, 0.25  # metacarpal at zero angles
# The thumb's pad faces the fingers and partly the camera, so its MCP/IP flexion
# curls it across the palm and forward, not straight into the palm like a finger.
_THUMB_PAD_TILT = 0.55


def _inplane(angle: float) -> np.ndarray:
    """Unit vector in the palm plane, `angle` rad from fingers-up toward the thumb side."""
    return np.array([-math.sin(angle), -math.cos(angle), 0.0])


def _tilted(angle: float, tilt: float) -> np.ndarray:
    return math.cos(tilt) * _inplane(angle) + math.sin(tilt) * _VOLAR


def _axis_rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    """Rotation matrix by `angle` about unit `axis` (right-handed, Rodrigues)."""
    x, y, z = axis
    k = np.array([[0.0, -z, y], [z, 0.0, -x], [-y, x, 0.0]])
    return np.eye(3) + math.sin(angle) * k + (1.0 - math.cos(angle)) * (k @ k)


def _thumb_rest_frame() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t0 = _tilted(_THUMB_REST_ANGLE, _THUMB_REST_TILT)
    across = _inplane(_THUMB_REST_ANGLE - math.pi / 2)  # perpendicular to the thumb, toward the fingers
    b0 = math.cos(_THUMB_PAD_TILT) * across + math.sin(_THUMB_PAD_TILT) * _VOLAR
    b0 = b0 - (b0 @ t0) * t0
    b0 /= np.linalg.norm(b0)
    abd_axis = np.cross(t0, _VOLAR)  # rotating about t0 x n swings t0 toward the palm normal
    return t0, b0, abd_axis / np.linalg.norm(abd_axis)


_THUMB_T0, _THUMB_B0, _THUMB_ABD_AXIS = _thumb_rest_frame()
_Z_AXIS = np.array([0.0, 0.0, 1.0])  # about +z, -x (thumb side) turns toward -y then +x: across the palm


def _finger_joints(i: int, angles: np.ndarray, shape: HandShape) -> np.ndarray:
    """(4, 3) MCP, PIP, DIP, TIP of finger `i` (0 = index), Right hand, wrist at the origin.
    `angles` is the finger's (mcp_flex, pip_flex, dip_flex, spread)."""
    mcp_flex, pip_flex, dip_flex, spread = angles
    out = np.empty((4, 3))
    out[0] = shape.palm[i] * _tilted(_PALM_ANGLES[i], _PALM_ARCH[i])
    u = _inplane(_FINGER_BASE[i] + _SPREAD_SIGN[i] * spread)
    # Flexion accumulates along the finger: each phalanx turns further from u toward the palm normal.
    theta = 0.0
    for j, (length, flex) in enumerate(zip(shape.fingers[i], (mcp_flex, pip_flex, dip_flex))):
        theta += flex
        out[j + 1] = out[j] + length * (math.cos(theta) * u + math.sin(theta) * _VOLAR)
    return out


def _thumb_joints(angles: np.ndarray, shape: HandShape) -> np.ndarray:
    """(4, 3) CMC, MCP, IP, TIP of the thumb, Right hand, wrist at the origin.
    `angles` is (cmc_flex, cmc_abduction, mcp_flex, ip_flex)."""
    cmc_flex, cmc_abd, mcp_flex, ip_flex = angles
    rot = _axis_rotation(_Z_AXIS, cmc_flex) @ _axis_rotation(_THUMB_ABD_AXIS, cmc_abd)
    t, b = rot @ _THUMB_T0, rot @ _THUMB_B0  # metacarpal direction, and the way the thumb curls
    out = np.empty((4, 3))
    out[0] = shape.thumb[0] * _tilted(_THUMB_CMC_ANGLE, _THUMB_CMC_TILT)
    out[1] = out[0] + shape.thumb[1] * t
    out[2] = out[1] + shape.thumb[2] * (math.cos(mcp_flex) * t + math.sin(mcp_flex) * b)
    theta = mcp_flex + ip_flex
    out[3] = out[2] + shape.thumb[3] * (math.cos(theta) * t + math.sin(theta) * b)
    return out


def _forward_right(angles: np.ndarray, shape: HandShape) -> np.ndarray:
    """(21, 3) joints in metres of a Right hand in the mirrored hand frame, wrist at the origin.
    `angles` is `HandPose.to_array()`."""
    pts = np.zeros((NUM_LANDMARKS, 3))
    for i, m in enumerate(FINGER_MCP):
        pts[m:m + 4] = _finger_joints(i, angles[4 * i:4 * i + 4], shape)
    pts[THUMB_CMC:THUMB_TIP + 1] = _thumb_joints(angles[16:20], shape)
    return pts


def _check_handedness(handedness: str) -> None:
    if handedness not in HANDEDNESS:
        raise ValueError(f"handedness must be 'Left' or 'Right', got {handedness!r}")


def pose_world(pose: HandPose, shape: HandShape = DEFAULT_SHAPE, handedness: str = "Right") -> np.ndarray:
    """The 21 joints of `pose` in metres, (21, 3) float64, in the hand frame.

    Hand frame (mirrored, like MediaPipe's world landmarks on a selfie frame):
    x right, y down, z away from the camera; fingers point up (-y), the palm
    faces the camera (palm normal -z), and the origin is the mean of the 21
    joints. A Right hand has its thumb toward -x; a Left hand is the x-mirror.
    """
    _check_handedness(handedness)
    pts = _forward_right(pose.to_array(), shape)
    if handedness == "Left":
        pts[:, 0] = -pts[:, 0]
    return pts - pts.mean(axis=0)


# --------------------------------------------------------------------------- thumb solver


def _least_squares(
    residual: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, lo: np.ndarray, hi: np.ndarray, iters: int = 60
) -> np.ndarray:
    """Minimise |residual(x)|^2 within the box [lo, hi] by damped Gauss-Newton
    (Levenberg-Marquardt) with a forward-difference Jacobian. Deterministic:
    no randomness, fixed step sizes, so the same input gives the same output."""
    x = np.clip(x0, lo, hi)
    r = residual(x)
    cost = r @ r
    damping, h = 1e-3, 1e-6
    for _ in range(iters):
        jac = np.empty((r.size, x.size))
        for k in range(x.size):
            step = np.zeros_like(x)
            step[k] = h
            jac[:, k] = (residual(x + step) - r) / h
        jtj, jtr = jac.T @ jac, jac.T @ r
        while True:
            delta = np.linalg.solve(jtj + damping * np.diag(np.diag(jtj) + 1e-9), -jtr)
            x_new = np.clip(x + delta, lo, hi)
            r_new = residual(x_new)
            cost_new = r_new @ r_new
            if cost_new < cost:
                damping = max(damping / 3.0, 1e-9)
                break
            damping *= 4.0
            if damping > 1e8:
                return x
        converged = cost - cost_new < 1e-6 * cost or np.max(np.abs(x_new - x)) < 1e-5
        x, r, cost = x_new, r_new, cost_new
        if converged:
            break
    return x


_CLEARANCE = 0.15
"""Closest the thumb's bone axis may come to a finger's, as a fraction of the
palm length (wrist -> middle MCP): two fingers touching are ~1.5 cm apart
centre to centre, so anything nearer means the thumb went through a finger."""


def _point_segment_distances(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(P, S) distance from each of `points` (P, 3) to each segment a[s]-b[s] ((S, 3) each)."""
    ab = b - a
    ap = points[:, None, :] - a[None, :, :]
    t = np.clip(np.einsum("psk,sk->ps", ap, ab) / np.einsum("sk,sk->s", ab, ab), 0.0, 1.0)
    return np.linalg.norm(ap - t[..., None] * ab[None], axis=-1)


def _solve_thumb(
    pose: HandPose,
    shape: HandShape,
    *,
    lo: np.ndarray,
    hi: np.ndarray,
    pinch: bool = False,
    pinch_gap: float = 0.0,
    tuck_over: tuple[int, ...] = (),
) -> HandPose:
    """Re-solve the thumb so it does what the gesture needs, staying close to `pose`.

    pinch: the thumb tip meets the index tip (the OK ring); the index flexion is
        solved too, since a short thumb may not reach a finger held as designed.
        pinch_gap (metres) leaves the tips that far apart, as when the pads
        touch but the fingertip landmarks, at the very ends, do not.
    tuck_over: the thumb tip rests across the middle phalanges of these fingers
        (0 = index), one finger-thickness in front of them (toward the camera):
        the thumb lies over a curled fist, not inside it.

    Least squares over three terms: reach (thumb tip onto the target), clearance
    (the thumb's bones stay _CLEARANCE away from the fingers' bones, except
    where the OK pads are meant to touch) and closeness to `pose` (which picks,
    among the many thumb postures that reach, the one nearest the designed
    pose, and keeps the jitter's variety). A 1 mm miss costs as much as a
    ~0.4 rad departure from `pose`, so a reachable target is met to a fraction
    of a millimetre.
    """
    prior = pose.to_array()
    free = np.r_[np.arange(16, 20), np.arange(0, 3)] if pinch else np.arange(16, 20)
    palm_len = shape.palm[1]
    reach_weight, clear_weight, prior_weight = 1.0 / palm_len, 3.0 / palm_len, 0.03
    fingers = [_finger_joints(i, prior[4 * i:4 * i + 4], shape) for i in range(4)]
    if pinch:
        # Leave the gap on the side the thumb comes from (a fixed direction keeps
        # the problem well-posed; prescribing only the distance would not).
        approach = _thumb_joints(prior[16:20], shape)[3] - fingers[0][3]
        pinch_offset = pinch_gap * approach / max(float(np.linalg.norm(approach)), 1e-9)
    else:
        mids = [(fingers[f][1] + fingers[f][2]) / 2 for f in tuck_over]
        fixed_target = np.mean(mids, axis=0) + 0.16 * palm_len * _VOLAR
    # Probes along the thumb: IP, tip, and the middle of its two phalanges. For
    # the OK ring, the tip and the distal phalanx may touch the index's last two phalanges.
    exempt = np.zeros((4, 12), dtype=bool)
    if pinch:
        exempt[np.ix_([1, 3], [1, 2])] = True

    def residual(xf: np.ndarray) -> np.ndarray:
        angles = prior.copy()
        angles[free] = xf
        thumb = _thumb_joints(angles[16:20], shape)
        chains = fingers
        if pinch:
            chains = [_finger_joints(0, angles[0:4], shape), *fingers[1:]]
        target = chains[0][3] + pinch_offset if pinch else fixed_target
        starts = np.concatenate([c[:-1] for c in chains])
        ends = np.concatenate([c[1:] for c in chains])
        probes = np.stack([thumb[2], thumb[3], (thumb[1] + thumb[2]) / 2, (thumb[2] + thumb[3]) / 2])
        intrusion = np.maximum(_CLEARANCE * palm_len - _point_segment_distances(probes, starts, ends), 0.0)
        intrusion[exempt] = 0.0
        return np.r_[
            reach_weight * (thumb[3] - target),
            clear_weight * intrusion.ravel(),
            prior_weight * (xf - prior[free]),
        ]

    solved = prior.copy()
    solved[free] = _least_squares(residual, prior[free], lo[free], hi[free])
    return HandPose.from_array(solved)


# --------------------------------------------------------------------------- the named poses

_EXT = (0.05, 0.06, 0.04)  # a relaxed straight finger is never perfectly straight
_CURL = (1.45, 1.65, 1.05)


def _finger(flex: tuple[float, float, float], spread: float) -> tuple[float, float, float, float]:
    return (*flex, spread)


# Finger states a label requires, and the flexion range (mcp, pip, dip) that
# keeps that state recognisable when `synth_hand` jitters the angles.
_STATE_RANGES = {
    "extended": ((-0.20, 0.35), (-0.05, 0.35), (-0.05, 0.30)),  # at most a little hyperextension
    "curled": ((1.15, 1.65), (1.40, 1.90), (0.80, 1.40)),
    "pinch": ((0.30, 1.10), (0.55, 1.45), (0.20, 1.10)),  # the index finger in an OK ring
}
# Thumb ranges (cmc_flex, cmc_abduction, mcp_flex, ip_flex) for a thumb held out
# straight: "extended" (thumbs-up: anywhere from beside the fist to well forward)
# and "splayed" (open palm: out to the side, never swung in front of the fingers).
_THUMB_RANGES = {
    "extended": ((-0.50, 0.60), (-0.10, 0.70), (-0.30, 0.25), (-0.35, 0.25)),
    "splayed": ((-0.50, 0.25), (-0.15, 0.30), (-0.30, 0.25), (-0.35, 0.25)),
}


@dataclass(frozen=True)
class _Rule:
    fingers: tuple[str, str, str, str]  # state of index, middle, ring, pinky
    thumb: str  # "extended", "splayed", "pinch" (tip on index tip) or "tucked" (over the curled fingers)
    tuck_over: tuple[int, ...] = ()  # fingers the tucked thumb lies across
    spread: tuple[tuple[float, float], ...] = ((-0.35, 0.45),) * 4


_RULES = {
    "point": _Rule(("extended", "curled", "curled", "curled"), "tucked", tuck_over=(1,)),
    "ok": _Rule(("pinch", "extended", "extended", "extended"), "pinch"),
    "palm": _Rule(("extended",) * 4, "splayed", spread=((0.0, 0.45),) * 4),
    "fist": _Rule(("curled",) * 4, "tucked", tuck_over=(0, 1)),
    "thumbs_up": _Rule(("curled",) * 4, "extended"),
    "peace": _Rule(
        ("extended", "extended", "curled", "curled"),
        "tucked",
        tuck_over=(2,),
        # V sign: index toward the thumb, middle away from it, at least ~0.3 rad apart.
        spread=((0.12, 0.45), (-0.35, -0.08), (-0.35, 0.45), (-0.35, 0.45)),
    ),
}


def _rule_bounds(rule: _Rule) -> tuple[np.ndarray, np.ndarray]:
    """Per-angle [lo, hi] for a label: anatomical limits narrowed to the label's states."""
    lo, hi = _LO.copy(), _HI.copy()
    for i, state in enumerate(rule.fingers):
        for j, (a, b) in enumerate(_STATE_RANGES[state]):
            lo[4 * i + j], hi[4 * i + j] = max(lo[4 * i + j], a), min(hi[4 * i + j], b)
        a, b = rule.spread[i]
        lo[4 * i + 3], hi[4 * i + 3] = max(lo[4 * i + 3], a), min(hi[4 * i + 3], b)
    if rule.thumb in _THUMB_RANGES:
        for j, (a, b) in enumerate(_THUMB_RANGES[rule.thumb]):
            lo[16 + j], hi[16 + j] = max(lo[16 + j], a), min(hi[16 + j], b)
    return lo, hi


def _enforce(label: str, pose: HandPose, shape: HandShape, pinch_gap: float = 0.0) -> HandPose:
    """Clip `pose` to the label's ranges and re-solve the thumb where its position
    defines the gesture (OK ring closed, with the tips `pinch_gap` metres
    apart; thumb tucked over the fist)."""
    rule = _RULES[label]
    lo, hi = _rule_bounds(rule)
    pose = HandPose.from_array(np.clip(pose.to_array(), lo, hi))
    if rule.thumb == "pinch":
        return _solve_thumb(pose, shape, lo=lo, hi=hi, pinch=True, pinch_gap=pinch_gap)
    if rule.thumb == "tucked":
        return _solve_thumb(pose, shape, lo=lo, hi=hi, tuck_over=rule.tuck_over)
    return pose


_DESIGNED = {
    "point": HandPose(
        fingers=(_finger(_EXT, 0.05), _finger(_CURL, 0.0), _finger(_CURL, 0.0), _finger(_CURL, 0.0)),
        thumb=(0.75, 0.55, 0.45, 0.35),
    ),
    "ok": HandPose(
        fingers=(_finger((0.65, 0.95, 0.55), 0.05), _finger(_EXT, 0.05), _finger(_EXT, 0.12), _finger(_EXT, 0.22)),
        thumb=(0.35, 0.65, 0.20, 0.25),
    ),
    "palm": HandPose(
        fingers=(_finger(_EXT, 0.12), _finger(_EXT, 0.04), _finger(_EXT, 0.10), _finger(_EXT, 0.20)),
        thumb=(0.0, 0.15, 0.05, 0.05),
    ),
    "fist": HandPose(fingers=(_finger(_CURL, 0.0),) * 4, thumb=(0.75, 0.55, 0.45, 0.35)),
    "thumbs_up": HandPose(fingers=(_finger(_CURL, 0.0),) * 4, thumb=(-0.15, 0.25, 0.0, 0.0)),
    "peace": HandPose(
        fingers=(_finger(_EXT, 0.22), _finger(_EXT, -0.18), _finger(_CURL, 0.0), _finger(_CURL, 0.0)),
        thumb=(0.85, 0.50, 0.45, 0.35),
    ),
}

POSES: dict[str, HandPose] = {label: _enforce(label, pose, DEFAULT_SHAPE) for label, pose in _DESIGNED.items()}
"""Canonical gestures for DEFAULT_SHAPE: point, ok, palm, fist, thumbs_up, peace.
Built from designed angles, with the thumb solved where it must touch
something (the OK ring, the thumb tucked over a fist)."""

# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class SynthHand:
    """One synthetic detection, shaped like MediaPipe's output.

    landmarks: (21, 3) float32; x, y normalised to the mirrored frame's width and
        height, z depth relative to the wrist in units of the frame width.
    world: (21, 3) float32 metres; camera-aligned axes (x right, y down, z away),
        origin at the hand's geometric centre.
    handedness: "Left" | "Right", the person's real hand.
    """

    landmarks: np.ndarray
    world: np.ndarray
    handedness: str


def _rotation(roll: float, yaw: float, pitch: float) -> np.ndarray:
    """Camera-axes rotation: pitch about x, then yaw about y, then roll about z (the optical axis)."""
    cr, sr = math.cos(roll), math.sin(roll)
    cy, sy = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch), math.sin(pitch)
    rz = np.array([[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]])
    ry = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    return rz @ ry @ rx


def _middle_chain_length(world: np.ndarray) -> float:
    """Wrist -> middle fingertip along the bones (0-9-10-11-12): the length of the
    straightened middle ray. Unlike the straight-line distance it does not
    shrink when the finger curls, so a fist is drawn at the size of its hand."""
    chain = world[[WRIST, 9, 10, 11, 12]]
    return float(np.linalg.norm(np.diff(chain, axis=0), axis=1).sum())


def render(
    world: np.ndarray,
    *,
    handedness: str = "Right",
    anchor: tuple[float, float] = (0.5, 0.5),
    anchor_landmark: int = 8,
    hand_height: float | None = 0.35,
    roll: float = 0.0,
    yaw: float = 0.0,
    pitch: float = 0.0,
    aspect: float = 4 / 3,
    focal: float = 1.2,
    distance: float = 0.5,
    noise_std: float = 0.0,
    rng: np.random.Generator | None = None,
) -> SynthHand:
    """Photograph hand-frame joints `world` ((21, 3) metres, e.g. from `pose_world`).

    The hand is rotated about its centre (pitch about the image x axis, positive
    tips the fingers toward the camera; then yaw about the image y axis,
    positive brings the image-right side of the hand toward the camera; then
    roll about the optical axis, positive turns clockwise on screen), placed
    `distance` metres in front of a pinhole camera, and projected with
    perspective, so nearer joints come out larger.

    Scale: with `hand_height` (a fraction of the frame height), a straightened
    hand facing the camera spans about that much from wrist to middle fingertip;
    curled or tilted hands come out shorter, as they would on camera. With
    `hand_height=None` the size follows the physical camera instead: `focal`
    is the focal length in frame heights, so a hand of L metres at `distance`
    spans focal * L / distance of the frame height.

    Then the hand is moved so landmark `anchor_landmark` lands exactly on
    `anchor` (normalised x, y). `aspect` is the frame's width / height.
    `noise_std` (normalised units) adds Gaussian noise to every landmark
    coordinate, and the matching metric noise to `world`; it needs `rng`, and
    with noise the anchor is only approximately hit.

    `handedness` is the label reported; the geometry comes from `world` (a Left
    hand's world is already the mirror of a Right one).
    """
    _check_handedness(handedness)
    world = np.asarray(world, dtype=np.float64)
    if world.shape != (NUM_LANDMARKS, 3):
        raise ValueError(f"world must have shape (21, 3), got {world.shape}")
    if not 0 <= anchor_landmark < NUM_LANDMARKS:
        raise ValueError(f"anchor_landmark must be 0..20, got {anchor_landmark}")
    if aspect <= 0 or focal <= 0 or distance <= 0 or (hand_height is not None and hand_height <= 0):
        raise ValueError("aspect, focal, distance and hand_height must be positive")
    if noise_std < 0:
        raise ValueError("noise_std must be >= 0")
    if noise_std > 0 and rng is None:
        raise ValueError("noise_std > 0 needs an rng (kept explicit so output stays reproducible)")

    centred = world - world.mean(axis=0)
    rotated = centred @ _rotation(roll, yaw, pitch).T
    cam = rotated + np.array([0.0, 0.0, distance])
    if np.any(cam[:, 2] <= 0.05 * distance):
        raise ValueError("the hand reaches behind the camera: increase `distance`")

    # Focal length in frame heights: given, or chosen so the hand spans hand_height.
    f = focal if hand_height is None else hand_height * distance / _middle_chain_length(world)
    xy = f * cam[:, :2] / cam[:, 2:3]  # frame-height units, perspective
    x = xy[:, 0] / aspect  # the frame is `aspect` heights wide
    y = xy[:, 1]
    # Depth like MediaPipe's z: relative to the wrist, scaled like x at the hand's distance.
    per_metre_x = f / (distance * aspect)
    z = (cam[:, 2] - cam[WRIST, 2]) * per_metre_x
    x = x + (anchor[0] - x[anchor_landmark])
    y = y + (anchor[1] - y[anchor_landmark])
    landmarks = np.stack([x, y, z], axis=1)
    if noise_std > 0:
        landmarks = landmarks + rng.normal(0.0, noise_std, size=landmarks.shape)
        rotated = rotated + rng.normal(0.0, noise_std / per_metre_x, size=rotated.shape)
    return SynthHand(landmarks.astype(np.float32), rotated.astype(np.float32), handedness)


# --------------------------------------------------------------------------- training data

_MAX_ROLL = math.radians(40.0)
_MAX_TILT = math.radians(30.0)


def _base_roll(label: str, world: np.ndarray) -> float:
    """Roll that shows the gesture upright. Every pose is built fingers-up, which
    is how people hold most of them; a thumbs-up is shown with the thumb up
    instead, so turn the hand until its thumb (MCP -> tip) points up on screen."""
    if label != "thumbs_up":
        return 0.0
    v = world[THUMB_TIP] - world[THUMB_MCP]
    return -math.pi / 2 - math.atan2(v[1], v[0])


def synth_hand(
    label: str,
    rng: np.random.Generator,
    *,
    jitter: float = 0.15,
    shape: HandShape | None = None,
    **render_kwargs,
) -> SynthHand:
    """A random, realistic instance of gesture `label` (a key of POSES).

    Variation: joint angles of POSES[label] plus N(0, jitter) rad, clipped to the
    anatomical ranges and to the ranges that keep the gesture what it is (curled
    fingers stay curled, the OK ring stays closed by re-solving the thumb, a
    tucked thumb stays over the fist); a random_shape (unless `shape` is given);
    random handedness; roll uniform in +-40 degrees (around thumb-up for
    "thumbs_up"); yaw and pitch uniform in +-30 degrees; hand_height 0.25-0.5;
    an anchor anywhere that keeps the whole hand in the frame; landmark noise
    0.002 (about a pixel at 640 px). Any `render` keyword overrides its random
    value.

    Deterministic in `rng`: every random value is drawn, in a fixed order, even
    when overridden, so overriding one keyword does not reshuffle the others.
    """
    if label not in POSES:
        raise ValueError(f"unknown gesture {label!r}; known: {sorted(POSES)}")
    if jitter < 0:
        raise ValueError("synth_hand: jitter must be >= 0")
    drawn_handedness = HANDEDNESS[int(rng.integers(2))]
    drawn_shape = random_shape(rng)
    angle_noise = jitter * rng.standard_normal(20)
    drawn = {
        "roll": rng.uniform(-_MAX_ROLL, _MAX_ROLL),
        "yaw": rng.uniform(-_MAX_TILT, _MAX_TILT),
        "pitch": rng.uniform(-_MAX_TILT, _MAX_TILT),
        "hand_height": rng.uniform(0.25, 0.5),
        "noise_std": 0.002,
    }
    placement = rng.uniform(0.0, 1.0, size=2)  # where in the frame, as a fraction of the room left
    # OK ring: pads touching leave the tip landmarks 0-10% of the palm apart.
    pinch_gap_fraction = rng.uniform(0.0, 0.10)
    shape = drawn_shape if shape is None else shape
    handedness = render_kwargs.pop("handedness", drawn_handedness)
    _check_handedness(handedness)

    pose = HandPose.from_array(POSES[label].to_array() + angle_noise)
    pose = _enforce(label, pose, shape, pinch_gap=pinch_gap_fraction * shape.palm[1])
    world = pose_world(pose, shape, handedness)
    if "roll" not in render_kwargs:
        drawn["roll"] += _base_roll(label, world)
    kwargs = {**drawn, **render_kwargs}
    kwargs.setdefault("rng", rng)
    if "anchor" not in kwargs:
        kwargs["anchor"] = _random_anchor(world, placement, handedness, kwargs)
    return render(world, handedness=handedness, **kwargs)


_FRAME_MARGIN = 0.02


def _random_anchor(world: np.ndarray, placement: np.ndarray, handedness: str, kwargs: dict) -> tuple[float, float]:
    """An anchor that puts the whole hand inside the frame (MediaPipe rarely
    reports a hand it cannot see whole), at `placement` (0..1 per axis) of the
    room left for it; a hand larger than the frame is centred."""
    preview_kwargs = {k: v for k, v in kwargs.items() if k not in ("noise_std", "rng")}
    preview = render(world, handedness=handedness, **{**preview_kwargs, "anchor": (0.5, 0.5)}).landmarks
    anchor = []
    for axis in (0, 1):
        lo = _FRAME_MARGIN - float(preview[:, axis].min())  # smallest shift keeping the hand inside
        hi = 1.0 - _FRAME_MARGIN - float(preview[:, axis].max())
        shift = lo + placement[axis] * (hi - lo) if hi >= lo else (lo + hi) / 2
        anchor.append(0.5 + shift)
    return anchor[0], anchor[1]

"""The shipped model's training data: synthetic hands from kiosk.gestures.handgen. Pure numpy.

`generate(recipe)` -> a `LandmarkSet` (world landmarks, handedness, labels), the same
arrays for the same recipe on any machine and with any number of worker processes: every
hand draws from its own generator, seeded by (recipe.seed, label, index).

What it makes (docs/gestures.md has the shares):

- the six gestures (point, ok, fist, palm, thumbs_up, peace): half from
  `handgen.synth_hand`, which jitters the joint angles within the ranges that keep the
  gesture what it is, on a random bone-length shape and handedness; half (all but 👌)
  from wider variants of what real hands do (`_variant_pose`);
- "none", as varied as we can make it, because everything the kiosk sees between
  gestures is "none" and must not click:
  - *combinations*: each finger extended, curled, claw, flat-bent or part-way, and the
    thumb tucked, out, splayed, folded across the palm, in a ring or anywhere, in every
    combination that is not one of the six gestures; a share of them are the misses
    where only the thumb differs (four fingers with the thumb in, an L, a "three");
  - *transitions*: a pose part-way between two gestures (30-70 % of the way);
  - *near misses of the 👌*: the ring opened part of the way toward a point, a palm or
    a peace sign; and the ring closed with the other fingers not all up (a grip, or all
    the fingertips meeting the thumb).
  Any "none" pose that the rule's geometry (classifier.ok_strength, face-on) scores
  NONE_MAX_OK or more is drawn again: it is a 👌, or nearly, whatever made it.
- each pose is photographed `views` times (`handgen.render`) at random orientations:
  mostly facing the camera, some side-on, some showing the back of the hand, any roll;
  with landmark noise; and with depth errors like MediaPipe's (z stretched, whole
  fingers bent forward or back, per-joint noise), since depth is its least reliable axis.

The recipe (a frozen dataclass) is stored in every model file built from it, so the
training set can be regenerated exactly (`train --base` does that).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np

from kiosk.gestures import handgen
from kiosk.gestures.classifier import ok_strength
from kiosk.gestures.handgen import POSES, HandPose, clip_pose, interpolate, pose_world, random_shape, render

GESTURES = ("point", "ok", "fist", "palm", "thumbs_up", "peace")
NONE_MAX_OK = 0.3
"""A "none" pose must score below this on classifier.ok_strength, face-on."""
LABELS = ("none", *GESTURES)


@dataclass(frozen=True)
class LandmarkSet:
    """N hands: world (N, 21, 3) float32 metres, handedness (N,) str, label (N,) str.

    source (N,) str says where each came from ("synthetic", or an image path for recorded data).
    """

    world: np.ndarray
    handedness: np.ndarray
    label: np.ndarray
    source: np.ndarray

    def __len__(self) -> int:
        return len(self.label)

    @staticmethod
    def concat(parts: list[LandmarkSet]) -> LandmarkSet:
        parts = [p for p in parts if len(p)]
        if not parts:
            return empty_set()
        return LandmarkSet(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(LandmarkSet)))

    def take(self, index: np.ndarray) -> LandmarkSet:
        return LandmarkSet(*(getattr(self, f.name)[index] for f in fields(LandmarkSet)))


def empty_set() -> LandmarkSet:
    return LandmarkSet(np.zeros((0, 21, 3), np.float32), np.zeros(0, "<U5"), np.zeros(0, "<U1"), np.zeros(0, "<U1"))


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the synthetic training set. Angles in degrees."""

    seed: int = 7
    poses_per_gesture: int = 700
    """Poses drawn per gesture; `none` gets `none_factor` times as many."""
    none_factor: float = 2.0
    views: int = 3
    """Photographs of each pose, at independent random orientations."""
    jitter: float = 0.15
    """Joint-angle noise, rad (see handgen.synth_hand)."""
    max_pitch: float = 35.0
    side_fraction: float = 0.2
    """Share of views turned 45-85° about the vertical axis."""
    back_fraction: float = 0.2
    """Share of views showing the back of the hand (turned 135-225°)."""
    max_front_yaw: float = 45.0
    noise_std: float = 0.003
    """Landmark noise, fractions of the frame width."""
    depth_stretch: tuple[float, float] = (0.6, 1.5)
    """World z is multiplied by a factor drawn from this range (about the hand's centre)."""
    depth_bend: float = 0.3
    """Each finger's joints are pushed in depth by up to N(0, depth_bend) palm sizes at the tip
    (less toward the base): MediaPipe often puts touching fingertips far apart in depth."""
    depth_noise: float = 0.05
    """Per-joint depth noise, palm sizes."""
    variant_fraction: float = 0.5
    """Share of point/fist/palm/thumbs_up/peace poses drawn from the wider variants (`_variant_pose`)."""

    def __post_init__(self) -> None:
        ints = ("seed", "poses_per_gesture", "views")
        if not all(isinstance(getattr(self, k), int) and not isinstance(getattr(self, k), bool) for k in ints):
            raise ValueError(f"recipe: {', '.join(ints)} must be integers")
        if self.poses_per_gesture < 1 or self.views < 1 or not self.none_factor > 0:
            raise ValueError("recipe: poses_per_gesture, views and none_factor must be positive")
        lo, hi = self.depth_stretch
        if not 0 < lo <= hi or min(self.jitter, self.noise_std, self.depth_bend, self.depth_noise) < 0:
            raise ValueError("recipe: bad depth_stretch, jitter or noise")
        if not (0 <= self.side_fraction and 0 <= self.back_fraction and self.side_fraction + self.back_fraction <= 1
                and 0 <= self.variant_fraction <= 1):
            raise ValueError("recipe: view and variant fractions must be within 0..1")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["depth_stretch"] = list(self.depth_stretch)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Recipe:
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown recipe keys {sorted(unknown)}")
        d = dict(d)
        if "depth_stretch" in d:
            d["depth_stretch"] = tuple(d["depth_stretch"])
        return cls(**d)

    def count(self, label: str) -> int:
        """Poses drawn for `label`."""
        return round(self.poses_per_gesture * (self.none_factor if label == "none" else 1.0))


# --------------------------------------------------------------------------- none poses

_STATES = ("extended", "curled", "claw", "flat", "partway")
_STATE_P = (0.35, 0.3, 0.12, 0.08, 0.15)
# Finger patterns (index, middle, ring, pinky) and the thumbs that make them one of the
# gestures, so "none" avoids them.
_GESTURE_PATTERNS = {
    ("extended", "curled", "curled", "curled"): ("tucked", "across"),  # point (thumb over the fist or folded in)
    ("extended", "extended", "curled", "curled"): ("tucked", "across"),  # peace
    # palm: the thumb anywhere but folded across the palm ("tucked" beside the index is too
    # close to a stop sign's thumb to call either way, so "none" leaves it out too)
    ("extended", "extended", "extended", "extended"): ("splayed", "out", "random", "tucked"),
    ("curled", "curled", "curled", "curled"): ("tucked", "across", "out", "splayed", "ring", "random"),  # fist, 👍
}
_THUMBS = ("tucked", "out", "splayed", "across", "ring", "random")


def _is_gesture(states: tuple[str, ...], thumb: str) -> bool:
    """Whether some reading of `states` makes a gesture: a finger part-way bent counts as
    both extended and curled, since the gestures allow loose fingers."""
    readings = [("extended", "curled") if st == "partway" else (st,) for st in states]
    patterns = [()]
    for r in readings:
        patterns = [p + (x,) for p in patterns for x in r]
    return any(thumb in _GESTURE_PATTERNS.get(p, ()) for p in patterns)


def _finger_angles(state: str, i: int, rng: np.random.Generator) -> tuple[float, float, float]:
    ext = np.array(POSES["palm"].fingers[i][:3])
    curl = np.array(POSES["fist"].fingers[i][:3])
    if state == "extended":
        return tuple(ext)
    if state == "curled":
        return tuple(curl)
    if state == "claw":  # MCP straight, PIP and DIP bent: "grabbing"
        t = np.array([rng.uniform(0.0, 0.25), rng.uniform(0.45, 0.9), rng.uniform(0.45, 0.9)])
    elif state == "flat":  # MCP bent, the rest straight
        t = np.array([rng.uniform(0.45, 0.8), rng.uniform(0.0, 0.2), rng.uniform(0.0, 0.2)])
    else:  # part-way everywhere
        t = np.full(3, rng.uniform(0.35, 0.65))
    return tuple(ext + t * (curl - ext))


def _thumb_angles(kind: str, rng: np.random.Generator) -> tuple[float, ...]:
    if kind == "tucked":
        return POSES[("fist", "point", "peace")[int(rng.integers(3))]].thumb
    if kind == "out":
        return POSES["thumbs_up"].thumb
    if kind == "splayed":
        return POSES["palm"].thumb
    if kind == "ring":
        return POSES["ok"].thumb
    if kind == "across":  # bent and folded across the palm toward the little finger, as in "four"
        return (rng.uniform(0.8, 1.3), rng.uniform(0.0, 0.6), rng.uniform(0.6, 1.2), rng.uniform(0.5, 1.3))
    return tuple(rng.uniform(lo, hi) for lo, hi in handgen.THUMB_LIMITS)


# The nearest misses, where only the thumb tells them from a gesture: four fingers up with
# the thumb in (not a palm); index, or index and middle, up with the thumb out (not a
# point or a peace sign: an L, a "three").
_THUMB_ONLY_MISSES = (
    (("extended",) * 4, ("across",)),
    (("extended", "curled", "curled", "curled"), ("out", "splayed")),
    (("extended", "extended", "curled", "curled"), ("out", "splayed")),
)
THUMB_ONLY_SHARE = 0.3
"""Share of the "none" combinations drawn from _THUMB_ONLY_MISSES."""


def _combo_pose(rng: np.random.Generator, jitter: float) -> HandPose:
    """A finger/thumb combination that is none of the gestures."""
    while True:
        if rng.uniform() < THUMB_ONLY_SHARE:
            states, thumbs = _THUMB_ONLY_MISSES[int(rng.integers(len(_THUMB_ONLY_MISSES)))]
            thumb = thumbs[int(rng.integers(len(thumbs)))]
        else:
            states = tuple(_STATES[int(k)] for k in rng.choice(len(_STATES), size=4, p=_STATE_P))
            thumb = _THUMBS[int(rng.integers(len(_THUMBS)))]
        if _is_gesture(states, thumb):
            continue
        # A ring of thumb and index with the other three up is the 👌 itself.
        if thumb == "ring" and all(s == "extended" for s in states[1:]):
            continue
        break
    fingers = []
    for i, state in enumerate(states):
        if thumb == "ring" and i == 0:
            flex = POSES["ok"].fingers[0][:3]  # the index bent to meet the thumb
        else:
            flex = _finger_angles(state, i, rng)
        fingers.append((*flex, rng.uniform(-0.2, 0.4)))
    pose = HandPose(fingers=tuple(fingers), thumb=_thumb_angles(thumb, rng))
    return clip_pose(HandPose.from_array(pose.to_array() + jitter * rng.standard_normal(20)))


def _transition_pose(rng: np.random.Generator, jitter: float) -> HandPose:
    a, b = rng.choice(len(GESTURES), size=2, replace=False)
    s = rng.uniform(0.3, 0.7)
    pose = interpolate(POSES[GESTURES[a]], POSES[GESTURES[b]], s)
    return clip_pose(HandPose.from_array(pose.to_array() + jitter * rng.standard_normal(20)))


def _near_miss_pose(rng: np.random.Generator, jitter: float) -> HandPose:
    """The 👌 opened: part of the way back toward a point, a palm or a relaxed hand."""
    other = ("point", "palm", "peace")[int(rng.integers(3))]
    s = rng.uniform(0.15, 0.6)
    pose = interpolate(POSES["ok"], POSES[other], s)
    return clip_pose(HandPose.from_array(pose.to_array() + 0.5 * jitter * rng.standard_normal(20)))


def _ring_pose(rng: np.random.Generator, jitter: float) -> HandPose:
    """Thumb tip on the index tip with the other fingers not all up: a grip, not a 👌.

    Either the other three take any state but all-up, or (a third of the time) they bend
    like the index, so every fingertip meets the thumb (🤌, or a hand around a handle).
    """
    ring = POSES["ok"].fingers[0]
    if rng.uniform() < 1 / 3:
        others = [(*(np.array(ring[:3]) * rng.uniform(0.8, 1.3)), rng.uniform(-0.2, 0.2)) for _ in range(3)]
    else:
        while True:
            states = tuple(_STATES[int(k)] for k in rng.choice(len(_STATES), size=3, p=_STATE_P))
            if any(st != "extended" for st in states):
                break
        others = [(*_finger_angles(st, i + 1, rng), rng.uniform(-0.2, 0.4)) for i, st in enumerate(states)]
    pose = HandPose(fingers=(ring, *others), thumb=POSES["ok"].thumb)
    return clip_pose(HandPose.from_array(pose.to_array() + 0.5 * jitter * rng.standard_normal(20)))


def _none_world(rng: np.random.Generator, recipe: Recipe) -> tuple[np.ndarray, str]:
    """World landmarks (hand frame) of one "none" hand and its handedness."""
    handedness = handgen.HANDEDNESS[int(rng.integers(2))]
    shape = random_shape(rng)
    kind = rng.choice(4, p=(0.5, 0.2, 0.15, 0.15))
    make = (_combo_pose, _transition_pose, _near_miss_pose, _ring_pose)[int(kind)]
    while True:
        world = pose_world(make(rng, recipe.jitter), shape, handedness)
        # A pose that the rule's geometry calls a 👌 (face-on: tips together, index bent,
        # the other three up) is one, whatever path made it: keep "none" clear of the click.
        if ok_strength(world) < NONE_MAX_OK:
            return world, handedness


# --------------------------------------------------------------------------- wider gestures

# Thumb held out (thumbs up): handgen's range for an extended thumb.
_THUMB_OUT = ((-0.50, 0.60), (-0.10, 0.70), (-0.30, 0.25), (-0.35, 0.25))
# Thumb anywhere outside the palm for an open hand: from against the index (a "stop") to
# splayed. Its joints may be relaxed, a little bent (folded and bent is "four": none).
_THUMB_OPEN = ((-0.50, 0.55), (-0.30, 0.50), (-0.30, 0.50), (-0.30, 0.60))


def _variant_pose(label: str, rng: np.random.Generator, jitter: float) -> HandPose:
    """A wider take on a gesture than handgen.synth_hand draws, for what real hands do:

    curled fingers only loosely curled (MediaPipe often sees a fist less tight than it
    is); an open hand with its fingers together and the thumb alongside (a "stop");
    the peace fingers together or apart (both are index and middle up).
    """
    base = POSES[label]
    fingers = []
    loosen = rng.uniform(0.6, 1.0)
    for i, f in enumerate(base.fingers):
        flex = np.array(f[:3]) + jitter * rng.standard_normal(3)
        if f[0] > 1.0:  # a curled finger
            flex = np.array(f[:3]) * loosen + 0.5 * jitter * rng.standard_normal(3)
        spread = f[3] + jitter * rng.standard_normal()
        if label == "palm":
            spread = rng.uniform(-0.15, 0.45)
        elif label == "peace" and i < 2:
            spread = rng.uniform(-0.1, 0.45) if i == 0 else rng.uniform(-0.35, 0.1)
        fingers.append((*flex, spread))
    if label == "thumbs_up":
        thumb = tuple(rng.uniform(lo, hi) for lo, hi in _THUMB_OUT)
    elif label == "palm":
        thumb = tuple(rng.uniform(lo, hi) for lo, hi in _THUMB_OPEN)
    else:  # tucked over the fingers
        thumb = tuple(np.array(base.thumb) + 0.5 * jitter * rng.standard_normal(4))
    return clip_pose(HandPose(fingers=tuple(fingers), thumb=thumb))


# --------------------------------------------------------------------------- views


def _view(rng: np.random.Generator, recipe: Recipe) -> dict:
    u = rng.uniform()
    if u < recipe.back_fraction:
        yaw = math.pi + math.radians(rng.uniform(-45.0, 45.0))
    elif u < recipe.back_fraction + recipe.side_fraction:
        yaw = math.radians(rng.uniform(45.0, 85.0)) * (1 if rng.uniform() < 0.5 else -1)
    else:
        yaw = math.radians(rng.uniform(-recipe.max_front_yaw, recipe.max_front_yaw))
    return {
        "roll": rng.uniform(-math.pi, math.pi),
        "yaw": yaw,
        "pitch": math.radians(rng.uniform(-recipe.max_pitch, recipe.max_pitch)),
        "stretch": rng.uniform(*recipe.depth_stretch),
    }


_CHAINS = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20]])


def photograph(world: np.ndarray, handedness: str, rng: np.random.Generator, recipe: Recipe) -> np.ndarray:
    """One random view of hand-frame joints `world`: (21, 3) float32 camera-aligned metres, like MediaPipe's."""
    v = _view(rng, recipe)
    shot = render(world, handedness=handedness, roll=v["roll"], yaw=v["yaw"], pitch=v["pitch"],
                  hand_height=0.35, anchor=(0.5, 0.5), noise_std=recipe.noise_std, rng=rng)
    out = shot.world.astype(np.float64)
    centre = out.mean(axis=0)
    out[:, 2] = centre[2] + (out[:, 2] - centre[2]) * v["stretch"]
    # Depth errors like MediaPipe's: whole fingers bent forward or back, and jitter per joint.
    palm = float(np.linalg.norm(out[9] - out[0]))
    bend = rng.normal(0.0, recipe.depth_bend * rng.uniform(), size=5) * palm
    out[_CHAINS, 2] += bend[:, None] * np.array([0.25, 0.5, 0.75, 1.0])
    out[:, 2] += rng.normal(0.0, recipe.depth_noise * palm, size=21)
    return out.astype(np.float32)


# --------------------------------------------------------------------------- the set


def _label_code(label: str) -> int:
    return int.from_bytes(label.encode("utf-8")[:8].ljust(8, b"\0"), "little")


def sample(label: str, index: int, recipe: Recipe) -> tuple[np.ndarray, str]:
    """Pose number `index` of `label`: ((views, 21, 3) float32 world landmarks, handedness)."""
    rng = np.random.default_rng([recipe.seed, _label_code(label), index])
    if label == "none":
        world, handedness = _none_world(rng, recipe)
    elif label in GESTURES and label != "ok" and rng.uniform() < recipe.variant_fraction:
        handedness = handgen.HANDEDNESS[int(rng.integers(2))]
        world = pose_world(_variant_pose(label, rng, recipe.jitter), random_shape(rng), handedness)
    elif label in GESTURES:
        hand = handgen.synth_hand(label, rng, jitter=recipe.jitter, roll=0.0, yaw=0.0, pitch=0.0,
                                  noise_std=0.0, hand_height=0.35, anchor=(0.5, 0.5))
        world, handedness = hand.world.astype(np.float64), hand.handedness
    else:
        raise ValueError(f"no synthetic recipe for label {label!r}; synthetic labels: {', '.join(LABELS)}")
    return np.stack([photograph(world, handedness, rng, recipe) for _ in range(recipe.views)]), handedness


def _make_label(args: tuple[str, int, int, Recipe]) -> tuple[np.ndarray, list[str]]:
    label, start, stop, recipe = args
    worlds, hands = [], []
    for k in range(start, stop):
        w, h = sample(label, k, recipe)
        worlds.append(w)
        hands.extend([h] * len(w))
    return (np.concatenate(worlds) if worlds else np.zeros((0, 21, 3), np.float32)), hands


THUMB_UP_WITHIN = 60.0
THUMB_DOWN_BEYOND = 120.0


def orient_thumbs(data: LandmarkSet) -> LandmarkSet:
    """Relabel the synthetic 👍 by where its thumb points, since its views take any roll:
    within THUMB_UP_WITHIN degrees of the image's up it stays "thumbs_up", beyond
    THUMB_DOWN_BEYOND it is "thumbs_down", and a thumb in between (sideways) is "none"."""
    from kiosk.gestures.landmark_features import thumb_angle

    label = data.label.astype("<U32").copy()
    for i in np.flatnonzero(label == "thumbs_up"):
        angle = thumb_angle(data.world[i], str(data.handedness[i]))
        if angle > THUMB_DOWN_BEYOND:
            label[i] = "thumbs_down"
        elif angle > THUMB_UP_WITHIN:
            label[i] = "none"
    return LandmarkSet(data.world, data.handedness, label, data.source)


def generate(recipe: Recipe, labels: tuple[str, ...] = LABELS, workers: int = 1, progress=None) -> LandmarkSet:
    """The synthetic set for `labels`, in a fixed order (label by label, pose by pose).

    `source` is "synthetic:<label>:<pose number>", the same for every view of one pose, so
    a split can keep a pose's views together. workers > 1 spreads chunks over processes;
    the result is identical. progress: an optional callable(n) called with the number of
    poses finished, for a progress bar.
    """
    chunk = 50
    jobs = [(label, s, min(s + chunk, recipe.count(label)), recipe)
            for label in labels for s in range(0, recipe.count(label), chunk)]
    results = []
    if workers > 1 and len(jobs) > 1:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for job, res in zip(jobs, pool.imap(_make_label, jobs)):
                results.append((job, res))
                if progress:
                    progress(job[2] - job[1])
    else:
        for job in jobs:
            results.append((job, _make_label(job)))
            if progress:
                progress(job[2] - job[1])
    parts = []
    for (label, start, stop, _), (world, hands) in results:
        n = len(world)
        sources = np.repeat([f"synthetic:{label}:{k}" for k in range(start, stop)], recipe.views)
        parts.append(LandmarkSet(world, np.array(hands), np.full(n, label), sources))
    return LandmarkSet.concat(parts)

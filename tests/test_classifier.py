"""Tests for kiosk.gestures.classifier (RuleClassifier, ok_strength) and kiosk.gestures.features,
on synthetic hands from kiosk.gestures.handgen.

handgen is an independent model of a hand (joint angles -> 21 landmarks with random bone
lengths, jitter, handedness, orientation and noise); the classifier has never seen it, so
its labels are a fair check of the rules.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.gestures import features as F
from kiosk.gestures.classifier import RuleClassifier, ok_strength
from kiosk.gestures.handgen import POSES, HandPose, HandShape, interpolate, pose_world, render, synth_hand
from kiosk.types import Hand

N = 150
FINGERS = ("thumb", "index", "middle", "ring", "pinky")
CLF = RuleClassifier()


def as_hand(world: np.ndarray, landmarks: np.ndarray | None = None, handedness: str = "Right") -> Hand:
    world = np.asarray(world, dtype=np.float64)
    if landmarks is None:
        landmarks = render(world, handedness=handedness).landmarks
    return Hand(landmarks=np.asarray(landmarks, dtype=np.float64), world=world, handedness=handedness, score=0.9)


def samples(label: str, n: int = N, seed: int = 0) -> list[Hand]:
    rng = np.random.default_rng([seed, sum(map(ord, label))])
    out = []
    for _ in range(n):
        s = synth_hand(label, rng)
        out.append(Hand(s.landmarks.astype(np.float64), s.world.astype(np.float64), s.handedness, 0.9))
    return out


@pytest.fixture(scope="module")
def pool() -> dict[str, list[Hand]]:
    return {label: samples(label) for label in ("ok", "point", "palm", "fist", "thumbs_up", "peace")}


# --------------------------------------------------------------------------- labels on random hands


@pytest.mark.slow
def test_ok_samples_are_labelled_ok(pool):
    labels = Counter(CLF.classify(h).label for h in pool["ok"])
    assert labels["ok"] / N >= 0.9, labels


@pytest.mark.slow
@pytest.mark.parametrize("label", ["point", "fist", "thumbs_up", "peace"])
def test_other_gestures_are_never_ok(pool, label):
    gestures = [CLF.classify(h) for h in pool[label]]
    assert not [g for g in gestures if g.label == "ok"], "a non-👌 hand must never click"
    # Not even strong enough to press the pointer (PointerConfig.press_at defaults to 0.6).
    assert max(g.p("ok") for g in gestures) < 0.6


@pytest.mark.slow
def test_palm_is_never_ok(pool):
    gestures = [CLF.classify(h) for h in pool["palm"]]
    assert not [g for g in gestures if g.label == "ok"]
    assert max(g.p("ok") for g in gestures) < 0.6


@pytest.mark.slow
@pytest.mark.parametrize("label, min_rate", [("point", 0.8), ("palm", 0.8), ("fist", 0.8)])
def test_other_gestures_mostly_get_their_own_label(pool, label, min_rate):
    labels = Counter(CLF.classify(h).label for h in pool[label])
    assert labels[label] / N >= min_rate, labels


def test_canonical_poses_get_their_own_label():
    for label, pose in POSES.items():
        for handedness in ("Left", "Right"):
            world = pose_world(pose, handedness=handedness)
            assert CLF.classify(as_hand(world, handedness=handedness)).label == label


@pytest.mark.slow
def test_gesture_is_well_formed(pool):
    for hands in pool.values():
        for h in hands[:20]:
            g = CLF.classify(h)
            assert g.label in CLF.labels
            assert set(g.scores) == set(CLF.labels)
            assert 0.0 <= g.score <= 1.0
            assert 0.0 <= g.p("ok") <= 1.0
            assert (g.label == "ok") == (g.p("ok") >= 0.5)  # the label agrees with what the click sees


def test_ok_strength_on_hands_whose_geometry_is_worked_out_by_hand():
    """A hand built joint by joint: the pinch (thumb tip to index tip over wrist->middle MCP, x-y
    plane) read off the coordinates, the strength from the documented ramp (0.35 -> 0.15)."""
    import numpy as np

    def hand(pinch_gap: float) -> np.ndarray:
        w = np.zeros((21, 3))
        w[9] = (0.0, -1.0, 0.0)  # middle MCP: palm size 1
        for base, x in ((5, -0.3), (9, 0.0), (13, 0.3), (17, 0.55)):  # index..pinky: straight up
            for k in range(4):
                w[base + k] = (x, -1.0 - 0.4 * k, 0.0)
        # the index bends over to meet the thumb, whose tip sits pinch_gap to its side
        w[6], w[7], w[8] = (-0.45, -1.3, 0.0), (-0.65, -1.35, 0.0), (-0.75, -1.2, 0.0)
        w[1], w[2], w[3] = (-0.3, -0.2, 0.0), (-0.6, -0.5, 0.0), (-0.75, -0.8, 0.0)
        w[4] = (-0.75 - pinch_gap, -1.2, 0.0)
        return w

    assert ok_strength(hand(0.5)) == 0.0  # tips 0.5 palm sizes apart: no 👌
    closed = ok_strength(hand(0.05))
    half = ok_strength(hand(0.25))  # halfway along the ramp from 0.35 to 0.15
    assert closed > 0.9 and half == pytest.approx(closed * 0.5, rel=0.02)


# --------------------------------------------------------------------------- ok strength


def test_ok_strength_is_higher_for_ok_than_for_other_poses():
    ok = ok_strength(pose_world(POSES["ok"]))
    for other in ("point", "palm", "fist"):
        assert ok > ok_strength(pose_world(POSES[other])), other
    assert ok >= 0.9


@pytest.mark.slow
def test_ok_strength_separates_random_samples(pool):
    ok = [ok_strength(h.world) for h in pool["ok"]]
    others = [ok_strength(h.world) for label in ("point", "palm", "fist") for h in pool[label]]
    assert np.median(ok) > 0.9
    assert np.percentile(others, 99) < 0.1  # not max: see test_open_palm_tipped_back_is_not_ok
    assert np.mean(ok) > np.mean(others) + 0.5



# A palm drawn by synth_hand("palm", np.random.default_rng(428)) (rounded), written out so the
# reproducer does not depend on the generator's random stream.
ANGLED_PALM_POSE = HandPose.from_array([
    0.011, 0.35, 0.03, 0.393, 0.019, -0.05, -0.05, 0.0, 0.156, 0.35, -0.036, 0.052,
    0.122, 0.003, 0.111, 0.377, 0.188, 0.167, 0.172, 0.107,
])
ANGLED_PALM_SHAPE = HandShape(
    palm=(0.064, 0.0986, 0.0754, 0.0683),
    fingers=((0.0420, 0.0212, 0.0200), (0.0516, 0.0370, 0.0202), (0.0456, 0.0240, 0.0223), (0.0404, 0.0173, 0.0194)),
    thumb=(0.0385, 0.0499, 0.0283, 0.0278),
)


TIPPED_BACK = -0.42  # rad, about 24 deg: inside synth_hand's +-30 deg pitch range


def angled_palm(pitch: float) -> Hand:
    world = pose_world(ANGLED_PALM_POSE, ANGLED_PALM_SHAPE, "Left")
    s = render(world, handedness="Left", roll=0.106, yaw=0.315, pitch=pitch)
    return Hand(s.landmarks.astype(np.float64), s.world.astype(np.float64), "Left", 0.9)


def test_angled_palm_reproducer_is_an_open_hand():
    """Precondition of the test below: the reproducer really is an open hand."""
    for pitch in (0.0, TIPPED_BACK):
        world = angled_palm(pitch).world
        assert all(F.extension(world, f) >= 0.9 for f in ("index", "middle", "ring", "pinky"))
        assert np.linalg.norm(world[4] - world[8]) / F.palm_size(world) > 0.5
    assert CLF.classify(angled_palm(0.0)).p("ok") < 0.3  # facing the camera it is not a 👌


def test_open_palm_tipped_back_is_not_ok():
    g = CLF.classify(angled_palm(TIPPED_BACK))
    assert g.label != "ok"
    assert g.p("ok") < 0.6  # PointerConfig.press_at: it must not even press


@pytest.mark.parametrize("start", ["palm", "point", "fist"])
def test_half_closed_pinch_gives_intermediate_ok_strength(start):
    """Closing the hand into 👌 raises the strength continuously: no 0 -> 1 jump for hysteresis to miss."""
    s = np.linspace(0.0, 1.0, 201)
    strength = np.array([ok_strength(pose_world(interpolate(POSES[start], POSES["ok"], float(x)))) for x in s])
    assert strength[0] < 0.05 and strength[-1] > 0.95
    assert np.all((strength >= 0.0) & (strength <= 1.0))
    intermediate = s[(strength > 0.1) & (strength < 0.9)]
    assert intermediate.size >= 5, "some half-closed poses must read strictly between open and closed"
    assert np.max(np.abs(np.diff(strength))) < 0.1, "a 0.5% change of pose must not jump the strength"
    # Along the way the fingertips approach each other, so the pinch ratio falls.
    pinch = np.array([F.pinch_ratio(pose_world(interpolate(POSES[start], POSES["ok"], float(x)))) for x in s])
    assert pinch[0] > pinch[-1] * 3


def test_a_half_closed_pinch_is_between_release_and_press():
    # Walk palm -> ok until the strength first exceeds 0; some pose along the way sits mid-band.
    strengths = [ok_strength(pose_world(interpolate(POSES["palm"], POSES["ok"], float(x))))
                 for x in np.linspace(0, 1, 401)]
    assert any(0.3 < v < 0.6 for v in strengths)


# --------------------------------------------------------------------------- invariance


def rot_z(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rot_3d(a: float, b: float, c: float) -> np.ndarray:
    ca, sa, cb, sb = math.cos(a), math.sin(a), math.cos(b), math.sin(b)
    rx = np.array([[1, 0, 0], [0, ca, -sa], [0, sa, ca]])
    ry = np.array([[cb, 0, sb], [0, 1, 0], [-sb, 0, cb]])
    return rot_z(c) @ ry @ rx


MIRROR_X = np.diag([-1.0, 1.0, 1.0])


def transforms():
    """Transforms the features' docstrings promise invariance to (pinch_ratio uses x, y only)."""
    return {
        "translate": lambda w: w + np.array([0.31, -1.7, 0.45]),
        "scale_small": lambda w: w * 0.37,
        "scale_big": lambda w: w * 2.9,
        "rot_z_30": lambda w: w @ rot_z(math.radians(30)).T,
        "rot_z_-115": lambda w: w @ rot_z(math.radians(-115)).T,
        "rot_z_180": lambda w: w @ rot_z(math.pi).T,
        "mirror_x": lambda w: w @ MIRROR_X.T,
        "all": lambda w: (w @ MIRROR_X.T @ rot_z(1.1).T) * 1.6 + np.array([0.2, 0.1, -0.3]),
    }


THUMB_FIST = {"fist", "thumbs_up", "thumbs_down"}


def same_up_to_thumb_direction(a: str, b: str) -> bool:
    """Labels equal, except that turning a hand in the image plane may turn 👍 into 👎 or a sideways ✊."""
    return a == b or {a, b} <= THUMB_FIST


def feature_vector(world: np.ndarray) -> np.ndarray:
    return np.array([F.pinch_ratio(world), *(F.extension(world, f) for f in FINGERS)])


@pytest.mark.slow
@pytest.mark.parametrize("name", list(transforms()))
def test_features_and_label_are_invariant(pool, name):
    transform = transforms()[name]
    n_checked = 0
    for label, hands in pool.items():
        for h in hands[:25]:
            moved = transform(h.world)
            assert not np.allclose(moved, h.world)  # the transform really changed the landmarks
            np.testing.assert_allclose(feature_vector(moved), feature_vector(h.world), rtol=0, atol=1e-6)
            other = "Left" if h.handedness == "Right" else "Right"
            handedness = other if name in ("mirror_x", "all") else h.handedness
            before = CLF.classify(h)
            after = CLF.classify(Hand(h.landmarks, moved, handedness, h.score))
            if name.startswith(("rot", "all")):
                assert same_up_to_thumb_direction(after.label, before.label), (label, name)
            else:
                assert after.label == before.label, (label, name)
            assert after.p("ok") == pytest.approx(before.p("ok"), abs=1e-6)
            n_checked += 1
    assert n_checked == 6 * 25


@pytest.mark.slow
@given(
    idx=st.integers(0, N - 1),
    label=st.sampled_from(["ok", "point", "palm", "fist"]),
    angle=st.floats(-math.pi, math.pi),
    scale=st.floats(0.2, 5.0),
    shift=st.tuples(*[st.floats(-2, 2)] * 3),
    mirror=st.booleans(),
)
@settings(max_examples=100, deadline=None)
def test_invariance_property(pool, idx, label, angle, scale, shift, mirror):
    h = pool[label][idx]
    m = rot_z(angle) @ (MIRROR_X if mirror else np.eye(3))
    moved = scale * (h.world @ m.T) + np.array(shift)
    np.testing.assert_allclose(feature_vector(moved), feature_vector(h.world), rtol=0, atol=1e-6)
    assert same_up_to_thumb_direction(CLF.classify(Hand(h.landmarks, moved, h.handedness, h.score)).label,
                                      CLF.classify(h).label)


@pytest.mark.slow
@given(a=st.floats(-math.pi, math.pi), b=st.floats(-math.pi, math.pi), c=st.floats(-math.pi, math.pi))
@settings(max_examples=50, deadline=None)
def test_extension_is_invariant_to_any_3d_rotation(pool, a, b, c):
    # extension() is built from 3D distances only, so unlike pinch_ratio it ignores out-of-plane turns too.
    for label in ("ok", "point", "palm", "fist"):
        w = pool[label][0].world
        r = w @ rot_3d(a, b, c).T
        for f in FINGERS:
            assert F.extension(r, f) == pytest.approx(F.extension(w, f), abs=1e-6)


def test_the_rule_tells_thumbs_up_from_down_by_the_thumbs_direction():
    from kiosk.gestures.landmark_features import thumb_angle

    up = pose_world(POSES["thumbs_up"], handedness="Right")
    seen = set()
    for degrees in range(-180, 180, 15):
        world = up @ rot_z(math.radians(degrees)).T
        angle = thumb_angle(world, "Right")
        expected = "thumbs_up" if angle <= 70 else "thumbs_down" if angle >= 110 else "fist"  # sideways: neither
        assert CLF.classify(as_hand(world)).label == expected, (degrees, angle)
        seen.add(expected)
    assert seen == {"thumbs_up", "thumbs_down", "fist"}


def test_left_and_right_canonical_hands_have_equal_features():
    for label, pose in POSES.items():
        right = pose_world(pose, handedness="Right")
        left = pose_world(pose, handedness="Left")
        np.testing.assert_allclose(feature_vector(left), feature_vector(right), rtol=0, atol=1e-9)


def test_label_does_not_depend_on_where_the_hand_is_drawn():
    # Same world landmarks, rendered at different places / sizes in the frame: classify uses world only.
    world = pose_world(POSES["ok"])
    labels = {
        CLF.classify(as_hand(world, render(world, anchor=anchor, hand_height=hh).landmarks)).label
        for anchor in ((0.2, 0.3), (0.8, 0.7)) for hh in (0.2, 0.5)
    }
    assert labels == {"ok"}

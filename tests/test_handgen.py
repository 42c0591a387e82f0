"""Tests for the synthetic hand generator (kiosk.gestures.handgen).

Gesture checks are geometric facts any real hand making the gesture satisfies
(a curled finger's tip folds back nearer the wrist than its PIP joint, the OK
ring's tips touch, ...), checked on many random samples rather than against
numbers taken from the generator itself.
"""
from __future__ import annotations

import importlib
import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kiosk.gestures
from kiosk.gestures import handgen as hg

WRIST = 0
MCP = {"index": 5, "middle": 9, "ring": 13, "pinky": 17}  # PIP, DIP, TIP follow at +1, +2, +3
THUMB_IP, THUMB_TIP = 3, 4
LABELS = ("point", "ok", "palm", "fist", "thumbs_up", "peace")
N_SAMPLES = 60  # random hands per gesture property


def dist(points: np.ndarray, a: int, b: int) -> float:
    return float(np.linalg.norm(points[a].astype(np.float64) - points[b].astype(np.float64)))


def palm_size(world: np.ndarray) -> float:
    return dist(world, WRIST, MCP["middle"])


def extended(world: np.ndarray, finger: str) -> bool:
    """Tip farther from the wrist than the finger's own PIP joint."""
    return dist(world, WRIST, MCP[finger] + 3) > dist(world, WRIST, MCP[finger] + 1)


def samples(label: str, seed: int, n: int = N_SAMPLES, **kwargs) -> list[hg.SynthHand]:
    rng = np.random.default_rng(seed)
    return [hg.synth_hand(label, rng, **kwargs) for _ in range(n)]


def image_plane(landmarks: np.ndarray, aspect: float) -> np.ndarray:
    """x, y in frame-height units, so distances and angles are true to the picture."""
    return landmarks[:, :2].astype(np.float64) * np.array([aspect, 1.0])


# --------------------------------------------------------------------------- shapes and units


@pytest.mark.parametrize("label", LABELS)
def test_pose_world_shape_and_origin(label):
    world = hg.pose_world(hg.POSES[label])
    assert world.shape == (21, 3)
    assert np.all(np.isfinite(world))
    # Origin at the hand's geometric centre.
    np.testing.assert_allclose(world.mean(axis=0), 0.0, atol=1e-12)


def test_world_units_are_those_of_an_adult_hand():
    world = hg.pose_world(hg.POSES["palm"], hg.DEFAULT_SHAPE)
    assert palm_size(world) == pytest.approx(0.09, rel=0.2)
    assert dist(world, WRIST, 12) == pytest.approx(0.18, rel=0.2)
    # Every bone is between half a centimetre and ten centimetres long.
    bones = [(0, 1), (1, 2), (2, 3), (3, 4)] + [(m + k, m + k + 1) for m in MCP.values() for k in range(3)]
    bones += [(0, m) for m in MCP.values()]
    assert all(0.005 < dist(world, a, b) < 0.10 for a, b in bones)


def test_pose_world_preserves_bone_lengths_whatever_the_pose():
    shape = hg.random_shape(np.random.default_rng(4))
    ref = hg.pose_world(hg.POSES["palm"], shape)
    for label in LABELS:
        world = hg.pose_world(hg.POSES[label], shape)
        for m in MCP.values():
            for k in range(3):
                assert dist(world, m + k, m + k + 1) == pytest.approx(dist(ref, m + k, m + k + 1), abs=1e-9)
        for k in range(4):
            assert dist(world, k, k + 1) == pytest.approx(dist(ref, k, k + 1), abs=1e-9)


@pytest.mark.parametrize("label", LABELS)
def test_synth_hand_types_and_frame(label):
    for hand in samples(label, seed=1, n=10, noise_std=0.0):
        assert hand.landmarks.shape == (21, 3) and hand.landmarks.dtype == np.float32
        assert hand.world.shape == (21, 3) and hand.world.dtype == np.float32
        assert hand.handedness in ("Left", "Right")
        # Wrist is the depth reference; the default placement keeps the whole hand in the frame.
        assert hand.landmarks[WRIST, 2] == 0.0
        assert np.all((hand.landmarks[:, :2] >= 0.0) & (hand.landmarks[:, :2] <= 1.0))
        np.testing.assert_allclose(hand.world.mean(axis=0), 0.0, atol=1e-6)
        assert 0.05 < palm_size(hand.world) < 0.14


def test_random_shape_varies_within_bounds():
    rng = np.random.default_rng(0)
    default = np.array(hg.DEFAULT_SHAPE.palm)
    ratios = np.array([np.array(hg.random_shape(rng).palm) / default for _ in range(400)])
    # Overall 0.85-1.15 times per-bone N(1, 0.12) clipped at 3 sigma.
    assert ratios.min() > 0.85 * (1 - 3 * 0.12) - 1e-9 and ratios.max() < 1.15 * (1 + 3 * 0.12) + 1e-9
    assert 0.95 < ratios.mean() < 1.05
    assert ratios.std() > 0.05  # real variation, not a constant
    # With no per-bone spread, every length is scaled by the same overall factor in 0.85-1.15.
    shape = hg.random_shape(rng, spread=0.0)
    flat = np.array([*shape.palm, *sum(shape.fingers, ()), *shape.thumb])
    ref = np.array([*hg.DEFAULT_SHAPE.palm, *sum(hg.DEFAULT_SHAPE.fingers, ()), *hg.DEFAULT_SHAPE.thumb])
    factor = flat / ref
    np.testing.assert_allclose(factor, factor[0], rtol=1e-12)
    assert 0.85 <= factor[0] <= 1.15


# --------------------------------------------------------------------------- gestures


def test_ok_pose_closes_the_ring():
    world = hg.pose_world(hg.POSES["ok"])
    assert dist(world, THUMB_TIP, 8) / palm_size(world) < 0.25
    assert all(extended(world, f) for f in ("middle", "ring", "pinky"))


def test_ok_samples_keep_the_ring_closed():
    for hand in samples("ok", seed=2, n=100):
        w = hand.world
        assert dist(w, THUMB_TIP, 8) / palm_size(w) < 0.25
        # A ring, not a thumb lying along the finger: the thumb's IP and the index PIP stay apart.
        assert dist(w, THUMB_IP, 6) / palm_size(w) > 0.15
        assert all(extended(w, f) for f in ("middle", "ring", "pinky"))


def test_point():
    for hand in samples("point", seed=3):
        w = hand.world
        tips = {t: dist(w, WRIST, t) for t in (4, 8, 12, 16, 20)}
        assert max(tips, key=tips.get) == 8
        assert extended(w, "index")
        assert not any(extended(w, f) for f in ("middle", "ring", "pinky"))


def test_palm():
    for hand in samples("palm", seed=4):
        w = hand.world
        assert all(extended(w, f) for f in MCP)
        assert dist(w, WRIST, THUMB_TIP) > dist(w, WRIST, THUMB_IP)


def test_fist():
    for hand in samples("fist", seed=5):
        assert not any(extended(hand.world, f) for f in MCP)


def test_thumbs_up():
    for hand in samples("thumbs_up", seed=6):
        w = hand.world
        assert not any(extended(w, f) for f in MCP)
        tips = {t: dist(w, WRIST, t) for t in (4, 8, 12, 16, 20)}
        assert max(tips, key=tips.get) == THUMB_TIP
        # Shown thumb-up on screen (random roll of +-40 degrees around upright, plus yaw/pitch).
        xy = image_plane(hand.landmarks, 4 / 3)
        v = xy[THUMB_TIP] - xy[2]
        assert abs(math.degrees(math.atan2(v[0], -v[1]))) < 75


def test_peace():
    for hand in samples("peace", seed=7):
        w = hand.world.astype(np.float64)
        assert extended(w, "index") and extended(w, "middle")
        assert not extended(w, "ring") and not extended(w, "pinky")
        a, b = w[8] - w[5], w[12] - w[9]
        angle = math.acos(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        assert angle > 0.2  # a V, not two fingers side by side


def test_curled_fingers_come_toward_the_camera():
    # Palm facing the camera: curling a finger brings its PIP nearer the camera (smaller z) than its MCP.
    hand = hg.render(hg.pose_world(hg.POSES["fist"]))
    for m in MCP.values():
        assert hand.landmarks[m + 1, 2] < hand.landmarks[m, 2]


def test_unknown_label_rejected():
    with pytest.raises(ValueError):
        hg.synth_hand("wave", np.random.default_rng(0))


# --------------------------------------------------------------------------- rendering


@settings(max_examples=60, deadline=None)
@given(
    x=st.floats(0.0, 1.0),
    y=st.floats(0.0, 1.0),
    landmark=st.integers(0, 20),
    roll=st.floats(-math.pi, math.pi),
    aspect=st.sampled_from([4 / 3, 16 / 9, 1.0]),
)
def test_anchor_lands_exactly(x, y, landmark, roll, aspect):
    world = hg.pose_world(hg.POSES["point"])
    hand = hg.render(world, anchor=(x, y), anchor_landmark=landmark, roll=roll, yaw=0.3, pitch=-0.2, aspect=aspect)
    np.testing.assert_allclose(hand.landmarks[landmark, :2], (x, y), atol=1e-6)


def test_anchor_default_is_index_tip():
    hand = hg.render(hg.pose_world(hg.POSES["point"]), anchor=(0.3, 0.6))
    np.testing.assert_allclose(hand.landmarks[8, :2], (0.3, 0.6), atol=1e-6)


@pytest.mark.parametrize("hand_height", [0.2, 0.35, 0.6])
@pytest.mark.parametrize("aspect", [4 / 3, 16 / 9])
def test_hand_height(hand_height, aspect):
    hand = hg.render(hg.pose_world(hg.POSES["palm"]), hand_height=hand_height, aspect=aspect)
    xy = image_plane(hand.landmarks, aspect)
    assert np.linalg.norm(xy[12] - xy[WRIST]) == pytest.approx(hand_height, rel=0.10)


def test_physical_size_without_hand_height():
    world = hg.pose_world(hg.POSES["palm"])
    length = dist(world, 0, 9) + dist(world, 9, 10) + dist(world, 10, 11) + dist(world, 11, 12)
    near = image_plane(hg.render(world, hand_height=None, focal=1.2, distance=0.5).landmarks, 4 / 3)
    far = image_plane(hg.render(world, hand_height=None, focal=1.2, distance=1.0).landmarks, 4 / 3)
    span_near, span_far = np.linalg.norm(near[12] - near[0]), np.linalg.norm(far[12] - far[0])
    assert span_near == pytest.approx(1.2 * length / 0.5, rel=0.10)
    assert span_far == pytest.approx(span_near / 2, rel=0.10)


def test_perspective_nearer_joints_look_bigger():
    world = hg.pose_world(hg.POSES["palm"])
    moved = world.copy()
    moved[5:9, 2] -= 0.1  # index finger 10 cm nearer the camera
    moved[17:21, 2] += 0.1  # pinky 10 cm farther
    distance = 0.5

    def index_over_pinky(w):
        xy = image_plane(hg.render(w, distance=distance).landmarks, 4 / 3)
        return np.linalg.norm(xy[8] - xy[5]) / np.linalg.norm(xy[20] - xy[17])

    # Pinhole camera: apparent size ~ 1 / depth, so the ratio grows by depth(pinky) / depth(index).
    centre = moved.mean(axis=0)[2]
    depth_index = distance + moved[5:9, 2].mean() - centre
    depth_pinky = distance + moved[17:21, 2].mean() - centre
    gain = index_over_pinky(moved) / index_over_pinky(world)
    assert gain == pytest.approx(depth_pinky / depth_index, rel=0.05)
    assert gain > 1.3


def test_depth_is_scaled_like_x():
    world = hg.pose_world(hg.POSES["palm"])
    # Fingers pointing sideways: wrist -> middle tip spans x. Pointing at the camera: it spans z.
    sideways = hg.render(world, roll=math.pi / 2).landmarks
    at_camera = hg.render(world, pitch=math.pi / 2).landmarks
    span_x = abs(float(sideways[12, 0] - sideways[WRIST, 0]))
    span_z = float(at_camera[WRIST, 2] - at_camera[12, 2])
    assert span_z > 0  # the fingertip is nearer the camera: smaller z
    assert span_z == pytest.approx(span_x, rel=0.15)


@settings(max_examples=60, deadline=None)
@given(
    theta=st.floats(-math.pi, math.pi),
    aspect=st.sampled_from([4 / 3, 16 / 9, 1.0]),
    handedness=st.sampled_from(["Left", "Right"]),
    label=st.sampled_from(LABELS),
)
def test_roll_rotates_the_image(theta, aspect, handedness, label):
    world = hg.pose_world(hg.POSES[label], handedness=handedness)

    def wrist_to_middle_mcp_angle(roll):
        xy = image_plane(hg.render(world, roll=roll, aspect=aspect).landmarks, aspect)
        v = xy[9] - xy[WRIST]
        return math.atan2(v[1], v[0])

    turned = wrist_to_middle_mcp_angle(theta) - wrist_to_middle_mcp_angle(0.0)
    diff = (turned - theta + math.pi) % (2 * math.pi) - math.pi
    assert abs(math.degrees(diff)) < 1.0


def test_noise_needs_an_rng_and_is_reproducible():
    world = hg.pose_world(hg.POSES["palm"])
    with pytest.raises(ValueError):
        hg.render(world, noise_std=0.01)
    a = hg.render(world, noise_std=0.01, rng=np.random.default_rng(5))
    b = hg.render(world, noise_std=0.01, rng=np.random.default_rng(5))
    clean = hg.render(world)
    np.testing.assert_array_equal(a.landmarks, b.landmarks)
    offset = (a.landmarks - clean.landmarks).astype(np.float64)
    assert 0.005 < offset.std() < 0.015


# --------------------------------------------------------------------------- handedness


@pytest.mark.parametrize("label", ["palm", "ok", "peace"])
def test_right_thumb_left_in_mirrored_frame(label):
    right = hg.render(hg.pose_world(hg.POSES[label], handedness="Right"), handedness="Right")
    left = hg.render(hg.pose_world(hg.POSES[label], handedness="Left"), handedness="Left")
    assert right.handedness == "Right" and left.handedness == "Left"
    assert right.landmarks[THUMB_TIP, 0] < right.landmarks[20, 0]
    assert left.landmarks[THUMB_TIP, 0] > left.landmarks[20, 0]


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("anchor", [(0.5, 0.5), (0.3, 0.6), (0.8, 0.2)])
def test_left_is_the_mirror_of_right_around_the_anchor(label, anchor):
    kw = dict(anchor=anchor, pitch=0.2)  # pitch is about the x axis, so it commutes with an x-mirror
    right = hg.render(hg.pose_world(hg.POSES[label], handedness="Right"), handedness="Right", **kw).landmarks
    left = hg.render(hg.pose_world(hg.POSES[label], handedness="Left"), handedness="Left", **kw).landmarks
    np.testing.assert_allclose(left[:, 0] - anchor[0], -(right[:, 0] - anchor[0]), atol=1e-6)
    np.testing.assert_allclose(left[:, 1:], right[:, 1:], atol=1e-6)


def test_random_hands_keep_thumb_on_the_handed_side():
    for hand in samples("palm", seed=8, n=100):
        thumb_x, pinky_x = hand.landmarks[THUMB_TIP, 0], hand.landmarks[20, 0]
        assert (thumb_x < pinky_x) == (hand.handedness == "Right")


def test_handedness_is_random_unless_given():
    drawn = {h.handedness for h in samples("fist", seed=9, n=20)}
    assert drawn == {"Left", "Right"}
    assert {h.handedness for h in samples("fist", seed=9, n=5, handedness="Left")} == {"Left"}
    with pytest.raises(ValueError):
        hg.pose_world(hg.POSES["fist"], handedness="left")


# --------------------------------------------------------------------------- determinism and interpolation


@pytest.mark.parametrize("label", LABELS)
def test_same_seed_same_hand(label):
    a = hg.synth_hand(label, np.random.default_rng(42))
    b = hg.synth_hand(label, np.random.default_rng(42))
    c = hg.synth_hand(label, np.random.default_rng(43))
    np.testing.assert_array_equal(a.landmarks, b.landmarks)
    np.testing.assert_array_equal(a.world, b.world)
    assert a.handedness == b.handedness
    assert not np.array_equal(a.landmarks, c.landmarks)


def test_overriding_one_render_setting_keeps_the_rest_of_the_draw():
    a = hg.synth_hand("ok", np.random.default_rng(11), noise_std=0.0)
    b = hg.synth_hand("ok", np.random.default_rng(11), noise_std=0.0, roll=0.3)
    assert a.handedness == b.handedness
    # Same hand, only turned differently: all pairwise joint distances agree.
    da = np.linalg.norm(a.world[:, None] - a.world[None], axis=-1)
    db = np.linalg.norm(b.world[:, None] - b.world[None], axis=-1)
    np.testing.assert_allclose(da, db, atol=1e-6)


def test_interpolate():
    a, b = hg.POSES["point"], hg.POSES["ok"]
    assert hg.interpolate(a, b, 0.0) == a
    assert hg.interpolate(a, b, 1.0) == b
    mid = hg.interpolate(a, b, 0.5).to_array()
    va, vb = a.to_array(), b.to_array()
    assert np.all(mid >= np.minimum(va, vb) - 1e-12) and np.all(mid <= np.maximum(va, vb) + 1e-12)
    np.testing.assert_allclose(mid, (va + vb) / 2)
    with pytest.raises(ValueError):
        hg.interpolate(a, b, 1.5)


def test_hand_pose_validates_its_angles():
    with pytest.raises(ValueError):
        hg.HandPose(fingers=((0.0, 0.0, 0.0, 0.0),) * 3, thumb=(0.0, 0.0, 0.0, 0.0))
    with pytest.raises(ValueError):
        hg.HandPose(fingers=((0.0, 0.0, 0.0, 0.0),) * 4, thumb=(0.0, 0.0, 0.0))
    with pytest.raises(ValueError):
        hg.HandPose(fingers=((0.0, 0.0, float("nan"), 0.0),) * 4, thumb=(0.0, 0.0, 0.0, 0.0))
    pose = hg.HandPose(fingers=[[0, 0, 0, 0]] * 4, thumb=[0, 0, 0, 0])
    assert hg.HandPose.from_array(pose.to_array()) == pose


# --------------------------------------------------------------------------- purity


def test_imports_without_cv2_pygame_or_mediapipe(monkeypatch):
    for name in ("cv2", "pygame", "mediapipe"):
        monkeypatch.setitem(sys.modules, name, None)  # any import of these now raises ImportError
    monkeypatch.delitem(sys.modules, "kiosk.gestures.handgen")
    monkeypatch.setattr(kiosk.gestures, "handgen", hg)  # restored after the test
    fresh = importlib.import_module("kiosk.gestures.handgen")
    assert fresh is not hg
    hand = fresh.synth_hand("ok", np.random.default_rng(0))
    assert hand.landmarks.shape == (21, 3)

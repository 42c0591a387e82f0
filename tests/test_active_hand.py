"""Tests for kiosk.interaction.active_hand.ActiveHandSelector, with hands drawn by handgen.render."""
from __future__ import annotations

import numpy as np
import pytest

from kiosk.gestures.handgen import POSES, pose_world, render
from kiosk.interaction.active_hand import ActiveHandSelector
from kiosk.types import WRIST, Hand


def make_hand(x: float, y: float = 0.35, height: float = 0.3, pose: str = "point", handedness: str = "Right") -> Hand:
    """A hand whose index fingertip is at (x, y), spanning about `height` of the frame."""
    world = pose_world(POSES[pose], handedness=handedness)
    s = render(world, handedness=handedness, anchor=(x, y), hand_height=height)
    return Hand(s.landmarks.astype(np.float64), s.world.astype(np.float64), s.handedness, 0.95)


def wrist(h: Hand) -> np.ndarray:
    return h.landmarks[WRIST, :2]


def test_helper_builds_hands_of_the_requested_size_and_place():
    small, big = make_hand(0.25, height=0.2), make_hand(0.75, height=0.45)
    assert big.bbox_area > 2 * small.bbox_area
    assert big.tip == pytest.approx((0.75, 0.35), abs=1e-6)
    assert np.linalg.norm(wrist(small) - wrist(big)) > 0.4


def test_empty_list_gives_none():
    assert ActiveHandSelector().select([]) is None


def test_single_hand_is_chosen():
    assert ActiveHandSelector().select([make_hand(0.5)]) == 0


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_largest_hand_is_chosen_when_none_was_active(order):
    hands = [make_hand(0.2, height=0.2), make_hand(0.5, height=0.45), make_hand(0.8, height=0.3)]
    shuffled = [hands[k] for k in order]
    assert ActiveHandSelector().select(shuffled) == order.index(1)


def test_active_hand_keeps_control_when_a_larger_hand_appears():
    sel = ActiveHandSelector()
    assert sel.select([make_hand(0.3, height=0.2)]) == 0
    # The active hand drifts a little each frame; a much larger (nearer) hand walks in.
    for k in range(1, 10):
        active = make_hand(0.3 + 0.02 * k, 0.35 + 0.01 * k, height=0.2)
        intruder = make_hand(0.8, height=0.5)
        assert intruder.bbox_area > active.bbox_area
        assert sel.select([active, intruder]) == 0
        assert sel.select([intruder, active]) == 1


def test_remaining_hand_takes_over_when_the_active_one_disappears():
    sel = ActiveHandSelector()
    a, b = make_hand(0.25, height=0.45), make_hand(0.75, height=0.2)
    assert sel.select([a, b]) == 0  # a is larger
    assert sel.select([b]) == 0  # a left: b takes over
    # a comes back, still larger, but b now holds control.
    assert sel.select([make_hand(0.25, height=0.45), make_hand(0.76, height=0.2)]) == 1
    assert sel.select([make_hand(0.76, height=0.2), make_hand(0.25, height=0.45)]) == 0


def test_after_no_hands_the_largest_is_chosen_again():
    sel = ActiveHandSelector()
    small, big = make_hand(0.25, height=0.2), make_hand(0.75, height=0.45)
    assert sel.select([small]) == 0
    assert sel.select([]) is None
    assert sel.select([small, big]) == 1  # the memory of `small` was dropped


def test_active_hand_that_jumps_far_is_treated_as_new():
    # Matching is by wrist position; a hand that teleports across the frame is not the same hand.
    sel = ActiveHandSelector()
    small, big = make_hand(0.2, height=0.2), make_hand(0.8, height=0.45)
    assert sel.select([small]) == 0
    far_small = make_hand(0.45, 0.9, height=0.2)
    assert np.linalg.norm(wrist(far_small) - wrist(small)) > 0.2
    assert sel.select([far_small, big]) == 1


def test_active_hand_keeps_control_while_changing_pose_next_to_a_larger_other_hand():
    sel = ActiveHandSelector()
    assert sel.select([make_hand(0.7, height=0.25, pose="palm")]) == 0
    left = make_hand(0.3, height=0.5, pose="palm", handedness="Left")
    for pose in ("palm", "ok", "point", "ok", "palm"):  # the right hand clicks; its wrist barely moves
        right = make_hand(0.7, height=0.25, pose=pose)
        assert left.bbox_area > right.bbox_area
        assert sel.select([left, right]) == 1

"""Tests for kiosk.ui.hud: the operator's tuning list and the attract screen's animated hands."""
from __future__ import annotations

import numpy as np
import pytest

from kiosk.config import TRACKER_TUNABLE, TrackerConfig
from kiosk.ui.hud import TUNABLES, TrackerTuning, attract_frames


def tuning() -> TrackerTuning:
    return TrackerTuning({k: getattr(TrackerConfig(), k) for k in TRACKER_TUNABLE})


def test_the_tunable_list_is_the_configs():
    assert [t.key for t in TUNABLES] == list(TRACKER_TUNABLE)


def test_adjusting_clamps_and_tracks_what_changed():
    t = tuning()
    assert t.changed() == {}
    t.adjust(+1)  # num_hands 1 -> 2
    t.adjust(+5)  # clamped at 4
    assert t.values["num_hands"] == 4 and isinstance(t.values["num_hands"], int)
    t.move(+1)
    t.adjust(-20)  # the detection confidence never reaches 0
    assert t.values["min_hand_detection_confidence"] == 0.05
    assert t.changed() == {"num_hands": 4, "min_hand_detection_confidence": 0.05}
    t.mark_saved()
    assert t.changed() == {}
    t.move(-2)  # wraps round the list
    assert t.selected == len(TUNABLES) - 1
    assert [name for name, _ in t.rows()] == list(TRACKER_TUNABLE)
    assert dict(t.rows())["min_tracking_confidence"] == "0.50"


def test_every_valid_tuned_value_passes_the_configs_validation():
    t = tuning()
    for n in range(len(TUNABLES)):
        t.selected = n
        for steps in (-100, 100):
            t.adjust(steps)
            TrackerConfig(**t.values)  # raises if out of range


@pytest.mark.parametrize("kind", ["raise", "point", "ok", "palm"])
def test_attract_frames_fit_their_box_and_move(kind):
    frames = attract_frames(kind, 24)
    assert frames.shape == (24, 21, 2)
    assert frames.min() >= 0.0 and frames.max() <= 1.0
    assert np.abs(frames - frames[0]).max() > 0.02  # it is an animation


def test_attract_ok_closes_the_ring_midway():
    frames = attract_frames("ok", 48)
    gap = np.linalg.norm(frames[:, 4] - frames[:, 8], axis=1)  # thumb tip to index tip
    assert gap[24] < 0.5 * gap[0]


def test_unknown_icon():
    with pytest.raises(ValueError):
        attract_frames("wave")


def test_a_tuning_range_wider_than_the_settings_own_is_refused():
    from kiosk.config import _tunable

    assert (_tunable("num_hands", 1).lo, _tunable("num_hands", 1).hi) == (1, 4)  # TrackerConfig: 1..4 hands
    with pytest.raises(ValueError, match="tracker.min_tracking_confidence"):
        _tunable("min_tracking_confidence", 0.05, 0.0, 1.5)

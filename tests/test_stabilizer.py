"""kiosk.gestures.stabilizer: scripted timelines (time is an argument), no clock, no classifier."""
from __future__ import annotations

import pytest

from kiosk.gestures.stabilizer import Stabilizer, StabilizerConfig
from kiosk.types import NO_GESTURE, Gesture

FPS = 30.0


def g(label: str, score: float = 0.9, ok: float = 0.0) -> Gesture:
    scores = {"none": 0.0, "point": 0.0, "ok": ok, "fist": 0.0, label: score}
    if label == "ok":
        scores["ok"] = score
    return Gesture(label, score, scores)


def feed(stab: Stabilizer, gestures: list[Gesture], t0: float = 0.0, fps: float = FPS) -> list[Gesture]:
    return [stab.update(x, t0 + i / fps) for i, x in enumerate(gestures)]


def test_starts_as_none_and_a_label_needs_hold_and_frames():
    stab = Stabilizer(StabilizerConfig(hold=0.1, min_frames=3, min_score=0.5))
    out = feed(stab, [g("point")] * 6)
    labels = [x.label for x in out]
    # Frames at 0, 1/30, 2/30 have held for < 0.1 s; frame 3 (t = 0.1 s) is the first that has.
    assert labels == ["none", "none", "none", "point", "point", "point"]


def test_min_frames_counts_even_when_frames_are_far_apart():
    stab = Stabilizer(StabilizerConfig(hold=0.1, min_frames=3, min_score=0.5))
    out = [stab.update(g("fist"), t).label for t in (0.0, 1.0, 2.0, 3.0)]
    assert out == ["none", "none", "fist", "fist"]


def test_a_one_frame_blip_does_not_change_the_label():
    stab = Stabilizer()
    seq = [g("point")] * 10 + [g("fist")] + [g("point")] * 10
    out = feed(stab, seq)
    assert [x.label for x in out[10:]] == ["point"] * 11


def test_alternating_labels_never_win():
    stab = Stabilizer()
    feed(stab, [g("point")] * 10)
    out = feed(stab, [g("fist"), g("peace")] * 20, t0=10 / FPS)
    assert {x.label for x in out} == {"point"}


def test_a_change_is_reported_after_the_hold_not_before():
    stab = Stabilizer(StabilizerConfig(hold=0.2, min_frames=2, min_score=0.5))
    feed(stab, [g("palm")] * 10)
    t0 = 10 / FPS
    out = feed(stab, [g("fist")] * 10, t0=t0)
    first = next(i for i, x in enumerate(out) if x.label == "fist")
    assert first / FPS >= 0.2 - 1e-9
    assert (first - 1) / FPS < 0.2


def test_below_min_score_counts_as_none():
    stab = Stabilizer(StabilizerConfig(hold=0.0, min_frames=1, min_score=0.6))
    assert stab.update(g("peace", 0.55), 0.0).label == "none"
    assert stab.update(g("peace", 0.65), 0.1).label == "peace"
    # And an uncertain frame is a vote for "none", so a run of them ends the label.
    stab2 = Stabilizer(StabilizerConfig(hold=0.1, min_frames=3, min_score=0.6))
    feed(stab2, [g("peace")] * 10)
    out = feed(stab2, [g("peace", 0.4)] * 10, t0=1.0)
    assert out[0].label == "peace" and out[-1].label == "none"


def test_scores_pass_through_unchanged_every_frame():
    """The pointer needs the raw 👌 strength each frame, even while the label is held back."""
    stab = Stabilizer()
    feed(stab, [g("point")] * 10)
    strengths = [0.1, 0.4, 0.7, 0.95, 0.8, 0.2]
    for i, s in enumerate(strengths):
        raw = g("ok", s) if s >= 0.5 else g("point", 0.9, ok=s)
        out = stab.update(raw, 1.0 + i / FPS)
        assert out.scores == raw.scores
        assert out.p("ok") == s


def test_score_is_this_frames_score_for_the_reported_label():
    stab = Stabilizer(StabilizerConfig(hold=0.0, min_frames=1, min_score=0.5))
    stab.update(g("palm", 0.8), 0.0)
    out = stab.update(Gesture("fist", 0.3, {"palm": 0.25, "fist": 0.3}), 0.1)  # below min_score: no vote for fist
    assert out.label == "none"
    assert out.score == 0.0  # no "none" score given
    out = stab.update(Gesture("palm", 0.7, {"palm": 0.7, "none": 0.2}), 0.2)
    assert (out.label, out.score) == ("palm", 0.7)


def test_no_hand_is_none():
    stab = Stabilizer(StabilizerConfig(hold=0.05, min_frames=2, min_score=0.5))
    feed(stab, [g("palm")] * 5)
    out = feed(stab, [NO_GESTURE] * 5, t0=1.0)
    assert out[-1].label == "none"


def test_time_must_not_go_backwards():
    stab = Stabilizer()
    stab.update(g("point"), 1.0)
    stab.update(g("point"), 1.0)  # the same time twice is allowed
    with pytest.raises(ValueError, match="backwards"):
        stab.update(g("point"), 0.5)


def test_reset_forgets_the_label():
    stab = Stabilizer()
    feed(stab, [g("fist")] * 10)
    assert stab.label == "fist"
    stab.reset()
    assert stab.label == "none"
    assert stab.update(g("fist"), 0.0).label == "none"  # and time may start again


@pytest.mark.parametrize("kwargs", [{"hold": -0.1}, {"min_frames": 0}, {"min_score": 1.5}, {"min_score": -0.1}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        StabilizerConfig(**kwargs)

"""The vision stage (kiosk/vision/stage.py) is owned by the thread that calls track(): a retune
asked for on the UI thread is carried out there, and its stage times travel in the result."""
from __future__ import annotations

import threading

import numpy as np

from kiosk.errors import KioskError
from kiosk.gestures.classifier import RuleClassifier
from kiosk.gestures.handgen import synth_hand
from kiosk.types import Frame, Hand
from kiosk.vision.stage import VisionStage

IMAGE = np.zeros((48, 64, 3), np.uint8)


class FakeTracker:
    def __init__(self, hands=()):
        self.hands, self.closed, self.threads = list(hands), False, []

    def process(self, frame):
        self.threads.append(threading.get_ident())
        return self.hands

    def close(self):
        self.closed = True


def a_hand() -> Hand:
    s = synth_hand("point", np.random.default_rng(1))
    return Hand(s.landmarks, s.world, s.handedness, 0.9)


def test_a_retune_is_carried_out_by_the_thread_that_tracks():
    built_on = []

    def make(settings):
        built_on.append((threading.get_ident(), settings))
        return FakeTracker()

    first = FakeTracker()
    stage = VisionStage(first, RuleClassifier(), None, make)
    stage.request_retune("new settings")  # the UI thread asks ...
    assert stage.tracker is first and not built_on  # ... and nothing happens on its thread
    worker = threading.Thread(target=lambda: stage.track(Frame(IMAGE, 0.0, 0)))
    worker.start()
    worker.join()
    assert built_on == [(worker.ident, "new settings")]
    assert first.closed and stage.tracker is not first and stage.tracker.threads == [worker.ident]
    stage.track(Frame(IMAGE, 0.1, 1))  # asked once, done once
    assert len(built_on) == 1


def test_a_failed_retune_keeps_the_tracker_and_says_why():
    def broken(settings):
        raise KioskError("model missing")

    first = FakeTracker()
    stage = VisionStage(first, RuleClassifier(), None, broken)
    stage.request_retune("x")
    stage.track(Frame(IMAGE, 0.0, 0))
    assert stage.tracker is first and not first.closed
    assert stage.notes.take(timeout=0) == "tracker not changed: model missing"


def test_stage_times_travel_with_the_result():
    empty = VisionStage(FakeTracker(), RuleClassifier())
    assert [name for name, _ in empty.track(Frame(IMAGE, 0.0, 0)).timings] == ["landmarks"]
    seen = VisionStage(FakeTracker([a_hand()]), RuleClassifier())
    tracked = seen.track(Frame(IMAGE, 0.0, 0))
    assert [name for name, _ in tracked.timings] == ["landmarks", "classify"]
    assert all(seconds >= 0 for _, seconds in tracked.timings) and tracked.active == 0

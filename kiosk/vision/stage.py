"""The vision stage: Frame -> Tracked (hands, the active one, its gesture). Owned by one thread.

For a camera this runs on the inference thread (kiosk/loop.py); for a recording, on the
one loop thread. Either way the stage's state (the tracker, the active-hand selector, the
classifier, the stabiliser) is touched by its own thread only. Two things cross to it
from the UI thread, each through a one-slot buffer (kiosk/threads.py):

- retuning: the debug overlay's new tracker settings (`request_retune`); the stage builds
  the new tracker between two frames and closes the old one;
- its answers about retuning go back through `notes` (e.g. "tracker not changed: ...").

Per-frame stage times travel inside the Tracked value (`timings`), so the UI thread merges
them into its statistics: no counter is written by two threads.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.errors import KioskError
from kiosk.gestures.features import pinch_ratio
from kiosk.gestures.stabilizer import Stabilizer, StabilizerConfig
from kiosk.interaction.active_hand import ActiveHandSelector
from kiosk.threads import LatestSlot
from kiosk.types import NO_GESTURE, Frame, Gesture, Hand


@dataclass(frozen=True, eq=False)
class Tracked:
    """One frame after vision: the vision stage's output, the interaction session's input."""

    frame: Frame
    hands: list[Hand]
    active: int | None
    """Index into hands of the hand that drives the cursor."""
    gesture: Gesture
    pinch: float | None
    """Active hand's thumb-index distance / palm size, None without a hand."""
    infer_ms: float = 0.0
    """Hand tracking time for this frame, ms (the debug overlay shows it)."""
    timings: tuple[tuple[str, float], ...] = ()
    """(stage, seconds) measured on the vision thread for this frame: "landmarks", "classify"."""


class VisionStage:
    """Tracker, active hand, classifier and stabiliser. `track(frame)` is its only per-frame call."""

    def __init__(self, tracker, classifier, stabilizer: StabilizerConfig | None = None,
                 make_tracker: Callable[[object], object] | None = None):
        """make_tracker(settings) -> a new tracker with TrackerConfig `settings` (None: retuning
        applies at the next start only)."""
        self.tracker = tracker
        self.classifier = classifier
        self.selector = ActiveHandSelector()
        self.stabilizer = Stabilizer(stabilizer) if stabilizer is not None else None
        self.make_tracker = make_tracker
        self._retune: LatestSlot[object] = LatestSlot()
        self.notes: LatestSlot[str] = LatestSlot()
        """What became of a retune request (read by the UI thread)."""

    def request_retune(self, settings) -> None:
        """From the UI thread: rebuild the tracker with these settings before the next frame."""
        self._retune.put(settings)

    def track(self, frame: Frame) -> Tracked:
        self._apply_retune()
        clock = time.perf_counter
        t0 = clock()
        hands = self.tracker.process(frame)
        t1 = clock()
        active = self.selector.select(hands)
        hand = hands[active] if active is not None else None
        gesture = self.classifier.classify(hand) if hand is not None else NO_GESTURE
        pinch = pinch_ratio(hand.world) if hand is not None else None
        timings = (("landmarks", t1 - t0),) + ((("classify", clock() - t1),) if hand is not None else ())
        if self.stabilizer is not None:
            if hand is None:
                self.stabilizer.reset()
            else:
                gesture = self.stabilizer.update(gesture, frame.t)
        return Tracked(frame, hands, active, gesture, pinch, (t1 - t0) * 1000, timings)

    def _apply_retune(self) -> None:
        settings = self._retune.take(timeout=0)
        if settings is None or self.make_tracker is None:
            return
        try:
            tracker = self.make_tracker(settings)
        except KioskError as e:
            self.notes.put(f"tracker not changed: {e}")
            return
        old, self.tracker = self.tracker, tracker
        old.close()

    def close(self) -> None:
        self.tracker.close()

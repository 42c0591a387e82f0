"""Gesture -> a label that holds still. Pure; time is an argument.

A classifier labels each frame on its own, so a hand that moves between two poses, or
sits at a boundary, flickers between labels. `Stabilizer.update(gesture, t)` reports a
new label only after it has won every frame for at least `hold` seconds *and*
`min_frames` frames (at 30 fps the defaults mean 0.1 s = 3-4 frames); until then the
previous label stays. A frame whose score is below `min_score` counts as "none".

`scores` pass through unchanged, every frame: the pointer needs the raw, continuous
`scores["ok"]` for its own press/release hysteresis, and delaying it here would delay
every click.
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.types import Gesture


@dataclass(frozen=True)
class StabilizerConfig:
    hold: float = 0.1
    """Seconds a new label must win every frame before it is reported."""
    min_frames: int = 3
    """...and the number of consecutive frames it must win (whichever is longer)."""
    min_score: float = 0.5
    """A label scored below this counts as "none"."""

    def __post_init__(self) -> None:
        if not self.hold >= 0:
            raise ValueError("hold must be >= 0 seconds")
        if self.min_frames < 1:
            raise ValueError("min_frames must be >= 1")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError("min_score must be within 0..1")


class Stabilizer:
    def __init__(self, config: StabilizerConfig = StabilizerConfig()):
        self.config = config
        self.reset()

    def reset(self) -> None:
        """Forget everything: the label is "none" until a new one has held."""
        self.label = "none"
        self._candidate = "none"
        self._since: float | None = None
        self._frames = 0
        self._last_t: float | None = None

    def update(self, gesture: Gesture, t: float) -> Gesture:
        """The stable label at time t (s, the frame's own time; never decreasing).

        Returns Gesture(stable label, this frame's score for it, this frame's scores unchanged).
        """
        if self._last_t is not None and t < self._last_t:
            raise ValueError(f"time went backwards: {t} after {self._last_t}")
        self._last_t = t
        cfg = self.config
        raw = gesture.label if gesture.score >= cfg.min_score else "none"
        if raw != self._candidate or self._since is None:
            self._candidate, self._since, self._frames = raw, t, 1
        else:
            self._frames += 1
        if (self._candidate != self.label and self._frames >= cfg.min_frames
                and t - self._since >= cfg.hold - 1e-9):
            self.label = self._candidate
        if self.label == gesture.label:
            score = gesture.score
        else:
            score = float(gesture.scores.get(self.label, 0.0))
        return Gesture(self.label, score, dict(gesture.scores))

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

from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass as settings_dataclass

from kiosk.settings import SETTINGS
from kiosk.types import Gesture


# The ranges, named so the config's [gestures] section (kiosk.gestures.model.GestureConfig) reuses them.
HoldSeconds = Annotated[float, Field(ge=0)]
MinFrames = Annotated[int, Field(ge=1)]
MinScore = Annotated[float, Field(ge=0, le=1)]


@settings_dataclass(frozen=True, config=SETTINGS)
class StabilizerConfig:
    hold: HoldSeconds = 0.1
    """Seconds a new label must win every frame before it is reported."""
    min_frames: MinFrames = 3
    """...and the number of consecutive frames it must win (whichever is longer)."""
    min_score: MinScore = 0.5
    """A label scored below this counts as "none"."""


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

"""Which of several hands drives the cursor. Pure.

The hand that was active last keeps control while it stays in view (matched by wrist
position between frames); otherwise the largest hand, i.e. the one nearest the kiosk,
takes over. Other hands are drawn dimmed and ignored.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from kiosk.types import WRIST, Hand

MATCH_DISTANCE = 0.2
"""Max wrist movement between frames (normalised frame units) to count as the same hand."""


class ActiveHandSelector:
    def __init__(self) -> None:
        self._wrist: tuple[float, float] | None = None

    def select(self, hands: Sequence[Hand]) -> int | None:
        """Index into `hands` of the active hand, or None when there is none."""
        if not hands:
            self._wrist = None
            return None
        chosen = None
        if self._wrist is not None:
            dist = [math.dist(self._wrist, h.landmarks[WRIST, :2]) for h in hands]
            nearest = min(range(len(hands)), key=dist.__getitem__)
            if dist[nearest] <= MATCH_DISTANCE:
                chosen = nearest
        if chosen is None:
            chosen = max(range(len(hands)), key=lambda k: hands[k].bbox_area)
        self._wrist = (float(hands[chosen].landmarks[WRIST, 0]), float(hands[chosen].landmarks[WRIST, 1]))
        return chosen

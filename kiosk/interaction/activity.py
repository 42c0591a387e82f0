"""Is the shopper doing anything? Hand movement, for the inactivity countdown. Pure.

A hand left still in view (someone reading, or a hand in a poster behind the kiosk)
must not keep a session open forever; any real movement of the hand should. `Motion`
says True when the cursor has moved more than `tolerance_px` from where it last did,
so tracking jitter of a resting hand does not count.
"""
from __future__ import annotations

import math


class Motion:
    def __init__(self, tolerance_px: float):
        self.tolerance_px = tolerance_px
        self._at: tuple[float, float] | None = None

    def update(self, cursor: tuple[float, float] | None) -> bool:
        """cursor: screen px, or None without a hand. True when this frame counts as activity."""
        if cursor is None:
            self._at = None
            return False
        if self._at is None or math.dist(cursor, self._at) > self.tolerance_px:
            self._at = (float(cursor[0]), float(cursor[1]))
            return True  # a hand appearing counts too
        return False

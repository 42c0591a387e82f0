"""The One Euro filter (Casiez, Roussel, Vogel, CHI 2012). Pure.

A low-pass filter whose cutoff rises with speed: a resting hand is held still (low
cutoff kills jitter) and a moving hand is followed closely (high cutoff kills lag).
Timestamps are given by the caller, in seconds.
"""
from __future__ import annotations

import math


def _alpha(cutoff_hz: float, dt: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Filters one scalar signal.

    min_cutoff: Hz, the cutoff at rest (lower = steadier, laggier).
    beta: s/unit, how fast the cutoff grows with speed (higher = less lag when moving).
    d_cutoff: Hz, cutoff for the speed estimate itself.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0):
        # Written as "not (x > 0)" so that NaN is refused too.
        if not (min_cutoff > 0 and d_cutoff > 0) or math.isinf(min_cutoff) or math.isinf(d_cutoff):
            raise ValueError("min_cutoff and d_cutoff must be finite and > 0 Hz")
        if not (0 <= beta < math.inf):
            raise ValueError("beta must be finite and >= 0")
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.reset()

    def reset(self) -> None:
        self._x: float | None = None
        self._dx = 0.0
        self._t = 0.0

    def __call__(self, x: float, t: float) -> float:
        """Filter sample `x` taken at time `t` (s). Non-increasing t returns the last value."""
        if self._x is None:
            self._x, self._t = x, t
            return x
        dt = t - self._t
        if dt <= 0:
            return self._x
        dx = (x - self._x) / dt
        self._dx += _alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        self._t = t
        return self._x


class OneEuroFilter2D:
    """Two independent One Euro filters for a point (x, y)."""

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0):
        self.fx = OneEuroFilter(min_cutoff, beta, d_cutoff)
        self.fy = OneEuroFilter(min_cutoff, beta, d_cutoff)

    def reset(self) -> None:
        self.fx.reset()
        self.fy.reset()

    def __call__(self, p: tuple[float, float], t: float) -> tuple[float, float]:
        return self.fx(p[0], t), self.fy(p[1], t)

"""Target magnetism: near a target the cursor is drawn toward its centre. Pure.

`magnetize(p, targets, strength, radius)` moves the cursor p (screen px) a fraction of
the way toward the nearest target's centre line: the centre of a square button, the
horizontal mid-line of a wide one (so a wide button does not drag the cursor sideways).
The pull is `strength` inside the target and fades to nothing `radius` px outside it,
and also as another target gets as near as this one, so the cursor never jumps where
two targets' pulls meet.

Why no target becomes unreachable, however small or crowded: a point inside a target
is only ever moved toward that same target's centre line, which lies inside it, so it
stays inside (a rectangle is convex); and a move that would land in any other target
than the nearest one is not made. Whatever is under the raw cursor stays under the
drawn one; magnetism only adds a margin around targets, never takes any away.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

Box = tuple[float, float, float, float]
"""x, y, w, h in screen px."""


def distance(p: tuple[float, float], r: Box) -> float:
    """Distance from p to rectangle r (0 inside)."""
    x, y, w, h = r
    dx = max(x - p[0], 0.0, p[0] - (x + w))
    dy = max(y - p[1], 0.0, p[1] - (y + h))
    return math.hypot(dx, dy)


def core_point(p: tuple[float, float], r: Box) -> tuple[float, float]:
    """The point of r's centre line nearest to p: the centre of a square, the mid-line of a long rectangle."""
    x, y, w, h = r
    half = min(w, h) / 2
    return min(max(p[0], x + half), x + w - half), min(max(p[1], y + half), y + h - half)


def _inside(p: tuple[float, float], r: Box) -> bool:
    x, y, w, h = r
    return x <= p[0] < x + w and y <= p[1] < y + h


def magnetize(p: tuple[float, float], targets: Sequence[Box], strength: float, radius: float) -> tuple[float, float]:
    """The cursor as drawn and hit-tested: p (screen px) pulled toward the nearest target.

    strength: 0..1, the fraction of the way to the centre line moved inside a target
    (0 = off). radius: px outside a target where the pull has faded to 0.
    """
    if strength <= 0 or not targets:
        return p
    ranked = sorted((distance(p, r), n) for n, r in enumerate(targets))
    d, nearest = ranked[0]
    if d >= radius and d > 0:
        return p
    d2 = ranked[1][0] if len(ranked) > 1 else math.inf
    fade = 1.0 - d / radius if radius > 0 else 1.0
    share = 1.0 if math.isinf(d2) else (d2 - d) / (d2 + d) if d2 + d > 0 else 0.0
    pull = strength * fade * share
    if pull <= 0:
        return p
    r = targets[nearest]
    q = core_point(p, r)
    moved = (p[0] + pull * (q[0] - p[0]), p[1] + pull * (q[1] - p[1]))
    for n, other in enumerate(targets):
        if n != nearest and _inside(moved, other):
            return p
    return moved

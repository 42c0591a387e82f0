"""Per-frame values the renderer draws besides the layout, and the operator's tuning list. Pure.

`Hud` is what changes every frame (cursor, rings, the held gesture, animation time);
the `Layout` is what changes only when the screen's content does. `DebugInfo` feeds
the operator's overlay, and `TrackerTuning` is the list of MediaPipe settings the
operator adjusts there (arrow keys) and saves to the config (Ctrl+S).
`attract_frames` precomputes the attract screen's animated hands once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kiosk.config import TRACKER_TUNABLES

POINT_OK_SECONDS = 3.2
"""One loop of the attract screen's big hand: it points its way to a target, makes the 👌 on it, opens."""
POINT_OK_CLICK = (0.5, 0.78)
"""The part of that loop (fractions) in which the hand is closed on the target: the target flashes then."""


@dataclass(frozen=True)
class Hud:
    now: float
    """Seconds; drives the animations (the frame's time, or the wall clock between camera frames)."""
    cursor: tuple[float, float] | None
    """Where the cursor is drawn, screen px (after magnetism), or None when hidden."""
    pressed: bool = False
    ok: float = 0.0
    """👌 strength 0..1: the press progress on the ring."""
    dwell: float = 0.0
    """Dwell progress 0..1 on the ring."""
    start: float | None = None
    """Attract screen: 0..1 of the hand hold that starts a session."""
    holding: tuple[str, float] | None = None
    """A held gesture's action ("Back") and 0..1 of its hold."""
    grabbing: bool = False
    clicked_at: float | None = None
    """When the last selection happened (s): the cursor pulses."""
    screen_since: float = 0.0
    """When the current screen appeared (s): the screen's entrance and the receipt's celebration start then."""
    outside: tuple[int, int] | None = None
    """The fingertip has left the active region this way (x, y each -1, 0 or 1): arrows at the screen's
    edge show where to bring the hand back; None while it is inside."""


@dataclass(frozen=True)
class DebugInfo:
    """The operator's overlay."""

    fps: float
    """Frames drawn per second."""
    camera_fps: float
    """Camera frames processed per second."""
    infer_ms: float
    """Hand tracking time of the last frame, ms."""
    hands: tuple[tuple[str, float], ...]
    """(handedness, score) of each hand; the active one first."""
    gesture: str
    scores: tuple[tuple[str, float], ...]
    region: tuple[float, float, float, float]
    """The pointer's active region, normalised in the mirrored frame."""
    settings: tuple[tuple[str, str], ...]
    """(name, value) of the tunable tracker settings."""
    selected: int
    message: str = ""


TUNABLES = TRACKER_TUNABLES
"""The overlay's list, in order: the config declares which tracker settings are tunable, and how."""


@dataclass
class TrackerTuning:
    """The operator's edits to the tracker settings: select with up/down, change with left/right."""

    values: dict[str, float]
    selected: int = 0
    saved: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.saved = dict(self.values)

    def move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(TUNABLES)

    def adjust(self, steps: int) -> None:
        t = TUNABLES[self.selected]
        value = min(max(self.values[t.key] + steps * t.step, t.lo), t.hi)
        self.values[t.key] = int(round(value)) if t.integer else round(value, 2)

    def changed(self) -> dict[str, float]:
        """The settings that differ from the saved ones."""
        return {k: v for k, v in self.values.items() if v != self.saved.get(k)}

    def mark_saved(self) -> None:
        self.saved = dict(self.values)

    def rows(self) -> tuple[tuple[str, str], ...]:
        return tuple((t.key, str(self.values[t.key]) if t.integer else f"{self.values[t.key]:.2f}") for t in TUNABLES)


def attract_frames(kind: str, n: int = 48) -> np.ndarray:
    """(n, 21, 2) landmark positions, normalised to a unit box, of one loop of an attract icon's hand.

    kind: raise (a hand rising into view, pointing: any hand starts, and the open hand
    is kept for "back"), point (a pointing hand sweeping side to side), ok (pointing,
    closing into the OK sign, opening), palm (an open hand waving), point-ok (a pointing
    hand moving onto a target at the box's centre-top, closing into the 👌 there during
    POINT_OK_CLICK, opening again).
    """
    from kiosk.gestures.handgen import POSES, interpolate, pose_world, render

    out = np.empty((n, 21, 2), np.float32)
    for k in range(n):
        s = k / n
        wave = 0.5 - 0.5 * math.cos(2 * math.pi * s)  # 0 -> 1 -> 0 over the loop
        roll, yaw, dx, dy = 0.0, 0.0, 0.0, 0.0
        if kind == "raise":
            pose, dy = POSES["point"], 0.25 * (1 - min(1.0, 1.6 * s))
        elif kind == "point":
            pose, dx = POSES["point"], 0.16 * math.sin(2 * math.pi * s)
        elif kind == "ok":  # turned so the ring of thumb and index shows
            pose, yaw = interpolate(POSES["point"], POSES["ok"], min(1.0, 1.6 * wave)), 0.9
        elif kind == "palm":
            pose, roll = POSES["palm"], 0.3 * math.sin(2 * math.pi * s)
        elif kind == "point-ok":
            a, b = POINT_OK_CLICK
            travel = min(1.0, s / (a - 0.12))
            ease = 1 - (1 - travel) ** 3
            dx, dy = -0.22 * (1 - ease), 0.12 * (1 - ease)
            close = min(1.0, max(0.0, (s - (a - 0.12)) / 0.12)) if s < b else max(0.0, 1 - (s - b) / 0.1)
            pose, yaw = interpolate(POSES["point"], POSES["ok"], close), 0.7 * close
        else:
            raise ValueError(f"unknown attract icon {kind!r}")
        hand = render(pose_world(pose), anchor=(0.5 + dx, 0.62 + dy), anchor_landmark=0, hand_height=0.62,
                      aspect=1.0, roll=roll, yaw=yaw)
        out[k] = hand.landmarks[:, :2]
    # fit every frame into the box with the same transform, so the loop does not wobble in size
    lo, hi = out.reshape(-1, 2).min(axis=0), out.reshape(-1, 2).max(axis=0)
    scale = 0.84 / float(max(hi - lo))
    centre = (lo + hi) / 2
    return ((out - centre) * scale + 0.5).astype(np.float32)

"""Fingertip + 👌 strength -> cursor (screen px) and press / release / click events. Pure.

Per frame the app calls `Pointer.update(t, tip, ok)` with the frame's time (s), the
active hand's index fingertip (normalised, mirrored frame; None when no hand) and the 👌
strength in [0, 1] from the classifier. The pointer

- maps the fingertip from the *active region* of the frame to the whole screen, so
  nobody has to stretch to the frame's edge;
- smooths it with a One Euro filter on the frames' own timestamps;
- turns the 👌 strength into press/release with hysteresis (press at >= `press_at` held
  for `min_hold` s, release at <= `release_at` held for `min_release` s), so one 👌 is
  exactly one click, even from a classifier whose strength steps from 0 to 1 and flickers
  for a frame at the boundary;
- compensates the click jump: closing the 👌 drags the fingertip, so the press, the
  release and the click all land where the cursor was just before the hand started
  closing, and the cursor stays frozen there while pressed. "Started closing" is the
  last moment the pinch (thumb-index distance / palm size) was still within
  `open_fraction` of its largest value in the last `anchor_lookback` seconds: the 👌
  strength itself rises only at the end of the movement, when the fingertip has
  already slid (measured on the demo hand: a whole catalog row);
- after the hand is lost for `lost_grace` s, cancels a press and hides the cursor.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from pydantic import Field, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass as settings_dataclass

from kiosk.interaction.one_euro import OneEuroFilter2D
from kiosk.settings import SETTINGS
from kiosk.types import DEFAULT_ACTIVE_REGION, PointerEvent, PointerKind, Region


@settings_dataclass(frozen=True, config=SETTINGS)
class PointerConfig:
    active_region: Region = DEFAULT_ACTIVE_REGION
    """x0, y0, x1, y1, normalised in the mirrored frame; mapped onto the whole screen."""
    min_cutoff: float = Field(1.0, gt=0)
    """One Euro cutoff at rest, Hz (lower = steadier cursor)."""
    beta: float = Field(20.0, ge=0)
    """One Euro speed coefficient, per (active-region widths / s)."""
    press_at: float = Field(0.6, gt=0, le=1)
    """👌 strength at which a press starts."""
    release_at: float = Field(0.3, ge=0, lt=1)
    """👌 strength at which a press ends; below press_at, so one 👌 is one click."""
    min_hold: float = Field(0.06, ge=0)
    """Seconds the 👌 strength must stay >= press_at before it is a press."""
    min_release: float = Field(0.05, ge=0)
    """Seconds the 👌 strength must stay <= release_at before the press is released (and clicks)."""
    lost_grace: float = Field(0.3, gt=0)
    """Seconds without a hand before a press is cancelled and the cursor hidden."""
    anchor_lookback: float = Field(0.6, gt=0)
    """Seconds of history searched for where the hand started closing."""
    open_fraction: float = Field(0.9, gt=0, le=1)
    """The hand counts as still open while its pinch is at least this fraction of its recent maximum."""

    @field_validator("active_region")
    @classmethod
    def _region(cls, region: Region) -> Region:
        x0, y0, x1, y1 = region
        if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
            raise ValueError("must be x0 < x1, y0 < y1 within [0, 1]")
        return region

    @field_validator("release_at")
    @classmethod
    def _below_press(cls, release_at: float, info: ValidationInfo) -> float:
        if "press_at" in info.data and not release_at < info.data["press_at"]:
            raise ValueError(f"must be below press_at ({info.data['press_at']})")
        return release_at


@dataclass(frozen=True)
class PointerState:
    """What the UI needs to draw the cursor. cursor: screen px or None when hidden."""

    cursor: tuple[float, float] | None
    pressed: bool
    ok: float
    """👌 strength this frame, 0..1 (drawn as the ring's fill)."""
    events: tuple[PointerEvent, ...] = field(default=())


@dataclass
class _Sample:
    t: float
    pos: tuple[float, float]
    pinch: float


class Pointer:
    def __init__(self, screen_size: tuple[int, int], config: PointerConfig = PointerConfig()):
        self.config = config
        self.screen_size = screen_size
        self._filter = OneEuroFilter2D(config.min_cutoff, config.beta)
        self._history: deque[_Sample] = deque()
        self._last_seen: float | None = None
        self._cursor: tuple[float, float] | None = None
        self._closing_since: float | None = None
        self._opening_since: float | None = None
        self._anchor: tuple[float, float] | None = None  # set while pressed

    @property
    def pressed(self) -> bool:
        return self._anchor is not None

    def to_region(self, tip: tuple[float, float]) -> tuple[float, float]:
        """Normalised mirrored-frame point -> [0, 1] x [0, 1] inside the active region (clamped)."""
        x0, y0, x1, y1 = self.config.active_region
        u = min(max((tip[0] - x0) / (x1 - x0), 0.0), 1.0)
        v = min(max((tip[1] - y0) / (y1 - y0), 0.0), 1.0)
        return u, v

    def to_screen(self, tip: tuple[float, float]) -> tuple[float, float]:
        """Normalised mirrored-frame point -> screen px, through the active region (clamped)."""
        u, v = self.to_region(tip)
        w, h = self.screen_size
        return u * (w - 1), v * (h - 1)

    def to_frame(self, pos: tuple[float, float]) -> tuple[float, float]:
        """Screen px -> normalised mirrored-frame point: the inverse of to_screen inside the region."""
        x0, y0, x1, y1 = self.config.active_region
        w, h = self.screen_size
        return x0 + pos[0] / (w - 1) * (x1 - x0), y0 + pos[1] / (h - 1) * (y1 - y0)

    def update(self, t: float, tip: tuple[float, float] | None, ok: float, pinch: float = 1.0) -> PointerState:
        """Advance to time t (s).

        tip: index fingertip, normalised, mirrored frame, or None if no hand. ok: 👌 strength
        0..1. pinch: thumb-index tip distance / palm size (only its trend matters).
        """
        if tip is None:
            return self._update_lost(t)
        self._last_seen = t
        # Filter in active-region units, so beta means the same at every screen size.
        u, v = self._filter(self.to_region(tip), t)
        w, h = self.screen_size
        pos = (min(max(u, 0.0), 1.0) * (w - 1), min(max(v, 0.0), 1.0) * (h - 1))
        self._remember(_Sample(t, pos, pinch))
        events: list[PointerEvent] = []
        cfg = self.config
        if self._anchor is None:
            self._cursor = pos
            if ok >= cfg.press_at:
                if self._closing_since is None:
                    self._closing_since = t
                if t - self._closing_since >= cfg.min_hold - 1e-9:
                    self._anchor = self._where_closing_started()
                    self._cursor = self._anchor
                    events.append(PointerEvent(PointerKind.PRESS, self._anchor, t))
            else:
                self._closing_since = None
        elif ok <= cfg.release_at:
            if self._opening_since is None:
                self._opening_since = t
            if t - self._opening_since >= cfg.min_release - 1e-9:
                anchor, self._anchor, self._closing_since, self._opening_since = self._anchor, None, None, None
                events.append(PointerEvent(PointerKind.RELEASE, anchor, t))
                events.append(PointerEvent(PointerKind.CLICK, anchor, t))
                self._cursor = pos
        else:
            self._opening_since = None
        return PointerState(self._cursor, self.pressed, ok, tuple(events))

    def _update_lost(self, t: float) -> PointerState:
        if self._last_seen is None or t - self._last_seen <= self.config.lost_grace:
            return PointerState(self._cursor, self.pressed, 0.0)
        events: tuple[PointerEvent, ...] = ()
        if self._anchor is not None:
            events = (PointerEvent(PointerKind.CANCEL, self._anchor, t),)
        self._anchor = self._closing_since = self._opening_since = self._last_seen = self._cursor = None
        self._filter.reset()
        self._history.clear()
        return PointerState(None, False, 0.0, events)

    def _remember(self, sample: _Sample) -> None:
        self._history.append(sample)
        while self._history and sample.t - self._history[0].t > self.config.anchor_lookback:
            self._history.popleft()

    def _where_closing_started(self) -> tuple[float, float]:
        """Cursor at the last sample whose pinch was still near its recent maximum."""
        still_open = self.config.open_fraction * max(s.pinch for s in self._history)
        for s in reversed(self._history):
            if s.pinch >= still_open:
                return s.pos
        return self._history[0].pos

"""Dwell-to-select: holding the cursor on a target selects it, an accessibility fallback to the 👌. Pure.

Per frame the app calls `Dwell.update(t, cursor, target, eligible)` with the frame's time
(s), the cursor (screen px), the id of the target under it and whether dwelling is
allowed now (the hand is pointing, nothing is pressed). Once the cursor has stayed on
the same target for `settle` s (so sweeping across buttons does nothing), the ring
fills over `seconds` s; full, it selects that target once.

After a selection the dwell is spent until the cursor leaves every target or moves
`rearm_px` away: otherwise a cursor resting where "Checkout" was would go on to
select whatever the next screen puts there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field
from pydantic.dataclasses import dataclass as settings_dataclass

from kiosk.settings import SETTINGS


DwellSeconds = Annotated[float, Field(ge=0.3, le=2.0)]
"""The ring's fill time: under 0.3 s a glance selects, over 2 s nobody holds still that long."""
SettleSeconds = Annotated[float, Field(ge=0.0, le=1.0)]


@settings_dataclass(frozen=True, config=SETTINGS)
class DwellConfig:
    seconds: DwellSeconds = 1.0
    """Seconds the ring takes to fill, 0.3-2.0."""
    settle: SettleSeconds = 0.3
    """Seconds on a target before the ring starts filling."""
    rearm_px: float = Field(40.0, ge=0)
    """After a selection, how far (screen px) the cursor must move before it can dwell again."""


@dataclass(frozen=True)
class DwellState:
    target: str | None
    """The target being dwelt on, if any."""
    progress: float
    """0..1: the ring's fill."""
    selected: str | None = None
    """The target selected this frame."""


IDLE = DwellState(None, 0.0)


class Dwell:
    def __init__(self, config: DwellConfig = DwellConfig()):
        self.config = config
        self._target: str | None = None
        self._since = 0.0
        self._spent_at: tuple[float, float] | None = None  # where the last selection happened

    def update(self, t: float, cursor: tuple[float, float] | None, target: str | None,
               eligible: bool = True) -> DwellState:
        """Advance to time t (s). cursor: screen px or None; target: id under the cursor or None."""
        if cursor is None or target is None:
            self._target, self._spent_at = None, None  # off every target: the next one may dwell
            return IDLE
        if self._spent_at is not None:
            if math.dist(cursor, self._spent_at) <= self.config.rearm_px:
                return IDLE
            self._spent_at = None
        if not eligible:
            self._target = None
            return IDLE
        if target != self._target:
            self._target, self._since = target, t
        c = self.config
        progress = min(max((t - self._since - c.settle) / c.seconds, 0.0), 1.0)
        if progress < 1.0:
            return DwellState(target, progress)
        self._target, self._spent_at = None, (float(cursor[0]), float(cursor[1]))
        return DwellState(target, 1.0, selected=target)

    def reset(self) -> None:
        self._target = None

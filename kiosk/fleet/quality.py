"""How well people manage with the kiosk, per day, counted from its own events: no image, no personal data.

`Quality.event()` sees every line of the `--events` stream (kiosk/events.py passes each one on,
whether or not a log file was asked for), on the UI thread; `snapshot()` is read by the fleet's
sync thread for the heartbeat. Times are the frames' own (s); the day is the UTC date of the
moment the event was counted.

Per day:

- `sessions`: sessions started (the attract screen left for anything else);
- `purchases`: orders stored;
- `abandoned`, and `abandoned_on` {screen: count}: sessions that went back to the attract
  screen from anywhere but the receipt (the shopper walked away, or the timeout reset);
- `first_click_median_s`: the median time from the first hand seen in a session (on the
  attract screen) to its first click: how long a stranger needs to make it work;
- `quick_undos`: clicks taken back within QUICK_UNDO_S of the click before: Undo, Back (the
  button or ✋), − or × on a line: a proxy for clicks the shopper did not mean;
- `dwell_uses`: selections made by holding still;
- `hand_lost`: times the hand left the camera for more than HAND_LOST_S in a session
  (not while paying or on the receipt, where hands go to the card or the phone).
"""
from __future__ import annotations

import statistics
import threading
from collections.abc import Callable
from datetime import datetime, timezone

QUICK_UNDO_S = 2.0
HAND_LOST_S = 1.0
UNDO_TARGETS = ("undo", "back")
UNDO_PREFIXES = ("dec:", "remove:")
NO_HAND_NEEDED = ("attract", "paying", "receipt", "out-of-order")


def today_utc() -> str:
    return datetime.now(timezone.utc).date().isoformat()


class Quality:
    def __init__(self, day: Callable[[], str] = today_utc):
        self._day = day
        self._lock = threading.Lock()
        self._days: dict[str, dict] = {}
        self._first_clicks: dict[str, list[float]] = {}
        self.screen = "attract"
        self._hand_since_attract: float | None = None  # first hand seen while the attract screen shows
        self._awaiting_first_click = False
        self._last_click: float | None = None
        self._no_hand_since: float | None = None
        self._lost_counted = False

    def _figures(self, day: str | None = None) -> dict:
        """The figures of `day` (default: today), made when first needed."""
        day = self._day() if day is None else day
        if day not in self._days:
            self._days[day] = {"sessions": 0, "purchases": 0, "abandoned": 0, "abandoned_on": {},
                               "first_click_median_s": None, "quick_undos": 0, "dwell_uses": 0, "hand_lost": 0}
            self._first_clicks[day] = []
        return self._days[day]

    def event(self, kind: str, t: float, fields: dict) -> None:
        """One event of the --events stream (see kiosk/events.py for the kinds)."""
        with self._lock:
            if kind == "frame":
                self._frame(t, fields.get("hands", 0) > 0)
            elif kind == "state":
                self._state(fields.get("from", ""), fields.get("to", ""), t)
            elif kind == "click":
                self._click(str(fields.get("target") or ""), t)
            elif kind == "gesture" and fields.get("action") == "back":
                self._undo(t)
            elif kind == "dwell":
                self._figures()["dwell_uses"] += 1
            elif kind == "order":
                self._figures()["purchases"] += 1

    def _frame(self, t: float, hand: bool) -> None:
        if hand:
            if self.screen == "attract" and self._hand_since_attract is None:
                self._hand_since_attract = t
            self._no_hand_since, self._lost_counted = None, False
            return
        if self.screen == "attract":
            self._hand_since_attract = None  # a passer-by's hand that went away starts nothing
        if self.screen in NO_HAND_NEEDED:
            self._no_hand_since = None
            return
        if self._no_hand_since is None:
            self._no_hand_since = t
        elif not self._lost_counted and t - self._no_hand_since > HAND_LOST_S:
            self._figures()["hand_lost"] += 1
            self._lost_counted = True

    def _state(self, before: str, after: str, t: float) -> None:
        self.screen = after
        figures = self._figures()
        if before == "attract" and after != "attract":
            figures["sessions"] += 1
            self._awaiting_first_click = self._hand_since_attract is not None
        elif after == "attract" and before not in ("attract", "receipt"):
            figures["abandoned"] += 1
            figures["abandoned_on"][before] = figures["abandoned_on"].get(before, 0) + 1
        if after == "attract":
            self._hand_since_attract, self._awaiting_first_click, self._last_click = None, False, None

    def _click(self, target: str, t: float) -> None:
        if self._awaiting_first_click and self._hand_since_attract is not None:
            day = self._day()
            figures, clicks = self._figures(day), self._first_clicks[day]
            clicks.append(t - self._hand_since_attract)
            figures["first_click_median_s"] = round(statistics.median(clicks), 2)
            self._awaiting_first_click = False
        if target in UNDO_TARGETS or target.startswith(UNDO_PREFIXES):
            self._undo(t)
        self._last_click = t

    def _undo(self, t: float) -> None:
        if self._last_click is not None and t - self._last_click <= QUICK_UNDO_S:
            self._figures()["quick_undos"] += 1

    def snapshot(self) -> dict[str, dict]:
        """{day: figures}, a copy (for another thread)."""
        with self._lock:
            return {day: {**f, "abandoned_on": dict(f["abandoned_on"])} for day, f in self._days.items()}

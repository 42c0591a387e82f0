"""Held gestures -> intents. Pure: time is an argument.

A classifier is sometimes wrong, so a misread must cost nothing. Which pose does what
on which screen is data (`GESTURES`), and every row in it is safe to trigger by mistake:

- ✋ held = Back, only where going back loses nothing: cart -> shopping, order summary ->
  cart. Never on a keypad (the quantity's digits would be lost, the payment cancelled).
- 👍 held = Confirm, on the order summary only, after `confirm_hold` s with a ring filling.
- ✊ held, then moved = scroll the list (shopping, cart).
- 👌 is the pointer's click (kiosk/interaction/pointer.py), on every screen; not here.

One pose has one meaning on every screen where it does anything, and nothing
destructive (remove, erase, cancel) is a pose: those are on-screen buttons, and removing
a cart line offers Undo. Every row also needs a row of the state machine for its act, so
a gesture can never do what a click could not.

Per frame the app calls `GestureActions.update(t, label, hand_y, screen, ...)` with the
frame's time (s), the classifier's label, the hand's height on screen (px) and the
screen shown.

- A held gesture acts once it has been held its hold time, and once per hold: the hand
  must change pose before it acts again.
- Only "none" (no hand, or a classifier unsure for a frame or two) is bridged, for at
  most `gap` s. Any other label breaks the hold at once: a 👎 or ✋ in the middle of a
  👍 means "not yet", and the 👍 starts over.
- A hold that spans a screen change is spent: ✋ that took you back from the order
  summary does not go on to take you back again from the cart.
- ✊ held `grab_hold` s grabs the list; moving the hand then scrolls it by whole rows
  (the hand up shows later rows, as when dragging paper up), until the fist opens.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import Field
from pydantic.dataclasses import dataclass as settings_dataclass

from kiosk.settings import SETTINGS
from kiosk.shop.machine import TRANSITIONS, Act, Intent, Screen

NONE = "none"
GRAB = "fist"


@dataclass(frozen=True)
class Binding:
    act: Act
    name: str
    """What the shopper is told while holding, e.g. "Back"."""


_BACK, _CONFIRM, _SCROLL = Binding(Act.BACK, "Back"), Binding(Act.CONFIRM, "Confirm"), Binding(Act.SCROLL, "Scroll")
GESTURES: dict[tuple[Screen, str], Binding] = {
    (Screen.SHOPPING, GRAB): _SCROLL,
    (Screen.CART, GRAB): _SCROLL,
    (Screen.CART, "palm"): _BACK,  # to the shelves: the cart stays as it is
    (Screen.CONFIRM, "palm"): _BACK,  # to the cart: nothing is paid yet
    (Screen.CONFIRM, "thumbs_up"): _CONFIRM,  # held confirm_hold s; 👎 or ✋ meanwhile starts it over
}
"""(screen, held gesture label) -> what it does. Anything not listed does nothing."""


def bindings(screen: Screen) -> dict[str, Binding]:
    """The held gestures that do something on `screen` (label -> binding), the grab included."""
    return {label: b for (s, label), b in GESTURES.items() if s is screen and (screen, b.act) in TRANSITIONS}


@settings_dataclass(frozen=True, config=SETTINGS)
class HoldConfig:
    """How long each held gesture must be held. (Not kiosk.gestures.model.GestureConfig, the
    [gestures] section that chooses the classifier; the [ui] section sets these holds.)"""

    hold: float = Field(0.5, gt=0)
    """Seconds ✋ must be held to go back."""
    confirm_hold: float = Field(0.6, gt=0)
    """Seconds 👍 must be held to confirm."""
    grab_hold: float = Field(0.2, ge=0)
    """Seconds ✊ must be held to grab the list."""
    gap: float = Field(0.15, ge=0)
    """Seconds of "none" (no hand, an unsure classifier) that do not break a hold. Any other label does."""

    def hold_for(self, act: Act) -> float:
        return self.confirm_hold if act is Act.CONFIRM else self.hold




@dataclass(frozen=True)
class GestureFrame:
    intents: tuple[Intent, ...] = ()
    holding: tuple[str, float] | None = None
    """(what the held gesture will do, e.g. "Back"; 0..1 of its hold) while one is being held."""
    grabbing: bool = False


NOTHING = GestureFrame()


class GestureActions:
    def __init__(self, config: HoldConfig = HoldConfig()):
        self.config = config
        self._label: str | None = None  # the label being held
        self._since = 0.0
        self._seen = 0.0  # last time the held label was seen
        self._spent = False  # the hold acted already (or spans a screen change)
        self._screen: Screen | None = None
        self._grab_y: float | None = None

    def update(self, t: float, label: str, hand_y: float | None, screen: Screen, row_px: float = 1.0,
               scrollable: bool = False) -> GestureFrame:
        """Advance to time t (s).

        label: the active hand's gesture ("none" without a hand). hand_y: the hand's
        height on screen, px (for the grab), or None. row_px: the list's row pitch, px.
        scrollable: the list on this screen is longer than it shows.
        """
        cfg = self.config
        if screen is not self._screen:
            self._screen = screen
            self._spent = True  # a hold spanning a screen change is spent
            self._grab_y = None
        if label == self._label:
            self._seen = t
        elif self._label is None or label != NONE or t - self._seen > cfg.gap:
            self._start(label, t)
        # else: "none" for a moment inside a hold (the classifier unsure, the hand lost a frame); keep holding
        binding = bindings(screen).get(self._label or "")
        if binding is None:
            self._grab_y = None
            return NOTHING
        if binding.act is Act.SCROLL:
            if not scrollable or hand_y is None:
                self._grab_y = None
                return NOTHING
            if label != GRAB:  # a moment of "none": hold the list still
                return GestureFrame(grabbing=self._grab_y is not None)
            return self._grab(t, hand_y, row_px)
        if self._spent:
            return NOTHING  # acted already: nothing to show until the hand changes pose
        hold = cfg.hold_for(binding.act)
        if t - self._since >= hold - 1e-9:
            self._spent = True
            return GestureFrame((Intent(binding.act),), (binding.name, 1.0))
        return GestureFrame(holding=(binding.name, min(1.0, max(0.0, (t - self._since) / hold))))

    def _start(self, label: str, t: float) -> None:
        self._label, self._since, self._seen = label, t, t
        self._spent = False
        self._grab_y = None

    def _grab(self, t: float, hand_y: float, row_px: float) -> GestureFrame:
        if t - self._since < self.config.grab_hold - 1e-9:
            return GestureFrame(holding=("Scroll", (t - self._since) / max(self.config.grab_hold, 1e-9)))
        if self._grab_y is None:
            self._grab_y = hand_y
            return GestureFrame(grabbing=True)
        rows = int((hand_y - self._grab_y) / max(row_px, 1e-9))  # toward zero: a whole row of movement per row
        if rows == 0:
            return GestureFrame(grabbing=True)
        self._grab_y += rows * row_px
        return GestureFrame((Intent(Act.SCROLL, str(-rows)),), grabbing=True)

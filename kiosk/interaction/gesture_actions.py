"""Held gestures -> intents: ✋ = Back (on a keypad: erase), 👍 = Confirm, ✊ moved = scroll. Pure.

Per frame the app calls `GestureActions.update(t, label, hand_y, screen, ...)` with the
frame's time (s), the classifier's label, the hand's height on screen (px) and the
screen shown. Which gesture does what on which screen is data (`HOLDS`), offered only
where the state machine has a row for it, so a gesture can never do what a click could
not.

- A held gesture acts once it has been held `hold` s, and once per hold: the hand
  must change pose before it acts again. On a keypad, ✋ erases and keeps erasing every
  `repeat` s while it is held.
- The classifier's label flickers for a frame or two in mid-gesture; a different label
  for at most `gap` s does not break a hold.
- A hold that spans a screen change is spent: ✋ that took you back from the order
  summary does not go on to take you back again from the cart.
- ✊ held `grab_hold` s grabs the list; moving the hand then scrolls it by whole rows
  (the hand up shows later rows, as when dragging paper up), until the fist opens.

The 👌 is not handled here: it is the pointer's click, which stays exactly as it is.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.shop.machine import KEYPAD_SCREENS, TRANSITIONS, Act, Intent, Screen


@dataclass(frozen=True)
class Binding:
    act: Act
    repeat: bool = False
    """Act again every `repeat` s while held (the keypad's erase)."""
    name: str = ""
    """What the shopper is told while holding, e.g. "Back"."""


HOLDS: dict[str, Binding] = {"palm": Binding(Act.BACK, name="Back"),
                             "thumbs_up": Binding(Act.CONFIRM, name="Confirm")}
"""Held gesture label -> what it does, on every screen that has a row for the act."""
KEYPAD_HOLDS: dict[str, Binding] = {"palm": Binding(Act.ERASE, repeat=True, name="Erase")}
"""On the keypad screens, instead of HOLDS."""
GRAB = "fist"
SCROLLABLE = (Screen.SHOPPING, Screen.CART)


def bindings(screen: Screen) -> dict[str, Binding]:
    """The held gestures that do something on `screen`."""
    table = KEYPAD_HOLDS if screen in KEYPAD_SCREENS else HOLDS
    return {label: b for label, b in table.items() if (screen, b.act) in TRANSITIONS}


@dataclass(frozen=True)
class GestureConfig:
    hold: float = 0.5
    """Seconds a gesture must be held to act."""
    repeat: float = 0.4
    """Seconds between repeats of a repeating hold (the keypad's erase)."""
    grab_hold: float = 0.2
    """Seconds ✊ must be held to grab the list."""
    gap: float = 0.15
    """Seconds of another label that do not break a hold (the classifier flickers)."""

    def __post_init__(self) -> None:
        if not (self.hold > 0 and self.repeat > 0 and self.grab_hold >= 0 and self.gap >= 0):
            raise ValueError("hold and repeat must be > 0, grab_hold and gap >= 0")


@dataclass(frozen=True)
class GestureFrame:
    intents: tuple[Intent, ...] = ()
    holding: tuple[str, float] | None = None
    """(what the held gesture will do, e.g. "Back"; 0..1 of its hold) while one is being held."""
    grabbing: bool = False


NOTHING = GestureFrame()


class GestureActions:
    def __init__(self, config: GestureConfig = GestureConfig()):
        self.config = config
        self._label: str | None = None  # the label being held
        self._since = 0.0
        self._seen = 0.0  # last time the held label was seen
        self._next: float = math.inf  # when the hold acts next
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
            self._next = math.inf  # a hold spanning a screen change is spent
            self._grab_y = None
        if label == self._label:
            self._seen = t
        elif self._label is None or t - self._seen > cfg.gap or label != "none" and label in self._watched(screen):
            self._start(label, t)
        # else: a short flicker inside a hold; keep holding
        held = self._label
        if held == GRAB and screen in SCROLLABLE and scrollable and hand_y is not None:
            if label != GRAB:  # a flicker, or the fist opening: hold the list still
                return GestureFrame(grabbing=self._grab_y is not None)
            return self._grab(t, hand_y, row_px)
        self._grab_y = None
        binding = bindings(screen).get(held or "")
        if binding is None:
            return NOTHING
        intents: tuple[Intent, ...] = ()
        if t >= self._next - 1e-9:
            intents = (Intent(binding.act),)
            self._next = self._next + cfg.repeat if binding.repeat else math.inf
        if math.isinf(self._next) and not intents:
            return NOTHING  # acted already: nothing to show until the hand changes pose
        progress = min(1.0, max(0.0, (t - self._since) / cfg.hold))
        return GestureFrame(intents, (binding.name, progress if not intents else 1.0))

    def _watched(self, screen: Screen) -> set[str]:
        return set(bindings(screen)) | {GRAB}

    def _start(self, label: str, t: float) -> None:
        self._label, self._since, self._seen = label, t, t
        self._next = t + self.config.hold
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

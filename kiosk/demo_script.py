"""The demo's script: one cycle of an imaginary shopper, as keyframes for the demo's synthetic hand.

Raise the hand, make the practice click, add two items, open the cart, add one more, check out, confirm with a held 👍
(or a click, with the gesture shortcuts off), pay on the (simulated) card terminal, take the
receipt, leave.
Planned by running the pure state machine and layout ahead with the kiosk's own layout
options, so each click aims at the centre of the very button the kiosk will show at its
size. The builder (kiosk/bootstrap.py) hands the result to kiosk.vision.demo.DemoHandTracker,
which draws the hand and knows nothing of screens. Pure.
"""
from __future__ import annotations

from kiosk.interaction.pointer import Pointer
from kiosk.shop.catalog import Catalog
from kiosk.shop.machine import Act, Intent, Kiosk, KioskTimings, intent_for_target
from kiosk.ui.layout import DEFAULT_OPTIONS, LayoutOptions, layout, paging
from kiosk.vision.demo import Key

MOVE, SETTLE, CLOSE, HOLD, OPEN, AFTER = 0.9, 0.5, 0.2, 0.15, 0.2, 0.35
"""Seconds of each phase of one click: move to the target, rest, close the 👌, hold, open, rest."""
KEY_MOVE, KEY_SETTLE, KEY_AFTER = 0.45, 0.35, 0.15
"""The same on the keypad, whose keys are close together."""
THUMBS_UP = "thumbs_up"
"""A plan step that is a held 👍, not a click."""
TURN = 0.3
"""Seconds the hand takes to turn from pointing into a 👍 and back."""


def demo_plan(catalog: Catalog, gestures: bool = True, practice: bool = True, page_size: int = 6) -> list[str]:
    """The demo's steps, in order: target ids it clicks, and THUMBS_UP where it confirms with a held 👍.
    page_size: items the shopping screen's first page shows (both items are picked from it)."""
    items = catalog.items
    first, second = items[0].id, items[max(0, min(3, len(items) - 1, page_size - 1))].id
    return ["practice", f"add:{first}", f"add:{second}", "cart", f"inc:{second}", "checkout",
            THUMBS_UP if gestures else "confirm", "done"][0 if practice else 1:]



def build_script(catalog: Catalog, size: tuple[int, int], pointer: Pointer, timings: KioskTimings,
                 options: LayoutOptions = DEFAULT_OPTIONS, confirm_hold: float = 0.6, practice: bool = True,
                 payment_delay: float = 3.0) -> list[Key]:
    """Keyframes for one cycle of the demo, aimed at the buttons the kiosk will show at `size` (px).

    options: the app's layout options (sizes from the theme). confirm_hold: seconds a 👍 must be
    held to confirm; the demo confirms with one when options.gestures is on, else it clicks Confirm.
    practice: sessions start with the practice target ([ui] practice), which the demo clicks first.
    payment_delay: seconds the (simulated) terminal takes to approve; the hand waits over the picture.
    """
    pages = paging(size, len(catalog.items), options.sizes)
    kiosk = Kiosk(catalog, timings, lambda: "demo", pages.page_size, pages.columns, pages.cart_rows, practice)
    keys = [Key(0.0, None), Key(1.0, None)]
    tip = pointer.to_frame((size[0] * 0.3, size[1] * 0.6))
    keys.append(Key(1.0 + 1e-3, tip))
    t = 1.0 + timings.start_hold + 0.3
    kiosk.tick(0.0, True)
    kiosk.tick(timings.start_hold, True)  # the held hand starts the session
    rest = pointer.to_frame((size[0] * 0.25, size[1] * 0.45))  # over the picture, away from the buttons
    for step in demo_plan(catalog, options.gestures, practice, pages.page_size):
        if step == THUMBS_UP:  # over the picture, where the hand shows whole
            keys.append(Key(t, tip))
            t += MOVE
            tip = rest
            keys.append(Key(t, tip))
            t += TURN
            keys.append(Key(t, tip, thumb=1.0))
            t += confirm_hold + 0.5  # held a little longer than needed, so the shopper sees the ring complete
            keys.append(Key(t, tip, thumb=1.0))
            t += TURN
            keys.append(Key(t, tip))
            t += AFTER
            kiosk.handle(Intent(Act.CONFIRM), t)
            t, tip = _wait_for_terminal(kiosk, keys, t, tip, rest, payment_delay)
            continue
        if step == "done":
            t += 2.5  # let the receipt be read
        buttons = {b.id: b for b in layout(kiosk.view(), catalog, size, options).buttons}
        if step not in buttons:
            raise ValueError(f"demo: no {step!r} on the {kiosk.screen.value} screen")
        goal = pointer.to_frame(buttons[step].rect.center)
        key = step.startswith("key:")
        keys.append(Key(t, tip))
        t += KEY_MOVE if key else MOVE
        keys.append(Key(t, goal))
        t += KEY_SETTLE if key else SETTLE
        keys.append(Key(t, goal))
        t += CLOSE
        keys.append(Key(t, goal, 1.0))
        t += HOLD
        keys.append(Key(t, goal, 1.0))
        t += OPEN
        keys.append(Key(t, goal))
        if step != "done":  # after the last click the hand leaves at once
            t += KEY_AFTER if key else AFTER
        tip = goal
        kiosk.handle(intent_for_target(step), t)
        if step == "confirm":
            t, tip = _wait_for_terminal(kiosk, keys, t, tip, rest, payment_delay)
    keys.append(Key(t, tip))
    keys.append(Key(t + 1e-3, None))
    keys.append(Key(t + 3.0, None))  # the attract screen shows before the next cycle
    return keys


def _wait_for_terminal(kiosk: Kiosk, keys: list[Key], t: float, tip, rest, delay: float):
    """The shopper pays on the terminal: the hand rests over the picture until the (simulated) terminal has
    approved and the order is stored (as the real app does then). -> (time, where the hand is)."""
    approved = t + delay
    if tip != rest:
        keys.append(Key(t, tip))
        t += MOVE
        keys.append(Key(t, rest))
    t = max(t, approved) + 0.5
    keys.append(Key(t, rest))
    kiosk.handle(Intent(Act.PAID), approved)
    kiosk.handle(Intent(Act.ORDER_STORED, "A-0000"), approved)
    return t, rest

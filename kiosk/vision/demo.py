"""The built-in demo: an attract reel with a synthetic hand, for when there is no camera.

`DemoSource` yields plain background frames; `DemoHandTracker` stands in for MediaPipe
and returns a synthesised hand (kiosk.gestures.handgen) that follows a script: raise the
hand, add two items, open the cart, add one more, check out, confirm with a held 👍
(or a click, with the gesture shortcuts off), type a PIN, pay, take the receipt, leave,
repeat. Everything after the tracker is the real kiosk: the rule classifier sees the
hand close into a 👌 or turn into a 👍, the pointer clicks, the gestures act, the state
machine stores the order.

The script is planned before the loop starts by running the pure state machine and
layout with the same intents and layout options, so each click aims at the centre of
the very button the real kiosk will show (the app re-plans it with its own options).
Pure except for numpy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kiosk.gestures.handgen import POSES, interpolate, pose_world, render
from kiosk.interaction.pointer import Pointer
from kiosk.shop.catalog import Catalog
from kiosk.shop.machine import Act, Intent, Kiosk, KioskTimings, intent_for_target
from kiosk.types import Frame, Hand
from kiosk.ui.layout import DEFAULT_OPTIONS, LayoutOptions, catalog_rows, layout

FRAME_SIZE = (640, 480)
FPS = 30.0
MOVE, SETTLE, CLOSE, HOLD, OPEN, AFTER = 0.9, 0.5, 0.2, 0.15, 0.2, 0.35
"""Seconds of each phase of one click: move to the target, rest, close the 👌, hold, open, rest."""
KEY_MOVE, KEY_SETTLE, KEY_AFTER = 0.45, 0.35, 0.15
"""The same on the keypad, whose keys are close together."""
THUMBS_UP = "thumbs_up"
"""A plan step that is a held 👍, not a click."""
TURN = 0.3
"""Seconds the hand takes to turn from pointing into a 👍 and back."""
PIN = "1234"


def demo_plan(catalog: Catalog, gestures: bool = True) -> list[str]:
    """The demo's steps, in order: target ids it clicks, and THUMBS_UP where it confirms with a held 👍."""
    items = catalog.items
    first, second = items[0].id, items[min(3, len(items) - 1)].id
    return [f"add:{first}", f"add:{second}", "cart", f"inc:{second}", "checkout",
            THUMBS_UP if gestures else "confirm", *(f"key:{d}" for d in PIN), "enter", "done"]


@dataclass(frozen=True)
class Key:
    """A keyframe: at time t (s) the fingertip is at tip (normalised, mirrored frame), the 👌 closes by ok
    (0..1), and the hand has turned `thumb` of the way into a 👍 (0..1)."""

    t: float
    tip: tuple[float, float] | None
    ok: float = 0.0
    thumb: float = 0.0


def build_script(catalog: Catalog, size: tuple[int, int], pointer: Pointer, timings: KioskTimings,
                 options: LayoutOptions = DEFAULT_OPTIONS, confirm_hold: float = 0.6) -> list[Key]:
    """Keyframes for one cycle of the demo, aimed at the buttons the kiosk will show at `size` (px).

    options: the app's layout options (sizes from the theme). confirm_hold: seconds a 👍 must be
    held to confirm; the demo confirms with one when options.gestures is on, else it clicks Confirm.
    """
    kiosk = Kiosk(catalog, timings, new_uid=lambda: "demo", page_size=catalog_rows(size, options.sizes))
    keys = [Key(0.0, None), Key(1.0, None)]
    tip = pointer.to_frame((size[0] * 0.3, size[1] * 0.6))
    keys.append(Key(1.0 + 1e-3, tip))
    t = 1.0 + timings.start_hold + 0.3
    kiosk.tick(0.0, True)
    kiosk.tick(timings.start_hold, True)  # the held hand starts the session
    for step in demo_plan(catalog, options.gestures):
        if step == THUMBS_UP:  # over the picture, away from the buttons, where the hand shows whole
            keys.append(Key(t, tip))
            t += MOVE
            tip = pointer.to_frame((size[0] * 0.25, size[1] * 0.45))
            keys.append(Key(t, tip))
            t += TURN
            keys.append(Key(t, tip, thumb=1.0))
            t += confirm_hold + 0.5  # held a little longer than needed, so the shopper sees the ring complete
            keys.append(Key(t, tip, thumb=1.0))
            t += TURN
            keys.append(Key(t, tip))
            t += AFTER
            kiosk.handle(Intent(Act.CONFIRM), t)
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
        if kiosk.handle(intent_for_target(step), t):  # an order to store: the real app stores it here
            kiosk.handle(Intent(Act.ORDER_STORED, "A-0000"), t)
    keys.append(Key(t, tip))
    keys.append(Key(t + 1e-3, None))
    keys.append(Key(t + 3.0, None))  # the attract screen shows before the next cycle
    return keys


def _ease(s: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * s)


def sample(keys: list[Key], t: float) -> Key:
    """The script at time t (s), looping; positions eased between keyframes, 👌 linear."""
    t = t % keys[-1].t
    for a, b in zip(keys, keys[1:]):
        if a.t <= t < b.t:
            if a.tip is None or b.tip is None:
                return Key(t, a.tip, a.ok, a.thumb)
            s = (t - a.t) / (b.t - a.t)
            e = _ease(s)
            tip = (a.tip[0] + (b.tip[0] - a.tip[0]) * e, a.tip[1] + (b.tip[1] - a.tip[1]) * e)
            return Key(t, tip, a.ok + (b.ok - a.ok) * s, a.thumb + (b.thumb - a.thumb) * e)
    return keys[-1]


class DemoSource:
    """Background frames at 30 fps, stamped i / fps. Never ends (stop with --max-frames or the operator keys)."""

    live = False
    fps = FPS
    name = "demo"

    def __init__(self) -> None:
        w, h = FRAME_SIZE
        y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
        x = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :, None]
        top, bottom = np.array([70, 60, 52], np.float32), np.array([120, 104, 92], np.float32)  # BGR
        image = top + (bottom - top) * (0.7 * y + 0.3 * x)
        self._image = image.astype(np.uint8)
        self._index = 0

    def read(self) -> Frame:
        frame = Frame(self._image, self._index / self.fps, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        pass


class DemoHandTracker:
    """Returns the scripted synthetic hand for each frame's time; ignores the image."""

    def __init__(self, keys: list[Key]):
        self.keys = keys
        aspect = FRAME_SIZE[0] / FRAME_SIZE[1]
        # Where the wrist sits relative to the fingertip when pointing, so the wrist stays put
        # while the 👌 closes and the fingertip slides, as a real hand's does.
        probe = render(pose_world(POSES["point"]), anchor=(0.5, 0.5), anchor_landmark=8, aspect=aspect)
        self._tip_to_wrist = (float(probe.landmarks[0, 0] - 0.5), float(probe.landmarks[0, 1] - 0.5))
        self._aspect = aspect
        # the roll that shows a 👍 thumb up on screen (every pose is built fingers-up)
        thumb = pose_world(POSES["thumbs_up"])
        v = thumb[4] - thumb[2]
        self._thumb_roll = -math.pi / 2 - math.atan2(float(v[1]), float(v[0]))

    def process(self, frame: Frame) -> list[Hand]:
        key = sample(self.keys, frame.t)
        if key.tip is None:
            return []
        pose = interpolate(POSES["point"], POSES["ok"], min(max(key.ok, 0.0), 1.0))
        if key.thumb > 0:
            pose = interpolate(pose, POSES["thumbs_up"], min(key.thumb, 1.0))
        wrist = (key.tip[0] + self._tip_to_wrist[0], key.tip[1] + self._tip_to_wrist[1])
        synth = render(pose_world(pose), anchor=wrist, anchor_landmark=0, aspect=self._aspect,
                       roll=self._thumb_roll * key.thumb)
        return [Hand(synth.landmarks, synth.world, synth.handedness, 0.99)]

    def close(self) -> None:
        pass

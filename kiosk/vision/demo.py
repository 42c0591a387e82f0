"""The built-in demo: an attract reel with a synthetic hand, for when there is no camera.

`DemoSource` yields plain background frames; `DemoHandTracker` stands in for MediaPipe
and returns a synthesised hand (kiosk.gestures.handgen) that follows a script: raise the
hand, add two items, open the cart, add one more, check out, confirm with a held 👍
(or a click, with the gesture shortcuts off), type a PIN, pay, take the receipt, leave,
repeat. Everything after the tracker is the real kiosk: the rule classifier sees the
hand close into a 👌 or turn into a 👍, the pointer clicks, the gestures act, the state
machine stores the order.

The script (keyframes, `Key`) is planned by kiosk/demo_script.py, which runs the pure
state machine and layout ahead so each click aims at the button the kiosk will show; the
builder hands it to the tracker. This adapter knows nothing of screens or buttons.
Pure except for numpy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kiosk.gestures.handgen import POSES, interpolate, pose_world, render
from kiosk.types import Frame, Hand

FRAME_SIZE = (640, 480)
FPS = 30.0
@dataclass(frozen=True)
class Key:
    """A keyframe: at time t (s) the fingertip is at tip (normalised, mirrored frame), the 👌 closes by ok
    (0..1), and the hand has turned `thumb` of the way into a 👍 (0..1)."""

    t: float
    tip: tuple[float, float] | None
    ok: float = 0.0
    thumb: float = 0.0


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

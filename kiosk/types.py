"""The plain values that flow between the stages of one frame (see README, "The flow of a frame").

Pure: numpy only. Every arrow of the pipeline is one of these, so any stage can be
fed from a recording and checked on its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np

# MediaPipe hand landmark indices used by name across the code.
WRIST = 0
THUMB_TIP = 4
INDEX_MCP, INDEX_PIP, INDEX_TIP = 5, 6, 8
MIDDLE_MCP = 9
PINKY_MCP = 17
FINGERTIPS = (4, 8, 12, 16, 20)

Region = tuple[float, float, float, float]
"""x0, y0, x1, y1, normalised [0, 1] in the mirrored camera image."""
DEFAULT_ACTIVE_REGION: Region = (0.2, 0.15, 0.8, 0.75)
"""The part of the camera image the fingertip works in, mapped onto the whole screen (the pointer's
`active_region`); the renderer keeps it in view."""

HAND_CONNECTIONS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (5, 9), (9, 10), (10, 11), (11, 12),
    (9, 13), (13, 14), (14, 15), (15, 16),
    (13, 17), (0, 17), (17, 18), (18, 19), (19, 20),
)


@dataclass(frozen=True, eq=False)
class Frame:
    """One camera image, already mirrored so the screen behaves like a mirror.

    image: (H, W, 3) uint8 BGR. t: seconds on the source's clock (monotonic for a
    camera, index / fps for a file). index: frames since the source opened, from 0.
    """

    image: np.ndarray
    t: float
    index: int

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in px."""
        return self.image.shape[1], self.image.shape[0]


@dataclass(frozen=True, eq=False)
class Hand:
    """One tracked hand.

    landmarks: (21, 3) normalised [0,1] x, y in the mirrored image; z is depth relative to
    the wrist in about the same scale as x. world: (21, 3) metres, origin near the hand's
    centre. handedness: the person's real hand, "Left" or "Right". score: detector confidence.
    """

    landmarks: np.ndarray
    world: np.ndarray
    handedness: str
    score: float

    @property
    def tip(self) -> tuple[float, float]:
        """Index fingertip, normalised, mirrored image."""
        return float(self.landmarks[INDEX_TIP, 0]), float(self.landmarks[INDEX_TIP, 1])

    @property
    def bbox_area(self) -> float:
        """Area of the landmarks' bounding box, as a fraction of the frame."""
        span = self.landmarks[:, :2].max(axis=0) - self.landmarks[:, :2].min(axis=0)
        return float(span[0] * span[1])


@dataclass(frozen=True)
class Gesture:
    """A classified hand pose. label is one of the classifier's labels or "none".

    scores: probability per label (sums to about 1). `scores["ok"]` drives the click.
    """

    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)

    def p(self, label: str) -> float:
        return self.scores.get(label, 0.0)


NO_GESTURE = Gesture("none", 0.0, {})


class PointerKind(Enum):
    PRESS = "press"
    RELEASE = "release"
    CLICK = "click"
    CANCEL = "cancel"


@dataclass(frozen=True)
class PointerEvent:
    """A discrete pointer event at `pos` (screen px), caused by the frame at time `t` (s)."""

    kind: PointerKind
    pos: tuple[float, float]
    t: float

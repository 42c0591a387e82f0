"""Frame -> hands, with MediaPipe's HandLandmarker (Tasks API). The only module that imports mediapipe.

VIDEO mode tracks between frames (the palm detector runs only when a hand is lost), so it
needs strictly increasing timestamps: they come from the frame's own time, never the clock.

Handedness: MediaPipe labels a hand as if the image were unmirrored. Our frames are
mirrored at the source, so its "Left" is the person's right hand; `_person_hand` swaps it
back, and every `Hand` carries the person's real hand.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from kiosk.errors import KioskError
from kiosk.native import quiet_native_stderr
from kiosk.types import Frame, Hand
from kiosk.vision.model import HOW_TO_PROVISION, check_model


class HandTracker(Protocol):
    def process(self, frame: Frame) -> list[Hand]: ...

    def close(self) -> None: ...


def _person_hand(label: str, mirrored: bool) -> str:
    if not mirrored:
        return label
    return {"Left": "Right", "Right": "Left"}.get(label, label)


class MediaPipeHandTracker:
    """HandLandmarker in VIDEO mode (`process`, for streams) or IMAGE mode (`detect`, for photos)."""

    def __init__(self, model: Path, *, num_hands: int = 2, min_hand_detection_confidence: float = 0.5,
                 min_hand_presence_confidence: float = 0.5, min_tracking_confidence: float = 0.5,
                 video: bool = True, quiet: bool = True):
        """quiet: silence MediaPipe's start-up chatter by redirecting the process's stderr (fd 2)
        while the graph is built. Off when other threads may be writing to stderr (a retune
        while the kiosk runs): the redirect is process-wide."""
        check_model(model)
        from mediapipe.tasks.python import BaseOptions, vision  # heavy: import only when a tracker is made

        options = vision.HandLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model)),
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_hands=num_hands,
            min_hand_detection_confidence=min_hand_detection_confidence,
            min_hand_presence_confidence=min_hand_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        try:
            with quiet_native_stderr() if quiet else contextlib.nullcontext():
                self._landmarker = vision.HandLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise KioskError(f"hand model {model} could not be loaded ({first}): {HOW_TO_PROVISION}") from None
        self._video = video
        self._last_ms = -1
        self._first = quiet

    def process(self, frame: Frame) -> list[Hand]:
        """Track hands in a mirrored video frame. Timestamps: frame.t in ms, forced strictly increasing."""
        ms = max(int(round(frame.t * 1000)), self._last_ms + 1)
        self._last_ms = ms
        image = self._mp_image(frame.image)
        if self._first:  # the first call logs graph warnings that mean nothing to an operator
            self._first = False
            with quiet_native_stderr():
                return self._hands(self._landmarker.detect_for_video(image, ms), mirrored=True)
        return self._hands(self._landmarker.detect_for_video(image, ms), mirrored=True)

    def detect(self, image_bgr: np.ndarray, mirrored: bool = False) -> list[Hand]:
        """Detect hands in one still image (IMAGE mode tracker only)."""
        if self._first:
            self._first = False
            with quiet_native_stderr():
                return self._hands(self._landmarker.detect(self._mp_image(image_bgr)), mirrored)
        return self._hands(self._landmarker.detect(self._mp_image(image_bgr)), mirrored)

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> MediaPipeHandTracker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def _mp_image(image_bgr: np.ndarray):
        import mediapipe as mp

        return mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))

    @staticmethod
    def _hands(result, mirrored: bool) -> list[Hand]:
        hands = []
        for lms, world, handed in zip(result.hand_landmarks, result.hand_world_landmarks, result.handedness):
            hands.append(Hand(
                landmarks=np.array([(p.x, p.y, p.z) for p in lms], dtype=np.float32),
                world=np.array([(p.x, p.y, p.z) for p in world], dtype=np.float32),
                handedness=_person_hand(handed[0].category_name, mirrored),
                score=float(handed[0].score),
            ))
        return hands

"""Where frames come from: a camera, a video file or a folder of images (the demo is in demo.py).

Every source mirrors its images once, here, so the screen behaves like a mirror and
nothing downstream flips anything. `read()` returns the next Frame, or None when the
source has ended. `live` sources (cameras) stamp frames with the monotonic clock at
capture; recordings stamp frame i with i / fps, so a replay is deterministic.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from kiosk.errors import InputError, KioskError
from kiosk.types import Frame

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


class FrameSource(Protocol):
    name: str
    live: bool
    """True for a camera: frames arrive in real time and cannot be replayed."""
    fps: float

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


def mirror(image: np.ndarray) -> np.ndarray:
    return cv2.flip(image, 1)


class OpenCVCamera:
    live = True

    def __init__(self, index: int, width: int = 640, height: int = 480):
        self.name = f"camera {index}"
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            self._cap.release()
            raise KioskError(f"no camera at index {index}")
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self._index = 0

    def read(self) -> Frame | None:
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        frame = Frame(mirror(image), time.monotonic(), self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._cap.release()


class VideoFileSource:
    live = False

    def __init__(self, path: Path):
        if not path.is_file():
            raise InputError(f"video {path}: file not found")
        self.name = str(path)
        self._cap = cv2.VideoCapture(str(path))
        ok = self._cap.isOpened()
        first = self._cap.read()[1] if ok else None
        if first is None:
            self._cap.release()
            raise InputError(f"video {path}: not a readable video")
        self._first: np.ndarray | None = first
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and 1 <= fps <= 240 else 30.0
        self._index = 0

    def read(self) -> Frame | None:
        if self._first is not None:
            image, self._first = self._first, None
        else:
            ok, image = self._cap.read()
            if not ok or image is None:
                return None
        frame = Frame(mirror(image), self._index / self.fps, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._cap.release()


class ImageFolderSource:
    """Each image in a folder (sorted by name) is one frame, shown for 1 / fps s. Unreadable files are skipped."""

    live = False

    def __init__(self, folder: Path, fps: float = 10.0):
        self.name = str(folder)
        self.fps = fps
        self._paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._paths:
            raise InputError(f"image folder {folder}: no {', '.join(IMAGE_SUFFIXES)} files")
        self._index = 0
        self.skipped: list[Path] = []

    def read(self) -> Frame | None:
        while self._paths:
            path = self._paths.pop(0)
            image = cv2.imread(str(path))
            if image is None:
                self.skipped.append(path)
                continue
            frame = Frame(mirror(image), self._index / self.fps, self._index)
            self._index += 1
            return frame
        return None

    def close(self) -> None:
        self._paths = []


def open_source(spec: str | None) -> FrameSource:
    """'0' -> camera 0; a folder -> ImageFolderSource; a file -> VideoFileSource."""
    if spec is None:
        raise InputError("no source given")
    if spec.isdigit():
        return OpenCVCamera(int(spec))
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(path)
    return VideoFileSource(path)

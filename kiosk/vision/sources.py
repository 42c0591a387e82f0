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

from kiosk import files
from kiosk.errors import InputError, KioskError
from kiosk.types import Frame
from kiosk.vision.resilient import MAX_SIDE, MIN_SIDE, validate_frame

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def check_still(image: np.ndarray, path: Path, what: str = "image") -> np.ndarray:
    """`image` if validate_frame takes it as a camera frame (each side MIN_SIDE-MAX_SIDE px), else InputError."""
    reason = validate_frame(image)
    if reason is not None:
        raise InputError(f"{what} {path}: {reason} (each side must be {MIN_SIDE}-{MAX_SIDE} px)")
    return image


def read_still(path: Path, what: str = "image") -> np.ndarray:
    """A photo as a frame (BGR): a regular file whose header says at most files.MAX_PHOTO_PIXELS (checked
    before it is decoded) and whose sides check_still takes. Anything else is one InputError line."""
    return check_still(files.read_photo(path, what), path, what)


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
    """A video file's frames. Only a regular file is opened (a FIFO would block OpenCV forever), and
    frames must be camera-sized (resilient.validate_frame): the size the file declares is checked
    before the first frame is decoded, and every frame after; anything else is one InputError line."""

    live = False

    def __init__(self, path: Path):
        path = Path(path)
        files.open_regular(path, "video", None).close()  # not found, permission denied, not a regular file
        self.name = str(path)
        self._path = path
        self._cap = cv2.VideoCapture(str(path))
        ok = self._cap.isOpened()
        if ok:
            w, h = int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
            if w and h and not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
                self._cap.release()
                raise InputError(f"video {path}: {w}x{h} px frames; each side must be {MIN_SIDE}-{MAX_SIDE} px")
        first = self._cap.read()[1] if ok else None
        if first is None:
            self._cap.release()
            raise InputError(f"video {path}: not a readable video")
        self._index = 0
        self._first: np.ndarray | None = self._checked(first)
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and 1 <= fps <= 240 else 30.0

    def _checked(self, image: np.ndarray) -> np.ndarray:
        reason = validate_frame(image)
        if reason is not None:
            self._cap.release()
            raise InputError(f"video {self._path}: frame {self._index}: {reason} "
                             f"(each side must be {MIN_SIDE}-{MAX_SIDE} px)")
        return image

    def read(self) -> Frame | None:
        if self._first is not None:
            image, self._first = self._first, None
        else:
            ok, image = self._cap.read()
            if not ok or image is None:
                return None
            image = self._checked(image)
        frame = Frame(mirror(image), self._index / self.fps, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._cap.release()


class ImageFolderSource:
    """Each image in a folder (sorted by name) is one frame, shown for 1 / fps s. A file that is not a
    regular file, not an image, over files.MAX_PHOTO_PIXELS by its header (never decoded) or outside
    validate_frame's sizes is skipped: `skipped` lists them, `reasons` says why, one line each."""

    live = False

    def __init__(self, folder: Path, fps: float = 10.0):
        self.name = str(folder)
        self.fps = fps
        try:
            self._paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        except OSError as e:
            raise InputError(f"image folder {folder}: cannot read ({e.strerror or e})") from None
        if not self._paths:
            raise InputError(f"image folder {folder}: no {', '.join(IMAGE_SUFFIXES)} files")
        self._index = 0
        self.skipped: list[Path] = []
        self.reasons: dict[Path, str] = {}

    def read(self) -> Frame | None:
        while self._paths:
            path = self._paths.pop(0)
            try:
                image = read_still(path)
            except InputError as e:
                self.skipped.append(path)
                self.reasons[path] = str(e)
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

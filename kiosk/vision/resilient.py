"""A live camera that survives being unplugged, stalling or sending garbage.

`ResilientSource` wraps a camera factory. The loop calls `read()` once per iteration, as
with any source; it never raises and never blocks longer than the camera's own read (or
open) does: no threads, no sleeps, time comes from the injected clock.

- `read()` returns a Frame when the camera gave a good new image, else None. For this
  source None never means "ended": look at `status` (OK, or RECONNECTING with the attempt
  number, seconds until the next try and the reason) and draw the "camera lost" screen;
  `last_frame` is the last good frame, for a frozen background.
- Faults: read raising (the camera is closed at once); read giving None/False, a frame of
  the wrong type, shape or dtype, or the same image again (compared by a fingerprint of a
  subsampled image), for `stall_after` seconds without one good new frame.
- Reconnecting: the camera is closed, then reopened `backoff[0]` s later; each failed try
  (an open that raises, or a camera that opens but delivers nothing good for
  `stall_after` s) waits the next backoff step, the last step repeating.
- Time: frames are stamped with the clock at read (for a real camera that is the capture
  time, as OpenCVCamera does) minus the time spent reconnecting, and numbered by this
  source. So `t` and `index` rise strictly across reconnects, and the kiosk's timers
  (inactivity, receipt) pause while the camera is lost: the session resumes where it was.

A frame whose shape differs from the first good frame of the same connection is rejected;
a reconnected camera may come back at another size. An image identical to the previous one
is not new: a live sensor's noise changes every frame, so only a frozen driver (or a fully
black, capped lens) repeats itself exactly.

A read that blocks cannot be cut short without a thread: OpenCV's V4L2 backend waits up to
10 s per frame for a camera that stopped sending, unless OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT
(seconds, read at the first capture) says less. Set it to 1 before opening the camera.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np

from kiosk.types import Frame

MIN_SIDE = 16
"""px: a smaller image cannot be a camera frame."""
MAX_SIDE = 8192
MIN_STEP = 0.001
"""s: the smallest step between two frames' t (MediaPipe wants strictly increasing ms)."""


def validate_frame(image: object, expected_shape: tuple[int, ...] | None = None) -> str | None:
    """None if `image` is a usable camera image ((H, W, 3) uint8), else a short reason."""
    if not isinstance(image, np.ndarray):
        return f"image is {type(image).__name__}, not an array"
    if image.dtype != np.uint8:
        return f"image dtype {image.dtype}, expected uint8"
    if image.ndim != 3 or image.shape[2] != 3:
        return f"image shape {image.shape}, expected (H, W, 3)"
    h, w = image.shape[:2]
    if not (MIN_SIDE <= h <= MAX_SIDE and MIN_SIDE <= w <= MAX_SIDE):
        return f"image size {w}x{h} px is out of range"
    if expected_shape is not None and image.shape != tuple(expected_shape):
        return f"image size {w}x{h} px, expected {expected_shape[1]}x{expected_shape[0]}"
    return None


def fingerprint(image: np.ndarray) -> bytes:
    """A cheap digest of an image: about 64 x 48 samples of it. Equal images give equal digests;
    a live sensor's noise changes it from one frame to the next."""
    h, w = image.shape[:2]
    sub = image[:: max(1, h // 48), :: max(1, w // 64)]
    return hashlib.blake2b(np.ascontiguousarray(sub).data, digest_size=16).digest()


class CameraState(Enum):
    OK = "ok"
    RECONNECTING = "reconnecting"


@dataclass(frozen=True)
class CameraStatus:
    """What the screen shows about the camera. Times in seconds."""

    state: CameraState
    reason: str | None = None
    """Why the camera was lost, one line (None while OK)."""
    attempt: int = 0
    """The reconnection attempt being waited for or made, from 1 (0 while OK)."""
    retry_in: float | None = None
    """Seconds until the next attempt; None while OK or while a reopened camera is given its chance."""
    lost_for: float = 0.0
    """Seconds since the last good frame (0 while OK)."""
    ever_connected: bool = True
    """False until the first good frame: show 'no camera' rather than 'camera lost'."""

    @property
    def ok(self) -> bool:
        return self.state is CameraState.OK

    def message(self) -> str:
        """One line for the screen."""
        if self.ok:
            return "camera ok"
        head = "Camera lost, reconnecting" if self.ever_connected else "No camera, waiting for one"
        if self.retry_in is None:
            return f"{head} (attempt {self.attempt})"
        return f"{head} (attempt {self.attempt} in {max(0.0, self.retry_in):.0f} s)"


def camera_status(source) -> CameraStatus | None:
    """The state of a reconnecting camera, or None for any other source. For such a camera a
    read() of None means "no new frame now", never "ended"."""
    return getattr(source, "status", None)


class ResilientSource:
    """A FrameSource over a live camera that reconnects by itself. See the module docstring.

    open_camera: makes and opens a camera (e.g. `lambda: OpenCVCamera(0)`); may raise.
    clock: monotonic seconds (time.monotonic in the app, a fake in tests).
    camera: an already opened camera to start with (the CLI opens one to decide on the
    demo fallback); None opens one at the first read().
    """

    live = True

    def __init__(self, open_camera: Callable[[], object], clock: Callable[[], float], stall_after: float = 2.0,
                 backoff: tuple[float, ...] = (0.5, 1, 2, 4, 5), *, camera=None, name: str = "camera"):
        if not stall_after > 0:
            raise ValueError("stall_after must be > 0 s")
        if not backoff or any(not b >= 0 for b in backoff):
            raise ValueError("backoff must be one or more delays >= 0 s")
        self._open, self._clock = open_camera, clock
        self.stall_after, self.backoff = float(stall_after), tuple(float(b) for b in backoff)
        self.name = getattr(camera, "name", name)
        self._cam = None
        self._shape: tuple[int, ...] | None = None
        self._last_new = 0.0  # clock time of the last good new frame, or of the (re)open
        self._last_print: bytes | None = None
        self._fault: str | None = None  # why the current frames are no good, for the stall reason
        self._failures = 0  # failed attempts since the last good frame
        self._next_try = float("-inf")
        self._lost_at: float | None = None  # clock time of the last good frame once lost
        self._offset = 0.0  # reconnecting time taken out of frame.t
        self._index = 0
        self._ever = False
        self.last_frame: Frame | None = None
        self.reconnects = 0
        """Successful reconnections after a loss (a figure for logs and the soak report)."""
        now = clock()
        if camera is not None:
            self._attach(camera, now)
            self.status = CameraStatus(CameraState.OK, ever_connected=False)
        else:
            self._lost_at = now
            self.status = CameraStatus(CameraState.RECONNECTING, "not opened yet", 1, 0.0, 0.0, False)

    @property
    def fps(self) -> float:
        return float(getattr(self._cam, "fps", 30.0) or 30.0)

    def read(self) -> Frame | None:
        """The next good frame, or None (see `status`). Never raises an Exception."""
        now = self._clock()
        if self._cam is None:
            if now < self._next_try:
                self._set_status(now)
                return None
            self._try_open(now)
            if self._cam is None:
                self._set_status(now)
                return None
        try:
            got = self._cam.read()
        except Exception as e:
            self._lose(self._clock(), f"camera read failed ({_one_line(e)})")
            return None
        now = self._clock()  # after the read, which waits for the image: this is its capture time
        frame = self._accept(got, now)
        if frame is None and now - self._last_new >= self.stall_after:
            self._lose(now, f"{self._fault or 'no new image'} for {self.stall_after:g} s")
        self._set_status(now)
        return frame

    def close(self) -> None:
        self._drop()

    # -- internals ---------------------------------------------------------------------

    def _accept(self, got: object, now: float) -> Frame | None:
        """A new Frame to hand on, or None (with self._fault saying why)."""
        if got is None or got is False:
            self._fault = "no new image"
            return None
        if not isinstance(got, Frame):
            self._fault = f"camera gave a {type(got).__name__}, not a frame"
            return None
        reason = validate_frame(got.image, self._shape)
        if reason is not None:
            self._fault = f"bad frames ({reason})"
            return None
        image = got.image
        # Always the digest, never `is`: a driver may refill the same buffer with a new image.
        digest = fingerprint(image)
        if digest == self._last_print:
            self._fault = "the same image"
            return None
        self._shape = image.shape
        self._last_print, self._fault = digest, None
        t = now - self._offset
        if self._lost_at is not None:  # resuming: take the time spent reconnecting out of t
            if self.last_frame is not None:
                t = self.last_frame.t + 1.0 / self.fps
                self._offset = now - t
                self.reconnects += 1
            self._lost_at = None
        if self.last_frame is not None and t < self.last_frame.t + MIN_STEP:
            t = self.last_frame.t + MIN_STEP
        frame = Frame(image, t, self._index)
        self._index += 1
        self._last_new, self._failures, self._ever = now, 0, True
        self.last_frame = frame
        return frame

    def _lose(self, now: float, reason: str) -> None:
        if self._lost_at is None:
            self._lost_at = self._last_new
            delay = self.backoff[0]
        else:  # a reopened camera that gave nothing good: that attempt failed too
            self._failures += 1
            delay = self._delay()
        self._drop()
        self._fault = reason
        self._next_try = now + delay
        self._set_status(now)

    def _try_open(self, now: float) -> None:
        try:
            cam = self._open()
            if cam is None or not hasattr(cam, "read"):
                raise TypeError(f"open_camera returned {type(cam).__name__}")
        except Exception as e:
            self._failures += 1
            self._fault = f"cannot open the camera ({_one_line(e)})"
            self._next_try = now + self._delay()
            return
        self._attach(cam, now)

    def _attach(self, cam, now: float) -> None:
        self._cam = cam
        self.name = getattr(cam, "name", self.name)
        self._shape, self._last_print = None, None
        self._last_new = now  # a fresh camera gets stall_after to send its first good frame

    def _delay(self) -> float:
        return self.backoff[min(self._failures, len(self.backoff) - 1)]

    def _drop(self) -> None:
        cam, self._cam = self._cam, None
        if cam is not None:
            try:
                cam.close()
            except Exception:
                pass  # a camera that is already gone may fail to close; it is closed either way

    def _set_status(self, now: float) -> None:
        if self._lost_at is None:
            self.status = CameraStatus(CameraState.OK, ever_connected=self._ever)
            return
        retry_in = None if self._cam is not None else max(0.0, self._next_try - now)
        self.status = CameraStatus(CameraState.RECONNECTING, self._fault, self._failures + 1, retry_in,
                                   max(0.0, now - self._lost_at), self._ever)


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__

"""Fault-injection frame sources for tests: cameras that raise, stall, go silent or send garbage.

Pure apart from numpy. Each fault wraps another source (or `SyntheticSource`) and is active
during a `Span`: a range of read numbers (0 = this wrapper's first `read()`), or, when the
wrapper is given a `clock`, a range of that clock's times in seconds. Outside its span a
wrapper passes the inner source's frames through unchanged.

The protocol a fault follows (and the one `kiosk.vision.resilient.ResilientSource` expects
of a live camera):

- `read()` returning None means "no new image now". For a recording that is its end; for a
  live camera (`live = True`) it is what OpenCV reports when `cap.read()` fails, and the
  caller decides when "no image for a while" becomes "camera lost".
- A camera that stalls often keeps returning the last image it had: `StallingSource` can do
  that with the same Frame object, a new Frame around the same array, or an equal copy
  (so a consumer cannot rely on object identity to notice).
- `read()` raising is an unplugged or crashed driver.
- A wrong frame is any value other than a Frame holding an (H, W, 3) uint8 array.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kiosk.types import Frame


@dataclass(frozen=True)
class Span:
    """When a fault is active: start <= x < stop, x being a read number or clock seconds."""

    start: float = 0.0
    stop: float = math.inf

    def __contains__(self, x: float) -> bool:
        return self.start <= x < self.stop


ALWAYS = Span()


class SyntheticSource:
    """Distinct frames with no file and no camera: frame i has i encoded in every pixel.

    size: (width, height) px. t is `clock()` when a clock is given (a fake camera), else
    i / fps (a fake recording). `frames`: end (return None) after this many, None = never.
    """

    def __init__(self, size: tuple[int, int] = (64, 48), fps: float = 30.0, *, live: bool = True,
                 clock: Callable[[], float] | None = None, frames: int | None = None, name: str = "synthetic"):
        self.name, self.fps, self.live = name, fps, live
        self._w, self._h = size
        self._clock = clock
        self._frames = frames
        self.index = 0
        self.closed = False
        ramp = np.linspace(0, 255, self._w, dtype=np.float32).astype(np.uint8)
        self._ramp = np.broadcast_to(ramp[None, :], (self._h, self._w))

    def image(self, i: int) -> np.ndarray:
        """The image of frame i: (h, w, 3) uint8 BGR; blue and green spell i, red is a ramp."""
        img = np.empty((self._h, self._w, 3), np.uint8)
        img[..., 0] = i & 0xFF
        img[..., 1] = (i >> 8) & 0xFF
        img[..., 2] = self._ramp
        return img

    def read(self) -> Frame | None:
        if self.closed or (self._frames is not None and self.index >= self._frames):
            return None
        i = self.index
        self.index += 1
        t = self._clock() if self._clock is not None else i / self.fps
        return Frame(self.image(i), t, i)

    def close(self) -> None:
        self.closed = True


class _Fault:
    """Base: wraps `inner`, counts reads, knows whether the fault is active now."""

    def __init__(self, inner, span: Span = ALWAYS, clock: Callable[[], float] | None = None):
        self.inner = inner
        self.span = span
        self._clock = clock
        self.reads = 0
        self.closed = False
        self.name = f"{type(self).__name__}({getattr(inner, 'name', '?')})"
        self.live = getattr(inner, "live", True)
        self.fps = getattr(inner, "fps", 30.0)

    def _active(self) -> bool:
        """Call once per read(), before reading: is this read inside the span?"""
        x = self._clock() if self._clock is not None else self.reads
        self.reads += 1
        return x in self.span

    def close(self) -> None:
        self.closed = True
        self.inner.close()


class RaisingSource(_Fault):
    """read() raises `exc(message)` while active (a fresh exception each time), e.g. OSError or RuntimeError."""

    def __init__(self, inner, span: Span = ALWAYS, clock: Callable[[], float] | None = None, *,
                 exc: type[BaseException] = OSError, message: str = "camera unplugged"):
        super().__init__(inner, span, clock)
        self.exc, self.message = exc, message

    def read(self) -> Frame | None:
        if self._active():
            raise self.exc(self.message)
        return self.inner.read()


STALL_MODES = ("same-object", "same-image", "copy", "none")


class StallingSource(_Fault):
    """While active, the camera stops delivering new images.

    mode: "same-object" returns the very last Frame again (same t and index, a driver that
    hands back its last buffer); "same-image" a new Frame (fresh index, and t from the clock
    or the inner source's pace) around the same array, like a camera repeating itself;
    "copy" the same, with an equal copy of the array; "none" returns None (no new image).
    The inner source is not read while stalled. Before any frame was seen, stalls read as None.
    """

    def __init__(self, inner, span: Span = ALWAYS, clock: Callable[[], float] | None = None, *,
                 mode: str = "same-image"):
        if mode not in STALL_MODES:
            raise ValueError(f"mode must be one of {STALL_MODES}")
        super().__init__(inner, span, clock)
        self.mode = mode
        self._last: Frame | None = None
        self._index = 0

    def read(self) -> Frame | None:
        if not self._active():
            frame = self.inner.read()
            if isinstance(frame, Frame):
                self._last, self._index = frame, frame.index + 1
            return frame
        last = self._last
        if self.mode == "none" or last is None:
            return None
        if self.mode == "same-object":
            return last
        image = last.image if self.mode == "same-image" else np.array(last.image, copy=True)
        t = self._clock() if self._clock is not None else last.t + (self._index - last.index) / self.fps
        frame = Frame(image, t, self._index)
        self._index += 1
        return frame


class EmptySource:
    """read() always returns None: a recording with no frames, or a live camera that never sends one."""

    def __init__(self, live: bool = False, name: str = "empty"):
        self.live, self.name, self.fps = live, name, 30.0
        self.reads = 0
        self.closed = False

    def read(self) -> Frame | None:
        self.reads += 1
        return None

    def close(self) -> None:
        self.closed = True


WRONG_KINDS = ("size", "dtype", "gray", "bgra", "empty", "none-image", "not-array", "not-frame", "false")


class WrongFrameSource(_Fault):
    """While active, each read returns a broken frame of `kind`:

    "size" the image at another size; "dtype" float32 0..1; "gray" a 2-D array; "bgra" 4
    channels; "empty" a 0 x 0 x 3 array; "none-image" a Frame whose image is None;
    "not-array" a Frame whose image is a list; "not-frame" the bare ndarray instead of a
    Frame; "false" the value False (what cv2's `ok` is on failure).
    """

    def __init__(self, inner, span: Span = ALWAYS, clock: Callable[[], float] | None = None, *,
                 kind: str = "size"):
        if kind not in WRONG_KINDS:
            raise ValueError(f"kind must be one of {WRONG_KINDS}")
        super().__init__(inner, span, clock)
        self.kind = kind

    def read(self):
        active = self._active()
        frame = self.inner.read()
        if not active or not isinstance(frame, Frame):
            return frame
        img, k = frame.image, self.kind
        if k == "size":
            bad = np.ascontiguousarray(img[: max(1, img.shape[0] // 2), : max(1, img.shape[1] // 2)])
        elif k == "dtype":
            bad = img.astype(np.float32) / 255.0
        elif k == "gray":
            bad = img[..., 0].copy()
        elif k == "bgra":
            bad = np.concatenate([img, np.full(img.shape[:2] + (1,), 255, np.uint8)], axis=2)
        elif k == "empty":
            bad = np.zeros((0, 0, 3), np.uint8)
        elif k == "none-image":
            bad = None
        elif k == "not-array":
            bad = img[:2, :2].tolist()
        elif k == "not-frame":
            return img
        else:  # "false"
            return False
        return Frame(bad, frame.t, frame.index)


class ScriptedCamera:
    """A camera factory for `ResilientSource(open_camera=...)` tests: each call opens the next
    scripted camera; an entry that is an exception class (or instance) makes that open fail.

    `opened` records every call: (clock time or call number, what it returned or raised).
    After the script runs out, `then` decides: a callable making a camera, or None to fail.
    """

    def __init__(self, script: list, clock: Callable[[], float] | None = None, then=None):
        self.script = list(script)
        self.clock = clock
        self.then = then
        self.opened: list[tuple[float, object]] = []

    def __call__(self):
        when = self.clock() if self.clock is not None else len(self.opened)
        entry = self.script.pop(0) if self.script else (self.then() if self.then else OSError("no camera"))
        if isinstance(entry, type) and issubclass(entry, BaseException):
            entry = entry("no camera")
        self.opened.append((when, entry))
        if isinstance(entry, BaseException):
            raise entry
        if callable(entry) and not hasattr(entry, "read"):
            entry = entry()
            self.opened[-1] = (when, entry)
        return entry

"""Capture and inference beside the UI loop, handing over through one-slot buffers.

For a live camera the kiosk runs three threads:

    capture   source.read()          -> frames  (LatestSlot: a new frame replaces an untaken one)
    inference app.track(frame)       -> results (LatestSlot)
    UI (main) app.present(result) / app.redraw() at up to max_fps, then flip

A slot never queues: when inference is slower than the camera, the stale frame is
dropped, so the cursor always shows the newest hand, never a backlog. Nothing but the
slots is shared; each stage's state (tracker, pointer, state machine) is touched by one
thread only.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LatestSlot(Generic[T]):
    """Holds at most one value. put() overwrites; take() returns the newest value not yet taken."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._value: T | None = None
        self._fresh = False
        self._closed = False
        self.dropped = 0
        """Values overwritten before anyone took them (frames the next stage never saw)."""

    def put(self, value: T) -> None:
        with self._cond:
            if self._fresh:
                self.dropped += 1
            self._value, self._fresh = value, True
            self._cond.notify_all()

    def take(self, timeout: float | None) -> T | None:
        """The newest untaken value, waiting up to timeout s; None on timeout or when closed and empty."""
        with self._cond:
            if not self._fresh and not self._closed:
                self._cond.wait(timeout)
            if not self._fresh:
                return None
            self._fresh = False
            return self._value

    def close(self) -> None:
        """No more values will come; wakes every waiter."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed and not self._fresh


class Stage(threading.Thread):
    """Runs `step()` until it returns False or stop() is called; keeps the exception that ended it, if any."""

    def __init__(self, name: str, step: Callable[[], bool], on_exit: Callable[[], None]):
        super().__init__(name=name, daemon=True)
        self._step, self._on_exit = step, on_exit
        self._stop_event = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self._stop_event.is_set() and self._step():
                pass
        except BaseException as e:  # handed to the UI thread, which re-raises it
            self.error = e
        finally:
            self._on_exit()

    def stop(self) -> None:
        self._stop_event.set()

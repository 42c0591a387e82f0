"""Fault-injection sources and the self-reconnecting camera, driven by a fake clock."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.types import Frame
from kiosk.vision.faults import (
    WRONG_KINDS, EmptySource, RaisingSource, ScriptedCamera, Span, StallingSource, SyntheticSource,
    WrongFrameSource,
)
from kiosk.vision.resilient import CameraState, ResilientSource, fingerprint, validate_frame

STEP = 0.125  # s per loop iteration; a power of two, so the fake clock's sums are exact
BACKOFF = (0.5, 1, 2, 4, 5)


class FakeClock:
    def __init__(self, t: float = 100.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def run(src: ResilientSource, clock: FakeClock, seconds: float, step: float = STEP) -> list[tuple[float, object]]:
    """Call read() every `step` s for `seconds`; -> [(clock time, frame or None)]."""
    out = []
    for _ in range(round(seconds / step)):
        out.append((clock.t, src.read()))
        clock.t += step
    return out


def frames_of(log):
    return [f for _, f in log if f is not None]


# -- the fault sources themselves -------------------------------------------------------

def test_synthetic_frames_are_distinct_and_valid():
    src = SyntheticSource((64, 48), frames=3)
    frames = [src.read() for _ in range(4)]
    assert frames[3] is None
    assert [f.index for f in frames[:3]] == [0, 1, 2]
    assert all(validate_frame(f.image) is None for f in frames[:3])
    assert len({fingerprint(f.image) for f in frames[:3]}) == 3


def test_raising_source_raises_in_its_span_only():
    src = RaisingSource(SyntheticSource(), Span(2, 4), exc=RuntimeError, message="driver crashed")
    assert src.read() is not None and src.read() is not None
    for _ in range(2):
        with pytest.raises(RuntimeError, match="driver crashed"):
            src.read()
    assert src.read() is not None


def test_raising_source_scripted_by_time():
    clock = FakeClock(0.0)
    src = RaisingSource(SyntheticSource(clock=clock), Span(1.0, 2.0), clock)
    assert src.read() is not None
    clock.t = 1.5
    with pytest.raises(OSError):
        src.read()
    clock.t = 2.0
    assert src.read() is not None


@pytest.mark.parametrize("mode", ["same-object", "same-image", "copy", "none"])
def test_stalling_source_repeats_without_reading_on(mode):
    inner = SyntheticSource()
    src = StallingSource(inner, Span(2), mode=mode)
    first, second = src.read(), src.read()
    stalled = [src.read() for _ in range(3)]
    assert inner.index == 2  # the inner camera is not read while stalled
    if mode == "none":
        assert stalled == [None] * 3
        return
    for f in stalled:
        assert np.array_equal(f.image, second.image)
    if mode == "same-object":
        assert all(f is second for f in stalled)
    else:
        assert [f.index for f in stalled] == [2, 3, 4]
        assert (stalled[0].image is second.image) == (mode == "same-image")
    assert first.index == 0


def test_empty_source_ends_at_once():
    src = EmptySource()
    assert src.read() is None and src.read() is None and src.reads == 2


@pytest.mark.parametrize("kind", WRONG_KINDS)
def test_wrong_frames_are_rejected_by_validate_frame(kind):
    got = WrongFrameSource(SyntheticSource((64, 48)), kind=kind).read()
    if isinstance(got, Frame):
        reason = validate_frame(got.image, (48, 64, 3))
    else:
        reason = "not a frame"
    assert reason is not None


def test_validate_frame_reasons():
    good = np.zeros((48, 64, 3), np.uint8)
    assert validate_frame(good) is None
    assert validate_frame(good, (48, 64, 3)) is None
    assert "expected 32x24" in validate_frame(good, (24, 32, 3))
    assert "uint8" in validate_frame(good.astype(np.float32))
    assert "(H, W, 3)" in validate_frame(good[..., 0])
    assert "out of range" in validate_frame(np.zeros((8, 8, 3), np.uint8))
    assert "not an array" in validate_frame(None)


# -- ResilientSource -------------------------------------------------------------------

def healthy(clock, size=(64, 48)):
    return lambda: SyntheticSource(size, clock=clock)


def test_a_healthy_camera_passes_frames_through():
    clock = FakeClock()
    src = ResilientSource(healthy(clock), clock)
    log = run(src, clock, 1.0)
    frames = frames_of(log)
    assert len(frames) == len(log)
    assert [f.index for f in frames] == list(range(len(frames)))
    assert [f.t for f in frames] == [t for t, _ in log]  # the clock at read, nothing taken out
    assert src.status.ok and src.status.ever_connected


@pytest.mark.parametrize("mode", ["same-object", "same-image", "copy", "none"])
def test_a_stall_is_detected_after_stall_after_seconds(mode):
    clock = FakeClock()
    cams = []

    def open_camera():  # each camera stalls 1 s after it opens
        cams.append(StallingSource(SyntheticSource(clock=clock), Span(clock.t + 1.0), clock, mode=mode))
        return cams[-1]

    src = ResilientSource(open_camera, clock, stall_after=2.0, backoff=BACKOFF)
    log = []
    for _ in range(round(3.5 / STEP)):
        frame = src.read()
        log.append((clock.t, frame, src.status))
        clock.t += STEP
    first_bad = min(t for t, _, status in log if not status.ok)
    last_good = max(t for t, frame, _ in log if frame is not None and t < first_bad)
    assert last_good == 100.0 + 1.0 - STEP
    assert first_bad - last_good == 2.0  # OK for the whole stall_after window, lost at the first read past it
    lost = next(status for t, _, status in log if t == first_bad)
    assert lost.state is CameraState.RECONNECTING
    assert "image" in lost.reason and "2 s" in lost.reason
    assert cams[0].closed
    assert len(cams) == 2  # reopened 0.5 s later, within the 3.5 s run
    assert src.status.ok  # and the new camera's first second is good again


def test_reconnect_attempts_follow_the_backoff_then_resume():
    clock = FakeClock()
    first = RaisingSource(SyntheticSource(clock=clock), Span(clock.t + 1.0), clock)
    cams = ScriptedCamera([first, OSError, OSError, OSError, OSError, OSError, OSError, healthy(clock)], clock)
    src = ResilientSource(cams, clock, backoff=BACKOFF)
    src.read()  # opens the first camera
    log = run(src, clock, 40.0)
    lost_at = 100.0 + 1.0  # the first read that raised
    tries = [when - lost_at for when, _ in cams.opened[1:]]
    # 0.5 after the loss, then each failure waits the next step; the last step repeats
    assert tries == pytest.approx([0.5, 1.5, 3.5, 7.5, 12.5, 17.5, 22.5])
    assert first.closed
    frames = frames_of(log)
    assert src.status.ok
    ts = [f.t for f in frames]
    assert all(b > a for a, b in zip(ts, ts[1:]))
    assert [f.index for f in frames] == list(range(1, len(frames) + 1))
    before = [f for when, f in log if f is not None and when < lost_at]
    after = [f for when, f in log if f is not None and when > lost_at]
    assert len(before) + len(after) == len(frames) and after
    # the time spent reconnecting is taken out: the first frame after is one frame period later
    assert after[0].t - before[-1].t == pytest.approx(1 / 30)
    assert src.reconnects == 1


def test_status_while_reconnecting_counts_attempts_and_time():
    clock = FakeClock()
    cams = ScriptedCamera([RaisingSource(SyntheticSource(clock=clock), Span(clock.t + 0.5), clock)], clock)
    src = ResilientSource(cams, clock, backoff=BACKOFF)
    run(src, clock, 0.5)
    src.read()  # raises inside: lost now
    s = src.status
    assert (s.state, s.attempt, s.retry_in, s.lost_for) == (CameraState.RECONNECTING, 1, 0.5, pytest.approx(STEP))
    assert "OSError: camera unplugged" in s.reason
    assert "Camera lost, reconnecting" in s.message()
    clock.t += 0.5
    src.read()  # attempt 1 fails (the script is empty)
    s = src.status
    assert (s.attempt, s.retry_in) == (2, 1.0)
    assert "cannot open" in s.reason


def test_a_reopened_camera_that_stays_silent_counts_as_a_failed_attempt():
    clock = FakeClock()
    cams = ScriptedCamera([], clock, then=lambda: EmptySource(live=True))
    src = ResilientSource(cams, clock, stall_after=2.0, backoff=BACKOFF)
    run(src, clock, 30.0)
    opened = [when - 100.0 for when, _ in cams.opened]
    # open at once (no camera yet); each silent camera is given 2 s, then the next backoff step
    assert opened == pytest.approx([0.0, 2.0 + 1.0, 5.0 + 2.0, 9.0 + 4.0, 15.0 + 5.0, 22.0 + 5.0])
    assert all(cam.closed for _, cam in cams.opened[:-1])
    assert not src.status.ever_connected
    assert src.status.message().startswith("No camera")


@pytest.mark.parametrize("kind", WRONG_KINDS)
def test_a_few_bad_frames_are_skipped_without_reconnecting(kind):
    clock = FakeClock()
    cams = ScriptedCamera([WrongFrameSource(SyntheticSource(clock=clock), Span(3, 6), kind=kind)], clock)
    src = ResilientSource(cams, clock)
    got = [f for _, f in run(src, clock, 1.25)]
    assert got[3:6] == [None, None, None]
    assert all(f is not None for f in got[:3] + got[6:])
    assert len(cams.opened) == 1 and src.status.ok


@pytest.mark.parametrize("kind", WRONG_KINDS)
def test_only_bad_frames_for_stall_after_is_a_lost_camera(kind):
    clock = FakeClock()
    cams = ScriptedCamera([WrongFrameSource(SyntheticSource(clock=clock), Span(3), kind=kind)], clock)
    src = ResilientSource(cams, clock)
    log = run(src, clock, 2.5)  # lost at 2.375 s, next try at 2.875 s
    assert len(frames_of(log)) == 3
    assert not src.status.ok
    assert "for 2 s" in src.status.reason


def test_frame_size_is_fixed_per_connection_but_may_change_on_reconnect():
    clock = FakeClock()
    small = WrongFrameSource(SyntheticSource((64, 48), clock=clock), Span(2), kind="size")
    cams = ScriptedCamera([small, healthy(clock, (80, 60))], clock)
    src = ResilientSource(cams, clock)
    log = run(src, clock, 5.0)
    sizes = [f.size for f in frames_of(log)]
    assert sizes[:2] == [(64, 48), (64, 48)]
    assert (32, 24) not in sizes  # the half-size frames of the first connection were refused
    assert sizes[-1] == (80, 60) and src.status.ok


def test_a_camera_whose_close_raises_is_still_dropped():
    clock = FakeClock()

    class Broken(RaisingSource):
        def close(self):
            raise RuntimeError("close failed")

    cams = ScriptedCamera([Broken(SyntheticSource(clock=clock), Span(1)), healthy(clock)], clock)
    src = ResilientSource(cams, clock)
    log = run(src, clock, 2.0)
    assert len(cams.opened) == 2 and src.status.ok
    assert len(frames_of(log)) >= 2


def test_an_open_camera_can_be_handed_over():
    clock = FakeClock()
    opened = []
    src = ResilientSource(lambda: opened.append(1), clock, camera=SyntheticSource(clock=clock, name="camera 0"))
    assert src.name == "camera 0"
    assert src.read() is not None and opened == []


def test_an_open_camera_that_returns_junk_is_a_failed_open():
    clock = FakeClock()
    src = ResilientSource(lambda: None, clock)
    assert src.read() is None
    assert "cannot open" in src.status.reason and src.status.attempt == 2


def test_parameters_are_checked():
    with pytest.raises(ValueError):
        ResilientSource(lambda: None, FakeClock(), stall_after=0)
    with pytest.raises(ValueError):
        ResilientSource(lambda: None, FakeClock(), backoff=())
    with pytest.raises(ValueError):
        ResilientSource(lambda: None, FakeClock(), backoff=(1, -1))


EVENTS = st.sampled_from(["ok", "ok", "ok", "raise", "none", "repeat", "copy", *WRONG_KINDS])


class ChaosCamera:
    """A live camera whose every read follows a script of faults."""

    live, fps, name = True, 30.0, "chaos"

    def __init__(self, script, clock, size):
        self.script, self.clock = script, clock
        self.gen = SyntheticSource(size, clock=clock)
        self.last = None

    def read(self):
        what = self.script.pop(0) if self.script else "ok"
        if what == "raise":
            raise OSError("gone")
        if what == "none":
            return None
        if what in ("repeat", "copy") and self.last is not None:
            return Frame(self.last.image if what == "repeat" else self.last.image.copy(), self.clock(), 0)
        frame = self.gen.read()
        if what in WRONG_KINDS:
            return WrongFrameSource(SyntheticSource(), kind=what).read()
        self.last = frame
        return frame

    def close(self):
        pass


@settings(max_examples=150, deadline=None)
@given(script=st.lists(EVENTS, max_size=200), steps=st.lists(st.sampled_from([0.0, 0.01, 0.033, 0.5, 3.0]),
                                                                min_size=1, max_size=50),
       opens=st.lists(st.booleans(), max_size=20), sizes=st.sampled_from([(64, 48), (32, 32)]))
def test_read_never_raises_and_time_only_goes_forward(script, steps, opens, sizes):
    clock = FakeClock(0.0)

    def open_camera():
        if opens and not opens.pop(0):
            raise OSError("no camera")
        return ChaosCamera(script, clock, sizes)

    src = ResilientSource(open_camera, clock)
    got = []
    for k in range(300):
        frame = src.read()
        if frame is not None:
            got.append(frame)
            assert src.status.ok
            assert validate_frame(frame.image) is None
        elif not src.status.ok:
            assert src.status.reason
        clock.t += steps[k % len(steps)]
    assert all(b.t > a.t for a, b in zip(got, got[1:]))
    assert [f.index for f in got] == list(range(len(got)))


def test_a_driver_that_refills_one_buffer_is_not_a_stall():
    clock = FakeClock()

    class OneBuffer(SyntheticSource):
        def read(self):
            frame = super().read()
            self.buf = getattr(self, "buf", frame.image)
            self.buf[...] = frame.image  # the same array object every time, new pixels
            return Frame(self.buf, frame.t, frame.index)

    src = ResilientSource(lambda: OneBuffer(clock=clock), clock)
    log = run(src, clock, 3.0)
    assert len(frames_of(log)) == len(log) and src.status.ok

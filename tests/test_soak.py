"""The soak command, in seconds: its loop with a fake clock, the looping recording, and a tiny real run."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

from kiosk.tools.soak import MAX_CONSECUTIVE_ERRORS, LoopingSource, SoakReport, add_parser, rss_bytes, run_soak
from kiosk.vision.faults import EmptySource, SyntheticSource
from tests.conftest import REPO


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


class TickingSource:
    """Each read advances the fake clock by `dt`: a source that takes dt s per frame."""

    live, fps, name = False, 10.0, "ticking"

    def __init__(self, clock, dt=0.1, frames=None):
        self.clock, self.dt = clock, dt
        self.gen = SyntheticSource(frames=frames, live=False)

    def read(self):
        self.clock.t += self.dt
        return self.gen.read()

    def close(self):
        pass


class FakeApp:
    def __init__(self, fail_at=()):
        self.fail_at = set(fail_at)
        self.frames = 0
        self.seen = []

    def step(self, frame):
        self.seen.append(frame.index)
        if frame.index in self.fail_at:
            raise RuntimeError(f"boom at {frame.index}\nsecond line")
        self.frames += 1


def soak(app, source, seconds, every, clock, rss=None):
    mem = iter(range(10**6, 10**9, 4096)) if rss is None else rss
    return run_soak(lambda: (app, source), seconds, every, None, clock=clock, rss=lambda: next(mem), fds=lambda: 5)


def test_samples_frames_and_growth_on_a_fake_clock():
    clock = Clock()
    report = soak(FakeApp(), TickingSource(clock, 0.125), seconds=10.0, every=2.0, clock=clock)
    assert report.ok
    assert report.frames == 80
    # a sample at 0, 2, 4, 6, 8 s, and one at the end
    assert [s.seconds for s in report.samples] == [0, 2, 4, 6, 8, 10]
    assert [s.frames for s in report.samples] == [0, 16, 32, 48, 64, 80]
    assert report.rss_growth == 5 * 4096 and report.rss_start == 10**6
    assert report.to_json()["frames"] == 80 and report.to_json()["ok"] is True


def test_exceptions_are_counted_and_the_soak_goes_on():
    clock = Clock()
    app = FakeApp(fail_at={3, 4, 9})
    report = soak(app, TickingSource(clock, 0.1), seconds=2.0, every=1.0, clock=clock)
    assert report.exceptions == 3 and not report.ok
    assert report.errors == ["RuntimeError: boom at 3", "RuntimeError: boom at 4", "RuntimeError: boom at 9"]
    assert app.seen == list(range(20))  # every frame was stepped
    assert "3 exception(s): FAILED" in report.summary()


def test_a_loop_that_keeps_failing_stops_the_soak():
    clock = Clock()
    app = FakeApp(fail_at=set(range(10, 10_000)))
    report = soak(app, TickingSource(clock, 0.01), seconds=1000.0, every=10.0, clock=clock)
    assert len(app.seen) == 10 + MAX_CONSECUTIVE_ERRORS
    assert report.failures and f"{MAX_CONSECUTIVE_ERRORS} frames in a row" in report.failures[0]


def test_a_source_that_ends_is_a_failure():
    clock = Clock()
    report = soak(FakeApp(), TickingSource(clock, 0.1, frames=5), seconds=10.0, every=1.0, clock=clock)
    assert report.failures == ["source ended"] and report.frames == 5
    empty = soak(FakeApp(), EmptySource(), seconds=10.0, every=1.0, clock=clock)
    assert empty.failures == ["source gave no frames"]


def test_rss_is_read():
    assert rss_bytes() > 1024 * 1024


def test_a_recording_loops_with_time_and_index_still_rising():
    src = LoopingSource(lambda: SyntheticSource(frames=4, live=False, fps=10.0))
    frames = [src.read() for _ in range(10)]
    assert src.loops == 2
    assert [f.index for f in frames] == list(range(10))
    assert [round(f.t, 6) for f in frames] == [round(i / 10.0, 6) for i in range(10)]
    assert LoopingSource(EmptySource).read() is None


def test_slope_needs_a_long_enough_run():
    report = SoakReport(seconds=10.0)
    assert report.rss_slope_mib_per_hour is None


def test_the_parser_plugs_into_the_cli():
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["soak", "--source", "clip.mp4", "--minutes", "2", "--json"])
    assert (args.command, args.source, args.minutes, args.json) == ("soak", "clip.mp4", 2.0, True)


def run_cli(*argv, timeout=240):
    return subprocess.run([sys.executable, "-m", "kiosk.tools.soak", *argv], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**__import__("os").environ, "SDL_VIDEODRIVER": "dummy"})


@pytest.mark.integration
def test_a_tiny_demo_soak_from_the_command_line():
    done = run_cli("--source", "demo", "--minutes", "0.04", "--sample-every", "0.5", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["frames"] > 0 and report["exceptions"] == 0
    assert len(report["samples"]) >= 2 and report["rss_end_mib"] > 0


@pytest.mark.integration
def test_a_tiny_soak_of_a_recording_loops_it(tmp_path):
    video = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 15.0, (160, 120))
    for k in range(5):
        writer.write(np.full((120, 160, 3), 40 + 20 * k, np.uint8))
    writer.release()
    done = run_cli("--source", str(video), "--minutes", "0.05", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["loops"] >= 1


@pytest.mark.integration
def test_bad_arguments_are_one_line():
    done = run_cli("--source", "demo", "--minutes", "0")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["error: --minutes must be > 0 and at most a week"]
    missing = run_cli("--source", "/nonexistent/clip.mp4", "--minutes", "0.01")
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


@pytest.mark.integration
@pytest.mark.parametrize("minutes", ["nan", "inf"])
def test_non_finite_minutes_are_refused(minutes):
    done = run_cli("--source", "demo", "--minutes", minutes)
    assert done.returncode == 2

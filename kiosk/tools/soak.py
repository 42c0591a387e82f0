"""`python main.py soak`: replay a recording through the real loop for a long time and report
memory over time and every failure. A program that prints figures, not a CI test.

    python main.py soak --source demo --minutes 30            # table, then a summary line
    python main.py soak --source clip.mp4 --minutes 30 --json # one JSON object
    python -m kiosk.tools.soak ...                                  # the same, before cli.py knows `soak`
    python -m kiosk.tools.soak restart-time [--kills 5]             # kill -9 / restart / first frame, timed

The app is built as `cmd_run` builds it (catalog, tracker, classifier, pointer, state
machine, renderer on a headless surface), except that orders go to a SQLite file in a
temporary folder, never to the real database, and the recording is reopened at its end
so it loops with `t` and `index` still rising. RSS is read from /proc/self/statm; open
file descriptors are counted too, since a loop that reopens files leaks those first.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from kiosk.errors import InputError, KioskError
from kiosk.types import Frame

MIB = 1024 * 1024
MAX_CONSECUTIVE_ERRORS = 50
"""A loop that fails this many frames in a row is not going to recover: the soak stops."""


def rss_bytes() -> int:
    """Resident set size of this process now, bytes (Linux /proc; elsewhere the peak, from getrusage)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def open_fds() -> int:
    """Open file descriptors of this process (-1 where /proc is missing)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return -1


class LoopingSource:
    """A recording played again and again: reopened at its end, `t` and `index` carry on rising."""

    live = False

    def __init__(self, open_recording: Callable[[], object], first=None):
        """open_recording() opens the recording again; first: the recording already open, if any."""
        self._open = open_recording
        self._src = first if first is not None else open_recording()
        self.name = getattr(self._src, "name", "recording")
        self.fps = float(getattr(self._src, "fps", 30.0) or 30.0)
        self.loops = 0
        self._base_t, self._base_i = 0.0, 0
        self._first: tuple[float, int] | None = None  # t and index of this pass's first frame
        self._last: Frame | None = None

    def read(self) -> Frame | None:
        """The next frame, or None only for a recording with no frames at all."""
        frame = self._src.read()
        if frame is None:
            if self._first is None:  # a whole pass without a frame: looping would spin forever
                return None
            self._src.close()
            self._src = self._open()
            self.loops += 1
            self._base_t, self._base_i = self._last.t + 1.0 / self.fps, self._last.index + 1
            self._first = None
            frame = self._src.read()
            if frame is None:
                return None
        if self._first is None:
            self._first = (frame.t, frame.index)
        out = Frame(frame.image, self._base_t + (frame.t - self._first[0]), self._base_i + (frame.index - self._first[1]))
        self._last = out
        return out

    def close(self) -> None:
        self._src.close()


@dataclass(frozen=True)
class Sample:
    seconds: float
    """Since the soak started."""
    frames: int
    rss_bytes: int
    fds: int


@dataclass
class SoakReport:
    seconds: float
    frames: int = 0
    exceptions: int = 0
    """Frames whose step raised."""
    errors: list[str] = field(default_factory=list)
    """The first few distinct exceptions, one line each."""
    failures: list[str] = field(default_factory=list)
    """Anything that stopped the soak early, or an exception: one line each."""
    samples: list[Sample] = field(default_factory=list)
    loops: int = 0
    """Times the recording was restarted."""

    @property
    def ok(self) -> bool:
        return not self.failures and not self.exceptions

    @property
    def rss_start(self) -> int:
        return self.samples[0].rss_bytes if self.samples else 0

    @property
    def rss_end(self) -> int:
        return self.samples[-1].rss_bytes if self.samples else 0

    @property
    def rss_max(self) -> int:
        return max((s.rss_bytes for s in self.samples), default=0)

    @property
    def rss_growth(self) -> int:
        """End minus start, bytes."""
        return self.rss_end - self.rss_start

    @property
    def rss_warm(self) -> int:
        """RSS at the second sample, after the first interval's warm-up (caches, first allocations)."""
        return self.samples[1].rss_bytes if len(self.samples) > 2 else self.rss_start

    @property
    def rss_slope_mib_per_hour(self) -> float | None:
        """Least-squares slope of RSS over the second half of the run (after warm-up), MiB/h."""
        half = [s for s in self.samples if s.seconds >= self.seconds / 2]
        if len(half) < 2:
            return None
        n = len(half)
        mx = sum(s.seconds for s in half) / n
        my = sum(s.rss_bytes for s in half) / n
        var = sum((s.seconds - mx) ** 2 for s in half)
        if var == 0:
            return None
        cov = sum((s.seconds - mx) * (s.rss_bytes - my) for s in half)
        return cov / var * 3600 / MIB

    def to_json(self) -> dict:
        return {
            "ok": self.ok, "seconds": round(self.seconds, 3), "frames": self.frames,
            "fps": round(self.frames / self.seconds, 2) if self.seconds > 0 else None,
            "loops": self.loops, "exceptions": self.exceptions, "errors": self.errors, "failures": self.failures,
            "rss_start_mib": round(self.rss_start / MIB, 2), "rss_end_mib": round(self.rss_end / MIB, 2),
            "rss_max_mib": round(self.rss_max / MIB, 2), "rss_growth_mib": round(self.rss_growth / MIB, 2),
            "rss_growth_after_warmup_mib": round((self.rss_end - self.rss_warm) / MIB, 2),
            "rss_slope_mib_per_hour": None if self.rss_slope_mib_per_hour is None
            else round(self.rss_slope_mib_per_hour, 2),
            "samples": [asdict(s) for s in self.samples],
        }

    def summary(self) -> str:
        """The final line."""
        slope = self.rss_slope_mib_per_hour
        # A slope over a few minutes extrapolates noise; it means something on a long run.
        trend = "" if slope is None or self.seconds < 600 else f", trend in the second half {slope:+.1f} MiB/h"
        verdict = "ok" if self.ok else f"FAILED ({'; '.join(self.failures) or f'{self.exceptions} exception(s)'})"
        return (f"RSS growth {self.rss_growth / MIB:+.1f} MiB, {(self.rss_end - self.rss_warm) / MIB:+.1f} after "
                f"warm-up (start {self.rss_start / MIB:.1f}, after the first sample interval {self.rss_warm / MIB:.1f},"
                f" end {self.rss_end / MIB:.1f}, max {self.rss_max / MIB:.1f}){trend}; {self.frames} frames in "
                f"{self.seconds / 60:.1f} min ({self.frames / max(self.seconds, 1e-9):.1f} fps), "
                f"{self.loops} loop(s), {self.exceptions} exception(s): {verdict}")


def _row(s: Sample) -> str:
    return f"{s.seconds / 60:>7.2f}  {s.frames:>9}  {s.rss_bytes / MIB:>8.1f}  {s.fds:>4}"


HEADER = f"{'minute':>7}  {'frames':>9}  {'RSS MiB':>8}  {'fds':>4}"


def run_soak(make_app_and_source: Callable[[], tuple[object, object]], seconds: float, sample_every: float,
             out: TextIO | None, *, clock: Callable[[], float] = time.monotonic,
             rss: Callable[[], int] = rss_bytes, fds: Callable[[], int] = open_fds,
             after_step: Callable[[], bool] | None = None) -> SoakReport:
    """Step the app with the source's frames for `seconds` (by `clock`), sampling memory every
    `sample_every` s; print the table to `out` as it goes (None: print nothing).

    make_app_and_source() -> (app, source): app has `step(frame)` and a `frames` count.
    after_step(): called after each frame (display flip, events); True stops the soak.
    Exceptions from a step are counted and the soak goes on; it stops when the source ends,
    after MAX_CONSECUTIVE_ERRORS failing frames in a row, or when after_step says so.
    """
    if not seconds > 0 or not sample_every > 0:
        raise ValueError("seconds and sample_every must be > 0")
    app, source = make_app_and_source()
    report = SoakReport(seconds=0.0)
    start = clock()
    next_sample = start
    in_a_row = 0
    if out is not None:
        print(HEADER, file=out, flush=True)

    def sample(now: float) -> None:
        s = Sample(round(now - start, 3), report.frames, rss(), fds())
        report.samples.append(s)
        if out is not None:
            print(_row(s), file=out, flush=True)

    try:
        while True:
            now = clock()
            if now - start >= seconds:
                break
            if now >= next_sample:
                sample(now)
                next_sample += sample_every * (1 + int((now - next_sample) // sample_every))
            try:
                frame = source.read()
            except Exception as e:
                report.failures.append(f"source failed: {_one_line(e)}")
                break
            if frame is None:
                report.failures.append("source ended" if report.frames else "source gave no frames")
                break
            try:
                app.step(frame)
            except Exception as e:
                report.exceptions += 1
                in_a_row += 1
                line = _one_line(e)
                if line not in report.errors and len(report.errors) < 10:
                    report.errors.append(line)
                if in_a_row >= MAX_CONSECUTIVE_ERRORS:
                    report.failures.append(f"{in_a_row} frames in a row failed: {line}")
                    break
            else:
                in_a_row = 0
            report.frames += 1
            if after_step is not None and after_step():
                report.failures.append("stopped early (quit event)")
                break
    finally:
        report.seconds = clock() - start
        sample(clock())
        report.loops = getattr(source, "loops", 0)
    return report


def _one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


# -- the command -------------------------------------------------------------------------

def add_parser(subparsers) -> argparse.ArgumentParser:
    soak = subparsers.add_parser("soak", help="replay a recording through the real loop for a long time; "
                                              "report memory over time and failures")
    soak.add_argument("--source", default="demo", help="video file, image folder, or 'demo' (default)")
    soak.add_argument("--minutes", type=float, default=30.0, help="how long to run (default 30)")
    soak.add_argument("--sample-every", type=float, metavar="SECONDS",
                      help="seconds between memory samples (default 60, or a tenth of a shorter run)")
    soak.add_argument("--size", default="1280x720", help="headless surface size, WxH (default 1280x720)")
    soak.add_argument("--catalog", type=Path, help="catalog TOML to use")
    soak.add_argument("--model", type=Path, help="hand_landmarker.task to use")
    soak.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    return soak


def cmd_soak(args, config) -> int:
    """0 when the run had no failure, 1 otherwise."""
    if not 0 < args.minutes <= 7 * 24 * 60:
        raise InputError("--minutes must be > 0 and at most a week")
    seconds = args.minutes * 60
    every = args.sample_every if args.sample_every is not None else min(60.0, max(0.5, seconds / 10))
    if not 0 < every <= seconds:
        raise InputError("--sample-every must be > 0 and at most the run's length")
    size = _parse_size(args.size)
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp:
        parts_to_close: list = []
        try:
            make = _app_factory(args, config, size, Path(tmp) / "orders.db", parts_to_close)
            report = run_soak(make, seconds, every, None if args.json else sys.stdout, after_step=_pygame_after_step)
        finally:
            for thing in reversed(parts_to_close):
                try:
                    thing()
                except Exception:
                    pass
    what = getattr(make, "description", "")
    if args.json:
        print(json.dumps({**report.to_json(), "kiosk": what}))
    else:
        print(f"kiosk: {what}")
        for line in report.errors:
            print(f"exception: {line}")
        print(report.summary())
    return 0 if report.ok else 1


def _parse_size(text: str) -> tuple[int, int]:
    from kiosk.config import parse_size

    try:
        return parse_size(text)
    except ValueError as e:
        raise InputError(f"--{e}") from None


def _app_factory(args, config, size: tuple[int, int], db: Path, closers: list):
    """-> make_app_and_source(): the kiosk from the one builder (kiosk/bootstrap.py), as `run` builds
    it, headless, its orders and cart journal in `db` (a temporary file), the recording looped."""

    def make():
        from kiosk.bootstrap import Overrides, build, open_source

        def loop_it(first):
            return LoopingSource(lambda: open_source(args.source, config)[0], first=first)

        built = build(config, Overrides(source=args.source, headless=True, size=size, model=args.model,
                                        catalog=args.catalog, db=db, store_demo_orders=True),
                      wrap_source=loop_it)
        closers.append(built.close)
        closers.append(_quit_display)
        make.description = built.describe()
        return built.app, built.source

    return make


def _pygame_after_step() -> bool:
    """What loop.run does after each frame: flip, and stop on a quit event (SIGTERM arrives as one)."""
    import pygame

    pygame.display.flip()
    return any(event.type == pygame.QUIT for event in pygame.event.get())


def _quit_display() -> None:
    import pygame

    pygame.display.quit()


# -- restart time ------------------------------------------------------------------------

def wait_for_first_frame(events: Path, proc: subprocess.Popen, timeout: float) -> float:
    """Seconds (monotonic) at which `events` first holds a frame event; KioskError if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if b'"type":"frame"' in events.read_bytes():
                return time.monotonic()
        except FileNotFoundError:
            pass
        if proc.poll() is not None:
            raise KioskError(f"the kiosk exited with {proc.returncode} before its first frame")
        time.sleep(0.005)
    raise KioskError(f"no frame event within {timeout:g} s")


def measure_restart(kiosk_args: list[str], kills: int = 5, restart_sec: float = 1.0, workdir: Path | None = None,
                    timeout: float = 60.0) -> list[float]:
    """Start the kiosk, wait for its first frame, kill -9 it, wait `restart_sec` (systemd's RestartSec),
    start it again: -> seconds from each kill to the new process's first frame event."""
    import signal

    main_py = Path(__file__).resolve().parents[2] / "main.py"
    times = []
    with tempfile.TemporaryDirectory(prefix="kiosk-restart-") as tmp:
        def start(n: int) -> tuple[subprocess.Popen, Path]:
            events = Path(tmp) / f"events-{n}.jsonl"
            proc = subprocess.Popen([sys.executable, str(main_py), *kiosk_args, "--events", str(events)],
                                    cwd=workdir or Path(tmp), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return proc, events

        proc, events = start(0)
        try:
            wait_for_first_frame(events, proc, timeout)
            for n in range(1, kills + 1):
                os.kill(proc.pid, signal.SIGKILL)
                killed = time.monotonic()
                proc.wait()
                time.sleep(restart_sec)
                proc, events = start(n)
                times.append(wait_for_first_frame(events, proc, timeout) - killed)
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
    return times


def cmd_restart_time(args) -> int:
    source = args.source
    if source != "demo" and not source.isdigit():
        source = str(Path(source).resolve())  # the kiosk runs in a scratch folder
    db = ["--db", str(args.db.resolve())] if args.db else []
    kiosk_args = ["--source", source, "--headless", *db]
    times = measure_restart(kiosk_args, kills=args.kills, restart_sec=args.restart_sec)
    ordered = sorted(times)
    result = {"kills": len(times), "restart_sec": args.restart_sec,
              "median_s": round(ordered[len(ordered) // 2], 3), "max_s": round(ordered[-1], 3),
              "all_s": [round(t, 3) for t in times]}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"kill -9 -> first frame: median {result['median_s']:.2f} s, max {result['max_s']:.2f} s over "
              f"{len(times)} kills (including RestartSec={args.restart_sec:g} s); source {args.source}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m kiosk.tools.soak [soak options]` or `python -m kiosk.tools.soak restart-time [options]`."""
    from kiosk.config import find_config_file, load_config

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m kiosk.tools.soak")
    parser.add_argument("--config", type=Path)
    sub = parser.add_subparsers(dest="command")
    add_parser(sub)
    rt = sub.add_parser("restart-time", help="kill -9 the kiosk and time until it draws again")
    rt.add_argument("--source", default="demo")
    rt.add_argument("--kills", type=int, default=5)
    rt.add_argument("--restart-sec", type=float, default=1.0)
    rt.add_argument("--db", type=Path, help="orders database for a non-demo source (use a scratch file)")
    rt.add_argument("--json", action="store_true")
    head = argv[:2] if argv[:1] == ["--config"] else []
    rest = argv[len(head):]
    if not rest or rest[0] not in ("soak", "restart-time", "-h", "--help"):
        rest = ["soak", *rest]
    args = parser.parse_args(head + rest)
    try:
        if args.command == "restart-time":
            return cmd_restart_time(args)
        return cmd_soak(args, load_config(find_config_file(args.config)))
    except KioskError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    sys.exit(main())

"""How frames arrive and reach the screen: the display, the synchronous and threaded loops, operator keys.

`kiosk/app.py` says what happens to one frame (App.track, App.present, App.redraw);
this module says when: a recording runs synchronously, every frame in order; a camera
runs threaded (capture and inference beside the UI loop, see kiosk/threads.py).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable

from kiosk.app import App, Tracked
from kiosk.errors import KioskError
from kiosk.types import Frame


def open_display(size: tuple[int, int], *, fullscreen: bool, headless: bool):
    """The pygame display surface: fullscreen at the display's own size, a window, or the dummy driver."""
    if headless:  # no screen, no audience: no sound device either
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    try:
        pygame.display.init()
        pygame.display.set_caption("Touchless checkout")
        if fullscreen:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        return pygame.display.set_mode(size)
    except pygame.error as e:
        raise KioskError(f"cannot open the display ({e}); use --headless to run without one") from None


def run(app: App, *, max_frames: int | None = None, screenshot: str | None = None, fullscreen: bool = False,
        max_fps: int = 60) -> int:
    """Run until the source ends, max_frames, or the operator quits.

    A camera runs threaded (capture and inference beside the UI loop, which renders at up
    to max_fps). A recording runs synchronously, every frame in order, so a replay is
    deterministic: at its own speed in a window, as fast as possible headless.
    """
    import pygame

    try:
        if app.p.source.live:
            if run_threaded(app, pygame, max_frames, fullscreen, max_fps) == ENDED:
                # A camera does not end; one that did is a fault for the supervisor to restart us for.
                raise KioskError(f"the camera ({getattr(app.p.source, 'name', 'live source')}) stopped sending frames")
        else:
            _run_synchronous(app, pygame, max_frames, fullscreen)
        if screenshot and app.surface is not None:
            from kiosk.files import open_atomic

            with open_atomic(screenshot, "wb") as f:  # checked by the CLI before the run (kiosk/outputs.py)
                pygame.image.save(app.surface, f, "screenshot.png")
    finally:
        app.p.events.close()
        pygame.display.quit()
    return 0


def _run_synchronous(app: App, pygame, max_frames: int | None, fullscreen: bool) -> None:
    source = app.p.source
    paced = os.environ.get("SDL_VIDEODRIVER") != "dummy"
    start_wall = time.monotonic()
    first_t: float | None = None
    operator = Operator(fullscreen)
    while max_frames is None or app.frames < max_frames:
        if operator.keys(pygame, app):
            break
        frame = source.read()
        if frame is None:
            break
        if paced:
            first_t = frame.t if first_t is None else first_t
            delay = (frame.t - first_t) - (time.monotonic() - start_wall)
            if delay > 0:
                time.sleep(delay)
        app.step(frame)
        pygame.display.flip()
        if (failure := app.failure()) is not None:
            raise failure


ENDED = "source ended"
"""run_threaded's answer when the source ran out (else None: the operator quit, or max_frames)."""


def run_threaded(app: App, pygame, max_frames: int | None, fullscreen: bool, max_fps: int,
                  on_flip: Callable[[Tracked | None], None] | None = None) -> str | None:
    """Capture and inference threads feed the UI loop through one-slot buffers (see kiosk/threads.py).

    on_flip(tracked): called after each flip with the result shown for the first time, or None
    for a redraw (the benchmark measures latency there). Returns ENDED when the source ran out.
    """
    ended = None
    from kiosk.threads import LatestSlot, Stage
    from kiosk.vision.resilient import camera_status

    frames: LatestSlot[Frame] = LatestSlot()
    results: LatestSlot[Tracked] = LatestSlot()

    source = app.p.source
    statuses: LatestSlot[object] = LatestSlot()

    def capture() -> bool:
        frame = source.read()
        status = camera_status(source)  # a reconnecting camera: None means "no new frame now"
        if frame is None and status is None:
            return False  # a camera without reconnection (or a replay) ended
        if status is not None:
            statuses.put(status)
        if frame is None:
            time.sleep(1 / 30)  # reconnecting: read() returns at once, so pace here
        else:
            frames.put(frame)
        return True

    def infer() -> bool:
        frame = frames.take(timeout=0.2)
        if frame is not None:
            results.put(app.track(frame))
        return not frames.closed

    stages = [Stage("capture", capture, frames.close), Stage("inference", infer, results.close)]
    for stage in stages:
        stage.start()
    budget = 1.0 / max_fps
    next_draw = time.monotonic()
    operator = Operator(fullscreen)
    try:
        while max_frames is None or app.frames < max_frames:
            if operator.keys(pygame, app):
                break
            status = statuses.take(timeout=0)
            if status is not None:
                app.camera_status(status)
            tracked = results.take(timeout=max(0.0, next_draw - time.monotonic()))
            started = time.monotonic()
            if tracked is not None:
                app.present(tracked)  # a new hand position: show it at once
                if (failure := app.failure()) is not None:
                    raise failure
            elif results.closed:
                ended = ENDED
                break
            elif time.monotonic() >= next_draw:
                app.redraw()
            else:
                continue
            t0 = time.perf_counter()
            pygame.display.flip()
            if app.stats is not None:
                app.stats.add("flip", time.perf_counter() - t0)
            if on_flip is not None:
                on_flip(tracked)
            next_draw = started + budget  # from the start of this frame: drawing time counts in the budget
        for stage in stages:
            if stage.error is not None:
                raise stage.error
        return ended
    finally:
        for stage in stages:
            stage.stop()
        frames.close()
        for stage in stages:
            stage.join(timeout=2.0)


class Operator:
    """The operator's keys. Never a lone key that a passer-by could press by accident on a kiosk keyboard:

    - Ctrl+Q quits; in a window, Esc also does (a lone Esc never leaves fullscreen);
    - Ctrl+Shift+F leaves fullscreen for a window of the same size, or goes back;
    - Ctrl+Shift+D shows or hides the debug overlay; while it shows, Up/Down choose a
      tracker setting, Left/Right change it (applied at once), Ctrl+S saves the changes
      to the config file.

    pygame.QUIT always quits: it is the window's close button, and also how SDL reports
    SIGTERM/SIGINT, which a supervisor (systemd) sends to stop the kiosk.
    """

    def __init__(self, fullscreen: bool):
        self.fullscreen = fullscreen

    def keys(self, pygame, app: App | None = None) -> bool:
        """Handle pending window events; True when the kiosk should quit."""
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                return True
            if event.type != pygame.KEYDOWN:
                continue
            ctrl = bool(event.mod & pygame.KMOD_CTRL)
            ctrl_shift = ctrl and bool(event.mod & pygame.KMOD_SHIFT)
            if ctrl and event.key == pygame.K_q:
                return True
            if event.key == pygame.K_ESCAPE and not self.fullscreen:
                return True
            if app is None:
                continue
            if ctrl_shift and event.key == pygame.K_f and app.surface is not None:
                self._toggle_fullscreen(pygame, app)
            elif ctrl_shift and event.key == pygame.K_d:
                app.toggle_debug()
            elif app.debug and ctrl and not ctrl_shift and event.key == pygame.K_s:
                app.save_tuning()
            elif app.debug and not ctrl and event.key in (pygame.K_UP, pygame.K_DOWN):
                app.tune(move=-1 if event.key == pygame.K_UP else 1)
            elif app.debug and not ctrl and event.key in (pygame.K_LEFT, pygame.K_RIGHT):
                app.tune(adjust=-1 if event.key == pygame.K_LEFT else 1)
        return False

    def _toggle_fullscreen(self, pygame, app: App) -> None:
        size = app.surface.get_size()
        try:
            if self.fullscreen:
                surface = pygame.display.set_mode(size)
            else:  # SCALED keeps the logical size, so the layout stays valid whatever the display's mode
                surface = pygame.display.set_mode(size, pygame.FULLSCREEN | pygame.SCALED)
        except pygame.error:
            return
        self.fullscreen = not self.fullscreen
        app.set_surface(surface)


def _operator_quit(pygame, fullscreen: bool) -> bool:
    """Ctrl+Q quits; in a window Esc also does (kept for callers without an App; see Operator)."""
    return Operator(fullscreen).keys(pygame)

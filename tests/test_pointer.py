"""Tests for kiosk.interaction.pointer: fingertip + 👌 strength -> cursor and press/release/click.

Every timeline is scripted frame by frame at 30 fps (t = i / 30). Expected screen positions
are derived from the documented mapping (active-region corners -> screen corners, linear in
between), not from Pointer.to_screen.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.interaction.pointer import Pointer, PointerConfig, PointerState
from kiosk.types import PointerKind

FPS = 30
SCREEN = (1280, 720)
REGION = (0.2, 0.15, 0.8, 0.75)
CFG = PointerConfig(active_region=REGION)  # everything else at its default


def expected_px(tip: tuple[float, float], region=REGION, screen=SCREEN) -> tuple[float, float]:
    """The documented mapping: region corner (x0, y0) -> pixel (0, 0), (x1, y1) -> (w-1, h-1), linear, clamped."""
    x0, y0, x1, y1 = region
    w, h = screen
    fx = min(max((tip[0] - x0) / (x1 - x0), 0.0), 1.0)
    fy = min(max((tip[1] - y0) / (y1 - y0), 0.0), 1.0)
    return fx * (w - 1), fy * (h - 1)


def kinds(states: list[PointerState]) -> list[PointerKind]:
    return [e.kind for s in states for e in s.events]


def events_of(states: list[PointerState], kind: PointerKind):
    return [e for s in states for e in s.events if e.kind == kind]


def run(pointer: Pointer, frames, start: int = 0) -> list[PointerState]:
    """frames: iterable of (tip, ok) or (tip, ok, pinch); frame k is at t = (start + k) / FPS."""
    out = []
    for k, fr in enumerate(frames):
        tip, ok, *rest = fr
        out.append(pointer.update((start + k) / FPS, tip, ok, *rest))
    return out


# --------------------------------------------------------------------------- mapping


def test_active_region_corners_map_to_screen_corners():
    p = Pointer(SCREEN, CFG)
    w, h = SCREEN
    x0, y0, x1, y1 = REGION
    assert p.to_screen((x0, y0)) == pytest.approx((0.0, 0.0))
    assert p.to_screen((x1, y0)) == pytest.approx((w - 1, 0.0))
    assert p.to_screen((x0, y1)) == pytest.approx((0.0, h - 1))
    assert p.to_screen((x1, y1)) == pytest.approx((w - 1, h - 1))
    assert p.to_screen(((x0 + x1) / 2, (y0 + y1) / 2)) == pytest.approx(((w - 1) / 2, (h - 1) / 2))


@pytest.mark.parametrize(
    "tip, want",
    [
        ((0.0, 0.0), (0.0, 0.0)),
        ((1.0, 1.0), (1279.0, 719.0)),
        ((0.05, 0.45), (0.0, 359.5)),  # left of the region, halfway down
        ((0.95, 0.45), (1279.0, 359.5)),  # right of it
        ((0.5, 0.01), (639.5, 0.0)),  # above it
        ((0.5, 0.99), (639.5, 719.0)),  # below it
        ((-0.3, 1.7), (0.0, 719.0)),  # far outside the frame
    ],
)
def test_points_outside_the_region_clamp_to_the_screen_edge(tip, want):
    assert Pointer(SCREEN, CFG).to_screen(tip) == pytest.approx(want)


@given(x=st.floats(0.2, 0.8), y=st.floats(0.15, 0.75))
@settings(max_examples=200, deadline=None)
def test_to_frame_inverts_to_screen_inside_the_region(x, y):
    p = Pointer(SCREEN, CFG)
    assert p.to_frame(p.to_screen((x, y))) == pytest.approx((x, y), abs=1e-9)
    assert p.to_screen((x, y)) == pytest.approx(expected_px((x, y)), abs=1e-6)


@given(u=st.floats(0, 1279), v=st.floats(0, 719))
@settings(max_examples=200, deadline=None)
def test_to_screen_inverts_to_frame_on_the_screen(u, v):
    p = Pointer(SCREEN, CFG)
    assert p.to_screen(p.to_frame((u, v))) == pytest.approx((u, v), abs=1e-6)


def test_cursor_never_leaves_the_screen():
    rng = np.random.default_rng(0)
    p = Pointer(SCREEN, CFG)
    w, h = SCREEN
    for i in range(300):
        tip = tuple(rng.uniform(-0.5, 1.5, size=2))
        s = p.update(i / FPS, tip, 0.0)
        assert 0.0 <= s.cursor[0] <= w - 1 and 0.0 <= s.cursor[1] <= h - 1


# --------------------------------------------------------------------------- smoothing


def test_still_fingertip_gives_a_still_cursor_at_its_mapped_position():
    p = Pointer(SCREEN, CFG)
    tip = (0.37, 0.52)
    want = expected_px(tip)
    for s in run(p, [(tip, 0.0)] * 90):
        assert s.cursor == pytest.approx(want, abs=1e-9)
        assert s.events == () and not s.pressed


def test_cursor_follows_a_move_and_settles_at_the_new_position():
    p = Pointer(SCREEN, CFG)
    a, b = (0.3, 0.3), (0.7, 0.6)
    run(p, [(a, 0.0)] * 30)
    path = [((a[0] + (b[0] - a[0]) * k / 10, a[1] + (b[1] - a[1]) * k / 10), 0.0) for k in range(1, 11)]
    states = run(p, path + [(b, 0.0)] * 60, start=30)
    assert states[-1].cursor == pytest.approx(expected_px(b), abs=1.0)


def test_jittery_still_fingertip_is_smoothed_with_default_config():
    # MediaPipe-like landmark noise on a resting hand: 0.002 of the frame (about a pixel at 640 px).
    rng = np.random.default_rng(1)
    p = Pointer(SCREEN, CFG)
    raw, cursor = [], []
    for i in range(300):
        tip = (0.5 + rng.normal(0, 0.002), 0.45 + rng.normal(0, 0.002))
        s = p.update(i / FPS, tip, 0.0)
        raw.append(expected_px(tip))
        cursor.append(s.cursor)
    raw_std = np.std(np.array(raw)[30:], axis=0)
    cur_std = np.std(np.array(cursor)[30:], axis=0)
    assert np.all(cur_std < 0.6 * raw_std), (raw_std, cur_std)


def test_smoothing_does_not_depend_on_screen_size():
    """beta is per active-region width / s: the same hand motion must give the same relative cursor
    path on any screen (a filter run on px would smooth a 4K screen differently from a 640 px one)."""
    rng = np.random.default_rng(2)
    tips = [(0.5 + 0.2 * math.sin(i / 9) + rng.normal(0, 0.002), 0.45 + rng.normal(0, 0.002)) for i in range(120)]
    paths = []
    for screen in ((640, 480), (1280, 720), (3840, 2160)):
        p = Pointer(screen, CFG)
        w, h = screen
        paths.append(np.array([(s.cursor[0] / (w - 1), s.cursor[1] / (h - 1))
                               for s in (p.update(i / FPS, tip, 0.0) for i, tip in enumerate(tips))]))
    np.testing.assert_allclose(paths[1], paths[0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(paths[2], paths[0], rtol=0, atol=1e-9)


# --------------------------------------------------------------------------- press / release


TIP = (0.5, 0.45)


def test_one_frame_above_press_at_is_not_a_press():
    p = Pointer(SCREEN, CFG)
    frames = [(TIP, 0.0)] * 10 + [(TIP, 1.0)] + [(TIP, 0.5)] * 10 + [(TIP, 0.0)] * 10
    states = run(p, frames)
    assert kinds(states) == []
    assert not any(s.pressed for s in states)


def test_flickering_above_press_at_never_holds_long_enough():
    p = Pointer(SCREEN, CFG)
    frames = [(TIP, 0.0)] * 5 + [(TIP, 0.9 if k % 2 == 0 else 0.55) for k in range(60)]
    assert kinds(run(p, frames)) == []


@pytest.mark.parametrize(
    "min_hold, frames_after_first",
    [
        (0.06, 2),  # 1/30 s < 0.06 <= 2/30 s
        (0.08, 3),  # 2/30 s < 0.08 <= 3/30 s
        (0.2, 6),  # 6/30 s = 0.2 exactly: held for min_hold counts
    ],
)
def test_press_needs_ok_held_for_min_hold(min_hold, frames_after_first):
    p = Pointer(SCREEN, PointerConfig(active_region=REGION, min_hold=min_hold))
    first_high = 10
    frames = [(TIP, 0.0)] * first_high + [(TIP, 0.6)] * 20  # exactly press_at counts
    states = run(p, frames)
    presses = [k for k, s in enumerate(states) if any(e.kind == PointerKind.PRESS for e in s.events)]
    assert presses == [first_high + frames_after_first]
    assert [s.pressed for s in states] == [k >= first_high + frames_after_first for k in range(len(states))]
    assert kinds(states) == [PointerKind.PRESS]


def _pressed_pointer(cfg: PointerConfig = CFG) -> tuple[Pointer, int]:
    p = Pointer(SCREEN, cfg)
    states = run(p, [(TIP, 0.0)] * 10 + [(TIP, 1.0)] * 10)
    assert states[-1].pressed
    return p, 20


def test_hysteresis_after_press_ok_between_thresholds_does_not_release():
    p, n = _pressed_pointer()
    rng = np.random.default_rng(3)
    between = rng.uniform(CFG.release_at + 1e-3, CFG.press_at - 1e-3, size=90)
    states = run(p, [(TIP, float(ok)) for ok in between], start=n)
    assert kinds(states) == []
    assert all(s.pressed for s in states)
    # Staying at release_at (inclusive) for min_release (0.05 s: the third frame at 30 fps)
    # releases, with exactly one click.
    final = run(p, [(TIP, CFG.release_at)] * 3, start=n + 90)
    assert [kinds([s]) for s in final] == [[], [], [PointerKind.RELEASE, PointerKind.CLICK]]
    assert not final[-1].pressed


def test_a_one_or_two_frame_dip_does_not_release():
    """A classifier whose strength steps 1 -> 0 -> 1 for a frame or two must not click twice."""
    p, n = _pressed_pointer()
    flicker = [(TIP, 0.0), (TIP, 1.0), (TIP, 0.0), (TIP, 0.0), (TIP, 1.0)] * 6
    states = run(p, flicker, start=n)
    assert kinds(states) == [] and all(s.pressed for s in states)
    assert kinds(run(p, [(TIP, 0.0)] * 3, start=n + 30)) == [PointerKind.RELEASE, PointerKind.CLICK]


def test_hysteresis_before_press_ok_between_thresholds_does_not_press():
    p = Pointer(SCREEN, CFG)
    rng = np.random.default_rng(4)
    between = rng.uniform(CFG.release_at + 1e-3, CFG.press_at - 1e-3, size=90)
    states = run(p, [(TIP, 0.0)] * 5 + [(TIP, float(ok)) for ok in between])
    assert kinds(states) == []
    assert not any(s.pressed for s in states)


def test_state_reports_ok_strength():
    p = Pointer(SCREEN, CFG)
    assert [s.ok for s in run(p, [(TIP, 0.0), (TIP, 0.25), (TIP, 0.8)])] == [0.0, 0.25, 0.8]


def test_exactly_one_click_per_noisy_close_open_cycle():
    rng = np.random.default_rng(5)
    cycles = 40
    frames = []
    for _ in range(cycles):
        open_n, closed_n = int(rng.integers(4, 20)), int(rng.integers(4, 20))
        # Open: noisy but never above press_at; the ramps pass through the hysteresis band.
        frames += [(TIP, float(rng.uniform(0.0, 0.55))) for _ in range(open_n)]
        frames += [(TIP, 0.45), (TIP, 0.58)]
        # Closed: noisy but never at or below release_at.
        frames += [(TIP, float(rng.uniform(0.62, 1.0))) for _ in range(closed_n)]
        frames += [(TIP, 0.5), (TIP, 0.35), (TIP, 0.1), (TIP, 0.1), (TIP, 0.1)]
    states = run(Pointer(SCREEN, CFG), frames)
    assert kinds(states) == [PointerKind.PRESS, PointerKind.RELEASE, PointerKind.CLICK] * cycles


@given(cycles=st.lists(st.tuples(st.integers(1, 15), st.integers(3, 15)), min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_one_click_per_cycle_for_any_durations(cycles):
    # closed for >= 3 frames = 2/30 s >= min_hold (0.06 s); open for >= 3 frames >= min_release (0.05 s).
    frames = []
    for open_n, closed_n in cycles:
        frames += [(TIP, 0.0)] * (open_n + 2) + [(TIP, 1.0)] * closed_n
    frames += [(TIP, 0.0)] * 3
    states = run(Pointer(SCREEN, CFG), frames)
    assert len(events_of(states, PointerKind.CLICK)) == len(cycles)
    assert kinds(states) == [PointerKind.PRESS, PointerKind.RELEASE, PointerKind.CLICK] * len(cycles)


# --------------------------------------------------------------------------- the click jump


A = (0.5, 0.4)


def click_jump_script(rng: np.random.Generator):
    """(tip, ok, pinch) frames: rest at A, close the 👌 while the fingertip slides down, hold, open."""
    frames = []
    for _ in range(30):  # 1 s at rest, hand open, pinch ~0.9
        frames.append((A, 0.0, 0.9 + float(rng.uniform(-0.01, 0.01))))
    slide = 0.10  # 10% of the frame height
    oks = (0.0, 0.0, 0.05, 0.2, 0.7, 1.0)  # the 👌 strength rises only at the end
    for k in range(1, 7):
        frames.append(((A[0], A[1] + slide * k / 6), oks[k - 1], 0.9 - 0.8 * k / 6))
    low = (A[0], A[1] + slide)
    for k in range(15):  # held closed; the fingertip keeps wobbling
        frames.append(((low[0] + 0.01 * math.sin(k), low[1] + 0.01 * math.cos(k)), 1.0, 0.1))
    opening = (0.9, 0.6, 0.4, 0.2, 0.0, 0.0)
    for k in range(1, 7):  # opening: the fingertip slides back up past A
        frames.append(((A[0] + 0.02 * k, low[1] - 0.15 * k / 6), opening[k - 1], 0.1 + 0.8 * k / 6))
    return frames


def test_click_lands_where_the_hand_started_closing():
    frames = click_jump_script(np.random.default_rng(6))
    p = Pointer(SCREEN, CFG)
    states = run(p, frames)
    a_px = expected_px(A)
    slid_px = expected_px((A[0], A[1] + 0.10))
    assert math.dist(a_px, slid_px) > 100  # the jump being compensated is large

    # While not yet pressed the cursor followed the sliding fingertip ...
    first_press = next(k for k, s in enumerate(states) if s.pressed)
    assert math.dist(states[first_press - 1].cursor, a_px) > 50

    # ... but the press, release and click all land on A.
    press, = events_of(states, PointerKind.PRESS)
    release, = events_of(states, PointerKind.RELEASE)
    click, = events_of(states, PointerKind.CLICK)
    for e in (press, release, click):
        assert math.dist(e.pos, a_px) < 3.0, (e, a_px)
        assert math.dist(e.pos, slid_px) > 100
    assert release.pos == press.pos and click.pos == press.pos
    assert press.t == pytest.approx(first_press / FPS)

    # The cursor is frozen on the anchor for every pressed frame, though the fingertip moves.
    pressed_frames = [s for s in states if s.pressed]
    assert len(pressed_frames) >= 10
    assert all(s.cursor == press.pos for s in pressed_frames)

    # After the release the cursor follows the hand again.
    assert kinds(states) == [PointerKind.PRESS, PointerKind.RELEASE, PointerKind.CLICK]
    assert states[-1].cursor != press.pos


def test_click_without_pinch_history_still_lands_near_where_it_pressed():
    # Without a pinch trend (pinch left at its default), a still hand clicks where it is.
    p = Pointer(SCREEN, CFG)
    states = run(p, [(A, 0.0)] * 10 + [(A, 1.0)] * 5 + [(A, 0.0)] * 3)
    click, = events_of(states, PointerKind.CLICK)
    assert click.pos == pytest.approx(expected_px(A), abs=1e-9)


# --------------------------------------------------------------------------- lost hand


def test_short_gap_keeps_the_press_and_the_release_still_clicks():
    p, n = _pressed_pointer()
    anchor = p.update(n / FPS, TIP, 1.0).cursor
    gap = run(p, [(None, 0.0)] * 6, start=n + 1)  # 0.2 s < lost_grace (0.3 s)
    assert kinds(gap) == []
    assert all(s.pressed and s.cursor == anchor for s in gap)
    back = run(p, [(TIP, 1.0)] * 2 + [(TIP, 0.0)] * 3, start=n + 7)
    assert kinds(back) == [PointerKind.RELEASE, PointerKind.CLICK]
    click, = events_of(back, PointerKind.CLICK)
    assert click.pos == anchor


def test_long_gap_cancels_the_press_and_hides_the_cursor():
    p, n = _pressed_pointer()
    anchor = p.update(n / FPS, TIP, 1.0).cursor
    gap = run(p, [(None, 0.0)] * 15, start=n + 1)  # 0.5 s > lost_grace
    cancels = events_of(gap, PointerKind.CANCEL)
    assert len(cancels) == 1
    assert cancels[0].pos == anchor
    # Cancelled at the first frame more than lost_grace after the hand was last seen (t = n/FPS).
    cancel_frame = next(k for k, s in enumerate(gap) if s.events)
    assert (n + 1 + cancel_frame) / FPS - n / FPS > CFG.lost_grace
    assert (n + cancel_frame) / FPS - n / FPS <= CFG.lost_grace
    after = gap[cancel_frame:]
    assert all(s.cursor is None and not s.pressed for s in after)
    assert PointerKind.CLICK not in kinds(gap)

    # The hand comes back open elsewhere: no click, no release, and the cursor appears at
    # the new place at once instead of gliding from the old one.
    elsewhere = (0.3, 0.7)
    back = run(p, [(elsewhere, 0.0)] * 3, start=n + 16)
    assert kinds(back) == []
    assert back[0].cursor == pytest.approx(expected_px(elsewhere), abs=1e-9)


def test_lost_hand_without_press_just_hides_the_cursor():
    p = Pointer(SCREEN, CFG)
    run(p, [(TIP, 0.0)] * 5)
    gap = run(p, [(None, 0.0)] * 15, start=5)
    assert kinds(gap) == []
    assert gap[0].cursor is not None  # within grace the cursor stays
    assert gap[-1].cursor is None and not gap[-1].pressed


def test_no_hand_ever_means_no_cursor():
    p = Pointer(SCREEN, CFG)
    states = run(p, [(None, 0.0)] * 5)
    assert all(s.cursor is None and not s.pressed and s.events == () for s in states)


# --------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    "region",
    [
        (0.8, 0.15, 0.2, 0.75),  # x0 > x1
        (0.2, 0.75, 0.8, 0.15),  # y0 > y1
        (0.5, 0.15, 0.5, 0.75),  # empty in x
        (0.2, 0.4, 0.8, 0.4),  # empty in y
        (-0.1, 0.15, 0.8, 0.75),
        (0.2, 0.15, 1.1, 0.75),
        (0.2, -0.2, 0.8, 0.75),
        (0.2, 0.15, 0.8, 1.01),
    ],
)
def test_config_rejects_bad_active_region(region):
    with pytest.raises(ValueError):
        PointerConfig(active_region=region)


@pytest.mark.parametrize(
    "press_at, release_at",
    [(0.5, 0.5), (0.4, 0.6), (1.2, 0.3), (0.6, -0.1)],
)
def test_config_rejects_bad_thresholds(press_at, release_at):
    with pytest.raises(ValueError):
        PointerConfig(press_at=press_at, release_at=release_at)


def test_config_accepts_valid_values():
    PointerConfig(active_region=(0.0, 0.0, 1.0, 1.0), press_at=1.0, release_at=0.0)
    PointerConfig(press_at=0.51, release_at=0.5)

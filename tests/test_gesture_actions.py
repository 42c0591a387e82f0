"""Tests for kiosk.interaction.gesture_actions: held gestures and the grab, on scripted timelines."""
from __future__ import annotations

import pytest

from kiosk.interaction.gesture_actions import GestureActions, GestureConfig, bindings
from kiosk.shop.machine import TRANSITIONS, Act, Intent, Screen

CFG = GestureConfig(hold=0.5, repeat=0.4, grab_hold=0.2, gap=0.15)
FPS = 30


def frames(t0: float, t1: float, label: str, y=None):
    """(t, label, y) at 30 fps from t0 up to and including t1. y: a number, or a function of t."""
    n = round((t1 - t0) * FPS)
    return [(t0 + k / FPS, label, y(t0 + k / FPS) if callable(y) else y) for k in range(n + 1)]


def run(g: GestureActions, timeline, screen, row_px=100.0, scrollable=False):
    """-> [(t, intent)] in order."""
    out = []
    for t, label, y in timeline:
        for intent in g.update(t, label, y, screen, row_px, scrollable).intents:
            out.append((round(t, 3), intent))
    return out


def test_open_hand_held_half_a_second_goes_back_once():
    g = GestureActions(CFG)
    got = run(g, frames(0.0, 3.0, "palm"), Screen.CART)
    assert got == [(0.5, Intent(Act.BACK))]


def test_a_short_open_hand_does_nothing():
    g = GestureActions(CFG)
    timeline = frames(0.0, 0.4, "palm") + frames(0.6, 1.0, "point") + frames(1.1, 1.5, "palm")
    assert run(g, timeline, Screen.CART) == []


def test_classifier_flicker_does_not_break_a_hold():
    g = GestureActions(CFG)
    timeline = [(t, "none" if k % 4 == 3 else lab, y) for k, (t, lab, y) in enumerate(frames(0.0, 1.0, "palm"))]
    assert run(g, timeline, Screen.CART) == [(0.5, Intent(Act.BACK))]


def test_a_longer_break_starts_the_hold_over():
    g = GestureActions(CFG)
    timeline = frames(0.0, 0.3, "palm") + frames(0.333, 0.6, "none") + frames(0.633, 1.2, "palm")
    assert run(g, timeline, Screen.CART) == [(1.133, Intent(Act.BACK))]


def test_releasing_and_holding_again_acts_again():
    g = GestureActions(CFG)
    timeline = frames(0.0, 1.0, "palm") + frames(1.033, 1.5, "point") + frames(1.533, 2.2, "palm")
    assert [t for t, _ in run(g, timeline, Screen.CONFIRM)] == [0.5, 2.033]


def test_thumbs_up_confirms_on_the_summary_only():
    assert run(GestureActions(CFG), frames(0.0, 1.0, "thumbs_up"), Screen.CONFIRM) == [(0.5, Intent(Act.CONFIRM))]
    for screen in (Screen.SHOPPING, Screen.CART, Screen.PIN, Screen.ATTRACT):
        assert run(GestureActions(CFG), frames(0.0, 1.0, "thumbs_up"), screen) == []


def test_open_hand_where_back_means_nothing_does_nothing():
    for screen in (Screen.ATTRACT, Screen.SHOPPING, Screen.RECEIPT):
        assert run(GestureActions(CFG), frames(0.0, 2.0, "palm"), screen) == []


def test_on_a_keypad_the_open_hand_erases_then_repeats_at_a_fixed_interval():
    g = GestureActions(CFG)
    got = run(g, frames(0.0, 1.75, "palm") + frames(1.8, 2.5, "point"), Screen.PIN)
    assert [t for t, _ in got] == [0.5, 0.9, 1.3, 1.7]
    assert all(i == Intent(Act.ERASE) for _, i in got)
    again = run(g, frames(2.533, 3.1, "palm"), Screen.QUANTITY)
    assert [t for t, _ in again] == [3.033]


def test_a_hold_that_spans_a_screen_change_is_spent():
    """✋ took the shopper back from the summary to the cart: still held, it must not go back again."""
    g = GestureActions(CFG)
    first = run(g, frames(0.0, 0.5, "palm"), Screen.CONFIRM)
    assert first == [(0.5, Intent(Act.BACK))]
    assert run(g, frames(0.533, 3.0, "palm"), Screen.CART) == []
    # nor does a session-starting raised hand go on to do anything
    g = GestureActions(CFG)
    assert run(g, frames(0.0, 0.5, "palm"), Screen.ATTRACT) == []
    assert run(g, frames(0.533, 2.0, "palm"), Screen.QUANTITY) == []


def test_holding_progress_is_reported_then_cleared():
    g = GestureActions(CFG)
    states = [g.update(t, lab, None, Screen.CART) for t, lab, _ in frames(0.0, 1.0, "palm")]
    assert states[0].holding == ("Back", 0.0)
    assert states[6].holding == ("Back", pytest.approx(0.4))
    assert states[15].holding == ("Back", 1.0) and states[15].intents
    assert states[16].holding is None  # done: nothing more to show until the hand changes


def test_grab_scrolls_by_whole_rows_as_the_hand_moves():
    g = GestureActions(CFG)
    # fist at y=500 for 0.3 s, then the hand rises 250 px over 1 s, then opens
    def y(t):
        return 500.0 - max(0.0, t - 0.3) * 250.0
    timeline = frames(0.0, 1.3, "fist", y) + frames(1.333, 1.6, "palm", 200.0)
    got = run(g, timeline, Screen.SHOPPING, row_px=100.0, scrollable=True)
    assert [i.act for _, i in got] == [Act.SCROLL, Act.SCROLL]
    assert [i.arg for _, i in got] == ["1", "1"]  # up shows later rows, one row per 100 px
    t1, t2 = (t for t, _ in got)
    assert t1 == pytest.approx(0.2 + 100 / 250 + 0.1, abs=0.04) and t2 == pytest.approx(t1 + 0.4, abs=0.04)


def test_grab_down_scrolls_back_and_does_nothing_when_the_list_fits():
    def y(t):
        return 300.0 + max(0.0, t - 0.3) * 400.0
    got = run(GestureActions(CFG), frames(0.0, 1.0, "fist", y), Screen.CART, 100.0, scrollable=True)
    assert [i.arg for _, i in got] == ["-1", "-1"]
    assert run(GestureActions(CFG), frames(0.0, 1.0, "fist", y), Screen.CART, 100.0, scrollable=False) == []
    assert run(GestureActions(CFG), frames(0.0, 1.0, "fist", y), Screen.CONFIRM, 100.0, scrollable=True) == []


def test_a_fist_shorter_than_the_grab_hold_does_not_scroll():
    got = run(GestureActions(CFG), frames(0.0, 0.15, "fist", lambda t: 500 - t * 3000), Screen.SHOPPING, 100.0, True)
    assert got == []


def test_bindings_only_where_the_state_machine_has_a_row():
    for screen in Screen:
        for label, b in bindings(screen).items():
            assert (screen, b.act) in TRANSITIONS
    assert set(bindings(Screen.CONFIRM)) == {"palm", "thumbs_up"}
    assert bindings(Screen.PIN)["palm"].act is Act.ERASE and bindings(Screen.PIN)["palm"].repeat
    assert bindings(Screen.SHOPPING) == {}


def test_ok_sign_is_never_a_held_gesture():
    """The 👌 is the pointer's click: holding it must not trigger anything here."""
    for screen in Screen:
        assert run(GestureActions(CFG), frames(0.0, 3.0, "ok"), screen) == []

"""Tests for kiosk.interaction.gesture_actions: held gestures and the grab, on scripted timelines.

Time is scripted: frame k of a timeline is at k / 30 s. The expected times below are
written out by hand from the hold times in CFG, never computed by the code under test.
"""
from __future__ import annotations

import pytest

from kiosk.interaction.gesture_actions import GESTURES, GestureActions, HoldConfig, bindings
from kiosk.shop.machine import TRANSITIONS, Act, Intent, Screen

CFG = HoldConfig(hold=0.5, confirm_hold=0.6, grab_hold=0.2, gap=0.15)
FPS = 30


def frames(t0: float, t1: float, label: str, y=None):
    """(t, label, y) at 30 fps from t0 up to and including t1. y: a number, or a function of t."""
    n = round((t1 - t0) * FPS)
    return [(t0 + k / FPS, label, y(t0 + k / FPS) if callable(y) else y) for k in range(n + 1)]


def seq(*segments: tuple[int, str]):
    """Consecutive segments of (number of frames, label); frame k is at k / 30 s."""
    out, k = [], 0
    for n, label in segments:
        out += [((k + j) / FPS, label, None) for j in range(n)]
        k += n
    return out


def run(g: GestureActions, timeline, screen, row_px=100.0, scrollable=False):
    """-> [(t, intent)] in order."""
    out = []
    for t, label, y in timeline:
        for intent in g.update(t, label, y, screen, row_px, scrollable).intents:
            out.append((round(t, 3), intent))
    return out


# -- ✋ = back, where going back loses nothing --------------------------------------------------

def test_open_hand_held_half_a_second_goes_back_once():
    g = GestureActions(CFG)
    got = run(g, frames(0.0, 3.0, "palm"), Screen.CART)
    assert got == [(0.5, Intent(Act.BACK))]


def test_open_hand_goes_back_from_the_order_summary_after_the_hold_not_before():
    g = GestureActions(CFG)
    states = [(t, g.update(t, lab, None, Screen.CONFIRM)) for t, lab, _ in frames(0.0, 1.0, "palm")]
    acted = [round(t, 3) for t, s in states if s.intents]
    assert acted == [0.5]
    assert all(s.holding is not None and s.holding[0] == "Back" for t, s in states if t < 0.5)


def test_a_short_open_hand_does_nothing():
    g = GestureActions(CFG)
    timeline = frames(0.0, 0.4, "palm") + frames(0.6, 1.0, "point") + frames(1.1, 1.5, "palm")
    assert run(g, timeline, Screen.CART) == []


def test_a_moment_of_none_does_not_break_a_hold():
    g = GestureActions(CFG)
    timeline = [(t, "none" if k % 4 == 3 else lab, y) for k, (t, lab, y) in enumerate(frames(0.0, 1.0, "palm"))]
    assert run(g, timeline, Screen.CART) == [(0.5, Intent(Act.BACK))]


def test_a_longer_break_starts_the_hold_over():
    g = GestureActions(CFG)
    timeline = frames(0.0, 0.3, "palm") + frames(0.333, 0.6, "none") + frames(0.633, 1.2, "palm")
    assert run(g, timeline, Screen.CART) == [(1.133, Intent(Act.BACK))]


def test_one_frame_of_another_pose_breaks_a_hold():
    """Only "none" is bridged: a single frame of a real pose means the hand did something else."""
    g = GestureActions(CFG)
    # palm k=0..11, point at k=12 (0.4 s), palm again from k=13: the 0.5 s hold counts from 13/30 s
    got = run(g, seq((12, "palm"), (1, "point"), (30, "palm")), Screen.CART)
    assert got == [(0.933, Intent(Act.BACK))]


def test_releasing_and_holding_again_acts_again():
    g = GestureActions(CFG)
    timeline = frames(0.0, 1.0, "palm") + frames(1.033, 1.5, "point") + frames(1.533, 2.2, "palm")
    assert [t for t, _ in run(g, timeline, Screen.CONFIRM)] == [0.5, 2.033]


@pytest.mark.parametrize("screen", [Screen.ATTRACT, Screen.SHOPPING, Screen.QUANTITY, Screen.PAYING, Screen.RECEIPT])
def test_open_hand_where_going_back_could_lose_something_or_means_nothing_does_nothing(screen):
    """On the keypads ✋ would drop the typed quantity or cancel the payment: it does nothing there, not even erase."""
    g = GestureActions(CFG)
    states = [g.update(t, lab, None, screen) for t, lab, _ in frames(0.0, 3.0, "palm")]
    assert [s.intents for s in states if s.intents] == []
    assert [s.holding for s in states if s.holding] == []  # no ring promises anything either


# -- 👍 = confirm, held, and nothing else confirms ---------------------------------------------

def test_thumbs_up_held_confirms_on_the_summary_only():
    assert run(GestureActions(CFG), frames(0.0, 1.0, "thumbs_up"), Screen.CONFIRM) == [(0.6, Intent(Act.CONFIRM))]
    for screen in (Screen.SHOPPING, Screen.CART, Screen.QUANTITY, Screen.PAYING, Screen.ATTRACT, Screen.RECEIPT):
        assert run(GestureActions(CFG), frames(0.0, 1.0, "thumbs_up"), screen) == []


def test_a_thumbs_up_shorter_than_the_hold_does_nothing():
    g = GestureActions(CFG)
    timeline = seq((17, "thumbs_up"), (20, "point"), (10, "thumbs_up"), (20, "none"))  # 0.567 s, then 0.333 s
    assert run(g, timeline, Screen.CONFIRM) == []


@pytest.mark.parametrize("label", ["thumbs_down", "palm", "fist", "point", "ok", "peace", "none"])
def test_nothing_but_a_thumbs_up_ever_confirms(label):
    """A 👎 held for 3 s on the summary means "not yet": never a confirm."""
    got = run(GestureActions(CFG), frames(0.0, 3.0, label), Screen.CONFIRM)
    assert Intent(Act.CONFIRM) not in [i for _, i in got]


def test_thumbs_down_held_on_the_summary_does_nothing_at_all():
    g = GestureActions(CFG)
    states = [g.update(t, lab, None, Screen.CONFIRM) for t, lab, _ in frames(0.0, 3.0, "thumbs_down")]
    assert [s for s in states if s.intents or s.holding or s.grabbing] == []


@pytest.mark.parametrize("other", ["thumbs_down", "palm", "fist"])
def test_a_thumbs_up_interrupted_by_one_frame_of_another_pose_starts_over(other):
    g = GestureActions(CFG)
    # 👍 k=0..12 (0.4 s), one frame of `other` at k=13, 👍 from k=14: 0.6 s after 14/30 s is 32/30 s
    got = run(g, seq((13, "thumbs_up"), (1, other), (40, "thumbs_up")), Screen.CONFIRM)
    assert got == [(1.067, Intent(Act.CONFIRM))]


def test_a_thumbs_up_with_a_moment_of_none_still_confirms_on_time():
    g = GestureActions(CFG)
    got = run(g, seq((13, "thumbs_up"), (2, "none"), (40, "thumbs_up")), Screen.CONFIRM)
    assert got == [(0.6, Intent(Act.CONFIRM))]


def test_the_thumbs_up_ring_fills_over_its_own_hold():
    g = GestureActions(CFG)
    states = [g.update(t, lab, None, Screen.CONFIRM) for t, lab, _ in frames(0.0, 1.0, "thumbs_up")]
    assert states[0].holding == ("Confirm", 0.0)
    assert states[9].holding == ("Confirm", pytest.approx(0.5))  # 0.3 s of 0.6
    assert states[15].holding == ("Confirm", pytest.approx(0.8333, abs=1e-3)) and not states[15].intents
    assert states[18].holding == ("Confirm", 1.0) and states[18].intents == (Intent(Act.CONFIRM),)
    assert states[19].holding is None


def test_a_hold_that_spans_a_screen_change_is_spent():
    """✋ took the shopper back from the summary to the cart: still held, it must not go back again."""
    g = GestureActions(CFG)
    first = run(g, frames(0.0, 0.5, "palm"), Screen.CONFIRM)
    assert first == [(0.5, Intent(Act.BACK))]
    assert run(g, frames(0.533, 3.0, "palm"), Screen.CART) == []
    # nor does the raised hand that started a session go on to do anything
    g = GestureActions(CFG)
    assert run(g, frames(0.0, 0.5, "palm"), Screen.ATTRACT) == []
    assert run(g, frames(0.533, 2.0, "palm"), Screen.SHOPPING) == []
    assert run(g, frames(2.033, 4.0, "palm"), Screen.CART) == []


def test_holding_progress_is_reported_then_cleared():
    g = GestureActions(CFG)
    states = [g.update(t, lab, None, Screen.CART) for t, lab, _ in frames(0.0, 1.0, "palm")]
    assert states[0].holding == ("Back", 0.0)
    assert states[6].holding == ("Back", pytest.approx(0.4))
    assert states[15].holding == ("Back", 1.0) and states[15].intents
    assert states[16].holding is None  # done: nothing more to show until the hand changes


# -- ✊ = grab and scroll ------------------------------------------------------------------------

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


# -- the table ------------------------------------------------------------------------------------

def test_the_gesture_table_is_exactly_this():
    table = {(screen.value, label): b.act.value for (screen, label), b in GESTURES.items()}
    assert table == {
        ("shopping", "fist"): "scroll",
        ("cart", "fist"): "scroll",
        ("cart", "palm"): "back",
        ("confirm", "palm"): "back",
        ("confirm", "thumbs_up"): "confirm",
    }


def test_bindings_only_where_the_state_machine_has_a_row():
    for screen in Screen:
        for label, b in bindings(screen).items():
            assert (screen, b.act) in TRANSITIONS
    assert set(bindings(Screen.CONFIRM)) == {"palm", "thumbs_up"}
    assert bindings(Screen.PAYING) == {} and bindings(Screen.QUANTITY) == {}
    assert set(bindings(Screen.SHOPPING)) == {"fist"}


def test_one_pose_has_one_meaning_and_none_is_destructive():
    meanings: dict[str, set[Act]] = {}
    for (_, label), b in GESTURES.items():
        meanings.setdefault(label, set()).add(b.act)
    assert all(len(acts) == 1 for acts in meanings.values()), meanings
    destructive = {Act.REMOVE, Act.DEC, Act.ERASE, Act.TIMEOUT, Act.DONE, Act.ENTER}
    assert not {b.act for b in GESTURES.values()} & destructive
    assert "thumbs_down" not in meanings and "ok" not in meanings  # 👎 means "not yet"; 👌 is the click


def test_ok_sign_is_never_a_held_gesture():
    """The 👌 is the pointer's click: holding it must not trigger anything here."""
    for screen in Screen:
        assert run(GestureActions(CFG), frames(0.0, 3.0, "ok"), screen) == []


def test_config_is_validated():
    for bad in (dict(hold=0), dict(confirm_hold=0), dict(grab_hold=-1), dict(gap=-0.1)):
        with pytest.raises(ValueError):
            HoldConfig(**bad)

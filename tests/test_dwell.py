"""Tests for kiosk.interaction.dwell: dwell-to-select on scripted timelines (no clock)."""
from __future__ import annotations

import pytest

from kiosk.interaction.dwell import Dwell, DwellConfig

CFG = DwellConfig(seconds=1.0, settle=0.3, rearm_px=40)
AT = (500.0, 300.0)


def run(d: Dwell, timeline):
    """timeline: (t, cursor, target, eligible) -> list of (t, progress, selected)."""
    out = []
    for t, cursor, target, eligible in timeline:
        s = d.update(t, cursor, target, eligible)
        out.append((round(t, 3), round(s.progress, 3), s.selected))
    return out


def steady(t0: float, t1: float, target="add:apple", cursor=AT, eligible=True, fps=30):
    n = round((t1 - t0) * fps)
    return [(t0 + k / fps, cursor, target, eligible) for k in range(n + 1)]


def test_ring_waits_for_the_settle_then_fills_and_selects_once():
    d = Dwell(CFG)
    got = run(d, steady(0.0, 2.0))
    by_t = {t: (p, s) for t, p, s in got}
    assert by_t[0.0] == (0.0, None)
    assert by_t[0.3] == (0.0, None)  # settle: nothing yet
    assert by_t[0.8] == (0.5, None)
    selected = [t for t, _, s in got if s]
    assert selected == [1.3]  # settle 0.3 + 1.0 s
    assert all(p == 0.0 for t, p, _ in got if t > 1.3)  # spent: no second selection while it rests


def test_leaving_the_target_restarts_the_dwell():
    d = Dwell(CFG)
    timeline = steady(0.0, 1.0) + [(1.01, (900.0, 900.0), None, True)] + steady(1.02, 2.0)
    got = run(d, timeline)
    assert not any(s for _, _, s in got[:-10])
    assert [t for t, _, s in got if s] == []
    assert got[-1][1] == pytest.approx(got[-1][0] - 1.02 - 0.3, abs=0.002)  # counted from 1.02, not from 0
    more = run(d, steady(2.0, 2.4))
    assert [t for t, _, s in more if s] == [2.333]  # the first frame at or after 1.02 + 1.3


def test_moving_onto_another_target_restarts():
    d = Dwell(CFG)
    run(d, steady(0.0, 1.0, "add:apple"))
    got = run(d, steady(1.0, 2.0, "add:banana", cursor=(500.0, 420.0)))
    assert got[0][1] == 0.0
    assert not any(s for _, _, s in got)
    assert run(d, steady(2.31, 2.31, "add:banana", cursor=(500.0, 420.0)))[0][2] == "add:banana"


def test_not_eligible_pauses_and_resets():
    """While the hand is not pointing (a fist, the 👌 closing) nothing fills."""
    d = Dwell(CFG)
    run(d, steady(0.0, 1.0))
    got = run(d, steady(1.0, 3.0, eligible=False))
    assert all(p == 0.0 and s is None for _, p, s in got)
    got = run(d, steady(3.0, 4.0))
    assert got[0][1] == 0.0 and not any(s for _, _, s in got)  # starts over: 1.3 s from 3.0
    assert run(d, steady(4.31, 4.31))[0][2] == "add:apple"


def test_after_a_selection_the_next_screens_button_under_the_cursor_is_not_selected():
    """Checkout -> the next screen has Confirm at the same place: a resting cursor must not pay."""
    d = Dwell(CFG)
    assert [s for _, _, s in run(d, steady(0.0, 1.4, "checkout")) if s] == ["checkout"]
    got = run(d, steady(1.5, 5.0, "confirm"))
    assert not any(s for _, _, s in got) and all(p == 0.0 for _, p, _ in got)
    # moving well away re-arms it, even onto the same button
    away = (AT[0] + 60, AT[1])
    got = run(d, steady(5.0, 6.5, "confirm", cursor=away))
    assert [s for _, _, s in got if s] == ["confirm"]


def test_small_jitter_does_not_rearm():
    d = Dwell(CFG)
    run(d, steady(0.0, 1.4))
    jitter = [(1.5 + k / 30, (AT[0] + (k % 5) * 6, AT[1] - (k % 3) * 5), "add:apple", True) for k in range(90)]
    assert not any(s for _, _, s in run(d, jitter))


def test_no_cursor_is_idle():
    d = Dwell(CFG)
    assert d.update(0.0, None, "add:apple").progress == 0.0
    assert d.update(5.0, None, "add:apple").selected is None


@pytest.mark.parametrize("kw", [dict(seconds=0.2), dict(seconds=2.5), dict(settle=-0.1), dict(settle=1.5),
                                dict(rearm_px=-1)])
def test_config_is_validated(kw):
    with pytest.raises(ValueError):
        DwellConfig(**kw)


@pytest.mark.parametrize("seconds", [0.3, 1.0, 2.0])
def test_dwell_time_is_the_configured_one(seconds):
    d = Dwell(DwellConfig(seconds=seconds, settle=0.3))
    got = run(d, steady(0.0, 3.0, fps=100))
    assert [t for t, _, s in got if s] == [pytest.approx(0.3 + seconds, abs=0.011)]

"""Interaction figures counted from the kiosk's own events, against sequences worked out by hand."""
from __future__ import annotations

from kiosk.fleet.quality import Quality


def feed(q: Quality, events) -> None:
    for kind, t, fields in events:
        q.event(kind, t, fields)


def frames(t0: float, t1: float, hands: int, step: float = 0.1):
    n = round((t1 - t0) / step)
    return [("frame", round(t0 + k * step, 3), {"hands": hands}) for k in range(n)]


def test_a_purchase_an_abandoned_session_and_a_hand_lost_are_counted_as_worked_out_by_hand():
    q = Quality(day=lambda: "2026-12-01")
    feed(q, [
        *frames(0.0, 1.0, 0),                       # nobody
        *frames(1.0, 2.0, 1),                       # a hand at 1.0 s on the attract screen
        ("state", 2.0, {"from": "attract", "to": "practice"}),
        ("click", 4.5, {"target": "practice"}),     # first click 3.5 s after the first hand
        ("state", 4.5, {"from": "practice", "to": "shopping"}),
        ("click", 6.0, {"target": "add:apple"}),
        ("click", 7.0, {"target": "dec:apple"}),    # taken back 1.0 s later: a quick undo
        ("click", 12.0, {"target": "add:apple"}),
        ("click", 15.0, {"target": "cart"}),        # 3 s later: not an undo
        ("state", 15.0, {"from": "shopping", "to": "cart"}),
        ("gesture", 16.5, {"action": "back"}),      # ✋ 1.5 s after a click: a quick undo
        ("state", 16.5, {"from": "cart", "to": "shopping"}),
        *frames(17.0, 19.0, 0),                     # the hand gone 2 s on the shopping screen: lost once
        *frames(19.0, 19.5, 1),
        ("dwell", 20.0, {"target": "checkout"}),
        ("state", 20.0, {"from": "shopping", "to": "confirm"}),
        ("state", 21.0, {"from": "confirm", "to": "paying"}),
        *frames(21.0, 25.0, 0),                     # no hand while paying: not lost
        ("order", 25.0, {"number": "A-0001"}),
        ("state", 25.0, {"from": "paying", "to": "receipt"}),
        ("state", 40.0, {"from": "receipt", "to": "attract"}),   # a finished session, not abandoned
        *frames(41.0, 42.0, 1),                     # the next shopper: hand at 41.0
        ("state", 42.0, {"from": "attract", "to": "practice"}),
        ("click", 47.5, {"target": "practice"}),    # first click 6.5 s after the hand
        ("state", 47.5, {"from": "practice", "to": "shopping"}),
        ("state", 90.0, {"from": "shopping", "to": "attract"}),  # walked away: abandoned on shopping
    ])
    assert q.snapshot() == {"2026-12-01": {
        "sessions": 2, "purchases": 1, "abandoned": 1, "abandoned_on": {"shopping": 1},
        "first_click_median_s": 5.0, "quick_undos": 2, "dwell_uses": 1, "hand_lost": 1}}


def test_each_day_has_its_own_figures_and_a_snapshot_is_a_copy():
    days = iter(["2026-12-01", "2026-12-01", "2026-12-02"])
    q = Quality(day=lambda: next(days))
    q.event("order", 1.0, {})
    q.event("order", 2.0, {})
    q.event("order", 3.0, {})
    snap = q.snapshot()
    snap["2026-12-01"]["purchases"] = 99
    assert {d: f["purchases"] for d, f in q.snapshot().items()} == {"2026-12-01": 2, "2026-12-02": 1}

"""Tests for kiosk.interaction.activity: movement, not mere presence, is activity."""
from kiosk.interaction.activity import Motion


def test_movement_beyond_the_tolerance_is_activity_and_jitter_is_not():
    m = Motion(30.0)
    assert m.update((100.0, 100.0)) is True  # a hand appearing
    assert [m.update((100.0 + dx, 100.0)) for dx in (5, -8, 12, 29)] == [False] * 4
    assert m.update((131.0, 100.0)) is True
    assert m.update((140.0, 100.0)) is False  # measured from where it last moved
    assert m.update(None) is False
    assert m.update((140.0, 100.0)) is True  # back in view

"""Tests for kiosk.interaction.magnetism: the pull toward targets, and that no target becomes unreachable."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.interaction.magnetism import core_point, distance, magnetize
from kiosk.shop.catalog import load_catalog
from kiosk.ui.layout import layout, sample_views
from tests.conftest import REPO

BUTTON = (100.0, 100.0, 80.0, 80.0)
WIDE = (100.0, 300.0, 400.0, 80.0)


def inside(p, r) -> bool:
    x, y, w, h = r
    return x <= p[0] < x + w and y <= p[1] < y + h


def test_far_from_targets_nothing_moves():
    assert magnetize((600.0, 600.0), [BUTTON, WIDE], 0.5, 40) == (600.0, 600.0)


def test_off_means_off():
    assert magnetize((150.0, 120.0), [BUTTON], 0.0, 40) == (150.0, 120.0)


def test_inside_a_square_button_the_cursor_moves_toward_its_centre():
    p = (110.0, 115.0)
    q = magnetize(p, [BUTTON], 0.5, 40)
    centre = (140.0, 140.0)
    assert math.dist(q, centre) == pytest.approx(0.5 * math.dist(p, centre))
    assert inside(q, BUTTON)


def test_a_wide_button_pulls_to_its_mid_line_not_sideways():
    p = (120.0, 305.0)
    q = magnetize(p, [WIDE], 0.5, 40)
    assert q[0] == pytest.approx(130.0)  # half way to the nearest point of the centre line, which ends at x=140
    p = (300.0, 305.0)
    q = magnetize(p, [WIDE], 0.5, 40)
    assert q[0] == 300.0 and q[1] == pytest.approx(305.0 + 0.5 * 35.0)


def test_near_a_target_the_cursor_is_drawn_into_it():
    p = (140.0, 95.0)  # 5 px above the button
    q = magnetize(p, [BUTTON], 0.5, 40)
    assert inside(q, BUTTON)
    far = (140.0, 55.0)  # 45 px above: beyond the radius
    assert magnetize(far, [BUTTON], 0.5, 40) == far


def test_pull_fades_with_distance():
    pulls = []
    for gap in (0, 10, 20, 30, 39):
        p = (140.0, 100.0 - gap)
        q = magnetize(p, [BUTTON], 0.5, 40)
        pulls.append(q[1] - p[1])
    assert pulls == sorted(pulls, reverse=True) and pulls[-1] > 0


def test_core_point_and_distance():
    assert core_point((0.0, 0.0), BUTTON) == (140.0, 140.0)
    assert core_point((300.0, 0.0), WIDE) == (300.0, 340.0)
    assert distance((140.0, 140.0), BUTTON) == 0
    assert distance((100.0, 90.0), BUTTON) == 10
    assert distance((90.0, 90.0), BUTTON) == pytest.approx(math.hypot(10, 10))


def grid_of_buttons():
    """A dense keypad-like grid with one tiny target squeezed between big ones."""
    big = [(x * 110.0, y * 110.0, 100.0, 100.0) for x, y in itertools.product(range(3), range(3)) if (x, y) != (1, 1)]
    tiny = (150.0, 150.0, 12.0, 12.0)
    return big + [tiny], tiny


boxes = st.lists(st.tuples(st.floats(0, 1800), st.floats(0, 1000), st.floats(4, 300), st.floats(4, 200)),
                 min_size=1, max_size=12)


def non_overlapping(rects):
    def overlap(a, b):
        return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
    return [r for n, r in enumerate(rects) if not any(overlap(r, o) for o in rects[:n])]


@settings(max_examples=300, deadline=None)
@given(rects=boxes, px=st.floats(-50, 2000), py=st.floats(-50, 1100), strength=st.floats(0.0, 0.8),
       radius=st.floats(0, 200))
def test_whatever_is_under_the_raw_cursor_stays_under_the_drawn_one(rects, px, py, strength, radius):
    rects = non_overlapping(rects)
    p = (px, py)
    q = magnetize(p, rects, strength, radius)
    under = [r for r in rects if inside(p, r)]
    if under:  # inside a target: stays inside the same target
        assert inside(q, under[0])
    landed = [r for r in rects if inside(q, r)]
    if landed and q != p:  # pulled into a target: only ever the nearest one
        nearest = min(rects, key=lambda r: distance(p, r))
        assert landed[0] == nearest or distance(p, landed[0]) == distance(p, nearest)


def test_a_tiny_target_among_big_ones_stays_reachable():
    rects, tiny = grid_of_buttons()
    hits = 0
    for x in np.linspace(tiny[0], tiny[0] + tiny[2] - 0.01, 7):
        for y in np.linspace(tiny[1], tiny[1] + tiny[3] - 0.01, 7):
            q = magnetize((x, y), rects, 0.8, 60)
            assert inside(q, tiny)
            hits += 1
    assert hits == 49


def test_no_jump_where_two_pulls_meet():
    """Sweeping across the gap between two buttons, the drawn cursor moves continuously."""
    a, b = (100.0, 100.0, 80.0, 80.0), (200.0, 100.0, 80.0, 80.0)
    xs = np.linspace(170, 210, 401)
    qs = [magnetize((x, 140.0), [a, b], 0.6, 40)[0] for x in xs]
    steps = np.abs(np.diff(qs))
    assert steps.max() < 2.0  # raw steps are 0.1 px; no jump of the order of a button


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1080, 1920)])
def test_every_button_of_every_screen_is_reachable_at_its_centre(size):
    catalog = load_catalog(REPO / "assets" / "catalog.toml")
    for name, view in sample_views(catalog, every=True):
        lay = layout(view, catalog, size)
        targets = [t for _, t in lay.targets()]
        for b in lay.buttons:
            if b.enabled:
                c = b.rect.center
                q = magnetize(c, targets, 0.8, 0.05 * size[1])
                assert lay.hit(q) is b, (name, b.id)

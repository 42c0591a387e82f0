"""Probe pixels of every screen drawn on an off-screen Surface."""
from __future__ import annotations

import numpy as np
import pygame
import pytest

from kiosk.interaction.pointer import PointerState
from kiosk.shop.catalog import load_catalog
from kiosk.ui.layout import layout, sample_views
from kiosk.ui.renderer import THEME, PygameRenderer
from tests.conftest import REPO

SIZE = (1280, 720)
FEED_BGR = (200, 30, 10)  # a blue feed, in OpenCV's BGR order
CATALOG = load_catalog(REPO / "assets" / "catalog.toml")
VIEWS = dict(sample_views(CATALOG))


def draw(view_name: str, cursor=None, pressed=False):
    pygame.font.init()
    surface = pygame.Surface(SIZE)
    lay = layout(VIEWS[view_name], CATALOG, SIZE)
    feed = np.empty((480, 640, 3), np.uint8)
    feed[:] = FEED_BGR
    PygameRenderer(surface).draw(feed, [], None, lay, PointerState(cursor, pressed, 0.0))
    return surface, lay


def rgb(surface, x, y):
    return tuple(surface.get_at((int(x), int(y))))[:3]


@pytest.mark.parametrize("name", list(VIEWS))
def test_feed_panel_and_buttons_are_drawn(name):
    surface, lay = draw(name)
    # The feed shows outside the panel, converted from BGR: blue stays blue.
    assert rgb(surface, 5, SIZE[1] - 5) == (FEED_BGR[2], FEED_BGR[1], FEED_BGR[0])
    # The panel is translucent white over the feed: much lighter than the feed, still tinted by it.
    px = rgb(surface, lay.panel.x + 3 * lay.panel.w // 4, lay.panel.y + 8)
    assert min(px) > 150 and px[2] >= px[0]
    for b in lay.buttons:
        inside = rgb(surface, b.rect.x + b.rect.w // 10, b.rect.y + b.rect.h // 2)
        want = {"primary": THEME.primary, "danger": THEME.danger}.get(b.style, THEME.secondary)
        assert inside == (want if b.enabled else THEME.disabled), b.id


def test_hovered_button_gets_a_border_and_the_cursor_is_drawn():
    surface, lay = draw("shopping", cursor=None)
    target = next(b for b in lay.buttons if b.id.startswith("add:"))
    edge = (target.rect.x - 2, target.rect.y + target.rect.h // 2)
    assert rgb(surface, *edge) != THEME.hover_border
    cx, cy = target.rect.center
    hovered, _ = draw("shopping", cursor=(cx, cy))
    assert rgb(hovered, *edge) == THEME.hover_border
    assert rgb(hovered, cx, cy) == (255, 255, 255)  # the cursor's centre dot


def test_pressed_cursor_is_filled_and_darkens_the_button():
    open_, lay = draw("cart", cursor=(100, 100))
    r = round(0.028 * SIZE[1])
    assert rgb(open_, 100 + r // 2, 100) != THEME.cursor  # a ring: hollow between dot and rim
    pressed, _ = draw("cart", cursor=(100, 100), pressed=True)
    assert rgb(pressed, 100 + r // 2, 100) == THEME.cursor
    button = next(b for b in lay.buttons if b.id == "checkout")
    probe = (button.rect.x + button.rect.w // 10, button.rect.y + button.rect.h // 2)
    on_pressed, _ = draw("cart", cursor=button.rect.center, pressed=True)
    assert sum(rgb(on_pressed, *probe)) < sum(THEME.primary)


def test_text_longer_than_its_max_width_is_drawn_smaller_to_fit():
    from kiosk.ui.layout import Layout, Rect, Text

    pygame.font.init()
    surface = pygame.Surface((800, 200))
    long = Text("A very long product name that would never fit", 10, 100, 40, "left", "body", max_width=200)
    lay = Layout((800, 200), Rect(0, 0, 800, 200), (), (long,))
    PygameRenderer(surface).draw(None, [], None, lay, PointerState(None, False, 0.0))
    px = pygame.surfarray.array3d(surface)
    panel = px[400, 5]
    inked = [x for x in range(800) if (np.abs(px[x, 60:140].astype(int) - panel).sum(axis=1) > 60).any()]
    assert inked and min(inked) >= 10 and max(inked) <= 10 + 200


def test_item_images_are_drawn_beside_their_names(tmp_path):
    from kiosk.shop.catalog import Catalog, Item

    pygame.display.init()
    pygame.display.set_mode((1, 1))  # convert_alpha needs a display mode, even a dummy one
    red = pygame.Surface((40, 20))
    red.fill((250, 10, 10))
    pygame.image.save(red, str(tmp_path / "red.png"))
    (tmp_path / "broken.png").write_bytes(b"not a png")
    catalog = Catalog("EUR", (Item("a", "Apple", 45, tmp_path / "red.png"), Item("b", "Bean", 10, tmp_path / "broken.png"),
                              Item("c", "Corn", 20)))
    view = dict(sample_views(catalog))["shopping"]
    lay = layout(view, catalog, SIZE)
    assert [p.path.name for p in lay.pictures] == ["red.png", "broken.png"]
    surface = pygame.Surface(SIZE)
    PygameRenderer(surface).draw(None, [], None, lay, PointerState(None, False, 0.0))
    assert rgb(surface, *lay.pictures[0].rect.center) == (250, 10, 10)
    assert rgb(surface, *lay.pictures[1].rect.center) != (250, 10, 10)  # unreadable: skipped, no crash
    names = {t.text.split()[0]: t for t in lay.texts if t.text.split()[0] in ("Apple", "Corn")}
    assert names["Apple"].x > lay.pictures[0].rect.x + lay.pictures[0].rect.w  # the name moves right of it
    pygame.display.quit()

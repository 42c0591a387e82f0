"""Probe pixels of every screen drawn on an off-screen Surface, at landscape and portrait sizes."""
from __future__ import annotations

import numpy as np
import pygame
import pytest

from kiosk.shop.cart import Cart
from kiosk.shop.catalog import load_catalog
from kiosk.shop.machine import Screen, Toast, View
from kiosk.ui.hud import STEP_SECONDS, Hud
from kiosk.ui.layout import Layout, Rect, Text, layout, sample_views
from kiosk.ui.renderer import THEME, PygameRenderer
from kiosk.ui.theme import Colors, Theme
from tests.conftest import REPO

SIZE = (1280, 720)
PORTRAIT = (1080, 1920)
FEED_BGR = (200, 30, 10)  # a blue feed, in OpenCV's BGR order
FEED_RGB = (FEED_BGR[2], FEED_BGR[1], FEED_BGR[0])
CATALOG = load_catalog(REPO / "assets" / "catalog.toml")
VIEWS = dict(sample_views(CATALOG, every=True))
C = THEME.colors


def feed():
    image = np.empty((480, 640, 3), np.uint8)
    image[:] = FEED_BGR
    return image


def draw(view_name: str, cursor=None, pressed=False, size=SIZE, view: View | None = None, hud: Hud | None = None,
         theme=THEME, image="feed"):
    pygame.font.init()
    surface = pygame.Surface(size)
    lay = layout(view or VIEWS[view_name], CATALOG, size)
    hud = hud or Hud(0.0, cursor, pressed)
    renderer = PygameRenderer(surface, theme)
    renderer.draw(feed() if image == "feed" else image, [], None, lay, hud)
    return surface, lay, renderer


def rgb(surface, x, y):
    return tuple(surface.get_at((int(x), int(y))))[:3]


def fill_of(b):
    if not b.enabled:
        return C.disabled
    return {"primary": C.primary, "danger": C.danger, "quiet": C.field}.get(b.style, C.secondary)


@pytest.mark.parametrize("size", [SIZE, PORTRAIT], ids=["landscape", "portrait"])
@pytest.mark.parametrize("name", list(VIEWS))
def test_feed_panel_and_buttons_are_drawn(name, size):
    surface, lay, _ = draw(name, size=size)
    # The feed shows where the panel leaves the screen free, converted from BGR: blue stays blue.
    fa = lay.feed_area
    assert rgb(surface, fa.x + 5, fa.y + fa.h - 5) == FEED_RGB
    # The panel is translucent white over the feed: much lighter than the feed, still tinted by it.
    px = rgb(surface, lay.panel.x + 3 * lay.panel.w // 4, lay.panel.y + 8)
    assert min(px) > 150 and px[2] >= px[0]
    for b in lay.buttons:
        probe = (b.rect.x + b.rect.w // 10, b.rect.y + b.rect.h // 2)
        if lay.modal is not None and lay.modal.rect.contains(probe):
            continue  # under the countdown box
        assert rgb(surface, *probe) == fill_of(b), b.id
    if lay.modal is not None:
        m = lay.modal.rect
        assert rgb(surface, m.x + m.w // 20, m.y + m.h // 2) == C.warning_box


def test_the_picture_is_placed_where_the_layout_says():
    """Landscape: fitted to the height, shifted so the hand's region shows left of the panel; beyond its
    right edge (behind the panel) its edge pixels repeat, so no seam shows."""
    image = feed()
    image[:, -4:] = (0, 0, 255)  # a red right edge, in BGR
    surface = pygame.Surface(SIZE)
    lay = layout(VIEWS["shopping"], CATALOG, SIZE)
    renderer = PygameRenderer(surface)
    renderer.draw(image, [], None, lay, Hud(0.0, None))
    (x0, y0), (x1, y1) = renderer.feed_to_screen(0.0, 0.0), renderer.feed_to_screen(1.0, 1.0)
    # Worked out by hand: a 640x480 picture fitted to a 720 px high screen is 960 x 720 ...
    assert (y0, y1) == (0, 720) and x1 - x0 == 960
    # ... and shifted so the hand's active region (x 0.2..0.8 of the frame) shows beside the panel.
    fa = lay.feed_area
    (rx0, _), (rx1, _) = renderer.feed_to_screen(0.2, 0.5), renderer.feed_to_screen(0.8, 0.5)
    assert fa.x <= rx0 and rx1 <= fa.x + fa.w
    assert x1 < SIZE[0] - 10
    assert rgb(surface, SIZE[0] - 3, SIZE[1] // 2) == (255, 0, 0)  # right of the panel: the edge, repeated
    assert rgb(surface, (x0 + x1) // 2, 3) == FEED_RGB


def test_no_image_draws_the_background():
    surface, lay, _ = draw("shopping", image=None)
    assert rgb(surface, 5, SIZE[1] - 5) == C.background


def test_hovered_button_gets_a_border_and_the_cursor_is_drawn():
    surface, lay, _ = draw("shopping", cursor=None)
    target = next(b for b in lay.buttons if b.id.startswith("add:"))
    edge = (target.rect.x - 2, target.rect.y + target.rect.h // 2)
    assert rgb(surface, *edge) != C.hover_border
    cx, cy = target.rect.center
    hovered, _, _ = draw("shopping", cursor=(cx, cy))
    assert rgb(hovered, *edge) == C.hover_border
    assert rgb(hovered, cx, cy) == (255, 255, 255)  # the cursor's centre dot


def test_pressed_cursor_is_filled_and_darkens_the_button():
    open_, lay, _ = draw("cart", cursor=(100, 100))
    r = round(THEME.sizes.cursor * SIZE[1])
    assert rgb(open_, 100 + r // 2, 100) != C.cursor  # a ring: hollow between dot and rim
    pressed, _, _ = draw("cart", cursor=(100, 100), pressed=True)
    assert rgb(pressed, 100 + r // 2, 100) == C.cursor
    button = next(b for b in lay.buttons if b.id == "checkout")
    probe = (button.rect.x + button.rect.w // 10, button.rect.y + button.rect.h // 2)
    on_pressed, _, _ = draw("cart", cursor=button.rect.center, pressed=True)
    assert sum(rgb(on_pressed, *probe)) < sum(C.primary)


def ring_pixels(surface, centre, radius, color):
    """How many pixels of `color` lie on a circle around centre."""
    n = 0
    for a in np.linspace(0, 2 * np.pi, 180, endpoint=False):
        x, y = centre[0] + radius * np.cos(a), centre[1] + radius * np.sin(a)
        n += rgb(surface, x, y) == color
    return n


def test_dwell_progress_fills_an_outer_ring():
    c = (200, 500)  # over the feed, away from the panel
    r = round(THEME.sizes.cursor * SIZE[1])
    arc = max(4, r // 4)
    outer = r + arc // 2 + 2
    none, _, _ = draw("shopping", hud=Hud(0.0, c, dwell=0.0))
    half, _, _ = draw("shopping", hud=Hud(0.0, c, dwell=0.5))
    full, _, _ = draw("shopping", hud=Hud(0.0, c, dwell=1.0))
    counts = [ring_pixels(s, c, outer, C.dwell) for s in (none, half, full)]
    assert counts[0] == 0 and 0 < counts[1] < counts[2]
    assert counts[1] == pytest.approx(counts[2] / 2, rel=0.2)


def test_press_progress_fills_the_ring_white():
    c = (200, 500)
    r = round(THEME.sizes.cursor * SIZE[1])
    low, _, _ = draw("shopping", hud=Hud(0.0, c, ok=0.0))
    high, _, _ = draw("shopping", hud=Hud(0.0, c, ok=0.8))
    assert ring_pixels(high, c, r - 1, (255, 255, 255)) > ring_pixels(low, c, r - 1, (255, 255, 255)) + 20


def test_click_pulse_shows_briefly():
    c = (200, 500)
    r = round(THEME.sizes.cursor * SIZE[1])
    ring = round(r * (1 + 1.3 * 0.3))
    during, _, _ = draw("shopping", hud=Hud(10.0 + 0.35 * 0.3, c, clicked_at=10.0))
    after, _, _ = draw("shopping", hud=Hud(11.0, c, clicked_at=10.0))
    assert ring_pixels(during, c, ring, C.cursor) > 30
    assert ring_pixels(after, c, ring, C.cursor) == 0


def test_gesture_name_beside_the_cursor_only_when_asked():
    c = (200, 400)
    r = round(THEME.sizes.cursor * SIZE[1])
    box = (c[0] + r + 20, c[1], c[0] + r + 140, c[1] + r)  # right of and below the cursor's centre

    def white(surface):
        px = pygame.surfarray.array3d(surface)[box[0]:box[2], box[1]:box[3]]
        return int((px.min(axis=2) > 230).sum())

    shown, _, _ = draw("shopping", hud=Hud(0.0, c, gesture="point"))
    hidden, _, _ = draw("shopping", hud=Hud(0.0, c, gesture=None))
    assert white(shown) > 30 and white(hidden) == 0


def test_held_gesture_draws_its_progress_and_name():
    c = (200, 400)
    held, _, _ = draw("confirm", hud=Hud(0.0, c, holding=("Confirm", 0.6)))
    plain, _, _ = draw("confirm", hud=Hud(0.0, c))
    r = round(THEME.sizes.cursor * SIZE[1])
    arc = max(4, r // 4)
    width = arc * 3 // 2
    mid = r + 2 * arc + width // 2  # the middle of the ring's band, outside the cursor's own rings
    filled = ring_pixels(held, c, mid, C.gesture)
    assert 0.55 * 180 <= filled <= 0.65 * 180  # 60% of the ring, of 180 probes
    assert ring_pixels(plain, c, mid, C.gesture) == 0
    # it fills clockwise from the top: just right of the top is filled, just left of it is not
    top_right = (c[0] + mid * np.sin(0.2), c[1] - mid * np.cos(0.2))
    top_left = (c[0] - mid * np.sin(0.2), c[1] - mid * np.cos(0.2))
    assert rgb(held, *top_right) == C.gesture and rgb(held, *top_left) != C.gesture
    # the action's name sits in a pill of the gesture colour, right of the ring
    label = [x for x in range(c[0] + mid + width, c[0] + mid + 200) if rgb(held, x, c[1]) == C.gesture]
    assert len(label) > 20 and not [x for x in range(c[0] + mid + width, c[0] + mid + 200)
                                    if rgb(plain, x, c[1]) == C.gesture]


def test_attract_highlights_one_instruction_at_a_time_and_animates_it():
    a, lay, _ = draw("attract", hud=Hud(0.1, None))
    b, _, _ = draw("attract", hud=Hud(STEP_SECONDS + 0.1, None))
    first, second = lay.instructions[0].rect, lay.instructions[1].rect
    corner = lambda r: (r.x + r.w - 6, r.y + 6)  # noqa: E731 - an empty corner of the step's box
    assert rgb(a, *corner(first)) == C.highlight and rgb(a, *corner(second)) != C.highlight
    assert rgb(b, *corner(second)) == C.highlight and rgb(b, *corner(first)) != C.highlight
    # the current icon moves: two moments of the same step differ inside its icon box
    icon = lay.instructions[0].icon
    early, _, _ = draw("attract", hud=Hud(0.1, None))
    late, _, _ = draw("attract", hud=Hud(1.2, None))
    crop = lambda s: pygame.surfarray.array3d(s)[icon.x:icon.x + icon.w, icon.y:icon.y + icon.h]  # noqa: E731
    assert (crop(early) != crop(late)).any()
    # a still step draws its hand too (muted)
    still = lay.instructions[2].icon
    assert (pygame.surfarray.array3d(a)[still.x:still.x + still.w, still.y:still.y + still.h] == C.muted).all(axis=2).any()


def test_pin_field_draws_dots_never_digits():
    cart = Cart().add(CATALOG.items[0])
    two, lay, _ = draw("pin", view=View(Screen.PIN, cart, 0, False, None, None, None, entry="12"))
    (field,) = lay.fields
    row = [rgb(two, x, field.rect.center[1]) for x in range(field.rect.x, field.rect.x + field.rect.w)]
    filled = sum(1 for a, b in zip(row, row[1:]) if a != C.text and b == C.text)
    assert filled == 2  # two solid dots
    empty, lay, _ = draw("pin", view=View(Screen.PIN, cart, 0, False, None, None, None))
    row = [rgb(empty, x, lay.fields[0].rect.center[1]) for x in range(field.rect.x, field.rect.x + field.rect.w)]
    assert C.text not in row and C.muted in row  # an empty field shows its placeholder, in muted text


def test_warning_box_and_countdown():
    v = View(Screen.SHOPPING, Cart(), 0, False, None, 9, None)
    surface, lay, _ = draw("shopping", view=v)
    m = lay.modal.rect
    assert rgb(surface, m.x + 10, m.y + m.h // 2) == C.warning_box
    assert rgb(surface, m.x + 1, m.y + m.h // 2) == C.warning  # its border
    big = lay.modal.texts[1]
    px = pygame.surfarray.array3d(surface)[big.x - big.size // 2:big.x + big.size // 2, big.y - big.size // 3:big.y + big.size // 3]
    assert (px == C.warning).all(axis=2).sum() > 100  # the seconds, big, in the warning colour


def test_toast_pill_slides_in_over_the_feed():
    v = View(Screen.SHOPPING, Cart(), 0, False, None, None, None, toast=Toast("Added: Apple ×1", 1))
    lay = layout(v, CATALOG, SIZE)
    (text,) = [t for t in lay.texts if t.style == "toast"]
    assert lay.feed_area.contains((text.x, text.y))
    surface = pygame.Surface(SIZE)
    renderer = PygameRenderer(surface)
    renderer.draw(feed(), [], None, lay, Hud(5.5, None))  # first seen: it starts sliding in
    renderer.draw(feed(), [], None, lay, Hud(6.0, None))  # settled
    column = [rgb(surface, text.x - 2 * text.size, y) for y in range(text.y, SIZE[1])]
    bottom = text.y + column.index(FEED_RGB)  # the settled pill's lower edge, over the blue feed
    assert rgb(surface, text.x - 2 * text.size, text.y) == C.toast
    fresh = pygame.Surface(SIZE)
    PygameRenderer(fresh).draw(feed(), [], None, lay, Hud(5.5, None))
    assert rgb(fresh, text.x - 2 * text.size, bottom + text.size // 2) == C.toast  # lower while it rises
    renderer.draw(feed(), [], None, layout(VIEWS["shopping"], CATALOG, SIZE), Hud(6.1, None))
    assert rgb(surface, text.x - 2 * text.size, text.y) != C.toast  # gone with the view's toast


def test_receipt_badge_pops_and_confetti_falls():
    v = VIEWS["receipt"]
    surface = pygame.Surface(SIZE)
    lay = layout(v, CATALOG, SIZE)
    renderer = PygameRenderer(surface)
    renderer.draw(feed(), [], None, lay, Hud(20.0, None, screen_since=19.0))
    cx, cy = lay.badge.center
    assert rgb(surface, cx - lay.badge.w // 3, cy - lay.badge.h // 4) == C.primary
    colours = {tuple(c) for c in C.confetti}
    px = pygame.surfarray.array3d(surface).reshape(-1, 3)
    scraps = sum(int((px == c).all(axis=1).sum()) for c in colours if c != C.primary)
    assert scraps > 100
    renderer.draw(feed(), [], None, lay, Hud(40.0, None, screen_since=19.0))  # long after: no confetti
    px = pygame.surfarray.array3d(surface)
    fa = lay.feed_area
    assert not any((px[fa.x:fa.x + fa.w, :] == c).all(axis=2).any() for c in colours if c != C.primary)


def test_theme_colours_are_used():
    theme = Theme(colors=Colors(primary=(200, 0, 200)))
    surface, lay, _ = draw("shopping", theme=theme)
    add = next(b for b in lay.buttons if b.id.startswith("add:"))
    assert rgb(surface, add.rect.x + add.rect.w // 10, add.rect.y + add.rect.h // 2) == (200, 0, 200)


def test_grab_cursor_and_scrollbar():
    from kiosk.shop.catalog import Catalog, Item

    big = Catalog("EUR", tuple(Item(f"p{n}", f"Product {n}", 100 + n) for n in range(20)))
    lay = layout(View(Screen.SHOPPING, Cart(), 3, False, None, None, None), big, SIZE)
    (bar,) = lay.scrollbars
    surface = pygame.Surface(SIZE)
    PygameRenderer(surface).draw(feed(), [], None, lay, Hud(0.0, (200, 400), grabbing=True))
    assert rgb(surface, bar.thumb.x + bar.thumb.w // 2, bar.thumb.y + bar.thumb.h // 2) == C.gesture
    assert rgb(surface, 200 + 5, 400 - round(THEME.sizes.cursor * SIZE[1]) + 3) == C.gesture


def test_text_longer_than_its_max_width_is_drawn_smaller_to_fit():
    pygame.font.init()
    surface = pygame.Surface((800, 200))
    long = Text("A very long product name that would never fit", 10, 100, 40, "left", "body", max_width=200)
    lay = Layout((800, 200), Rect(0, 0, 800, 200), (), (long,))
    PygameRenderer(surface).draw(None, [], None, lay, Hud(0.0, None))
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
    PygameRenderer(surface).draw(None, [], None, lay, Hud(0.0, None))
    assert rgb(surface, *lay.pictures[0].rect.center) == (250, 10, 10)
    assert rgb(surface, *lay.pictures[1].rect.center) != (250, 10, 10)  # unreadable: skipped, no crash
    names = {t.text.split()[0]: t for t in lay.texts if t.text.split()[0] in ("Apple", "Corn")}
    assert names["Apple"].x > lay.pictures[0].rect.x + lay.pictures[0].rect.w  # the name moves right of it
    pygame.display.quit()


def test_undo_button_and_its_countdown_are_drawn_exactly_while_offered():
    offered = VIEWS["cart-undo"]
    since, until = offered.undo.since, offered.undo.until
    early, lay, _ = draw("cart-undo", hud=Hud(since + 0.1, None))
    (undo,) = [b for b in lay.buttons if b.id == "undo"]
    (cd,) = lay.countdowns
    r = undo.rect
    assert rgb(early, r.x + r.w // 10, r.y + r.h // 3) == C.primary  # a filled button, not a text
    assert any(rgb(early, x, r.y + r.h // 2) == C.on_dark for x in range(r.x, r.x + r.w))  # its label
    bar_y = next(y for y in range(r.y + r.h - 1, r.y + r.h // 2, -1)
                 if rgb(early, r.x + r.w // 2, y) == C.on_dark)  # the bar along the lower edge
    right = r.x + r.w * 9 // 10
    assert rgb(early, right, bar_y) == C.on_dark  # almost all of the time is left
    late, _, _ = draw("cart-undo", hud=Hud(since + 0.8 * (until - since), None))
    assert rgb(late, right, bar_y) != C.on_dark and rgb(late, r.x + r.w // 10, bar_y) == C.on_dark
    # the same cart without the offer: the row is empty there, no green
    gone = View(Screen.CART, offered.cart, 0, False, None, None, None)
    plain, lay2, _ = draw("cart", view=gone, hud=Hud(until, None))
    assert "undo" not in [b.id for b in lay2.buttons] and lay2.countdowns == ()
    assert not any(rgb(plain, x, r.y + r.h // 3) == C.primary for x in range(r.x, r.x + r.w, 4))


def test_a_redraw_reuses_the_composed_frame_but_follows_a_new_hand_and_the_cursor():
    """The feed, hands and panel are composed once per frame; a redraw only adds the cursor. A new
    frame's hands show even when the source reuses its picture (the demo does)."""
    from kiosk.gestures.handgen import synth_hand
    from kiosk.types import Hand

    pygame.font.init()
    surface = pygame.Surface(SIZE)
    lay = layout(VIEWS["cart"], CATALOG, SIZE)
    renderer = PygameRenderer(surface, THEME)
    image = feed()
    s = synth_hand("palm", np.random.default_rng(3), anchor=(0.3, 0.5), hand_height=0.3)
    hand = Hand(s.landmarks, s.world, s.handedness, 0.9)
    fa = lay.feed_area
    cursor_at = (fa.x + fa.w * 0.7, fa.y + fa.h * 0.3)
    renderer.draw(image, [], None, lay, Hud(0.0, None, False))
    wx, wy = renderer.feed_to_screen(float(hand.landmarks[9, 0]), float(hand.landmarks[9, 1]))  # middle knuckle
    assert fa.x <= wx < fa.x + fa.w and fa.y <= wy < fa.y + fa.h
    assert rgb(surface, wx, wy) == FEED_RGB  # no hand yet
    renderer.draw(image, [hand], 0, lay, Hud(0.1, None, False))  # same picture, a new frame's hand
    assert rgb(surface, wx, wy) == C.hand
    renderer.draw(image, [hand], 0, lay, Hud(0.2, cursor_at, False))  # a redraw: the cursor appears
    assert rgb(surface, wx, wy) == C.hand and rgb(surface, *cursor_at) != FEED_RGB
    renderer.draw(image, [hand], 0, lay, Hud(0.3, None, False))  # and goes, leaving the feed as it was
    assert rgb(surface, *cursor_at) == FEED_RGB

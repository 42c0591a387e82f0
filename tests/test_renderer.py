"""Probe pixels of every screen drawn on an off-screen Surface, at landscape and portrait sizes."""
from __future__ import annotations

import numpy as np
import pygame
import pytest

from kiosk.shop.cart import Cart
from kiosk.shop.catalog import load_catalog
from kiosk.shop.machine import Screen, Toast, View
from kiosk.ui.hud import Hud
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
SETTLED = 5.0
"""Seconds after the screen appeared (Hud.screen_since 0): its entrance is over."""


def settled(now: float, cursor=None, pressed: bool = False, **kw) -> Hud:
    """A Hud at `now` on a screen that appeared SETTLED seconds before (unless screen_since is given)."""
    kw.setdefault("screen_since", now - SETTLED)
    return Hud(now, cursor, pressed, **kw)


def feed():
    image = np.empty((480, 640, 3), np.uint8)
    image[:] = FEED_BGR
    return image


def draw(view_name: str, cursor=None, pressed=False, size=SIZE, view: View | None = None, hud: Hud | None = None,
         theme=THEME, image="feed"):
    pygame.font.init()
    surface = pygame.Surface(size)
    lay = layout(view or VIEWS[view_name], CATALOG, size)
    hud = hud or settled(SETTLED, cursor, pressed)
    renderer = PygameRenderer(surface, theme)
    renderer.draw(feed() if image == "feed" else image, [], None, lay, hud)
    return surface, lay, renderer


def rgb(surface, x, y):
    return tuple(surface.get_at((int(x), int(y))))[:3]


def fill_of(b):
    if not b.enabled:
        return C.disabled
    return {"primary": C.primary, "danger": C.danger, "quiet": C.field, "tile": C.field,
            "target": C.primary}.get(b.style, C.secondary)


def probe_of(b):
    """A point of a button showing its fill: beside the label; a tile's card below its texts; the practice
    target's inner disc below its 👌."""
    if b.style == "tile":
        return b.rect.x + b.rect.w // 2, b.rect.y + b.rect.h - 5
    if b.style == "target":
        return b.rect.center[0], b.rect.center[1] + b.rect.h * 2 // 10
    return b.rect.x + b.rect.w // 10, b.rect.y + b.rect.h // 2


@pytest.mark.parametrize("size", [SIZE, PORTRAIT], ids=["landscape", "portrait"])
@pytest.mark.parametrize("name", list(VIEWS))
def test_feed_panel_and_buttons_are_drawn(name, size):
    surface, lay, _ = draw(name, size=size)
    # The feed shows where the panel leaves the screen free, converted from BGR: blue stays blue.
    fa = lay.feed_area
    assert rgb(surface, fa.x + 5, fa.y + fa.h - 5) == FEED_RGB
    # The panel is the theme's, over the feed (opaque by default).
    px = rgb(surface, lay.panel.x + 3 * lay.panel.w // 4, lay.panel.y + 8)
    assert px == C.panel[:3]
    assert rgb(surface, lay.panel.x + 1, lay.panel.y + 1) == FEED_RGB  # its rounded corner shows the picture
    for b in lay.buttons:
        probe = probe_of(b)
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
    renderer.draw(image, [], None, lay, settled(0.0, None))
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
    edge = (target.rect.x + 1, target.rect.y + target.rect.h // 2)
    assert rgb(surface, *edge) != C.hover_border
    cx, cy = target.rect.center
    hovered, _, _ = draw("shopping", cursor=(cx, cy))
    assert rgb(hovered, *edge) == C.hover_border
    assert rgb(hovered, cx, cy) == (255, 255, 255)  # the cursor's centre dot


def test_a_hovered_button_grows_as_the_cursor_stays():
    """Motion from the frame's time: the same frames give the same pixels, and the button is bigger
    once the cursor has rested on it than the moment it arrived."""
    lay = layout(VIEWS["cart"], CATALOG, SIZE)
    b = next(x for x in lay.buttons if x.id == "checkout")
    y = b.rect.y + b.rect.h // 2

    def at(*moments):
        surface = pygame.Surface(SIZE)
        renderer = PygameRenderer(surface)
        for now in moments:
            renderer.draw(feed(), [], None, lay, settled(now, b.rect.center))
        return surface

    def left_edge(surface) -> int:
        return next(x for x in range(b.rect.x - 30, b.rect.x + 5) if rgb(surface, x, y) == C.hover_border)

    arrived, rested = at(10.0), at(10.0, 10.5)
    assert left_edge(rested) <= left_edge(arrived) - 4
    assert pygame.image.tobytes(at(10.0, 10.5), "RGB") == pygame.image.tobytes(rested, "RGB")


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


def colour_near(surface, centre, radius, color) -> int:
    """How many pixels of `color` lie in the square of half-side `radius` around centre."""
    x, y = int(centre[0]), int(centre[1])
    px = pygame.surfarray.array3d(surface)[x - radius:x + radius, y - radius:y + radius]
    return int((px == color).all(axis=2).sum())


def test_dwell_progress_fills_an_outer_ring():
    c = (200, 500)  # over the feed, away from the panel
    reach = 3 * round(THEME.sizes.cursor * SIZE[1])
    counts = [colour_near(draw("shopping", hud=settled(0.0, c, dwell=d))[0], c, reach, C.dwell) for d in (0, .5, 1)]
    assert counts[0] == 0 and 0 < counts[1] < counts[2]
    assert counts[1] == pytest.approx(counts[2] / 2, rel=0.2)


def test_press_progress_fills_the_ring_white():
    c = (200, 500)
    reach = 2 * round(THEME.sizes.cursor * SIZE[1])
    low = colour_near(draw("shopping", hud=settled(0.0, c, ok=0.0))[0], c, reach, (255, 255, 255))
    high = colour_near(draw("shopping", hud=settled(0.0, c, ok=0.8))[0], c, reach, (255, 255, 255))
    assert high > low + 40


def test_click_pulse_shows_briefly():
    c = (200, 500)
    r = round(THEME.sizes.cursor * SIZE[1])
    ring = round(r * (1 + 1.6 * 0.3))
    during, _, _ = draw("shopping", hud=settled(10.0 + 0.35 * 0.3, c, clicked_at=10.0))
    after, _, _ = draw("shopping", hud=settled(11.0, c, clicked_at=10.0))
    assert ring_pixels(during, c, ring, C.cursor) > 30
    assert ring_pixels(after, c, ring, C.cursor) == 0


def test_the_cursor_carries_no_gesture_name():
    """The recognised gesture is for the operator's overlay only: nothing is written beside the cursor."""
    c = (200, 400)
    r = round(THEME.sizes.cursor * SIZE[1])
    surface, _, _ = draw("shopping", hud=settled(0.0, c))
    beside = pygame.surfarray.array3d(surface)[c[0] + 2 * r:c[0] + 8 * r, c[1] - r:c[1] + r]
    assert (beside == FEED_RGB).all()


def test_arrows_point_back_when_the_hand_leaves_the_active_region():
    c = (6, 400)  # the cursor held at the screen's left edge
    r = round(THEME.sizes.cursor * SIZE[1])
    inside, _, _ = draw("shopping", hud=settled(0.0, c))
    out, _, _ = draw("shopping", hud=settled(0.0, c, outside=(-1, 0)))
    right = (c[0] + 2 * r, c[1] - r, c[0] + 6 * r, c[1] + r)  # inward of the cursor: where the hand should go
    count = lambda s: int((pygame.surfarray.array3d(s)[right[0]:right[2], right[1]:right[3]]  # noqa: E731
                           == C.cursor).all(axis=2).sum())
    assert count(inside) == 0 and count(out) > 50


def test_held_gesture_draws_its_progress_and_name():
    c = (200, 400)
    held, _, _ = draw("confirm", hud=settled(0.0, c, holding=("Confirm", 0.6)))
    plain, _, _ = draw("confirm", hud=settled(0.0, c))
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


def test_attract_loops_a_hand_that_points_then_clicks():
    from kiosk.ui.hud import POINT_OK_CLICK, POINT_OK_SECONDS

    lay = layout(VIEWS["attract"], CATALOG, SIZE)
    (loop,) = lay.instructions
    icon = loop.icon
    crop = lambda s: pygame.surfarray.array3d(s)[icon.x:icon.x + icon.w, icon.y:icon.y + icon.h]  # noqa: E731
    pointing, _, _ = draw("attract", hud=settled(0.1 * POINT_OK_SECONDS))
    clicking, _, _ = draw("attract", hud=settled(sum(POINT_OK_CLICK) / 2 * POINT_OK_SECONDS))
    assert (crop(pointing) != crop(clicking)).any()  # the hand moves
    # on the 👌 the target answers: it fills (a disc) and a ring spreads in the cursor's colour
    primary = lambda s: int((crop(s) == C.primary).all(axis=2).sum())  # noqa: E731
    assert primary(clicking) > 1.5 * primary(pointing)
    assert (crop(clicking) == C.cursor).all(axis=2).any() and not (crop(pointing) == C.cursor).all(axis=2).any()


def test_the_payment_screen_turns_its_ring_while_it_waits():
    lay = layout(VIEWS["paying"], CATALOG, SIZE)
    box = lay.spinner
    crop = lambda s: pygame.surfarray.array3d(s)[box.x:box.x + box.w, box.y:box.y + box.h]  # noqa: E731
    a, _, _ = draw("paying", hud=settled(10.0))
    b, _, _ = draw("paying", hud=settled(10.5))
    assert (crop(a) == C.primary).all(axis=2).sum() > 100
    assert (crop(a) != crop(b)).any()  # half a turn later the ring is elsewhere


def test_warning_box_and_countdown():
    v = View(Screen.SHOPPING, Cart(), 0, False, None, 9, None)
    surface, lay, _ = draw("shopping", view=v)
    m = lay.modal.rect
    assert rgb(surface, m.x + 10, m.y + m.h // 2) == C.warning_box
    assert rgb(surface, m.x + 1, m.y + m.h // 2) == C.warning  # its border
    big = lay.modal.texts[1]
    px = pygame.surfarray.array3d(surface)[big.x - big.size // 2:big.x + big.size // 2, big.y - big.size // 3:big.y + big.size // 3]
    assert (px == C.warning).all(axis=2).sum() > 100  # the seconds, big, in the warning colour


def test_toast_pill_slides_in_on_the_panel():
    v = View(Screen.SHOPPING, Cart(), 0, False, None, None, None, toast=Toast("Removed: Apple", 1))
    lay = layout(v, CATALOG, SIZE)
    (text,) = [t for t in lay.texts if t.style == "toast"]
    assert lay.panel.contains((text.x, text.y))

    def pill(surface) -> tuple[int, float]:
        """Toast-coloured pixels around the toast's place, and their mean height (px)."""
        x0, y0 = text.x - 4 * text.size, text.y - 2 * text.size
        footer = min(b.rect.y for b in lay.buttons if b.id == "checkout")  # the primary buttons are as green
        px = pygame.surfarray.array3d(surface)[x0:text.x + 4 * text.size, y0:footer - 2]
        ys = np.nonzero((px == C.toast).all(axis=2))[1]
        return len(ys), (float(ys.mean()) + y0 if len(ys) else -1.0)

    quiet = layout(View(Screen.SHOPPING, Cart(), 0, False, None, None, None), CATALOG, SIZE)
    surface = pygame.Surface(SIZE)
    renderer = PygameRenderer(surface)
    renderer.draw(feed(), [], None, quiet, settled(5.0))
    base = pill(surface)[0]  # the same green elsewhere in the box (the tiles' + discs)
    renderer.draw(feed(), [], None, lay, settled(5.5))  # first seen: it starts sliding in
    rising = pill(surface)
    renderer.draw(feed(), [], None, lay, settled(6.0))  # settled
    settled_pill = pill(surface)
    assert settled_pill[0] > base + 500
    assert rising[1] > settled_pill[1] + text.size // 3  # lower while it rises
    renderer.draw(feed(), [], None, quiet, settled(6.1))
    assert pill(surface)[0] == base  # gone with the view's toast


def test_receipt_badge_pops_and_confetti_falls():
    v = VIEWS["receipt"]
    surface = pygame.Surface(SIZE)
    lay = layout(v, CATALOG, SIZE)
    renderer = PygameRenderer(surface)
    renderer.draw(feed(), [], None, lay, settled(20.0, None, screen_since=19.0))
    cx, cy = lay.badge.center
    assert rgb(surface, cx - lay.badge.w // 3, cy - lay.badge.h // 4) == C.primary
    colours = {tuple(c) for c in C.confetti}
    px = pygame.surfarray.array3d(surface).reshape(-1, 3)
    scraps = sum(int((px == c).all(axis=1).sum()) for c in colours if c != C.primary)
    assert scraps > 100
    renderer.draw(feed(), [], None, lay, settled(40.0, None, screen_since=19.0))  # long after: no confetti
    px = pygame.surfarray.array3d(surface)
    fa = lay.feed_area
    assert not any((px[fa.x:fa.x + fa.w, :] == c).all(axis=2).any() for c in colours if c != C.primary)


def test_theme_colours_are_used():
    theme = Theme(colors=Colors(primary=(200, 0, 200)))
    surface, lay, _ = draw("shopping", theme=theme)
    checkout = next(b for b in lay.buttons if b.id == "checkout")
    assert rgb(surface, *probe_of(checkout)) == (200, 0, 200)
    tile = next(b for b in lay.buttons if b.id.startswith("add:")).rect  # its + disc, lower right
    corner = pygame.surfarray.array3d(surface)[tile.x + tile.w * 3 // 4:tile.x + tile.w, tile.y + tile.h * 3 // 4:
                                               tile.y + tile.h]
    assert (corner == (200, 0, 200)).all(axis=2).sum() > 50


def test_grab_cursor_and_scrollbar():
    from kiosk.shop.catalog import Catalog, Item

    big = Catalog("EUR", tuple(Item(f"p{n}", f"Product {n}", 100 + n) for n in range(20)))
    lay = layout(View(Screen.SHOPPING, Cart(), 3, False, None, None, None), big, SIZE)
    (bar,) = lay.scrollbars
    surface = pygame.Surface(SIZE)
    PygameRenderer(surface).draw(feed(), [], None, lay, settled(0.0, (200, 400), grabbing=True))
    assert rgb(surface, bar.thumb.x + bar.thumb.w // 2, bar.thumb.y + bar.thumb.h // 2) == C.gesture
    assert rgb(surface, 200 + 5, 400 - round(THEME.sizes.cursor * SIZE[1]) + 3) == C.gesture


def test_text_longer_than_its_max_width_is_drawn_smaller_to_fit():
    pygame.font.init()
    surface = pygame.Surface((800, 200))
    long = Text("A very long product name that would never fit", 10, 100, 40, "left", "body", max_width=200)
    lay = Layout((800, 200), Rect(0, 0, 800, 200), (), (long,))
    PygameRenderer(surface).draw(None, [], None, lay, settled(0.0, None))
    px = pygame.surfarray.array3d(surface)
    panel = px[400, 5]
    inked = [x for x in range(800) if (np.abs(px[x, 60:140].astype(int) - panel).sum(axis=1) > 60).any()]
    assert inked and min(inked) >= 10 and max(inked) <= 10 + 200


def test_item_pictures_and_generated_tiles(tmp_path):
    """A catalog picture fills its tile's picture box; an unreadable one or none at all gets a generated tile
    in one of the theme's colours with the item's initial, never an empty hole."""
    from kiosk.shop.catalog import Catalog, Item

    red = pygame.Surface((40, 20))
    red.fill((250, 10, 10))
    pygame.image.save(red, str(tmp_path / "red.png"))
    (tmp_path / "broken.png").write_bytes(b"not a png")
    catalog = Catalog("EUR", (Item("a", "Apple", 45, tmp_path / "red.png"), Item("b", "Bean", 10, tmp_path / "broken.png"),
                              Item("c", "Corn", 20)))
    lay = layout(dict(sample_views(catalog))["shopping"], catalog, SIZE)
    assert [p.key for p in lay.pictures] == ["a", "b", "c"]
    surface = pygame.Surface(SIZE)
    PygameRenderer(surface).draw(None, [], None, lay, settled(0.0))
    apple, bean, corn = lay.pictures
    assert rgb(surface, *apple.rect.center) == (250, 10, 10)
    palette = {tuple(c) for c in C.confetti}
    for pic in (bean, corn):
        r = pic.rect
        assert rgb(surface, r.x + r.w // 6, r.y + r.h // 4) in palette  # the tile's colour
        box = pygame.surfarray.array3d(surface)[r.x + r.w // 4:r.x + r.w * 3 // 4, r.y + r.h // 4:r.y + r.h * 3 // 4]
        assert (box == C.on_dark).all(axis=2).sum() > 30  # its initial, in white
    for pic, name in ((apple, "Apple"), (corn, "Corn")):
        (text,) = [t for t in lay.texts if t.text == name]
        assert text.y > pic.rect.y + pic.rect.h  # the name under its picture


def test_undo_button_and_its_countdown_are_drawn_exactly_while_offered():
    offered = VIEWS["cart-undo"]
    since, until = offered.undo.since, offered.undo.until
    early, lay, _ = draw("cart-undo", hud=settled(since + 0.1, None))
    (undo,) = [b for b in lay.buttons if b.id == "undo"]
    (cd,) = lay.countdowns
    r = undo.rect
    assert rgb(early, r.x + r.w // 10, r.y + r.h // 3) == C.primary  # a filled button, not a text
    assert any(rgb(early, x, r.y + r.h // 2) == C.on_dark for x in range(r.x, r.x + r.w))  # its label
    bar_y = next(y for y in range(r.y + r.h - 1, r.y + r.h // 2, -1)
                 if rgb(early, r.x + r.w // 2, y) == C.on_dark)  # the bar along the lower edge
    right = r.x + r.w * 9 // 10
    assert rgb(early, right, bar_y) == C.on_dark  # almost all of the time is left
    late, _, _ = draw("cart-undo", hud=settled(since + 0.8 * (until - since), None))
    assert rgb(late, right, bar_y) != C.on_dark and rgb(late, r.x + r.w // 10, bar_y) == C.on_dark
    # the same cart without the offer: the row is empty there, no green
    gone = View(Screen.CART, offered.cart, 0, False, None, None, None)
    plain, lay2, _ = draw("cart", view=gone, hud=settled(until, None))
    assert "undo" not in [b.id for b in lay2.buttons] and lay2.countdowns == ()
    assert not any(rgb(plain, x, r.y + r.h // 3) == C.primary for x in range(r.x, r.x + r.w, 4))


def test_a_redraw_reuses_the_composed_frame_but_follows_a_new_hand_and_the_cursor():
    """The hand is drawn where it drives the cursor, its index fingertip on it; a new frame's hands show even
    when the source reuses its picture (the demo does), and the hand goes with the cursor."""
    from kiosk.gestures.handgen import synth_hand
    from kiosk.types import Hand

    pygame.font.init()
    surface = pygame.Surface(SIZE)
    lay = layout(VIEWS["cart"], CATALOG, SIZE)
    renderer = PygameRenderer(surface, THEME)
    image = feed()
    s = synth_hand("point", np.random.default_rng(3), anchor=(0.3, 0.5), hand_height=0.3)
    hand = Hand(s.landmarks, s.world, s.handedness, 0.9)
    fa = lay.feed_area
    cursor_at = (round(fa.x + fa.w * 0.5), round(fa.y + fa.h * 0.2))

    def hand_pixels(at) -> int:
        """Pixels of the hand's green in the box under a cursor at `at`, where the finger and palm go."""
        px = pygame.surfarray.array3d(surface)[at[0] - 60:at[0] + 60, at[1] + 25:at[1] + 160].astype(int)
        return int((px[..., 1] > FEED_RGB[1] + 40).sum())

    renderer.draw(image, [], None, lay, settled(0.0, cursor_at))
    assert hand_pixels(cursor_at) == 0  # no hand yet
    renderer.draw(image, [hand], 0, lay, settled(0.1, cursor_at))  # same picture, a new frame's hand
    assert hand_pixels(cursor_at) > 400  # the hand's green, half transparent, under the fingertip
    renderer.draw(image, [hand], 0, lay, settled(0.2, None))  # no cursor: no hand drawn
    assert hand_pixels(cursor_at) == 0
    moved = (cursor_at[0] + 200, cursor_at[1])
    renderer.draw(image, [hand], 0, lay, settled(0.3, moved))  # a redraw: the hand follows the cursor
    assert hand_pixels(cursor_at) == 0 and hand_pixels(moved) > 400


def test_text_never_shrinks_below_the_smallest_size_it_is_cut_short_instead():
    from kiosk.ui.layout import MIN_TEXT

    size = (1920, 1080)
    surface = pygame.Surface(size)
    renderer = PygameRenderer(surface)
    smallest = MIN_TEXT * size[1]
    words, px = renderer._fit("Extra large organic free-range farmhouse eggs", 60, 300)
    assert px >= smallest and words.endswith("…") and len(words) < 30
    assert renderer._render(words, px, (0, 0, 0), bold=True).get_width() <= 300
    assert renderer._fit("Tea", 60, 300) == ("Tea", 60)  # what fits is left alone


def test_the_cursor_never_hides_the_label_under_it():
    lay = layout(VIEWS["cart"], CATALOG, SIZE)
    b = next(x for x in lay.buttons if x.id == "checkout")
    label = lambda s: int((pygame.surfarray.array3d(s)[b.rect.x:b.rect.x + b.rect.w, b.rect.y:b.rect.y + b.rect.h]  # noqa: E731
                           == C.on_dark).all(axis=2).sum())
    bare, _, _ = draw("cart")
    covered, _, _ = draw("cart", cursor=b.rect.center)
    assert label(covered) >= 0.95 * label(bare) > 100


def test_an_added_item_flies_to_the_cart_and_its_count_bounces():
    from kiosk.ui.layout import FLIGHT_SECONDS

    v = VIEWS["added"]  # the first item, added at 0.0 s
    lay = layout(v, CATALOG, SIZE)
    tile = next(b for b in lay.buttons if b.id == f"add:{v.added.item_id}").rect
    cart = next(b for b in lay.buttons if b.id == "cart").rect

    def red_between(now) -> int:
        """The apple's red, below its tile and above the cart button: only the flying picture is there."""
        surface, _, _ = draw("added", hud=settled(now, screen_since=-5.0))
        px = pygame.surfarray.array3d(surface)[tile.x:cart.x + cart.w, tile.y + tile.h + 4:cart.y - 4].astype(int)
        return int(((px[..., 0] > 180) & (px[..., 1] < 80) & (px[..., 2] < 80)).sum())

    assert red_between(FLIGHT_SECONDS * 0.5) > 100
    assert red_between(FLIGHT_SECONDS + 1.0) == 0
    (count,) = [x for x in lay.badges if x.text == str(v.cart.count)]
    landing = count.bounce_since
    assert landing == pytest.approx(FLIGHT_SECONDS)  # the count bounces when the picture arrives

    def badge_width(now) -> int:
        surface, _, _ = draw("added", hud=settled(now, screen_since=-5.0))
        y = count.centre[1]
        return sum(1 for x in range(count.centre[0] - 3 * count.radius, count.centre[0] + 3 * count.radius)
                   if rgb(surface, x, y) == C.cursor)

    assert badge_width(landing + 0.15) > badge_width(landing + 2.0) + 4


def test_a_new_screen_slides_in():
    lay = layout(VIEWS["cart"], CATALOG, SIZE)
    b = next(x for x in lay.buttons if x.id == "checkout")
    first, _, _ = draw("cart", hud=settled(10.0, screen_since=10.0))
    later, _, _ = draw("cart", hud=settled(10.5, screen_since=10.0))
    assert rgb(later, *probe_of(b)) == C.primary != rgb(first, *probe_of(b))


def test_the_fast_picture_path_matches_the_plain_one():
    """A 32-bit surface gets the picture resized straight into its pixels; any other format goes through a
    converted image. Both show the same picture, edges repeated where it does not reach."""
    image = np.zeros((480, 640, 3), np.uint8)
    image[:, :, 0] = np.linspace(0, 255, 640, dtype=np.uint8)[None, :]  # blue rises left to right (BGR)
    image[:, :, 2] = np.linspace(0, 255, 480, dtype=np.uint8)[:, None]  # red rises top to bottom
    lay = layout(VIEWS["shopping"], CATALOG, PORTRAIT)
    fast, plain = pygame.Surface(PORTRAIT), pygame.Surface(PORTRAIT, depth=24)
    assert fast.get_bytesize() == 4 and plain.get_bytesize() == 3
    for surface in (fast, plain):
        PygameRenderer(surface).draw(image, [], None, lay, settled(0.0))
    fa = lay.feed_area
    for x, y in [(5, 5), (fa.w // 2, fa.h // 2), (fa.w - 5, fa.h - 5), (fa.w // 3, 10)]:
        a, b = rgb(fast, x, y), rgb(plain, x, y)
        assert max(abs(p - q) for p, q in zip(a, b)) <= 2, (x, y, a, b)
    assert rgb(fast, fa.w - 5, fa.h // 2)[2] > rgb(fast, 5, fa.h // 2)[2] + 100  # blue rises to the right


def test_a_translucent_theme_panel_lets_the_picture_show_through():
    theme = Theme(colors=Colors(panel=(250, 250, 250, 200)))
    surface, lay, _ = draw("shopping", theme=theme)
    px = rgb(surface, lay.panel.x + 3 * lay.panel.w // 4, lay.panel.y + 8)
    assert 150 < min(px) and px[2] > px[0] + 20  # lighter than the blue feed, still tinted by it
    corner = rgb(surface, lay.panel.x + 1, lay.panel.y + 1)  # outside the rounded corner: the feed itself
    assert corner == FEED_RGB


def test_a_still_frame_is_shown_again_until_something_changes():
    """Nothing moving and the same inputs: the frame drawn last is shown again. A new camera frame, a moved
    cursor or a moment when something moves on its own is drawn anew."""
    lay = layout(VIEWS["cart"], CATALOG, SIZE)
    surface = pygame.Surface(SIZE)
    renderer = PygameRenderer(surface)
    image = feed()
    renderer.draw(image, [], None, lay, settled(10.0, (200, 300)))
    first = pygame.image.tobytes(surface, "RGB")
    surface.fill((0, 0, 0))
    renderer.draw(image, [], None, lay, settled(10.1, (200, 300)))
    assert pygame.image.tobytes(surface, "RGB") == first
    renderer.draw(image, [], None, lay, settled(10.2, (260, 300)))  # the cursor moved
    assert pygame.image.tobytes(surface, "RGB") != first
    darker = image.copy()
    darker[:] = (90, 20, 5)
    renderer.draw(darker, [], None, lay, settled(10.3, (260, 300)))  # a new camera frame
    assert rgb(surface, 5, SIZE[1] - 5) == (5, 20, 90)


def test_the_receipt_qr_code_reads_back_as_the_receipt():
    """Decoded by OpenCV's own QR reader from the drawn screen: the shop, the order, the lines, the total."""
    import cv2

    lay = layout(VIEWS["receipt"], CATALOG, (1920, 1080))
    assert lay.qr is not None and lay.qr.rect.w >= 0.12 * 1080
    surface, _, _ = draw("receipt", size=(1920, 1080), hud=settled(30.0, screen_since=0.0))
    r = lay.qr.rect
    pixels = pygame.surfarray.array3d(surface)[r.x - 10:r.x + r.w + 10, r.y - 10:r.y + r.h + 10].transpose(1, 0, 2)
    text, points, _ = cv2.QRCodeDetector().detectAndDecode(np.ascontiguousarray(pixels[:, :, ::-1]))
    assert text == VIEWS["receipt"].receipt.text
    assert text.splitlines()[:2] == ["Touchless checkout", "Order A-0001"]
    assert "1 x Apple  €0.45" in text and text.splitlines()[-2] == f"Total {CATALOG.format(465)}"

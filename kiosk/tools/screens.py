"""Pictures of every screen at one screen size, for designers, reviews and the README: `main.py screens`.

Each sample screen (`kiosk.ui.layout.sample_views(every=True)`) is drawn by the kiosk's own
renderer, as a shopper would see it a moment after it appeared: the demo's camera picture,
the demo's synthetic hand pointing at the screen's main target, the cursor on it (the
receipt a second in, while its confetti flies; an added item halfway to the cart). No
camera needed. With a display (an X server, Xvfb included) the pictures are taken from a
real window of exactly that size; without one, from an off-screen surface.
"""
from __future__ import annotations

import os
from pathlib import Path

from kiosk.gestures.handgen import POSES, pose_world, render
from kiosk.interaction.pointer import Pointer, PointerConfig
from kiosk.shop.catalog import Catalog
from kiosk.types import Hand
from kiosk.ui.hud import Hud
from kiosk.ui.layout import FLIGHT_SECONDS, LayoutOptions, layout, sample_views
from kiosk.ui.theme import Theme
from kiosk.vision.demo import FRAME_SIZE, DemoSource

AIM = {"attract": "start", "practice": "practice", "practice-hold": "practice", "shopping": "add:", "added": "cart",
       "cart": "inc:", "cart-undo": "undo", "confirm": "confirm", "quantity": "key:5", "paying": "nothing",
       "paid-unsaved": "retry",
       "receipt": "done", "warning": "add:"}
"""Screen -> the target (or the first whose id starts so) the cursor rests on."""


def aim(name: str, lay) -> tuple[float, float] | None:
    """Where the cursor rests on sample screen `name`: on its main target, a little right of the centre
    (so the label shows beside the ring); None if the screen has no such target."""
    target = next((b for b in lay.buttons if b.enabled and b.id.startswith(AIM.get(name, ""))), None)
    return (target.rect.center[0] + target.rect.w // 6, target.rect.center[1]) if target else None


def pointing_hand(tip: tuple[float, float]) -> Hand:
    """The demo's synthetic pointing hand with its index fingertip at `tip` (normalised, mirrored frame)."""
    hand = render(pose_world(POSES["point"]), anchor=tip, anchor_landmark=8, aspect=FRAME_SIZE[0] / FRAME_SIZE[1])
    return Hand(hand.landmarks, hand.world, hand.handedness, 0.99)


def render_screens(catalog: Catalog, size: tuple[int, int], out: Path, theme: Theme,
                   options: LayoutOptions, pointer: PointerConfig = PointerConfig(), language: str = "en") -> list[Path]:
    """Draw every sample screen at `size` (px), in `language`, into `out` as <size>[-<language>]-<screen>.png;
    returns the files written."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from kiosk.ui.renderer import PygameRenderer

    pygame.font.init()  # no pygame.init(): it would open the sound card
    pygame.display.init()
    surface = pygame.display.set_mode(size)
    renderer = PygameRenderer(surface, theme, pointer.active_region)
    image = DemoSource().read().image
    to_frame = Pointer(size, pointer).to_frame
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, view in sample_views(catalog, every=True, language=language):
        lay = layout(view, catalog, size, options)
        w, h = size
        cursor = aim(name, lay) or (w * 0.3, h * 0.5)
        now = {"receipt": 1.1, "added": FLIGHT_SECONDS * 0.5}.get(name, 5.0)
        hands = [pointing_hand(to_frame(cursor))]
        renderer.set_surface(surface)
        renderer.draw(image, hands, 0, lay, Hud(now, cursor, screen_since=0.0))
        pygame.display.flip()
        path = out / (f"{w}x{h}-{name}.png" if language == "en" else f"{w}x{h}-{language}-{name}.png")
        pygame.image.save(surface, str(path))
        written.append(path)
    pygame.display.quit()
    return written

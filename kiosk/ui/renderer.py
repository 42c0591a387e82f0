"""Draws one frame of the kiosk on a pygame Surface: feed, hands, panel, buttons, cursor.

The renderer decides nothing: it draws the `Layout` it is given (the same one the app
hit-tests against) plus the pointer state. Anything expensive (text, the panel's
translucent background) is rendered once and cached; per frame it converts the camera
image once (cv2.resize straight to screen size, then one blit).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import pygame

from kiosk.interaction.pointer import PointerState
from kiosk.types import HAND_CONNECTIONS, Hand
from kiosk.ui.layout import Button, Layout, Picture, Rect, Text

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    background: Color = (24, 28, 36)
    panel: tuple[int, int, int, int] = (250, 250, 252, 222)
    """RGBA: the panel floats over the feed, translucent."""
    text: Color = (22, 26, 34)
    muted: Color = (96, 104, 118)
    warning: Color = (190, 60, 20)
    on_dark: Color = (255, 255, 255)
    primary: Color = (18, 120, 96)
    secondary: Color = (214, 220, 230)
    outline: Color = (150, 158, 172)
    danger: Color = (200, 64, 64)
    disabled: Color = (200, 204, 210)
    hover_border: Color = (255, 176, 0)
    cursor: Color = (255, 176, 0)
    hand: Color = (80, 230, 160)
    hand_dimmed: Color = (150, 150, 150)
    radius: float = 0.012
    """Corner radius, fraction of the screen height."""


THEME = Theme()


class PygameRenderer:
    def __init__(self, surface: pygame.Surface, theme: Theme = THEME):
        pygame.font.init()
        self.surface = surface
        self.theme = theme
        self._fonts: dict[int, pygame.font.Font] = {}
        self._texts: dict[tuple[str, int, Color], pygame.Surface] = {}
        self._fits: dict[tuple[str, int, int], int] = {}
        self._pictures: dict[tuple[object, int, int], pygame.Surface | None] = {}
        self._panel: tuple[Rect, pygame.Surface] | None = None
        self._feed_map: tuple[tuple[int, int], tuple[float, float, float]] | None = None
        self._feed_image: np.ndarray | None = None
        self._feed: pygame.Surface | None = None

    # -- public -------------------------------------------------------------------------
    def draw(self, image: np.ndarray | None, hands: Sequence[Hand], active: int | None, layout: Layout,
             pointer: PointerState, notes: Sequence[str] = (), hint: str | None = None) -> None:
        """image: mirrored BGR frame (or None). notes: small lines top-left. hint: a big line at the bottom."""
        self._draw_feed(image)
        self._draw_panel(layout.panel)
        if image is not None:  # over the panel, under the buttons: visible, never hiding a label
            for k, hand in enumerate(hands):
                self._draw_hand(hand, k == active)
        hovered = layout.hit(pointer.cursor)
        for button in layout.buttons:
            self._draw_button(button, hovered is button, pointer.pressed)
        for text in layout.texts:
            self._draw_text(text)
        for picture in layout.pictures:
            self._draw_picture(picture)
        h = self.surface.get_height()
        for n, note in enumerate(notes):
            self._blit_text(note, round(0.03 * h), self.theme.on_dark, (round(0.02 * h), round(0.02 * h + n * 0.04 * h)),
                            "left", shadow=True)
        if hint:
            self._blit_text(hint, round(0.05 * h), self.theme.on_dark,
                            (layout.panel.x // 2 or self.surface.get_width() // 2, round(0.9 * h)), "center", shadow=True)
        if pointer.cursor is not None:
            self._draw_cursor(pointer)

    def feed_to_screen(self, x: float, y: float) -> tuple[int, int]:
        """Normalised point of the (mirrored) feed -> screen px, under the cover scaling in use."""
        if self._feed_map is None:
            w, h = self.surface.get_size()
            return round(x * w), round(y * h)
        (fw, fh), (scale, ox, oy) = self._feed_map
        return round(x * fw * scale - ox), round(y * fh * scale - oy)

    # -- pieces ---------------------------------------------------------------------------
    def _draw_feed(self, image: np.ndarray | None) -> None:
        if image is None:
            self.surface.fill(self.theme.background)
            return
        if image is not self._feed_image:  # a new camera frame: scale it once, redraws reuse it
            self._feed_image, self._feed = image, self._scaled_feed(image)
        self.surface.blit(self._feed, (0, 0))

    def _scaled_feed(self, image: np.ndarray) -> pygame.Surface:
        """The frame scaled to cover the screen (cropping the overflow), as a Surface: one resize, one copy."""
        sw, sh = self.surface.get_size()
        fh, fw = image.shape[:2]
        scale = max(sw / fw, sh / fh)
        cw, ch = sw / scale, sh / scale
        x0, y0 = (fw - cw) / 2, (fh - ch) / 2
        self._feed_map = ((fw, fh), (scale, x0 * scale, y0 * scale))
        crop = image[int(y0):int(y0 + ch), int(x0):int(x0 + cw)]
        interp = cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA
        scaled = cv2.resize(crop, (sw, sh), interpolation=interp)
        feed = pygame.image.frombuffer(scaled.data, (sw, sh), "BGR")
        # Converted to the display's pixel format once, so every redraw of it is a plain copy.
        return feed.convert() if pygame.display.get_surface() is not None else feed.copy()

    def _draw_hand(self, hand: Hand, active: bool) -> None:
        color = self.theme.hand if active else self.theme.hand_dimmed
        pts = [self.feed_to_screen(float(x), float(y)) for x, y, _ in hand.landmarks]
        width = max(2, self.surface.get_height() // 300) if active else 1
        for a, b in HAND_CONNECTIONS:
            pygame.draw.line(self.surface, color, pts[a], pts[b], width)
        for p in pts:
            pygame.draw.circle(self.surface, color, p, width + 2)

    def _draw_panel(self, rect: Rect) -> None:
        if self._panel is None or self._panel[0] != rect:
            panel = pygame.Surface((rect.w, rect.h), pygame.SRCALPHA)
            pygame.draw.rect(panel, self.theme.panel, panel.get_rect(), border_radius=self._radius() * 2)
            self._panel = (rect, panel)
        self.surface.blit(self._panel[1], (rect.x, rect.y))

    def _draw_button(self, b: Button, hovered: bool, pressed: bool) -> None:
        t = self.theme
        fill = {"primary": t.primary, "danger": t.danger}.get(b.style, t.secondary)
        if not b.enabled:
            fill = t.disabled
        elif hovered and pressed:
            fill = tuple(max(0, c - 50) for c in fill)
        elif hovered:
            fill = tuple(min(255, c + 25) for c in fill)
        r = pygame.Rect(b.rect.x, b.rect.y, b.rect.w, b.rect.h)
        pygame.draw.rect(self.surface, fill, r, border_radius=self._radius())
        if b.style == "secondary":  # light on a light panel: an outline keeps the target visible
            pygame.draw.rect(self.surface, t.outline, r, width=2, border_radius=self._radius())
        if hovered and b.enabled:
            pygame.draw.rect(self.surface, t.hover_border, r.inflate(6, 6), width=max(3, r.h // 20),
                             border_radius=self._radius() + 3)
        dark_fill = b.style in ("primary", "danger") and b.enabled
        color = t.on_dark if dark_fill else (t.muted if not b.enabled else t.text)
        glyph = len(b.text) == 1  # "+", "−", "×" read better big
        self._blit_text(b.text, round(b.rect.h * (0.7 if glyph else 0.42)), color, r.center, "center")

    def _draw_text(self, text: Text) -> None:
        color = {"muted": self.theme.muted, "warning": self.theme.warning}.get(text.style, self.theme.text)
        size = self._fitting_size(text.text, text.size, text.max_width)
        if text.style == "warning":
            surf = self._render(text.text, size, color)
            box = surf.get_rect()
            box.midleft = (text.x, text.y) if text.align == "left" else box.midleft
            if text.align == "center":
                box.center = (text.x, text.y)
            pygame.draw.rect(self.surface, (255, 244, 214), box.inflate(size, size // 2),
                             border_radius=self._radius())
        self._blit_text(text.text, size, color, (text.x, text.y), text.align)

    def _fitting_size(self, text: str, size: int, max_width: int | None) -> int:
        """The font size (px) at which `text` fits max_width; measured once per text, then cached."""
        if max_width is None:
            return size
        key = (text, size, max_width)
        fitted = self._fits.get(key)
        if fitted is None:
            width = self._font(size).size(text)[0]
            fitted = self._fits[key] = size if width <= max_width else max(8, size * max_width // width)
        return fitted

    def _draw_picture(self, picture: Picture) -> None:
        """An item image, loaded and scaled once; an unreadable file is skipped (the name still shows)."""
        key = (picture.path, picture.rect.w, picture.rect.h)
        if key not in self._pictures:
            try:
                image = pygame.image.load(str(picture.path)).convert_alpha()
                scale = min(picture.rect.w / image.get_width(), picture.rect.h / image.get_height())
                size = (max(1, round(image.get_width() * scale)), max(1, round(image.get_height() * scale)))
                self._pictures[key] = pygame.transform.smoothscale(image, size)
            except (pygame.error, OSError, ZeroDivisionError):
                self._pictures[key] = None
        image = self._pictures[key]
        if image is not None:
            self.surface.blit(image, image.get_rect(center=picture.rect.center))

    def _draw_cursor(self, pointer: PointerState) -> None:
        h = self.surface.get_height()
        x, y = round(pointer.cursor[0]), round(pointer.cursor[1])
        r = max(8, round(0.028 * h))
        c = self.theme.cursor
        if pointer.pressed:
            pygame.draw.circle(self.surface, c, (x, y), r)
        else:
            pygame.draw.circle(self.surface, (0, 0, 0), (x, y), r + 2, width=2)
            pygame.draw.circle(self.surface, c, (x, y), r, width=max(3, r // 6))
            if pointer.ok > 0.05:  # the 👌 closing: the ring fills as the pinch closes
                box = pygame.Rect(x - r, y - r, 2 * r, 2 * r)
                pygame.draw.arc(self.surface, (255, 255, 255), box, np.pi / 2, np.pi / 2 + 2 * np.pi * pointer.ok,
                                width=max(4, r // 4))
        pygame.draw.circle(self.surface, (255, 255, 255), (x, y), max(3, r // 5))

    # -- text -----------------------------------------------------------------------------
    def _radius(self) -> int:
        return max(4, round(self.theme.radius * self.surface.get_height()))

    def _render(self, text: str, size: int, color: Color) -> pygame.Surface:
        key = (text, size, color)
        surf = self._texts.get(key)
        if surf is None:
            if len(self._texts) > 2000:  # changing texts (countdowns) must not grow the caches forever
                self._texts.clear()
                self._fits.clear()
            surf = self._texts[key] = self._font(size).render(text, True, color)
        return surf

    def _font(self, size: int) -> pygame.font.Font:
        font = self._fonts.get(size)
        if font is None:
            font = self._fonts[size] = pygame.font.Font(None, size)
        return font

    def _blit_text(self, text: str, size: int, color: Color, at: tuple[int, int], align: str,
                   shadow: bool = False) -> None:
        surf = self._render(text, size, color)
        box = surf.get_rect()
        if align == "left":
            box.midleft = at
        elif align == "right":
            box.midright = at
        else:
            box.center = at
        if shadow:
            self.surface.blit(self._render(text, size, (0, 0, 0)), box.move(2, 2))
        self.surface.blit(surf, box)

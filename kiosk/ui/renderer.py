"""Draws one frame of the kiosk on a pygame Surface: picture, hand, panel, tiles, cursor, overlays.

The renderer decides nothing: it draws the `Layout` it is given (the same one the app
hit-tests against) plus the per-frame `Hud`. Its look comes from the `Theme` (loaded
from assets/theme.toml). Anything expensive is made once and cached: text, pictures,
the panel's translucent background, the attract icons, the scaled camera picture (one
resize and one copy per camera frame, reused by redraws).

Motion is a function of `hud.now` (the frame's time) and of moments the session and the
state machine record (`hud.screen_since`, `hud.clicked_at`, `Layout.flight.since`,
`Badge.bounce_since`); the only thing the renderer remembers itself is when the cursor
came onto the button under it. So a test that feeds the same frames gets the same pixels.
"""
from __future__ import annotations

import io
import math
import sys
import zlib
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np
import pygame

from kiosk.errors import InputError
from kiosk.shop.catalog import read_picture
from kiosk.types import DEFAULT_ACTIVE_REGION, HAND_CONNECTIONS, Hand, Region
from kiosk.ui.fonts import Typeface
from kiosk.ui.hud import POINT_OK_CLICK, POINT_OK_SECONDS, DebugInfo, Hud, attract_frames
from kiosk.ui.layout import (FLIGHT_SECONDS, MIN_TEXT, Badge, Button, Countdown, Field, Flight, Layout,
                             Modal, Picture, Qr, Rect, Scrollbar, Text, picture_rect)
from kiosk.ui.theme import THEME, Color, Theme

__all__ = ["PygameRenderer", "Theme", "THEME"]

PULSE_SECONDS = 0.35
"""The ring that grows from the cursor after a click."""
TOAST_IN = 0.18
"""A toast slides into place this long."""
CONFETTI_SECONDS = 4.5
ICON_FRAMES = 64
_KEY = (254, 1, 253)
"""The colour key of the panel's layer: where the panel's rounded corners let the picture show."""
HAND_SCALE = 0.6
"""The hand drawn at the cursor, as a fraction of the size the pointer maps it to (full size covers a
quarter of the panel)."""
_PALM = (0, 1, 5, 9, 13, 17)
"""Landmarks around the palm, in order: the hand silhouette's palm polygon."""
_FINGERS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))
TRANSITION_SECONDS = 0.3
"""A new screen's contents fade in over the panel this long (eased)."""
HOVER_SECONDS = 0.15
"""A button grows to its hovered size this long after the cursor comes onto it."""
HOVER_GROW = 0.04
"""A hovered button is this much bigger (fraction of its size)."""
BOUNCE_SECONDS = 0.4
"""A count badge bounces this long after its count goes up."""


class PygameRenderer:
    def __init__(self, surface: pygame.Surface, theme: Theme = THEME,
                 region: Region = DEFAULT_ACTIVE_REGION):
        """region: the pointer's active region (normalised): the picture is placed so it stays in view."""
        pygame.font.init()
        self.surface = surface
        self.theme = theme
        self.region = region
        self._type = Typeface.for_theme(theme.fonts)  # applies [fonts] scale and the 6-px minimum itself
        self._type.preload()  # the bold instance now, not on the first frame (once per process)
        self._texts: dict[tuple, pygame.Surface] = {}
        self._fits: dict[tuple[str, int, int], tuple[str, int]] = {}
        self._pictures: dict[tuple, pygame.Surface] = {}
        self._bad_pictures: set = set()  # picture files that failed once: their letter tile, no second read
        self._pic: Rect | None = None  # where the camera picture goes, screen px
        self._pic_key: tuple | None = None
        self._feed_image: np.ndarray | None = None
        self._feed: pygame.Surface | None = None  # the picture as placed, screen-sized, made once per camera frame
        self._layer: pygame.Surface | None = None  # the panel and all that stands still on it, made once per layout
        self._layer_key: tuple | None = None
        self._icons: dict[str, np.ndarray] = {}
        self._toast: tuple[object, float] | None = None  # the toast Text shown, and since when
        self._confetti: np.ndarray | None = None
        self._hover: tuple[str | None, float] = (None, 0.0)  # the button under the cursor, and since when (s)
        self._text_boxes: list[tuple[pygame.Rect, pygame.Surface]] = []  # the layer's texts, screen px: the hand
        # and the cursor never hide them (they are drawn again over both)
        self._hover_label: tuple[pygame.Rect, pygame.Surface, pygame.Rect] | None = None  # this frame's hovered
        # button's label (where, what) and the button's rect
        self._still: pygame.Surface | None = None  # the frame drawn last, while nothing moved on its own
        self._still_key: tuple | None = None
        self._still_inputs: tuple = (None, None)  # the picture and hands list that frame was drawn from

    def set_surface(self, surface: pygame.Surface) -> None:
        """Draw on another surface from now on (the display after leaving or entering fullscreen)."""
        self.surface = surface
        self._feed_image = self._feed = self._pic_key = None
        self._layer = self._layer_key = None
        self._still = self._still_key = None

    # -- public -------------------------------------------------------------------------
    def draw(self, image: np.ndarray | None, hands: Sequence[Hand], active: int | None, layout: Layout, hud: Hud,
             notes: Sequence[str] = (), hint: str | None = None, debug: DebugInfo | None = None) -> None:
        """image: mirrored BGR frame (or None). notes: small lines top-left. hint: a big line in the free area.

        Three layers, each made only when it changes: the camera picture (scaled once per camera
        frame, straight into a surface of the display's format), the panel with everything that
        stands still on it (once per screen content), and what moves, drawn over both each time
        (the hovered button, the hand, countdowns, counts, the flying item, the attract loop, the
        practice target, the receipt's burst, the toast, the cursor). A redraw between camera
        frames is two copies and the moving parts.
        """
        hovered = layout.hit(hud.cursor)
        hover_id = hovered.id if hovered is not None else None
        if hover_id != self._hover[0]:
            self._hover = (hover_id, hud.now)
        now = hud.now
        # Between camera frames the cursor and the hand stay where they are: when nothing moves on
        # its own either, the frame drawn last is shown again (one copy).
        still = debug is None and not self._moving(layout, hud)
        key = (active, layout, replace(hud, now=0.0), hover_id, tuple(notes), hint,
               self.surface.get_size()) if still else None
        if key is not None and key == self._still_key and image is self._still_inputs[0] \
                and hands is self._still_inputs[1]:  # the same objects, not equal ones: a new frame is new
            self.surface.blit(self._still, (0, 0))
            return
        self._still_key = None
        self._hover_label = None
        self._draw_feed(image, layout)
        self._draw_layer(layout, hud, now - hud.screen_since)
        if layout.badge is not None:
            self._draw_confetti(now - hud.screen_since, layout.badge)
            self._draw_badge(layout.badge, hud)
        for step in layout.instructions:  # the attract screen's loop (its only kind, "point-ok")
            self._draw_point_ok(step.icon, now)
        for button in layout.buttons:
            if button.style == "target":
                self._draw_target(button, hovered is button, now)
        if hovered is not None and hovered.enabled and hovered.style != "target":
            self._draw_hovered(hovered, hud.pressed, min(1.0, (now - self._hover[1]) / HOVER_SECONDS))
        for countdown in layout.countdowns:
            self._draw_countdown(countdown, now)
        for badge in layout.badges:
            self._draw_count(badge, now)
        if layout.flight is not None:
            self._draw_flight(layout.flight, now)
        if layout.spinner is not None:
            self._draw_spinner(layout.spinner, now)
        if layout.qr is not None:
            self._draw_qr(layout.qr)
        if image is not None and active is not None and active < len(hands) and hud.cursor is not None:
            box = self._draw_hand(hands[active], image.shape[1::-1], hud.cursor)
            if box is not None:
                self._redraw_texts(box)  # the hand goes under every label
        self._draw_notes(layout, notes, hint)
        self._draw_toast(next((t for t in layout.texts if t.style == "toast"), None), now)
        if layout.modal is not None:
            self._draw_modal(layout.modal)
            for button in _inside(layout.buttons, layout.modal.rect):  # its own buttons, over it
                self._draw_button(button, keep=False)
                if button is hovered:
                    self._draw_hovered(button, hud.pressed, min(1.0, (now - self._hover[1]) / HOVER_SECONDS))
        if debug is not None:
            from kiosk.ui.overlay import draw_debug

            draw_debug(self, debug, hands, active)
        if hud.cursor is not None:
            self._draw_cursor(hud)
            if hud.outside is not None:
                self._draw_way_back(hud)
        if key is not None:
            if self._still is None or self._still.get_size() != self.surface.get_size():
                self._still = self.surface.copy()
            else:
                self._still.blit(self.surface, (0, 0))
            self._still_key, self._still_inputs = key, (image, hands)

    def _moving(self, layout: Layout, hud: Hud) -> bool:
        """Whether anything on screen moves on its own now (so the same inputs draw a different frame)."""
        now = hud.now
        if (layout.badge is not None or layout.instructions or layout.countdowns or hud.outside is not None
                or layout.spinner is not None or any(b.style == "target" for b in layout.buttons)):
            return True
        if now - hud.screen_since < TRANSITION_SECONDS or now - self._hover[1] < HOVER_SECONDS:
            return True
        if hud.clicked_at is not None and now - hud.clicked_at < PULSE_SECONDS:
            return True
        if self._toast is not None and now - self._toast[1] < TOAST_IN:
            return True
        if layout.flight is not None and now - layout.flight.since < FLIGHT_SECONDS + BOUNCE_SECONDS:
            return True
        return any(b.bounce_since is not None and now - b.bounce_since < BOUNCE_SECONDS for b in layout.badges)

    def _draw_notes(self, layout: Layout, notes: Sequence[str], hint: str | None) -> None:
        """Small lines top-left of the free area (the operator's notes), and a big hint low in it."""
        h = self.surface.get_height()
        fa = layout.feed_area or Rect(0, 0, *self.surface.get_size())
        small = math.ceil(MIN_TEXT * h)
        for n, note in enumerate(notes):
            self._blit_text(note, small, self.theme.colors.on_dark,
                            (fa.x + round(0.02 * h), fa.y + round(0.02 * h) + n * round(small * 1.3) + small // 2),
                            "left", shadow=True)
        if hint:
            text, size = self._fit(hint, round(0.06 * h), fa.w - round(0.04 * h))
            self._blit_text(text, size, self.theme.colors.on_dark, (fa.x + fa.w // 2, fa.y + round(0.9 * fa.h)),
                            "center", shadow=True, bold=True)

    def _draw_layer(self, layout: Layout, hud: Hud, age: float) -> None:
        """The panel and everything on it that stands still, made once per screen content; a new screen's
        contents slide in from the right (eased) over TRANSITION_SECONDS."""
        key = (layout, hud.grabbing, self.surface.get_size())
        if key != self._layer_key:
            self._layer_key = key
            self._make_layer(layout, hud.grabbing)
        p = layout.panel
        if 0 <= age < TRANSITION_SECONDS:
            dx = round(0.08 * p.w * (1 - _ease_out(age / TRANSITION_SECONDS)))
            pygame.draw.rect(self.surface, self.theme.colors.panel[:3], (p.x, p.y, p.w, p.h),
                             border_radius=self._radius() * 2)
            self.surface.blit(self._layer, (p.x + dx, p.y), pygame.Rect(p.x, p.y, p.w - dx, p.h))
        else:
            self.surface.blit(self._layer, (p.x, p.y), pygame.Rect(p.x, p.y, p.w, p.h))

    def _make_layer(self, layout: Layout, grabbing: bool) -> None:
        """Draw the still parts of the panel onto a screen-sized surface of which only the panel is shown.

        An opaque panel (the default theme) is a plain surface whose rounded corners are a colour key: it is
        copied, not blended. A translucent theme panel gets a surface with per-pixel alpha."""
        size = self.surface.get_size()
        p = layout.panel
        colour = self.theme.colors.panel
        opaque = len(colour) < 4 or colour[3] == 255
        if self._layer is None or self._layer.get_size() != size or bool(self._layer.get_flags() & pygame.SRCALPHA) \
                == opaque:
            layer = pygame.Surface(size, 0 if opaque else pygame.SRCALPHA)
            if pygame.display.get_surface() is not None:
                layer = layer.convert() if opaque else layer.convert_alpha()
            self._layer = layer
        layer = self._layer
        layer.set_colorkey(None)
        layer.fill(_KEY if opaque else (0, 0, 0, 0), (p.x, p.y, p.w, p.h))
        shown, self.surface = self.surface, layer
        try:
            pygame.draw.rect(layer, colour, (p.x, p.y, p.w, p.h), border_radius=self._radius() * 2)
            self._text_boxes = []
            over = _inside(layout.buttons, layout.modal.rect) if layout.modal is not None else ()
            for button in layout.buttons:
                if button.style != "target" and button not in over:
                    self._draw_button(button)
            for field in layout.fields:
                self._draw_field(field)
            for bar in layout.scrollbars:
                self._draw_scrollbar(bar, grabbing)
            for picture in layout.pictures:
                self._draw_picture(picture)
            for text in layout.texts:
                if text.style != "toast":
                    self._draw_text(text)
        finally:
            self.surface = shown
        if opaque:
            layer.set_colorkey(_KEY, pygame.RLEACCEL)

    def _redraw_texts(self, box: pygame.Rect) -> None:
        """The panel's texts inside `box` (screen px), drawn again: what was drawn there since stays under them.
        The hovered button shows its own label (drawn over the layer's), so that one is drawn instead."""
        for text_box, surf in self._text_boxes:
            if text_box.colliderect(box) and not (self._hover_label and self._hover_label[2].contains(text_box)):
                self.surface.blit(surf, text_box)
        if self._hover_label is not None and self._hover_label[0].colliderect(box):
            self.surface.blit(self._hover_label[1], self._hover_label[0])

    def feed_to_screen(self, x: float, y: float) -> tuple[int, int]:
        """Normalised point of the (mirrored) picture -> screen px, as it is placed now."""
        if self._pic is None:
            w, h = self.surface.get_size()
            return round(x * w), round(y * h)
        p = self._pic
        return round(p.x + x * p.w), round(p.y + y * p.h)

    # -- the camera picture ---------------------------------------------------------------
    def _place(self, image: np.ndarray, layout: Layout) -> None:
        size = self.surface.get_size()
        fh, fw = image.shape[:2]
        key = ((fw, fh), size, layout.feed_area)
        if key != self._pic_key:
            self._pic_key = key
            self._pic = picture_rect((fw, fh), size, layout.feed_area or Rect(0, 0, *size), self.region)
            self._feed_image = None

    def _draw_feed(self, image: np.ndarray | None, layout: Layout) -> None:
        if image is None:
            self.surface.fill(self.theme.colors.background)
            return
        self._place(image, layout)
        if image is not self._feed_image:  # a new camera frame: scale it once, redraws reuse it
            self._feed_image = image
            self._scale_feed(image)
        self.surface.blit(self._feed, (0, 0))

    def _scale_feed(self, image: np.ndarray) -> None:
        """The frame as placed on screen, screen-sized, in self._feed: one crop and one resize.

        Where the picture does not reach its edge pixels are repeated, so nothing else shows behind a
        translucent panel. When the surface has the byte order of BGRA (a 32-bit XRGB display on a
        little-endian machine, nearly every one) the resize writes straight into the surface's pixels;
        otherwise it goes through an image converted to the surface's format.
        """
        pic = self._pic
        sw, sh = self.surface.get_size()
        fh, fw = image.shape[:2]
        x0, y0 = max(pic.x, 0), max(pic.y, 0)
        x1, y1 = min(pic.x + pic.w, sw), min(pic.y + pic.h, sh)
        cx0, cx1 = (x0 - pic.x) * fw / pic.w, (x1 - pic.x) * fw / pic.w
        cy0, cy1 = (y0 - pic.y) * fh / pic.h, (y1 - pic.y) * fh / pic.h
        crop = image[int(cy0):max(int(math.ceil(cy1)), int(cy0) + 1), int(cx0):max(int(math.ceil(cx1)), int(cx0) + 1)]
        w, h = max(1, x1 - x0), max(1, y1 - y0)
        interp = cv2.INTER_LINEAR if pic.w > fw else cv2.INTER_AREA
        if self._feed is None or self._feed.get_size() != (sw, sh):
            feed = pygame.Surface((sw, sh))
            self._feed = feed.convert() if pygame.display.get_surface() is not None else feed
        if _bgra_layout(self._feed):
            px = pygame.surfarray.pixels2d(self._feed)  # (w, h) uint32 view of the surface, locked while alive
            out = np.lib.stride_tricks.as_strided(px.T.view(np.uint8), shape=(sh, sw, 4), strides=(px.strides[1], 4, 1))
            cv2.resize(cv2.cvtColor(crop, cv2.COLOR_BGR2BGRA), (w, h), dst=out[y0:y0 + h, x0:x0 + w],
                       interpolation=interp)
            near = cv2.INTER_NEAREST
            if x0 > 0:
                cv2.resize(out[y0:y0 + h, x0:x0 + 1], (x0, h), dst=out[y0:y0 + h, :x0], interpolation=near)
            if x0 + w < sw:
                cv2.resize(out[y0:y0 + h, x0 + w - 1:x0 + w], (sw - x0 - w, h), dst=out[y0:y0 + h, x0 + w:],
                           interpolation=near)
            if y0 > 0:
                cv2.resize(out[y0:y0 + 1], (sw, y0), dst=out[:y0], interpolation=near)
            if y0 + h < sh:
                cv2.resize(out[y0 + h - 1:y0 + h], (sw, sh - y0 - h), dst=out[y0 + h:], interpolation=near)
            del out, px  # unlocks the surface
            return
        scaled = cv2.resize(crop, (w, h), interpolation=interp)
        if (w, h) != (sw, sh):
            scaled = cv2.copyMakeBorder(scaled, y0, max(0, sh - y0 - h), x0, max(0, sw - x0 - w), cv2.BORDER_REPLICATE)
        self._feed.blit(pygame.image.frombuffer(scaled.data, (sw, sh), "BGR"), (0, 0))

    def _draw_hand(self, hand: Hand, frame_size: tuple[int, int],
                   cursor: tuple[float, float]) -> pygame.Rect | None:
        """The active hand, drawn where it drives the cursor: its index fingertip on the cursor, at the size the
        pointer maps the active region to (the hand looks as big as the moves it makes on screen). A
        translucent silhouette (palm and fingers) under every label, so a passer-by sees at once that the
        hand moves the ring, and no text is ever covered."""
        c = self.theme.colors
        fw, fh = frame_size
        x0, y0, x1, y1 = self.region
        scale = HAND_SCALE * self.surface.get_height() / max((y1 - y0) * fh, 1e-6)
        px = np.asarray(hand.landmarks, dtype=np.float64)[:, :2] * (fw, fh)
        pts = (px - px[8]) * scale + np.asarray(cursor, dtype=np.float64)
        finger = max(4, round(0.2 * float(np.linalg.norm(pts[5] - pts[17]))))
        edge = max(2, finger // 6)
        lo, hi = pts.min(axis=0) - finger - edge, pts.max(axis=0) + finger + edge
        box = pygame.Rect(int(lo[0]), int(lo[1]), int(hi[0] - lo[0]) + 1, int(hi[1] - lo[1]) + 1)
        box = box.clip(self.surface.get_rect())
        if box.w <= 0 or box.h <= 0:
            return None
        layer = pygame.Surface(box.size, pygame.SRCALPHA)
        local = [(float(x) - box.x, float(y) - box.y) for x, y in pts]
        palm = [local[k] for k in _PALM]
        for color, grow in (((20, 24, 30), 2 * edge), (c.hand, 0)):  # a dark rim, then the fill
            pygame.draw.polygon(layer, color, palm)
            pygame.draw.polygon(layer, color, palm, width=grow + finger // 2)
            for chain in _FINGERS:
                for a, b in zip(chain, chain[1:]):
                    pygame.draw.line(layer, color, local[a], local[b], finger + grow)
                for k in chain:
                    pygame.draw.circle(layer, color, local[k], (finger + grow) // 2)
        layer.set_alpha(105)
        self.surface.blit(layer, box)
        return box

    # -- panel and its contents -----------------------------------------------------------
    def button_fill(self, b: Button) -> Color:
        """The resting fill of a button (the probe-pixel tests use this)."""
        c = self.theme.colors
        if not b.enabled:
            return c.disabled
        return {"primary": c.primary, "danger": c.danger, "quiet": c.field}.get(b.style, c.secondary)

    def _draw_button(self, b: Button, keep: bool = True) -> None:
        """A button at rest (the panel's layer): its fill, outline and label; a tile is a card.
        keep: its label is one of the layer's texts."""
        c = self.theme.colors
        r = pygame.Rect(b.rect.x, b.rect.y, b.rect.w, b.rect.h)
        if b.style == "tile":
            self._draw_tile(r, b.enabled)
            return
        radius = self._radius()
        if b.enabled:  # a soft shadow lifts the buttons off the panel
            pygame.draw.rect(self.surface, _shade(c.panel, 0.82), r.move(0, max(2, r.h // 24)), border_radius=radius)
        self._draw_body(b, r, self.button_fill(b), keep)

    def _draw_body(self, b: Button, r: pygame.Rect, fill: Color, keep: bool = True) -> None:
        """keep: the label is one of the layer's texts (drawn again over the hand and the cursor)."""
        c = self.theme.colors
        radius = self._radius()
        pygame.draw.rect(self.surface, fill, r, border_radius=radius)
        if b.style in ("secondary", "quiet"):  # light on a light panel: an outline keeps the target visible
            pygame.draw.rect(self.surface, c.outline, r, width=2, border_radius=radius)
        dark_fill = b.style in ("primary", "danger") and b.enabled
        color = c.on_dark if dark_fill else (c.muted if not b.enabled else c.text)
        scale = 0.7 if len(b.text) == 1 and not b.text.isdigit() else 0.55 if len(b.text) <= 2 else 0.42
        size = max(round(r.h * scale), math.ceil(MIN_TEXT * self.surface.get_height()))
        text, size = self._fit(b.text, size, r.w - r.h // 4)
        box, surf = self._blit_text(text, size, color, r.center, "center", bold=True, keep=keep)
        if not keep:
            self._hover_label = (box, surf, r)

    def _draw_hovered(self, b: Button, pressed: bool, grow: float) -> None:
        """The button under the cursor, over the layer: a little bigger (eased over HOVER_SECONDS), lighter,
        darker while pressed, with a bright border. A tile keeps its picture and texts: only its border."""
        c = self.theme.colors
        k = HOVER_GROW * _ease_out(grow) * (0.5 if pressed else 1.0)
        r = pygame.Rect(b.rect.x, b.rect.y, b.rect.w, b.rect.h).inflate(round(b.rect.w * k), round(b.rect.h * k))
        if b.style == "tile":
            pygame.draw.rect(self.surface, c.hover_border, r, width=max(3, r.h // 60), border_radius=self._radius() * 2)
            return
        fill = self.button_fill(b)
        if pressed:
            fill = tuple(max(0, v - 50) for v in fill)
        else:
            fill = tuple(min(255, v + 25) for v in fill) if b.style != "quiet" else c.highlight
        self._draw_body(b, r, fill, keep=False)
        pygame.draw.rect(self.surface, c.hover_border, r.inflate(6, 6), width=max(3, r.h // 20),
                         border_radius=self._radius() + 3)

    def _draw_tile(self, r: pygame.Rect, enabled: bool = True) -> None:
        """A product tile: a card (its picture, name and price are drawn over it) with a round + in its corner;
        grey while inert (under the inactivity warning)."""
        c = self.theme.colors
        radius = self._radius() * 2
        pygame.draw.rect(self.surface, _shade(c.panel, 0.8), r.move(0, max(3, r.h // 40)), border_radius=radius)
        pygame.draw.rect(self.surface, c.field if enabled else c.disabled, r, border_radius=radius)
        pygame.draw.rect(self.surface, c.secondary, r, width=2, border_radius=radius)
        plus = max(8, round(min(r.w, r.h) * 0.09))
        centre = (r.right - plus - r.w // 28, r.bottom - plus - r.w // 28)
        pygame.draw.circle(self.surface, c.primary, centre, plus)
        arm, thick = plus * 11 // 20, max(2, plus // 4)
        self.surface.fill(c.on_dark, (centre[0] - arm, centre[1] - thick // 2, 2 * arm, thick))
        self.surface.fill(c.on_dark, (centre[0] - thick // 2, centre[1] - arm, thick, 2 * arm))

    def _draw_target(self, b: Button, live: bool, now: float) -> None:
        """The practice target: rings that breathe, so the eye goes to it, with the 👌 in the middle."""
        c = self.theme.colors
        centre, radius = b.rect.center, min(b.rect.w, b.rect.h) // 2
        breathe = 0.5 - 0.5 * math.cos(2 * math.pi * (now % 1.6) / 1.6)
        pygame.draw.circle(self.surface, _mix(c.primary, c.panel, 0.75), centre, round(radius * (1.0 + 0.1 * breathe)))
        pygame.draw.circle(self.surface, c.hover_border if live else c.primary, centre, radius)
        pygame.draw.circle(self.surface, c.field, centre, radius * 3 // 4)
        pygame.draw.circle(self.surface, c.primary, centre, radius // 2)
        text, size = self._fit(b.text, round(radius * 0.55), radius)
        self._blit_text(text, size, c.on_dark, centre, "center")

    def _draw_countdown(self, cd: Countdown, now: float) -> None:
        """The time left on a target (the Undo offer): a bar along its lower edge that shrinks to nothing."""
        c = self.theme.colors
        left = min(1.0, max(0.0, (cd.until - now) / max(cd.until - cd.since, 1e-9)))
        r = cd.rect
        inset = self._radius()
        h = max(4, r.h // 12)
        track = pygame.Rect(r.x + inset, r.y + r.h - h - max(3, r.h // 14), r.w - 2 * inset, h)
        pygame.draw.rect(self.surface, tuple(max(0, v - 45) for v in c.primary), track, border_radius=h // 2)
        if left > 0:
            pygame.draw.rect(self.surface, c.on_dark, (track.x, track.y, max(h, round(track.w * left)), h),
                             border_radius=h // 2)

    def _draw_text(self, text: Text) -> None:
        c = self.theme.colors
        color = {"muted": c.muted, "warning": c.warning}.get(text.style, c.text)
        words, size = self._fit(text.text, text.size, text.max_width)
        if text.style == "warning":
            surf = self._render(words, size, color)
            box = self._anchored(surf.get_rect(), (text.x, text.y), text.align)
            pygame.draw.rect(self.surface, c.warning_box, box.inflate(size, size // 2), border_radius=self._radius())
        self._blit_text(words, size, color, (text.x, text.y), text.align, bold=text.style in ("title", "strong"),
                        keep=True)

    def _draw_field(self, f: Field) -> None:
        c = self.theme.colors
        r = pygame.Rect(f.rect.x, f.rect.y, f.rect.w, f.rect.h)
        pygame.draw.rect(self.surface, c.field, r, border_radius=self._radius())
        pygame.draw.rect(self.surface, c.outline, r, width=2, border_radius=self._radius())
        if not f.entry:  # an empty field says so
            text, size = self._fit(f.placeholder, math.ceil(MIN_TEXT * self.surface.get_height()), r.w - f.size // 2)
            self._blit_text(text, size, c.muted, r.center, "center")
            return
        self._blit_text(f.entry, f.size, c.text, r.center, "center")

    def _draw_qr(self, qr: Qr) -> None:
        """The QR code, black on white with its quiet zone, each module a whole number of pixels (crisp for
        a phone's camera); made once per text and size (segno, a pure-Python encoder)."""
        key = ("qr", qr.text, qr.rect.w)
        surf = self._pictures.get(key)
        if surf is None:
            import segno

            matrix = segno.make(qr.text, error="m", micro=False).matrix
            quiet = 4
            n = len(matrix) + 2 * quiet
            module = max(1, qr.rect.w // n)
            surf = pygame.Surface((n * module, n * module))
            surf.fill((255, 255, 255))
            for row, bits in enumerate(matrix):
                for col, bit in enumerate(bits):
                    if bit:
                        surf.fill((0, 0, 0), ((col + quiet) * module, (row + quiet) * module, module, module))
            self._pictures[key] = surf
        self.surface.blit(surf, surf.get_rect(center=qr.rect.center))

    def _draw_spinner(self, box: Rect, now: float) -> None:
        """Waiting on the terminal: a quarter ring turning once a second over a faint full one."""
        c = self.theme.colors
        radius = box.w // 2
        self._ring(box.center, radius, max(4, radius // 6), 0.25, c.primary, track=_mix(c.primary, c.panel, 0.8),
                   start=now % 1.0)

    def _draw_scrollbar(self, bar: Scrollbar, grabbing: bool) -> None:
        c = self.theme.colors
        t, th = bar.track, bar.thumb
        pygame.draw.rect(self.surface, c.secondary, pygame.Rect(t.x, t.y, t.w, t.h), border_radius=t.w // 2)
        pygame.draw.rect(self.surface, c.gesture if grabbing else c.muted, pygame.Rect(th.x, th.y, th.w, th.h),
                         border_radius=th.w // 2)

    def _draw_point_ok(self, box: Rect, now: float) -> None:
        """The attract screen's big loop: a hand points its way onto a target, makes the 👌 on it (the target
        answers), and opens again."""
        c = self.theme.colors
        frames = self._frames("point-ok")
        s = (now % POINT_OK_SECONDS) / POINT_OK_SECONDS
        a, b = POINT_OK_CLICK
        tx, ty = frames[round(a * len(frames)) % len(frames)][8]
        centre = (round(box.x + tx * box.w), round(box.y + ty * box.h))
        radius = max(6, box.w // 10)
        pygame.draw.circle(self.surface, _mix(c.secondary, c.panel, 0.4), box.center, box.w // 2)
        if a <= s < b:  # the target answers the 👌: it fills and a ring spreads from it
            spread = (s - a) / (b - a)
            pygame.draw.circle(self.surface, c.cursor, centre, round(radius * (1 + 1.4 * spread)),
                               width=max(2, round(radius * 0.35 * (1 - spread))))
            pygame.draw.circle(self.surface, c.primary, centre, radius)
        else:
            pygame.draw.circle(self.surface, c.primary, centre, radius, width=max(3, radius // 3))
        self._draw_icon_hand(frames[int(s * len(frames)) % len(frames)], box, c.text)

    def _frames(self, kind: str) -> np.ndarray:
        """An attract loop's landmark frames (kiosk.ui.hud.attract_frames), made once."""
        if kind not in self._icons:
            self._icons[kind] = attract_frames(kind, ICON_FRAMES)
        return self._icons[kind]

    def _draw_icon_hand(self, pts: np.ndarray, box: Rect, color: Color) -> None:
        xy = [(box.x + float(x) * box.w, box.y + float(y) * box.h) for x, y in pts]
        width = max(2, box.w // 40)
        for a, b in HAND_CONNECTIONS:
            pygame.draw.line(self.surface, color, xy[a], xy[b], width)
        for p in xy:
            pygame.draw.circle(self.surface, color, p, width)

    def _draw_picture(self, picture: Picture) -> None:
        """An item's picture, loaded and scaled once; without one (or unreadable) a generated tile."""
        image = self._picture_surface(picture)
        self.surface.blit(image, image.get_rect(center=picture.rect.center))

    def _picture_surface(self, picture: Picture) -> pygame.Surface:
        key = (picture.path, picture.key, picture.label, picture.rect.w, picture.rect.h)
        image = self._pictures.get(key)
        if image is None:
            image = self._pictures[key] = self._load_picture(picture)
        return image

    def _load_picture(self, picture: Picture) -> pygame.Surface:
        """The picture scaled into its box; a picture that cannot be read, is no image or is too large (by
        its header: kiosk.shop.catalog.read_picture, so a bomb is never decoded) is the item's letter tile,
        with one warning line per file."""
        w, h = picture.rect.w, picture.rect.h
        if picture.path is not None and picture.path not in self._bad_pictures:
            try:
                data = read_picture(picture.path)
                image = pygame.image.load(io.BytesIO(data), picture.path.name)
                if pygame.display.get_surface() is not None:
                    image = image.convert_alpha()  # the display's format: every blit of it is fast
                elif image.get_bitsize() < 24:  # smoothscale wants 24 or 32 bits; a palette PNG is copied over
                    rgba = pygame.Surface(image.get_size(), pygame.SRCALPHA)
                    rgba.blit(image, (0, 0))
                    image = rgba
                scale = min(w / image.get_width(), h / image.get_height())
                size = (max(1, round(image.get_width() * scale)), max(1, round(image.get_height() * scale)))
                return pygame.transform.smoothscale(image, size)
            except InputError as e:
                self._picture_failed(picture.path, str(e))
            except (pygame.error, OSError, ZeroDivisionError, ValueError):
                self._picture_failed(picture.path, f"picture {picture.path}: not a readable image")
        return self.generated_tile(picture.key, picture.label, min(w, h))

    def _picture_failed(self, path, why: str) -> None:
        """Once per file: a letter tile stands in for it from now on, and one line says why."""
        self._bad_pictures.add(path)
        print(f"warning: {why}: drawn as a letter tile", file=sys.stderr)

    def generated_tile(self, key: str, label: str, side: int) -> pygame.Surface:
        """An item without a picture: a rounded square in the item's own colour (from the theme's palette, by
        its id) with its initial, so a catalog without pictures still looks made on purpose."""
        c = self.theme.colors
        palette = c.confetti
        color = palette[zlib.crc32(key.encode()) % len(palette)]
        side = max(4, side)
        tile = pygame.Surface((side, side), pygame.SRCALPHA)
        inset = side // 12
        inner = side - 2 * inset
        pygame.draw.rect(tile, color, (inset, inset, inner, inner), border_radius=side // 5)
        pygame.draw.rect(tile, _shade(color, 0.85), (inset, side // 2, inner, side // 2 - inset),
                         border_bottom_left_radius=side // 5, border_bottom_right_radius=side // 5)
        initial = next((ch for ch in label if ch.isalnum()), "?").upper()
        glyph = self._render(initial, round(side * 0.5), c.on_dark, bold=True)
        tile.blit(glyph, glyph.get_rect(center=(side // 2, side // 2)))
        return tile

    def _draw_modal(self, modal: Modal) -> None:
        c = self.theme.colors
        r = pygame.Rect(modal.rect.x, modal.rect.y, modal.rect.w, modal.rect.h)
        pygame.draw.rect(self.surface, c.warning_box, r, border_radius=self._radius() * 2)
        pygame.draw.rect(self.surface, c.warning, r, width=max(3, r.h // 60), border_radius=self._radius() * 2)
        for text in modal.texts:
            words, size = self._fit(text.text, text.size, text.max_width)
            color = {"muted": c.muted, "warning": c.warning}.get(text.style, c.text)
            self._blit_text(words, size, color, (text.x, text.y), text.align, bold=text.style == "title")

    def _draw_toast(self, text: Text | None, now: float) -> None:
        if text is None:
            self._toast = None
            return
        if self._toast is None or self._toast[0] is not text:
            self._toast = (text, now)
        c = self.theme.colors
        age = max(0.0, now - self._toast[1])
        rise = round((1 - min(1.0, age / TOAST_IN)) ** 2 * text.size)  # slides up into place
        words, size = self._fit(text.text, text.size, text.max_width)
        surf = self._render(words, size, c.on_dark, bold=True)
        box = surf.get_rect(center=(text.x, text.y + rise)).inflate(size * 2, size)
        pygame.draw.rect(self.surface, c.toast, box, border_radius=box.h // 2)
        self.surface.blit(surf, surf.get_rect(center=box.center))

    def _draw_badge(self, badge: Rect, hud: Hud) -> None:
        """The receipt's check mark: a disc that pops in with a spreading ring, then its tick draws itself."""
        c = self.theme.colors
        age = hud.now - hud.screen_since
        grow = min(1.0, max(0.0, age / 0.35))
        pop = 1.0 + 0.18 * math.sin(math.pi * grow)
        radius = max(4, round(badge.w / 2 * grow * pop))
        cx, cy = badge.center
        if 0 <= age < 1.0:
            spread = age / 1.0
            pygame.draw.circle(self.surface, _mix(c.primary, c.panel[:3], 0.4 + 0.6 * spread), (cx, cy),
                               round(badge.w / 2 * (1 + 0.9 * spread)), width=max(2, round(badge.w / 12 * (1 - spread))))
        pygame.draw.circle(self.surface, c.primary, (cx, cy), radius)
        tick = min(1.0, max(0.0, (age - 0.3) / 0.3))
        if tick > 0:
            s = badge.w / 2
            a, b, e = (cx - 0.45 * s, cy + 0.02 * s), (cx - 0.12 * s, cy + 0.35 * s), (cx + 0.48 * s, cy - 0.32 * s)
            first = min(1.0, tick * 2)
            pts = [a, (a[0] + (b[0] - a[0]) * first, a[1] + (b[1] - a[1]) * first)]
            if tick > 0.5:
                k = (tick - 0.5) * 2
                pts.append((b[0] + (e[0] - b[0]) * k, b[1] + (e[1] - b[1]) * k))
            pygame.draw.lines(self.surface, c.on_dark, False, pts, max(3, round(s / 5)))

    def _draw_count(self, badge: Badge, now: float) -> None:
        """A count in a disc; it bounces for BOUNCE_SECONDS after the count went up."""
        c = self.theme.colors
        k = 1.0
        if badge.bounce_since is not None:
            age = now - badge.bounce_since
            if age < 0:  # the item is still flying: the count waits for it
                pass
            elif age < BOUNCE_SECONDS:
                k = 1.0 + 0.45 * math.sin(math.pi * age / BOUNCE_SECONDS) * (1 - age / BOUNCE_SECONDS)
        radius = max(6, round(badge.radius * k))
        pygame.draw.circle(self.surface, (255, 255, 255), badge.centre, radius + max(2, radius // 8))
        pygame.draw.circle(self.surface, c.cursor, badge.centre, radius)
        text, size = self._fit(badge.text, round(radius * 1.15 * min(1.0, 2.4 / max(1, len(badge.text)))), radius * 2)
        self._blit_text(text, size, c.text, badge.centre, "center", bold=True)

    def _draw_flight(self, flight: Flight, now: float) -> None:
        """The added item's picture flying from its tile to the cart, shrinking along an arc."""
        t = (now - flight.since) / FLIGHT_SECONDS
        if not 0 <= t < 1:
            return
        e = t * t * (3 - 2 * t)  # smoothstep: leaves gently, arrives gently
        (sx, sy), (ex, ey) = flight.picture.rect.center, flight.to.center
        lift = 0.12 * self.surface.get_height() * math.sin(math.pi * e)
        x, y = sx + (ex - sx) * e, sy + (ey - sy) * e - lift
        key = (flight.picture.path, flight.picture.key, flight.picture.label, flight.picture.rect.w,
               flight.picture.rect.h)
        image = self._pictures.get(key)
        if image is None:
            image = self._pictures[key] = self._picture_surface(flight.picture)
        k = 1.0 - 0.7 * e
        size = (max(1, round(image.get_width() * k)), max(1, round(image.get_height() * k)))
        small = pygame.transform.smoothscale(image, size)
        self.surface.blit(small, small.get_rect(center=(round(x), round(y))))

    def _draw_confetti(self, age: float, badge: Rect) -> None:
        """A burst from the check mark, then a fall, for the first seconds of the receipt: positions from
        arrays, no new surfaces. Turning scraps (their width swings) in the theme's confetti colours."""
        if age < 0 or age > CONFETTI_SECONDS:
            return
        w, h = self.surface.get_size()
        if self._confetti is None:
            rng = np.random.default_rng(7)
            n = 260
            angle = rng.uniform(-math.pi * 1.05, math.pi * 0.05, n)  # upward and sideways, fanning out
            speed = rng.uniform(0.3, 1.1, n)
            self._confetti = np.stack([speed * np.cos(angle), speed * np.sin(angle), rng.uniform(0, 2 * np.pi, n),
                                       rng.integers(0, 1 << 16, n).astype(float), rng.uniform(0.6, 1.4, n),
                                       rng.uniform(-0.5, 0.0, n)], axis=1)
        vx, vy, phase, pick, size, delay = self._confetti.T
        t = np.maximum(age + delay, 0.0)
        drag = (1 - np.exp(-2.2 * t)) / 2.2  # fast out of the burst, then a slow drift
        cx, cy = badge.center
        x = cx + vx * drag * h * 0.8 + 0.02 * h * np.sin(phase + t * 5)
        y = cy + vy * drag * h * 0.5 + 0.1 * h * t * t
        side = np.maximum(4, size * h / 70)
        palette = self.theme.colors.confetti
        visible = (age + delay >= 0) & (y > -side) & (y < h) & (x > -side) & (x < w)
        for n in np.nonzero(visible)[0]:
            turn = abs(math.sin(phase[n] + t[n] * 8))
            wide = max(2, int(side[n] * (0.25 + 0.75 * turn)))
            self.surface.fill(palette[int(pick[n]) % len(palette)], (int(x[n]), int(y[n]), wide, int(side[n] * 0.6)))

    # -- the cursor -------------------------------------------------------------------------
    def _draw_cursor(self, hud: Hud) -> None:
        """A ring around the fingertip's point, hollow so the target shows through it. It fills as the 👌
        closes (white) or a dwell runs (blue outer ring); a held gesture gets a wide ring and its action's
        name. Texts the ring covers are drawn again over it: the cursor never hides a label."""
        c = self.theme.colors
        h = self.surface.get_height()
        x, y = round(hud.cursor[0]), round(hud.cursor[1])
        r = max(8, round(self.theme.sizes.cursor * h))
        ring = max(3, r // 5)
        arc = max(4, r // 4)
        if hud.clicked_at is not None and 0 <= hud.now - hud.clicked_at < PULSE_SECONDS:
            s = (hud.now - hud.clicked_at) / PULSE_SECONDS  # a ring that grows and thins out
            pygame.draw.circle(self.surface, c.cursor, (x, y), round(r * (1 + 1.6 * s)),
                               width=max(1, round(arc * (1 - s))))
        if hud.grabbing:
            box = pygame.Rect(x - r, y - r, 2 * r, 2 * r)
            pygame.draw.rect(self.surface, c.gesture, box, border_radius=r // 2)
            for d in (-1, 1):  # up and down arrows: the list moves with the hand
                tip = (x, y + d * (r + arc * 3))
                pygame.draw.polygon(self.surface, c.gesture, [tip, (x - arc * 3 // 2, y + d * (r + arc // 2)),
                                                                (x + arc * 3 // 2, y + d * (r + arc // 2))])
        else:
            shrink = 1.0 - 0.35 * min(1.0, hud.ok)  # the ring tightens as the 👌 closes
            rr = max(6, round(r * (0.6 if hud.pressed else shrink)))
            pygame.draw.circle(self.surface, (0, 0, 0), (x, y), rr + ring // 2 + 2, width=ring + 4)
            pygame.draw.circle(self.surface, c.cursor, (x, y), rr + ring // 2, width=ring)
            if hud.pressed:
                pygame.draw.circle(self.surface, c.cursor, (x, y), rr)
            elif hud.ok > 0.05:
                self._ring((x, y), rr + ring // 2, ring, hud.ok, (255, 255, 255), track=False)
            progress = max(hud.dwell, hud.start or 0.0)
            if progress > 0.0:  # dwell (or the hold that starts a session): an outer ring fills
                self._ring((x, y), r + ring + arc + 2, arc, progress, c.dwell)
        pygame.draw.circle(self.surface, (0, 0, 0), (x, y), max(3, r // 6) + 1)
        pygame.draw.circle(self.surface, (255, 255, 255), (x, y), max(3, r // 6))
        reach = r + ring + 2 * arc + 4
        self._redraw_texts(pygame.Rect(x - reach, y - reach, 2 * reach, 2 * reach))
        if hud.holding is not None:  # a held gesture: a wide ring fills around the hand, its action beside it
            name, progress = hud.holding
            width = arc * 3 // 2
            self._ring((x, y), r + 2 * arc + width, width, progress, c.gesture)
            self._cursor_label(name, math.ceil(MIN_TEXT * h), x, y, r + 2 * arc + 2 * width, pill=c.gesture)
        elif hud.grabbing:
            self._cursor_label("Move to scroll", math.ceil(MIN_TEXT * h), x, y, r + arc * 2, pill=c.gesture)

    def _draw_way_back(self, hud: Hud) -> None:
        """The fingertip has left the active region: arrows beside the cursor, pointing back into the screen."""
        c = self.theme.colors
        h = self.surface.get_height()
        ox, oy = hud.outside
        norm = math.hypot(ox, oy)
        dx, dy = -ox / norm, -oy / norm  # inward
        x, y = hud.cursor
        r = max(8, round(self.theme.sizes.cursor * h))
        size = round(r * 1.1)
        pulse = 0.5 - 0.5 * math.cos(2 * math.pi * (hud.now % 0.9) / 0.9)
        for k in range(2):
            d = r * 2.2 + k * size * 0.9 + pulse * r * 0.5
            cx, cy = x + dx * d, y + dy * d
            px, py = -dy, dx
            tip = (cx + dx * size * 0.6, cy + dy * size * 0.6)
            left = (cx - dx * size * 0.3 + px * size * 0.7, cy - dy * size * 0.3 + py * size * 0.7)
            right = (cx - dx * size * 0.3 - px * size * 0.7, cy - dy * size * 0.3 - py * size * 0.7)
            pygame.draw.lines(self.surface, (0, 0, 0), False, [left, tip, right], max(4, size // 3) + 4)
            pygame.draw.lines(self.surface, c.cursor, False, [left, tip, right], max(4, size // 3))

    def _ring(self, centre: tuple[int, int], radius: int, width: int, progress: float, color: Color,
              track: Color | bool = True, start: float = 0.0) -> None:
        """A progress ring: `color` filling it clockwise from the top (0..1), or from `start` turns later, over a
        track all round: a dark shade of `color` (True), another colour, or none (False).

        The filled part is one polygon, so it has no pin-holes at any width (pygame's thick arcs do).
        """
        x, y = centre
        if track is True:
            pygame.draw.circle(self.surface, tuple(v * 2 // 5 for v in color), centre, radius + 1, width=width + 2)
        elif track:
            pygame.draw.circle(self.surface, track, centre, radius, width=width)
        progress = min(1.0, max(0.0, progress))
        if progress <= 0:
            return
        n = max(2, round(64 * progress))
        a = 2 * np.pi * start - np.pi / 2 + np.linspace(0.0, 2 * np.pi * progress, n + 1)
        outer = [(x + radius * math.cos(t), y + radius * math.sin(t)) for t in a]
        inner = [(x + (radius - width) * math.cos(t), y + (radius - width) * math.sin(t)) for t in a[::-1]]
        pygame.draw.polygon(self.surface, color, outer + inner)

    def _cursor_label(self, text: str, size: int, x: int, y: int, gap: int, pill: Color) -> None:
        """A held gesture's action beside the cursor, on a pill: on its right, or its left near the right edge."""
        on_dark = self.theme.colors.on_dark
        surf = self._render(text, size, on_dark, bold=True)
        pad = size // 2
        right = x + gap + pad * 2 + surf.get_width() < self.surface.get_width()
        box = self._anchored(surf.get_rect(), (x + gap + pad, y) if right else (x - gap - pad, y),
                             "left" if right else "right")
        back = box.inflate(2 * pad, pad)
        pygame.draw.rect(self.surface, pill, back, border_radius=back.h // 2)
        self.surface.blit(surf, box)

    # -- text -----------------------------------------------------------------------------
    def _radius(self) -> int:
        return max(4, round(self.theme.sizes.radius * self.surface.get_height()))

    def _fit(self, text: str, size: int, max_width: int | None) -> tuple[str, int]:
        """The text and font size (px) to draw so it fits max_width: smaller, but never below the smallest
        text size (MIN_TEXT of the screen height); past that, cut short with an ellipsis. Cached."""
        if max_width is None:
            return text, size
        key = (text, size, max_width)
        fitted = self._fits.get(key)
        if fitted is None:
            width = self._measure(text, size)
            if width <= max_width:
                fitted = (text, size)
            else:
                least = min(size, math.ceil(MIN_TEXT * self.surface.get_height()))
                smaller = max(least, size * max_width // max(width, 1))
                while smaller > least and self._measure(text, smaller) > max_width:
                    smaller -= 1
                cut = text
                while len(cut) > 1 and self._measure(cut + "…", smaller) > max_width:
                    cut = cut[:-1]
                fitted = (text if cut == text else cut.rstrip() + "…", smaller)
            self._fits[key] = fitted
        return fitted

    def _measure(self, text: str, size: int) -> int:
        """Width in px of `text` drawn at `size` (bold: the widest it is drawn)."""
        return self._type.size(text, size, bold=True)[0]

    def _render(self, text: str, size: int, color: Color, bold: bool = False) -> pygame.Surface:
        key = (text, size, color, bold)
        surf = self._texts.get(key)
        if surf is None:
            if len(self._texts) > 2000:  # changing texts (countdowns) must not grow the caches forever
                self._texts.clear()
                self._fits.clear()
            surf = self._texts[key] = self._type.render(text, size, color, bold)
        return surf

    @staticmethod
    def _anchored(box: pygame.Rect, at: tuple[int, int], align: str) -> pygame.Rect:
        if align == "left":
            box.midleft = at
        elif align == "right":
            box.midright = at
        else:
            box.center = at
        return box

    def _blit_text(self, text: str, size: int, color: Color, at: tuple[int, int], align: str,
                   shadow: bool = False, bold: bool = False, keep: bool = False) -> tuple[pygame.Rect, pygame.Surface]:
        """keep: remember where it went, so the hand and the cursor drawn later never hide it. Returns where
        it went and what."""
        surf = self._render(text, size, color, bold)
        box = self._anchored(surf.get_rect(), at, align)
        if shadow:
            self.surface.blit(self._render(text, size, (0, 0, 0), bold), box.move(2, 2))
        self.surface.blit(surf, box)
        if keep:
            self._text_boxes.append((box, surf))
        return box, surf


def _inside(buttons: Sequence[Button], rect: Rect) -> tuple[Button, ...]:
    """The buttons lying within rect (a modal's own)."""
    return tuple(b for b in buttons if rect.x <= b.rect.x and rect.y <= b.rect.y
                 and b.rect.x + b.rect.w <= rect.x + rect.w and b.rect.y + b.rect.h <= rect.y + rect.h)


def _bgra_layout(surface: pygame.Surface) -> bool:
    """Whether the surface's pixels are 4 bytes B, G, R, X in memory, as cv2's BGRA."""
    return (surface.get_bytesize() == 4 and surface.get_masks()[:3] == (0xFF0000, 0xFF00, 0xFF)
            and sys.byteorder == "little")


def _ease_out(x: float) -> float:
    """0..1 -> 0..1, fast then settling (cubic)."""
    x = min(1.0, max(0.0, x))
    return 1 - (1 - x) ** 3


def _shade(color: Color, k: float) -> Color:
    """A colour k times as bright (RGB; an alpha is dropped)."""
    return tuple(max(0, min(255, round(v * k))) for v in color[:3])


def _mix(a: Color, b: Color, k: float) -> Color:
    """a blended toward b by k (0 = a, 1 = b), RGB."""
    return tuple(round(x + (y - x) * k) for x, y in zip(a[:3], b[:3]))

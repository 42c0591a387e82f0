"""Draws one frame of the kiosk on a pygame Surface: picture, hands, panel, buttons, cursor, overlays.

The renderer decides nothing: it draws the `Layout` it is given (the same one the app
hit-tests against) plus the per-frame `Hud`. Its look comes from the `Theme` (loaded
from assets/theme.toml). Anything expensive is made once and cached: text, the panel's
translucent background, the attract icons, the scaled camera picture (one resize and
one copy per camera frame, reused by redraws). Animations (the attract screen, the
click pulse, toasts, the receipt's confetti) are a few primitives per frame, driven
by `hud.now`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import pygame

from kiosk.types import DEFAULT_ACTIVE_REGION, HAND_CONNECTIONS, Hand, Region
from kiosk.ui.hud import GESTURE_NAMES, STEP_SECONDS, DebugInfo, Hud, attract_frames
from kiosk.ui.layout import (Button, Countdown, Field, Instruction, Layout, Modal, Picture, Rect, Scrollbar, Text,
                             picture_rect)
from kiosk.ui.theme import THEME, Color, Theme

__all__ = ["PygameRenderer", "Theme", "THEME"]

PULSE_SECONDS = 0.35
TOAST_IN = 0.18
CONFETTI_SECONDS = 3.5
ICON_FRAMES = 48


class PygameRenderer:
    def __init__(self, surface: pygame.Surface, theme: Theme = THEME,
                 region: Region = DEFAULT_ACTIVE_REGION):
        """region: the pointer's active region (normalised): the picture is placed so it stays in view."""
        pygame.font.init()
        self.surface = surface
        self.theme = theme
        self.region = region
        self._fonts: dict[int, pygame.font.Font] = {}
        self._texts: dict[tuple[str, int, Color], pygame.Surface] = {}
        self._fits: dict[tuple[str, int, int], int] = {}
        self._pictures: dict[tuple[object, int, int], pygame.Surface | None] = {}
        self._panel: tuple[Rect, pygame.Surface] | None = None
        self._pic: Rect | None = None  # where the camera picture goes, screen px
        self._pic_key: tuple | None = None
        self._feed_image: np.ndarray | None = None
        self._feed: pygame.Surface | None = None
        self._icons: dict[tuple[str, int], tuple[np.ndarray, pygame.Surface]] = {}
        self._toast: tuple[object, float] | None = None  # the toast Text shown, and since when
        self._confetti: np.ndarray | None = None
        self._base: pygame.Surface | None = None  # the composed frame, see draw()
        self._base_image: np.ndarray | None = None
        self._base_hands: Sequence[Hand] | None = None
        self._base_key: tuple | None = None

    def set_surface(self, surface: pygame.Surface) -> None:
        """Draw on another surface from now on (the display after leaving or entering fullscreen)."""
        self.surface = surface
        self._feed_image = self._feed = None
        self._pic_key = None
        self._base = self._base_image = self._base_hands = self._base_key = None

    # -- public -------------------------------------------------------------------------
    def draw(self, image: np.ndarray | None, hands: Sequence[Hand], active: int | None, layout: Layout, hud: Hud,
             notes: Sequence[str] = (), hint: str | None = None, debug: DebugInfo | None = None) -> None:
        """image: mirrored BGR frame (or None). notes: small lines top-left. hint: a big line in the free area.

        The UI loop redraws up to 60 times a second, the camera delivers 30: what only changes
        with a new frame or a new layout (the feed, the hands, the translucent panel, buttons,
        texts) is composed once into a screen-sized surface, and a redraw copies it and draws
        the cursor and the toast over it. Screens with animations under their texts (the
        receipt's confetti, the attract icons, countdowns, a modal) are drawn whole each time.
        """
        hovered = layout.hit(hud.cursor)
        toast = next((t for t in layout.texts if t.style == "toast"), None)
        animated = (layout.badge is not None or layout.instructions or layout.countdowns
                    or layout.modal is not None)
        if animated:
            self._compose(image, hands, active, layout, hud, hovered, notes, hint)
        else:
            key = (layout, hovered.id if hovered is not None else None, hud.pressed, hud.grabbing, tuple(notes), hint,
                   self.surface.get_size())
            # A new frame brings a new hands list (the demo reuses its picture, never its hands).
            if image is not self._base_image or hands is not self._base_hands or key != self._base_key:
                shown, self.surface = self.surface, self._base_surface()
                try:
                    self._compose(image, hands, active, layout, hud, hovered, notes, hint)
                finally:
                    self.surface = shown
                self._base_image, self._base_hands, self._base_key = image, hands, key
            self.surface.blit(self._base, (0, 0))
        self._draw_toast(toast, hud.now)
        if layout.modal is not None:
            self._draw_modal(layout.modal)
        if debug is not None:
            from kiosk.ui.overlay import draw_debug

            draw_debug(self, debug, hands, active)
        if hud.cursor is not None:
            self._draw_cursor(hud)

    def _base_surface(self) -> pygame.Surface:
        size = self.surface.get_size()
        if self._base is None or self._base.get_size() != size:
            base = pygame.Surface(size)
            self._base = base.convert() if pygame.display.get_surface() is not None else base
        return self._base

    def _compose(self, image, hands, active, layout: Layout, hud: Hud, hovered, notes, hint) -> None:
        """Everything under the toast, the modal, the debug overlay and the cursor, in drawing order."""
        self._draw_feed(image, layout)
        self._draw_panel(layout.panel)
        if layout.badge is not None:  # under the texts, so the receipt stays readable while it falls
            self._draw_confetti(hud.now - hud.screen_since)
        for step in layout.instructions:
            self._draw_instruction(step, layout.instructions, hud.now)
        if image is not None:  # over the panel, under the buttons: visible, never hiding a label
            for k, hand in enumerate(hands):
                self._draw_hand(hand, k == active)
        for button in layout.buttons:
            self._draw_button(button, hovered is button, hud.pressed)
        for countdown in layout.countdowns:
            self._draw_countdown(countdown, hud.now)
        for field in layout.fields:
            self._draw_field(field)
        for bar in layout.scrollbars:
            self._draw_scrollbar(bar, hud.grabbing)
        for text in layout.texts:
            if text.style != "toast":
                self._draw_text(text)
        for picture in layout.pictures:
            self._draw_picture(picture)
        if layout.badge is not None:
            self._draw_badge(layout.badge, hud)
        h = self.surface.get_height()
        fa = layout.feed_area or Rect(0, 0, *self.surface.get_size())
        for n, note in enumerate(notes):
            self._blit_text(note, round(0.03 * h), self.theme.colors.on_dark,
                            (fa.x + round(0.02 * h), fa.y + round(0.02 * h + n * 0.04 * h)), "left", shadow=True)
        if hint:
            self._blit_text(hint, self._fitting_size(hint, round(0.05 * h), fa.w - round(0.04 * h)),
                            self.theme.colors.on_dark, (fa.x + fa.w // 2, fa.y + round(0.9 * fa.h)), "center",
                            shadow=True)

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
            self._feed_image, self._feed = image, self._scaled_feed(image)
        self.surface.blit(self._feed, (0, 0))

    def _scaled_feed(self, image: np.ndarray) -> pygame.Surface:
        """The frame as placed on screen, screen-sized: one crop, one resize, one copy.

        Where the picture does not reach (behind the panel) its edge pixels are repeated,
        so the translucent panel looks the same all across and no seam shows around it.
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
        scaled = cv2.resize(crop, (w, h), interpolation=interp)
        if (w, h) != (sw, sh):
            scaled = cv2.copyMakeBorder(scaled, y0, max(0, sh - y0 - h), x0, max(0, sw - x0 - w), cv2.BORDER_REPLICATE)
        feed = pygame.image.frombuffer(scaled.data, (sw, sh), "BGR")
        # Converted to the display's pixel format once, so every redraw of it is a plain copy.
        return feed.convert() if pygame.display.get_surface() is not None else feed.copy()

    def _draw_hand(self, hand: Hand, active: bool) -> None:
        c = self.theme.colors
        color = c.hand if active else c.hand_dimmed
        pts = [self.feed_to_screen(float(x), float(y)) for x, y, _ in hand.landmarks]
        width = max(2, self.surface.get_height() // 300) if active else 1
        for a, b in HAND_CONNECTIONS:
            pygame.draw.line(self.surface, color, pts[a], pts[b], width)
        for p in pts:
            pygame.draw.circle(self.surface, color, p, width + 2)

    # -- panel and its contents -----------------------------------------------------------
    def _draw_panel(self, rect: Rect) -> None:
        if self._panel is None or self._panel[0] != rect:
            panel = pygame.Surface((rect.w, rect.h), pygame.SRCALPHA)
            pygame.draw.rect(panel, self.theme.colors.panel, panel.get_rect(), border_radius=self._radius() * 2)
            self._panel = (rect, panel)
        self.surface.blit(self._panel[1], (rect.x, rect.y))

    def button_fill(self, b: Button) -> Color:
        """The resting fill of a button (the probe-pixel tests use this)."""
        c = self.theme.colors
        if not b.enabled:
            return c.disabled
        return {"primary": c.primary, "danger": c.danger, "quiet": c.field}.get(b.style, c.secondary)

    def _draw_button(self, b: Button, hovered: bool, pressed: bool) -> None:
        c = self.theme.colors
        fill = self.button_fill(b)
        if b.enabled and hovered and pressed:
            fill = tuple(max(0, v - 50) for v in fill)
        elif b.enabled and hovered:
            fill = tuple(min(255, v + 25) for v in fill) if b.style not in ("quiet",) else c.highlight
        r = pygame.Rect(b.rect.x, b.rect.y, b.rect.w, b.rect.h)
        pygame.draw.rect(self.surface, fill, r, border_radius=self._radius())
        if b.style in ("secondary", "quiet"):  # light on a light panel: an outline keeps the target visible
            pygame.draw.rect(self.surface, c.outline, r, width=2, border_radius=self._radius())
        if hovered and b.enabled:
            pygame.draw.rect(self.surface, c.hover_border, r.inflate(6, 6), width=max(3, r.h // 20),
                             border_radius=self._radius() + 3)
        dark_fill = b.style in ("primary", "danger") and b.enabled
        color = c.on_dark if dark_fill else (c.muted if not b.enabled else c.text)
        scale = 0.7 if len(b.text) == 1 and not b.text.isdigit() else 0.55 if len(b.text) <= 2 else 0.42
        size = self._fitting_size(b.text, round(b.rect.h * scale), b.rect.w - b.rect.h // 4)
        self._blit_text(b.text, size, color, r.center, "center")

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
        size = self._fitting_size(text.text, text.size, text.max_width)
        if text.style == "warning":
            surf = self._render(text.text, size, color)
            box = self._anchored(surf.get_rect(), (text.x, text.y), text.align)
            pygame.draw.rect(self.surface, c.warning_box, box.inflate(size, size // 2), border_radius=self._radius())
        self._blit_text(text.text, size, color, (text.x, text.y), text.align)

    def _draw_field(self, f: Field) -> None:
        c = self.theme.colors
        r = pygame.Rect(f.rect.x, f.rect.y, f.rect.w, f.rect.h)
        pygame.draw.rect(self.surface, c.field, r, border_radius=self._radius())
        pygame.draw.rect(self.surface, c.outline, r, width=2, border_radius=self._radius())
        if not f.entry:  # an empty field says so
            size = self._fitting_size(f.placeholder, round(f.size * 0.6), r.w - f.size)
            self._blit_text(f.placeholder, size, c.muted, r.center, "center")
            return
        if f.secret:  # one dot per digit typed, hollow slots for the rest: the digits themselves never show
            radius = max(4, r.h // 7)
            pitch = radius * 4
            x = r.centerx - pitch * (f.length - 1) // 2
            for n in range(f.length):
                centre = (x + n * pitch, r.centery)
                if n < len(f.entry):
                    pygame.draw.circle(self.surface, c.text, centre, radius)
                else:
                    pygame.draw.circle(self.surface, c.outline, centre, radius, width=max(2, radius // 4))
            return
        self._blit_text(f.entry, f.size, c.text, r.center, "center")

    def _draw_scrollbar(self, bar: Scrollbar, grabbing: bool) -> None:
        c = self.theme.colors
        t, th = bar.track, bar.thumb
        pygame.draw.rect(self.surface, c.secondary, pygame.Rect(t.x, t.y, t.w, t.h), border_radius=t.w // 2)
        pygame.draw.rect(self.surface, c.gesture if grabbing else c.muted, pygame.Rect(th.x, th.y, th.w, th.h),
                         border_radius=th.w // 2)

    def _draw_instruction(self, step: Instruction, steps: Sequence[Instruction], now: float) -> None:
        c = self.theme.colors
        current = steps[int(now // STEP_SECONDS) % len(steps)] is step
        r = pygame.Rect(step.rect.x, step.rect.y, step.rect.w, step.rect.h)
        if current:
            pygame.draw.rect(self.surface, c.highlight, r, border_radius=self._radius())
        frames, still = self._icon(step.kind, step.icon.w)
        if current:  # the current step's hand moves: one frame of its loop, drawn as lines
            k = int((now % STEP_SECONDS) / STEP_SECONDS * len(frames)) % len(frames)
            self._draw_icon_hand(frames[k], step.icon, c.primary)
        else:
            self.surface.blit(still, (step.icon.x, step.icon.y))
        self._draw_text(step.title)
        self._draw_text(step.detail)

    def _icon(self, kind: str, side: int) -> tuple[np.ndarray, pygame.Surface]:
        key = (kind, side)
        if key not in self._icons:
            frames = attract_frames(kind, ICON_FRAMES)
            still = pygame.Surface((side, side), pygame.SRCALPHA)
            self._draw_icon_hand(frames[ICON_FRAMES // 2 if kind == "ok" else 0], Rect(0, 0, side, side),
                                 self.theme.colors.muted, still)
            self._icons[key] = (frames, still)
        return self._icons[key]

    def _draw_icon_hand(self, pts: np.ndarray, box: Rect, color: Color, target: pygame.Surface | None = None) -> None:
        target = target or self.surface
        xy = [(box.x + float(x) * box.w, box.y + float(y) * box.h) for x, y in pts]
        width = max(2, box.w // 28)
        for a, b in HAND_CONNECTIONS:
            pygame.draw.line(target, color, xy[a], xy[b], width)
        for p in xy:
            pygame.draw.circle(target, color, p, width)

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

    def _draw_modal(self, modal: Modal) -> None:
        c = self.theme.colors
        r = pygame.Rect(modal.rect.x, modal.rect.y, modal.rect.w, modal.rect.h)
        pygame.draw.rect(self.surface, c.warning_box, r, border_radius=self._radius() * 2)
        pygame.draw.rect(self.surface, c.warning, r, width=max(3, r.h // 60), border_radius=self._radius() * 2)
        for text in modal.texts:
            size = self._fitting_size(text.text, text.size, text.max_width)
            color = {"muted": c.muted, "warning": c.warning}.get(text.style, c.text)
            self._blit_text(text.text, size, color, (text.x, text.y), text.align)

    def _draw_toast(self, text: Text | None, now: float) -> None:
        if text is None:
            self._toast = None
            return
        if self._toast is None or self._toast[0] is not text:
            self._toast = (text, now)
        c = self.theme.colors
        age = max(0.0, now - self._toast[1])
        rise = round((1 - min(1.0, age / TOAST_IN)) ** 2 * text.size)  # slides up into place
        size = self._fitting_size(text.text, text.size, text.max_width)
        surf = self._render(text.text, size, c.on_dark)
        box = surf.get_rect(center=(text.x, text.y + rise)).inflate(size * 2, size)
        pygame.draw.rect(self.surface, c.toast, box, border_radius=box.h // 2)
        self.surface.blit(surf, surf.get_rect(center=box.center))

    def _draw_badge(self, badge: Rect, hud: Hud) -> None:
        """The receipt's check mark: a disc that pops in, with a tick."""
        c = self.theme.colors
        grow = min(1.0, max(0.0, (hud.now - hud.screen_since) / 0.3))
        pop = 1.0 + 0.15 * math.sin(math.pi * grow)
        radius = max(4, round(badge.w / 2 * grow * pop))
        cx, cy = badge.center
        pygame.draw.circle(self.surface, c.primary, (cx, cy), radius)
        if grow >= 1.0:
            s = badge.w / 2
            pts = [(cx - 0.45 * s, cy + 0.02 * s), (cx - 0.12 * s, cy + 0.35 * s), (cx + 0.48 * s, cy - 0.32 * s)]
            pygame.draw.lines(self.surface, c.on_dark, False, pts, max(3, round(s / 6)))

    def _draw_confetti(self, age: float) -> None:
        """A few hundred falling scraps for the first seconds of the receipt: positions from arrays, no new surfaces."""
        if age < 0 or age > CONFETTI_SECONDS:
            return
        w, h = self.surface.get_size()
        if self._confetti is None:
            rng = np.random.default_rng(7)
            n = 160
            self._confetti = np.stack([rng.uniform(0, 1, n), rng.uniform(-0.35, 0.0, n), rng.uniform(-0.08, 0.08, n),
                                       rng.uniform(0.15, 0.45, n), rng.uniform(0, 2 * np.pi, n),
                                       rng.integers(0, 1 << 16, n).astype(float)], axis=1)
        x0, y0, vx, vy, phase, pick = self._confetti.T
        x = (x0 + vx * age + 0.015 * np.sin(phase + age * 6)) * w
        y = (y0 + vy * age + 0.12 * age * age) * h
        side = max(3, h // 110)
        palette = self.theme.colors.confetti
        for n in np.nonzero((y > -side) & (y < h))[0]:
            wide = side if math.sin(phase[n] + age * 9) > 0 else side // 2 + 1  # a turning scrap
            self.surface.fill(palette[int(pick[n]) % len(palette)], (int(x[n]), int(y[n]), wide, side))

    # -- the cursor -------------------------------------------------------------------------
    def _draw_cursor(self, hud: Hud) -> None:
        c = self.theme.colors
        h = self.surface.get_height()
        x, y = round(hud.cursor[0]), round(hud.cursor[1])
        r = max(8, round(self.theme.sizes.cursor * h))
        ring = max(3, r // 6)
        arc = max(4, r // 4)
        if hud.clicked_at is not None and 0 <= hud.now - hud.clicked_at < PULSE_SECONDS:
            s = (hud.now - hud.clicked_at) / PULSE_SECONDS  # a ring that grows and thins out
            pygame.draw.circle(self.surface, c.cursor, (x, y), round(r * (1 + 1.3 * s)), width=max(1, round(arc * (1 - s))))
        if hud.grabbing:
            box = pygame.Rect(x - r, y - r, 2 * r, 2 * r)
            pygame.draw.rect(self.surface, c.gesture, box, border_radius=r // 2)
            for d in (-1, 1):  # up and down arrows: the list moves with the hand
                tip = (x, y + d * (r + arc * 3))
                pygame.draw.polygon(self.surface, c.gesture, [tip, (x - arc * 3 // 2, y + d * (r + arc // 2)),
                                                                (x + arc * 3 // 2, y + d * (r + arc // 2))])
        elif hud.pressed:
            pygame.draw.circle(self.surface, c.cursor, (x, y), r)
        else:
            pygame.draw.circle(self.surface, (0, 0, 0), (x, y), r + 2, width=2)
            pygame.draw.circle(self.surface, c.cursor, (x, y), r, width=ring)
            box = pygame.Rect(x - r, y - r, 2 * r, 2 * r)
            if hud.ok > 0.05:  # the 👌 closing: the ring fills as the pinch closes
                pygame.draw.arc(self.surface, (255, 255, 255), box, np.pi / 2, np.pi / 2 + 2 * np.pi * hud.ok, arc)
            progress = max(hud.dwell, hud.start or 0.0)
            if progress > 0.0:  # dwell (or the hold that starts a session): an outer ring fills
                outer = box.inflate(2 * arc + 2, 2 * arc + 2)
                pygame.draw.arc(self.surface, c.dwell, outer, np.pi / 2, np.pi / 2 + 2 * np.pi * progress, arc)
        pygame.draw.circle(self.surface, (255, 255, 255), (x, y), max(3, r // 5))
        if hud.holding is not None:  # a held gesture: a wide ring fills around the hand, its action beside it
            name, progress = hud.holding
            width = arc * 3 // 2
            self._ring((x, y), r + 2 * arc + width, width, progress, c.gesture)
            self._cursor_label(name, round(0.034 * h), x, y, r + 2 * arc + 2 * width, pill=c.gesture)
        elif hud.grabbing:
            self._cursor_label("Move to scroll", round(0.03 * h), x, y, r + arc * 2)
        elif hud.gesture:
            words = GESTURE_NAMES.get(hud.gesture, hud.gesture)
            if words:
                self._cursor_label(words, round(0.026 * h), x, y + r // 2, r + arc * 2)

    def _ring(self, centre: tuple[int, int], radius: int, width: int, progress: float, color: Color) -> None:
        """A progress ring: a dark shade of `color` all round, `color` filling it clockwise from the top (0..1).

        The filled part is one polygon, so it has no pin-holes at any width (pygame's thick arcs do).
        """
        x, y = centre
        pygame.draw.circle(self.surface, tuple(v * 2 // 5 for v in color), centre, radius + 1, width=width + 2)
        progress = min(1.0, max(0.0, progress))
        if progress <= 0:
            return
        n = max(2, round(64 * progress))
        a = -np.pi / 2 + np.linspace(0.0, 2 * np.pi * progress, n + 1)
        outer = [(x + radius * math.cos(t), y + radius * math.sin(t)) for t in a]
        inner = [(x + (radius - width) * math.cos(t), y + (radius - width) * math.sin(t)) for t in a[::-1]]
        pygame.draw.polygon(self.surface, color, outer + inner)

    def _cursor_label(self, text: str, size: int, x: int, y: int, gap: int, pill: Color | None = None) -> None:
        """Small text beside the cursor: on its right, or its left near the screen's right edge.

        pill: a colour to draw behind it (a held gesture's action), readable over the panel and the picture alike.
        """
        on_dark = self.theme.colors.on_dark
        surf = self._render(text, size, on_dark)
        pad = size // 2 if pill is not None else 0
        right = x + gap + pad * 2 + surf.get_width() < self.surface.get_width()
        box = self._anchored(surf.get_rect(), (x + gap + pad, y) if right else (x - gap - pad, y),
                             "left" if right else "right")
        if pill is not None:
            back = box.inflate(2 * pad, pad)
            pygame.draw.rect(self.surface, pill, back, border_radius=back.h // 2)
            self.surface.blit(surf, box)
        else:
            self._blit_text(text, size, on_dark, box.midleft if right else box.midright, "left" if right else "right",
                            shadow=True)

    # -- text -----------------------------------------------------------------------------
    def _radius(self) -> int:
        return max(4, round(self.theme.sizes.radius * self.surface.get_height()))

    def _fitting_size(self, text: str, size: int, max_width: int | None) -> int:
        """The font size (px) at which `text` fits max_width; measured once per text, then cached."""
        if max_width is None:
            return size
        key = (text, size, max_width)
        fitted = self._fits.get(key)
        if fitted is None:
            width = self._font(size).size(text)[0]
            fitted = self._fits[key] = size if width <= max_width else max(8, size * max_width // max(width, 1))
        return fitted

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
        """Theme sizes scale every text; the font file is the theme's, or pygame's built-in one."""
        font = self._fonts.get(size)
        if font is None:
            f = self.theme.fonts
            px = max(6, round(size * f.scale))
            font = self._fonts[size] = pygame.font.Font(str(f.file) if f.file else None, px)
        return font

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
                   shadow: bool = False) -> None:
        surf = self._render(text, size, color)
        box = self._anchored(surf.get_rect(), at, align)
        if shadow:
            self.surface.blit(self._render(text, size, (0, 0, 0)), box.move(2, 2))
        self.surface.blit(surf, box)

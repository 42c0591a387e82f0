"""The operator's debug overlay (Ctrl+D): FPS, inference time, hands, gesture scores, active region,
landmark numbers, and the tracker settings being tuned. Drawn by the renderer when asked.

Only shown to an operator, so its changing numbers are rendered as text each frame;
its background box is made once, and the labels and landmark numbers are cached.
"""
from __future__ import annotations

from collections.abc import Sequence

import pygame

from kiosk.types import Hand
from kiosk.ui.hud import DebugInfo

_BOX: dict[tuple[int, int], pygame.Surface] = {}

KEYS_HELP = "Up/Down choose, Left/Right change, Ctrl+S save  |  Ctrl+Shift+D close, Ctrl+Shift+F window, Ctrl+Q quit"


def _box(w: int, h: int) -> pygame.Surface:
    box = _BOX.get((w, h))
    if box is None:
        box = _BOX[(w, h)] = pygame.Surface((w, h), pygame.SRCALPHA)
        box.fill((0, 0, 0, 170))
    return box


def draw_debug(renderer, info: DebugInfo, hands: Sequence[Hand], active: int | None) -> None:
    surface = renderer.surface
    sw, sh = surface.get_size()
    base = min(sw, sh)  # portrait screens get the same overlay as landscape ones
    size = max(12, round(0.022 * base))
    line = round(size * 1.25)
    white, dim, accent = (255, 255, 255), (170, 176, 186), (255, 176, 0)

    # the active region: where the fingertip maps to the whole screen
    x0, y0, x1, y1 = info.region
    a, b = renderer.feed_to_screen(x0, y0), renderer.feed_to_screen(x1, y1)
    pygame.draw.rect(surface, accent, pygame.Rect(a[0], a[1], b[0] - a[0], b[1] - a[1]), width=2)

    # landmark numbers of the active hand
    if active is not None and active < len(hands):
        for n, (x, y, _) in enumerate(hands[active].landmarks):
            px, py = renderer.feed_to_screen(float(x), float(y))
            renderer._blit_text(str(n), max(10, size * 2 // 3), white, (px + 6, py - 6), "left", shadow=True)

    rows: list[tuple[str, tuple[int, int, int]]] = [
        (f"{info.fps:5.1f} fps drawn   {info.camera_fps:5.1f} fps camera   {info.infer_ms:5.1f} ms tracking", white),
        ("hands: " + (", ".join(f"{hand} {score:.2f}" for hand, score in info.hands) or "none"), white),
        (f"gesture: {info.gesture}", white),
    ]
    width = round(0.3 * base) + size * 12
    bars_h = len(info.scores) * line
    height = (len(rows) + len(info.settings) + 3) * line + bars_h + size
    x, y = round(0.01 * base), sh - height - round(0.01 * base)
    surface.blit(_box(width, height), (x, y))
    cy = y + size // 2 + line // 2
    for text, color in rows:
        renderer._blit_text(text, size, color, (x + size // 2, cy), "left")
        cy += line
    bar_x, bar_w = x + size * 8, width - size * 9
    for label, score in info.scores:
        renderer._blit_text(label, size, dim, (x + size // 2, cy), "left")
        pygame.draw.rect(surface, (70, 74, 82), pygame.Rect(bar_x, cy - size // 3, bar_w, size * 2 // 3))
        fill = accent if label == info.gesture else (120, 200, 160)
        pygame.draw.rect(surface, fill, pygame.Rect(bar_x, cy - size // 3, round(bar_w * max(0.0, min(1.0, score))),
                                                    size * 2 // 3))
        cy += line
    cy += line // 2
    renderer._blit_text("MediaPipe settings", size, dim, (x + size // 2, cy), "left")
    cy += line
    for n, (key, value) in enumerate(info.settings):
        color = accent if n == info.selected else white
        mark = ">" if n == info.selected else " "
        renderer._blit_text(f"{mark} {key} = {value}", size, color, (x + size // 2, cy), "left")
        cy += line
    renderer._blit_text(info.message or KEYS_HELP, max(10, size * 4 // 5), dim, (x + size // 2, cy), "left")

"""Pictures of the default catalog's items, drawn by the project's own code, so their licence is ours.

    python -m kiosk.tools.item_pictures [--out assets/items] [--size 512] [--only apple ...]

Each item is a flat illustration on a transparent square: a few colours, each with a lighter
highlight and a darker shade, over a soft ground shadow. Drawings are made in unit coordinates
((0, 0) top left, (1, 1) bottom right) at SUPERSAMPLE times the asked size and shrunk with
`pygame.transform.smoothscale` for antialiasing. The output is deterministic, so a test can
redraw the committed PNGs and compare them pixel for pixel.
"""
from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # drawing and saving need no display
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import argparse  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from kiosk import files  # noqa: E402

SUPERSAMPLE = 4
MIN_SIZE, MAX_SIZE = 16, 1024  # output px; 1024 is drawn on 4096 px layers of 64 MB each
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "assets" / "items"

Color = tuple[int, int, int]
Points = np.ndarray  # (n, 2) float, unit coordinates

LIGHT = np.array([-0.6, -0.8])  # where the light comes from: up and a little to the left


# --------------------------------------------------------------------------- colours and geometry


def lighter(color: Color, amount: float) -> Color:
    """Mix `amount` (0-1) of white into `color`."""
    return tuple(round(c + (255 - c) * amount) for c in color)  # type: ignore[return-value]


def mix(color: Color, other: Color, amount: float) -> Color:
    """`amount` (0-1) of the way from `color` to `other`."""
    return tuple(round(c + (o - c) * amount) for c, o in zip(color, other))  # type: ignore[return-value]


def darker(color: Color, amount: float) -> Color:
    """Mix `amount` (0-1) of black into `color`."""
    return tuple(round(c * (1 - amount)) for c in color)  # type: ignore[return-value]


def bezier(p0, p1, p2, p3, n: int = 48) -> Points:
    """n points of the cubic Bezier curve p0 -> p3 with control points p1, p2 (ends included)."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    p0, p1, p2, p3 = (np.asarray(p, float) for p in (p0, p1, p2, p3))
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2 + t ** 3 * p3


def chain(*curves: Points) -> Points:
    """Join curves that each start where the previous one ended."""
    return np.concatenate([curves[0]] + [c[1:] for c in curves[1:]])


def mirror(half: Points, axis_x: float = 0.5) -> Points:
    """A symmetric closed outline from its right half (top to bottom): the half, then its mirror back up."""
    back = half[::-1].copy()
    back[:, 0] = 2 * axis_x - back[:, 0]
    return np.concatenate([half, back[1:-1]])


def ellipse_pts(cx: float, cy: float, rx: float, ry: float, angle_deg: float = 0.0, n: int = 96) -> Points:
    """An ellipse as a polygon, its x radius turned by angle_deg (clockwise on screen)."""
    t = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    a = math.radians(angle_deg)
    x, y = rx * np.cos(t), ry * np.sin(t)
    return np.stack([cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)], axis=1)


def rounded(pts: Sequence, iterations: int = 4) -> Points:
    """Round a closed polygon's corners by Chaikin corner cutting."""
    p = np.asarray(pts, float)
    for _ in range(iterations):
        q = np.roll(p, -1, axis=0)
        p = np.stack([0.75 * p + 0.25 * q, 0.25 * p + 0.75 * q], axis=1).reshape(-1, 2)
    return p


def soft_corners(pts: Sequence, radius: float, n: int = 10) -> Points:
    """A closed polygon with each corner replaced by a curve starting `radius` (unit) along each edge."""
    p = np.asarray(pts, float)
    out = []
    for i, corner in enumerate(p):
        before, after = p[i - 1], p[(i + 1) % len(p)]
        d0 = min(radius, np.linalg.norm(corner - before) / 2)
        d1 = min(radius, np.linalg.norm(after - corner) / 2)
        start = corner + (before - corner) / np.linalg.norm(before - corner) * d0
        end = corner + (after - corner) / np.linalg.norm(after - corner) * d1
        t = np.linspace(0, 1, n)[:, None]
        out.append((1 - t) ** 2 * start + 2 * (1 - t) * t * corner + t ** 2 * end)
    return np.concatenate(out)


def along(line: Points, normal: Points, offsets) -> Points:
    """Points beside a centre line: each point moved along its normal by its offset (unit)."""
    return line + normal * np.asarray(offsets, float)[:, None]


def turned(pts: Points, degrees: float, about=(0.5, 0.5)) -> Points:
    """Points turned clockwise on screen by `degrees` about `about`."""
    a = math.radians(degrees)
    p = np.asarray(pts, float) - about
    return np.stack([p[:, 0] * math.cos(a) - p[:, 1] * math.sin(a),
                     p[:, 0] * math.sin(a) + p[:, 1] * math.cos(a)], axis=1) + about


def arc(cx: float, cy: float, radius: float, from_deg: float, to_deg: float, n: int) -> tuple[Points, Points]:
    """Points of a circular arc (angles clockwise on screen from +x) and their outward normals."""
    phi = np.radians(np.linspace(from_deg, to_deg, n))
    normal = np.stack([np.cos(phi), np.sin(phi)], axis=1)
    return np.array([cx, cy]) + radius * normal, normal


def moved(pts: Points, dx: float, dy: float) -> Points:
    return np.asarray(pts, float) + (dx, dy)


def scaled(pts: Points, factor: float, about=None) -> Points:
    pts = np.asarray(pts, float)
    centre = pts.mean(axis=0) if about is None else np.asarray(about, float)
    return centre + (pts - centre) * factor


# --------------------------------------------------------------------------- the canvas


class Pen:
    """One square RGBA layer drawn in unit coordinates."""

    def __init__(self, px: int):
        self.px = px
        self.surface = pygame.Surface((px, px), pygame.SRCALPHA)

    def layer(self) -> Pen:
        """A new transparent layer of the same size."""
        return Pen(self.px)

    def _xy(self, pts: Points) -> list[tuple[float, float]]:
        return [(float(x), float(y)) for x, y in np.asarray(pts, float) * self.px]

    def poly(self, color, pts: Points) -> None:
        pygame.draw.polygon(self.surface, color, self._xy(pts))

    def ellipse(self, color, cx: float, cy: float, rx: float, ry: float, angle_deg: float = 0.0) -> None:
        self.poly(color, ellipse_pts(cx, cy, rx, ry, angle_deg))

    def stroke(self, color, pts: Points, width: float) -> None:
        """A polyline `width` (unit) wide with round joints and ends."""
        xy = self._xy(pts)
        w = max(1, round(width * self.px))
        pygame.draw.lines(self.surface, color, False, xy, w)
        for x, y in xy:
            pygame.draw.circle(self.surface, color, (x, y), w / 2)

    def paste(self, top: Pen, clip: Pen | None = None, opacity: float = 1.0) -> None:
        """Blend `top` over this layer; with `clip`, only where `clip` is drawn (its alpha is the mask)."""
        if clip is not None or opacity < 1.0:
            alpha = pygame.surfarray.pixels_alpha(top.surface)
            if clip is not None:
                mask = pygame.surfarray.pixels_alpha(clip.surface)
                np.minimum(alpha, mask, out=alpha)
                del mask
            if opacity < 1.0:
                alpha[...] = (alpha.astype(np.uint16) * round(opacity * 255) // 255).astype(np.uint8)
            del alpha  # unlock the surface before blitting
        self.surface.blit(top.surface, (0, 0))


def shaded_shape(pen: Pen, pts: Points, base: Color, shade: float = 0.22, depth: float = 0.035) -> Pen:
    """Fill `pts` in `base` with a darker crescent on the side away from the light, and return the
    shape's own layer (to clip highlights and details to it). `depth` is the crescent's width (unit)."""
    shape = pen.layer()
    shape.poly(darker(base, shade), pts)
    lit = pen.layer()
    lit.poly(base, moved(pts, *(LIGHT * depth)))
    shape.paste(lit, clip=shape)
    pen.paste(shape)
    return shape


def highlight(pen: Pen, shape: Pen, pts: Points, color: Color, opacity: float = 1.0) -> None:
    """Draw `pts` in `color` on `pen`, clipped to `shape`."""
    layer = pen.layer()
    layer.poly(color, pts)
    pen.paste(layer, clip=shape, opacity=opacity)


def ground_shadow(pen: Pen, cx: float, cy: float, rx: float, ry: float, darkness: int = 60) -> None:
    """A soft shadow ellipse: rings from faint (outside) to `darkness` alpha (centre)."""
    steps = 10
    layer = pen.layer()
    for i in range(steps):
        f = 1.0 - i / steps * 0.55
        layer.ellipse((20, 20, 30, round(darkness * (i + 1) / steps)), cx, cy, rx * f, ry * f)
    pen.paste(layer)


# --------------------------------------------------------------------------- the items


def apple(pen: Pen) -> None:
    """A red apple with a brown stem and a green leaf, lit from the top left."""
    ground_shadow(pen, 0.5, 0.875, 0.30, 0.045)
    red = (220, 45, 50)
    right = chain(bezier((0.50, 0.31), (0.58, 0.22), (0.80, 0.20), (0.85, 0.42)),
                  bezier((0.85, 0.42), (0.90, 0.62), (0.78, 0.88), (0.63, 0.875)),
                  bezier((0.63, 0.875), (0.57, 0.87), (0.54, 0.85), (0.50, 0.85)))
    body = mirror(right)
    shape = shaded_shape(pen, body, red, shade=0.30, depth=0.06)
    # the hollow round the stem
    highlight(pen, shape, ellipse_pts(0.5, 0.325, 0.075, 0.028), darker(red, 0.35), opacity=0.8)
    highlight(pen, shape, ellipse_pts(0.31, 0.47, 0.055, 0.11, 20), lighter(red, 0.45))
    highlight(pen, shape, ellipse_pts(0.36, 0.33, 0.03, 0.02, -20), lighter(red, 0.6))
    pen.stroke((110, 70, 40), bezier((0.5, 0.34), (0.5, 0.27), (0.50, 0.20), (0.54, 0.14), 24), 0.035)
    leaf_top = bezier((0.53, 0.25), (0.58, 0.14), (0.70, 0.10), (0.80, 0.13), 32)
    leaf_bottom = bezier((0.80, 0.13), (0.74, 0.23), (0.62, 0.28), (0.53, 0.25), 32)
    green = (95, 175, 65)
    pen.poly(green, chain(leaf_top, leaf_bottom))
    midrib = bezier((0.55, 0.245), (0.62, 0.20), (0.70, 0.16), (0.79, 0.135), 24)
    pen.poly(darker(green, 0.25), chain(midrib, leaf_bottom[1:-1], midrib[:1]))
    pen.stroke(lighter(green, 0.35), midrib, 0.008)


def banana(pen: Pen) -> None:
    """A yellow banana curved like a smile and tilted up to the right, with a stalk and a brown tip."""
    ground_shadow(pen, 0.5, 0.77, 0.34, 0.045)
    yellow, brown, stalk_green = (250, 205, 45), (95, 65, 35), (165, 150, 60)
    tilt = -16.0
    line, normal = arc(0.5, 0.20, 0.43, 152, 28, 140)  # from the tip (left) to the stalk (right)
    s = np.linspace(0.0, 1.0, len(line))
    half = 0.095 * np.sin(np.pi * s) ** 0.6
    outer, inner = along(line, normal, half * 1.1), along(line, normal, -half * 0.9)
    body = turned(np.concatenate([outer, inner[::-1]]), tilt)
    shape = shaded_shape(pen, body, yellow, shade=0.14, depth=0.03)
    # the banana's upper face, towards the light, is lighter; a ridge divides the two faces
    face = np.concatenate([along(line, normal, half * 0.1), inner[::-1]])
    highlight(pen, shape, turned(face, tilt), lighter(yellow, 0.3))
    shine = along(line, normal, -half * 0.45)[22:110]
    pen.stroke(lighter(yellow, 0.7), turned(shine, tilt), 0.014)
    # the stalk: a narrowing stub along the tangent past the right end, with a dark cut end
    tangent = np.array([normal[-1][1], -normal[-1][0]])  # clockwise tangent at the end: onwards
    end = line[-1] - 0.012 * tangent
    t = np.linspace(0, 1, 10)[:, None]
    axis = end + t * 0.085 * tangent + t ** 2 * 0.02 * normal[-1]
    width = 0.026 - 0.006 * t
    stalk = np.concatenate([axis + normal[-1] * width, (axis - normal[-1] * width)[::-1]])
    stalk_shape = shaded_shape(pen, turned(stalk, tilt), stalk_green, shade=0.3, depth=0.012)
    end_angle = math.degrees(math.atan2(tangent[1], tangent[0]))
    highlight(pen, stalk_shape, turned(ellipse_pts(*axis[-1], 0.012, 0.022, end_angle), tilt), brown)
    # the brown tip at the other end
    pen.poly(brown, turned(ellipse_pts(*line[3], 0.02, 0.014, 60), tilt))


def _lobe(line: Points, normal: Points, tangent: Points, i0: int, i1: int, out: np.ndarray, inn: np.ndarray,
          bulge: float) -> Points:
    """The outline of one croissant lobe between centre-line points i0 and i1: its outer edge `out`,
    inner edge `inn` (offsets along the normal, unit), and ends that bulge `bulge` along the line."""
    o = along(line[i0:i1], normal[i0:i1], out)
    n = along(line[i0:i1], normal[i0:i1], inn)
    end = bezier(o[-1], o[-1] + tangent[i1 - 1] * bulge, n[-1] + tangent[i1 - 1] * bulge, n[-1], 16)
    start = bezier(n[0], n[0] - tangent[i0] * bulge, o[0] - tangent[i0] * bulge, o[0], 16)
    return np.concatenate([o, end[1:-1], n[::-1], start[1:-1]])


def croissant(pen: Pen) -> None:
    """A golden croissant: a crescent of overlapping lobes, the largest in the middle, the horns
    bending down and baked darker."""
    ground_shadow(pen, 0.5, 0.80, 0.40, 0.05)
    gold = (228, 152, 58)
    line, normal = arc(0.5, 0.90, 0.36, 198, 342, 289)  # the crescent's middle line, left horn to right
    tangent = np.stack([-normal[:, 1], normal[:, 0]], axis=1)
    count = len(line)
    s = np.linspace(0.0, 1.0, count)
    half = 0.03 + 0.16 * np.sin(np.pi * s) ** 1.2
    # lobes as ranges of s; drawn from the horns in, so each overlaps the one nearer its horn
    edges = [0.0, 0.11, 0.25, 0.40, 0.60, 0.75, 0.89, 1.0]
    lobes = list(zip(edges[:-1], edges[1:]))
    lobes.sort(key=lambda ab: -abs((ab[0] + ab[1]) / 2 - 0.5))
    for a, b in lobes:
        mid = (a + b) / 2
        i0, i1 = round(a * (count - 1)), round(b * (count - 1)) + 1
        puff = 1.0 + 0.12 * np.sin(np.linspace(0, np.pi, i1 - i0))
        h = half[i0:i1] * puff
        width = (b - a) * 0.36 * math.radians(144)  # the lobe's length along the line (unit)
        tone = darker(gold, 0.3 * abs(mid - 0.5) * 2)  # the horns bake darker
        shape = shaded_shape(pen, _lobe(line, normal, tangent, i0, i1, h, -h * 0.7, width * 0.35), tone,
                             shade=0.3, depth=0.035)
        k0, k1 = i0 + (i1 - i0) // 6, i1 - (i1 - i0) // 6
        shine = _lobe(line, normal, tangent, k0, k1, half[k0:k1] * 0.9, half[k0:k1] * 0.35, width * 0.2)
        highlight(pen, shape, shine, mix(tone, (255, 225, 150), 0.45))


def coffee(pen: Pen) -> None:
    """A teal coffee cup of black coffee on a saucer, with steam rising."""
    ground_shadow(pen, 0.5, 0.86, 0.40, 0.05)
    teal, saucer, steam = (45, 160, 150), (236, 239, 244), (185, 191, 204)
    # saucer: its rim's thickness, then its top
    pen.ellipse(darker(saucer, 0.22), 0.5, 0.815, 0.39, 0.085)
    pen.ellipse(saucer, 0.5, 0.80, 0.39, 0.08)
    pen.ellipse(darker(saucer, 0.08), 0.5, 0.80, 0.25, 0.045)
    # handle, behind the cup
    handle = bezier((0.70, 0.48), (0.86, 0.44), (0.88, 0.66), (0.66, 0.68), 40)
    pen.stroke(darker(teal, 0.25), handle, 0.055)
    pen.stroke(teal, moved(handle, -0.006, -0.008), 0.035)
    # the cup: a rounded bowl under an elliptic rim
    right = chain(bezier((0.5, 0.40), (0.62, 0.40), (0.73, 0.39), (0.73, 0.40), 8),
                  bezier((0.73, 0.40), (0.73, 0.62), (0.68, 0.78), (0.58, 0.79)),
                  bezier((0.58, 0.79), (0.54, 0.795), (0.52, 0.795), (0.5, 0.795), 8))
    body = np.concatenate([mirror(right)[:-1], ellipse_pts(0.5, 0.40, 0.23, 0.06)[48:]])
    shape = shaded_shape(pen, body, teal, shade=0.28, depth=0.06)
    highlight(pen, shape, rounded([(0.31, 0.47), (0.35, 0.47), (0.37, 0.66), (0.35, 0.70)], 3), lighter(teal, 0.4))
    pen.ellipse(lighter(teal, 0.55), 0.5, 0.40, 0.23, 0.06)  # the rim, seen from above
    pen.ellipse((95, 55, 30), 0.5, 0.405, 0.20, 0.047)  # coffee
    pen.ellipse((150, 100, 60), 0.47, 0.40, 0.12, 0.024)  # crema
    pen.ellipse((180, 130, 85), 0.45, 0.397, 0.05, 0.01)
    for i, x in enumerate((0.40, 0.50, 0.60)):
        t = np.linspace(0, 1, 40)
        wave = np.stack([x + 0.028 * np.sin(t * 2 * math.pi * 1.2 + i * 1.7), 0.33 - 0.21 * t - 0.03 * (i == 1)], 1)
        pen.stroke(steam, wave, 0.024)


def water(pen: Pen) -> None:
    """A clear blue 0.5 l water bottle with a blue cap and a white label with a drop."""
    ground_shadow(pen, 0.5, 0.895, 0.24, 0.035)
    glass, blue, cap = (205, 232, 250), (70, 160, 235), (25, 90, 190)
    right = chain(bezier((0.5, 0.19), (0.53, 0.19), (0.56, 0.19), (0.56, 0.19), 4),
                  bezier((0.56, 0.19), (0.56, 0.26), (0.67, 0.28), (0.67, 0.36)),
                  bezier((0.67, 0.36), (0.67, 0.60), (0.67, 0.80), (0.67, 0.84)),
                  bezier((0.67, 0.84), (0.67, 0.88), (0.64, 0.89), (0.60, 0.89), 12),
                  bezier((0.60, 0.89), (0.55, 0.89), (0.52, 0.89), (0.5, 0.89), 4))
    body = mirror(right)
    shape = shaded_shape(pen, body, glass, shade=0.12, depth=0.03)
    # the water inside, below the shoulder, with its own shade
    level = pen.layer()
    level.poly(blue, [(0.2, 0.33), (0.8, 0.33), (0.8, 1.0), (0.2, 1.0)])
    level.poly(darker(blue, 0.15), [(0.6, 0.33), (0.8, 0.33), (0.8, 1.0), (0.6, 1.0)])
    inside = pen.layer()
    inside.poly((0, 0, 0), scaled(body, 0.93, about=(0.5, 0.56)))
    pen.paste(level, clip=inside)
    pen.ellipse(lighter(blue, 0.35), 0.5, 0.33, 0.155, 0.014)  # the water's surface
    # grooves below the label
    for y in (0.76, 0.81):
        highlight(pen, shape, rounded([(0.3, y - 0.008), (0.7, y - 0.008), (0.7, y + 0.008), (0.3, y + 0.008)], 2),
                  darker(blue, 0.3), opacity=0.6)
    # label with a water drop
    label = [(0.3, 0.49), (0.7, 0.49), (0.7, 0.69), (0.3, 0.69)]
    highlight(pen, shape, label, (250, 252, 255))
    highlight(pen, shape, [(0.3, 0.49), (0.7, 0.49), (0.7, 0.505), (0.3, 0.505)], cap)
    highlight(pen, shape, [(0.3, 0.675), (0.7, 0.675), (0.7, 0.69), (0.3, 0.69)], cap)
    drop = chain(bezier((0.5, 0.525), (0.52, 0.56), (0.55, 0.59), (0.55, 0.615), 24),
                 bezier((0.55, 0.615), (0.55, 0.645), (0.525, 0.655), (0.5, 0.655), 16))
    pen.poly(blue, mirror(drop))
    pen.ellipse(lighter(blue, 0.6), 0.48, 0.625, 0.009, 0.015, 20)
    # the light's reflection down the left side
    highlight(pen, shape, rounded([(0.365, 0.37), (0.395, 0.37), (0.395, 0.47), (0.365, 0.47)], 3), (255, 255, 255),
              opacity=0.75)
    highlight(pen, shape, rounded([(0.365, 0.71), (0.395, 0.71), (0.395, 0.85), (0.365, 0.85)], 3), (255, 255, 255),
              opacity=0.75)
    # neck ring and cap
    pen.poly(darker(cap, 0.1), rounded([(0.41, 0.175), (0.59, 0.175), (0.59, 0.20), (0.41, 0.20)], 2))
    cap_pts = rounded([(0.425, 0.085), (0.575, 0.085), (0.575, 0.18), (0.425, 0.18)], 2)
    cap_shape = shaded_shape(pen, cap_pts, cap, shade=0.25, depth=0.02)
    for x in np.linspace(0.445, 0.555, 6):
        highlight(pen, cap_shape, [(x - 0.005, 0.10), (x + 0.005, 0.10), (x + 0.005, 0.17), (x - 0.005, 0.17)],
                  lighter(cap, 0.3))


def sandwich(pen: Pen) -> None:
    """A triangular sandwich half lying flat, its cut towards us: the top slice's crumb framed by crust,
    and at the cut, bread, ruffled lettuce, tomato, cheese and bread."""
    ground_shadow(pen, 0.5, 0.80, 0.43, 0.05)
    crust, crumb = (196, 128, 58), (252, 236, 196)
    lettuce, tomato, cheese = (105, 185, 60), (222, 62, 52), (250, 198, 50)
    x0, x1, cut, bottom = 0.08, 0.92, 0.50, 0.77

    def slab(left: float, y0: float, right: float, y1: float, color: Color, corner: float = 0.012) -> Pen:
        return shaded_shape(pen, soft_corners([(left, y0), (right, y0), (right, y1), (left, y1)], corner), color,
                            shade=0.18, depth=0.015)

    def bread(y0: float, y1: float) -> None:
        """A slice's cut face: crumb with crust at both ends and a few holes."""
        face = slab(x0, y0, x1, y1, crust)
        highlight(pen, face, [(x0 + 0.025, y0), (x1 - 0.025, y0), (x1 - 0.025, y1), (x0 + 0.025, y1)], crumb)
        for k, x in enumerate(np.linspace(x0 + 0.09, x1 - 0.09, 6)):
            highlight(pen, face, ellipse_pts(x, (y0 + y1) / 2 + (0.012 if k % 2 else -0.01), 0.012, 0.006),
                      darker(crumb, 0.1))

    # the top slice: a triangle whose near edge is the cut, crust on its two far sides
    top = soft_corners([(0.60, 0.15), (x1, cut + 0.01), (x0, cut + 0.01)], 0.03)
    shape = shaded_shape(pen, top, crust, shade=0.22, depth=0.02)
    highlight(pen, shape, soft_corners([(0.597, 0.215), (x1 - 0.07, cut + 0.02), (x0 + 0.075, cut + 0.02)], 0.03),
              crumb)
    highlight(pen, shape, soft_corners([(0.56, 0.27), (0.585, 0.28), (0.30, 0.46), (0.25, 0.46)], 0.01),
              lighter(crumb, 0.6))
    # the cut face, bottom up so each layer overlaps the one below
    bread(0.695, bottom)
    slab(x0 - 0.01, 0.67, x1 + 0.01, 0.705, cheese, 0.006)
    pen.poly(cheese, soft_corners([(x1 - 0.03, 0.675), (x1 + 0.025, 0.675), (x1 + 0.03, 0.745),
                                   (x1 - 0.01, 0.705)], 0.012))
    for k in range(4):
        a = x0 + 0.005 + k * 0.21
        tom = slab(a, 0.615, a + 0.2, 0.68, tomato, 0.025)
        highlight(pen, tom, ellipse_pts(a + 0.07, 0.635, 0.035, 0.008), lighter(tomato, 0.4))
    t = np.linspace(0, 1, 240)
    ruffle = np.stack([x0 - 0.035 + (x1 - x0 + 0.07) * t, 0.625 + 0.013 * np.sin(t * 2 * math.pi * 11)], 1)
    leaf = shaded_shape(pen, np.concatenate([[(x0 - 0.035, 0.56), (x1 + 0.035, 0.56)], ruffle[::-1]]), lettuce,
                        shade=0.25, depth=0.015)
    highlight(pen, leaf, np.concatenate([[(x0 - 0.04, 0.56), (x1 + 0.04, 0.56)], moved(ruffle, 0, -0.03)[::-1]]),
              lighter(lettuce, 0.3))
    bread(cut, 0.585)


DRAWINGS: dict[str, Callable[[Pen], None]] = {
    "apple": apple, "banana": banana, "croissant": croissant,
    "coffee": coffee, "water": water, "sandwich": sandwich,
}


# --------------------------------------------------------------------------- rendering


def _shrink(surface: pygame.Surface, size: int) -> pygame.Surface:
    """smoothscale with premultiplied alpha, so edges do not fade through the transparent black
    around them. The GENERIC backend gives the same bytes on every machine (SSE/MMX may round
    differently), which keeps the committed PNGs comparable with a redraw."""
    rgb = pygame.surfarray.pixels3d(surface)
    alpha = pygame.surfarray.pixels_alpha(surface)
    rgb[...] = (rgb.astype(np.uint32) * alpha[..., None] // 255).astype(np.uint8)
    del rgb, alpha
    backend = pygame.transform.get_smoothscale_backend()
    pygame.transform.set_smoothscale_backend("GENERIC")
    try:
        small = pygame.transform.smoothscale(surface, (size, size))
    finally:
        pygame.transform.set_smoothscale_backend(backend)
    rgb = pygame.surfarray.pixels3d(small)
    alpha = pygame.surfarray.pixels_alpha(small)
    a = alpha.astype(np.uint32)[..., None]
    rgb[...] = np.where(a > 0, np.minimum(255, (rgb.astype(np.uint32) * 255 + a // 2) // np.maximum(a, 1)), 0)
    del rgb, alpha
    return small


def draw_item(item_id: str, size: int) -> pygame.Surface:
    """The picture of `item_id` as a size x size RGBA Surface (transparent background).
    Raises KeyError for an item without a drawing, ValueError for a size out of range."""
    if item_id not in DRAWINGS:
        raise KeyError(item_id)
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"size {size} must be {MIN_SIZE}-{MAX_SIZE} px")
    pen = Pen(size * SUPERSAMPLE)
    DRAWINGS[item_id](pen)
    return _shrink(pen.surface, size)


def png_bytes(surface: pygame.Surface) -> bytes:
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "item.png")
    return buffer.getvalue()


def save_all(folder: Path, size: int = 512, ids: Sequence[str] | None = None) -> list[Path]:
    """Draw each item (all by default) into `folder/<id>.png`, atomically; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item_id in ids or DRAWINGS:
        path = folder / f"{item_id}.png"
        files.write_atomic(path, png_bytes(draw_item(item_id, size)))
        written.append(path)
    return written


# --------------------------------------------------------------------------- command line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line and exit code 2, without the usage block
        raise _Usage(message)


class _Usage(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    """Draw the item pictures; print each file written. 0 ok, 2 bad arguments, 1 cannot write."""
    parser = _Parser(prog="python -m kiosk.tools.item_pictures", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for <id>.png (default {DEFAULT_OUT})")
    parser.add_argument("--size", type=int, default=512, help=f"side in px, {MIN_SIZE}-{MAX_SIZE} (default 512)")
    parser.add_argument("--only", nargs="+", metavar="ID", help=f"only these items: {', '.join(DRAWINGS)}")
    try:
        args = parser.parse_args(argv)
        unknown = [i for i in args.only or () if i not in DRAWINGS]
        if unknown:
            raise _Usage(f"no drawing for item {unknown[0]!r}; known: {', '.join(DRAWINGS)}")
        if not MIN_SIZE <= args.size <= MAX_SIZE:
            raise _Usage(f"--size {args.size} must be {MIN_SIZE}-{MAX_SIZE} px")
    except _Usage as e:
        print(f"item_pictures: {e}", file=sys.stderr)
        return 2
    try:
        written = save_all(args.out, args.size, args.only)
    except OSError as e:
        print(f"item_pictures: cannot write to {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path} ({args.size}x{args.size})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

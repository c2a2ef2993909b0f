"""Demo story banners that look designed: the category's colour, a subtle dot pattern, a
large drawn emblem for the category on the right, and the left side kept clear.

A banner may be reused by another story from the library, so it carries no story's words:
the left and middle, where a reader's eye looks for a headline, stay the same for every
story of a category (only the emblem's orbiting dots vary with the seed).
"""

from __future__ import annotations

import io
import math
import random
import zlib
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

from techpulse.services.media import drawing as d

Emblem = Callable[[ImageDraw.ImageDraw, tuple[float, float, float], d.RGB, float], None]
_INK = (255, 255, 255, 235)


def draw_banner(seed: str, category: str, *, palette: int = 0, size: d.Size = (1600, 900)) -> bytes:
    """PNG bytes of a demo banner for a story in ``category`` (``seed`` varies details)."""
    start, end, accent = (d._rgb(c) for c in d.PALETTES[palette % len(d.PALETTES)])
    width, height = size
    scale = min(width / 1600, height / 900)
    canvas = d._gradient(size, d._mix(start, end, 0.35), end).transpose(
        Image.Transpose.FLIP_TOP_BOTTOM
    )
    canvas.alpha_composite(_dots(size, scale))
    canvas.alpha_composite(_emblem_layer(size, scale, category, accent, seed))
    canvas.alpha_composite(d._bottom_shade(size))
    layout = d._layout("", category, size)
    canvas.alpha_composite(d._chrome(layout, accent))
    canvas = canvas.convert("RGB")
    _draw_marks(ImageDraw.Draw(canvas, "RGBA"), layout, start, accent)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def _draw_marks(draw: ImageDraw.ImageDraw, layout: d._Layout, ink: d.RGB, accent: d.RGB) -> None:
    """The wordmark and the category's label; no small print, which no card could show."""
    scale, (x, y, side) = layout.scale, layout.tile
    mark = d._face(round(38 * scale), bold=True)
    text_x, mid_y = x + side + round(18 * scale), y + side / 2
    d._text(draw, (text_x, mid_y), "Tech", mark, d._WHITE, anchor="lm")
    d._text(draw, (text_x + mark.width("Tech"), mid_y), "Pulse", mark, accent, anchor="lm")
    pill_mid = (layout.pill[1] + layout.pill[3]) / 2
    label = d._label_face(scale)
    d._text(draw, (layout.margin + 20 * scale, pill_mid), layout.label, label, ink, "lm")


def _dots(size: d.Size, scale: float) -> Image.Image:
    """A quiet, even dot grid over the whole picture."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step = max(6, round(44 * scale))
    radius = max(0.8, 1.8 * scale)
    for x in range(step // 2, size[0], step):
        for y in range(step // 2, size[1], step):
            d._dot(draw, (x, y), radius, (255, 255, 255, 24))
    return layer


def _emblem_layer(
    size: d.Size, scale: float, category: str, accent: d.RGB, seed: str
) -> Image.Image:
    """Glow, rings with orbiting dots and a tile holding the category's emblem."""
    k = d._SUPERSAMPLE
    width, height = size
    cx, cy, side = width * 0.75, height * 0.46, min(height * 0.44, width * 0.3)
    glow = Image.new("RGBA", (max(1, width // 8), max(1, height // 8)), (*accent, 0))
    gr = side * 0.9 / 8
    ImageDraw.Draw(glow).ellipse(
        (cx / 8 - gr, cy / 8 - gr, cx / 8 + gr, cy / 8 + gr), (*accent, 90)
    )
    glow = glow.filter(ImageFilter.GaussianBlur(max(1.0, gr / 2))).resize(size, Image.BICUBIC)
    layer = Image.new("RGBA", (width * k, height * k), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    line = max(1, round(3 * scale * k))
    rng = random.Random(zlib.crc32(seed.encode("utf-8")))
    for ring, alpha in ((0.78, 90), (1.02, 55)):
        r = side * ring * k
        draw.ellipse(
            (cx * k - r, cy * k - r, cx * k + r, cy * k + r), outline=(*accent, alpha), width=line
        )
        for _ in range(2):
            angle = rng.uniform(0, 2 * math.pi)
            px, py = cx * k + r * math.cos(angle), cy * k + r * math.sin(angle)
            d._dot(draw, (px, py), 7 * scale * k, (*accent, 230))
    half = side / 2 * k
    box = (cx * k - half, cy * k - half, cx * k + half, cy * k + half)
    draw.rounded_rectangle(
        box, radius=half / 3, fill=(255, 255, 255, 30), outline=(*accent, 170), width=line
    )
    _emblem_for(category)(draw, (cx * k, cy * k, half * 0.62), accent, scale * k)
    layer = layer.resize(size, Image.Resampling.LANCZOS)
    glow.alpha_composite(layer)
    return glow


def _emblem_for(category: str) -> Emblem:
    """The emblem whose keyword the category's name contains (a pulse otherwise)."""
    name = category.lower()
    for words, emblem in _EMBLEMS:
        if any(word in name for word in words):
            return emblem
    return _pulse


def _network(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float], accent: d.RGB, s: float
) -> None:
    """AI: a small neural network, three layers of nodes joined by lines."""
    x, y, r = box
    layers = [[-0.6, 0.0, 0.6], [-0.9, -0.3, 0.3, 0.9], [-0.45, 0.45]]
    nodes = [
        [(x + (i - 1) * r * 0.95, y + dy * r) for dy in column] for i, column in enumerate(layers)
    ]
    for left, right in zip(nodes, nodes[1:], strict=False):
        for a in left:
            for b in right:
                draw.line((a, b), fill=(255, 255, 255, 120), width=max(1, round(3 * s)))
    for column in nodes:
        for px, py in column:
            d._dot(draw, (px, py), r * 0.13, _INK)
            d._dot(draw, (px, py), r * 0.07, (*accent, 255))


def _code(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float], accent: d.RGB, s: float
) -> None:
    """Software: angle brackets around a slash."""
    x, y, r = box
    w = max(2, round(13 * s))
    draw.line(
        ((x - 0.35 * r, y - 0.55 * r), (x - 0.9 * r, y), (x - 0.35 * r, y + 0.55 * r)),
        fill=_INK,
        width=w,
        joint="curve",
    )
    draw.line(
        ((x + 0.35 * r, y - 0.55 * r), (x + 0.9 * r, y), (x + 0.35 * r, y + 0.55 * r)),
        fill=_INK,
        width=w,
        joint="curve",
    )
    draw.line(
        ((x + 0.15 * r, y - 0.75 * r), (x - 0.15 * r, y + 0.75 * r)), fill=(*accent, 255), width=w
    )


def _cloud(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float], accent: d.RGB, s: float
) -> None:
    """Cloud: a cloud over an upload arrow."""
    x, y, r = box
    for cx, cy, cr in ((-0.45, 0.1, 0.38), (0.05, -0.2, 0.5), (0.5, 0.12, 0.36)):
        d._dot(draw, (x + cx * r, y + cy * r), cr * r, _INK)
    draw.rounded_rectangle(
        (x - 0.83 * r, y + 0.05 * r, x + 0.86 * r, y + 0.48 * r), radius=0.2 * r, fill=_INK
    )
    w = max(2, round(11 * s))
    draw.line(((x, y + 0.35 * r), (x, y - 0.15 * r)), fill=(*accent, 255), width=w)
    draw.line(
        ((x - 0.22 * r, y + 0.05 * r), (x, y - 0.17 * r), (x + 0.22 * r, y + 0.05 * r)),
        fill=(*accent, 255),
        width=w,
        joint="curve",
    )


def _growth(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float], accent: d.RGB, s: float
) -> None:
    """Business: rising bars under a trend line with an arrow."""
    x, y, r = box
    base = y + 0.75 * r
    for i, h in enumerate((0.45, 0.75, 1.05, 1.4)):
        left = x - 0.85 * r + i * 0.45 * r
        draw.rounded_rectangle(
            (left, base - h * r, left + 0.3 * r, base), radius=0.06 * r, fill=_INK
        )
    w = max(2, round(10 * s))
    points = [
        (x - 0.9 * r, y + 0.05 * r),
        (x - 0.3 * r, y - 0.3 * r),
        (x + 0.1 * r, y - 0.15 * r),
        (x + 0.8 * r, y - 0.85 * r),
    ]
    draw.line(points, fill=(*accent, 255), width=w, joint="curve")
    tip = points[-1]
    draw.polygon(
        [tip, (tip[0] - 0.32 * r, tip[1] + 0.04 * r), (tip[0] - 0.04 * r, tip[1] + 0.32 * r)],
        fill=(*accent, 255),
    )


def _shield(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float], accent: d.RGB, s: float
) -> None:
    """Security: a shield with a keyhole."""
    x, y, r = box
    shape = [
        (x, y - 0.9 * r),
        (x + 0.75 * r, y - 0.6 * r),
        (x + 0.65 * r, y + 0.25 * r),
        (x, y + 0.9 * r),
        (x - 0.65 * r, y + 0.25 * r),
        (x - 0.75 * r, y - 0.6 * r),
    ]
    draw.polygon(shape, fill=_INK)
    d._dot(draw, (x, y - 0.12 * r), 0.18 * r, (*accent, 255))
    draw.polygon(
        [
            (x - 0.1 * r, y - 0.05 * r),
            (x + 0.1 * r, y - 0.05 * r),
            (x + 0.14 * r, y + 0.38 * r),
            (x - 0.14 * r, y + 0.38 * r),
        ],
        fill=(*accent, 255),
    )


def _phone(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float], accent: d.RGB, s: float
) -> None:
    """Mobile: a phone with a lit screen."""
    x, y, r = box
    draw.rounded_rectangle(
        (x - 0.5 * r, y - 0.92 * r, x + 0.5 * r, y + 0.92 * r), radius=0.16 * r, fill=_INK
    )
    draw.rounded_rectangle(
        (x - 0.4 * r, y - 0.72 * r, x + 0.4 * r, y + 0.62 * r), radius=0.06 * r, fill=(*accent, 255)
    )
    d._dot(draw, (x, y + 0.78 * r), 0.06 * r, (*accent, 255))


def _pulse(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float], accent: d.RGB, s: float
) -> None:
    """Anything else: TechPulse's heartbeat trace."""
    x, y, r = box
    points = [(x + (px - 0.5) * 2 * r, y + (py - 0.5) * 2 * r) for px, py in d._PULSE]
    draw.line(points, fill=_INK, width=max(2, round(12 * s)), joint="curve")
    d._dot(draw, points[5], 0.09 * r, (*accent, 255))


_EMBLEMS: tuple[tuple[tuple[str, ...], Emblem], ...] = (
    (("secur", "privacy"), _shield),
    (("mobile", "phone", "app"), _phone),
    (("ai", "machine", "data"), _network),
    (("cloud", "devops", "infra", "ops"), _cloud),
    (("business", "startup", "market", "money"), _growth),
    (("software", "develop", "code", "tool", "web"), _code),
)

"""Pictures drawn with Pillow (demo banners, the site card): the site needs no stock photos."""

from __future__ import annotations

import io
import math
import random
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

# (gradient start, gradient end, accent): dark enough that white text keeps high contrast.
PALETTES: tuple[tuple[str, str, str], ...] = (
    ("#0b1120", "#312e81", "#38bdf8"),  # midnight indigo, sky accent
    ("#031c1b", "#0f766e", "#5eead4"),  # deep teal, mint accent
    ("#1a1033", "#6b1a6e", "#f0abfc"),  # plum, orchid accent
    ("#17120f", "#7c2d12", "#fb923c"),  # ember, amber accent
    ("#0a1f14", "#166534", "#a3e635"),  # forest, lime accent
    ("#0f1623", "#1e3a8a", "#facc15"),  # graphite blue, signal yellow accent
    ("#17141a", "#881337", "#fda4af"),  # crimson night, rose accent
    ("#071a2b", "#0e7490", "#fde68a"),  # ocean, sand accent
)

_BOLD_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
_REGULAR_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_FOOTER = "techpulse \u00b7 CodeDote Technologies, Vadodara"
_ELLIPSIS = "\u2026"
_MAX_LINES = 3
_SUPERSAMPLE = 3  # shapes are drawn this many times larger, then scaled down for anti-aliasing
_WHITE = (255, 255, 255)
# A heartbeat trace inside the logo tile, as fractions of the tile's side.
_PULSE = (
    (0.14, 0.55),
    (0.3, 0.55),
    (0.36, 0.47),
    (0.42, 0.55),
    (0.47, 0.55),
    (0.53, 0.2),
    (0.6, 0.82),
    (0.65, 0.55),
    (0.71, 0.55),
    (0.77, 0.46),
    (0.82, 0.55),
    (0.88, 0.55),
)

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Size = tuple[int, int]
Draw = ImageDraw.ImageDraw
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class _Face:
    font: Font
    size: int
    stroke: int  # faux-bold stroke, used only when the real bold face is unavailable

    def width(self, text: str) -> float:
        return self.font.getlength(text) + 2 * self.stroke


@dataclass(frozen=True)
class _Layout:
    scale: float
    margin: int
    tile: tuple[int, int, int]  # x, y, side of the logo tile
    lines: list[str]
    headline: _Face
    headline_top: int
    label: str
    pill: tuple[float, float, float, float]
    rule_y: int

    @property
    def leading(self) -> int:
        return _leading(self.headline)


def draw_banner(seed: str, category: str, *, palette: int = 0, size: Size = (1600, 900)) -> bytes:
    """PNG bytes of a demo news banner: wordmark, category and its emblem, never the headline.

    A banner may be reused by another story from the library, so it carries no story's
    words; ``seed`` (e.g. the story title) only varies details of the emblem.
    """
    from techpulse.services.media import banner_art  # it builds on this module's helpers

    return banner_art.draw_banner(seed, category, palette=palette, size=size)


def draw_card(
    headline: str, label: str, *, palette: int = 0, size: Size = (1600, 900), seed: str = ""
) -> bytes:
    """PNG bytes of a TechPulse card with ``label`` in a pill and ``headline`` (may be empty)."""
    start, end, accent = (_rgb(c) for c in PALETTES[palette % len(PALETTES)])
    layout = _layout(headline, label, size)
    canvas = _background(size, (start, end, accent), layout.scale, seed + headline + label)
    canvas.alpha_composite(_chrome(layout, accent))
    canvas = canvas.convert("RGB")
    _draw_text(ImageDraw.Draw(canvas, "RGBA"), layout, size, start, accent)
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def _layout(headline: str, category: str, size: Size) -> _Layout:
    """Work out where everything goes, bottom-up from the footer rule."""
    width, height = size
    scale = min(width / 1600, height / 900)
    margin = round(96 * scale)
    rule_y = height - round(84 * scale)
    face, lines = _fit_headline(headline, width - 2 * margin - round(100 * scale), scale)
    headline_top = rule_y - round(52 * scale) - _leading(face) * len(lines)
    label = " ".join(category.upper().split()) or "NEWS"
    pad_x, pad_y = 20 * scale, 11 * scale
    pill_bottom = headline_top - 30 * scale
    pill_top = pill_bottom - 2 * pad_y - 18 * scale
    pill_right = margin + _label_face(scale).width(label) + 2 * pad_x
    return _Layout(
        scale=scale,
        margin=margin,
        tile=(margin, round(72 * scale), round(60 * scale)),
        lines=lines,
        headline=face,
        headline_top=headline_top,
        label=label,
        pill=(margin, pill_top, pill_right, pill_bottom),
        rule_y=rule_y,
    )


def _background(size: Size, colours: tuple[RGB, RGB, RGB], scale: float, seed: str) -> Image.Image:
    """Gradient, soft light, dot grid with circuit traces, and a shade behind the text."""
    start, end, accent = colours
    canvas = _gradient(size, start, end)
    canvas.alpha_composite(_glow(size, _mix(end, _WHITE, 0.3)))
    canvas.alpha_composite(_pattern(size, accent, scale, seed))
    canvas.alpha_composite(_bottom_shade(size))
    return canvas


def _rgb(colour: str) -> RGB:
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    red, green, blue = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return red, green, blue


def _gradient(size: Size, start: RGB, end: RGB) -> Image.Image:
    """Diagonal gradient from the top-left (start) to the bottom-right (end)."""
    width, height = size
    ramp = Image.linear_gradient("L")  # 256x256, each row's value equals its index
    coeffs = (0, 0, 128, 255 / (2 * width), 255 / (2 * height), 0)
    mask = ramp.transform(size, Image.Transform.AFFINE, coeffs, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGBA", size, end), Image.new("RGBA", size, start), mask)


def _glow(size: Size, colour: RGB) -> Image.Image:
    """A soft light in the top-right corner, blurred at low resolution for speed."""
    small = (max(1, size[0] // 8), max(1, size[1] // 8))
    layer = Image.new("RGBA", small, (*colour, 0))
    cx, cy, r = small[0] * 0.88, small[1] * 0.05, small[0] * 0.32
    ImageDraw.Draw(layer).ellipse((cx - r, cy - r, cx + r, cy + r), (*colour, 80))
    layer = layer.filter(ImageFilter.GaussianBlur(small[0] / 12))
    return layer.resize(size, Image.Resampling.BICUBIC)


def _pattern(size: Size, accent: RGB, scale: float, seed: str) -> Image.Image:
    """Dot grid plus circuit traces, fading out towards the text on the left."""
    k = 2
    layer = Image.new("RGBA", (size[0] * k, size[1] * k), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step = max(8, round(40 * scale)) * k
    for x in range(step // 2, layer.width, step):
        for y in range(step // 2, layer.height, step):
            _dot(draw, (x, y), max(1.0, 1.6 * scale) * k, (255, 255, 255, 40))
    rng = random.Random(zlib.crc32(seed.encode("utf-8")))
    _draw_traces(draw, rng, layer.size, step, accent, scale * k)
    layer = layer.resize(size, Image.Resampling.LANCZOS)
    fade = Image.linear_gradient("L").transpose(Image.Transpose.TRANSPOSE).resize(size)
    fade = fade.point(lambda v: max(0, min(255, (v - 90) * 2)))
    layer.putalpha(ImageChops.multiply(layer.getchannel("A"), fade))
    return layer


def _draw_traces(
    draw: Draw, rng: random.Random, size: Size, step: int, accent: RGB, scale: float
) -> None:
    """A bus of traces entering from the right edge and rising leftwards, never crossing."""
    rows = size[1] // step
    rise = rng.randint(2, 3)
    row, run = rise + rng.randint(2, 3), rng.randint(1, 2)
    while row <= rows * 0.55:
        _draw_trace(draw, size, step, (row, run, rise, rng.randint(1, 4)), accent, scale)
        row += rng.randint(2, 3)
        run += rng.randint(1, 2)


def _draw_trace(
    draw: Draw, size: Size, step: int, shape: tuple[int, int, int, int], accent: RGB, scale: float
) -> None:
    """One trace: a run in from the edge, a 45-degree rise, a short run, a ring terminal."""
    row, run, rise, tail = shape
    x, y = (size[0] // step + 1.5) * step, (row + 0.5) * step
    points = [(x, y)]
    for dx, dy in ((run, 0), (rise, -rise), (tail, 0)):
        x, y = x - dx * step, y + dy * step
        points.append((x, y))
    line = max(1, round(2 * scale))
    draw.line(points, fill=(*accent, 130), width=line, joint="curve")
    for point in points[1:-1]:
        _dot(draw, point, 2.5 * scale, (*accent, 170))
    r = 6 * scale
    draw.ellipse((x - r, y - r, x + r, y + r), outline=(*accent, 200), width=line)


def _dot(draw: Draw, centre: tuple[float, float], radius: float, fill: RGBA) -> None:
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill)


def _bottom_shade(size: Size) -> Image.Image:
    """Darkens the lower part of the banner so the headline always reads cleanly."""
    shade = Image.linear_gradient("L").resize(size).point(lambda v: max(0, v - 100) * 2 // 3)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    layer.putalpha(shade)
    return layer


def _chrome(layout: _Layout, accent: RGB) -> Image.Image:
    """Logo tile with pulse glyph and the category pill, anti-aliased; covers the top-left."""
    k = _SUPERSAMPLE
    right = max(sum(layout.tile[::2]), layout.pill[2])
    size = (max(1, math.ceil(right) + 2), max(1, math.ceil(layout.pill[3]) + 2))
    layer = Image.new("RGBA", (size[0] * k, size[1] * k), (*_WHITE, 0))
    draw = ImageDraw.Draw(layer)
    x, y, side = (v * k for v in layout.tile)
    draw.rounded_rectangle((x, y, x + side, y + side), radius=side / 4, fill=(*_WHITE, 30))
    pulse = [(x + px * side, y + py * side) for px, py in _PULSE]
    draw.line(pulse, fill=accent, width=max(2, round(4 * layout.scale * k)), joint="curve")
    pill = tuple(v * k for v in layout.pill)
    draw.rounded_rectangle(pill, radius=(pill[3] - pill[1]) / 2, fill=accent)
    return layer.resize(size, Image.Resampling.LANCZOS)


def _draw_text(draw: Draw, layout: _Layout, size: Size, ink: RGB, accent: RGB) -> None:
    """Wordmark, category label, headline and publisher line."""
    scale, margin = layout.scale, layout.margin
    x, y, side = layout.tile
    mark = _face(round(38 * scale), bold=True)
    text_x, mid_y = x + side + round(18 * scale), y + side / 2
    _text(draw, (text_x, mid_y), "Tech", mark, _WHITE, anchor="lm")
    _text(draw, (text_x + mark.width("Tech"), mid_y), "Pulse", mark, accent, anchor="lm")
    pill_mid = (layout.pill[1] + layout.pill[3]) / 2
    _text(draw, (margin + 20 * scale, pill_mid), layout.label, _label_face(scale), ink, "lm")
    for index, line in enumerate(layout.lines):
        top = layout.headline_top + index * layout.leading
        _text(draw, (margin, top), line, layout.headline, _WHITE, anchor="la")
    draw.line((margin, layout.rule_y, size[0] - margin, layout.rule_y), (*_WHITE, 48), 1)
    footer = _face(round(21 * scale), bold=False)
    _text(draw, (margin, layout.rule_y + 40 * scale), _FOOTER, footer, (*_WHITE, 185), "lm")


def _text(
    draw: Draw, xy: tuple[float, float], text: str, face: _Face, fill: RGB | RGBA, anchor: str
) -> None:
    draw.text(
        xy,
        text,
        font=face.font,
        fill=fill,
        anchor=anchor,
        stroke_width=face.stroke,
        stroke_fill=fill,
    )


def _leading(face: _Face) -> int:
    return round(face.size * 1.16)


def _label_face(scale: float) -> _Face:
    return _face(round(24 * scale), bold=True)


def _fit_headline(text: str, max_width: int, scale: float) -> tuple[_Face, list[str]]:
    """Pick the largest font size at which the headline wraps into at most three lines."""
    text = " ".join(text.split())
    largest, smallest = max(8, round(84 * scale)), max(8, round(46 * scale))
    if not text:
        return _face(largest, bold=True), []
    for font_size in range(largest, smallest - 1, -max(1, round(4 * scale))):
        face = _face(font_size, bold=True)
        lines = _wrap(text, face, max_width)
        if len(lines) <= _MAX_LINES and all(face.width(line) <= max_width for line in lines):
            return face, lines
    face = _face(smallest, bold=True)
    return face, _clip(_wrap(text, face, max_width), face, max_width)


def _wrap(text: str, face: _Face, max_width: int) -> list[str]:
    """Greedy word wrap."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and face.width(trial) > max_width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines


def _clip(lines: list[str], face: _Face, max_width: int) -> list[str]:
    """Keep three lines, ending in an ellipsis where text was cut or a line overflows."""
    kept = lines[:_MAX_LINES]
    for index, line in enumerate(kept):
        if face.width(line) > max_width or (index == len(kept) - 1 and len(lines) > len(kept)):
            kept[index] = _ellipsize(line, face, max_width)
    return kept


def _ellipsize(line: str, face: _Face, max_width: int) -> str:
    """Shorten the line, at a word boundary when possible, so it fits with an ellipsis."""
    words = line.split()
    while len(words) > 1 and face.width(" ".join(words) + _ELLIPSIS) > max_width:
        words.pop()
    line = " ".join(words)
    while line and face.width(line + _ELLIPSIS) > max_width:
        line = line[:-1]
    return line.rstrip(" ,;:-\u2013\u2014") + _ELLIPSIS


def _face(size: int, *, bold: bool) -> _Face:
    """DejaVu when installed, else Pillow's bundled font with a faux-bold stroke."""
    path = _BOLD_FONT if bold else _REGULAR_FONT
    if path.is_file():
        return _Face(_truetype(str(path), size), size, 0)
    stroke = max(1, round(size / 48)) if bold and size >= 30 else 0
    return _Face(_default_font(size), size, stroke)


@lru_cache(maxsize=64)
def _truetype(path: str, size: int) -> Font:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=64)
def _default_font(size: int) -> Font:
    return ImageFont.load_default(size=size)

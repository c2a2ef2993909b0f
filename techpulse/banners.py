"""Draws TechPulse demo banners with Pillow, so the site needs no stock photography."""

from __future__ import annotations

import io
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
_WHITE = (255, 255, 255)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class _Face:
    font: Font
    stroke: int  # faux-bold stroke, used only when the real bold face is unavailable

    def width(self, text: str) -> float:
        return self.font.getlength(text) + 2 * self.stroke


def draw_banner(
    headline: str, category: str, *, palette: int = 0, size: tuple[int, int] = (1600, 900)
) -> bytes:
    """Return PNG bytes of a TechPulse news banner; any palette index wraps around."""
    width, height = size
    scale = min(width / 1600, height / 900)
    start, end, accent = (_rgb(c) for c in PALETTES[palette % len(PALETTES)])
    canvas = _gradient(size, start, end)
    canvas = Image.alpha_composite(canvas, _glow(size, accent))
    canvas = Image.alpha_composite(canvas, _pattern(size, accent, scale, headline + category))
    canvas = Image.alpha_composite(canvas, _bottom_shade(size)).convert("RGB")
    draw = ImageDraw.Draw(canvas, "RGBA")  # RGBA ink blended onto the RGB canvas
    margin = round(96 * scale)
    _draw_wordmark(draw, (margin, round(72 * scale)), accent, scale)
    footer_top = _draw_footer(draw, size, margin, scale)
    text_top = _draw_headline(draw, headline, size, margin, footer_top - round(56 * scale))
    _draw_pill(draw, category, (margin, text_top - round(30 * scale)), start, accent, scale)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _gradient(size: tuple[int, int], start: tuple[int, ...], end: tuple[int, ...]) -> Image.Image:
    """Diagonal gradient from the top-left (start) to the bottom-right (end)."""
    width, height = size
    ramp = Image.linear_gradient("L")  # 256x256, value == row
    coeffs = (0, 0, 128, 255 / (2 * width), 255 / (2 * height), 0)
    mask = ramp.transform(size, Image.Transform.AFFINE, coeffs, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGBA", size, end), Image.new("RGBA", size, start), mask)


def _glow(size: tuple[int, int], accent: tuple[int, int, int]) -> Image.Image:
    """A soft accent-coloured light in the top-right corner, blurred at low resolution."""
    small = (max(1, size[0] // 8), max(1, size[1] // 8))
    layer = Image.new("RGBA", small, (*accent, 0))
    cx, cy, radius = small[0] * 0.88, small[1] * 0.05, small[0] * 0.32
    ImageDraw.Draw(layer).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), (*accent, 70))
    layer = layer.filter(ImageFilter.GaussianBlur(small[0] / 12))
    return layer.resize(size, Image.Resampling.BICUBIC)


def _pattern(size: tuple[int, int], accent: tuple[int, int, int], scale: float, seed: str):
    """Dot grid plus a few circuit traces, fading out towards the text on the left."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step = max(8, round(40 * scale))
    dot = max(1.0, 1.6 * scale)
    for x in range(step // 2, size[0], step):
        for y in range(step // 2, size[1], step):
            draw.ellipse((x - dot, y - dot, x + dot, y + dot), (255, 255, 255, 46))
    rng = random.Random(zlib.crc32(seed.encode("utf-8")))
    for _ in range(9):
        _draw_trace(draw, rng, size, step, accent, scale)
    fade = Image.linear_gradient("L").transpose(Image.Transpose.TRANSPOSE).resize(size)
    fade = fade.point(lambda v: max(0, min(255, (v - 90) * 2)))
    layer.putalpha(ImageChops.multiply(layer.getchannel("A"), fade))
    return layer


def _draw_trace(draw, rng: random.Random, size, step: int, accent, scale: float) -> None:
    """One circuit trace: horizontal run, 45-degree bend, horizontal run, ring terminal."""
    cols, rows = size[0] // step, size[1] // step
    x = (rng.randrange(cols // 2, cols) + 0.5) * step
    y = (rng.randrange(1, max(2, rows - 1)) + 0.5) * step
    direction = rng.choice((-1, 1))
    points = [(x, y)]
    for run, slope in ((rng.randint(1, 4), 0), (rng.randint(1, 3), direction), (2, 0)):
        x += run * step
        y += run * step * slope
        points.append((x, y))
    line = max(1, round(2 * scale))
    draw.line(points, fill=(*accent, 120), width=line, joint="curve")
    r = 6 * scale
    draw.ellipse((points[0][0] - r / 2, points[0][1] - r / 2, points[0][0] + r / 2,
                  points[0][1] + r / 2), (*accent, 150))
    end_x, end_y = points[-1]
    draw.ellipse((end_x - r, end_y - r, end_x + r, end_y + r), outline=(*accent, 150), width=line)


def _bottom_shade(size: tuple[int, int]) -> Image.Image:
    """Darkens the lower part of the banner so the headline always reads cleanly."""
    shade = Image.linear_gradient("L").resize(size).point(lambda v: max(0, (v - 100)) * 2 // 3)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    layer.putalpha(shade)
    return layer


def _draw_wordmark(draw, origin: tuple[int, int], accent, scale: float) -> None:
    """The pulse glyph in a rounded tile, followed by the TechPulse wordmark."""
    x, y = origin
    tile = round(60 * scale)
    draw.rounded_rectangle((x, y, x + tile, y + tile), radius=tile // 4, fill=(255, 255, 255, 30))
    shape = ((0.14, 0.55), (0.34, 0.55), (0.42, 0.36), (0.52, 0.8), (0.62, 0.2), (0.7, 0.55),
             (0.86, 0.55))
    points = [(x + px * tile, y + py * tile) for px, py in shape]
    draw.line(points, fill=accent, width=max(2, round(4.5 * scale)), joint="curve")
    face = _face(round(38 * scale), bold=True)
    text_x, text_y = x + tile + round(18 * scale), y + tile / 2
    draw.text((text_x, text_y), "Tech", font=face.font, fill=_WHITE, anchor="lm",
              stroke_width=face.stroke, stroke_fill=_WHITE)
    pulse_x = text_x + face.width("Tech")
    draw.text((pulse_x, text_y), "Pulse", font=face.font, fill=accent, anchor="lm",
              stroke_width=face.stroke, stroke_fill=accent)


def _draw_pill(draw, category: str, bottom_left: tuple[int, int], ink, accent, scale) -> None:
    """The category in capitals on a rounded accent-coloured pill."""
    label = " ".join(category.upper().split()) or "NEWS"
    face = _face(round(24 * scale), bold=True)
    pad_x, pad_y = round(20 * scale), round(11 * scale)
    x, bottom = bottom_left
    text_h = round(24 * scale * 0.74)
    box = (x, bottom - text_h - 2 * pad_y, x + face.width(label) + 2 * pad_x, bottom)
    draw.rounded_rectangle(box, radius=(box[3] - box[1]) / 2, fill=accent)
    draw.text((x + pad_x, (box[1] + box[3]) / 2), label, font=face.font, fill=ink, anchor="lm",
              stroke_width=face.stroke, stroke_fill=ink)


def _draw_headline(draw, headline: str, size, margin: int, bottom: int) -> int:
    """Draw the wrapped headline so its last line sits on bottom; return its top edge."""
    scale = min(size[0] / 1600, size[1] / 900)
    face, lines = _fit_headline(headline, size[0] - 2 * margin - round(100 * scale), scale)
    leading = round(face.font.size * 1.16) if hasattr(face.font, "size") else 40
    top = bottom - leading * len(lines)
    for index, line in enumerate(lines):
        draw.text((margin, top + index * leading), line, font=face.font, fill=_WHITE,
                  stroke_width=face.stroke, stroke_fill=_WHITE)
    return top


def _draw_footer(draw, size, margin: int, scale: float) -> int:
    """A hairline rule and the publisher line; return the rule's y position."""
    width, height = size
    rule_y = height - round(84 * scale)
    draw.line((margin, rule_y, width - margin, rule_y), fill=(255, 255, 255, 48), width=1)
    face = _face(round(21 * scale), bold=False)
    draw.text((margin, rule_y + round(40 * scale)), _FOOTER, font=face.font,
              fill=(255, 255, 255, 185), anchor="lm")
    return rule_y


def _fit_headline(text: str, max_width: int, scale: float) -> tuple[_Face, list[str]]:
    """Pick the largest font size at which the headline wraps into at most three lines."""
    text = " ".join(text.split()) or "TechPulse"
    largest, smallest = max(8, round(84 * scale)), max(8, round(46 * scale))
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
    """Keep three lines, ending with an ellipsis when text was cut or a line overflows."""
    kept = lines[:_MAX_LINES]
    for index, line in enumerate(kept):
        cut = index == len(kept) - 1 and len(lines) > _MAX_LINES
        if cut or face.width(line) > max_width:
            while line and face.width(line + _ELLIPSIS) > max_width:
                line = line[:-1]
            kept[index] = line.rstrip(" ,;:-") + _ELLIPSIS
    return kept


def _face(size: int, *, bold: bool) -> _Face:
    """DejaVu when installed, else Pillow's bundled font with a faux-bold stroke."""
    path = _BOLD_FONT if bold else _REGULAR_FONT
    if path.is_file():
        return _Face(_truetype(str(path), size), 0)
    return _Face(_default_font(size), max(1, round(size / 30)) if bold else 0)


@lru_cache(maxsize=64)
def _truetype(path: str, size: int) -> Font:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=64)
def _default_font(size: int) -> Font:
    return ImageFont.load_default(size=size)

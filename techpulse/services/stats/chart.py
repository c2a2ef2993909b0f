"""Geometry of the views-and-visitors chart: the server draws it as inline SVG, no script."""

from __future__ import annotations

import math
from dataclasses import dataclass

from techpulse.services.stats.reports import DayPoint

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 30


@dataclass(frozen=True)
class Bar:
    """One day's views as a bar."""

    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template draws."""

    width: int
    height: int
    bars: list[Bar]
    line: str  # visitors, as polyline points
    dots: list[tuple[float, float]]
    y_ticks: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]
    baseline: float
    left: int
    right: float


def nice_ceiling(value: int) -> int:
    """A round top for the axis: 1, 2, 5 × a power of ten."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return int(step * power)
    return value


def chart_of(points: list[DayPoint], names: list[str] | None = None) -> Chart:
    """Bars for views, a line for visitors, ticks and day labels (or ``names``)."""
    top = nice_ceiling(max([p.views for p in points] + [p.visitors for p in points] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    baseline = TOP + plot_h

    def y_of(value: int) -> float:
        return round(baseline - plot_h * value / top, 1)

    bars, dots = [], []
    every = max(1, math.ceil(len(points) / 8))
    labels = []
    for index, point in enumerate(points):
        x = LEFT + slot * index
        y = y_of(point.views)
        name = names[index] if names else f"{point.day:%-d %b}"
        title = f"{name}: {point.views} views, {point.visitors} visitors"
        bars.append(
            Bar(round(x + slot * 0.15, 1), y, round(slot * 0.7, 1), round(baseline - y, 1), title)
        )
        dots.append((round(x + slot / 2, 1), y_of(point.visitors)))
        if index % every == 0:
            labels.append((round(x + slot / 2, 1), name))
    ticks = [(y_of(top * step // 4), top * step // 4) for step in range(5)]
    line = " ".join(f"{x},{y}" for x, y in dots)
    return Chart(WIDTH, HEIGHT, bars, line, dots, ticks, labels, baseline, LEFT, WIDTH - RIGHT)

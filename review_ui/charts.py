"""Charts drawn on the server as SVG: no chart library, nothing loaded from outside,
no inline style (the pages' CSP allows none; colours come from app.css classes).

Each chart is an image with a name and a description (``role="img"``, ``<title>``,
``<desc>``) that say what it shows and its main values; the page puts a table of
every value beside it, so nothing is only in the picture. Bars carry their value
as text, and series differ by fill pattern as well as colour."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480  # drawn units; the chart scales to its column (CSS), text with it
BAR_HEIGHT = 26
LABEL_ROOM = 52  # drawn units a week's label needs: closer bars label every second (or third...) one


# Fills that differ by more than colour (app.css gives the colours): stripes and dots.
PATTERNS = ('<defs>'
            '<pattern id="cn-pattern-stripes" width="8" height="8" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect class="cn-chart__pattern-ground" width="8" height="8"/>'
            '<rect class="cn-chart__pattern-ink" width="3" height="8"/></pattern>'
            '<pattern id="cn-pattern-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
            '<rect class="cn-chart__pattern-ground" width="6" height="6"/>'
            '<circle class="cn-chart__pattern-ink" cx="3" cy="3" r="1.6"/></pattern>'
            '</defs>')


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (a week)
    value: float
    text: str  # the value as shown above the bar


@dataclass(frozen=True)
class Segment:
    series: str  # its CSS name: cn-chart__seg--{series} (accepted, rejected, added)
    value: int


@dataclass(frozen=True)
class StackedRow:
    label: str
    segments: tuple[Segment, ...]
    text: str  # the row's values in words, after the bar


def nice_top(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten not below ``value`` (the axis's top)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return f"{value:.3g}"


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="cn-chart" id="{escape(chart_id)}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" focusable="false" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
            f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>']


def column_chart(chart_id: str, *, title: str, desc: str, bars: list[Bar], axis_label: str) -> Markup:
    """Vertical bars (one per week), an axis from 0 with three grid lines."""
    height, top_pad, bottom_pad, left_pad = 300, 34, 40, 50
    plot_h, plot_w = height - top_pad - bottom_pad, WIDTH - left_pad - 10
    top = nice_top(max((b.value for b in bars), default=0))
    parts = _open(chart_id, title, desc, height)
    parts.append(f'<text class="cn-chart__axis-label" x="0" y="14">{escape(axis_label)}</text>')
    steps = 4 if round(top / 10 ** math.floor(math.log10(top))) == 2 else 5  # 0.5s of 2, 0.2s of 1, 1s of 5
    for n in range(steps + 1):
        value = top * n / steps
        y = top_pad + plot_h - plot_h * n / steps
        parts.append(f'<line class="cn-chart__grid" x1="{left_pad}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="cn-chart__tick" x="{left_pad - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(_number(value))}</text>')
    slot = plot_w / max(len(bars), 1)
    width = min(slot * 0.6, 60)
    every = math.ceil(LABEL_ROOM / slot)
    for n, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = left_pad + slot * n + (slot - width) / 2
        y = top_pad + plot_h - h
        parts.append(f'<rect class="cn-chart__bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}"/>')
        if every == 1:  # values over the bars only where they fit (the table has them all)
            parts.append(f'<text class="cn-chart__value" x="{x + width / 2:.1f}" y="{y - 5:.1f}" '
                         f'text-anchor="middle">{escape(bar.text)}</text>')
        if n % every == 0:
            parts.append(f'<text class="cn-chart__tick" x="{x + width / 2:.1f}" y="{height - bottom_pad + 20}" '
                         f'text-anchor="middle">{escape(bar.label)}</text>')
    parts.append(f'<line class="cn-chart__axis" x1="{left_pad}" x2="{WIDTH - 10}" y1="{top_pad + plot_h}" '
                 f'y2="{top_pad + plot_h}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bar_chart(chart_id: str, *, title: str, desc: str, rows: list[StackedRow]) -> Markup:
    """Horizontal bars (one per census code), each cut into its series; each row's
    label and values are written above its bar, so they have the chart's whole width
    at any size. The legend is the page's (``legend_swatch``), outside the picture."""
    line, gap = 22, 14
    height = len(rows) * (line + BAR_HEIGHT + gap)
    top = max((sum(s.value for s in r.segments) for r in rows), default=0) or 1
    parts = _open(chart_id, title, desc, height)
    parts.append(PATTERNS)
    for n, row in enumerate(rows):
        y = n * (line + BAR_HEIGHT + gap)
        parts.append(f'<text class="cn-chart__value" x="0" y="{y + 16}"><tspan class="cn-chart__label">'
                     f'{escape(row.label)}</tspan> {escape(row.text)}</text>')
        x = 0.0
        for segment in row.segments:
            if segment.value <= 0:
                continue
            w = (WIDTH - 2) * segment.value / top
            parts.append(f'<rect class="cn-chart__seg cn-chart__seg--{escape(segment.series)}" x="{x + 1:.1f}" '
                         f'y="{y + line}" width="{w:.1f}" height="{BAR_HEIGHT}"/>')
            x += w
    parts.append("</svg>")
    return Markup("".join(parts))


def legend_swatch(series: str) -> Markup:
    """A small square of a series' fill, for the legend beside the chart (decorative:
    the legend's words say the same)."""
    return Markup(f'<svg class="cn-legend__swatch" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
                  f'<rect class="cn-chart__seg cn-chart__seg--{escape(series)}" x="0.5" y="0.5" width="15" '
                  f'height="15"/></svg>')

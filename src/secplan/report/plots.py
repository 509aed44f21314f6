"""Static inline SVG charts for the HTML pages: grouped bars, horizontal bars and a line chart.

No JavaScript and no network: each chart is one ``<svg role="img">`` element whose ``<title>`` and
``<desc>`` (linked by ``aria-labelledby``) name it and read out every value, with labelled axes and
a value printed beside each mark, so a screen reader, a text browser and a printout all get the
numbers. Every text is escaped (labels are user data); the result is ``Markup`` for Jinja2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

COLOURS = ("#4f6bed", "#e07b39", "#2e9e6a", "#8e5bd0", "#c0392b", "#6b7785")
"""Series colours (distinguishable with the usual colour-vision deficiencies; values are printed too)."""


@dataclass(frozen=True)
class Limit:
    """A threshold drawn across the chart as a dashed line, with its label."""

    value: float
    label: str


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _frame(title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    n = hashlib.sha256(f"{title}\n{desc}".encode()).hexdigest()[:10]  # stable ids: the same page twice is the same bytes
    return Markup(  # every interpolated text went through escape()
        f'<svg class="plot" role="img" aria-labelledby="plot{n}-t plot{n}-d" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" font-size="12" '
        f'font-family="system-ui, sans-serif"><title id="plot{n}-t">{escape(title)}</title>'
        f'<desc id="plot{n}-d">{escape(desc)}</desc>{"".join(body)}</svg>')


def _limit_line(limit: Limit | None, x: float, y1: float, y2: float) -> list[str]:
    if limit is None:
        return []
    return [f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y1:.1f}" y2="{y2:.1f}" stroke="#c0392b" '
            f'stroke-dasharray="4,3"/><text x="{x + 3:.1f}" y="{y1 + 10:.1f}" fill="#c0392b">'
            f'{escape(limit.label)}</text>']


def hbars(title: str, rows: Sequence[tuple[str, float | None]], *, axis: str,
          limit: Limit | None = None) -> Markup:
    """One horizontal bar per ``(label, value)``, scaled to the largest value (and the limit)."""
    label_w, bar_w, row_h, top = 170, 300, 22, 22
    top_value = max([abs(v) for _, v in rows if v is not None] + [limit.value if limit else 0.0, 1e-12])
    height = top + len(rows) * row_h + 30
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        w = bar_w * max(value or 0.0, 0.0) / top_value
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{COLOURS[0]}"/>'
                    f'<text x="{label_w + w + 5:.1f}" y="{y + 15}">{_fmt(value)}</text>')
    bottom = top + len(rows) * row_h
    body.append(f'<line x1="{label_w}" x2="{label_w + bar_w}" y1="{bottom + 2}" y2="{bottom + 2}" stroke="#6b7785"/>'
                f'<text x="{label_w + bar_w / 2}" y="{bottom + 20}" text-anchor="middle">{escape(axis)}</text>')
    if limit is not None:
        body += _limit_line(limit, label_w + bar_w * limit.value / top_value, top - 14, bottom)
    desc = f"{axis}: " + "; ".join(f"{label} {_fmt(v)}" for label, v in rows)
    desc += f". {limit.label} at {_fmt(limit.value)}." if limit else "."
    return _frame(title, desc, label_w + bar_w + 70, height, body)


def grouped_bars(title: str, groups: Sequence[str], series: dict[str, Sequence[float | None]], *,
                 axis: str = "rate (0 to 1)", limits: dict[str, Limit] | None = None) -> Markup:
    """For each group, one bar per series (e.g. selection rate, TPR, FPR, accuracy), on a 0..1 scale.

    ``limits`` draws a threshold across the bars of one series (a short dashed tick on each group).
    """
    names = list(series)
    label_w, bar_h, gap, top, scale = 120, 12, 10, 30, 300
    block = bar_h * len(names) + gap
    height = top + len(groups) * block + 34
    body = []
    for k, name in enumerate(names):  # the legend
        body.append(f'<rect x="{label_w + k * 95}" y="6" width="10" height="10" fill="{COLOURS[k % len(COLOURS)]}"/>'
                    f'<text x="{label_w + k * 95 + 14}" y="15">{escape(name)}</text>')
    for g, group in enumerate(groups):
        y0 = top + g * block
        body.append(f'<text x="{label_w - 8}" y="{y0 + bar_h * len(names) / 2 + 4:.1f}" text-anchor="end">'
                    f'{escape(group)}</text>')
        for k, name in enumerate(names):
            value = series[name][g]
            w = scale * min(max(value or 0.0, 0.0), 1.0)
            y = y0 + k * bar_h
            body.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                        f'fill="{COLOURS[k % len(COLOURS)]}"/><text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" '
                        f'font-size="10">{_fmt(value)}</text>')
            limit = (limits or {}).get(name)
            if limit is not None:
                x = label_w + scale * limit.value
                body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 1}" y2="{y + bar_h - 1}" stroke="#c0392b" '
                            f'stroke-width="2"/>')
    bottom = top + len(groups) * block
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = label_w + scale * tick
        body.append(f'<line x1="{x}" x2="{x}" y1="{bottom - 4}" y2="{bottom}" stroke="#6b7785"/>'
                    f'<text x="{x}" y="{bottom + 12}" text-anchor="middle" font-size="10">{tick:g}</text>')
    body.append(f'<text x="{label_w + scale / 2}" y="{bottom + 28}" text-anchor="middle">{escape(axis)}</text>')
    desc = "; ".join(f"{group}: " + ", ".join(f"{name} {_fmt(series[name][g])}" for name in names)
                     for g, group in enumerate(groups))
    if limits:
        desc += ". " + "; ".join(f"{limit.label} at {_fmt(limit.value)}" for limit in limits.values())
    return _frame(title, desc + ".", label_w + scale + 80, height, body)


def line(title: str, points: Sequence[tuple[float, float | None]], *, x_axis: str, y_axis: str,
         limit: Limit | None = None) -> Markup:
    """A line through ``(x, y)`` points, x evenly spaced in the given order (noise levels grow
    geometrically), y from 0 to the largest of the values and the limit."""
    left, width, top, plot_h = 56, 360, 16, 170
    values = [y for _, y in points if y is not None]
    y_max = max([*values, limit.value if limit else 0.0, 0.05])
    step = width / max(len(points) - 1, 1)

    def ypos(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    body = [f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#6b7785"/>'
            f'<line x1="{left}" x2="{left + width}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#6b7785"/>']
    for tick in (0, y_max / 2, y_max):
        body.append(f'<text x="{left - 6}" y="{ypos(tick) + 4:.1f}" text-anchor="end" font-size="10">'
                    f'{_fmt(tick)}</text>')
    drawn = [(left + i * step, ypos(y)) for i, (_, y) in enumerate(points) if y is not None]
    if drawn:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn)
        body.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>')
    for i, (x_value, y_value) in enumerate(points):
        x = left + i * step
        body.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">'
                    f'{_fmt(x_value)}</text>')
        if y_value is not None:
            body.append(f'<circle cx="{x:.1f}" cy="{ypos(y_value):.1f}" r="3" fill="{COLOURS[0]}"/>'
                        f'<text x="{x:.1f}" y="{ypos(y_value) - 6:.1f}" text-anchor="middle" font-size="10">'
                        f'{_fmt(y_value)}</text>')
    if limit is not None:
        y = ypos(limit.value)
        body.append(f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c0392b" '
                    f'stroke-dasharray="4,3"/><text x="{left + width - 2}" y="{y - 4:.1f}" text-anchor="end" '
                    f'fill="#c0392b">{escape(limit.label)}</text>')
    body.append(f'<text x="{left + width / 2}" y="{top + plot_h + 32}" text-anchor="middle">{escape(x_axis)}</text>'
                f'<text transform="rotate(-90)" x="{-(top + plot_h / 2)}" y="14" text-anchor="middle">'
                f'{escape(y_axis)}</text>')
    desc = f"{y_axis} against {x_axis}: " + "; ".join(f"{_fmt(x)}: {_fmt(y)}" for x, y in points)
    desc += f". {limit.label} at {_fmt(limit.value)}." if limit else "."
    return _frame(title, desc, left + width + 30, top + plot_h + 42, body)

"""Charts drawn by the portal as inline SVG: no script, nothing fetched from another host.

The SVG scales to its container (viewBox, width 100%); sizes are chosen so that labels stay
legible when a phone shrinks a chart to about three quarters.
"""

import math

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 20, 44
COLOURS = ["#0b4f8a", "#b3261e", "#1b6e4b", "#a35c00"]


def _nice_max(value):
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if value <= step * 4:
            return step * 4, step
    return value, max(1, value // 4)


def _nice_axis(low, high, intervals=4):
    """Bounds and step of an axis that covers low..high, the step 1, 2, 2.5 or 5 times a power
    of ten: scores from 62 to 83.0 get 60–90 by 10. Floats throughout: floor division of a
    Decimal truncates towards zero, which cut the axis at 80 below a score of 83.0."""
    low, high = float(low), float(high)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / intervals
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-9)
    return math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step, step


def _tick_label(value):
    return round(value) if abs(value - round(value)) < 1e-9 else round(value, 2)


def bar_chart(points, title, unit=""):
    """points: [(label, value)]. A bar per point, its value above it."""
    if not points:
        return ""
    top, step = _nice_max(max((v for _, v in points), default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(points)
    bar = max(2.0, slot * 0.6)
    ticks = [
        (tick, round(TOP + plot_h - plot_h * tick / top, 1)) for tick in range(0, top + 1, step)
    ]
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart__grid"/>'
        '<text x="{}" y="{}" class="chart__axis" text-anchor="end">{}</text>',
        ((LEFT, WIDTH - RIGHT, y, y, LEFT - 4, y + 4, tick) for tick, y in ticks),
    )
    bars = format_html_join(
        "",
        '<g><title>{}：{}{}</title><rect x="{}" y="{}" width="{}" height="{}" class="chart__bar"/>'
        '<text x="{}" y="{}" class="chart__value" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" class="chart__label" text-anchor="middle">{}</text></g>',
        (
            (
                label,
                value,
                unit,
                round(LEFT + i * slot + (slot - bar) / 2, 1),
                round(TOP + plot_h - plot_h * value / top, 1),
                round(bar, 1),
                round(plot_h * value / top, 1),
                round(LEFT + i * slot + slot / 2, 1),
                round(TOP + plot_h - plot_h * value / top - 4, 1),
                value if value else "",
                round(LEFT + i * slot + slot / 2, 1),
                HEIGHT - BOTTOM + 20,
                label,
            )
            for i, (label, value) in enumerate(points)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        grid,
        bars,
    )


def _x_anchor(i, count):
    # The end points sit on the plot's edges: a centred label there ran off the chart.
    if count > 1 and i == 0:
        return "start"
    if count > 1 and i == count - 1:
        return "end"
    return "middle"


def line_chart(labels, series, title, low=None, high=None):
    """labels: x labels; series: [(name, [value or None])]. One line per series."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not values or not labels:
        return ""
    bottom, top, step = _nice_axis(
        min(values) if low is None else low, max(values) if high is None else high
    )
    low = bottom if low is None else float(low)
    high = top if high is None else float(high)
    span = high - low
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step_x = plot_w / max(1, len(labels) - 1)

    def xy(i, v):
        return round(LEFT + i * step_x, 1), round(
            TOP + plot_h - plot_h * (float(v) - low) / span, 1
        )

    count = round((high - low) / step)
    ticks = [_tick_label(low + i * step) for i in range(count + 1)]
    parts = [
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart__grid"/>'
            '<text x="{}" y="{}" class="chart__axis" text-anchor="end">{}</text>',
            LEFT,
            WIDTH - RIGHT,
            xy(0, t)[1],
            xy(0, t)[1],
            LEFT - 4,
            xy(0, t)[1] + 4,
            t,
        )
        for t in ticks
    ]
    parts += [
        format_html(
            '<text x="{}" y="{}" class="chart__label" text-anchor="{}">{}</text>',
            xy(i, low)[0],
            HEIGHT - BOTTOM + 20,
            _x_anchor(i, len(labels)),
            label,
        )
        for i, label in enumerate(labels)
    ]
    for n, (name, vs) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                " ".join(f"{x},{y}" for x, y in points),
                colour,
            )
        )
        parts += [
            format_html(
                '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{} {}：{}</title></circle>',
                *xy(i, v),
                colour,
                name,
                labels[i],
                v,
            )
            for i, v in enumerate(vs)
            if v is not None
        ]
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart__legend" fill="{}">■ {}</text>',
                LEFT + 8 + n * 130,
                HEIGHT - 6,
                colour,
                name,
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        mark_safe("".join(parts)),  # each part built by format_html above
    )

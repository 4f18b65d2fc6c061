"""Bar charts as inline SVG, drawn on the server: no script, nothing to download, readable by a
screen reader through its title and description, and always shown beside a table of the figures."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 260
BAR_WIDTH = 340
VALUE_WIDTH = 70
BRAND = "#1d4f91"


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per row, longest scaled to the full width."""
    largest = max((value for _, value in rows), default=0) or 1
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    description = "; ".join(f"{label}: {value}" for label, value in rows) or "No data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = round(BAR_WIDTH * value / largest)
        text_y = y + BAR_HEIGHT * 0.7
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y:.0f}" text-anchor="end" class="app-chart__label">'
            f"{escape(label)}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(bar, 1)}" height="{BAR_HEIGHT}" fill="{BRAND}"></rect>',
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{text_y:.0f}" class="app-chart__value">{value}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # every interpolated string is escaped above

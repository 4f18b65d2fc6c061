"""Bar charts as inline SVG, drawn on the server: no script, nothing to download, readable by a
screen reader through its title and description, and always shown beside a table of the figures."""

from __future__ import annotations

import textwrap
from html import escape

from markupsafe import Markup

# The drawing's own units match the pixels of half a page column, so its text is body-sized.
LABEL_WIDTH = 190
BAR_WIDTH = 210
VALUE_WIDTH = 50
LINE_HEIGHT = 17
LABEL_CHARACTERS = 26
GAP = 10
BRAND = "#1d4f91"


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per row, the longest scaled to the full width; long labels wrap."""
    largest = max((value for _, value in rows), default=0) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    description = "; ".join(f"{label}: {value}" for label, value in rows) or "No data"
    body: list[str] = []
    y = GAP
    for label, value in rows:
        lines = textwrap.wrap(label, LABEL_CHARACTERS) or [""]
        height = max(2, len(lines)) * LINE_HEIGHT
        middle = y + height / 2
        first_line = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 5
        spans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first_line + i * LINE_HEIGHT:.0f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        bar = round(BAR_WIDTH * value / largest)
        body += [
            f'<text text-anchor="end" class="app-chart__label">{spans}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{max(bar, 1)}" height="{height - 8}" fill="{BRAND}"></rect>',
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{middle + 5:.0f}" class="app-chart__value">{value}</text>',
        ]
        y += height + GAP
    return Markup(  # noqa: S704  # every interpolated string is escaped or a number
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {width} {max(y, 2 * GAP)}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )

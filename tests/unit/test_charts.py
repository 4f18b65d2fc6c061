"""Server-drawn bar charts: readable without sight of them, scaled, and safe with any label."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from disclosure_service.reports.charts import BAR_WIDTH, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_each_bar_is_scaled_to_the_largest_and_labelled_with_its_value() -> None:
    svg = ET.fromstring(str(bar_chart("c", "Applications by route", [("Right to Ask", 40), ("Right to Know", 10)])))

    widths = [int(rect.attrib["width"]) for rect in svg.iter(f"{SVG}rect")]
    assert widths == [BAR_WIDTH, BAR_WIDTH // 4]
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert texts == ["Right to Ask", "40", "Right to Know", "10"]


def test_a_long_label_wraps_onto_lines_of_its_own() -> None:
    svg = ET.fromstring(str(bar_chart("c", "Outcomes", [("Immediate risk: escalated to child protection", 1)])))

    lines = [span.text for span in svg.iter(f"{SVG}tspan")]
    assert lines == ["Immediate risk: escalated", "to child protection"]


def test_a_screen_reader_gets_the_title_and_every_figure() -> None:
    svg = ET.fromstring(str(bar_chart("c", "Open cases by age", [("Under 10 days", 3), ("45 days or more", 0)])))

    assert svg.attrib["role"] == "img"
    assert svg.attrib["aria-labelledby"] == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Open cases by age"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}desc").text == "Under 10 days: 3; 45 days or more: 0"  # type: ignore[union-attr]


def test_labels_are_escaped() -> None:
    markup = str(bar_chart("c", "<script>", [("A & B <i>", 1)]))

    assert "<script>" not in markup
    assert "A &amp; B &lt;i&gt;" in markup
    ET.fromstring(markup)  # still well-formed


def test_no_rows_draws_an_empty_chart_that_says_so() -> None:
    markup = str(bar_chart("c", "Nothing", []))

    assert re.search(r"<desc[^>]*>No data</desc>", markup)
    assert "<rect" not in markup

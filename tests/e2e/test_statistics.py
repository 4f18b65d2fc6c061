"""The statistics and oversight pages in a real browser, over the demo force's cases, with axe."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_and_enrolment import sign_in


def figure(page: Page, label: str) -> int:
    return int(page.locator(".app-stat", has_text=label).locator(".app-stat__value").inner_text())


def column_total(page: Page, caption: str) -> int:
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    return sum(int(cell) for cell in table.locator("tbody td.govuk-table__cell--numeric").all_inner_texts())


def test_a_supervisor_reads_the_statistics_and_the_charts_match_the_tables(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo.supervisor2")
    page.get_by_role("link", name="Statistics", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    assert_accessible(page)

    applications = figure(page, "Applications")
    assert applications > 0
    for caption in ("Applications by route", "Applications by how they came in", "Applications by outcome"):
        assert column_total(page, caption) == applications
    chart = page.get_by_role("img", name="Applications by route")
    expect(chart).to_be_visible()
    bar_labels = chart.locator("text.app-chart__value").all_text_contents()
    assert sum(int(n) for n in bar_labels) == applications

    # A mistake in the period keeps what was typed and says what is wrong.
    page.get_by_label("From (YYYY-MM-DD)").fill("1 April")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the start date as YYYY-MM-DD")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download these cases as CSV")).click()
    rows = open(download.value.path(), encoding="utf-8").read().splitlines()  # noqa: SIM115, PTH123
    assert rows[0].startswith("reference,route,channel,received")
    assert len(rows) == applications + 1


def test_an_auditor_sees_oversight_by_team(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo.auditor")
    page.goto("/statistics")
    page.get_by_role("link", name="Oversight by officer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oversight")
    assert_accessible(page)

    captions = page.locator("table caption").all_inner_texts()
    assert "PPU North" in captions
    assert "PPU South" in captions
    north = page.locator("table", has=page.locator("caption", has_text="PPU North"))
    expect(north.get_by_role("rowheader", name="DC Sam Patel")).to_be_visible()

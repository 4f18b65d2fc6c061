"""The clocks page, the digest and the inbox of checks asked by other forces, in a real browser, with axe."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, expect

from disclosure_service.dates import LONDON
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_and_enrolment import sign_in


def test_an_admin_sets_a_clock_from_the_clocks_page(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo.admin")
    page.get_by_role("link", name="Clocks", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clocks")
    assert_accessible(page)

    # A mistake is explained by its field, and what was typed is kept.
    page.get_by_label("Clock").select_option(label="Child Sex Offender Disclosure Scheme: Checks and risk assessment")
    page.get_by_role("button", name="Set the clock").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the length")
    assert_accessible(page)

    today = datetime.now(LONDON).date()
    page.get_by_label("Length").fill("28")
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_label("Why").fill("Home Office guidance, April 2023")
    page.get_by_role("button", name="Set the clock").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The clock is set")
    expect(page.locator("table", has_text="Home Office guidance, April 2023")).to_contain_text("28 days")
    assert_accessible(page)


def test_a_supervisor_reads_the_digest_and_an_officer_the_checks_asked_of_the_force(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "demo.supervisor")
    page.get_by_role("link", name="Deadlines", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deadlines today and tomorrow")
    assert_accessible(page)
    page.get_by_role("link", name="Checks asked of us", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checks asked by other forces")
    assert_accessible(page)

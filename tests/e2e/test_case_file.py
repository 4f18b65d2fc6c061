"""Keeping the file right in a real browser: a person's details corrected, the old value kept in
the history for anyone reading the case, with axe on every page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_and_enrolment import sign_in


def test_an_officer_corrects_an_address_and_the_old_one_stays_in_the_history(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "wales.officer")
    page.goto("/cases?queue=mine")
    page.locator("a.app-case-ref").first.click()
    assert_accessible(page)
    applicant = page.locator(".govuk-summary-card", has_text="Applicant:")
    applicant.get_by_role("link", name="Correct details").click()
    assert_accessible(page)

    address = page.get_by_label("Address (optional)")
    old = address.input_value()
    # A mistake first: no reason. The page keeps the new address and says what is missing.
    address.fill("Flat 2, 7 Heol y Castell, Cardiff")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_label("Address (optional)")).to_have_value("Flat 2, 7 Heol y Castell, Cardiff")
    assert_accessible(page)

    page.get_by_role("textbox", name="Why are you correcting").fill("She gave the address she had moved from")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(page)

    history = page.locator(".app-corrections")
    expect(history).to_contain_text("Address")
    expect(history).to_contain_text(old.split("\n")[0] if old else "(blank)")
    expect(history).to_contain_text("Flat 2, 7 Heol y Castell, Cardiff")
    expect(history).to_contain_text("She gave the address she had moved from")
    expect(applicant).to_contain_text("Flat 2, 7 Heol y Castell, Cardiff")
    expect(page.locator(".app-timeline")).to_contain_text("Correct details")

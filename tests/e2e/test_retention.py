"""Retention review and subject access in a real browser, with axe: the queue, a review recorded
after a mistake shown by its field, and a person's cases found."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from playwright.sync_api import Page, expect

from disclosure_service.dates import LONDON
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer, run_async
from tests.e2e.test_sign_in_and_enrolment import sign_in


async def _make_one_due(owner_url: str) -> tuple[int, str]:
    """The demo's closed 'no trace' case, its review date put a month in the past."""
    conn = await asyncpg.connect(owner_url)
    try:
        row = await conn.fetchrow(
            "UPDATE application SET retention_review_on = current_date - 30 WHERE id = ("
            "  SELECT a.id FROM application a JOIN case_person p ON p.application = a.id"
            "  WHERE a.stage = 'closed' AND p.full_name = 'Peter Lindqvist' LIMIT 1) "
            "RETURNING id, reference"
        )
    finally:
        await conn.close()
    assert row is not None
    return row[0], row[1]


def test_a_supervisor_reviews_a_record_keeps_then_disposes_of_it_and_finds_a_persons_cases(
    page: Page, live_server: LiveServer
) -> None:
    case_id, reference = run_async(_make_one_due(live_server.env["DATABASE_URL"]))
    sign_in(page, live_server, "demo.supervisor")
    page.get_by_role("link", name="Retention", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records due for retention review")
    expect(page.locator("table")).to_contain_text(reference)
    assert_accessible(page)

    page.goto(f"/cases/{case_id}/record_retention_review")
    if page.get_by_role("heading", level=1).inner_text().startswith("Why"):
        page.get_by_label("Supervisory review").check()
        page.get_by_label("Explain").fill("Retention review due")
        page.get_by_role("button", name="Continue").click()
        page.goto(f"/cases/{case_id}/record_retention_review")
    page.get_by_label("Keep the record").check()
    page.get_by_label("Reason").fill("A related application is still open")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the next review")
    expect(page.get_by_label("Reason")).to_have_value("A related application is still open")
    assert_accessible(page)

    next_year = datetime.now(LONDON).year + 2
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("6")
    page.get_by_label("Year", exact=True).fill(str(next_year))
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved: Review keeping the record")
    page.get_by_role("link", name="Retention", exact=True).click()
    expect(page.get_by_role("main")).not_to_contain_text(reference)

    # Disposal: the case page becomes its tombstone.
    page.goto(f"/cases/{case_id}/record_retention_review")
    page.get_by_label("Dispose of the record").check()
    page.get_by_label("Reason").fill("No further public protection need")
    page.get_by_role("button", name="Record the review").click()
    page.goto(f"/cases/{case_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect(page.get_by_role("main")).to_contain_text("No further public protection need")
    expect(page.get_by_role("main")).not_to_contain_text("Lindqvist")
    assert_accessible(page)

    page.get_by_role("link", name="Subject access", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access")
    page.get_by_label("Full name of the person asking").fill("Leanne Carver")
    page.get_by_role("button", name="Find their cases").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the search")
    expect(page.get_by_label("Full name of the person asking")).to_have_value("Leanne Carver")
    assert_accessible(page)
    page.get_by_label("Reason for the search").fill("Written request received 28 November")
    page.get_by_role("button", name="Find their cases").click()
    expect(page.get_by_role("heading", level=2, name="1 record found")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Applicant")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export for review (Word)").click()
    assert download.value.suggested_filename == "subject-access-export.docx"

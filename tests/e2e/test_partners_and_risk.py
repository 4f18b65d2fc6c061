"""Partners and live risk in a real browser, with axe on every page: an officer records the
subject's MAPPA status (a mistake explained by its field first), a consultation, a reassessment of
the risk and the interim safeguarding plan, and finds each on the case page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from disclosure_service.dates import LONDON
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer
from tests.e2e.test_case_workflow import act, answer, fill_date, fill_today, saved
from tests.e2e.test_sign_in_and_enrolment import sign_in


def test_an_officer_records_mappa_a_consultation_a_reassessment_and_a_plan(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo.officer")
    page.goto("/cases?queue=mine")
    page.locator("a.app-case-ref").first.click()
    assert_accessible(page)

    act(page, "Record MAPPA status")
    answer(page, "Is the subject managed under MAPPA?", "Category 1: registered sexual offender")
    page.get_by_label("Offender manager").fill("Sam Lyle, Leeds North probation")
    page.get_by_role("button", name="Record MAPPA status").click()
    # Managed under MAPPA without a level: said by the field, and what was typed is kept.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the MAPPA level")
    expect(page.get_by_label("Offender manager")).to_have_value("Sam Lyle, Leeds North probation")
    assert_accessible(page)
    page.get_by_label("Level 2: multi-agency management", exact=True).check()
    page.get_by_label("Lead agency").select_option(label="Probation Service")
    page.get_by_role("button", name="Record MAPPA status").click()
    saved(page)
    partners = page.get_by_role("heading", name="MAPPA and partners")
    expect(partners).to_be_visible()
    expect(page.get_by_text("Level 2: multi-agency management")).to_be_visible()

    act(page, "Record a consultation with a partner")
    page.get_by_label("Agency").select_option(label="Children's social care")
    page.get_by_label("Who you spoke to").fill("Priya Nand, duty social worker")
    fill_today(page, "consulted-at", minutes_ago=5)
    page.get_by_label("What they said").fill("No open referral; they will visit this week.")
    page.get_by_role("button", name="Record consultation").click()
    saved(page)
    expect(page.get_by_text("No open referral; they will visit this week.")).to_be_visible()

    act(page, "Reassess the risk")
    answer(page, "Level of risk now", "High")
    answer(page, "Is a child at risk now?", "Yes")
    page.get_by_label("What has changed").fill("Probation say he has moved back in with the family.")
    page.get_by_role("button", name="Save reassessment").click()
    saved(page)
    expect(page.get_by_text("Probation say he has moved back in with the family.")).to_be_visible()

    act(page, "Record the interim safeguarding plan")
    page.locator("#actions-0-action").fill("Mother agrees he is not left alone with the children")
    page.locator("#actions-0-agency").select_option(label="Police")
    due = datetime.now(LONDON).date() + timedelta(days=1)
    fill_date(page, "actions-0-due-on", str(due.day), str(due.month), str(due.year))
    page.get_by_role("button", name="Save plan").click()
    saved(page)
    expect(page.get_by_role("heading", name="Interim safeguarding plan")).to_be_visible()
    expect(page.get_by_text("Mother agrees he is not left alone with the children")).to_be_visible()
    expect(page.get_by_text("The risk is high or a child is at risk")).to_have_count(0)


def test_an_officer_records_a_decision_forum_and_sees_it_above_the_recommendation(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "demo.officer")
    page.goto("/cases?queue=mine")
    row = page.locator("tr", has=page.locator("td", has_text=re.compile(r"^\s*Recommendation\s*$"))).first
    row.locator("a.app-case-ref").click()
    assert_accessible(page)

    act(page, "Record the decision forum")
    fill_today(page, "held-on")
    page.get_by_label("Chair").fill("DI Ruth Okafor, public protection")
    page.locator("#attendees-0-agency").select_option(label="Probation Service")
    page.locator("#attendees-0-name").fill("Sam Lyle")
    page.locator("#attendees-1-name").fill("Priya Nand")
    page.get_by_label("Minutes reference").fill("MAPPA-L2-118")
    page.get_by_label("Decision", exact=True).fill("Disclose to the mother.")
    page.get_by_label("Rationale").fill("He has unsupervised care of the children.")
    page.get_by_role("button", name="Record the meeting").click()
    # The second attendee has no agency: said by that row, and the rest kept.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the agency of attendee 2")
    expect(page.locator("#attendees-1-name")).to_have_value("Priya Nand")
    expect(page.get_by_label("Minutes reference")).to_have_value("MAPPA-L2-118")
    assert_accessible(page)
    page.locator("#attendees-1-agency").select_option(label="Children's social care")
    page.get_by_role("button", name="Record the meeting").click()
    saved(page)
    expect(page.get_by_text("Priya Nand (Children's social care)")).to_be_visible()

    act(page, "Make a recommendation")
    expect(page.get_by_role("heading", name="MAPPA and partners")).to_be_visible()
    expect(page.get_by_text("MAPPA-L2-118")).to_be_visible()

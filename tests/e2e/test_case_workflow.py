"""An application from receipt to an authorised decision, then the disclosure meeting, the
undertaking refused, the supervisor's review withholding the disclosure, and the case closed, in a
real browser with axe on every page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from disclosure_service.dates import LONDON
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_and_enrolment import sign_in


def answer(page: Page, group: str, option: str) -> None:
    """Tick a radio by its question (a fieldset legend) and its label."""
    page.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def fill_date(page: Page, field_id: str, day: str, month: str, year: str, *, time: str | None = None) -> None:
    page.locator(f"#{field_id}-day").fill(day)
    page.locator(f"#{field_id}-month").fill(month)
    page.locator(f"#{field_id}-year").fill(year)
    if time is not None:
        page.locator(f"#{field_id}-time").fill(time)


def fill_today(page: Page, field_id: str, *, minutes_ago: int | None = None) -> None:
    """Today's date in London, and with `minutes_ago` the time that long ago (24-hour clock)."""
    when = datetime.now(LONDON) - timedelta(minutes=minutes_ago or 0)
    clock = f"{when:%H:%M}" if minutes_ago is not None else None
    fill_date(page, field_id, str(when.day), str(when.month), str(when.year), time=clock)


def act(page: Page, link: str) -> None:
    page.get_by_role("link", name=link).click()
    assert_accessible(page)


def saved(page: Page) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(page)


def test_an_application_from_receipt_to_an_authorised_decision(
    page: Page, live_server: LiveServer, browser: Browser
) -> None:
    sign_in(page, live_server, "demo.officer3")
    page.get_by_role("link", name="Cases", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Record an application").click()
    assert_accessible(page)

    # A mistake first: the page comes back with what was typed and says what is wrong.
    answer(page, "Route", "Right to Ask")
    page.get_by_label("The concern, in the applicant’s words").fill("My ex's new partner looks after our son.")
    page.get_by_role("button", name="Record application").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_label("The concern, in the applicant’s words")).to_have_value(
        "My ex's new partner looks after our son."
    )
    assert_accessible(page)

    answer(page, "How it came in", "Telephone (101)")
    page.locator("#applicant-full-name").fill("Owen Treharne")
    page.locator("#applicant-safe-contact").fill("Mobile any time")
    answer(page, "Have they agreed to be written to?", "Yes")
    page.locator("#subject-full-name").fill("Lee Gaskell")
    page.locator("#children-0-full-name").fill("Noah Treharne")
    page.get_by_role("button", name="Record application").click()
    saved(page)
    reference = page.locator("h1").inner_text()
    assert re.fullmatch(r"DEMO-\d{4}-\d{5}", reference)

    page.get_by_role("button", name="Start triage").click()
    saved(page)
    act(page, "Record the triage")
    answer(page, "Is the child at immediate risk?", "No")
    answer(page, "Is the application in scope of the scheme?", "Yes")
    answer(page, "Risk level", "Medium")
    page.get_by_role("button", name="Save").click()
    saved(page)

    act(page, "Record the meeting with the applicant")
    fill_today(page, "held-on")
    answer(page, "How was it held?", "In person")
    answer(page, "Was the applicant's identity verified?", "Yes")
    page.get_by_label("Documents seen").fill("Driving licence; council tax bill")
    answer(page, "Was their relationship to the child verified?", "Yes")
    page.get_by_role("button", name="Save").click()
    saved(page)

    act(page, "Request checks")
    page.get_by_label("Police National Computer (PNC)").check()
    fill_today(page, "requested-on")
    page.get_by_role("button", name="Request checks").click()
    saved(page)
    act(page, "Record a check's result")
    page.get_by_label("Check").select_option(label="Police National Computer (PNC)")
    fill_today(page, "returned-on")
    answer(page, "Result", "Convictions for child sexual offences (including cautions)")
    page.get_by_role("button", name="Save").click()
    saved(page)
    page.get_by_role("button", name="Finish the checks").click()
    saved(page)
    act(page, "Record the risk assessment")
    page.get_by_label("Risk factors").fill(
        "A 2014 conviction for an offence against a child; he looks after her alone."
    )
    answer(page, "Assessed level of risk", "High")
    page.get_by_label("Rationale").fill("The history and the unsupervised care together.")
    page.get_by_role("button", name="Record assessment").click()
    saved(page)

    act(page, "Make a recommendation")
    answer(page, "Recommendation", "Disclose")
    for criterion in ("The subject poses a risk of harm to the child", "Disclosure is necessary to protect the child"):
        page.get_by_label(criterion).check()
    page.get_by_label("Rationale").fill("Conviction for a Schedule 34A offence; he looks after the child alone.")
    page.get_by_label("Who should receive the disclosure?").select_option(label="Owen Treharne (applicant)")
    page.get_by_label("Why they are best placed").fill("The father, who shares care.")
    answer(page, "Will the subject be told of the disclosure?", "Yes")
    page.get_by_label("What exactly will be disclosed").fill("A 2014 conviction for an offence against a child.")
    page.get_by_role("button", name="Send for authorisation").click()
    saved(page)
    expect(page.get_by_text("Awaiting authorisation")).to_be_visible()

    supervisor = browser.new_context(base_url=live_server.url).new_page()
    sign_in(supervisor, live_server, "demo.supervisor")
    supervisor.goto("/cases?queue=authorisation")
    assert_accessible(supervisor)
    supervisor.get_by_role("link", name=reference).click()
    assert_accessible(supervisor)
    act(supervisor, "Authorise the recommendation")
    supervisor.get_by_label("Rationale").fill("Presumption to disclose applies; necessary and proportionate.")
    supervisor.get_by_role("button", name="Authorise").click()
    saved(supervisor)
    expect(supervisor.get_by_text("Disclosure", exact=True)).to_be_visible()
    expect(supervisor.get_by_role("heading", name="Authorised")).to_be_visible()


def test_a_refused_undertaking_is_reviewed_and_the_disclosure_withheld(
    page: Page, live_server: LiveServer, browser: Browser
) -> None:
    sign_in(page, live_server, "demo.officer2")
    page.goto("/cases?q=Sowerby")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"DEMO-")).first.click()
    assert_accessible(page)
    case_url = page.url

    # The warnings first, and nothing disclosed: the meeting record asks nothing about it.
    act(page, "Record the disclosure meeting")
    expect(page.get_by_text("Exactly what was disclosed")).to_have_count(0)
    fill_today(page, "held-at", minutes_ago=3)
    for question in (
        "Was the recipient's identity checked again?",
        "Was the recipient told the information may only be used to safeguard children?",
        "Were they told it is confidential, and that they will be asked to sign an undertaking?",
        "Were they told legal proceedings could follow a breach?",
        "Was safety advice given?",
        "Was support offered?",
    ):
        answer(page, question, "Yes")
    page.get_by_role("button", name="Save the meeting").click()
    saved(page)
    expect(page.get_by_role("link", name="Record the disclosure as made")).to_have_count(0)

    act(page, "Generate the undertaking")
    page.get_by_role("button", name="Generate undertaking").click()
    saved(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Word document 2").click()
    assert download.value.suggested_filename.endswith(".docx")

    act(page, "Record that the undertaking was refused")
    fill_today(page, "happened-at", minutes_ago=1)
    page.get_by_label("Why they refused").fill("Will not sign anything from the police.")
    page.get_by_label("What they said, in their own words (optional)").fill("I'll tell who I like.")
    page.get_by_role("button", name="Record refusal").click()
    saved(page)
    expect(page.get_by_text("Undertaking refused: review")).to_be_visible()
    for way_round in ("Record the disclosure as made", "Close the case", "Close: withdrawn"):
        expect(page.get_by_role("link", name=way_round)).to_have_count(0)
    page.goto(case_url + "/withdraw")
    expect(page.get_by_text("Only supervisors can do this once a decision has been authorised")).to_be_visible()
    assert_accessible(page)

    supervisor = browser.new_context(base_url=live_server.url).new_page()
    sign_in(supervisor, live_server, "demo.supervisor2")
    supervisor.goto("/cases?queue=review")
    assert_accessible(supervisor)
    supervisor.goto(case_url)
    act(supervisor, "Decide on the refused undertaking")
    answer(
        supervisor,
        "Should the disclosure still take place?",
        "Withhold the disclosure and take other safeguarding action",
    )
    supervisor.get_by_label("Rationale").fill("She says she will confront him: disclosure would raise the risk.")
    supervisor.get_by_label("The other safeguarding action taken instead").fill(
        "Referral to children's social care; probation to review his licence conditions."
    )
    supervisor.get_by_role("button", name="Record decision").click()
    saved(supervisor)
    expect(supervisor.get_by_text("Closed: Other safeguarding action only")).to_be_visible()
    expect(supervisor.get_by_text("What was disclosed")).to_have_count(0)
    expect(supervisor.get_by_text("Referral to children's social care; probation").first).to_be_visible()

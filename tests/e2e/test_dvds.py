"""Clare's Law in a real browser, with axe on every page: a Right to Ask application by the person at
risk herself, from the scheme's choice to a signed undertaking, a safety plan and closure (no child
on the case); then a second supervisor reviews a drawn decision for quality."""

from __future__ import annotations

import time
from datetime import datetime

from playwright.sync_api import Browser, Page, expect

from disclosure_service.dates import LONDON
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer
from tests.e2e.test_case_workflow import act, answer, fill_today, saved
from tests.e2e.test_sign_in_and_enrolment import sign_in


def test_a_right_to_ask_case_from_application_to_a_signed_undertaking_and_closure(
    page: Page, live_server: LiveServer, browser: Browser
) -> None:
    sign_in(page, live_server, "valley.officer")
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_text("DVDS").first).to_be_visible()  # the queue shows each case's scheme
    assert_accessible(page)
    page.get_by_role("button", name="Record an application").click()
    expect(page.get_by_role("group", name="Which scheme is the application under?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select which scheme the application is under")
    assert_accessible(page)
    answer(page, "Which scheme is the application under?", "Domestic Violence Disclosure Scheme")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="The person at risk")).to_be_visible()
    expect(page.get_by_role("heading", name="The child")).to_have_count(0)
    assert_accessible(page)

    answer(page, "Route", "Right to Ask")
    answer(page, "How it came in", "Online form")
    page.get_by_label("The concern, in the applicant’s words").fill("He checks my phone; his ex warned me about him.")
    page.locator("#applicant-full-name").fill("Megan Lloyd")
    page.locator("#applicant-safe-contact").fill("Text first, after 9am")
    answer(page, "Have they agreed to be written to?", "No")
    page.locator("#subject-full-name").fill("Darren Cope")
    # A mistake: the person at risk's name is missing; what was typed stays.
    page.get_by_role("button", name="Record application").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator("#applicant-full-name")).to_have_value("Megan Lloyd")
    assert_accessible(page)
    page.locator("#person-at-risk-full-name").fill("Megan Lloyd")
    page.get_by_role("button", name="Record application").click()
    saved(page)
    expect(page.get_by_text("Domestic Violence Disclosure Scheme · Right to Ask")).to_be_visible()

    page.get_by_role("button", name="Start triage").click()
    saved(page)
    act(page, "Record the triage")
    answer(page, "Is the person at risk at immediate risk?", "No")
    answer(page, "Is the application in scope of the scheme?", "Yes")
    answer(page, "Risk level", "Medium")
    page.get_by_role("button", name="Save").click()
    saved(page)

    act(page, "Record the face-to-face meeting")
    fill_today(page, "held-on")
    answer(page, "How was it held?", "In person")
    answer(page, "Was the applicant's identity verified?", "Yes")
    page.get_by_label("Documents seen").fill("Driving licence")
    answer(
        page,
        "Was their relationship to the person at risk (or their own relationship with the subject) verified?",
        "Yes",
    )
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
    answer(page, "Result", "Previous domestic abuse or violent offending")
    page.get_by_role("button", name="Save").click()
    saved(page)
    page.get_by_role("button", name="Finish the checks").click()
    saved(page)
    act(page, "Record the risk assessment")
    page.get_by_label("Risk factors").fill("A 2020 conviction for assaulting a former partner; controlling now.")
    answer(page, "Assessed level of risk", "Medium")
    page.get_by_label("Rationale").fill("The history and the controlling behaviour together.")
    page.get_by_role("button", name="Record assessment").click()
    saved(page)

    act(page, "Make a recommendation")
    expect(page.get_by_label("The subject poses a risk of harm to the child")).to_have_count(0)
    answer(page, "Recommendation", "Disclose")
    for criterion in ("There is a pressing need for the disclosure", "Disclosure is lawful"):
        page.get_by_label(criterion).check()
    page.get_by_label("Rationale").fill("Pressing need: the same pattern as with his former partner.")
    page.get_by_label("Who should receive the disclosure?").select_option(label="Megan Lloyd (applicant)")
    page.get_by_label("Why they are best placed").fill("She is the person at risk and asked herself.")
    answer(page, "Will the subject be told of the disclosure?", "No")
    page.get_by_label("What exactly will be disclosed").fill("A 2020 conviction for assaulting a partner.")
    page.get_by_role("button", name="Send for authorisation").click()
    saved(page)
    reference = page.locator("h1").inner_text()

    supervisor = browser.new_context(base_url=live_server.url).new_page()
    sign_in(supervisor, live_server, "valley.supervisor")
    supervisor.goto("/cases?queue=authorisation")
    supervisor.get_by_role("link", name=reference).click()
    act(supervisor, "Authorise the recommendation")
    supervisor.get_by_label("Rationale").fill("Lawful, necessary and proportionate: a pressing need.")
    answer(supervisor, "Your rank", "Inspector")
    supervisor.get_by_role("button", name="Authorise").click()
    saved(supervisor)

    # The forms take times to the minute: what follows the decision starts in the next minute.
    time.sleep(61 - datetime.now(LONDON).second)
    page.reload()
    act(page, "Arrange the disclosure meeting")
    fill_today(page, "scheduled-for", minutes_ago=-60)
    page.get_by_label("Where").fill("Valleyford police station, family room")
    page.get_by_label("Officers attending").fill("DC Ria Shah 5120, PC Owen Price 3302")
    page.get_by_label("How the recipient's identity will be checked again").fill("Driving licence")
    answer(page, "Language of the undertaking", "English")
    page.get_by_role("button", name="Arrange meeting").click()
    saved(page)
    act(page, "Generate the undertaking")
    page.get_by_role("button", name="Generate undertaking").click()
    saved(page)
    act(page, "Record the disclosure meeting")
    fill_today(page, "held-at", minutes_ago=0)
    for question in (
        "Was the recipient's identity checked again?",
        "Was the recipient told the information may only be used to keep the person at risk safe?",
        "Were they told it is confidential, and that they will be asked to sign an undertaking?",
        "Were they told legal proceedings could follow a breach?",
        "Was safety advice given?",
        "Was support offered?",
    ):
        answer(page, question, "Yes")
    page.get_by_role("button", name="Save the meeting").click()
    saved(page)
    act(page, "Record the undertaking as signed")
    fill_today(page, "happened-at", minutes_ago=0)
    page.get_by_label("Witnessed by").fill("PC Owen Price 3302")
    page.get_by_role("button", name="Save").click()
    saved(page)
    act(page, "Record the disclosure as made")
    fill_today(page, "made-at", minutes_ago=0)
    answer(page, "Has the subject been, or will they be, told?", "No")
    page.get_by_role("button", name="Save").click()
    saved(page)
    act(page, "Record the safety plan")
    page.get_by_label("The safety plan agreed with the person at risk").fill(
        "Staying with her mother; code word agreed."
    )
    page.get_by_label("Independent domestic violence adviser (IDVA)").check()
    page.get_by_label("Multi-agency risk assessment conference (MARAC)").check()
    page.get_by_role("button", name="Save the safety plan").click()
    saved(page)
    expect(
        page.get_by_text("Independent domestic violence adviser (IDVA), Multi-agency risk assessment")
    ).to_be_visible()
    act(page, "Close the case")
    answer(page, "Outcome", "Disclosure of previous abusive or violent behaviour")
    page.get_by_role("button", name="Close the case").click()
    saved(page)
    expect(page.get_by_text("Closed: Disclosure of previous abusive or violent behaviour")).to_be_visible()
    expect(page.get_by_text("(child)")).to_have_count(0)


def test_a_second_supervisor_reviews_a_drawn_decision(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo.supervisor2")
    page.get_by_role("link", name="Quality review", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality review of decisions")
    assert_accessible(page)
    page.get_by_label("Month (YYYY-MM)").fill("2026-13")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real month")
    assert_accessible(page)
    page.goto("/quality")
    page.get_by_role("button", name="Draw the sample for").click()
    saved(page)
    first = page.locator("main a[href^='/quality/']").first
    first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether you agree with the decision")
    assert_accessible(page)
    answer(page, "Do you agree with the decision?", "Disagree with the decision")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you disagree with the decision")
    page.get_by_label("What you found (optional)").fill("The rationale does not weigh the access.")
    page.get_by_label("What should be done (optional)").fill("Discuss at the next PPU meeting.")
    page.get_by_role("button", name="Record the review").click()
    saved(page)
    expect(page.get_by_text("Disagree with the decision").first).to_be_visible()

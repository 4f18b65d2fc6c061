"""Forms that explain themselves: every mistake at once, in GOV.UK words, labels that match the rules,
and no answer offered that the form would then refuse."""

from __future__ import annotations

import re
from html import unescape

import httpx

from disclosure_service.cases.schemas import NewApplicationIn, RecommendIn
from disclosure_service.web.formspec import Field, Section, parse, text_limits
from tests import cases
from tests.factories import TestUser
from tests.http import Api


def summary(page: httpx.Response) -> list[str]:
    """The messages in the page's error summary, in order."""
    block = page.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<a [^>]*>(.*?)</a>", block, re.S)]


def field_error(page: httpx.Response, text: str) -> bool:
    """Whether `text` is shown as an error message next to a field (not only in the summary)."""
    return any(text in unescape(m) for m in re.findall(r'class="govuk-error-message">(.*?)</p>', page.text, re.S))


def test_the_length_limits_are_the_structs_own() -> None:
    limits = text_limits(NewApplicationIn)
    assert limits["concern"] == 10_000
    assert limits["applicant.full_name"] == 200
    assert limits["children.*.full_name"] == 200
    assert text_limits(RecommendIn)["disclosure_wording"] == 10_000


def test_a_long_text_and_a_missing_answer_are_reported_together_in_plain_words() -> None:
    sections = (
        Section(
            "",
            (
                Field("rationale", "Rationale", "textarea"),
                Field("decision", "Recommendation", "radios", options=(("disclose", "Disclose"),)),
            ),
        ),
    )
    data, errors = parse(sections, {"rationale": ["x" * 10_001]}, RecommendIn, extra={"version": 1})
    assert data is None
    assert errors.messages == {
        "rationale": "Rationale must be 10,000 characters or fewer",
        "decision": "Select recommendation",
    }


async def test_four_mistakes_on_the_new_application_page_give_four_errors_at_once(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    form = {
        "route": "right_to_ask",
        # 1: no channel; 2: a date that does not exist; 3: a concern too long; 4: a name too long
        "received_at-day": "31",
        "received_at-month": "2",
        "received_at-year": "2026",
        "received_at-time": "10:00",
        "concern": "c" * 10_001,
        "applicant.full_name": "Hannah Whitfield",
        "applicant.safe_contact": "Mobile after 7pm",
        "applicant.letters_ok": "false",
        "subject.full_name": "C" * 201,
        "children.0.full_name": "Maisie Whitfield",
    }
    page = await api.form("/cases/new", form)
    assert page.status_code == 400
    assert summary(page) == [
        "Select how the application came in",
        "When it was received must be a real date, like 28 11 2026",
        "The concern must be 10,000 characters or fewer",
        "Full name must be 200 characters or fewer",
    ]
    assert field_error(page, "Full name must be 200 characters or fewer")
    assert "Use 10000" not in page.text
    assert 'value="Hannah Whitfield"' in page.text  # what was typed is kept


async def _triage_case(api: Api, officer: TestUser) -> dict[str, object]:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "start_triage")
    return case


async def test_triage_never_offers_an_immediate_risk_level_and_says_yes_no_questions_plainly(
    api: Api, officer: TestUser
) -> None:
    case = await _triage_case(api, officer)
    page = await api.get(f"/cases/{case['id']}/complete_triage")
    assert page.status_code == 200
    assert 'name="risk_level" type="radio" value="immediate"' not in page.text
    assert 'value="immediate"' not in page.text
    assert 'value="high"' in page.text
    empty = await api.form(f"/cases/{case['id']}/complete_triage", {"version": str(case["version"])})
    assert empty.status_code == 400
    assert summary(empty) == [
        "Select yes if the child is at immediate risk",
        "Select yes if the application is in scope of the scheme",
        "Select the risk level",
    ]
    assert "Select is the child" not in empty.text


async def test_an_immediate_risk_at_triage_goes_to_the_escalation_page(api: Api, officer: TestUser) -> None:
    case = await _triage_case(api, officer)
    answered = await api.form(
        f"/cases/{case['id']}/complete_triage",
        {"version": str(case["version"]), "immediate_risk": "true", "in_scope": "true"},
    )
    assert answered.status_code == 303
    assert answered.headers["location"] == f"/cases/{case['id']}/escalate?diverted_from=complete_triage"
    escalation = await api.get(answered.headers["location"])
    assert escalation.status_code == 200
    assert "You said the child is at immediate risk" in escalation.text
    assert "Referral reference" in escalation.text
    current = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    assert current["stage"] == "initial_triage"  # nothing was recorded on the way


async def test_out_of_scope_at_triage_goes_to_closing_as_out_of_scope(api: Api, officer: TestUser) -> None:
    case = await _triage_case(api, officer)
    answered = await api.form(
        f"/cases/{case['id']}/complete_triage",
        {"version": str(case["version"]), "immediate_risk": "false", "in_scope": "false"},
    )
    assert answered.status_code == 303
    assert answered.headers["location"] == f"/cases/{case['id']}/out_of_scope?diverted_from=complete_triage"
    closing = await api.get(answered.headers["location"])
    assert "not in scope of the scheme" in closing.text


async def test_the_recommendation_page_says_which_answers_a_disclosure_needs_and_asks_for_them_all(
    api: Api, officer: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    page = await api.get(f"/cases/{case['id']}/recommend")
    assert page.status_code == 200
    assert "What exactly will be disclosed (optional)" not in page.text
    assert "What exactly will be disclosed" in page.text
    assert "Needed for a recommendation to disclose" in page.text
    assert "Reason, and the risk assessment for that (optional)" in page.text  # truly optional

    disclose = await api.form(
        f"/cases/{case['id']}/recommend",
        {"version": str(case["version"]), "decision": "disclose", "rationale": "r", "subject_told": "false"},
    )
    assert disclose.status_code == 400
    assert summary(disclose) == [
        "Select the criteria that are met",
        "Select who should receive the disclosure",
        "Say why this person is best placed to protect the child",
        "Record exactly what will be disclosed (kept internally, never given out)",
    ]

    withhold = await api.form(
        f"/cases/{case['id']}/recommend",
        {"version": str(case["version"]), "decision": "do_not_disclose", "rationale": "r", "subject_told": "false"},
    )
    assert withhold.status_code == 303, summary(withhold)


async def test_an_impossible_date_is_reported_with_the_other_mistakes_not_after_them(
    api: Api, officer: TestUser
) -> None:
    await api.sign_in(officer)
    form = {
        "route": "right_to_ask",
        "received_at-day": "1",
        "received_at-month": "11",
        "received_at-year": "2026",
        "received_at-time": "10:00",
        "concern": "Worried about a neighbour",
        "applicant.full_name": "Hannah Whitfield",
        "applicant.safe_contact": "Mobile",
        "applicant.letters_ok": "false",
        "subject.full_name": "Craig Dunmore",
        "children.0.full_name": "Maisie Whitfield",
        "children.0.date_of_birth-day": "1",
        "children.0.date_of_birth-month": "1",
        "children.0.date_of_birth-year": "1990",
    }
    page = await api.form("/cases/new", form)
    assert page.status_code == 400
    assert summary(page) == [
        "Select how the application came in",
        "A child must be under 18 on the day the application was received: check the date of birth",
    ]

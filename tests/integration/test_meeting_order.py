"""The order of the guidance: meeting, undertaking, signed or refused, the review, only then the
disclosure; nothing goes round the review; who may receive it; times that make sense; after closure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from disclosure_service.database import engine as db
from tests import cases
from tests.factories import TestUser, next_time_step
from tests.http import Api
from tests.integration.test_disclosures import WORDING, arrange, authorised_case, hold, moment, record_made


async def as_user(api: Api, user: TestUser) -> None:
    await api.post("/api/v1/auth/logout")
    await next_time_step(user)
    await api.sign_in(user)


async def read(api: Api, case: dict[str, Any]) -> dict[str, Any]:
    response = await api.get(f"/api/v1/applications/{case['id']}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def refused_at_the_meeting(api: Api, officer: TestUser, supervisor: TestUser) -> dict[str, Any]:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    await hold(api, case)
    await cases.do(
        api, case, "undertaking_refused", happened_at=moment(0), reason="Said they will tell whoever they like"
    )
    assert case["stage"] == "undertaking_review"
    return case


async def test_refused_then_withheld_the_case_closes_with_nothing_disclosed_on_record(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await refused_at_the_meeting(api, officer, supervisor)
    # Nothing goes round the review: not the officer's withdrawal, nor recording the disclosure.
    withdraw = await cases.do(api, case, "withdraw", expect=403, reason="Applicant no longer wants it")
    assert "supervisor" in withdraw["detail"]
    early = await record_made(api, case, expect=422)
    assert "Undertaking refused: review" in early["detail"]

    await as_user(api, supervisor)
    await cases.do(
        api,
        case,
        "review_refusal",
        decision="withhold",
        rationale="He has threatened the subject; disclosure would put people at risk.",
        safeguarding_action="Referral to children's social care; warning to the subject recorded.",
    )
    assert case["stage"] == "closed"
    await as_user(api, officer)
    raw = await api.get(f"/api/v1/applications/{case['id']}")
    body = raw.json()
    assert body["outcome"] == "other_safeguarding_action"
    assert body["disclosures"] == []
    assert "what_was_disclosed" not in raw.text
    page = await api.get(f"/cases/{case['id']}")
    assert "What was disclosed" not in page.text
    assert "Safeguarding action instead: Referral to children" in page.text


async def test_withholding_needs_the_other_safeguarding_action(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await refused_at_the_meeting(api, officer, supervisor)
    await as_user(api, supervisor)
    missing = await cases.do(api, case, "review_refusal", expect=400, decision="withhold", rationale="Too risky.")
    assert missing["extra"] == [
        {"key": "safeguarding_action", "message": "Say what other safeguarding action will be taken instead"}
    ]


async def test_a_supervisor_escalating_during_the_review_puts_the_decision_on_record(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await refused_at_the_meeting(api, officer, supervisor)
    await as_user(api, supervisor)
    body: dict[str, Any] = {"agency": "MASH", "referral_reference": "MASH-1"}
    no_rationale = await cases.do(api, case, "escalate", expect=400, **body)
    assert no_rationale["extra"][0]["key"] == "notes"
    await cases.do(api, case, "escalate", notes="He has said he will go round tonight.", **body)
    async with db.transaction(force_id=supervisor.force_id) as conn:
        decisions = await conn.fetch(
            "SELECT decision, rationale FROM refusal_review WHERE application = $1", case["id"]
        )
    assert [(d["decision"], d["rationale"]) for d in decisions] == [
        ("escalated", "He has said he will go round tonight.")
    ]
    assert case["stage"] == "closed"


async def test_the_disclosure_is_recorded_only_after_the_undertaking_and_holds_what_was_said(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    before_meeting = await cases.do(
        api, case, "undertaking_signed", expect=422, happened_at=moment(0), witness="DC Patel"
    )
    assert "Record the disclosure meeting first" in before_meeting["detail"]
    await hold(api, case)
    before_signature = await record_made(api, case, expect=422)
    assert "must be signed, or its refusal reviewed" in before_signature["detail"]
    await cases.do(api, case, "undertaking_signed", happened_at=moment(0), witness="DC Patel")
    # The form starts from the authorised wording.
    form = await api.get(f"/cases/{case['id']}/record_disclosure_made")
    assert WORDING in form.text
    said = "In 2012 he was convicted of sexual activity with a child aged 13."
    await record_made(api, case, what_was_disclosed=said)
    body = await read(api, case)
    assert [(d["what_was_disclosed"], d["subject_told"]) for d in body["disclosures"]] == [(said, True)]
    # An officer cannot withdraw an authorised disclosure; closing it is the officer's.
    await cases.do(api, case, "withdraw", expect=403, reason="Changed my mind")
    await cases.do(api, case, "close", outcome="disclosed_child_sex_convictions")


async def test_the_subject_or_a_child_is_never_the_recipient(api: Api, officer: TestUser, supervisor: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    people = {p["role"]: p["id"] for p in (await read(api, case))["people"]}
    for role, words in (("subject", "The subject cannot receive"), ("child", "A child cannot receive")):
        refused = await cases.do(api, case, "recommend", expect=400, **cases.recommendation(people[role]))
        assert words in refused["extra"][0]["message"]
        assert refused["extra"][0]["key"] == "recipient_id"
    # A 16-year-old sibling added to the case is no recipient either, whatever their role.
    sixteen = (datetime.now(UTC) - timedelta(days=16 * 365)).date().isoformat()
    await cases.do(api, case, "add_person", role="other", full_name="Kelsey Whitfield", date_of_birth=sixteen)
    teenager = next(p["id"] for p in (await read(api, case))["people"] if p["full_name"] == "Kelsey Whitfield")
    young = await cases.do(api, case, "recommend", expect=400, **cases.recommendation(teenager))
    assert "under 18" in young["extra"][0]["message"]


async def test_after_a_refusal_another_recipient_must_be_an_adult_and_not_the_subject(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await refused_at_the_meeting(api, officer, supervisor)
    await cases.do(api, case, "add_person", role="parent_carer", full_name="Grace Okafor", date_of_birth="1994-06-17")
    people = {p["full_name"]: p["id"] for p in (await read(api, case))["people"]}
    await as_user(api, supervisor)
    for name in ("Craig Dunmore", "Maisie Whitfield"):  # the subject, the child
        await cases.do(
            api,
            case,
            "review_refusal",
            expect=400,
            decision="other_recipient",
            rationale="Someone else",
            new_recipient_id=people[name],
        )
    await cases.do(
        api,
        case,
        "review_refusal",
        decision="other_recipient",
        rationale="The children's grandmother-in-law has day-to-day care and can stop the contact.",
        new_recipient_id=people["Grace Okafor"],
    )
    await as_user(api, officer)
    await arrange(api, case)
    meetings = await _meetings(officer, case)
    assert meetings[-1]["recipient"] == people["Grace Okafor"]
    # The undertaking generated for the first meeting does not count for the new one.
    await hold(api, case)
    unsigned = await cases.do(api, case, "undertaking_signed", expect=422, happened_at=moment(0), witness="DC Patel")
    assert "Generate the undertaking for this meeting first" in unsigned["detail"]
    await cases.do(api, case, "generate_undertaking")
    await cases.do(api, case, "undertaking_signed", happened_at=moment(0), witness="DC Patel")
    await record_made(api, case)
    # Someone else received it: the applicant is told the case is complete before it closes.
    early = await cases.do(api, case, "close", expect=422, outcome="disclosed_child_sex_convictions")
    assert "applicant was told" in early["detail"]
    letter = await cases.do(
        api, case, "record_applicant_told", expect=400, told_at=moment(0), method="letter", safeguarding_advice="x"
    )
    assert "in person or by telephone" in letter["detail"]
    await cases.do(
        api,
        case,
        "record_applicant_told",
        told_at=moment(0),
        method="phone",
        safeguarding_advice="Told the police have acted on her concern; nothing about what was shared.",
    )
    await cases.do(api, case, "close", outcome="disclosed_child_sex_convictions")
    page = await api.get(f"/cases/{case['id']}")
    assert "Applicant told the case is complete by telephone" in page.text


async def _meetings(user: TestUser, case: dict[str, Any]) -> list[Any]:
    async with db.transaction(force_id=user.force_id) as conn:
        return list(
            await conn.fetch(
                "SELECT id, status, replaces, change_reason, recipient, scheduled_for FROM disclosure_meeting "
                "WHERE application = $1 ORDER BY id",
                case["id"],
            )
        )


async def test_a_meeting_is_rearranged_or_cancelled_with_a_reason_and_every_version_is_kept(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    moved: dict[str, Any] = {
        "scheduled_for": moment(-26),
        "location": "Westford police station, family room",
        "officers": "DC Sam Patel 4471",
        "identity_recheck": "Passport",
        "reason": "The recipient's child is ill",
    }
    await cases.do(api, case, "rearrange_disclosure_meeting", **moved)
    await cases.do(api, case, "cancel_disclosure_meeting", reason="Recipient asked to wait until after half term")
    meetings = await _meetings(officer, case)
    assert [(m["status"], m["change_reason"]) for m in meetings] == [
        ("rearranged", "The recipient's child is ill"),
        ("cancelled", "Recipient asked to wait until after half term"),
    ]
    assert meetings[1]["replaces"] == meetings[0]["id"]
    warnings = dict.fromkeys(
        (
            "identity_confirmed",
            "purpose_explained",
            "confidentiality_explained",
            "legal_warning_given",
            "safety_advice_given",
            "support_given",
        ),
        True,
    )
    nothing = await cases.do(api, case, "record_disclosure_meeting", expect=422, held_at=moment(0), **warnings)
    assert "Arrange the disclosure meeting first" in nothing["detail"]
    page = await api.get(f"/cases/{case['id']}")
    assert page.text.count("Rearranged") >= 1
    assert "The recipient&#39;s child is ill" in page.text


async def test_times_that_cannot_be_right_are_refused_with_a_clear_message(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    future = cases.new_application(received_at="2031-01-01T10:00:00+00:00")
    response = await api.post("/api/v1/applications", future)
    assert response.status_code == 400
    assert response.json()["extra"] == [
        {"key": "received_at", "message": "The date the application was received must be today or in the past"}
    ]
    unborn = cases.new_application(children=[{"full_name": "Not Yet", "date_of_birth": "2035-01-01"}])
    response = await api.post("/api/v1/applications", unborn)
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "children.0.date_of_birth"
    adult = cases.new_application(children=[{"full_name": "Grown Up", "date_of_birth": "1990-01-01"}])
    assert (await api.post("/api/v1/applications", adult)).status_code == 400

    case = await cases.create(api)
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    before = await cases.do(
        api,
        case,
        "record_applicant_meeting",
        expect=400,
        held_on="2020-03-01",
        method="in_person",
        identity_verified=True,
        documents_seen="Passport",
        relationship_verified=True,
    )
    assert "the date the application was received" in before["extra"][0]["message"]

    authorised = await authorised_case(api, officer, supervisor)
    long_ago = await cases.do(
        api,
        authorised,
        "schedule_disclosure_meeting",
        expect=400,
        scheduled_for="2020-05-01T10:00:00+00:00",
        location="Station",
        officers="DC Patel",
        identity_recheck="Passport",
    )
    assert "after the decision to disclose" in long_ago["extra"][0]["message"]


async def test_the_web_form_shows_every_time_problem_by_its_field(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    form = {
        "route": "right_to_ask",
        "channel": "phone_101",
        "received_at-day": "1",
        "received_at-month": "1",
        "received_at-year": "2031",
        "received_at-time": "10:00",
        "concern": "Worried about a neighbour",
        "applicant.full_name": "Hannah Whitfield",
        "applicant.safe_contact": "Mobile",
        "applicant.letters_ok": "false",
        "subject.full_name": "Craig Dunmore",
        "children.0.full_name": "Maisie Whitfield",
        "children.0.date_of_birth-day": "1",
        "children.0.date_of_birth-month": "1",
        "children.0.date_of_birth-year": "2035",
    }
    page = await api.form("/cases/new", form)
    assert page.status_code == 400
    assert "The date the application was received must be today or in the past" in page.text
    assert "Date of birth must be before the date the application was received" in page.text
    assert 'value="Hannah Whitfield"' in page.text  # what was typed is kept


async def test_a_breach_is_recorded_on_a_closed_case_without_reopening_it(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    await hold(api, case)
    await cases.do(api, case, "undertaking_signed", happened_at=moment(0), witness="DC Patel")
    await record_made(api, case)
    await cases.do(api, case, "close", outcome="disclosed_child_sex_convictions")
    breach: dict[str, Any] = {
        "reported_at": moment(0),
        "reported_by": "The subject's probation officer",
        "what_was_passed_on": "The conviction, posted in a neighbourhood group",
        "action_taken": "Words of advice; post removed",
        "referral": "MAPPA coordinator informed",
    }
    await cases.do(api, case, "record_breach", **breach)
    body = await read(api, case)
    assert body["stage"] == "closed"
    assert body["outcome"] == "disclosed_child_sex_convictions"
    assert [(e["kind"], e["details"], e["referral"]) for e in body["post_closure_events"]] == [
        ("breach", breach["what_was_passed_on"], "MAPPA coordinator informed")
    ]
    page = await api.get(f"/cases/{case['id']}")
    assert "Breach of the confidentiality undertaking" in page.text
    async with db.transaction(force_id=officer.force_id) as conn:
        logged = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE application_id = $1 AND event = 'case.record_breach'", case["id"]
        )
    assert logged == 1
    # Still closed for everything else.
    await cases.do(api, case, "close", expect=422, outcome="no_trace")


async def test_a_breach_needs_a_disclosure_that_was_made(api: Api, officer: TestUser, supervisor: TestUser) -> None:
    case = await authorised_case(api, officer, supervisor, decision="do_not_disclose")
    await cases.do(api, case, "record_applicant_told", told_at=moment(0), method="phone", safeguarding_advice="Advice")
    await cases.do(api, case, "close", outcome="no_trace")
    refused = await cases.do(
        api,
        case,
        "record_breach",
        expect=422,
        reported_at=moment(0),
        reported_by="A neighbour",
        what_was_passed_on="x",
        action_taken="y",
    )
    assert "nothing was disclosed" in refused["detail"]
    await cases.do(
        api,
        case,
        "record_post_closure_event",
        kind="further_concern",
        occurred_at=moment(0),
        details="The neighbour is offering lifts again.",
    )


async def test_a_closing_outcome_that_disagrees_with_the_record_is_refused(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor, decision="do_not_disclose")
    await cases.do(api, case, "record_applicant_told", told_at=moment(0), method="phone", safeguarding_advice="Advice")
    held = await cases.do(api, case, "close", expect=400, outcome="held_not_disclosed")
    assert "every check found nothing" in held["detail"]
    await cases.do(api, case, "close", expect=400, outcome="other_safeguarding_action")
    await cases.do(api, case, "close", outcome="no_trace")

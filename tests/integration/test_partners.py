"""Multi-agency decisions: the subject's MAPPA status, partners consulted, the decision forum linked
to the recommendation and shown to the authoriser, whose rank is recorded with the decision."""

from __future__ import annotations

from html import unescape
from typing import Any

from disclosure_service.database import engine as db
from tests import cases
from tests.factories import TestUser
from tests.http import Api
from tests.integration.test_disclosures import moment
from tests.integration.test_meeting_order import as_user, read

FORUM: dict[str, Any] = {
    "held_on": cases.today(),
    "chair": "DI Ruth Okafor, public protection",
    "attendees": [
        {"agency": "probation", "name": "Sam Lyle"},
        {"agency": "childrens_social_care", "name": "Priya Nand"},
        {"agency": "police", "name": "DS Karen Hill"},
    ],
    "minutes_reference": "MAPPA-L2-2026-118",
    "decision": "Disclose to the mother; probation to tighten his licence conditions.",
    "rationale": "He has unsupervised care of the children; the mother can act to protect them.",
}
MAPPA: dict[str, Any] = {
    "category": "category_1",
    "level": "level_2",
    "lead_agency": "probation",
    "offender_manager": "Sam Lyle, Leeds North probation team",
}


async def _audit_events(user: TestUser, case_id: int) -> list[str]:
    async with db.transaction(force_id=user.force_id) as conn:
        rows = await conn.fetch("SELECT event FROM audit_event WHERE application_id = $1 ORDER BY id", case_id)
    return [row["event"] for row in rows]


async def test_mappa_two_consultations_and_a_forum_decision_are_in_the_case_json(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    await cases.do(api, case, "record_mappa", category="unknown")
    await cases.do(api, case, "record_mappa", **MAPPA, notes="Confirmed with the MAPPA coordinator")
    await cases.do(
        api,
        case,
        "record_consultation",
        agency="probation",
        person="Sam Lyle, offender manager",
        consulted_at=moment(1),
        said="He told probation he had no contact with children.",
    )
    await cases.do(
        api,
        case,
        "record_consultation",
        agency="childrens_social_care",
        person="Priya Nand, duty social worker",
        consulted_at=moment(0.5),
        said="No open referral on the family.",
    )
    await cases.do(api, case, "record_decision_forum", **FORUM)
    await cases.do(api, case, "recommend", **cases.recommendation(case["people"][0]["id"]))

    body = await read(api, case)
    # The status that stands is the latest; the earlier one stays in the database.
    assert {k: body["mappa"][k] for k in MAPPA} == MAPPA
    assert body["mappa"]["notes"] == "Confirmed with the MAPPA coordinator"
    assert [c["agency"] for c in body["consultations"]] == ["probation", "childrens_social_care"]
    assert body["consultations"][1]["said"] == "No open referral on the family."
    assert body["consultations"][0]["by_name"]
    [forum] = body["decision_forums"]
    assert forum["attendees"] == FORUM["attendees"]
    assert forum["minutes_reference"] == FORUM["minutes_reference"]
    assert forum["decision"] == FORUM["decision"]
    # Recorded before there was a recommendation: it is linked to the one it informed.
    assert forum["recommendation"] == body["recommendation"]["id"]
    events = await _audit_events(officer, case["id"])
    assert events.count("case.record_mappa") == 2
    assert events.count("case.record_consultation") == 2
    assert "case.record_decision_forum" in events

    # The supervisor sees all of it when authorising, and gives their rank.
    await as_user(api, supervisor)
    page = unescape((await api.get(f"/cases/{case['id']}/authorise")).text)
    for shown in (
        "MAPPA and partners",
        "Category 1: registered sexual offender",
        "Level 2: multi-agency management",
        "Sam Lyle, Leeds North probation team",
        "No open referral on the family.",
        "Priya Nand (Children's social care)",
        FORUM["minutes_reference"],
        FORUM["decision"],
        FORUM["rationale"],
        "Your rank",
    ):
        assert shown in page, shown
    await cases.authorise(api, case, rank="chief_inspector")
    decided = await read(api, case)
    assert decided["decisions"][-1]["rank"] == "chief_inspector"
    assert "(Chief Inspector)" in unescape((await api.get(f"/cases/{case['id']}")).text)


async def test_authorising_needs_a_rank_and_a_refusal_does_not(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    await cases.do(api, case, "recommend", **cases.recommendation(case["people"][0]["id"]))
    await as_user(api, supervisor)
    missing = await api.post(
        f"/api/v1/applications/{case['id']}/authorise", {"version": case["version"], "rationale": "Agreed."}
    )
    assert missing.status_code == 400, missing.text
    assert "rank" in missing.text
    await cases.authorise(api, case, expect=400, rank="constable")
    # The page asks for it by its field, keeping what was typed.
    page = await api.form(
        f"/cases/{case['id']}/authorise", {"version": str(case["version"]), "rationale": "Agreed, with care."}
    )
    assert page.status_code == 400
    assert "Select your rank" in page.text
    assert "Agreed, with care." in page.text
    await cases.do(api, case, "return_for_work", rationale="Say more about the mother's ability to act.")
    assert (await read(api, case))["decisions"][-1]["rank"] == ""


async def test_mappa_details_must_fit_the_category(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    managed = await cases.do(api, case, "record_mappa", expect=400, category="category_2")
    assert "Select the MAPPA level" in str(managed)
    assert "Select the lead agency" in str(managed)
    none = await cases.do(api, case, "record_mappa", expect=400, category="none", level="level_1")
    assert "only recorded for a MAPPA category" in str(none)
    await cases.do(api, case, "record_mappa", category="none")
    assert (await read(api, case))["mappa"]["category"] == "none"


async def test_a_forum_needs_an_attendee_and_a_date_not_in_the_future(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    # Not before the checks: the forum sits on a case being assessed.
    await cases.do(api, case, "record_decision_forum", expect=422, **FORUM)
    await cases.to_recommendation(api, case)
    alone = await cases.do(api, case, "record_decision_forum", expect=400, **{**FORUM, "attendees": []})
    assert "at least one attendee" in str(alone)
    later = await cases.do(api, case, "record_decision_forum", expect=400, **{**FORUM, "held_on": "2099-01-01"})
    assert "today or in the past" in str(later)
    # Through the page: attendees by row, the rows left empty dropped.
    form = {
        "version": str(case["version"]),
        "held_on-day": str(int(cases.today()[8:])),
        "held_on-month": str(int(cases.today()[5:7])),
        "held_on-year": cases.today()[:4],
        "chair": "DI Ruth Okafor",
        "attendees.0.agency": "probation",
        "attendees.0.name": "Sam Lyle",
        "attendees.2.agency": "health",
        "attendees.2.name": "Dr Ames, named GP",
        "minutes_reference": "PANEL-7",
        "decision": "Disclose.",
        "rationale": "Risk to the children.",
    }
    saved = await api.form(f"/cases/{case['id']}/record_decision_forum", form)
    assert saved.status_code in (302, 303), saved.text
    [forum] = (await read(api, case))["decision_forums"]
    assert forum["attendees"] == [
        {"agency": "probation", "name": "Sam Lyle"},
        {"agency": "health", "name": "Dr Ames, named GP"},
    ]

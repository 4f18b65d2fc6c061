"""Helpers for case tests: a valid new application, and driving a case along its stages through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from disclosure_service.dates import LONDON
from tests.http import Api


def today() -> str:
    """The date an officer in England would type today."""
    return datetime.now(LONDON).date().isoformat()


def applicant_meeting(**overrides: Any) -> dict[str, Any]:
    """The applicant met today in person, identity and relationship verified: `record_applicant_meeting`'s payload."""
    return {
        "held_on": today(),
        "method": "in_person",
        "identity_verified": True,
        "documents_seen": "Passport",
        "relationship_verified": True,
    } | overrides


def new_application(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "route": "right_to_ask",
        "channel": "phone_101",
        "received_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "concern": "My new partner babysits my two children; I heard he was in trouble years ago.",
        "applicant": {
            "full_name": "Hannah Whitfield",
            "safe_contact": "Mobile after 7pm",
            "date_of_birth": "1991-03-14",
        },
        "subject": {"full_name": "Craig Dunmore", "date_of_birth": "1986-08-02"},
        "children": [{"full_name": "Maisie Whitfield", "date_of_birth": "2022-05-09"}],
    }
    body.update(overrides)
    return body


async def create(api: Api, **overrides: Any) -> dict[str, Any]:
    response = await api.post("/api/v1/applications", new_application(**overrides))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def do(api: Api, case: dict[str, Any], action: str, expect: int = 200, **body: Any) -> dict[str, Any]:
    """Take an action on the case at its current version; keeps `case["version"]` up to date."""
    response = await api.post(
        f"/api/v1/applications/{case['id']}/{action.replace('_', '-')}", {"version": case["version"], **body}
    )
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    if expect == 200:
        case["version"] = result["version"]
        case["stage"] = result["stage"]
    return result


async def to_recommendation(
    api: Api, case: dict[str, Any], *, result: str = "child_sexual_offence_convictions"
) -> None:
    """Triage, applicant meeting, one check returned (with `result`): ready for a recommendation."""
    await do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    await do(
        api, case, "record_applicant_meeting", **applicant_meeting(documents_seen="Passport; child benefit letter")
    )
    await do(api, case, "add_check", source="pnc", requested_on=today())
    current = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    check_id = next(c["id"] for c in current["checks"] if c["result"] is None)
    await do(
        api,
        case,
        "record_check_result",
        check_id=check_id,
        returned_on=today(),
        result=result,
        summary="2012 conviction: sexual activity with a child" if result != "no_trace" else "No record",
    )
    await do(api, case, "complete_checks")
    await do(api, case, "record_risk_assessment", **RISK_ASSESSMENT)
    # A high risk needs its interim safeguarding plan before the case moves on.
    await do(api, case, "record_safeguarding_plan", **SAFEGUARDING_PLAN)


RISK_ASSESSMENT: dict[str, Any] = {
    "risk_factors": "Daily unsupervised access to the children; the check result.",
    "protective_factors": "The mother is alert to the risk.",
    "assessed_level": "high",
    "rationale": "The access and the history together make a real risk unless the mother can act.",
}


SAFEGUARDING_PLAN: dict[str, Any] = {
    "actions": [
        {
            "action": "Mother agrees he is not left alone with the children",
            "agency": "police",
            "due_on": (datetime.now(LONDON).date() + timedelta(days=1)).isoformat(),
        },
        {
            "action": "Social care visit the family",
            "agency": "childrens_social_care",
            "due_on": (datetime.now(LONDON).date() + timedelta(days=3)).isoformat(),
        },
    ],
    "notes": "Agreed with the duty social worker.",
}


AUTHORISATION: dict[str, Any] = {"rationale": "Necessary and proportionate.", "rank": "inspector"}


async def authorise(api: Api, case: dict[str, Any], expect: int = 200, **overrides: Any) -> dict[str, Any]:
    """Authorise the recommendation with the usual payload; every test that authorises goes through here."""
    return await do(api, case, "authorise", expect, **{**AUTHORISATION, **overrides})


def recommendation(recipient_id: int) -> dict[str, Any]:
    return {
        "decision": "disclose",
        "criteria": ["child_sexual_convictions", "risk_of_harm", "necessary", "proportionate"],
        "rationale": "Conviction for a Schedule 34A offence; he has unsupervised access to the children.",
        "recipient_id": recipient_id,
        "recipient_reason": "The mother: she can stop the unsupervised access.",
        "subject_told": True,
        "subject_told_reason": "He will be told to reduce the risk of it coming out another way.",
        "disclosure_wording": "In 2012 he was convicted of sexual activity with a child.",
    }

"""Live risk: reassessment at any open stage with its history, and the interim safeguarding plan a
high-risk case (or one with a child at risk) needs before it moves on, with its own clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import unescape
from typing import Any

from disclosure_service.database import engine as db
from disclosure_service.dates import LONDON
from tests import cases
from tests.factories import TestUser
from tests.http import Api
from tests.integration.test_meeting_order import read


def _plan_clock(body: dict[str, Any]) -> dict[str, Any] | None:
    return next((c for c in body["stage_clocks"] if c["clock"] == "safeguarding_plan"), None)


async def _to_checks(api: Api, case: dict[str, Any]) -> int:
    """Triage (medium), the applicant met, one check asked and returned; the check's id."""
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    await cases.do(api, case, "record_applicant_meeting", **cases.applicant_meeting())
    await cases.do(api, case, "add_check", source="pnc", requested_on=cases.today())
    check_id: int = (await read(api, case))["checks"][0]["id"]
    await cases.do(
        api, case, "record_check_result", check_id=check_id, returned_on=cases.today(), result="intelligence"
    )
    return check_id


async def test_a_high_risk_case_is_refused_at_complete_checks_until_a_plan_exists(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await _to_checks(api, case)
    assert _plan_clock(await read(api, case)) is None  # not needed yet: not shown

    await cases.do(
        api,
        case,
        "reassess_risk",
        level="high",
        child_at_risk=False,
        reasons="Probation say he has moved in with the family.",
    )
    body = await read(api, case)
    assert body["risk_level"] == "high"
    clock = _plan_clock(body)
    assert clock is not None
    assert clock["started"]
    assert not clock["done"]
    assert clock["hours"] == 24
    assert "record an interim safeguarding plan" in unescape((await api.get(f"/cases/{case['id']}")).text)

    refused = await cases.do(api, case, "complete_checks", expect=422)
    assert "Record an interim safeguarding plan first" in str(refused)
    # The page does not offer what the rules refuse.
    assert "complete_checks" not in body["available_actions"]

    alone = await cases.do(api, case, "record_safeguarding_plan", expect=400, actions=[])
    assert "at least one action" in str(alone)
    await cases.do(api, case, "record_safeguarding_plan", **cases.SAFEGUARDING_PLAN)
    planned = await read(api, case)
    assert [a["action"] for a in planned["safeguarding_plan"]["actions"]] == [
        a["action"] for a in cases.SAFEGUARDING_PLAN["actions"]
    ]
    assert planned["safeguarding_plan"]["actions"][0]["done"] is False
    stopped = _plan_clock(planned)
    assert stopped is not None
    assert stopped["done"]
    await cases.do(api, case, "complete_checks")

    # Marking an action done is the plan recorded again; the latest stands, every version is kept.
    done = [{**a, "done": i == 0} for i, a in enumerate(cases.SAFEGUARDING_PLAN["actions"])]
    await cases.do(api, case, "record_safeguarding_plan", actions=done, notes="First action done.")
    again = await read(api, case)
    assert [a["done"] for a in again["safeguarding_plan"]["actions"]] == [True, False]
    assert again["safeguarding_plan"]["notes"] == "First action done."
    async with db.transaction(force_id=officer.force_id) as conn:
        versions = await conn.fetchval("SELECT count(*) FROM safeguarding_plan WHERE application = $1", case["id"])
    assert versions == 2


async def test_reassessment_keeps_its_history_at_any_open_stage(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "reassess_risk", level="medium", child_at_risk=False, reasons="What the referrer said.")
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="standard")
    await cases.do(api, case, "reassess_risk", level="standard", child_at_risk=True, reasons="School report bruising.")
    body = await read(api, case)
    history = body["risk_reassessments"]
    assert [(r["stage"], r["previous_level"], r["level"], r["child_at_risk"]) for r in history] == [
        ("received", "not_assessed", "medium", False),
        ("applicant_meeting", "standard", "standard", True),
    ]
    assert history[1]["reasons"] == "School report bruising."
    assert history[1]["by_name"]
    # A child at risk needs a plan, whatever the level: the meeting waits for it.
    refused = await cases.do(
        api,
        case,
        "record_applicant_meeting",
        expect=422,
        held_on=cases.today(),
        method="in_person",
        identity_verified=True,
        documents_seen="Passport",
        relationship_verified=True,
    )
    assert "Record an interim safeguarding plan first" in str(refused)
    page = unescape((await api.get(f"/cases/{case['id']}")).text)
    assert "Risk reassessments" in page
    assert "School report bruising." in page
    assert "Not assessed to Medium" in page
    # Nothing below standard: an unknown level is refused.
    await cases.do(api, case, "reassess_risk", expect=400, level="not_assessed", child_at_risk=False, reasons="x")


async def test_an_immediate_risk_escalation_creates_a_plan_with_its_first_action(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "escalate", agency="Leeds MASH", referral_reference="MASH-2026-991")
    body = await read(api, case)
    plan = body["safeguarding_plan"]
    assert plan is not None
    [first] = plan["actions"]
    assert "Leeds MASH" in first["action"]
    assert "MASH-2026-991" in first["action"]
    assert first["done"] is True
    assert first["due_on"] == datetime.now(LONDON).date().isoformat()


async def test_the_plan_page_starts_from_the_plan_that_stands(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "reassess_risk", level="high", child_at_risk=True, reasons="Disclosed by the child.")
    due = datetime.now(LONDON).date() + timedelta(days=2)
    form = {
        "version": str(case["version"]),
        "actions.0.action": "Strategy discussion with social care",
        "actions.0.agency": "childrens_social_care",
        "actions.0.due_on-day": str(due.day),
        "actions.0.due_on-month": str(due.month),
        "actions.0.due_on-year": str(due.year),
        "actions.0.done": "false",
        "notes": "",
    }
    saved = await api.form(f"/cases/{case['id']}/record_safeguarding_plan", form)
    assert saved.status_code in (302, 303), saved.text
    page = (await api.get(f"/cases/{case['id']}/record_safeguarding_plan")).text
    assert "Strategy discussion with social care" in page
    assert f'value="{due.year}"' in page


async def test_a_high_triage_starts_the_plan_clock_and_the_meeting_waits(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="high")
    clock = _plan_clock(await read(api, case))
    assert clock is not None
    assert clock["started"]
    assert not clock["done"]
    refused = await cases.do(
        api,
        case,
        "record_applicant_meeting",
        expect=422,
        held_on=cases.today(),
        method="in_person",
        identity_verified=True,
        documents_seen="Passport",
        relationship_verified=True,
    )
    assert "Record an interim safeguarding plan first" in str(refused)


async def test_a_plan_row_missing_its_agency_is_said_by_that_field_and_what_was_typed_stays(
    api: Api, officer: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    due = datetime.now(LONDON).date() + timedelta(days=2)
    form = {
        "version": str(case["version"]),
        "actions.0.action": "Strategy discussion with social care",
        "actions.0.due_on-day": str(due.day),
        "actions.0.due_on-month": str(due.month),
        "actions.0.due_on-year": str(due.year),
        "notes": "Typed before the mistake",
    }
    page = await api.form(f"/cases/{case['id']}/record_safeguarding_plan", form)
    assert page.status_code == 400
    text = unescape(page.text)
    assert "Select the agency that owns action 1" in text
    assert 'href="#actions-0-agency"' in text
    assert "Strategy discussion with social care" in text
    assert "Typed before the mistake" in text
    assert (await read(api, case))["safeguarding_plan"] is None

"""Helpers for DVDS (Clare's Law) tests: a force that runs it, an application, a case to its decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from disclosure_service.auth.service import Keys
from disclosure_service.identity.roles import Role
from tests import cases, database
from tests.factories import TestUser, make_user
from tests.http import Api


@pytest.fixture(scope="session")
async def dvds_force(test_database: database.TestDatabase) -> int:
    """A force that runs both schemes, committed once (the runtime role may not create forces)."""
    owner = await asyncpg.connect(test_database.owner_url)
    try:
        force_id: int = await owner.fetchval(
            "INSERT INTO force (code, name, offers_welsh, schemes, created_at) "
            "VALUES ('VALE', 'Vale Constabulary', true, '{csods,dvds}', now()) "
            "ON CONFLICT (code) DO UPDATE SET schemes = '{csods,dvds}' RETURNING id"
        )
    finally:
        await owner.close()
    return force_id


@pytest.fixture
async def dvds_officer(dvds_force: int, keys: Keys, transaction: None) -> TestUser:
    return await make_user(force_id=dvds_force, keys=keys, role=Role.officer)


@pytest.fixture
async def dvds_supervisor(dvds_force: int, keys: Keys, transaction: None) -> TestUser:
    return await make_user(force_id=dvds_force, keys=keys, role=Role.supervisor)


def application(**overrides: Any) -> dict[str, Any]:
    """A Right to Ask application by a friend (the guidance's "person C") about the person at risk."""
    body: dict[str, Any] = {
        "scheme": "dvds",
        "route": "right_to_ask",
        "channel": "online",
        "received_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "concern": "My partner of three months has been controlling; a friend said he hurt his last partner.",
        "applicant": {"full_name": "Amira Khan", "safe_contact": "Email only", "date_of_birth": "1993-02-02"},
        "person_at_risk": {"full_name": "Leah Brennan", "date_of_birth": "1994-06-21"},
        "subject": {"full_name": "Jordan Pike", "date_of_birth": "1990-01-11", "relationship_to_applicant": "Partner"},
    }
    body.update(overrides)
    return body


async def create(api: Api, **overrides: Any) -> dict[str, Any]:
    response = await api.post("/api/v1/applications", application(**overrides))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def case_json(api: Api, case: dict[str, Any]) -> dict[str, Any]:
    response = await api.get(f"/api/v1/applications/{case['id']}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def person_id(file: dict[str, Any], role: str) -> int:
    found: int = next(p["id"] for p in file["people"] if p["role"] == role)
    return found


async def to_recommendation(api: Api, case: dict[str, Any], *, result: str = "domestic_abuse_history") -> None:
    """Triage, the face-to-face meeting (Right to Ask only), one check returned: ready to recommend."""
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    if case["stage"] == "applicant_meeting":
        await cases.do(
            api, case, "record_applicant_meeting", **cases.applicant_meeting(documents_seen="Driving licence")
        )
    await cases.do(api, case, "add_check", source="pnc", requested_on=cases.today())
    file = await case_json(api, case)
    check_id = next(c["id"] for c in file["checks"] if c["result"] is None)
    await cases.do(
        api,
        case,
        "record_check_result",
        check_id=check_id,
        returned_on=cases.today(),
        result=result,
        summary="2019 conviction: assault of a former partner" if result != "no_trace" else "No record",
    )
    await cases.do(api, case, "complete_checks")
    await cases.do(api, case, "record_risk_assessment", **cases.RISK_ASSESSMENT)
    # A high risk needs its interim safeguarding plan before the case moves on, in this scheme too.
    await cases.do(api, case, "record_safeguarding_plan", **cases.SAFEGUARDING_PLAN)


def recommendation(recipient_id: int) -> dict[str, Any]:
    return {
        "decision": "disclose",
        "criteria": ["risk_of_domestic_abuse", "pressing_need", "lawful", "necessary_to_protect_person_at_risk"],
        "rationale": "A conviction for assaulting a former partner; controlling behaviour now.",
        "recipient_id": recipient_id,
        "recipient_reason": "She is the person at risk.",
        "subject_told": False,
        "subject_told_reason": "Telling him would raise the risk to her.",
        "disclosure_wording": "In 2019 he was convicted of assaulting a former partner.",
    }

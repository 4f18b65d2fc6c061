"""Across forces on one service (issue 12, item 4), with two forces' users: a case transferred from
ALPHA to BRAVO, and a check ALPHA asks of BRAVO. Each force sees only its own side, both sides are
audited, and row-level security still holds for everything else."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.identity.roles import Role
from tests import cases
from tests.factories import TestUser, make_user
from tests.http import Api

REASON = {"reason": "supervisory_review", "reason_detail": "Deciding on a transfer"}


@pytest.fixture
async def bravo(forces: dict[str, int], keys: Keys, transaction: None) -> dict[str, TestUser]:
    return {
        "officer": await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.officer),
        "supervisor": await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.supervisor),
    }


async def switch(api: Api, user: TestUser) -> None:
    await api.post("/api/v1/auth/logout")
    await api.sign_in(user)


async def audit(force_id: int, event: str) -> list[Any]:
    async with db.transaction(force_id=force_id) as conn:
        return list(
            await conn.fetch(
                "SELECT operation, application_id, reference, recipients, username, details FROM audit_event "
                'WHERE event = $1 AND "force" = $2 ORDER BY id',
                event,
                force_id,
            )
        )


async def test_a_transfer_closes_the_sending_case_and_opens_one_in_the_receiving_force_each_seeing_its_own_side(
    api: Api, officer: TestUser, supervisor: TestUser, bravo: dict[str, TestUser], forces: dict[str, int]
) -> None:
    # BRAVO's own clock settings, which the case it receives must use.
    async with db.transaction(force_id=forces["BRAVO"]) as conn:
        await conn.execute(
            'INSERT INTO clock_setting ("force", scheme, clock, hours, effective_from, reason, set_by, set_at) '
            "VALUES ($1, 'csods', 'triage', 12, current_date - 1, 'BRAVO policy', $2, now())",
            forces["BRAVO"],
            bravo["supervisor"].id,
        )
    await api.sign_in(officer)
    sent = await cases.create(api)
    refused = await cases.do(api, sent, "transfer", expect=403, to_force=forces["BRAVO"], reason="Lives in Bravo")
    assert "supervisors" in refused["detail"]

    await switch(api, supervisor)
    sent["version"] = (await api.get(f"/api/v1/applications/{sent['id']}", params=REASON)).json()["version"]
    own = await cases.do(api, sent, "transfer", expect=422, to_force=forces["ALPHA"], reason="Nowhere")
    assert "another force" in own["detail"]
    done = await cases.do(api, sent, "transfer", to_force=forces["BRAVO"], reason="The family moved to Bravo")
    assert done["stage"] == "closed"
    theirs_reference = done["message"].rsplit(" ", 1)[-1]
    assert theirs_reference.startswith("BRAVO-")

    # ALPHA's side: closed as transferred, with BRAVO's reference, and nothing of BRAVO's case.
    ours = (await api.get(f"/api/v1/applications/{sent['id']}")).json()
    assert (ours["stage"], ours["outcome"]) == ("closed", "transferred")
    assert ours["transferred_to"]["reference"] == theirs_reference
    assert ours["transferred_to"]["force"] == "Bravo Police"
    assert ours["transferred_from"] is None
    assert (await api.get("/api/v1/applications", params={"q": theirs_reference})).json() == []
    [row] = await audit(officer.force_id, "case.transfer")
    assert (row["operation"], row["recipients"], row["reference"]) == ("disclosure", "Bravo Police", sent["reference"])

    # BRAVO's side: a new case with the people and the concern, linked back, on BRAVO's clocks.
    await switch(api, bravo["supervisor"])
    [listed] = (await api.get("/api/v1/applications", params={"queue": "unassigned"})).json()
    assert listed["reference"] == theirs_reference
    received = (await api.get(f"/api/v1/applications/{listed['id']}", params=REASON)).json()
    assert received["stage"] == "received"
    assert received["transferred_from"]["reference"] == sent["reference"]
    assert received["transferred_from"]["force"] == "Alpha Constabulary"
    assert received["concern"] == sent["concern"]
    assert sorted(p["full_name"] for p in received["people"]) == sorted(p["full_name"] for p in sent["people"])
    assert received["checks"] == []
    assert next(c for c in received["stage_clocks"] if c["clock"] == "triage")["hours"] == 12
    # ...and nothing of ALPHA's: its case is as missing as one that does not exist.
    assert (await api.get(f"/api/v1/applications/{sent['id']}", params=REASON)).status_code == 404
    assert (await api.get("/api/v1/applications", params={"q": sent["reference"]})).json() == []
    [arrived] = await audit(bravo["supervisor"].force_id, "case.received_by_transfer")
    assert (arrived["operation"], arrived["application_id"], arrived["reference"]) == (
        "collection",
        listed["id"],
        theirs_reference,
    )
    assert await audit(bravo["supervisor"].force_id, "case.transfer") == []

    # And ALPHA cannot read BRAVO's case either.
    await switch(api, supervisor)
    assert (await api.get(f"/api/v1/applications/{listed['id']}", params=REASON)).status_code == 404


async def test_closing_a_case_as_transferred_is_done_by_transferring_it(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    assert "transfer" not in case["available_actions"]  # a supervisor's
    assert "close" not in case["available_actions"]


async def test_a_check_asked_of_another_force_comes_back_as_the_checks_result_and_nothing_else_crosses(
    api: Api, officer: TestUser, bravo: dict[str, TestUser], forces: dict[str, int]
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    await cases.do(api, case, "record_applicant_meeting", **cases.applicant_meeting())
    subject = next(p for p in case["people"] if p["role"] == "subject")
    await cases.do(
        api,
        case,
        "request_force_check",
        to_force=forces["BRAVO"],
        person_id=subject["id"],
        question="Any convictions or intelligence while he lived in your area (2015 to 2020)?",
    )
    waiting = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    [check] = waiting["checks"]
    assert (check["source"], check["result"]) == ("other_force", None)
    assert (await api.get("/api/v1/check-requests")).json() == []  # asked by us, not of us

    await switch(api, bravo["officer"])
    [asked] = (await api.get("/api/v1/check-requests")).json()
    assert (asked["force"], asked["reference"], asked["full_name"]) == (
        "Alpha Constabulary",
        case["reference"],
        subject["full_name"],
    )
    assert asked["date_of_birth"] == subject["date_of_birth"]
    seen = (await api.get(f"/api/v1/check-requests/{asked['id']}")).text
    for private in ("Hannah", "Maisie", "babysits"):  # the applicant, the child, the concern stay in ALPHA
        assert private not in seen
    assert (await api.get(f"/api/v1/applications/{case['id']}", params=REASON)).status_code == 404
    answer = {"result": "other_convictions", "returned_on": cases.today(), "summary": "2016: common assault"}
    answered = await api.post(f"/api/v1/check-requests/{asked['id']}/answer", answer)
    assert answered.status_code == 200, answered.text
    assert answered.json()["result"] == "other_convictions"
    again = await api.post(f"/api/v1/check-requests/{asked['id']}/answer", answer)
    assert again.status_code == 400
    assert "answered already" in again.json()["detail"]
    page = await api.get("/check-requests")
    assert page.status_code == 200
    assert case["reference"] in page.text

    await switch(api, officer)
    back = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    [check] = back["checks"]
    assert (check["result"], check["summary"], check["returned_on"]) == (
        "other_convictions",
        "2016: common assault",
        cases.today(),
    )
    assert back["version"] > waiting["version"]  # the case changed
    assert "complete_checks" in back["available_actions"]
    assert (await api.get(f"/api/v1/check-requests/{asked['id']}")).status_code == 404

    alpha, bravo_force = officer.force_id, forces["BRAVO"]
    assert [r["operation"] for r in await audit(alpha, "case.request_force_check")] == ["disclosure"]
    assert [r["application_id"] for r in await audit(alpha, "check_request.answer_received")] == [case["id"]]
    assert [r["reference"] for r in await audit(bravo_force, "check_request.received")] == [""]
    assert [r["recipients"] for r in await audit(bravo_force, "check_request.answered")] == ["Alpha Constabulary"]


async def test_row_level_security_still_keeps_each_force_to_its_own_rows_and_the_functions_refuse_the_rest(
    api: Api, officer: TestUser, supervisor: TestUser, bravo: dict[str, TestUser], forces: dict[str, int]
) -> None:
    await api.sign_in(supervisor)
    sent = await cases.create(api)
    await cases.do(api, sent, "transfer", to_force=forces["BRAVO"], reason="The family moved to Bravo")
    alpha, bravo_force = forces["ALPHA"], forces["BRAVO"]
    async with db.transaction(force_id=bravo_force) as conn:
        assert await conn.fetchval("SELECT count(*) FROM application WHERE id = $1", sent["id"]) == 0
        assert await conn.fetchval("SELECT count(*) FROM case_person WHERE application = $1", sent["id"]) == 0
        assert await conn.fetchval("SELECT count(*) FROM closure WHERE application = $1", sent["id"]) == 0
        assert await conn.fetchval("SELECT count(*) FROM case_transfer") == 1  # the link, its own end
    for statement, args in (
        # Writing straight into another force, or into the link, is refused to the runtime role.
        (
            'INSERT INTO case_clock ("force", application, clock, hours, extended_hours) '
            "VALUES ($1, $2, 'triage', 1, 0)",
            (bravo_force, sent["id"]),
        ),
        (
            'INSERT INTO case_transfer ("force", application, reference, to_force, to_application, to_reference, '
            "reason, shared, sent_by, sent_at) VALUES ($1, $2, 'x', $3, $2, 'y', 'z', '{}', $4, now())",
            (alpha, sent["id"], bravo_force, supervisor.id),
        ),
        ("UPDATE force_check_request SET result = 'no_trace'", ()),
        # The functions check who is asking.
        ("SELECT * FROM case_transfer_create($1, $2, $3, now(), 'x', false, '{}')", (sent["id"], alpha, supervisor.id)),
        ("SELECT * FROM force_check_answer(1, $1, now(), 'no_trace', current_date, '')", (supervisor.id,)),
        (
            "SELECT audit_append_across_forces(jsonb_build_object('force', $1::int, 'record_type', 'case_transfer', "
            "'record_id', 1, 'event', 'case.received_by_transfer', 'user', $2::int))",
            (bravo_force, supervisor.id),
        ),
    ):
        with pytest.raises(asyncpg.PostgresError):
            async with db.transaction(force_id=alpha) as conn, conn.transaction():
                await conn.execute(statement, *args)

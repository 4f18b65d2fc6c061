"""Acting on a case needs what reading it needs, and every refused attempt is on the record."""

from __future__ import annotations

from typing import Any

from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.identity.roles import Role
from tests import cases
from tests.factories import TestUser, make_user
from tests.http import Api


async def refusals(user: TestUser, record_id: int) -> list[tuple[str | None, str]]:
    async with db.transaction(force_id=user.force_id) as conn:
        rows = await conn.fetch(
            "SELECT reference, details->>'refused' AS refused, details->>'action' AS action FROM audit_event "
            "WHERE event = 'case.action_refused' AND record_id = $1 AND \"user\" = $2 ORDER BY id",
            record_id,
            user.id,
        )
    return [(r["reference"] or None, f"{r['action']}:{r['refused']}") for r in rows]


async def test_a_supervisor_not_on_a_case_cannot_probe_or_change_it_without_a_reason(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)

    # Without a reason nothing is done, and no rule says anything about the case's state; a stale
    # version is still told as such (two supervisors deciding at once). Every attempt is logged.
    attempts = []
    for version in (case["version"] - 1, case["version"], case["version"] + 5):
        probe = await api.post(
            f"/api/v1/applications/{case['id']}/recommend", {"version": version, **cases.recommendation(1)}
        )
        attempts.append(probe.status_code)
        if probe.status_code == 403:
            assert "say why" in probe.json()["detail"]
    assert attempts == [409, 403, 409]
    assert await refusals(supervisor, case["id"]) == [
        (case["reference"], "recommend:conflict"),
        (case["reference"], "recommend:forbidden"),
        (case["reference"], "recommend:conflict"),
    ]

    opened = await api.get(
        f"/api/v1/applications/{case['id']}", params={"reason": "covering", "reason_detail": "Covering the unit"}
    )
    assert opened.status_code == 200
    stale = await api.post(f"/api/v1/applications/{case['id']}/extend", {"version": 1, "days": 7, "reason": "Backlog"})
    assert stale.status_code == 409
    assert (await refusals(supervisor, case["id"]))[-1] == (case["reference"], "extend:conflict")
    body: dict[str, Any] = {"days": 7, "reason": "Backlog"}
    await cases.do(api, case, "extend", **body)
    async with db.transaction(force_id=supervisor.force_id) as conn:
        why = await conn.fetchval(
            "SELECT justification FROM audit_event WHERE event = 'case.extend' AND application_id = $1", case["id"]
        )
    assert why == "Covering for the assigned officer: Covering the unit"


async def test_another_forces_probe_of_an_action_is_a_404_on_the_record_without_the_reference(
    api: Api, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    stranger = await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.supervisor)
    await api.sign_in(stranger)
    probe = await api.post(f"/api/v1/applications/{case['id']}/withdraw", {"version": 1, "reason": "Probe"})
    missing = await api.post("/api/v1/applications/999999/withdraw", {"version": 1, "reason": "Probe"})
    assert (probe.status_code, probe.json()) == (missing.status_code, missing.json()) == (404, probe.json())
    assert await refusals(stranger, case["id"]) == [(None, "withdraw:not_found")]

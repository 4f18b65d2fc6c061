"""Clocks a force sets: an admin changes a clock from a day on, new cases take it, cases already
received keep theirs; the change is audited and needs a fresh code; other forces are untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.identity.roles import Role
from tests import cases
from tests.factories import TestUser, make_user, next_time_step
from tests.http import Api


def stage_clock(case: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in case["stage_clocks"] if c["clock"] == name)


async def set_clock(api: Api, expect: int = 201, **body: Any) -> dict[str, Any]:
    response = await api.post("/api/v1/clocks", {"scheme": "csods", "reason": "Force policy 2027", **body})
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


async def switch(api: Api, user: TestUser) -> None:
    await api.post("/api/v1/auth/logout")
    await api.sign_in(user)


async def test_an_admin_changes_a_clock_a_new_case_uses_it_and_an_older_case_keeps_its_deadline(
    api: Api, officer: TestUser, admin: TestUser
) -> None:
    await api.sign_in(officer)
    older = await cases.create(api)
    assert stage_clock(older, "triage")["hours"] == 24

    await switch(api, admin)
    before = {c["clock"]: c for c in (await api.get("/api/v1/clocks")).json()}
    assert before["triage"]["hours"] == 24
    assert before["triage"]["in_force"] is None  # the scheme's default
    changed = await set_clock(api, clock="triage", hours=12, effective_from=cases.today())
    assert changed["hours"] == 12
    assert changed["in_force"]["reason"] == "Force policy 2027"

    await switch(api, officer)
    newer = await cases.create(api)
    received = datetime.fromisoformat(newer["received_at"])
    assert stage_clock(newer, "triage")["hours"] == 12
    assert datetime.fromisoformat(stage_clock(newer, "triage")["due_at"]) == received + timedelta(hours=12)
    # The v1 clocks agree: the case's own row keeps the same deadline.
    assert {c["name"]: c["due_at"] for c in newer["clocks"]}["Initial triage"] == stage_clock(newer, "triage")["due_at"]

    kept = (await api.get(f"/api/v1/applications/{older['id']}")).json()
    assert stage_clock(kept, "triage")["hours"] == 24
    assert stage_clock(kept, "triage")["due_at"] == stage_clock(older, "triage")["due_at"]
    # A case received before the day the change applies from keeps the old length, even recorded later.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    late_recorded = await cases.create(api, received_at=yesterday)
    assert stage_clock(late_recorded, "triage")["hours"] == 24


async def test_a_stage_clock_set_for_later_waits_for_its_day_and_is_listed_as_scheduled(
    api: Api, admin: TestUser, officer: TestUser
) -> None:
    await api.sign_in(admin)
    later = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    view = await set_clock(api, clock="risk_assessment", days=28, effective_from=later)
    assert view["hours"] == 240  # still 10 days today
    assert [(s["hours"], s["effective_from"]) for s in view["scheduled"]] == [(28 * 24, later)]
    await switch(api, officer)
    case = await cases.create(api)
    assert stage_clock(case, "risk_assessment")["hours"] == 240
    assert not stage_clock(case, "risk_assessment")["started"]


async def test_setting_a_clock_is_audited_and_refused_without_a_fresh_code_or_for_a_day_gone(
    api: Api, admin: TestUser
) -> None:
    await api.sign_in(admin)
    refused = await set_clock(api, 400, clock="decision", days=5, effective_from="2020-01-01")
    assert refused["extra"][0]["key"] == "effective_from"
    assert (await set_clock(api, 400, clock="nonsense", days=5, effective_from=cases.today()))["extra"][0]["key"] == (
        "clock"
    )
    assert (await set_clock(api, 400, clock="decision", effective_from=cases.today()))["extra"][0]["key"] == "hours"
    await set_clock(api, clock="decision", days=7, effective_from=cases.today())
    async with db.transaction(force_id=admin.force_id) as conn:
        rows = await conn.fetch(
            "SELECT operation, details FROM audit_event WHERE event = 'clocks.changed' AND username = $1",
            admin.username,
        )
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", admin.id
        )
    assert len(rows) == 1
    assert rows[0]["operation"] == "administration"
    assert '"previous_hours": 240' in rows[0]["details"]
    stale = await api.post(
        "/api/v1/clocks",
        {"scheme": "csods", "clock": "decision", "days": 6, "effective_from": cases.today(), "reason": "x"},
    )
    assert stale.status_code == 403


async def test_only_admins_see_or_set_clocks_and_only_their_own_forces(
    api: Api, admin: TestUser, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    await api.sign_in(officer)
    assert (await api.get("/api/v1/clocks")).status_code == 403
    assert (await api.get("/admin/clocks")).status_code == 403
    await switch(api, admin)
    await set_clock(api, clock="triage", hours=6, effective_from=cases.today())
    theirs = await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.admin)
    await switch(api, theirs)
    bravo = {c["clock"]: c for c in (await api.get("/api/v1/clocks")).json()}
    assert bravo["triage"]["hours"] == 24
    assert "Force policy 2027" not in (await api.get("/admin/clocks")).text


async def test_the_page_sets_a_clock_with_the_code_in_its_own_form(api: Api, admin: TestUser) -> None:
    await api.sign_in(admin)
    page = await api.get("/admin/clocks")
    assert page.status_code == 200
    assert "Recommendation and decision" in page.text
    today = datetime.now(UTC).date()
    form = {
        "clock": "csods:decision",
        "length": "8",
        "unit": "days",
        "effective_from-day": str(today.day),
        "effective_from-month": str(today.month),
        "effective_from-year": str(today.year),
        "reason": "Home Office guidance 2023",
    }
    missing = await api.form("/admin/clocks", {**form, "length": ""})
    assert missing.status_code == 400
    assert "Enter the length" in missing.text
    async with db.transaction(force_id=admin.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", admin.id
        )
    no_code = await api.form("/admin/clocks", form)
    assert no_code.status_code == 400
    await next_time_step(admin)
    done = await api.form("/admin/clocks", {**form, "code": admin.code()})
    assert done.status_code == 303, done.text
    shown = await api.get("/admin/clocks")
    assert "8 days" in shown.text
    assert "Home Office guidance 2023" in shown.text


async def test_the_queues_name_each_cases_stage_clock_and_narrow_to_one_clock(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    [row] = (await api.get("/api/v1/applications", params={"queue": "due_soon", "clock": "triage"})).json()
    assert (row["reference"], row["clock"]) == (case["reference"], "Initial triage")
    assert (await api.get("/api/v1/applications", params={"queue": "due_soon", "clock": "decision"})).json() == []
    page = await api.get("/cases", params={"queue": "due_soon", "clock": "triage"})
    assert page.status_code == 200
    assert case["reference"] in page.text
    assert "Recommendation and decision" in page.text  # offered as a filter

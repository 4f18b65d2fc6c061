"""Applications through the API: recording, the stages, four eyes, versions, resubmits, reads logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.identity.roles import Role
from tests import cases
from tests.factories import TestUser, make_user, next_time_step
from tests.http import Api


async def audit_rows(case_id: int, force_id: int, event: str | None = None) -> list[Any]:
    async with db.transaction(force_id=force_id) as conn:
        return list(
            await conn.fetch(
                "SELECT event, username, justification, details FROM audit_event WHERE application_id = $1 "
                "AND ($2::text IS NULL OR event = $2) ORDER BY id",
                case_id,
                event,
            )
        )


async def test_recording_an_application_starts_its_clocks(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    assert case["reference"].startswith(f"ALPHA-{datetime.now(UTC).year}-")
    assert case["stage"] == "received"
    assert case["assigned_to"] == officer.id
    assert [p["role"] for p in case["people"]] == ["applicant", "subject", "child"]
    received = datetime.fromisoformat(case["received_at"])
    clocks = {c["name"]: datetime.fromisoformat(c["due_at"]) for c in case["clocks"]}
    assert clocks == {
        "Initial triage": received + timedelta(hours=24),
        "Meeting the applicant": received + timedelta(days=10),
        "Whole case": received + timedelta(days=45),
    }
    assert "complete_triage" in case["available_actions"]
    created = await audit_rows(case["id"], officer.force_id, "case.created")
    assert len(created) == 1


async def test_references_count_up_within_a_force_and_year(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    first, second = await cases.create(api), await cases.create(api)
    assert int(second["reference"][-5:]) == int(first["reference"][-5:]) + 1


async def test_a_missing_field_is_refused_and_nothing_is_recorded(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    body = cases.new_application()
    del body["subject"]
    response = await api.post("/api/v1/applications", body)
    assert response.status_code == 400
    assert "subject" in str(response.json()["extra"])
    async with db.transaction(force_id=officer.force_id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM application") == 0


async def test_the_same_subject_in_another_application_is_flagged(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    first = await cases.create(api)
    second = await cases.create(api, applicant={"full_name": "Someone Else", "safe_contact": "any time"})
    assert second["possible_duplicates"] == [first["reference"]]


async def test_an_application_walks_from_receipt_to_an_authorised_disclosure(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "start_triage")
    await cases.to_recommendation(api, case)
    assert case["stage"] == "recommendation"
    mother = case["people"][0]["id"]
    await cases.do(api, case, "recommend", **cases.recommendation(mother))
    assert case["stage"] == "authorisation"

    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    queue = (await api.get("/api/v1/applications", params={"queue": "authorisation"})).json()
    assert [item["reference"] for item in queue] == [case["reference"]]
    await cases.authorise(api, case, rationale="Presumption to disclose applies; necessary and proportionate.")
    assert case["stage"] == "disclosure"
    events = [row["event"] for row in await audit_rows(case["id"], officer.force_id)]
    assert events[0] == "case.created"
    assert "case.recommend" in events
    assert events[-1] == "case.authorise"


async def test_nobody_authorises_their_own_recommendation(api: Api, supervisor: TestUser, officer: TestUser) -> None:
    await api.sign_in(supervisor)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    await cases.do(api, case, "recommend", **cases.recommendation(case["people"][0]["id"]))
    refused = await cases.authorise(api, case, expect=403, rationale="I agree with myself.")
    assert "another supervisor" in refused["detail"]
    async with db.transaction(force_id=supervisor.force_id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM authorisation_decision") == 0


async def test_an_invalid_step_says_why_and_what_is_missing(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api, children=[])
    refused = await cases.do(
        api, case, "complete_triage", expect=422, immediate_risk=False, in_scope=True, risk_level="standard"
    )
    assert "Add at least one child" in refused["detail"]
    too_early = await cases.do(api, case, "complete_checks", expect=422)
    assert "this case is at: Received" in too_early["detail"]


async def test_a_stale_version_is_refused_and_nothing_is_lost(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    stale = dict(case)
    await cases.do(api, case, "start_triage")
    response = await api.post(
        f"/api/v1/applications/{case['id']}/complete-triage",
        {"version": stale["version"], "immediate_risk": False, "in_scope": True, "risk_level": "high"},
    )
    assert response.status_code == 409
    assert "Someone else changed this case" in response.json()["detail"]
    async with db.transaction(force_id=officer.force_id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM triage") == 0
        assert await conn.fetchval("SELECT stage FROM application WHERE id = $1", case["id"]) == "initial_triage"


async def test_a_resubmitted_request_creates_one_record(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    body = cases.new_application()
    first = await api.post("/api/v1/applications", body, headers={"idempotency-key": "same-key-123456"})
    again = await api.post("/api/v1/applications", body, headers={"idempotency-key": "same-key-123456"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    async with db.transaction(force_id=officer.force_id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM application") == 1

    case = first.json()
    check = {"version": case["version"], "source": "pnc", "requested_on": cases.today()}
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    await cases.do(
        api,
        case,
        "record_applicant_meeting",
        held_on=cases.today(),
        method="phone",
        identity_verified=True,
        documents_seen="Driving licence",
        relationship_verified=True,
    )
    check["version"] = case["version"]
    url = f"/api/v1/applications/{case['id']}/add-check"
    one = await api.post(url, check, headers={"idempotency-key": "check-key-123456"})
    two = await api.post(url, check, headers={"idempotency-key": "check-key-123456"})
    assert one.status_code == two.status_code == 200
    assert two.json()["repeated"] is True
    async with db.transaction(force_id=officer.force_id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM case_check") == 1


async def test_each_read_is_one_consultation_row_with_its_justification(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    for _ in range(3):
        assert (await api.get(f"/api/v1/applications/{case['id']}")).status_code == 200
    reads = await audit_rows(case["id"], officer.force_id, "case.viewed")
    # One more: creating answers with the case it created.
    assert len(reads) == 4
    assert {row["justification"] for row in reads} == {"assigned officer"}
    assert {row["username"] for row in reads} == {officer.username}


async def test_someone_not_on_the_case_must_give_a_reason_first(
    api: Api, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    colleague = await make_user(force_id=forces["ALPHA"], keys=keys)
    await api.sign_in(officer)
    case = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(colleague)
    refused = await api.get(f"/api/v1/applications/{case['id']}")
    assert refused.status_code == 403
    assert "say why" in refused.json()["detail"]
    assert "Hannah" not in refused.text
    allowed = await api.get(
        f"/api/v1/applications/{case['id']}", params={"reason": "covering", "reason_detail": "PC Morgan is on leave"}
    )
    assert allowed.status_code == 200
    again = await api.get(f"/api/v1/applications/{case['id']}")  # the reason holds for the session
    assert again.status_code == 200
    reads = [
        r for r in await audit_rows(case["id"], officer.force_id, "case.viewed") if r["username"] == colleague.username
    ]
    assert [r["justification"] for r in reads] == ["Covering for the assigned officer: PC Morgan is on leave"] * 2


async def test_lists_log_what_they_showed(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    found = (await api.get("/api/v1/applications", params={"q": "dunmore"})).json()
    assert [item["reference"] for item in found] == [case["reference"]]
    async with db.transaction(force_id=officer.force_id) as conn:
        details = await conn.fetchval(
            "SELECT details FROM audit_event WHERE event = 'case.list_viewed' ORDER BY id DESC LIMIT 1"
        )
    assert case["reference"] in details
    assert "dunmore" in details


async def test_another_forces_case_is_answered_like_a_missing_one_and_the_probe_is_logged(
    api: Api, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    outsider = await make_user(force_id=forces["BRAVO"], keys=keys)
    await api.sign_in(outsider)
    theirs = await api.get(f"/api/v1/applications/{case['id']}")
    missing = await api.get("/api/v1/applications/999999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    page, missing_page = await api.get(f"/cases/{case['id']}"), await api.get("/cases/999999999")
    assert page.status_code == missing_page.status_code == 404
    assert page.text == missing_page.text
    acted = await api.post(f"/api/v1/applications/{case['id']}/withdraw", {"version": 1, "reason": "probe"})
    assert acted.status_code == 404
    assert (await api.get("/api/v1/applications", params={"q": "whitfield"})).json() == []
    async with db.transaction(force_id=outsider.force_id) as conn:
        probes = await conn.fetch(
            "SELECT record_id FROM audit_event WHERE event = 'case.not_found' AND \"user\" = $1", outsider.id
        )
    assert case["id"] in {row["record_id"] for row in probes}


async def test_admins_and_auditors_see_no_case_content(
    api: Api, admin: TestUser, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(admin)
    assert (await api.get(f"/api/v1/applications/{case['id']}")).status_code == 403
    assert (await api.get("/api/v1/applications")).status_code == 403
    assert (await api.get(f"/cases/{case['id']}")).status_code == 403


async def test_an_extension_needs_a_supervisor_and_moves_the_deadline(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    refused = await cases.do(api, case, "extend", expect=403, days=14, reason="Awaiting probation records")
    assert "supervisors" in refused["detail"]
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    before = (
        await api.get(
            f"/api/v1/applications/{case['id']}",
            params={"reason": "supervisory_review", "reason_detail": "extension request"},
        )
    ).json()
    case["version"] = before["version"]
    await cases.do(api, case, "extend", days=14, reason="Awaiting probation records")
    after = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    due = {c["name"]: c["due_at"] for c in before["clocks"]}["Whole case"]
    new_due = {c["name"]: c["due_at"] for c in after["clocks"]}["Whole case"]
    assert datetime.fromisoformat(new_due) - datetime.fromisoformat(due) == timedelta(days=14)


async def test_an_immediate_risk_is_escalated_and_closes_the_case(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    wrong_way = await cases.do(
        api, case, "complete_triage", expect=422, immediate_risk=True, in_scope=True, risk_level="immediate"
    )
    assert "Escalate" in wrong_way["detail"]
    await cases.do(api, case, "escalate", agency="Children's social care (MASH)", referral_reference="MASH-2026-0412")
    read = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    assert read["stage"] == "closed"
    assert read["outcome"] == "escalated_child_protection"
    assert read["risk_level"] == "immediate"
    # Closed: nothing moves it any more; only what happens after closure can be recorded.
    # Closed: nothing moves it on, though the file can still be kept right (docs/decisions.md).
    assert read["available_actions"] == [
        "correct_person",
        "add_note",
        "record_contact",
        "add_attachment",
        "record_post_closure_event",
    ]


async def test_authorising_a_disclosure_needs_a_fresh_code(api: Api, officer: TestUser, supervisor: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    await cases.do(api, case, "recommend", **cases.recommendation(case["people"][0]["id"]))
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    async with db.transaction(force_id=supervisor.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", supervisor.id
        )
    stale = await cases.authorise(api, case, expect=403, rationale="Necessary and proportionate.")
    assert "new code" in stale["detail"]
    await next_time_step(supervisor)
    assert (await api.post("/api/v1/auth/step-up", {"code": supervisor.code()})).status_code == 204
    await cases.authorise(api, case, rationale="Necessary and proportionate.")
    assert case["stage"] == "disclosure"


async def test_search_and_duplicates_never_reach_another_force(
    api: Api, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    elsewhere = await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.officer)
    await api.sign_in(elsewhere)
    theirs = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(officer)

    ours = await cases.create(api)
    assert ours["possible_duplicates"] == []
    found = (await api.get("/api/v1/applications", params={"q": "dunmore"})).json()
    assert [row["id"] for row in found] == [ours["id"]] != [theirs["id"]]
    async with db.transaction() as conn:  # no force set: the functions find nothing at all
        assert await conn.fetchval("SELECT count(*) FROM case_search('%dunmore%', 50)") == 0


async def test_a_key_used_for_one_request_is_refused_for_another(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    first = await api.post("/api/v1/applications", cases.new_application(), headers={"idempotency-key": "key-one-1234"})
    second = await cases.create(api)
    reused = await api.post(
        f"/api/v1/applications/{second['id']}/start-triage",
        {"version": second["version"]},
        headers={"idempotency-key": "key-one-1234"},
    )
    assert first.status_code == 201
    assert reused.status_code == 422
    assert "already used for a different request" in reused.json()["detail"]
    async with db.transaction(force_id=officer.force_id) as conn:
        assert await conn.fetchval("SELECT stage FROM application WHERE id = $1", second["id"]) == "received"


async def test_an_idempotency_key_must_look_like_one(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    response = await api.post("/api/v1/applications", cases.new_application(), headers={"idempotency-key": "abc"})

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]


async def test_a_time_without_its_offset_is_refused_not_guessed(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    response = await api.post("/api/v1/applications", cases.new_application(received_at="2026-11-28T10:00:00"))

    assert response.status_code == 400
    assert "received_at" in response.text


async def test_a_stale_copy_hears_about_the_change_before_the_rules(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    stale_version = case["version"]
    await cases.do(api, case, "start_triage")
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    # Starting triage again is no longer possible, but the first thing to say is that the case moved on.
    response = await api.post(f"/api/v1/applications/{case['id']}/start-triage", {"version": stale_version})

    assert response.status_code == 409


async def test_an_officer_cannot_change_a_case_someone_else_holds(
    api: Api, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    colleague = await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.officer)
    await api.sign_in(colleague)
    case = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(officer)

    # Acting, like reading, first needs a reason; then the case is still someone else's.
    withdraw = {"version": 1, "reason": "No reason"}
    unexplained = await api.post(f"/api/v1/applications/{case['id']}/withdraw", withdraw)
    assert unexplained.status_code == 403
    assert "say why" in unexplained.json()["detail"]
    # Taking it is no way round the reason a read needs: first say why, then take it.
    skipped = await api.post(f"/api/v1/applications/{case['id']}/assign", {"version": 1, "user_id": officer.id})
    assert skipped.status_code == 403
    assert "say why" in skipped.json()["detail"]
    opened = await api.get(
        f"/api/v1/applications/{case['id']}", params={"reason": "covering", "reason_detail": "Covering for a colleague"}
    )
    assert opened.status_code == 200
    refused = await api.post(f"/api/v1/applications/{case['id']}/withdraw", withdraw)
    assert refused.status_code == 403
    assert "assigned" in refused.json()["detail"]
    taken = await api.post(f"/api/v1/applications/{case['id']}/assign", {"version": 1, "user_id": officer.id})
    assert taken.status_code == 200, taken.text


async def test_a_long_queue_comes_in_pages_of_fifty(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    for _ in range(53):
        await cases.create(api)

    first = await api.get("/cases", params={"queue": "mine"})
    assert first.text.count('class="govuk-link app-case-ref"') == 50
    assert "Showing 1 to 50 of 53" in first.text
    second = await api.get("/cases", params={"queue": "mine", "page": "2"})
    assert second.text.count('class="govuk-link app-case-ref"') == 3
    listed = (await api.get("/api/v1/applications", params={"queue": "mine", "page": 2})).json()
    assert len(listed) == 3


async def test_a_supervisor_cannot_decide_their_way_onto_a_case_without_a_reason(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)

    # An extension would make them the case's supervisor, and so let them read it: reason first.
    refused = await cases.do(api, case, "extend", expect=403, days=14, reason="Backlog")
    assert "say why" in refused["detail"]
    # Nor can they hand a batch of cases to themselves.
    bulk = await api.form("/cases/reassign", {"case_ids": str(case["id"]), "user_id": str(supervisor.id)})
    assert bulk.status_code == 303
    assert "done=reassign-refused" in bulk.headers["location"]
    async with db.transaction(force_id=officer.force_id) as conn:
        row = await conn.fetchrow("SELECT assigned_to, supervisor FROM application WHERE id = $1", case["id"])
    assert row is not None
    assert (row["assigned_to"], row["supervisor"]) == (officer.id, None)

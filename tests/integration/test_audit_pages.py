"""Auditors search the trail and export it; reads fail closed; supervisors see who looked (rows 21-23, 27)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from disclosure_service.audit import queries as audit_queries
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Actor
from disclosure_service.identity.roles import Role
from tests import cases
from tests.factories import TestUser, make_user
from tests.http import Api
from tests.live import Browser, live_cluster


@pytest.fixture
async def auditor(forces: dict[str, int], keys: Keys, transaction: None) -> TestUser:
    return await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.auditor)


async def test_an_auditor_finds_who_opened_a_case_and_why(
    api: Api, officer: TestUser, auditor: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await api.post("/api/v1/auth/logout")
    curious = await make_user(force_id=forces["ALPHA"], keys=keys)
    await api.sign_in(curious)
    await api.get("/api/v1/applications", params={"q": "Dunmore"})
    await api.get(f"/api/v1/applications/{case['id']}", params={"reason": "other", "reason_detail": "just curious"})
    await api.post("/api/v1/auth/logout")

    await api.sign_in(auditor)
    activity = (await api.get("/api/v1/audit/events", params={"username": curious.username})).json()
    events = [e["event"] for e in activity]
    assert "case.viewed" in events
    assert "case.list_viewed" in events
    viewed = next(e for e in activity if e["event"] == "case.viewed")
    assert viewed["reference"] == case["reference"]
    assert viewed["justification"] == "Another reason: just curious"
    searched = next(e for e in activity if e["event"] == "case.list_viewed")
    assert searched["details"]["search"] == "Dunmore"

    history = (
        await api.get("/api/v1/audit/events", params={"reference": case["reference"], "operation": "consultation"})
    ).json()
    assert {e["username"] for e in history} == {officer.username, curious.username}
    page = await api.get("/audit", params={"username": curious.username})
    assert page.status_code == 200
    assert "just curious" in page.text


async def test_the_csv_export_is_a_safe_download_and_an_audited_disclosure(
    api: Api, officer: TestUser, auditor: TestUser
) -> None:
    await api.sign_in(officer)
    await cases.create(api, concern='=HYPERLINK("http://evil.example") is in the concern')
    await api.post("/api/v1/auth/logout")
    await api.sign_in(auditor)
    response = await api.get("/audit/export.csv", params={"username": officer.username})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="audit-')
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    assert {row["username"] for row in rows} == {officer.username}
    async with db.transaction(force_id=auditor.force_id) as conn:
        export = await conn.fetchrow(
            "SELECT operation, recipients FROM audit_event WHERE event = 'audit.exported' ORDER BY id DESC LIMIT 1"
        )
    assert export is not None
    assert (export["operation"], export["recipients"]) == ("disclosure", auditor.username)


async def test_a_formula_in_a_cell_is_exported_as_text() -> None:
    from disclosure_service.audit.pages import _csv_safe

    assert _csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_safe("+44 113") == "'+44 113"
    assert _csv_safe("plain") == "plain"


async def test_an_auditor_sees_only_their_own_force(
    api: Api, auditor: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    outsider = await make_user(force_id=forces["BRAVO"], keys=keys)
    await api.sign_in(outsider)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(auditor)
    seen = (await api.get("/api/v1/audit/events", params={"username": outsider.username})).json()
    assert seen == []


async def test_supervisors_see_who_looked_at_a_case_and_officers_do_not(
    api: Api, officer: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    supervisor = await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.supervisor)
    await api.sign_in(officer)
    case = await cases.create(api)
    page = await api.get(f"/cases/{case['id']}")
    assert "Who has looked at this case" not in page.text
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    await api.form(f"/cases/{case['id']}/reason", {"reason": "supervisory_review", "detail": "weekly case review"})
    page = await api.get(f"/cases/{case['id']}")
    assert "Who has looked at this case" in page.text
    assert officer.username in page.text


@pytest.mark.commits
async def test_a_read_that_cannot_be_logged_fails_and_returns_nothing(server_url: str) -> None:
    async with live_cluster(server_url, processes=1) as cluster:
        officer = await cluster.user("fail.closed")
        browser = Browser()
        try:
            await browser.password(cluster.a, officer)
            await browser.code(cluster.a, officer.code())
            created = await browser.request("POST", f"{cluster.a}/api/v1/applications", cases.new_application())
            assert created.status_code == 201
            case_id = created.json()["id"]
            readable = await browser.request("GET", f"{cluster.a}/api/v1/applications/{case_id}")
            assert "Whitfield" in readable.text
            # From now on the trail cannot take a 'case.viewed' row, as if its disk had filled.
            await cluster.sql(
                "ALTER TABLE audit_event ADD CONSTRAINT refuse_views CHECK (event <> 'case.viewed') NOT VALID"
            )
            views_before = await cluster.sql("SELECT count(*) FROM audit_event WHERE event = 'case.viewed'")
            for url in (f"/api/v1/applications/{case_id}", f"/cases/{case_id}"):
                refused = await browser.request("GET", cluster.a + url)
                assert refused.status_code == 500
                assert "Whitfield" not in refused.text
                assert "Dunmore" not in refused.text
            assert await cluster.sql("SELECT count(*) FROM audit_event WHERE event = 'case.viewed'") == views_before
        finally:
            await browser.close()


async def test_paging_back_shows_every_row_once_when_ids_and_times_disagree(
    officer: TestUser, forces: dict[str, int]
) -> None:
    start = datetime(2026, 5, 1, 12, tzinfo=UTC)
    # Written in one order, happened in another: the third row written happened first.
    minutes = [5, 3, 0, 4, 1, 2, 6]
    async with db.transaction(force_id=officer.force_id) as conn:
        for n, minute in enumerate(minutes):
            await record(
                conn,
                actor=Actor(officer.id, officer.force_id, officer.username),
                operation=Operation.consultation,
                event="paging.test",
                reference=f"P-{n}",
                now=start + timedelta(minutes=minute),
            )
        seen: list[str] = []
        before = None
        while True:
            page = await audit_queries.search(
                conn, audit_queries.Search(event="paging.test"), limit=3, before_id=before
            )
            if not page:
                break
            seen += [row["reference"] for row in page]
            before = page[-1]["id"]

    newest_first = [f"P-{n}" for n, _ in sorted(enumerate(minutes), key=lambda item: -item[1])]
    assert seen == newest_first


async def test_auditors_see_who_received_a_disclosure_by_role_never_by_name(
    api: Api, auditor: TestUser, forces: dict[str, int]
) -> None:
    officer = Actor(None, forces["ALPHA"], "dc.someone")
    async with db.transaction(force_id=forces["ALPHA"]) as conn:
        for event, record_type, record_id, details in (
            ("document.downloaded", "undertaking", 71, {}),
            ("case.record_applicant_told", "application", 5, {"letter_id": 72}),
        ):
            await record(
                conn,
                actor=officer,
                operation=Operation.disclosure,
                event=event,
                reference="ALPHA-NAMES-1",
                record_type=record_type,
                record_id=record_id,
                recipients="Jane Quietly-Recipient",
                details=details,
            )
    await api.sign_in(auditor)
    params = {"operation": "disclosure"}
    events = (await api.get("/api/v1/audit/events", params=params)).json()
    page = (await api.get("/audit", params=params)).text
    export = (await api.get("/audit/export.csv", params=params)).text
    for shown in (str(events), page, export):
        assert "Quietly" not in shown
        assert "the person receiving the disclosure (undertaking, document 71)" in shown
        assert "the applicant (letter, document 72)" in shown
    # The stored rows keep the name: they are hash-chained, and the log must name the recipient.
    async with db.transaction(force_id=forces["ALPHA"]) as conn:
        stored = await conn.fetchval("SELECT count(*) FROM audit_event WHERE recipients = 'Jane Quietly-Recipient'")
    assert stored == 2

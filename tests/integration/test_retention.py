"""Data protection over a record's life: the retention review queue, a review's decision, and
disposal that leaves a tombstone, the statistics and a verifying audit trail, but no one's name."""

from __future__ import annotations

import base64
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from docx import Document

from disclosure_service.app import create_app
from disclosure_service.audit import verify
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.dataprotection.disposal import CASCADED, DISPOSAL_ORDER
from disclosure_service.dates import LONDON
from disclosure_service.identity.roles import Role
from disclosure_service.reports import figures
from disclosure_service.reports.periods import financial_year
from disclosure_service.settings import ConfigurationError, Settings
from tests import cases
from tests.factories import TestUser, make_user, next_time_step
from tests.http import Api
from tests.integration.test_disclosures import arrange, authorised_case, hold, moment, record_made

NAMES = ("Hannah Whitfield", "Craig Dunmore", "Maisie Whitfield")
NOTE = "Spoke to Hannah Whitfield about Craig Dunmore"


def london_today() -> date:
    return datetime.now(LONDON).date()


async def closed_case(api: Api, officer: TestUser, supervisor: TestUser) -> dict[str, Any]:
    """A case disclosed and closed, with a note, a contact, an attachment, a generated undertaking and a
    signed scan: every kind of record that holds someone's data. The officer is signed in afterwards."""
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    await hold(api, case)
    scan = base64.b64encode(b"%PDF-1.4 signed by Hannah Whitfield").decode()
    await cases.do(
        api,
        case,
        "undertaking_signed",
        happened_at=moment(0),
        witness="DC Sam Patel",
        scan_base64=scan,
        scan_filename="Hannah Whitfield signed.pdf",
    )
    await record_made(api, case)
    await cases.do(api, case, "add_note", text=NOTE)
    await cases.do(api, case, "record_contact", contacted_at=moment(0), method="phone", outcome="Hannah Whitfield told")
    pdf = base64.b64encode(b"%PDF-1.4 letter about Maisie Whitfield").decode()
    await cases.do(
        api, case, "add_attachment", file_base64=pdf, file_filename="Maisie Whitfield.pdf", description="Letter"
    )
    await cases.do(api, case, "close", outcome="disclosed_child_sex_convictions", onward_referrals="None")
    return case


async def make_due(case_id: int, force_id: int, days_ago: int) -> None:
    """The case's review date, as closing set it, put `days_ago` days in the past."""
    async with db.transaction(force_id=force_id) as conn:
        await conn.execute(
            "UPDATE application SET retention_review_on = $2 WHERE id = $1",
            case_id,
            london_today() - timedelta(days=days_ago),
        )


async def as_supervisor(api: Api, supervisor: TestUser) -> None:
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)


async def rows_naming(conn: asyncpg.Connection[Any], names: tuple[str, ...]) -> list[str]:
    """Every table and text column (text, varchar, jsonb, arrays, bytes) in which any of `names` appears."""
    columns = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'ARRAY', 'bytea')"
    )
    found = []
    for column in columns:
        table, name = column["table_name"], column["column_name"]
        bytes_ = column["data_type"] == "bytea"
        value = 'encode("' + name + "\", 'escape')" if bytes_ else '"' + name + '"::text'
        for person in names:
            hits = await conn.fetchval(
                f'SELECT count(*) FROM "{table}" WHERE {value} ILIKE $1',  # noqa: S608  # catalogue names
                f"%{person}%",
            )
            if hits:
                found.append(f"{table}.{name}: {person}")
    return found


async def test_the_review_queue_lists_closed_cases_due_ordered_by_due_date(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    later, earlier, not_yet = [await cases.create(api) for _ in range(3)]
    for case in (later, earlier, not_yet):
        await cases.do(api, case, "withdraw", reason="The applicant no longer wishes to go on")
    await make_due(later["id"], officer.force_id, 3)
    await make_due(earlier["id"], officer.force_id, 400)
    # Officers do not review retention.
    assert (await api.get("/api/v1/retention/due")).status_code == 403
    await as_supervisor(api, supervisor)
    response = await api.get("/api/v1/retention/due")
    assert response.status_code == 200, response.text
    due = [row for row in response.json() if row["id"] in (later["id"], earlier["id"], not_yet["id"])]
    assert [row["id"] for row in due] == [earlier["id"], later["id"]]
    assert due[0]["review_due_on"] == (london_today() - timedelta(days=400)).isoformat()
    listed = [row["review_due_on"] for row in response.json()]
    assert listed == sorted(listed)


async def test_a_closed_case_gets_its_first_review_date_from_its_outcome(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "withdraw", reason="No longer needed")
    closure = (await api.get(f"/api/v1/applications/{case['id']}")).json()["closure"]
    closed = datetime.fromisoformat(closure["closed_at"]).astimezone(UTC).date()
    assert closure["retention_review_on"] == closed.replace(year=closed.year + 6).isoformat()


async def test_retaining_needs_a_reason_and_a_future_date_and_moves_the_case_off_the_queue(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "withdraw", reason="No longer needed")
    await make_due(case["id"], officer.force_id, 1)
    # Only a supervisor reviews.
    await cases.do(api, case, "record_retention_review", expect=403, decision="retain", reason="Still needed")
    await as_supervisor(api, supervisor)
    # A supervisor not on the case says why they open it, as for any case.
    await cases.do(api, case, "record_retention_review", expect=403, decision="retain", reason="Still needed")
    opened = await api.get(
        f"/api/v1/applications/{case['id']}?reason=supervisory_review&reason_detail=Retention review due"
    )
    assert opened.status_code == 200, opened.text
    past = await cases.do(
        api,
        case,
        "record_retention_review",
        expect=400,
        decision="retain",
        reason="Still needed",
        next_review_on=london_today().isoformat(),
    )
    assert "The next review must be after today" in past["detail"]
    missing = await cases.do(api, case, "record_retention_review", expect=400, decision="retain", reason="Keep")
    assert "Enter the date of the next review" in missing["detail"]
    next_review = london_today().replace(year=london_today().year + 2)
    await cases.do(
        api,
        case,
        "record_retention_review",
        decision="retain",
        reason="A related case is still open",
        next_review_on=next_review.isoformat(),
    )
    due = (await api.get("/api/v1/retention/due")).json()
    assert case["id"] not in [row["id"] for row in due]
    reread = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    assert reread["retention_review_on"] == next_review.isoformat()
    page = await api.get(f"/cases/{case['id']}")
    assert f"{next_review.day} " in page.text
    async with db.transaction(force_id=supervisor.force_id) as conn:
        review = await conn.fetchrow("SELECT * FROM retention_review WHERE application = $1", case["id"])
        audit = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE application_id = $1 AND event = 'case.record_retention_review'",
            case["id"],
        )
    assert review is not None
    assert review["decision"] == "retain"
    assert review["next_review_on"] == next_review
    assert review["reviewed_by"] == supervisor.id
    assert audit == 1


async def test_an_open_case_cannot_be_reviewed_for_disposal(api: Api, officer: TestUser, supervisor: TestUser) -> None:
    await api.sign_in(supervisor)
    case = await cases.create(api)
    refused = await cases.do(api, case, "record_retention_review", expect=422, decision="dispose", reason="Old")
    assert "Only a closed case is reviewed" in refused["detail"]


async def test_disposal_leaves_no_name_anywhere_a_tombstone_the_statistics_and_a_verifying_trail(
    api: Api, officer: TestUser, supervisor: TestUser, keys: Keys
) -> None:
    case = await closed_case(api, officer, supervisor)
    case_id = case["id"]
    page_before = await api.get(f"/cases/{case_id}")
    assert "Hannah Whitfield" in page_before.text
    year = financial_year(
        datetime.now(LONDON).year if datetime.now(LONDON).month > 3 else datetime.now(LONDON).year - 1
    )
    now = datetime.now(UTC)
    async with db.transaction(force_id=officer.force_id) as conn:
        before = await figures.statistics(conn, officer.force_id, year, now)
        assert await rows_naming(conn, NAMES)  # the names are there to be found
        audit_rows = await conn.fetchval("SELECT count(*) FROM audit_event WHERE application_id = $1", case_id)
    await make_due(case_id, officer.force_id, 1)
    await as_supervisor(api, supervisor)
    await cases.do(
        api, case, "record_retention_review", decision="dispose", reason="Past its review period; nothing pending"
    )

    async with db.transaction(force_id=officer.force_id) as conn:
        assert await rows_naming(conn, NAMES) == []
        for table, column in DISPOSAL_ORDER + CASCADED:
            left = await conn.fetchval(f'SELECT count(*) FROM "{table}" WHERE "{column}" = $1', case_id)  # noqa: S608
            assert left == 0, table
        after = await figures.statistics(conn, officer.force_id, year, now)
        # The trail keeps every row about the case, plus the disposal itself, logged as an erasure.
        assert await conn.fetchval("SELECT count(*) FROM audit_event WHERE application_id = $1", case_id) > audit_rows
        erasure = await conn.fetchrow(
            "SELECT * FROM audit_event WHERE application_id = $1 AND operation = 'erasure'", case_id
        )
        report = await verify.verify_in_snapshot(conn)
    assert erasure is not None
    assert erasure["user"] == supervisor.id
    assert report.ok, report.breaks
    assert (after.applications, after.disclosures, after.related_to_rso, after.by_outcome) == (
        before.applications,
        before.disclosures,
        before.related_to_rso,
        before.by_outcome,
    )
    assert after.timeliness == before.timeliness

    tombstone = await api.get(f"/api/v1/applications/{case_id}")
    assert tombstone.status_code == 200, tombstone.text
    body = tombstone.json()
    assert body["disposed"] is True
    assert body["reference"] == case["reference"]
    assert body["outcome"] == "disclosed_child_sex_convictions"
    assert body["disposal_reason"] == "Past its review period; nothing pending"
    assert body["disposed_by"] == supervisor.id
    case_page = await api.get(f"/cases/{case_id}")
    assert case_page.status_code == 200
    assert "disposed of at its retention review" in case_page.text
    assert "Past its review period; nothing pending" in case_page.text
    for page in (tombstone.text, case_page.text, (await api.get("/audit")).text):
        for name in NAMES:
            assert name not in page
    # An auditor still finds the case's trail by its reference, disposal included, and no name in it.
    auditor = await make_user(force_id=officer.force_id, keys=keys, role=Role.auditor)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(auditor)
    trail = await api.get("/api/v1/audit/events", params={"reference": case["reference"]})
    assert "erasure" in [e["operation"] for e in trail.json()]
    audit_page = await api.get("/audit", params={"reference": case["reference"]})
    assert case["reference"] in audit_page.text
    for page in (trail.text, audit_page.text):
        for name in NAMES:
            assert name not in page
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    # The disposed case is no longer on the queue, and cannot be acted on.
    assert case_id not in [row["id"] for row in (await api.get("/api/v1/retention/due")).json()]
    await cases.do(api, case, "add_note", expect=404, text="Too late")


async def test_every_table_that_refers_to_a_case_is_handled_by_disposal(api: Api, officer: TestUser) -> None:
    """Read from the catalogue: a new table referring to a case (or a person on one) must be disposed
    of too. Tables shared by two forces go by ON DELETE CASCADE."""
    async with db.transaction(force_id=officer.force_id) as conn:
        references = await conn.fetch(
            """
            SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name, c.confdeltype::text AS on_delete,
                   c.confrelid::regclass::text AS refers_to
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'f' AND c.confrelid IN ('application'::regclass, 'case_person'::regclass)
            """
        )
    handled = {table for table, _ in DISPOSAL_ORDER}
    to_case = {(r["table_name"], r["column_name"]) for r in references if r["refers_to"] == "application"}
    missing = to_case - set(DISPOSAL_ORDER) - set(CASCADED)
    assert not missing, f"disposal does not handle {sorted(missing)}: add them to DISPOSAL_ORDER"
    assert {r["table_name"] for r in references if r["refers_to"] == "case_person"} <= handled
    on_delete = {(r["table_name"], r["column_name"]): r["on_delete"] for r in references}
    assert all(on_delete[pair] == "c" for pair in CASCADED), "CASCADED tables must be ON DELETE CASCADE"


# ---------------------------------------------------------------------------------------------
# Subject access

ACCESS_REASON = "Subject access request received by letter"


async def test_a_subject_access_export_for_a_person_on_two_cases_marks_what_to_withhold(
    api: Api, officer: TestUser
) -> None:
    await api.sign_in(officer)
    first = await cases.create(api)
    second = await cases.create(
        api, applicant={"full_name": "Sofia Marsh"}, subject={"full_name": "Lee Brannigan"}, children=[]
    )
    await cases.do(api, second, "add_person", role="parent_carer", full_name="hannah  WHITFIELD")
    await cases.create(api, applicant={"full_name": "Hannah Whitfield-Jones"})  # not the same name

    refused = await api.get("/api/v1/subject-access", params={"name": "Hannah Whitfield"})
    assert refused.status_code == 400
    nul = await api.get("/api/v1/subject-access", params={"name": "Hannah\x00Whitfield", "reason": ACCESS_REASON})
    assert nul.status_code == 400
    assert "NUL" in nul.json()["detail"]
    found = await api.get("/api/v1/subject-access", params={"name": " Hannah Whitfield ", "reason": ACCESS_REASON})
    assert found.status_code == 200, found.text
    matches = found.json()
    assert [(m["case_id"], m["role"]) for m in matches] == [(first["id"], "applicant"), (second["id"], "parent_carer")]

    exported = await api.get(
        "/api/v1/subject-access/export", params={"name": "Hannah Whitfield", "reason": ACCESS_REASON}
    )
    assert exported.status_code == 200, exported.text
    body = exported.json()
    assert body["for_review"] is True
    assert [c["reference"] for c in body["cases"]] == [first["reference"], second["reference"]]
    as_applicant = {s["title"]: s for s in body["cases"][0]["sections"]}
    assert as_applicant["Your details (applicant)"]["withhold"] is None
    assert {"label": "Name", "value": "Hannah Whitfield"} in as_applicant["Your details (applicant)"]["items"]
    assert as_applicant["The application"]["withhold"] is None
    assert as_applicant["Subject: another person on the case"]["withhold"] == "subject_convictions"
    assert as_applicant["Child: another person on the case"]["withhold"] == "third_party"
    as_carer = {s["title"]: s for s in body["cases"][1]["sections"]}
    assert as_carer["Your details (parent or carer)"]["withhold"] is None
    # Someone else's application is a third party's account.
    assert as_carer["The application"]["withhold"] == "third_party"
    assert as_carer["Applicant: another person on the case"]["withhold"] == "third_party"

    document = await api.get(
        "/api/v1/subject-access/export.docx", params={"name": "Hannah Whitfield", "reason": ACCESS_REASON}
    )
    assert document.status_code == 200, document.text
    assert document.headers["content-disposition"].startswith("attachment")
    text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert f"Case {first['reference']}" in text
    assert f"Case {second['reference']}" in text
    assert "CONSIDER WITHHOLDING: The subject's convictions" in text
    assert "Name: Hannah Whitfield" in text

    async with db.transaction(force_id=officer.force_id) as conn:
        rows = await conn.fetch(
            "SELECT event, operation, application_id, recipients, justification, details::text AS details "
            "FROM audit_event WHERE event LIKE 'subject_access.%' ORDER BY id"
        )
    exports = [r for r in rows if r["event"] == "subject_access.exported"]
    assert [(r["operation"], r["application_id"]) for r in exports] == [
        ("disclosure", first["id"]),
        ("disclosure", second["id"]),
        ("disclosure", first["id"]),
        ("disclosure", second["id"]),
    ]
    assert exports[0]["recipients"] == f"case_person {matches[0]['person_id']} (data subject)"
    assert all(r["justification"] == f"subject access: {ACCESS_REASON}" for r in rows)
    for row in rows:
        assert "whitfield" not in (row["recipients"] + row["details"]).lower()


async def test_a_configured_review_period_sets_the_first_review(
    settings: Settings, officer: TestUser, transaction: None
) -> None:
    """`RETENTION_REVIEW_YEARS` decides the date a closing case gets (here 3 years for a withdrawal)."""
    app = create_app(replace(settings, retention_review_years={"withdrawn": 3}), manage_pool=False)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        api = Api(client)
        await api.sign_in(officer)
        case = await cases.create(api)
        await cases.do(api, case, "withdraw", reason="No longer needed")
        closure = (await api.get(f"/api/v1/applications/{case['id']}")).json()["closure"]
    closed = datetime.fromisoformat(closure["closed_at"]).astimezone(UTC).date()
    assert closure["retention_review_on"] == closed.replace(year=closed.year + 3).isoformat()


def test_an_unknown_outcome_in_the_review_periods_stops_the_service(settings: Settings) -> None:
    with pytest.raises(ConfigurationError, match="nonsense is not an outcome"):
        create_app(replace(settings, retention_review_years={"nonsense": 3}), manage_pool=False)


async def test_the_pages_list_the_queue_and_find_a_person_with_mistakes_shown_by_their_field(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "withdraw", reason="No longer needed")
    await make_due(case["id"], officer.force_id, 2)
    assert (await api.get("/retention")).status_code == 403
    blank = await api.form("/subject-access", {"name": "Hannah Whitfield", "reason": ""})
    assert blank.status_code == 400
    assert "Enter the reason for the search" in blank.text
    assert 'value="Hannah Whitfield"' in blank.text  # what was typed is kept
    found = await api.form("/subject-access", {"name": "Hannah Whitfield", "reason": ACCESS_REASON})
    assert found.status_code == 200, found.text
    assert case["reference"] in found.text
    assert "1 record found" in found.text
    exported = await api.form("/subject-access/export.docx", {"name": "Hannah Whitfield", "reason": ACCESS_REASON})
    assert exported.status_code == 200, exported.text
    assert "CONSIDER WITHHOLDING" in "\n".join(p.text for p in Document(io.BytesIO(exported.content)).paragraphs)

    await as_supervisor(api, supervisor)
    queue = await api.get("/retention")
    assert queue.status_code == 200
    assert case["reference"] in queue.text
    assert "Withdrawn" in queue.text


async def test_an_escalated_case_gets_a_review_date_though_it_has_no_closure(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "escalate", agency="Children's social care", referral_reference="CSC-1", notes="")
    async with db.transaction(force_id=officer.force_id) as conn:
        review_on = await conn.fetchval("SELECT retention_review_on FROM application WHERE id = $1", case["id"])
    assert review_on == london_today().replace(year=london_today().year + 6)


async def test_another_forces_tombstones_and_people_are_not_found_and_stale_codes_are_refused(
    api: Api, officer: TestUser, supervisor: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "withdraw", reason="No longer needed")
    await as_supervisor(api, supervisor)
    await api.get(f"/api/v1/applications/{case['id']}?reason=supervisory_review&reason_detail=Retention review")
    # Disposal needs a code entered in the last few minutes.
    async with db.transaction(force_id=supervisor.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", supervisor.id
        )
    stale = await cases.do(api, case, "record_retention_review", expect=403, decision="dispose", reason="Old")
    assert "code" in stale["detail"]
    exported = await api.get("/api/v1/subject-access/export", params={"name": "Hannah Whitfield", "reason": "Request"})
    assert exported.status_code == 403
    await next_time_step(supervisor)
    assert (await api.post("/api/v1/auth/step-up", {"code": supervisor.code()})).status_code == 204
    await cases.do(api, case, "record_retention_review", decision="dispose", reason="Old")

    outsider = await make_user(force_id=forces["BRAVO"], keys=keys)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(outsider)
    assert (await api.get(f"/api/v1/applications/{case['id']}")).status_code == 404
    assert (await api.get(f"/cases/{case['id']}")).status_code == 404
    found = await api.get("/api/v1/subject-access", params={"name": "Craig Dunmore", "reason": ACCESS_REASON})
    assert found.json() == []

"""The case file officers can trust: people complete and correctable, checks and the risk assessment
as records, notes, contacts and attachments, and the case JSON carrying the whole file."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from datetime import date, datetime
from html import unescape
from typing import Any

import asyncpg

from disclosure_service.database import engine as db
from disclosure_service.dates import LONDON, long_date, long_datetime, to_london
from tests import cases
from tests.factories import TestUser
from tests.http import Api
from tests.integration.test_disclosures import arrange, authorised_case, hold, moment, record_made
from tests.integration.test_meeting_order import as_user, read

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def word_file(*, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


async def _audit_rows(user: TestUser, case_id: int, event: str) -> list[asyncpg.Record]:
    async with db.transaction(force_id=user.force_id) as conn:
        return list(
            await conn.fetch(
                "SELECT operation, details::text AS details, recipients FROM audit_event "
                "WHERE application_id = $1 AND event = $2 ORDER BY id",
                case_id,
                event,
            )
        )


# ---------------------------------------------------------------------------------------------
# People


async def test_every_app_b_detail_is_taken_and_returned(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    applicant = {
        "full_name": "Hannah Whitfield",
        "other_names": "Hannah Lowe (maiden name)",
        "date_of_birth": "1991-03-14",
        "place_of_birth": "Leeds",
        "address": "4 Mill Lane, Eastbridge",
        "gender": "Female",
        "ethnicity": "White British",
        "preferred_language": "English",
        "contact_methods": ["phone", "in_person"],
        "safe_contact": "Mobile after 7pm",
        "contact_issues": "Partner reads her texts",
        "letters_ok": False,
        "relationship_to_child": "Mother",
    }
    subject = {
        "full_name": "Craig Dunmore",
        "previous_addresses": "12 Quay Street, Hull (2015-2020)",
        "relationship_to_applicant": "New partner",
        "occupation": "Delivery driver",
        "voluntary_activities": "Helps at a youth football club",
        "contact_with_child": "Babysits twice a week",
    }
    case = await cases.create(api, applicant=applicant, subject=subject)
    people = {p["role"]: p for p in case["people"]}
    for key, value in applicant.items():
        assert people["applicant"][key] == value, key
    for key, value in subject.items():
        assert people["subject"][key] == value, key
    today = datetime.now(LONDON).date()
    assert people["applicant"]["age"] == today.year - 1991 - ((today.month, today.day) < (3, 14))
    assert people["subject"]["age"] is None


async def test_a_correction_keeps_what_it_was_and_why_and_the_audit_names_only_the_fields(
    api: Api, officer: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    hannah = next(p for p in case["people"] if p["role"] == "applicant")
    await cases.do(
        api,
        case,
        "correct_person",
        person_id=hannah["id"],
        reason="She gave her old address by mistake",
        address="9 Canal Row, Eastbridge",
        date_of_birth="1991-04-14",
        full_name="Hannah Whitfield",  # unchanged: not recorded as a correction
    )
    after = await read(api, case)
    person = next(p for p in after["people"] if p["id"] == hannah["id"])
    assert person["address"] == "9 Canal Row, Eastbridge"
    assert person["date_of_birth"] == "1991-04-14"
    assert [(c["field"], c["previous"], c["corrected_to"], c["reason"]) for c in person["corrections"]] == [
        ("date_of_birth", "14 March 1991", "14 April 1991", "She gave her old address by mistake"),
        ("address", "", "9 Canal Row, Eastbridge", "She gave her old address by mistake"),
    ]
    [row] = await _audit_rows(officer, case["id"], "case.correct_person")
    assert "address" in row["details"]
    assert "date_of_birth" in row["details"]
    assert "Canal Row" not in row["details"]
    assert "1991" not in row["details"]


async def test_a_correction_that_changes_nothing_or_names_no_one_is_refused(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    hannah = next(p for p in case["people"] if p["role"] == "applicant")
    same = await cases.do(
        api, case, "correct_person", expect=422, person_id=hannah["id"], reason="Typo", full_name="Hannah Whitfield"
    )
    assert "Nothing has changed" in same["detail"]
    nobody = await cases.do(api, case, "correct_person", expect=422, person_id=999_999, reason="Typo", address="x")
    assert "Choose someone on this case" in nobody["detail"]
    unknown = await cases.do(api, case, "correct_person", expect=400, person_id=hannah["id"], reason="x", nickname="y")
    assert "nickname" in str(unknown["extra"])


# ---------------------------------------------------------------------------------------------
# Checks and the risk assessment


async def test_several_checks_at_once_each_with_its_own_result_and_findings(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    await cases.do(
        api,
        case,
        "record_applicant_meeting",
        held_on=cases.today(),
        method="phone",
        identity_verified=True,
        documents_seen="Passport",
        relationship_verified=True,
    )
    none = await cases.do(api, case, "add_check", expect=400, sources=[], requested_on=cases.today())
    assert none["extra"] == [{"key": "sources", "message": "Select at least one source to check"}]
    await cases.do(
        api,
        case,
        "add_check",
        sources=["pnc", "visor", "childrens_social_care"],
        requested_on=cases.today(),
        notes="All",
    )
    checks = (await read(api, case))["checks"]
    assert [c["source"] for c in checks] == ["pnc", "visor", "childrens_social_care"]
    await cases.do(
        api,
        case,
        "record_check_result",
        check_id=checks[1]["id"],
        returned_on=cases.today(),
        result="child_sexual_offence_convictions",
        findings="Registered until 2019",
    )
    after = {c["source"]: c for c in (await read(api, case))["checks"]}
    assert (after["visor"]["result"], after["visor"]["findings"], after["visor"]["summary"]) == (
        "child_sexual_offence_convictions",
        "Registered until 2019",
        "All",
    )
    assert after["pnc"]["result"] is None
    assert after["pnc"]["findings"] == ""


async def test_no_recommendation_before_the_risk_assessment_which_sets_the_risk_level(
    api: Api, officer: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    # to_recommendation records one; a second case shows the refusal without it.
    assert (await read(api, case))["risk_level"] == "high"
    other = await cases.create(api)
    await cases.do(api, other, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
    await cases.do(
        api,
        other,
        "record_applicant_meeting",
        held_on=cases.today(),
        method="phone",
        identity_verified=True,
        documents_seen="Passport",
        relationship_verified=True,
    )
    await cases.do(api, other, "add_check", sources=["pnc"], requested_on=cases.today())
    check_id = (await read(api, other))["checks"][0]["id"]
    await cases.do(api, other, "record_check_result", check_id=check_id, returned_on=cases.today(), result="no_trace")
    await cases.do(api, other, "complete_checks")
    refused = await cases.do(api, other, "recommend", expect=422, **cases.recommendation(other["people"][0]["id"]))
    assert "Record the risk assessment first" in refused["detail"]
    immediate = await cases.do(
        api, other, "record_risk_assessment", expect=400, **{**cases.RISK_ASSESSMENT, "assessed_level": "immediate"}
    )
    assert immediate["extra"][0]["key"] == "assessed_level"
    await cases.do(api, other, "record_risk_assessment", **{**cases.RISK_ASSESSMENT, "assessed_level": "standard"})
    assessed = await read(api, other)
    assert assessed["risk_level"] == "standard"
    assert assessed["risk_assessments"][0]["rationale"] == cases.RISK_ASSESSMENT["rationale"]


async def test_the_authorisation_page_shows_what_is_being_authorised(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.to_recommendation(api, case)
    await cases.do(api, case, "recommend", **cases.recommendation(case["people"][0]["id"]))
    await as_user(api, supervisor)
    page = (await api.get(f"/cases/{case['id']}/authorise")).text
    expected = cases.recommendation(0)
    for shown in (
        "Hannah Whitfield: " + expected["recipient_reason"],
        expected["disclosure_wording"],
        expected["rationale"],
        "Disclosure is necessary to protect the child",
        cases.RISK_ASSESSMENT["risk_factors"],
        "Police National Computer (PNC)",
    ):
        assert shown in unescape(page), shown


# ---------------------------------------------------------------------------------------------
# Notes, contacts, attachments


async def test_a_contact_another_way_than_the_safe_ones_is_warned_then_flagged(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(
        api,
        applicant={"full_name": "Hannah Whitfield", "safe_contact": "Mobile after 7pm", "contact_methods": ["phone"]},
    )
    body: dict[str, Any] = {
        "contacted_at": moment(1),
        "method": "letter",
        "outcome": "Letter sent with the meeting date",
    }
    warned = await cases.do(api, case, "record_contact", expect=400, **body)
    assert warned["extra"][0]["key"] == "method"
    assert "said it is safe to contact them by: telephone call" in warned["extra"][0]["message"]
    await cases.do(api, case, "record_contact", record_anyway=True, **body)
    await cases.do(api, case, "record_contact", contacted_at=moment(0.5), method="phone", outcome="Spoke at 7.30pm")
    await cases.do(api, case, "add_note", text="She asked us not to leave voicemails.")
    after = await read(api, case)
    assert [(c["method"], c["against_preferences"], c["person_name"]) for c in after["contacts"]] == [
        ("letter", True, "Hannah Whitfield"),
        ("phone", False, "Hannah Whitfield"),
    ]
    assert [n["text"] for n in after["notes"]] == ["She asked us not to leave voicemails."]


async def test_attachments_are_checked_hashed_listed_and_each_download_is_a_logged_disclosure(
    api: Api, officer: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    url = f"/api/v1/applications/{case['id']}/attachments"
    headers = {"x-csrftoken": await api.csrf()}

    async def upload(name: str, content: bytes, version: int) -> Any:
        return await api.http.post(
            url,
            headers=headers,
            data={"description": "Birth certificate", "version": str(version)},
            files={"file": (name, content, "application/octet-stream")},
        )

    added = await upload("birth-certificate.pdf", PDF, case["version"])
    assert added.status_code == 201, added.text
    attachment_id = added.json()["attachment_id"]
    for name, content, why in (
        ("notes.txt", b"just text", "must be a PDF, Word"),
        ("evil.docm", word_file(macro=True), "must be a PDF, Word"),
        ("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "10 MB or smaller"),
    ):
        refused = await upload(name, content, added.json()["version"])
        assert refused.status_code == 422, name
        assert why in refused.json()["detail"], name
    word = await upload("letter.docx", word_file(), added.json()["version"])
    assert word.status_code == 201, word.text
    listed = (await api.get(url)).json()
    assert [(a["filename"], a["content_type"], a["size"]) for a in listed] == [
        ("birth-certificate.pdf", "application/pdf", len(PDF)),
        ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", len(word_file())),
    ]
    assert listed[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    download = await api.get(f"{url}/{attachment_id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"] == 'attachment; filename="birth-certificate.pdf"'
    [row] = await _audit_rows(officer, case["id"], "attachment.downloaded")
    assert row["operation"] == "disclosure"
    assert row["recipients"] == f"Test {officer.username}"
    case["version"] = word.json()["version"]
    json_added = await cases.do(
        api,
        case,
        "add_attachment",
        file_base64=base64.b64encode(PDF).decode(),
        file_filename="scan.pdf",
        description="Scan",
    )
    assert json_added["stage"] == "received"


async def test_the_api_reaches_pdfs_scans_reassignment_and_templates(
    api: Api, officer: TestUser, supervisor: TestUser, admin: TestUser
) -> None:
    await api.sign_in(officer)
    other = await cases.create(api)
    await as_user(api, supervisor)
    moved = await api.post("/api/v1/applications/reassign", {"case_ids": [other["id"]], "user_id": officer.id})
    assert moved.status_code == 200, moved.text
    assert moved.json() == {"reassigned": 1}
    officers = await api.post("/api/v1/applications/reassign", {"case_ids": [], "user_id": officer.id})
    assert officers.status_code == 400
    await as_user(api, admin)
    templates = (await api.get("/api/v1/templates")).json()
    assert {(t["name"], t["language"]) for t in templates} >= {("undertaking", "en"), ("non_disclosure_letter", "cy")}
    shipped = await api.get(f"/api/v1/templates/{templates[0]['id']}")
    assert shipped.status_code == 200
    assert shipped.content.startswith(b"PK")
    bad = await api.http.post(
        "/api/v1/templates/undertaking/en",
        headers={"x-csrftoken": await api.csrf()},
        files={"file": ("u.docx", b"not a word file", "application/octet-stream")},
    )
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["key"] == "file"


# ---------------------------------------------------------------------------------------------
# The case JSON carries the whole file


async def _full_case(api: Api, officer: TestUser, supervisor: TestUser) -> dict[str, Any]:
    """A case with something in every part of the file."""
    case = await authorised_case(
        api,
        officer,
        supervisor,
        applicant={
            "full_name": "Hannah Whitfield",
            "other_names": "Hannah Lowe",
            "place_of_birth": "Leeds",
            "safe_contact": "Mobile after 7pm",
            "contact_methods": ["phone"],
            "contact_issues": "Partner reads her texts",
            "relationship_to_child": "Mother",
        },
        subject={"full_name": "Craig Dunmore", "occupation": "Delivery driver", "relationship_to_applicant": "Partner"},
    )
    await cases.do(
        api,
        case,
        "record_mappa",
        category="category_1",
        level="level_1",
        lead_agency="probation",
        offender_manager="Jo Brand, probation",
        notes="From ViSOR",
    )
    await cases.do(
        api,
        case,
        "record_consultation",
        agency="health",
        person="Health visitor Amy Shaw",
        consulted_at=moment(0.5),
        said="Sees the children weekly",
    )
    await cases.do(api, case, "reassess_risk", level="medium", child_at_risk=False, reasons="He has moved out")
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    await hold(api, case, notes="Calm; asked about support groups")
    await cases.do(api, case, "undertaking_signed", happened_at=moment(0), witness="PC Alex Morgan 2210")
    await record_made(api, case, notes="Given the NSPCC leaflet")
    await cases.do(
        api,
        case,
        "close",
        outcome="disclosed_child_sex_convictions",
        onward_referrals="Children's social care told (ref CSC-41)",
        notes="Disclosure made and signed for",
    )
    hannah = next(p for p in case["people"] if p["role"] == "applicant")
    await cases.do(
        api, case, "correct_person", person_id=hannah["id"], reason="Spelling", other_names="Hannah Lowe-Smith"
    )
    await cases.do(api, case, "add_note", text="Closed file reviewed by the DS.")
    await cases.do(api, case, "record_contact", contacted_at=moment(0), method="phone", outcome="Told it is closed")
    await cases.do(
        api,
        case,
        "add_attachment",
        file_base64=base64.b64encode(PDF).decode(),
        file_filename="signed-copy.pdf",
        description="Signed copy, scanned",
    )
    return case


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


async def _stored_values(user: TestUser, case_id: int) -> tuple[set[str], set[datetime], set[date]]:
    """Every text, time and date stored for the case, in every table that holds its records."""
    texts: set[str] = set()
    moments: set[datetime] = set()
    days: set[date] = set()
    async with db.transaction(force_id=user.force_id) as conn:
        tables = [
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'application' "
                "AND table_schema = 'public'"
            )
        ]
        rows: list[Any] = [await conn.fetchrow("SELECT * FROM application WHERE id = $1", case_id)]
        for table in tables:
            rows += await conn.fetch(f'SELECT * FROM "{table}" WHERE application = $1', case_id)  # noqa: S608
    for row in rows:
        for value in dict(row).values():
            if isinstance(value, str) and len(value) >= 4:
                texts.add(value)
            elif isinstance(value, datetime):
                moments.add(value)
            elif isinstance(value, date):
                days.add(value)
    return texts, moments, days


async def test_every_value_the_case_page_shows_is_in_the_case_json(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await _full_case(api, officer, supervisor)
    body = await read(api, case)
    page = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (await api.get(f"/cases/{case['id']}")).text)))
    in_json = set(_strings(body))
    json_moments = {datetime.fromisoformat(s) for s in in_json if re.fullmatch(r"\d{4}-\d\d-\d\dT.*", s)}
    json_days = {date.fromisoformat(s) for s in in_json if re.fullmatch(r"\d{4}-\d\d-\d\d", s)}
    json_days |= {to_london(m).date() for m in json_moments}

    texts, moments, days = await _stored_values(officer, case["id"])
    shown_texts = {t for t in texts if re.sub(r"\s+", " ", t) in page}
    shown_moments = {m for m in moments if long_datetime(m) in page}
    shown_days = {d for d in days if long_date(d) in page}
    # The test must see the file's content on the page, or it proves nothing.
    assert len(shown_texts) > 30
    assert len(shown_moments) > 10
    assert shown_days
    assert {"Given the NSPCC leaflet", "Closed file reviewed by the DS.", "Hannah Lowe-Smith"} <= shown_texts
    assert {"Jo Brand, probation", "Sees the children weekly", "He has moved out"} <= shown_texts
    assert cases.SAFEGUARDING_PLAN["notes"] in shown_texts
    assert body["safeguarding_plan"]["actions"][0]["action"] in page
    assert shown_texts - in_json == set()
    assert {m for m in shown_moments if m not in json_moments} == set()
    assert shown_days - json_days == set()
    assert {"Children's social care told (ref CSC-41)", "Hannah Lowe"} <= in_json  # the closing referrals; the old name
    assert [c["done"] for c in body["clocks"]] == [True, True, True]


# ---------------------------------------------------------------------------------------------
# The pages


async def test_the_pages_correct_a_person_and_attach_a_file(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api, applicant={"full_name": "Hannah Whitfield", "contact_methods": ["phone"]})
    hannah = next(p for p in case["people"] if p["role"] == "applicant")
    page = await api.get(f"/cases/{case['id']}/correct_person?person_id={hannah['id']}")
    assert page.status_code == 200
    assert 'value="Hannah Whitfield"' in page.text  # starts from what is on record
    assert 'value="phone" checked' in page.text
    corrected = await api.form(
        f"/cases/{case['id']}/correct_person",
        {
            "version": str(case["version"]),
            "person_id": str(hannah["id"]),
            "full_name": "Hannah Whitfield",
            "contact_methods": "phone",
            "address": "9 Canal Row",
            "reason": "Address was missing",
        },
    )
    assert corrected.status_code == 303, corrected.text
    after = await read(api, case)
    assert next(p for p in after["people"] if p["id"] == hannah["id"])["corrections"][0]["field"] == "address"

    csrf = await api.csrf()
    no_file = await api.http.post(
        f"/cases/{case['id']}/add_attachment",
        data={"_csrf_token": csrf, "version": str(after["version"]), "description": "Letter"},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert no_file.status_code == 400
    assert "Choose the file to attach" in no_file.text
    attached = await api.http.post(
        f"/cases/{case['id']}/add_attachment",
        data={"_csrf_token": csrf, "version": str(after["version"]), "description": "Letter from social care"},
        files={"file": ("letter.pdf", PDF, "application/pdf")},
    )
    assert attached.status_code == 303, attached.text
    shown = (await api.get(f"/cases/{case['id']}")).text
    assert "letter.pdf" in shown
    assert "Letter from social care" in shown


async def test_the_contact_page_warns_by_the_method_and_keeps_what_was_typed(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api, applicant={"full_name": "Hannah Whitfield", "contact_methods": ["phone"]})
    now = datetime.now(LONDON)
    page = await api.form(
        f"/cases/{case['id']}/record_contact",
        {
            "version": str(case["version"]),
            "person_id": str(case["people"][0]["id"]),
            "contacted_at-day": str(now.day),
            "contacted_at-month": str(now.month),
            "contacted_at-year": str(now.year),
            "contacted_at-time": "00:00",
            "method": "email",
            "outcome": "Sent the meeting details by email",
        },
    )
    assert page.status_code == 400
    assert "Hannah Whitfield said it is safe to contact them by: telephone call" in unescape(page.text)
    assert "Sent the meeting details by email" in page.text

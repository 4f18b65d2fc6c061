"""After the decision: the meeting, the undertaking (signed, or refused and reviewed), closing."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import shutil
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from docx import Document

from disclosure_service.database import engine as db
from disclosure_service.dates import MONTHS, to_london
from disclosure_service.disclosures import documents
from tests import cases
from tests.factories import TestUser, next_time_step
from tests.http import Api

NASTY_NAME = '<b>&"{{7*7}}'
WORDING = "In 2012 he was convicted of sexual activity with a child."
WARNINGS = (
    "only be used for the purpose for which it has been shared, which is to safeguard children",
    "agreeing that the information is confidential and that you will not disclose it further",
    "legal proceedings could result if this confidentiality is breached",
)


def moment(hours: float = 0) -> str:
    """`hours` ago (negative: ahead), as the API takes it."""
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


async def authorised_case(
    api: Api, officer: TestUser, supervisor: TestUser, *, decision: str = "disclose", **application: Any
) -> dict[str, Any]:
    """A case through to its authorised decision; the officer is signed in afterwards."""
    await api.sign_in(officer)
    case = await cases.create(api, **application)
    await cases.to_recommendation(
        api, case, result="child_sexual_offence_convictions" if decision == "disclose" else "no_trace"
    )
    recommendation = cases.recommendation(case["people"][0]["id"])
    if decision != "disclose":
        recommendation = {"decision": decision, "rationale": "No trace on any check.", "subject_told": False}
    await cases.do(api, case, "recommend", **recommendation)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    await cases.authorise(api, case, rationale="Agreed.")
    await api.post("/api/v1/auth/logout")
    await api.sign_in(officer)
    return case


async def arrange(api: Api, case: dict[str, Any], *, language: str = "en", scheduled_for: str = "") -> None:
    """The disclosure meeting, arranged for an hour from now (or `scheduled_for`)."""
    await cases.do(
        api,
        case,
        "schedule_disclosure_meeting",
        scheduled_for=scheduled_for or moment(-1),
        location="Eastbridge police station, interview room 2",
        officers="DC Sam Patel 4471, PC Alex Morgan 2210",
        identity_recheck="Passport checked again at the start of the meeting",
        language=language,
    )


async def hold(api: Api, case: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The meeting held now, with the three warnings given and the identity checked again."""
    body: dict[str, Any] = {
        "held_at": moment(0),
        "identity_confirmed": True,
        "purpose_explained": True,
        "confidentiality_explained": True,
        "legal_warning_given": True,
        "safety_advice_given": True,
        "support_given": True,
    }
    body.update(overrides)
    return await cases.do(api, case, "record_disclosure_meeting", **body)


async def record_made(api: Api, case: dict[str, Any], expect: int = 200, **overrides: Any) -> dict[str, Any]:
    """The disclosure recorded as made, now, with the wording the tests authorise."""
    body = {"made_at": moment(0), "what_was_disclosed": WORDING, "subject_told": True, **overrides}
    return await cases.do(api, case, "record_disclosure_made", expect=expect, **body)


async def generate(api: Api, case: dict[str, Any]) -> bytes:
    await cases.do(api, case, "generate_undertaking")
    doc_id = await _latest_document(api, case)
    response = await api.get(f"/api/v1/applications/{case['id']}/documents/{doc_id}")
    assert response.status_code == 200, response.text
    return response.content


async def _latest_document(api: Api, case: dict[str, Any]) -> int:
    documents = (await api.get(f"/api/v1/applications/{case['id']}")).json()["documents"]
    assert documents, "the case lists no documents"
    latest: int = documents[-1]["id"]
    return latest


async def test_the_undertaking_names_the_recipient_the_reference_and_the_three_warnings(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    applicant = {"full_name": NASTY_NAME, "safe_contact": "Mobile after 7pm"}
    case = await authorised_case(api, officer, supervisor, applicant=applicant)
    await arrange(api, case)
    content = await generate(api, case)
    text = documents.text_of(content)
    assert NASTY_NAME in text  # literally, {{7*7}} included: escaped, not interpreted
    assert case["reference"] in text
    for warning in WARNINGS:
        assert warning in text
    assert "In 2012 he was convicted" not in text  # what is disclosed is never on the form
    section = Document(io.BytesIO(content)).sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


async def test_generating_and_downloading_are_disclosures_logged_with_the_recipient(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await generate(api, case)
    async with db.transaction(force_id=officer.force_id) as conn:
        rows = await conn.fetch(
            "SELECT event, operation, recipients FROM audit_event WHERE application_id = $1 "
            "AND operation = 'disclosure' ORDER BY id",
            case["id"],
        )
    # By record reference, never by name: a disposed case leaves nothing readable in the trail.
    recipient = f"case_person {case['people'][0]['id']} (recipient)"
    assert [(r["event"], r["recipients"]) for r in rows] == [
        ("case.generate_undertaking", recipient),
        ("document.downloaded", recipient),
    ]


async def test_downloads_are_attachments_with_safe_names_that_are_never_stored(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    doc_id = await _latest_document(api, case)
    response = await api.get(f"/cases/{case['id']}/documents/{doc_id}/docx")
    assert response.status_code == 200
    assert response.headers["content-type"] == documents.DOCX_TYPE
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="undertaking-{case["reference"]}-en-v1.docx"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_welsh_meeting_gets_the_welsh_undertaking(api: Api, officer: TestUser, supervisor: TestUser) -> None:
    case = await authorised_case(api, officer, supervisor)
    when = datetime.now(UTC) + timedelta(hours=1)
    await arrange(api, case, language="cy", scheduled_for=when.isoformat())
    text = documents.text_of(await generate(api, case))
    assert "Ymgymeriad cyfrinachedd" in text
    assert "Cymraeg, fersiwn 1" in text
    meeting = to_london(when)
    welsh_month = MONTHS["cy"][meeting.month - 1]
    assert f"{meeting.day} {welsh_month} {meeting.year}" in text  # the date in Welsh too
    assert MONTHS["en"][meeting.month - 1] not in text


async def test_refused_then_reviewed_then_disclosed_then_closed(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    await hold(api, case)
    await cases.do(
        api,
        case,
        "undertaking_refused",
        happened_at=moment(0),
        reason="Would not sign anything from the police",
        recipient_words="I'm not signing anything from the police, I'll tell who I like",
    )
    assert case["stage"] == "undertaking_review"
    # Nothing can be recorded as disclosed, nor the case closed, before the review.
    refused = await record_made(api, case, expect=422)
    assert "this case is at: Undertaking refused: review" in refused["detail"]
    await cases.do(api, case, "close", expect=422, outcome="disclosed_child_sex_convictions")
    # Only a supervisor decides.
    await cases.do(api, case, "review_refusal", expect=403, decision="proceed", rationale="I decide myself")
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    # Letting a disclosure go ahead after a refusal needs a code entered in the last few minutes.
    async with db.transaction(force_id=supervisor.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", supervisor.id
        )
    stale = await cases.do(api, case, "review_refusal", expect=403, decision="proceed", rationale="Go ahead")
    assert "code" in stale["detail"]
    await next_time_step(supervisor)
    assert (await api.post("/api/v1/auth/step-up", {"code": supervisor.code()})).status_code == 204
    await cases.do(
        api,
        case,
        "review_refusal",
        decision="proceed",
        rationale="The child's safety outweighs the risk of onward sharing.",
    )
    assert case["stage"] == "disclosure"
    await api.post("/api/v1/auth/logout")
    await api.sign_in(officer)
    await record_made(api, case)
    await cases.do(api, case, "close", outcome="disclosed_child_sex_convictions", onward_referrals="None")
    assert case["stage"] == "closed"


async def test_a_case_cannot_close_before_the_undertaking_is_signed_or_reviewed(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await hold(api, case)
    early = await cases.do(api, case, "close", expect=422, outcome="disclosed_child_sex_convictions")
    assert "cannot be closed until the undertaking is signed" in early["detail"]
    early_made = await record_made(api, case, expect=422)
    assert "must be signed, or its refusal reviewed" in early_made["detail"]
    scan = base64.b64encode(b"%PDF-1.4 signed copy").decode()
    signed: dict[str, Any] = {"witness": "DC Sam Patel", "scan_base64": scan, "scan_filename": "signed.pdf"}
    # The signed copy must be the undertaking generated for this meeting.
    ungenerated = await cases.do(api, case, "undertaking_signed", expect=422, happened_at=moment(0), **signed)
    assert "Generate the undertaking for this meeting first" in ungenerated["detail"]
    await cases.do(api, case, "generate_undertaking")
    await cases.do(api, case, "undertaking_signed", happened_at=moment(0), **signed)
    await record_made(api, case)
    await cases.do(api, case, "close", outcome="disclosed_child_sex_convictions")
    assert case["stage"] == "closed"


async def test_the_checklist_warnings_must_be_given(api: Api, officer: TestUser, supervisor: TestUser) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    response = await api.post(
        f"/api/v1/applications/{case['id']}/record-disclosure-meeting",
        {
            "version": case["version"],
            "held_at": moment(0),
            "identity_confirmed": False,
            "purpose_explained": True,
            "confidentiality_explained": True,
            "legal_warning_given": False,
            "safety_advice_given": True,
            "support_given": True,
        },
    )
    assert response.status_code == 400
    problems = {item["key"]: item["message"] for item in response.json()["extra"]}
    assert "legal proceedings" in problems["legal_warning_given"]
    assert "identity must be checked again" in problems["identity_confirmed"]


async def test_a_scan_must_be_a_pdf_or_an_image(api: Api, officer: TestUser, supervisor: TestUser) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    await hold(api, case)
    bad = base64.b64encode(b"MZ executable").decode()
    refused = await cases.do(
        api, case, "undertaking_signed", expect=422, happened_at=moment(0), witness="DC Patel", scan_base64=bad
    )
    assert "PDF, JPEG or PNG" in refused["detail"]


async def test_no_trace_the_applicant_gets_a_letter_only_if_they_agreed(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    applicant = {"full_name": "Peter Lindqvist", "safe_contact": "Any time", "letters_ok": False}
    case = await authorised_case(api, officer, supervisor, decision="do_not_disclose", applicant=applicant)
    assert case["stage"] == "non_disclosure"
    no_letter = await cases.do(
        api,
        case,
        "record_applicant_told",
        expect=400,
        told_at=moment(0),
        method="letter",
        safeguarding_advice="Contact us again with any worry.",
    )
    assert "did not agree to letters" in no_letter["detail"]

    agreed = {
        "full_name": "Peter Lindqvist",
        "safe_contact": "Any time",
        "letters_ok": True,
        "address": "9 Orchard Row",
    }
    other = await authorised_case(api, officer, supervisor, decision="do_not_disclose", applicant=agreed)
    await cases.do(
        api,
        other,
        "record_applicant_told",
        told_at=moment(0),
        method="letter",
        safeguarding_advice="Talk to the school's safeguarding lead about lifts.",
    )
    letter = await api.get(f"/api/v1/applications/{other['id']}/documents/{await _latest_document(api, other)}")
    text = documents.text_of(letter.content)
    assert "Dear Peter Lindqvist" in text
    assert "Talk to the school's safeguarding lead about lifts." in text
    await cases.do(api, other, "close", outcome="no_trace")
    assert other["stage"] == "closed"


@pytest.mark.skipif(
    documents.soffice() is None and not os.environ.get("REQUIRE_TOOLS"),
    reason="LibreOffice is not installed (Debian package libreoffice-writer-nogui)",
)
async def test_the_undertaking_converts_to_pdf_with_its_text_intact(
    api: Api, officer: TestUser, supervisor: TestUser, tmp_path: Any
) -> None:
    applicant = {"full_name": NASTY_NAME, "safe_contact": "Mobile after 7pm"}
    case = await authorised_case(api, officer, supervisor, applicant=applicant)
    await arrange(api, case)
    await cases.do(api, case, "generate_undertaking")
    doc_id = await _latest_document(api, case)
    pdf = await api.get(f"/cases/{case['id']}/documents/{doc_id}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].endswith('.pdf"')
    if shutil.which("pdftotext"):
        path = tmp_path / "u.pdf"
        path.write_bytes(pdf.content)
        converter = await asyncio.create_subprocess_exec("pdftotext", str(path), "-", stdout=asyncio.subprocess.PIPE)
        text = (await converter.communicate())[0].decode()
        assert NASTY_NAME in text
        assert case["reference"] in text
        assert "legal proceedings could result" in " ".join(text.split())

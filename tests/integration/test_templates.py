"""Administrators upload new template versions; a bad one is refused with the reason."""

from __future__ import annotations

from disclosure_service.database import engine as db
from tests.factories import TestUser, docx_with
from tests.http import Api


async def post_template(api: Api, content: bytes, filename: str = "ours.docx") -> str:
    response = await api.http.post(
        "/admin/templates/undertaking/en",
        files={"file": (filename, content, "application/octet-stream")},
        data={"_csrf_token": await api.csrf()},
    )
    return f"{response.status_code} {response.headers.get('location', '')} {response.text}"


async def test_a_valid_upload_becomes_the_version_in_use(api: Api, admin: TestUser) -> None:
    await api.sign_in(admin)
    page = await api.get("/admin/templates")
    assert page.status_code == 200
    assert "In use: version 1" in page.text
    content = docx_with(
        "ALPHA undertaking for {{ recipient_name }}, case {{ reference }}",
        "Meeting {{ meeting_date }} at {{ meeting_place }}; template {{ template_version }}",
    )
    result = await post_template(api, content)
    assert result.startswith("303 /admin/templates?done=undertaking-en-v2"), result
    async with db.transaction(force_id=admin.force_id) as conn:
        rows = await conn.fetch(
            "SELECT version, active, uploaded_by FROM document_template WHERE name = 'undertaking' "
            "AND language = 'en' ORDER BY version"
        )
    assert [(r["version"], r["active"]) for r in rows] == [(1, False), (2, True)]
    assert rows[1]["uploaded_by"] == admin.id


async def test_a_bad_upload_is_refused_with_every_reason_and_nothing_changes(api: Api, admin: TestUser) -> None:
    await api.sign_in(admin)
    result = await post_template(api, docx_with("Only {{ reference }} and {{ favourite_colour }}"))
    assert result.startswith("400")
    assert "which the service does not fill in" in result
    assert "favourite_colour" in result
    result = await post_template(api, docx_with("Only {{ reference }} and {{ template_version }}"))
    assert "The template must include {{ recipient_name }}" in result
    async with db.transaction(force_id=admin.force_id) as conn:
        versions = await conn.fetchval(
            "SELECT count(*) FROM document_template WHERE name = 'undertaking' AND language = 'en'"
        )
    assert versions == 1  # just the shipped one, registered when the page was first shown


async def test_officers_cannot_upload_templates(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    assert (await api.get("/admin/templates")).status_code == 403


async def test_nothing_uploaded_is_looked_at_without_a_fresh_code(api: Api, admin: TestUser) -> None:
    await api.sign_in(admin)
    async with db.transaction(force_id=admin.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", admin.id
        )
    # Not even checked: a broken file gets only the request for a code.
    result = await post_template(api, b"PK\x03\x04 not really a document")

    assert result.startswith("400")
    assert "Enter a new code" in result
    assert "not a Word document" not in result


async def test_an_upload_that_would_send_case_data_out_when_opened_is_refused(api: Api, admin: TestUser) -> None:
    from tests.unit.test_document_safety import REFUSED

    await api.sign_in(admin)
    result = await post_template(api, REFUSED["simple INCLUDEPICTURE"])
    assert result.startswith("400"), result
    assert "Word field that is not allowed (INCLUDEPICTURE)" in result
    async with db.transaction(force_id=admin.force_id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM document_template WHERE version > 1") == 0

"""After a fresh code for a download, the officer is back on the page they were on, not the code page."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

from disclosure_service.database import engine as db
from tests import cases
from tests.factories import TestUser, next_time_step
from tests.http import Api

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _case_with_a_file(api: Api, officer: TestUser) -> tuple[dict[str, Any], str]:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(
        api,
        case,
        "add_attachment",
        file_base64=base64.b64encode(PDF).decode(),
        file_filename="letter.pdf",
        description="The applicant's letter",
    )
    current = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    return case, f"/cases/{case['id']}/attachments/{current['attachments'][0]['id']}"


async def _code_is_old(officer: TestUser) -> None:
    async with db.transaction(force_id=officer.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes', step_up_at = NULL WHERE \"user\" = $1",
            officer.id,
        )


async def test_a_download_after_a_code_returns_to_the_case_page_with_the_file_offered(
    api: Api, officer: TestUser
) -> None:
    case, download = await _case_with_a_file(api, officer)
    await _code_is_old(officer)
    case_page = f"/cases/{case['id']}"
    # No Referer: the service asks browsers not to send one (Referrer-Policy: no-referrer).
    asked = await api.get(download)
    assert asked.status_code == 303
    code_page_path = asked.headers["location"]
    query = parse_qs(urlsplit(code_page_path).query)
    assert query == {"next": [download], "returns_to": [case_page]}

    code_page = await api.get(code_page_path)
    assert f'name="returns_to" value="{case_page}"' in code_page.text
    assert f'href="{case_page}"' in code_page.text  # the back link goes where they were

    wrong = await api.form("/step-up", {"code": "000000", "next": download, "returns_to": case_page})
    assert wrong.status_code == 400
    assert f'name="returns_to" value="{case_page}"' in wrong.text  # kept for the next try

    await next_time_step(officer)
    confirmed = await api.form("/step-up", {"code": officer.code(), "next": download, "returns_to": case_page})
    assert confirmed.status_code == 303
    back = confirmed.headers["location"]
    assert urlsplit(back).path == case_page
    assert parse_qs(urlsplit(back).query) == {"ready": [download]}

    page = await api.get(back)
    assert page.status_code == 200
    assert "Code accepted" in page.text
    assert f'href="{download}" download' in page.text
    fetched = await api.get(download)
    assert fetched.status_code == 200
    assert fetched.content == PDF


async def test_without_a_page_to_return_to_the_code_leads_to_what_was_asked_for(api: Api, officer: TestUser) -> None:
    _, download = await _case_with_a_file(api, officer)
    await _code_is_old(officer)
    await next_time_step(officer)
    confirmed = await api.form("/step-up", {"code": officer.code(), "next": download})
    assert confirmed.headers["location"] == download


async def test_a_page_elsewhere_is_never_a_place_to_return_to(api: Api, officer: TestUser) -> None:
    case, download = await _case_with_a_file(api, officer)
    await _code_is_old(officer)
    page = await api.get(f"/step-up?next={download}&returns_to=https://evil.example/cases/1")
    assert 'name="returns_to"' not in page.text
    await next_time_step(officer)
    confirmed = await api.form(
        "/step-up", {"code": officer.code(), "next": download, "returns_to": "//evil.example/cases/1"}
    )
    assert confirmed.headers["location"] == download
    offered = await api.get(f"/cases/{case['id']}?ready=https://evil.example/x")
    assert "Code accepted" not in offered.text
    offered = await api.get(f"/cases/{case['id']}?ready=/admin/users")
    assert "Code accepted" not in offered.text

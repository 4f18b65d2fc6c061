"""A download that needs a fresh code, in a real browser (which sends no Referer: the service asks
it not to): after the code, the officer is back on the case page with the file offered, and axe
finds nothing wrong with either page."""

from __future__ import annotations

import re

import asyncpg
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer, run_async
from tests.e2e.test_sign_in_and_enrolment import sign_in

USER = "wales.officer"


async def _a_case_with_a_document_and_a_stale_code(owner_url: str) -> int:
    conn = await asyncpg.connect(owner_url)
    try:
        case_id: int | None = await conn.fetchval(
            "SELECT d.application FROM generated_document d JOIN application a ON a.id = d.application "
            'JOIN app_user u ON u."force" = a."force" WHERE u.username = $1 '
            "ORDER BY a.assigned_to = u.id DESC, d.id LIMIT 1",
            USER,
        )
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '10 minutes', step_up_at = NULL "
            'WHERE "user" = (SELECT id FROM app_user WHERE username = $1)',
            USER,
        )
    finally:
        await conn.close()
    assert case_id is not None, "the demo data has a generated document"
    return case_id


def test_after_the_code_for_a_download_the_officer_is_back_on_the_case(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, USER)
    case_id = run_async(_a_case_with_a_document_and_a_stale_code(live_server.env["DATABASE_URL"]))
    page.goto(f"/cases/{case_id}")
    if page.get_by_role("heading", name="Why are you opening this case?").count():
        page.get_by_label("Covering for the assigned officer").check()
        page.get_by_label("Explain").fill("Checking the undertaking before the meeting")
        page.get_by_role("button", name="Open the case").click()
    page.get_by_role("link", name="Word").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible(page)

    page.get_by_label("Code from your authenticator app").fill(live_server.code(USER))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}\?ready=%2Fcases%2F{case_id}%2Fdocuments%2F\d+%2Fdocx$"))
    banner = page.locator("#ready")
    expect(banner).to_contain_text("Code accepted")
    assert_accessible(page)
    with page.expect_download() as download:
        banner.get_by_role("link", name="Download the file you asked for").click()
    assert download.value.suggested_filename.endswith(".docx")

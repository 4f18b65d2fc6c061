"""The supervisors' digest of deadlines: on a page, and emailed through a real SMTP server the test
starts itself; the email carries references and counts, never names or case content."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from disclosure_service.clocks import digest
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Actor
from tests import cases, cli
from tests.factories import TestUser
from tests.http import Api
from tests.smtp import smtp_server


async def test_the_digest_email_is_caught_by_the_tests_own_smtp_server(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    soon = await cases.create(api)  # its triage falls due within 24 hours: today or tomorrow
    older = await cases.create(api, received_at=(datetime.now(UTC) - timedelta(days=3)).isoformat())  # overdue
    with smtp_server() as mailbox:
        async with db.transaction(force_id=officer.force_id) as conn:
            sent = await asyncio.wait_for(
                digest.email(
                    conn,
                    force_id=officer.force_id,
                    force_name="Alpha Constabulary",
                    smtp_url=mailbox.url,
                    sender="disclosure-service@alpha.example",
                    recipients=["ppu-supervisors@alpha.example"],
                    actor=Actor(user_id=None, force_id=officer.force_id, username="cli:test"),
                ),
                timeout=30,
            )
    assert soon["reference"] in sent.references
    [mail] = mailbox.messages
    assert mail.recipients == ["ppu-supervisors@alpha.example"]
    assert mail.sender == "disclosure-service@alpha.example"
    body = mail.message.get_content()
    assert soon["reference"] in body
    assert older["reference"] not in body  # past its deadline: counted, not listed
    assert "Initial triage" in body
    assert "Already past their deadline: 1" in body
    assert "deadline" in mail.message["Subject"]
    for private in ("Hannah", "Whitfield", "Craig", "Dunmore", "Maisie", "babysits", "Test officer"):
        assert private not in body, private
    async with db.transaction(force_id=officer.force_id) as conn:
        row = await conn.fetchrow(
            "SELECT operation, recipients, details FROM audit_event WHERE event = 'digest.emailed' ORDER BY id DESC"
        )
    assert row is not None
    assert row["operation"] == "disclosure"
    assert row["recipients"] == "ppu-supervisors@alpha.example"
    assert soon["reference"] in row["details"]


async def test_a_supervisor_sees_the_digest_page_and_its_look_is_logged(
    api: Api, officer: TestUser, supervisor: TestUser
) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    assert (await api.get("/cases/digest")).status_code == 403
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    page = await api.get("/cases/digest")
    assert page.status_code == 200
    assert case["reference"] in page.text
    assert "Initial triage" in page.text
    async with db.transaction(force_id=supervisor.force_id) as conn:
        logged = await conn.fetchval(
            "SELECT details FROM audit_event WHERE event = 'case.digest_viewed' AND username = $1", supervisor.username
        )
    assert case["reference"] in logged


def test_digest_send_without_a_mail_server_stops_with_one_clear_line(tmp_path: Path) -> None:
    result = cli.run(
        "digest", "send", "--force", "ALPHA", "--to", "x@example.org", env=cli.environment(DATA_DIR=str(tmp_path))
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "disclosure-service: SMTP_URL is not set: set it to the mail server's address to send the digest"
    ]

"""`disclosure-service digest`: the supervisors' daily digest of deadlines, by email or on screen.

Run `digest send` once a day for each force (a cron job or a systemd timer, docs/operations.md).
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from disclosure_service.clocks import digest, queries
from disclosure_service.identity.principal import Actor
from disclosure_service.settings import ConfigurationError, Settings

Runner = Callable[[Settings, Callable[["asyncpg.Connection[Any]"], Awaitable[int]]], int]


class DigestError(Exception):
    """The digest could not be made or sent; the message says why."""


def register(commands: Any, run_as_owner: Runner) -> None:
    """Add the `digest` command to the main parser's sub-commands."""
    parser = commands.add_parser(
        "digest",
        help="the daily digest of deadlines",
        description="What falls due today and tomorrow in a force, by clock: references and counts only.",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    send = sub.add_parser(
        "send",
        help="email a force's digest (needs SMTP_URL)",
        description="Email a force's digest to its supervisors' mailbox through the server SMTP_URL names. "
        "Run it once a day. Each email is logged in the force's audit trail as a disclosure to its recipients.",
    )
    show = sub.add_parser("show", help="print a force's digest", description="Print the digest that would be sent.")
    for command in (send, show):
        command.add_argument("--force", required=True, help="the force's code, e.g. WYP")
    send.add_argument("--to", action="append", required=True, help="an address to send it to (repeat for more)")
    send.add_argument("--sender", help="the From address (default: disclosure-service@ the host of PUBLIC_URL)")

    def run_send(settings: Settings, args: argparse.Namespace) -> int:
        if not settings.smtp_url:
            raise ConfigurationError("SMTP_URL is not set: set it to the mail server's address to send the digest")
        return run_as_owner(settings, lambda conn: _send(conn, args, settings))

    def run_show(settings: Settings, args: argparse.Namespace) -> int:
        return run_as_owner(settings, lambda conn: _show(conn, args))

    send.set_defaults(handler=run_send)
    show.set_defaults(handler=run_show)


async def _force(conn: asyncpg.Connection[Any], code: str) -> tuple[int, str]:
    found = await queries.force_by_code(conn, code)
    if found is None:
        raise ConfigurationError(f"there is no force with the code {code!r}")
    return found


async def _send(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    force_id, force_name = await _force(conn, args.force)
    sender = args.sender or f"disclosure-service@{urlsplit(settings.public_url).hostname or 'localhost'}"
    actor = Actor(user_id=None, force_id=force_id, username=f"cli:{getpass.getuser()}"[:64])
    try:
        sent = await digest.email(
            conn,
            force_id=force_id,
            force_name=force_name,
            smtp_url=settings.smtp_url or "",
            sender=sender,
            recipients=list(args.to),
            actor=actor,
            now=datetime.now(UTC),
        )
    except digest.MailError as exc:
        raise ConfigurationError(str(exc)) from None
    print(f"digest sent to {', '.join(args.to)}: {len(sent.today.rows)} today, {len(sent.tomorrow.rows)} tomorrow")
    return 0


async def _show(conn: asyncpg.Connection[Any], args: argparse.Namespace) -> int:
    force_id, force_name = await _force(conn, args.force)
    subject, body = digest.email_text(force_name, await digest.gather(conn, force_id, datetime.now(UTC)))
    print(subject)
    print()
    print(body, end="")
    return 0

"""The supervisors' daily digest: which clocks fall due today and tomorrow (London days), by clock,
and how many are already past. On a page for supervisors, and by email when SMTP_URL is set.

The email carries references and counts only: never a name, never anything about a case beyond
which clock of it falls due.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import asyncpg

from disclosure_service.audit import writer
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.cases.vocabulary import ClockName
from disclosure_service.clocks import queries
from disclosure_service.clocks.queries import DueRow
from disclosure_service.database import engine as db
from disclosure_service.dates import LONDON, long_date
from disclosure_service.identity.principal import Actor


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    rows: list[DueRow]

    def by_clock(self) -> list[tuple[str, list[DueRow]]]:
        """The day's deadlines grouped by clock, in the order of the clocks."""
        order = [c.value for c in ClockName]
        clocks = sorted({row.clock for row in self.rows}, key=order.index)
        return [(clock, [row for row in self.rows if row.clock == clock]) for clock in clocks]


@dataclass(frozen=True, slots=True)
class Digest:
    today: Day
    tomorrow: Day
    # Clocks already past their deadline, by clock.
    overdue: dict[str, int]

    @property
    def references(self) -> list[str]:
        return [row.reference for row in (*self.today.rows, *self.tomorrow.rows)]


def london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


async def gather(conn: asyncpg.Connection[Any], force_id: int, now: datetime) -> Digest:
    """What falls due in the force today and tomorrow, on the caller's connection."""
    today = now.astimezone(LONDON).date()
    tomorrow = today + timedelta(days=1)
    start, middle, end = (london_midnight(d) for d in (today, tomorrow, tomorrow + timedelta(days=1)))
    rows = await queries.due_between(conn, force_id, start, end)
    return Digest(
        Day(today, [r for r in rows if r.due_at < middle]),
        Day(tomorrow, [r for r in rows if r.due_at >= middle]),
        await queries.overdue_counts(conn, force_id, now),
    )


async def for_supervisor(caller: Caller, now: datetime | None = None) -> Digest:
    """The digest for a supervisor's page, its look logged with the references it showed."""
    now = now or datetime.now(UTC)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        digest = await gather(conn, caller.principal.force_id, now)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="case.digest_viewed",
            justification="daily digest",
            details={"references": digest.references},
            now=now,
        )
    return digest


def label(clock: str) -> str:
    return ClockName(clock).label if clock in ClockName.__members__ else clock


def email_text(force_name: str, digest: Digest) -> tuple[str, str]:
    """Subject and body of the emailed digest: references and counts, nothing else."""
    lines = [f"Deadlines for {force_name}: what falls due today and tomorrow.", ""]
    for heading, day in (("Today", digest.today), ("Tomorrow", digest.tomorrow)):
        lines.append(f"{heading}, {long_date(day.day)}: {len(day.rows)} deadline{'s' if len(day.rows) != 1 else ''}")
        for clock, rows in day.by_clock():
            lines.append(f"  {label(clock)} ({len(rows)}): {', '.join(row.reference for row in rows)}")
        lines.append("")
    overdue = sum(digest.overdue.values())
    lines.append(f"Already past their deadline: {overdue}")
    lines.extend(f"  {label(clock)}: {n}" for clock, n in sorted(digest.overdue.items()))
    lines += ["", "Open the cases from the service to see them; this email holds no case details."]
    total = len(digest.today.rows)
    subject = f"{force_name}: {total} deadline{'s' if total != 1 else ''} today, {len(digest.tomorrow.rows)} tomorrow"
    return subject, "\n".join(lines) + "\n"


class MailError(Exception):
    """The digest could not be sent; the message says why in one line."""


def send_mail(smtp_url: str, sender: str, recipients: list[str], subject: str, body: str) -> None:
    """One plain-text email through the server SMTP_URL names: smtp://[user:password@]host[:port]
    (STARTTLS with `?starttls=true`) or smtps:// (TLS from the start)."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailError("SMTP_URL must be smtp://host:port or smtps://host:port")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, sender, ", ".join(recipients)
    message.set_content(body)
    options = parse_qs(parts.query)
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP = (
            smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=30, context=context)
            if parts.scheme == "smtps"
            else smtplib.SMTP(parts.hostname, parts.port or 25, timeout=30)
        )
        with client:
            if options.get("starttls", ["false"])[0] == "true":
                client.starttls(context=context)
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"the digest could not be sent through {parts.hostname}: {exc}") from exc


async def email(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    force_name: str,
    smtp_url: str,
    sender: str,
    recipients: list[str],
    actor: Actor,
    now: datetime | None = None,
) -> Digest:
    """Send the force's digest and log it as a disclosure of those references to `recipients`."""
    now = now or datetime.now(UTC)
    digest = await gather(conn, force_id, now)
    subject, body = email_text(force_name, digest)
    # smtplib blocks: off the event loop.
    await asyncio.to_thread(send_mail, smtp_url, sender, recipients, subject, body)
    await writer.record(
        conn,
        actor=actor,
        force_id=force_id,
        operation=Operation.disclosure,
        event="digest.emailed",
        recipients=", ".join(recipients)[:1000],
        justification="daily digest of deadlines",
        details={
            "references": digest.references,
            "today": len(digest.today.rows),
            "tomorrow": len(digest.tomorrow.rows),
            "overdue": dict(digest.overdue),
        },
        now=now,
    )
    return digest

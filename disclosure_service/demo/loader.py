"""Load the demo forces, users and cases. Idempotent: what exists is left as it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from disclosure_service.accounts.roles import UserStatus
from disclosure_service.accounts.tables import Force, User
from disclosure_service.auth import passwords, totp
from disclosure_service.auth.service import Keys
from disclosure_service.cases.clocks import deadlines
from disclosure_service.cases.tables import Application, CasePerson
from disclosure_service.cases.vocabulary import Scheme, Stage
from disclosure_service.database import engine as db
from disclosure_service.demo.scenarios import DEMO_FORCES, DemoCase, DemoForce

# Demo accounts only: printed by `make run`. The demo commands refuse to run in production.
DEMO_PASSWORD = "Kettle-Orchard-Lantern-42"  # noqa: S105  # published on purpose


async def load(keys: Keys, now: datetime | None = None) -> list[str]:
    """Load everything missing; return lines describing what is there."""
    now = now or datetime.now(UTC)
    lines: list[str] = []
    password_hash = await passwords.hash_password(DEMO_PASSWORD)
    async with db.transaction() as conn:
        for demo in DEMO_FORCES:
            force_id = await _force(demo)
            users = await _users(demo, force_id)
            await _enrol(conn, users, keys, password_hash)
            created = await _cases(demo, force_id, users, now)
            lines.append(
                f"{demo.name} ({demo.code}): {len(users)} users, "
                + (f"{created} demo cases loaded" if created else "demo cases already present")
            )
    return lines


async def _force(demo: DemoForce) -> int:
    existing = await Force.select(Force.id).where(Force.code == demo.code).first()
    if existing:
        return int(existing["id"])
    rows = await Force.insert(Force(code=demo.code, name=demo.name, offers_welsh=demo.offers_welsh)).returning(Force.id)
    return int(rows[0]["id"])


async def _users(demo: DemoForce, force_id: int) -> dict[str, int]:
    ids: dict[str, int] = {}
    for user in demo.users:
        existing = await User.select(User.id).where(User.username == user.username).first()
        if existing:
            ids[user.username] = int(existing["id"])
            continue
        rows = await User.insert(
            User(
                force=force_id,
                username=user.username,
                display_name=user.display_name,
                role=user.role,
                status=UserStatus.pending.value,
                failed_attempts=0,
            )
        ).returning(User.id)
        ids[user.username] = int(rows[0]["id"])
    return ids


async def _enrol(conn: asyncpg.Connection[Any], users: dict[str, int], keys: Keys, password_hash: str) -> None:
    """Demo users are ready to sign in: the demo password, and a TOTP secret `demo-code` reads."""
    for user_id in users.values():
        await conn.execute(
            "UPDATE app_user SET password_hash = $2, totp_secret_encrypted = $3, status = 'active' "
            "WHERE id = $1 AND password_hash IS NULL AND status = 'pending'",
            user_id,
            password_hash,
            keys.box.encrypt(totp.new_secret(), user_id),
        )


async def _cases(demo: DemoForce, force_id: int, users: dict[str, int], now: datetime) -> int:
    if await Application.exists().where(Application.force == force_id):
        return 0
    creator = next(iter(users.values()))
    for number, case in enumerate(demo.cases, start=1):
        await _case(case, force_id, f"{demo.code}-{now.year}-{number:05d}", users=users, creator=creator, now=now)
    return len(demo.cases)


async def _case(
    case: DemoCase, force_id: int, reference: str, *, users: dict[str, int], creator: int, now: datetime
) -> None:
    received_at = now - timedelta(days=case.received_days_ago)
    due = deadlines(Scheme.csods, received_at)
    closed = case.stage is Stage.closed
    rows = await Application.insert(
        Application(
            force=force_id,
            reference=reference,
            scheme=Scheme.csods.value,
            route=case.route.value,
            channel=case.channel.value,
            received_at=received_at,
            stage=case.stage.value,
            outcome=case.outcome.value if case.outcome else None,
            risk_level=case.risk.value,
            concern=case.concern,
            assigned_to=users.get(case.assigned_to) if case.assigned_to else None,
            created_by=creator,
            triage_due_at=due.triage_due_at,
            meeting_due_at=due.meeting_due_at,
            due_at=due.due_at,
            closed_at=now if closed else None,
        )
    ).returning(Application.id)
    application_id = rows[0]["id"]
    await CasePerson.insert(
        *(
            CasePerson(
                force=force_id,
                application=application_id,
                role=person.role.value,
                full_name=person.full_name,
                date_of_birth=person.date_of_birth,
                address=person.address,
                relationship_to_child=person.relationship_to_child,
                contact_with_child=person.contact_with_child,
                safe_contact=person.safe_contact,
                preferred_language=person.preferred_language,
                occupation=person.occupation,
            )
            for person in case.people
        )
    )

"""Keyword-only helpers that put test data in the database through the test's own transaction."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher
from docx import Document

from disclosure_service.auth import totp
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.identity.roles import Role

PASSWORD = "plain kettle orchard lantern"
_numbers = itertools.count(1)


@cache
def password_hash() -> str:
    """Hashed once, with light argon2id parameters: verifying reads the parameters from the hash,
    so test sign-ins stay fast while the service's own parameters are tested where they matter."""
    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)


@dataclass(frozen=True, slots=True)
class TestUser:
    __test__ = False  # not a test class, whatever its name

    id: int
    force_id: int
    username: str
    role: Role
    password: str
    secret: str

    def code(self, when: datetime | None = None) -> str:
        return totp.code_at(self.secret, when or datetime.now(UTC))


async def make_user(
    *,
    force_id: int,
    keys: Keys,
    role: Role = Role.officer,
    username: str | None = None,
    status: str = "active",
    team: str = "",
) -> TestUser:
    """An enrolled user (password and authenticator set up) in `force_id`."""
    username = username or f"{role.value}.{next(_numbers)}"
    secret = totp.new_secret()
    async with db.transaction(force_id=force_id) as conn:
        user_id: int = await conn.fetchval(
            'INSERT INTO app_user ("force", username, display_name, role, status, password_hash, team, '
            "failed_attempts, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, now(), now()) "
            "RETURNING id",
            force_id,
            username,
            f"Test {username}",
            role.value,
            status,
            password_hash(),
            team,
        )
        await conn.execute(
            "UPDATE app_user SET totp_secret_encrypted = $2 WHERE id = $1",
            user_id,
            keys.box.encrypt(secret, user_id),
        )
    return TestUser(user_id, force_id, username, role, PASSWORD, secret)


async def next_time_step(user: TestUser) -> None:
    """Forget which codes the user has used, as if the next 30-second step had begun.

    Tests that sign the same user in twice, or step up straight after signing in, would otherwise
    have to wait for the authenticator to show a new code.
    """
    async with db.transaction(force_id=user.force_id) as conn:
        await conn.execute("UPDATE app_user SET totp_last_timecode = NULL WHERE id = $1", user.id)


def docx_with(*paragraphs: str) -> bytes:
    """A Word document of these paragraphs: template uploads and template checks start from one."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

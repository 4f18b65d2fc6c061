"""Is the TOTP key the one the stored secrets were encrypted with? Checked at start and by `check`."""

from __future__ import annotations

import asyncpg
from cryptography.exceptions import InvalidTag

from disclosure_service.auth.totp import SecretBox


async def totp_key_problem(url: str, box: SecretBox) -> str | None:
    """One line if TOTP_ENCRYPTION_KEY cannot decrypt a stored authenticator secret, else None.

    A wrong key passes every other check and then makes every sign-in code fail; one stored
    secret is enough to tell. Works as the runtime role too: row-level security shows it one
    force's users at a time, so it looks force by force until it finds a secret.
    """
    conn = await asyncpg.connect(url)
    try:
        if not await conn.fetchval("SELECT to_regclass('public.app_user') IS NOT NULL"):
            return None  # not migrated yet: nothing stored to decrypt
        for force_id in [r["id"] for r in await conn.fetch("SELECT id FROM force ORDER BY id")]:
            async with conn.transaction():
                await conn.execute("SELECT set_config('app.force_id', $1, true)", str(force_id))
                row = await conn.fetchrow(
                    'SELECT id, totp_secret_encrypted FROM app_user WHERE "force" = $1 '
                    "AND totp_secret_encrypted IS NOT NULL ORDER BY id LIMIT 1",
                    force_id,
                )
            if row is None:
                continue
            try:
                box.decrypt(row["totp_secret_encrypted"], row["id"])
            except (InvalidTag, ValueError):
                return (
                    f"TOTP_ENCRYPTION_KEY does not decrypt the authenticator secrets stored in the database (user "
                    f"{row['id']}): set the key they were encrypted with (docs/operations.md, Settings)"
                )
            return None
        return None
    finally:
        await conn.close()

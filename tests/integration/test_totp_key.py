"""A TOTP_ENCRYPTION_KEY that is not the one the stored secrets were encrypted with is found at start."""

from __future__ import annotations

import asyncpg
import pytest

from disclosure_service.auth.keys import totp_key_problem
from disclosure_service.auth.totp import SecretBox, new_secret
from disclosure_service.database.migrate import migrate
from disclosure_service.database.setup import DatabaseUrls
from tests import cli, database

pytestmark = pytest.mark.commits

RIGHT_KEY = "the-key-the-secrets-were-sealed-with-" + "r" * 16
WRONG_KEY = "a-key-from-another-installation-" + "w" * 16
SECRET_KEY = "secret-key-for-csrf-" + "s" * 20


async def test_a_wrong_totp_key_stops_serve_and_check_with_one_line(server_url: str) -> None:
    fresh = await database.create_database(server_url)
    try:
        await migrate(fresh.owner_url, fresh.app_url)
        conn = await asyncpg.connect(fresh.owner_url)
        try:
            force_id = await conn.fetchval(
                "INSERT INTO force (code, name, offers_welsh, created_at) VALUES ('KEYS', 'Keys', false, now()) "
                "RETURNING id"
            )
            user_id = await conn.fetchval(
                'INSERT INTO app_user ("force", username, display_name, role, status, failed_attempts, created_at, '
                "updated_at) VALUES ($1, 'kim.key', 'Kim', 'officer', 'active', 0, now(), now()) RETURNING id",
                force_id,
            )
            await conn.execute(
                "UPDATE app_user SET totp_secret_encrypted = $2 WHERE id = $1",
                user_id,
                SecretBox(RIGHT_KEY).encrypt(new_secret(), user_id),
            )
        finally:
            await conn.close()
        urls = DatabaseUrls(owner=None, app=fresh.app_url)  # as the web service sees it: the runtime role only

        wrong = [await totp_key_problem(urls.app, SecretBox(WRONG_KEY))]
        assert wrong == [
            f"TOTP_ENCRYPTION_KEY does not decrypt the authenticator secrets stored in the database (user {user_id}): "
            "set the key they were encrypted with (docs/operations.md, Settings)"
        ]
        assert await totp_key_problem(urls.app, SecretBox(RIGHT_KEY)) is None
        checked = cli.run(
            "check",
            env=cli.environment(APP_DATABASE_URL=fresh.app_url, SECRET_KEY=SECRET_KEY, TOTP_ENCRYPTION_KEY=WRONG_KEY),
        )
        assert f"PROBLEM {wrong[0]}" in checked.stdout

        env = cli.environment(APP_DATABASE_URL=fresh.app_url, SECRET_KEY=SECRET_KEY, TOTP_ENCRYPTION_KEY=WRONG_KEY)
        served = cli.run("serve", "--no-migrate", "--port", str(cli.free_port()), env=env)
        assert served.returncode == 2
        assert served.stderr.strip() == f"disclosure-service: {wrong[0]}"
    finally:
        await database.drop_database(fresh)

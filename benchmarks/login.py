"""Server time of a whole sign-in (password, then TOTP code) at the chosen argon2 parameters.

Target: under 250 ms. The app runs in this process, so the figure is the server's own time for
both requests, without network; argon2 runs in a worker thread as in production.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from benchmarks import harness
from disclosure_service.auth import passwords, totp
from disclosure_service.auth.service import Keys
from tests.http import Api

ROUNDS = 30


async def run() -> None:
    keys = Keys.from_settings(harness.SETTINGS)
    async with harness.fresh_database() as created:
        conn = await harness.owner(created)
        try:
            force_id = await conn.fetchval(
                "INSERT INTO force (code, name, created_at) VALUES ('BENCH', 'Bench', now()) RETURNING id"
            )
            secret = totp.new_secret()
            user_id = await conn.fetchval(
                'INSERT INTO app_user ("force", username, display_name, role, status, password_hash, '
                "failed_attempts, created_at, updated_at) "
                "VALUES ($1, 'bench.user', 'Bench', 'officer', 'active', $2, 0, now(), now()) RETURNING id",
                force_id,
                passwords.hash_password_sync("benchmark password, long enough"),
            )
            await conn.execute(
                "UPDATE app_user SET totp_secret_encrypted = $2 WHERE id = $1",
                user_id,
                keys.box.encrypt(secret, user_id),
            )
            timings: list[float] = []
            password_only: list[float] = []
            async with harness.client() as http:
                api = Api(http)
                await api.csrf()
                for _ in range(ROUNDS):
                    await conn.execute("UPDATE app_user SET totp_last_timecode = NULL WHERE id = $1", user_id)
                    started = time.perf_counter()
                    first = await api.post(
                        "/api/v1/auth/login",
                        {"username": "bench.user", "password": "benchmark password, long enough"},
                    )
                    middle = time.perf_counter()
                    second = await api.post("/api/v1/auth/totp", {"code": totp.code_at(secret, datetime.now(UTC))})
                    finished = time.perf_counter()
                    if first.status_code != 200 or second.status_code != 200:
                        raise RuntimeError(f"sign-in failed: {first.text} {second.text}")
                    timings.append((finished - started) * 1000)
                    password_only.append((middle - started) * 1000)
                    await api.post("/api/v1/auth/logout")
        finally:
            await conn.close()
    print(
        f"argon2id: time_cost={passwords.HASHER.time_cost} memory={passwords.HASHER.memory_cost} KiB "
        f"parallelism={passwords.HASHER.parallelism}"
    )
    harness.report("password step", password_only)
    harness.report("whole sign-in (password + code)", timings)

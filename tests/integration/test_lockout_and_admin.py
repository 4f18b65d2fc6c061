"""Lockout after five failures, and what administrators can do about it (rows 5, 6, 12, 13, 16)."""

from __future__ import annotations

import json

from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.identity.roles import Role
from tests.factories import TestUser, make_user, next_time_step
from tests.http import Api


async def failures(user: TestUser) -> tuple[int, bool]:
    async with db.transaction(force_id=user.force_id) as conn:
        row = await conn.fetchrow(
            "SELECT failed_attempts, locked_until > now() AS locked FROM app_user WHERE id = $1", user.id
        )
    assert row is not None
    return row["failed_attempts"], bool(row["locked"])


async def test_five_wrong_passwords_lock_the_account(api: Api, officer: TestUser) -> None:
    for attempt in range(1, 6):
        response = await api.post("/api/v1/auth/login", {"username": officer.username, "password": f"wrong {attempt}"})
        assert response.status_code == 401
    assert await failures(officer) == (5, True)
    refused = await api.post("/api/v1/auth/login", {"username": officer.username, "password": officer.password})
    assert refused.status_code == 401
    assert "locked for 30 minutes" in refused.json()["detail"]


async def test_wrong_passwords_and_wrong_codes_count_together(api: Api, officer: TestUser) -> None:
    for attempt in range(3):
        await api.post("/api/v1/auth/login", {"username": officer.username, "password": f"wrong {attempt}"})
    await api.password_only(officer)
    for _ in range(2):
        assert (await api.post("/api/v1/auth/totp", {"code": "000000"})).status_code == 401
    assert await failures(officer) == (5, True)
    assert (await api.post("/api/v1/auth/totp", {"code": officer.code()})).status_code == 401


async def test_a_successful_sign_in_resets_the_count(api: Api, officer: TestUser) -> None:
    for attempt in range(4):
        await api.post("/api/v1/auth/login", {"username": officer.username, "password": f"wrong {attempt}"})
    await api.sign_in(officer)
    assert await failures(officer) == (0, False)


async def test_the_lock_lifts_after_thirty_minutes(api: Api, officer: TestUser) -> None:
    for attempt in range(5):
        await api.post("/api/v1/auth/login", {"username": officer.username, "password": f"wrong {attempt}"})
    async with db.transaction(force_id=officer.force_id) as conn:
        await conn.execute("UPDATE app_user SET locked_until = now() - interval '1 second' WHERE id = $1", officer.id)
    await api.sign_in(officer)


async def test_locking_is_audited(api: Api, officer: TestUser) -> None:
    for attempt in range(5):
        await api.post("/api/v1/auth/login", {"username": officer.username, "password": f"wrong {attempt}"})
    async with db.transaction(force_id=officer.force_id) as conn:
        events = [r["event"] for r in await conn.fetch('SELECT event FROM audit_event WHERE "user" = $1', officer.id)]
    assert events.count("sign_in.password_wrong") == 5
    assert events.count("account.locked") == 1


async def test_an_admin_unlocks_a_locked_account(api: Api, admin: TestUser, officer: TestUser) -> None:
    for attempt in range(5):
        await api.post("/api/v1/auth/login", {"username": officer.username, "password": f"wrong {attempt}"})
    await api.sign_in(admin)
    unlocked = await api.post(f"/api/v1/users/{officer.id}/unlock")
    assert unlocked.status_code == 200
    assert unlocked.json()["locked"] is False
    assert await failures(officer) == (0, False)


async def test_disabling_a_user_ends_their_sessions_at_once(api: Api, admin: TestUser, officer: TestUser) -> None:
    await api.sign_in(officer)
    officer_session = api.session
    assert officer_session
    await api.post("/api/v1/auth/logout")
    await api.sign_in(admin, previous_step=True)
    assert (await api.post(f"/api/v1/users/{officer.id}/disable")).json()["status"] == "disabled"
    api.set_session(officer_session)
    assert (await api.get("/api/v1/auth/me")).status_code == 401


async def test_admins_create_users_who_get_an_enrolment_link(api: Api, admin: TestUser) -> None:
    await api.sign_in(admin)
    created = await api.post("/api/v1/users", {"username": "new.officer", "display_name": "PC New", "role": "officer"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["user"]["status"] == "pending"
    assert "/enrol/" in body["enrolment_url"]
    duplicate = await api.post("/api/v1/users", {"username": "new.officer", "role": "officer"})
    assert duplicate.status_code == 400
    assert "already taken" in duplicate.json()["detail"]


async def test_an_admin_cannot_disable_themselves_or_change_their_own_role(api: Api, admin: TestUser) -> None:
    await api.sign_in(admin)
    assert (await api.post(f"/api/v1/users/{admin.id}/disable")).status_code == 400
    assert (await api.post(f"/api/v1/users/{admin.id}/role", {"role": "officer"})).status_code == 400
    assert (await api.post(f"/api/v1/users/{admin.id}/reset-2fa")).status_code == 400


async def test_a_role_change_applies_at_the_next_request(
    api: Api, admin: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    colleague = await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.admin)
    await api.sign_in(colleague)
    assert (await api.get("/api/v1/users")).status_code == 200
    await api.post("/api/v1/auth/logout")
    await api.sign_in(admin, previous_step=True)
    assert (await api.post(f"/api/v1/users/{colleague.id}/role", {"role": "auditor"})).status_code == 200
    await api.post("/api/v1/auth/logout")
    await api.sign_in(colleague)
    assert (await api.get("/api/v1/users")).status_code == 403


async def test_the_admin_form_asks_for_a_code_and_keeps_what_was_typed(api: Api, admin: TestUser) -> None:
    await api.sign_in(admin)
    async with db.transaction(force_id=admin.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", admin.id
        )
    page = await api.get("/admin/users/new")
    assert 'name="code"' in page.text
    typed = {"display_name": "DC Robin Hale", "username": "robin.hale", "role": "officer"}
    refused = await api.form("/admin/users/new", typed)
    assert refused.status_code == 400
    assert "Enter a new code" in refused.text
    assert 'value="DC Robin Hale"' in refused.text
    assert 'value="robin.hale"' in refused.text
    await next_time_step(admin)
    accepted = await api.form("/admin/users/new", {**typed, "code": admin.code()})
    assert accepted.status_code == 200
    assert "/enrol/" in accepted.text


async def test_a_user_belongs_to_a_team_an_admin_can_change(api: Api, admin: TestUser, officer: TestUser) -> None:
    await api.sign_in(admin)
    created = await api.post("/api/v1/users", {"username": "team.member", "role": "officer", "team": " PPU  North "})
    assert created.json()["user"]["team"] == "PPU North"

    moved = await api.post(f"/api/v1/users/{officer.id}/team", {"team": "PPU South"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["team"] == "PPU South"
    too_long = await api.post(f"/api/v1/users/{officer.id}/team", {"team": "x" * 65})
    assert too_long.status_code == 400
    async with db.transaction(force_id=admin.force_id) as conn:
        details = await conn.fetchval(
            "SELECT details FROM audit_event WHERE event = 'user.team_changed' AND \"user\" = $1", admin.id
        )
    assert json.loads(details) == {"from": "", "to": "PPU South"}
    page = await api.get(f"/admin/users/{officer.id}")
    assert "PPU South" in page.text

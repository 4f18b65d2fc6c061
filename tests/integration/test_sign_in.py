"""Signing in with a password and a TOTP code (security.md rows 2-4, 7-11, 14, 18)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import pytest

from disclosure_service.auth import recovery, sessions
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from tests.factories import TestUser
from tests.http import Api


async def audit_events(user_id: int | None = None, force_id: int | None = None) -> list[str]:
    async with db.transaction(force_id=force_id) as conn:
        rows = await conn.fetch('SELECT event FROM audit_event WHERE "user" = $1 ORDER BY id', user_id)
    return [row["event"] for row in rows]


async def test_password_then_code_signs_in(api: Api, officer: TestUser) -> None:
    first = await api.password_only(officer)
    assert first.json() == {"next": "totp"}
    assert (await api.get("/api/v1/auth/me")).status_code == 401  # half signed in reaches nothing
    second = await api.post("/api/v1/auth/totp", {"code": officer.code()})
    assert second.status_code == 200
    assert second.json()["username"] == officer.username
    me = await api.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["role"] == "officer"
    events = await audit_events(officer.id, officer.force_id)
    assert events == ["sign_in.password_ok", "sign_in.succeeded"]


async def test_a_code_is_accepted_once(api: Api, officer: TestUser) -> None:
    code = officer.code()
    await api.password_only(officer)
    assert (await api.post("/api/v1/auth/totp", {"code": code})).status_code == 200
    await api.post("/api/v1/auth/logout")
    await api.password_only(officer)
    replay = await api.post("/api/v1/auth/totp", {"code": code})
    assert replay.status_code == 401
    assert "did not work" in replay.json()["detail"]


async def test_a_replayed_code_is_audited(api: Api, officer: TestUser) -> None:
    code = officer.code()
    await api.password_only(officer)
    await api.post("/api/v1/auth/totp", {"code": code})
    await api.post("/api/v1/auth/logout")
    await api.password_only(officer)
    await api.post("/api/v1/auth/totp", {"code": code})
    assert "code.replayed" in await audit_events(officer.id, officer.force_id)


async def test_a_full_width_spelling_of_a_used_code_is_not_a_new_code(api: Api, officer: TestUser) -> None:
    code = officer.code()
    await api.password_only(officer)
    await api.post("/api/v1/auth/totp", {"code": code})
    await api.post("/api/v1/auth/logout")
    await api.password_only(officer)
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in code)
    assert (await api.post("/api/v1/auth/totp", {"code": full_width})).status_code == 401


@pytest.mark.parametrize(
    ("offset_steps", "accepted"),
    [(0, True), (-1, True), (-2, False), (1, False)],
    ids=["current", "previous", "two-back", "one-ahead"],
)
async def test_codes_are_valid_for_the_current_and_previous_step_only(
    api: Api, officer: TestUser, offset_steps: int, accepted: bool
) -> None:
    await api.password_only(officer)
    code = officer.code(datetime.now(UTC) + timedelta(seconds=30 * offset_steps))
    if not accepted and code in {officer.code(), officer.code(datetime.now(UTC) - timedelta(seconds=30))}:
        pytest.skip("the random secret gave the same code for two steps")
    response = await api.post("/api/v1/auth/totp", {"code": code})
    assert (response.status_code == 200) is accepted


async def test_unknown_user_and_wrong_password_look_the_same(api: Api, officer: TestUser) -> None:
    wrong = await api.post("/api/v1/auth/login", {"username": officer.username, "password": "not the password at all"})
    unknown = await api.post("/api/v1/auth/login", {"username": "nobody.here", "password": "not the password at all"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "set-cookie" not in wrong.headers
    assert "set-cookie" not in unknown.headers


async def test_a_new_session_id_at_sign_in_and_again_after_the_code(api: Api, officer: TestUser) -> None:
    await api.password_only(officer)
    half = api.session
    await api.post("/api/v1/auth/totp", {"code": officer.code()})
    full = api.session
    assert half
    assert full
    assert half != full
    api.set_session(half)
    assert (await api.get("/api/v1/auth/me")).status_code == 401  # the old id died when it was replaced


async def test_a_planted_session_id_stays_anonymous(api: Api, officer: TestUser) -> None:
    api.set_session("attacker-chosen-id")
    await api.password_only(officer)
    assert api.session != "attacker-chosen-id"
    api.set_session("attacker-chosen-id")
    assert (await api.get("/api/v1/auth/me")).status_code == 401


async def test_cookies_are_host_only_secure_httponly_and_samesite(api: Api, officer: TestUser) -> None:
    response = await api.password_only(officer)
    for header in [
        *response.headers.get_list("set-cookie"),
        *(await api.http.get("/sign-in")).headers.get_list("set-cookie"),
    ]:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            assert name.startswith("__Host-"), header
            assert morsel["secure"], header
            assert morsel["path"] == "/", header
            assert not morsel["domain"], header
            assert morsel["samesite"].lower() == "strict", header
            if name == sessions.SESSION_COOKIE:
                assert morsel["httponly"], header


async def test_the_totp_secret_is_stored_encrypted(officer: TestUser) -> None:
    async with db.transaction(force_id=officer.force_id) as conn:
        stored = await conn.fetchval("SELECT totp_secret_encrypted FROM app_user WHERE id = $1", officer.id)
    assert stored.startswith("v1:")
    assert officer.secret not in stored


async def test_the_password_hash_is_argon2id(officer: TestUser) -> None:
    async with db.transaction(force_id=officer.force_id) as conn:
        stored = await conn.fetchval("SELECT password_hash FROM app_user WHERE id = $1", officer.id)
    assert stored.startswith("$argon2id$")
    assert officer.password not in stored


async def test_a_post_without_the_csrf_token_is_refused(api: Api, officer: TestUser) -> None:
    await api.csrf()
    response = await api.http.post("/api/v1/auth/login", json={"username": officer.username, "password": "x"})
    assert response.status_code == 403
    assert await audit_events(officer.id, officer.force_id) == []  # never reached the sign-in logic


async def test_a_post_from_another_origin_is_refused(api: Api, officer: TestUser) -> None:
    response = await api.post(
        "/api/v1/auth/login",
        {"username": officer.username, "password": officer.password},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert api.session is None


async def test_a_post_the_browser_marks_cross_site_is_refused(api: Api, officer: TestUser) -> None:
    response = await api.form(
        "/sign-in",
        {"username": officer.username, "password": officer.password},
        headers={"origin": "null", "sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403
    assert api.session is None


async def test_our_own_form_posts_pass_with_a_null_origin(api: Api, officer: TestUser) -> None:
    # Referrer-Policy: no-referrer makes browsers send "Origin: null" on same-origin form posts.
    response = await api.form(
        "/sign-in",
        {"username": officer.username, "password": officer.password},
        headers={"origin": "null", "sec-fetch-site": "same-origin"},
    )
    assert response.status_code == 303


async def test_a_form_post_without_the_token_is_refused(api: Api, officer: TestUser) -> None:
    await api.csrf()
    response = await api.http.post("/sign-in", data={"username": officer.username, "password": officer.password})
    assert response.status_code == 403
    assert api.session is None


async def test_unknown_fields_are_refused_and_nothing_changes(api: Api, officer: TestUser) -> None:
    response = await api.post(
        "/api/v1/auth/login", {"username": officer.username, "password": officer.password, "role": "admin"}
    )
    assert response.status_code == 400
    assert api.session is None
    assert await audit_events(officer.id, officer.force_id) == []


async def test_a_recovery_code_signs_in_once(api: Api, officer: TestUser, keys: Keys) -> None:
    codes = recovery.generate(2)
    async with db.transaction(force_id=officer.force_id) as conn:
        for code in codes:
            await conn.execute(
                'INSERT INTO recovery_code ("user", code_hash, created_at) VALUES ($1, $2, now())',
                officer.id,
                recovery.digest(code, keys.recovery_key),
            )
    await api.password_only(officer)
    assert (await api.post("/api/v1/auth/totp", {"code": codes[0].upper()})).status_code == 200
    await api.post("/api/v1/auth/logout")
    await api.password_only(officer)
    assert (await api.post("/api/v1/auth/totp", {"code": codes[0]})).status_code == 401
    assert (await api.post("/api/v1/auth/totp", {"code": codes[1]})).status_code == 200


async def test_signing_out_ends_the_session_on_the_server(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    token = api.session
    assert token
    assert (await api.post("/api/v1/auth/logout")).status_code == 204
    api.set_session(token)
    assert (await api.get("/api/v1/auth/me")).status_code == 401

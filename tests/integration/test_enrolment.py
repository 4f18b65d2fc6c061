"""Enrolment: a one-time link, a password, an authenticator, recovery codes shown once."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pyotp

from disclosure_service.database import engine as db
from tests.factories import TestUser, next_time_step
from tests.http import Api

GOOD_PASSWORD = "marble giraffe under the bridge"


async def new_user_link(api: Api, admin: TestUser, username: str = "new.starter") -> str:
    await api.sign_in(admin)
    created = await api.post("/api/v1/users", {"username": username, "display_name": "DC New", "role": "officer"})
    assert created.status_code == 201, created.text
    await api.post("/api/v1/auth/logout")
    return str(created.json()["enrolment_url"]).rsplit("/", 1)[1]


async def test_enrolment_sets_up_both_factors_and_signs_in(api: Api, admin: TestUser) -> None:
    token = await new_user_link(api, admin)
    started = await api.post("/api/v1/auth/enrol", {"token": token, "password": GOOD_PASSWORD})
    assert started.status_code == 200, started.text
    uri = started.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/")
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    assert (await api.get("/api/v1/auth/me")).status_code == 401  # enrolling is not signed in

    confirmed = await api.post("/api/v1/auth/enrol/confirm", {"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    me = await api.get("/api/v1/auth/me")
    assert me.json()["username"] == "new.starter"

    # The link worked once.
    again = await api.post("/api/v1/auth/enrol", {"token": token, "password": GOOD_PASSWORD})
    assert again.status_code == 400
    assert "expired or has already been used" in again.json()["detail"]


async def test_the_recovery_codes_are_stored_hashed(api: Api, admin: TestUser) -> None:
    token = await new_user_link(api, admin)
    uri = (await api.post("/api/v1/auth/enrol", {"token": token, "password": GOOD_PASSWORD})).json()["otpauth_uri"]
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    codes = (await api.post("/api/v1/auth/enrol/confirm", {"code": pyotp.TOTP(secret).now()})).json()["recovery_codes"]
    async with db.transaction() as conn:
        stored = {r["code_hash"] for r in await conn.fetch("SELECT code_hash FROM recovery_code")}
    assert len(stored) >= 10
    assert not set(codes) & stored


async def test_a_weak_password_is_refused_with_the_reason(api: Api, admin: TestUser) -> None:
    token = await new_user_link(api, admin)
    for password, reason in (
        ("short one", "15 characters or more"),
        ("passwordpassword", "too common"),
        ("aaaaaaaaaaaaaaaaaaaa", "too common"),
        ("new.starter is my name", "must not contain your username"),
        ("alpha constabulary rules", "force"),
    ):
        response = await api.post("/api/v1/auth/enrol", {"token": token, "password": password})
        assert response.status_code == 400, password
        assert reason in response.json()["detail"], (password, response.json())
    # None of that used the link up.
    assert (await api.post("/api/v1/auth/enrol", {"token": token, "password": GOOD_PASSWORD})).status_code == 200


async def test_an_expired_link_does_not_work(api: Api, admin: TestUser) -> None:
    token = await new_user_link(api, admin)
    async with db.transaction(force_id=admin.force_id) as conn:
        await conn.execute("UPDATE enrolment_token SET expires_at = now() - interval '1 minute'")
    response = await api.post("/api/v1/auth/enrol", {"token": token, "password": GOOD_PASSWORD})
    assert response.status_code == 400


async def test_reset_two_factor_gives_a_new_link_and_ends_sessions(
    api: Api, admin: TestUser, officer: TestUser
) -> None:
    await api.sign_in(officer)
    officer_session = api.session
    await api.post("/api/v1/auth/logout")
    await api.sign_in(admin)
    reset = await api.post(f"/api/v1/users/{officer.id}/reset-2fa")
    assert reset.status_code == 200
    assert reset.json()["user"]["status"] == "pending"
    assert officer_session
    api.set_session(officer_session)
    assert (await api.get("/api/v1/auth/me")).status_code == 401
    # The old password no longer works: the person must enrol again.
    refused = await api.post("/api/v1/auth/login", {"username": officer.username, "password": officer.password})
    assert refused.status_code == 401


async def test_enrolment_pages_show_a_qr_code_then_recovery_codes(api: Api, admin: TestUser) -> None:
    token = await new_user_link(api, admin)
    form = await api.http.get(f"/enrol/{token}")
    assert form.status_code == 200
    mismatch = await api.form(f"/enrol/{token}", {"password": GOOD_PASSWORD, "password_confirm": "something else"})
    assert mismatch.status_code == 400
    assert "do not match" in mismatch.text
    started = await api.form(f"/enrol/{token}", {"password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD})
    assert started.status_code == 303
    assert started.headers["location"] == "/enrol/authenticator"
    qr_page = await api.http.get("/enrol/authenticator")
    assert "<svg" in qr_page.text
    secret = re.search(r"app-case-ref\">([A-Z2-7 ]+)<", qr_page.text)
    assert secret
    code = pyotp.TOTP(secret.group(1).replace(" ", "")).at(datetime.now(UTC))
    done = await api.form("/enrol/authenticator", {"code": code})
    assert done.status_code == 200
    assert "save your recovery codes" in done.text
    assert len(re.findall(r"<li>[a-z2-9]{5}-[a-z2-9]{5}</li>", done.text)) == 10
    assert (await api.http.get("/cases")).status_code == 200


async def test_the_sign_in_pages_keep_the_username_and_explain_a_mistake(api: Api, officer: TestUser) -> None:
    wrong = await api.form("/sign-in", {"username": officer.username, "password": "not it at all"})
    assert wrong.status_code == 400
    assert f'value="{officer.username}"' in wrong.text
    assert "not it at all" not in wrong.text
    assert "Enter a correct username and password" in wrong.text
    assert "govuk-error-summary" in wrong.text
    ok = await api.form("/sign-in", {"username": officer.username, "password": officer.password, "next": "/admin"})
    assert ok.status_code == 303
    assert ok.headers["location"] == "/sign-in/code?next=/admin"
    await next_time_step(officer)
    signed_in = await api.form("/sign-in/code", {"code": officer.code(), "next": "//evil.example/"})
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"  # never off-site

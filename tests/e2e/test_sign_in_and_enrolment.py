"""Signing in, an administrator creating a user, and that user enrolling, in a real browser with axe."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from disclosure_service.auth import totp
from disclosure_service.demo.loader import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(live_server.code(username))
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def test_a_mistake_at_sign_in_is_explained_next_to_the_field(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill("demo.officer")
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Username")).to_have_value("demo.officer")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert_accessible(page)


def test_an_officer_signs_in_and_out(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo.officer")
    expect(page.locator(".app-signed-in-as")).to_have_text("PC Alex Morgan")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_an_admin_creates_a_user_who_then_enrols(page: Page, live_server: LiveServer, browser: Browser) -> None:
    sign_in(page, live_server, "demo.admin")
    page.get_by_role("link", name="Users").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    assert_accessible(page)
    page.get_by_role("button", name="Create a user").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create user").click()  # nothing filled in: errors, all explained
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("DC Robin Hale")
    page.get_by_label("Username").fill("robin.hale")
    page.get_by_label("Officer").check()
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("User created")
    assert_accessible(page)
    link = page.locator("#enrolment-link").inner_text()
    assert "/enrol/" in link

    newcomer = browser.new_context(base_url=live_server.url).new_page()
    newcomer.goto(link.replace(live_server.env.get("PUBLIC_URL", "http://127.0.0.1:8000"), ""))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Choose a password")
    assert_accessible(newcomer)
    newcomer.get_by_label("Password", exact=True).fill("short")
    newcomer.get_by_label("Type the password again").fill("short")
    newcomer.get_by_role("button", name="Continue").click()
    expect(newcomer.locator(".govuk-error-message")).to_contain_text("15 characters or more")
    assert_accessible(newcomer)
    newcomer.get_by_label("Password", exact=True).fill("heron above the quiet canal")
    newcomer.get_by_label("Type the password again").fill("heron above the quiet canal")
    newcomer.get_by_role("button", name="Continue").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(newcomer.locator(".app-qr svg")).to_be_visible()
    assert_accessible(newcomer)
    newcomer.get_by_text("I cannot scan the QR code").click()
    secret = newcomer.locator(".app-case-ref").inner_text().replace(" ", "")
    newcomer.get_by_label("Code from your authenticator app").fill(totp.code_at(secret, datetime.now(UTC)))
    newcomer.get_by_role("button", name="Continue").click()
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("save your recovery codes")
    expect(newcomer.locator(".app-recovery-codes li")).to_have_count(10)
    assert_accessible(newcomer)
    newcomer.get_by_role("button", name="I have saved my recovery codes").click()
    expect(newcomer.locator(".app-signed-in-as")).to_have_text("DC Robin Hale")

    page.goto("/admin/users")
    row = page.get_by_role("row").filter(has_text="robin.hale")
    expect(row).to_contain_text("Active")
    row.get_by_role("link").click()
    assert_accessible(page)

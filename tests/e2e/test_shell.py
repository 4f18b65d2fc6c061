"""The shell in a real browser: it renders, its script runs under the CSP, and axe finds nothing."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible, violations


def test_sign_in_page_is_accessible_and_its_script_runs(page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/")
    expect(page).to_have_url("/sign-in?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # app.js ran (the CSP allows only same-origin scripts) and marked the page for GOV.UK Frontend.
    expect(page.locator("body")).to_have_class("govuk-template__body js-enabled govuk-frontend-supported")
    assert errors == []
    assert_accessible(page)


def test_page_not_found_is_an_accessible_page(page: Page) -> None:
    response = page.goto("/no-such-page")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_the_accessibility_check_is_not_vacuous(page: Page) -> None:
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x.png>')")
    assert any(v["id"] == "image-alt" for v in violations(page))

"""The web shell: pages, errors, health, the API description and the headers on all of them."""

from __future__ import annotations

import httpx
import pytest

from disclosure_service import __version__
from disclosure_service.auth.service import Keys
from disclosure_service.identity.roles import Role
from tests.factories import make_user
from tests.http import Api


async def test_anonymous_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/"


async def test_pages_use_the_force_branded_layout(client: httpx.AsyncClient) -> None:
    response = await client.get("/sign-in")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    # Nobody is known on a public page: no force is named (the deployment may serve several).
    assert "<title>Sign in – Disclosure scheme cases</title>" in html
    assert "Demo Constabulary" not in html
    assert 'class="govuk-generic-header' in html
    assert "govuk-service-navigation" in html
    assert "govuk-phase-banner" in html
    assert 'class="govuk-footer' in html
    # No GOV.UK crown, no inline script.
    assert "govuk-logotype" not in html
    assert "<script>" not in html


async def test_healthz_reports_the_database_up(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


async def test_healthz_does_not_tell_anyone_the_version(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "up"}
    assert __version__ not in response.text


async def test_missing_page_is_a_page_for_browsers(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text


async def test_missing_api_resource_is_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": "Not Found"}


async def test_wrong_method_is_a_page_not_a_traceback(client: httpx.AsyncClient) -> None:
    response = await client.delete("/healthz")
    assert response.status_code == 405


async def test_static_assets_are_served_without_gov_uk_fonts(client: httpx.AsyncClient) -> None:
    css = await client.get("/static/app.css")
    assert css.status_code == 200
    assert "font-face" not in css.text
    assert "GDS Transport" not in css.text
    js = await client.get("/static/app.js")
    assert js.status_code == 200
    assert "initAll" in js.text


async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    for path in ("/", "/sign-in", "/healthz", "/static/app.css", "/no-such-page"):
        headers = (await client.get(path)).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "'unsafe-inline'" not in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert headers["strict-transport-security"].startswith("max-age="), path


@pytest.mark.parametrize(
    ("force", "role", "path"), [("BRAVO", Role.supervisor, "/cases"), ("ALPHA", Role.admin, "/admin/users")]
)
async def test_signed_in_pages_name_the_users_own_force(
    api: Api, *, forces: dict[str, int], keys: Keys, transaction: None, force: str, role: Role, path: str
) -> None:
    names = {"ALPHA": "Alpha Constabulary", "BRAVO": "Bravo Police"}
    user = await make_user(force_id=forces[force], keys=keys, role=role)
    await api.sign_in(user)
    html = (await api.get(path)).text
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.endswith(f" – {names[force]}")
    assert names[force] in html.split("</header>", 1)[0]
    others = {name for code, name in names.items() if code != force} | {"Demo Constabulary"}
    assert not [name for name in others if name in html]

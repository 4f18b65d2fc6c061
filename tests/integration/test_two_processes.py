"""Controls that must hold when two app processes share one database (security.md rows 2, 5, 6, 12).

Two real `disclosure-service serve` processes run against a database of their own; everything here
commits for real.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator

import pytest

from tests import cases
from tests.live import Browser, Cluster, live_cluster

pytestmark = pytest.mark.commits


@pytest.fixture(scope="module")
async def cluster(server_url: str) -> AsyncIterator[Cluster]:
    async with live_cluster(server_url, processes=2) as started:
        yield started


@pytest.fixture
async def browsers() -> AsyncIterator[tuple[Browser, Browser]]:
    one, two = Browser(), Browser()
    yield one, two
    await one.close()
    await two.close()


async def test_one_code_sent_to_both_processes_at_once_signs_in_once(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("race.code")
    one, two = browsers
    assert (await one.password(cluster.a, user)).status_code == 200
    assert (await two.password(cluster.b, user)).status_code == 200
    code = user.code()
    results = await asyncio.gather(one.code(cluster.a, code), two.code(cluster.b, code))
    assert sorted(r.status_code for r in results) == [200, 401]
    replays = await cluster.sql(
        "SELECT count(*) FROM audit_event WHERE \"user\" = $1 AND event = 'code.replayed'", user.id
    )
    assert replays == 1


async def test_five_failures_spread_over_both_processes_lock_the_account_everywhere(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("spread.failures")
    one, two = browsers
    for attempt in range(5):
        base = cluster.a if attempt % 2 else cluster.b
        wrong = await one.request(
            "POST", f"{base}/api/v1/auth/login", {"username": user.username, "password": f"wrong {attempt}"}
        )
        assert wrong.status_code == 401
    assert (await two.password(cluster.b, user)).status_code == 401
    assert (await two.password(cluster.a, user)).status_code == 401


async def test_twenty_concurrent_wrong_codes_are_all_counted(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("twenty.wrong")
    one, two = browsers
    await one.password(cluster.a, user)
    await two.password(cluster.b, user)
    wrong = "000000" if user.code() != "000000" else "111111"
    attempts = [one.code(cluster.a, wrong) if i % 2 else two.code(cluster.b, wrong) for i in range(20)]
    results = await asyncio.gather(*attempts)
    assert all(r.status_code == 401 for r in results)
    assert await cluster.sql("SELECT failed_attempts FROM app_user WHERE id = $1", user.id) == 20


async def test_a_session_ended_at_one_process_is_dead_at_the_other(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("sign.out.everywhere")
    one, _ = browsers
    await one.password(cluster.a, user)
    assert (await one.code(cluster.a, user.code())).status_code == 200
    assert (await one.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 200
    old_cookie = dict(one.cookies)
    assert (await one.request("POST", f"{cluster.a}/api/v1/auth/logout")).status_code == 204
    one.cookies = old_cookie
    assert (await one.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 401


async def test_idle_and_disabled_sessions_are_refused_by_the_other_process(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    idle, disabled = await cluster.user("idle.user"), await cluster.user("disabled.user")
    one, two = browsers
    await one.password(cluster.a, idle)
    await one.code(cluster.a, idle.code())
    await two.password(cluster.a, disabled)
    await two.code(cluster.a, disabled.code())
    await cluster.sql(
        "UPDATE auth_session SET last_seen_at = now() - interval '31 minutes' WHERE \"user\" = $1", idle.id
    )
    assert (await one.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 401
    assert (await two.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 200
    await cluster.sql("UPDATE app_user SET status = 'disabled' WHERE id = $1", disabled.id)
    assert (await two.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 401


@pytest.mark.skipif(
    shutil.which("oathtool") is None and not os.environ.get("REQUIRE_TOOLS"),
    reason="oathtool (Debian package oathtool) is not installed",
)
async def test_a_code_from_an_independent_totp_implementation_signs_in(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("oathtool.user")
    one, _ = browsers
    oathtool = await asyncio.create_subprocess_exec(
        "oathtool", "--totp", "-b", user.secret, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await oathtool.communicate()
    code = stdout.decode().strip()
    assert len(code) == 6
    await one.password(cluster.a, user)
    # Even if the 30-second step turned over since oathtool ran, its code is the previous step's: accepted.
    signed_in = await one.code(cluster.a, code)
    assert signed_in.status_code == 200
    assert signed_in.json()["username"] == user.username


async def _signed_in(cluster: Cluster, base: str, username: str, role: str) -> tuple[Browser, int]:
    user = await cluster.user(username, role=role)
    browser = Browser()
    assert (await browser.password(base, user)).status_code == 200
    assert (await browser.code(base, user.code())).status_code == 200
    return browser, user.id


async def test_two_supervisors_authorising_at_once_one_wins_and_the_other_is_told(cluster: Cluster) -> None:
    officer, _ = await _signed_in(cluster, cluster.a, "race.officer", "officer")
    created = await officer.request("POST", f"{cluster.a}/api/v1/applications", cases.new_application())
    assert created.status_code == 201, created.text
    case = created.json()
    url = f"{cluster.a}/api/v1/applications/{case['id']}"

    async def step(action: str, **body: object) -> None:
        response = await officer.request("POST", f"{url}/{action}", {"version": case["version"], **body})
        assert response.status_code == 200, response.text
        case["version"] = response.json()["version"]

    await step("complete-triage", immediate_risk=False, in_scope=True, risk_level="medium")
    await step(
        "record-applicant-meeting",
        held_on=cases.today(),
        method="in_person",
        identity_verified=True,
        documents_seen="Passport",
        relationship_verified=True,
    )
    await step("add-check", source="pnc", requested_on=cases.today())
    check_id = (await officer.request("GET", url)).json()["checks"][0]["id"]
    await step(
        "record-check-result",
        check_id=check_id,
        returned_on=cases.today(),
        result="child_sexual_offence_convictions",
        summary="2012 conviction",
    )
    await step("complete-checks")
    await step("record-risk-assessment", **cases.RISK_ASSESSMENT)
    await step("record-safeguarding-plan", **cases.SAFEGUARDING_PLAN)
    await step("recommend", **cases.recommendation(case["people"][0]["id"]))
    await officer.close()

    one, _ = await _signed_in(cluster, cluster.a, "race.supervisor.one", "supervisor")
    two, _ = await _signed_in(cluster, cluster.b, "race.supervisor.two", "supervisor")
    body = {"version": case["version"], **cases.AUTHORISATION}
    answers = await asyncio.gather(
        one.request("POST", f"{cluster.a}/api/v1/applications/{case['id']}/authorise", body),
        two.request("POST", f"{cluster.b}/api/v1/applications/{case['id']}/authorise", body),
    )
    await one.close()
    await two.close()

    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert "Someone else changed this case" in loser.json()["detail"]
    assert await cluster.sql("SELECT count(*) FROM authorisation_decision WHERE application = $1", case["id"]) == 1
    assert (
        await cluster.sql(
            "SELECT count(*) FROM audit_event WHERE application_id = $1 AND event = 'case.authorise'", case["id"]
        )
        == 1
    )


async def test_one_request_sent_twice_at_once_is_done_once_and_both_get_its_answer(cluster: Cluster) -> None:
    officer, officer_id = await _signed_in(cluster, cluster.a, "race.double", "officer")
    key = {"Idempotency-Key": "double-click-0001"}
    body = cases.new_application()
    created = await asyncio.gather(
        officer.request("POST", f"{cluster.a}/api/v1/applications", body, headers=key),
        officer.request("POST", f"{cluster.b}/api/v1/applications", body, headers=key),
    )
    assert [c.status_code for c in created] == [201, 201]
    assert created[0].json()["id"] == created[1].json()["id"]
    case_id = created[0].json()["id"]

    withdraw = {"version": 1, "reason": "The applicant asked us to stop", "submission_key": "double-click-0002"}
    url = f"/api/v1/applications/{case_id}/withdraw"
    answers = await asyncio.gather(
        officer.request("POST", f"{cluster.a}{url}", withdraw), officer.request("POST", f"{cluster.b}{url}", withdraw)
    )
    await officer.close()

    assert [a.status_code for a in answers] == [200, 200]
    assert sorted(a.json()["repeated"] for a in answers) == [False, True]
    assert await cluster.sql("SELECT count(*) FROM application WHERE created_by = $1", officer_id) == 1
    assert await cluster.sql("SELECT count(*) FROM closure WHERE application = $1", case_id) == 1

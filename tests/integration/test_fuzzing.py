"""No server error under fuzzing (security.md row 20): schemathesis against a real server process.

The service runs as in production (its own process, a database of its own, a signed-in user with a
fresh code), and schemathesis sends what the OpenAPI document allows and what it does not to every
operation, within a bounded number of cases and seconds. Any 5xx fails the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests import cases
from tests.live import Browser, Cluster, live_cluster

pytestmark = [pytest.mark.commits, pytest.mark.fuzz]

MAX_EXAMPLES = 12
MAX_SECONDS = 45
# Signing out would end the session the run uses; nothing else is left out.
LEFT_OUT = ("/api/v1/auth/logout", "/sign-out")


async def signed_in(cluster: Cluster, role: str) -> Browser:
    user = await cluster.user(f"fuzz.{role}", role=role)
    browser = Browser()
    assert (await browser.password(cluster.a, user)).status_code == 200
    assert (await browser.code(cluster.a, user.code())).status_code == 200
    return browser


def schemathesis(schema: Path, base_url: str, browser: Browser, report: Path) -> subprocess.CompletedProcess[str]:
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    command = [
        executable,
        "run",
        str(schema),
        "--url",
        base_url,
        "--header",
        f"Cookie: {cookie}",
        "--header",
        f"x-csrftoken: {browser.cookies['__Host-csrftoken']}",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS),
        "--seed",
        "20261130",
        "--workers",
        "2",
        "--request-timeout",
        "20",
        "--no-shrink",
        "--max-redirects",
        "0",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        *(option for path in LEFT_OUT for option in ("--exclude-path", path)),
    ]
    # In the test's own folder: schemathesis keeps a cache of crashes beside where it runs and
    # replays them next time, which would make one run depend on the last.
    return subprocess.run(  # noqa: S603  # a fixed command line
        command, capture_output=True, text=True, timeout=MAX_SECONDS + 60, check=False, cwd=report.parent
    )


def read_report(path: Path) -> tuple[Counter[int], list[str], list[str]]:
    """From schemathesis's event log: the status of every response, the failed checks, its own errors."""
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    tool_errors: list[str] = []
    for line in path.read_text().splitlines():
        event = json.loads(line)
        if "NonFatalError" in event:
            tool_errors.append(str(event["NonFatalError"]["value"]))
        finished = event.get("ScenarioFinished")
        if finished is None:
            continue
        recorder = finished.get("recorder", {})
        for interaction in recorder.get("interactions", {}).values():
            if interaction.get("response"):
                statuses[interaction["response"]["status_code"]] += 1
        if finished.get("status") == "failure":
            failures.append(recorder.get("label", "?"))
    return statuses, failures, tool_errors


async def test_fuzzing_the_api_finds_no_server_error(server_url: str, tmp_path: Path) -> None:
    with (tmp_path / "server.log").open("w") as log:
        async with live_cluster(server_url, processes=1, log=log, LOG_LEVEL="WARNING") as cluster:
            browser = await signed_in(cluster, "supervisor")
            try:
                # Something to find: a real case, so operations on ids near 1 reach real records too.
                created = await browser.request(
                    "POST", f"{cluster.a}/api/v1/applications", json=cases.new_application()
                )
                assert created.status_code == 201, created.text
                document = await browser.request("GET", f"{cluster.a}/schema/openapi.json")
                assert document.status_code == 200
                schema = tmp_path / "openapi.json"
                schema.write_text(json.dumps(document.json()))
                run = schemathesis(schema, cluster.a, browser, tmp_path / "events.ndjson")
                session = await browser.request("GET", f"{cluster.a}/api/v1/auth/me")
            finally:
                await browser.close()
    server_log = (tmp_path / "server.log").read_text()
    summary = run.stdout[-2500:]
    print(summary)  # noqa: T201  # the run's own figures, shown with -s or on failure
    statuses, failures, tool_errors = read_report(tmp_path / "events.ndjson")
    server_errors = {status: n for status, n in statuses.items() if status >= 500}
    assert server_errors == {}, summary + server_log[-3000:]
    assert failures == [], summary
    assert "unhandled error" not in server_log, server_log[-3000:]
    # A crash inside schemathesis itself (not an answer from the service) is reported, not failed on.
    assert run.returncode == 0 or tool_errors, summary + run.stderr[-2000:]
    assert session.status_code == 200, "the run lost its session, so it tested little"
    assert sum(statuses.values()) > 500, summary

"""`make run` as a newcomer meets it: embedded PostgreSQL, demo data, and a restart that keeps it."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests import cli


def test_serve_with_embedded_postgres_keeps_its_data_across_a_restart(tmp_path: Path) -> None:
    env = cli.environment(DATA_DIR=str(tmp_path / "var"))
    with cli.serving("--demo", env=env) as base_url:
        health = httpx.get(f"{base_url}/healthz").json()
        assert health["database"] == "up"
        sign_in = httpx.get(base_url, follow_redirects=True)
        assert sign_in.url.path == "/sign-in"
        assert "Child Sex Offender Disclosure Scheme" in sign_in.text
    assert (tmp_path / "var" / "pgdata" / "PG_VERSION").exists()

    with cli.serving(env=env) as base_url:
        assert httpx.get(f"{base_url}/healthz").json()["database"] == "up"
    # Stopping the service (SIGTERM, as a service manager does) stops its PostgreSQL too.
    assert not (tmp_path / "var" / "pgdata" / "postmaster.pid").exists()

    # The demo data loaded before the restart is still there: loading it again changes nothing.
    again = cli.run("demo", env=env)
    assert again.returncode == 0, again.stderr
    assert "demo cases already present" in again.stdout
    assert "demo cases loaded" not in again.stdout


def test_serve_runs_several_worker_processes(tmp_path: Path) -> None:
    env = cli.environment(DATA_DIR=str(tmp_path / "var"))
    with cli.serving("--workers", "2", env=env) as base_url:
        for _ in range(10):
            assert httpx.get(f"{base_url}/healthz").status_code == 200
    assert not (tmp_path / "var" / "pgdata" / "postmaster.pid").exists()

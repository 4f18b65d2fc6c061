"""Run the `disclosure-service` command as an administrator would, in a child process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

COMMAND = [sys.executable, "-m", "disclosure_service"]


def environment(**overrides: str | None) -> dict[str, str]:
    """The test process's environment without any database or app settings, plus `overrides`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "APP_DATABASE_URL", "APP_ENV", "SECRET_KEY", "TOTP_ENCRYPTION_KEY"}
    }
    env.update({k: v for k, v in overrides.items() if v is not None})
    return env


def run(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # our own command, fixed arguments
        [*COMMAND, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(base_url: str, proc: subprocess.Popen[str], seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        try:
            response = httpx.get(f"{base_url}/healthz", timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        if response.status_code == 200:
            return response
        time.sleep(0.1)
    raise TimeoutError(f"{base_url}/healthz did not answer 200 within {seconds} s")


@contextmanager
def serving(*args: str, env: dict[str, str], cwd: Path | None = None, log: IO[str] | None = None) -> Iterator[str]:
    """`disclosure-service serve` on a free port; yields its base URL once /healthz answers.

    Its output goes to pipes nobody reads while it serves, so a server that will log much (every
    request, or many errors) must be given a `log` file instead, or it would block on a full pipe.
    """
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603
        [*COMMAND, "serve", "--port", str(port), *args],
        env=env,
        cwd=cwd,
        stdout=log or subprocess.PIPE,
        stderr=log or subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base_url, proc)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

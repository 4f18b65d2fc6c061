"""`make audit` reads pip-audit's report instead of trusting its exit status."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _judge(audit: ModuleType, *packages: dict[str, Any]) -> tuple[int, list[str]]:
    result: tuple[int, list[str]] = audit.judge({"dependencies": list(packages), "fixes": []})
    return result


def test_packages_that_could_not_be_checked_are_not_a_pass(audit: ModuleType) -> None:
    code, lines = _judge(
        audit,
        {"name": "httpx", "version": "0.28.1", "vulns": []},
        {"name": "jinja2", "skip_reason": "Dependency not found on PyPI and could not be audited: jinja2 (3.1.6)"},
    )
    assert code == 3
    assert lines[-1].startswith("dependency audit NOT DONE: 1 of 2 packages could not be checked")


def test_nothing_listed_is_not_a_pass(audit: ModuleType) -> None:
    assert _judge(audit)[0] == 3


def test_a_known_vulnerability_fails_and_is_named(audit: ModuleType) -> None:
    code, lines = _judge(
        audit,
        {"name": "jinja2", "version": "3.0.0", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]},
        {"name": "httpx", "skip_reason": "not found"},
    )
    assert code == 1
    assert lines[0] == "VULNERABLE jinja2 3.0.0: GHSA-h5c8-rqwp-cp95 (fixed in: 3.1.3)"


def test_every_package_checked_and_clean_passes(audit: ModuleType) -> None:
    code, lines = _judge(audit, {"name": "httpx", "version": "0.28.1", "vulns": []})
    assert code == 0
    assert lines == ["dependency audit passed: 1 packages, no known vulnerabilities"]

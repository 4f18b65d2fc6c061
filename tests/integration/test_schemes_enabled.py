"""A force runs the schemes it has been given, and no other."""

from __future__ import annotations

import asyncpg
import pytest

from disclosure_service.accounts.service import AccountError, check_schemes
from disclosure_service.auth.service import Keys
from disclosure_service.identity.roles import Role
from tests import cases, database
from tests.factories import make_user
from tests.http import Api


async def test_an_application_under_a_scheme_the_force_does_not_run_is_refused(
    api: Api, test_database: database.TestDatabase, keys: Keys, transaction: None
) -> None:
    owner = await asyncpg.connect(test_database.owner_url)
    try:
        force_id = await owner.fetchval(
            "INSERT INTO force (code, name, offers_welsh, schemes, created_at) "
            "VALUES ('NOCSODS', 'Clare''s Law only', false, '{dvds}', now()) "
            "ON CONFLICT (code) DO UPDATE SET schemes = '{dvds}' RETURNING id"
        )
    finally:
        await owner.close()
    officer = await make_user(force_id=force_id, keys=keys, role=Role.officer)
    await api.sign_in(officer)
    refused = await api.post("/api/v1/applications", cases.new_application())
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Your force does not run the Child Sex Offender Disclosure Scheme"


def test_a_force_runs_at_least_one_known_scheme() -> None:
    assert check_schemes(["CSODS ", "csods"], frozenset({"csods"})) == ["csods"]
    for wrong in ([], ["sarahs_law"]):
        with pytest.raises(AccountError, match="Choose the schemes"):
            check_schemes(wrong, frozenset({"csods"}))

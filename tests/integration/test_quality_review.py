"""Quality review of decisions: the month's sample drawn reproducibly, never reviewed by a decider.

Three CSODS cases received on 1 November 2025 and decided that month by the officer (recommended,
closed) and the first supervisor (authorised, reviewed the refusal):

- NO_TRACE: a decision not to disclose, authorised, closed with no trace.
- DISCLOSED: authorised, disclosed, closed.
- WITHHELD: authorised, the undertaking refused, the disclosure withheld on review.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from disclosure_service.auth.service import Keys
from disclosure_service.cases.vocabulary import Recommendation
from disclosure_service.database import engine as db
from disclosure_service.demo.loader import PATHS, drive_case, principal_for
from disclosure_service.identity.roles import Role
from tests.factories import TestUser, make_user
from tests.http import Api
from tests.integration.test_statistics import NO_TRACE, NOW, _case

MONTH = "2025-11"


@pytest.fixture
async def decided(officer: TestUser, supervisor: TestUser) -> dict[str, int]:
    principals = {
        "officer": principal_for(officer.id, officer.force_id, officer.username, "PC A", Role.officer),
        "supervisor": principal_for(supervisor.id, supervisor.force_id, supervisor.username, "DS B", Role.supervisor),
    }
    received = datetime(2025, 11, 1, 9, tzinfo=UTC)
    return {
        "NO_TRACE": await drive_case(
            _case(received, checks=NO_TRACE, decision=Recommendation.do_not_disclose),
            principals,
            NOW,
            path=PATHS["closed_no_trace"],
        ),
        "DISCLOSED": await drive_case(_case(received), principals, NOW, path=PATHS["closed_disclosed_breached"]),
        "WITHHELD": await drive_case(_case(received), principals, NOW, path=PATHS["closed_withheld"]),
    }


@pytest.fixture
async def second_supervisor(forces: dict[str, int], keys: Keys, transaction: None) -> TestUser:
    return await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.supervisor)


def _first(ids: list[int], kind: str) -> int:
    """The case the draw takes first for `kind`: the lowest SHA-256 of case id, kind and month."""
    return min(ids, key=lambda i: hashlib.sha256(f"{i}:{kind}:{MONTH}".encode()).hexdigest())


async def _audit(force_id: int, event: str) -> list[Any]:
    async with db.transaction(force_id=force_id) as conn:
        return list(await conn.fetch("SELECT * FROM audit_event WHERE event = $1 ORDER BY id", event))


async def test_the_sample_is_reproducible_from_its_seeds_and_excludes_the_reviewers_own_decisions(
    api: Api, decided: dict[str, int], supervisor: TestUser, second_supervisor: TestUser
) -> None:
    await api.sign_in(supervisor)
    drawn = await api.post("/api/v1/quality-reviews/draw", {"month": MONTH})
    assert drawn.status_code == 200, drawn.text
    sample = drawn.json()
    # 10 %, rounded up, of each kind: one no-disclosure outcome of two, the one withholding, one
    # authorisation of three; each the lowest seed of its kind.
    by_kind = {row["kind"]: row["application_id"] for row in sample}
    ids = list(decided.values())
    assert by_kind == {
        "no_disclosure": _first([decided["NO_TRACE"], decided["WITHHELD"]], "no_disclosure"),
        "withheld_after_refusal": decided["WITHHELD"],
        "authorisation": _first(ids, "authorisation"),
    }
    for row in sample:
        assert row["seed"] == hashlib.sha256(f"{row['application_id']}:{row['kind']}:{MONTH}".encode()).hexdigest()
        # The first supervisor authorised every one of them.
        assert row["you_may_review"] is False
    # Drawn again: the same sample, nothing new.
    again = (await api.post("/api/v1/quality-reviews/draw", {"month": MONTH})).json()
    assert [(r["id"], r["application_id"]) for r in again] == [(r["id"], r["application_id"]) for r in sample]
    draws = await _audit(supervisor.force_id, "quality.sample_drawn")
    assert [d["details"] for d in draws][-1].count('"new": 0') == 1

    refused = await api.post(f"/api/v1/quality-reviews/{sample[0]['id']}", {"verdict": "agree"})
    assert refused.status_code == 403
    assert "another supervisor must review it" in refused.json()["detail"]

    await api.post("/api/v1/auth/logout")
    await api.sign_in(second_supervisor)
    listed = (await api.get("/api/v1/quality-reviews", params={"month": MONTH})).json()
    assert all(row["you_may_review"] for row in listed)
    target = listed[0]["id"]
    unexplained = await api.post(f"/api/v1/quality-reviews/{target}", {"verdict": "disagree"})
    assert unexplained.status_code == 400
    assert unexplained.json()["extra"][0]["key"] == "findings"
    reviewed = await api.post(
        f"/api/v1/quality-reviews/{target}",
        {"verdict": "disagree", "findings": "The rationale does not weigh the access.", "action": "Discuss at PPU."},
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["verdict"] == "disagree"
    twice = await api.post(f"/api/v1/quality-reviews/{target}", {"verdict": "agree"})
    assert twice.status_code == 409
    [event] = await _audit(second_supervisor.force_id, "quality.reviewed")
    assert event["application_id"] == listed[0]["application_id"]
    assert event["operation"] == "alteration"

    # The oversight page counts the month's reviews.
    page = await api.get("/statistics/oversight", params={"from": "2025-04-01", "to": "2026-03-31"})
    assert "Quality review" in page.text
    assert "3 decisions drawn, 1 reviewed: 0 agreed, 1 disagreed" in page.text


async def test_officers_cannot_draw_or_review(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    assert (await api.post("/api/v1/quality-reviews/draw", {"month": MONTH})).status_code == 403
    assert (await api.get("/api/v1/quality-reviews")).status_code == 403


async def test_the_quality_page_draws_and_reviews(
    api: Api, decided: dict[str, int], supervisor: TestUser, second_supervisor: TestUser
) -> None:
    await api.sign_in(second_supervisor)
    page = await api.get("/quality", params={"month": MONTH})
    assert page.status_code == 200
    assert "No decisions have been drawn for 2025-11 yet" in page.text
    drawn = await api.form("/quality/draw", {"month": MONTH})
    assert drawn.status_code == 303
    listed = await api.get(drawn.headers["location"])
    assert "Sample drawn." in listed.text
    assert listed.text.count('href="/quality/') == 3
    review_id = (await api.get("/api/v1/quality-reviews", params={"month": MONTH})).json()[0]["id"]
    missing = await api.form(f"/quality/{review_id}", {"verdict": "", "findings": "kept"})
    assert missing.status_code == 400
    assert "Select whether you agree with the decision" in missing.text
    assert "kept" in missing.text
    done = await api.form(f"/quality/{review_id}", {"verdict": "agree", "findings": "Sound.", "action": ""})
    assert done.status_code == 303
    wrong_month = await api.form("/quality/draw", {"month": "2025-13"})
    assert wrong_month.status_code == 400
    assert "Enter a real month" in wrong_month.text

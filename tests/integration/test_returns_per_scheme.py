"""Returns per scheme, from a known set of cases in a force that runs both schemes.

Received in the year from 1 April 2025 (days after receipt):

- CSODS_DISCLOSED: CSODS right to ask, ViSOR record, disclosed and closed.
- CSODS_OPEN: CSODS right to know, triaged, open.
- DVDS_ASKED: DVDS right to ask, decided (authorised) at 19, disclosed with a safety plan, closed.
- DVDS_NO_TRACE: DVDS right to ask, nothing found, decided at 12, closed no trace.
- DVDS_KNOWN: DVDS right to know, decided at 30 (after the 28 days), disclosed, closed.
- DVDS_WAITING: DVDS right to ask, triaged: not decided.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from disclosure_service.cases.vocabulary import Channel, Recommendation, Route, Scheme
from disclosure_service.database import engine as db
from disclosure_service.demo.loader import PATHS, drive_case, principal_for
from disclosure_service.demo.scenarios import ABUSE_CHECKS, DVDS_NO_TRACE, DemoCase, person_at_risk_and_partner
from disclosure_service.identity.roles import Role
from disclosure_service.reports import figures
from disclosure_service.reports.periods import financial_year
from tests.factories import TestUser
from tests.http import Api
from tests.integration.test_statistics import NOW, _case

YEAR_2025 = financial_year(2025)
LATE = {
    "authorise": 30,
    "schedule": 31,
    "generate": 31.5,
    "hold": 33,
    "signed": 33.01,
    "disclosed": 33.02,
    "safety_plan": 33.5,
    "close_disclosed": 35,
}


def _dvds(received: datetime, route: Route = Route.right_to_ask, *, letters_ok: bool = False, **kw: Any) -> DemoCase:
    return DemoCase(
        title="",
        route=route,
        channel=Channel.police_initiated if route is Route.right_to_know else Channel.online,
        received_days_ago=(NOW - received).total_seconds() / 86_400,
        path="received",
        concern="He checks her phone and will not let her see friends.",
        people=person_at_risk_and_partner(
            "Leah Example",
            "Jordan Example",
            born=date(1995, 6, 21),
            address="7 Quarry Row, Valleyford",
            letters_ok=letters_ok,
        ),
        assigned_to="officer",
        scheme=Scheme.dvds,
        **kw,
    )


@pytest.fixture
async def both_schemes(dvds_officer: TestUser, dvds_supervisor: TestUser) -> dict[str, int]:
    principals = {
        "officer": principal_for(dvds_officer.id, dvds_officer.force_id, dvds_officer.username, "DC A", Role.officer),
        "supervisor": principal_for(
            dvds_supervisor.id, dvds_supervisor.force_id, dvds_supervisor.username, "DS B", Role.supervisor
        ),
    }
    return {
        "CSODS_DISCLOSED": await drive_case(
            _case(datetime(2025, 5, 1, 9, tzinfo=UTC)), principals, NOW, path=PATHS["closed_disclosed_breached"]
        ),
        "CSODS_OPEN": await drive_case(
            _case(datetime(2025, 6, 1, 9, tzinfo=UTC), Route.right_to_know, Channel.police_initiated),
            principals,
            NOW,
            path=["start_triage", "complete_triage"],
        ),
        "DVDS_ASKED": await drive_case(
            _dvds(datetime(2025, 7, 1, 9, tzinfo=UTC), checks=ABUSE_CHECKS),
            principals,
            NOW,
            path=PATHS["dvds_closed_disclosed"],
        ),
        "DVDS_NO_TRACE": await drive_case(
            _dvds(
                datetime(2025, 8, 1, 9, tzinfo=UTC),
                checks=DVDS_NO_TRACE,
                decision=Recommendation.do_not_disclose,
                letters_ok=True,
            ),
            principals,
            NOW,
            path=PATHS["closed_no_trace"],
            days={"recommend": 10, "authorise": 12},
        ),
        "DVDS_KNOWN": await drive_case(
            _dvds(datetime(2025, 9, 1, 9, tzinfo=UTC), Route.right_to_know, checks=ABUSE_CHECKS),
            principals,
            NOW,
            path=PATHS["dvds_closed_disclosed"],
            days=LATE,
        ),
        "DVDS_WAITING": await drive_case(
            _dvds(datetime(2025, 10, 1, 9, tzinfo=UTC)), principals, NOW, path=["start_triage", "complete_triage"]
        ),
    }


async def test_the_dvds_cases_went_where_their_paths_lead(both_schemes: dict[str, int], dvds_officer: TestUser) -> None:
    async with db.transaction(force_id=dvds_officer.force_id) as conn:
        rows = await conn.fetch(
            "SELECT id, scheme, stage, outcome FROM application WHERE id = ANY($1)", [*both_schemes.values()]
        )
    by_id = {r["id"]: (r["scheme"], r["stage"], r["outcome"]) for r in rows}
    assert by_id[both_schemes["DVDS_ASKED"]] == ("dvds", "closed", "disclosed_previous_abuse")
    assert by_id[both_schemes["DVDS_KNOWN"]] == ("dvds", "closed", "disclosed_previous_abuse")
    assert by_id[both_schemes["DVDS_NO_TRACE"]] == ("dvds", "closed", "no_trace")
    assert by_id[both_schemes["DVDS_WAITING"]] == ("dvds", "applicant_meeting", None)
    assert by_id[both_schemes["CSODS_DISCLOSED"]] == ("csods", "closed", "disclosed_child_sex_convictions")


async def test_the_csods_return_counts_csods_cases_only(
    api: Api, both_schemes: dict[str, int], dvds_supervisor: TestUser
) -> None:
    await api.sign_in(dvds_supervisor)
    response = await api.get("/statistics/home-office-return.csv", params={"year": "2025"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [
        ["Reporting year", "2025-26", "", ""],
        ["Route", "Applications", "Relating to registered sex offenders", "Led to a disclosure"],
        ["Right to Ask", "1", "1", "1"],
        ["Right to Know", "1", "0", "0"],
        ["All applications", "2", "1", "1"],
    ]


async def test_the_dvds_return_for_a_known_case_set(
    api: Api, both_schemes: dict[str, int], dvds_supervisor: TestUser
) -> None:
    await api.sign_in(dvds_supervisor)
    response = await api.get("/statistics/home-office-return.csv", params={"year": "2025", "scheme": "dvds"})
    assert response.status_code == 200
    assert 'filename="dvds-return-2025-26.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[2:] == [
        [
            "Route",
            "Applications",
            "Led to a disclosure",
            "Decided",
            "Median days from receipt to decision",
            "Decided within 28 days",
        ],
        ["Right to Ask", "3", "1", "2", "15.5", "2"],
        ["Right to Know", "1", "1", "1", "30.0", "0"],
        ["All applications", "4", "2", "3", "", "2"],
    ]
    async with db.transaction(force_id=dvds_supervisor.force_id) as conn:
        details = await conn.fetchval(
            "SELECT details FROM audit_event WHERE event = 'statistics.home_office_return_exported' "
            "ORDER BY id DESC LIMIT 1"
        )
    assert json.loads(details) == {"year": 2025, "scheme": "dvds"}


async def test_statistics_oversight_and_the_export_filter_by_scheme(
    api: Api, both_schemes: dict[str, int], dvds_supervisor: TestUser
) -> None:
    await api.sign_in(dvds_supervisor)
    period = {"from": "2025-04-01", "to": "2026-03-31"}
    every = (await api.get("/api/v1/statistics", params=period)).json()
    csods = (await api.get("/api/v1/statistics", params={**period, "scheme": "csods"})).json()
    dvds = (await api.get("/api/v1/statistics", params={**period, "scheme": "dvds"})).json()
    assert (every["applications"], csods["applications"], dvds["applications"]) == (6, 2, 4)
    assert (every["scheme"], csods["scheme"], dvds["scheme"]) == (None, "csods", "dvds")
    assert dvds["by_outcome"] == {"disclosed_previous_abuse": 2, "no_trace": 1, "open": 1}
    assert dvds["disclosures"] == 2
    assert "disclosed_previous_abuse" not in csods["by_outcome"]

    teams = (await api.get("/api/v1/statistics/oversight", params={**period, "scheme": "dvds"})).json()
    outcomes: dict[str, int] = {}
    for team in teams:
        for outcome, n in team["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + n
    assert outcomes == {"disclosed_previous_abuse": 2, "no_trace": 1}

    export = await api.get("/statistics/cases.csv", params={**period, "scheme": "dvds"})
    header, *rows = list(csv.reader(io.StringIO(export.text)))
    assert header[-1] == "scheme"
    assert [row[-1] for row in rows] == ["dvds"] * 4
    everything = await api.get("/statistics/cases.csv", params=period)
    _, *all_rows = list(csv.reader(io.StringIO(everything.text)))
    assert sorted(row[-1] for row in all_rows) == ["csods", "csods", "dvds", "dvds", "dvds", "dvds"]

    page = await api.get("/statistics", params={**period, "scheme": "dvds"})
    assert page.status_code == 200
    assert "Domestic Violence Disclosure Scheme" in page.text
    wrong = await api.get("/api/v1/statistics", params={**period, "scheme": "sarahs_law"})
    assert wrong.status_code == 400
    assert "Choose a scheme" in wrong.text


async def test_the_figures_for_one_scheme_add_up_to_every_scheme(
    both_schemes: dict[str, int], dvds_officer: TestUser
) -> None:
    force_id = dvds_officer.force_id
    async with db.transaction(force_id=force_id) as conn:
        every = await figures.statistics(conn, force_id, YEAR_2025, NOW)
        parts = [await figures.statistics(conn, force_id, YEAR_2025, NOW, s.value) for s in Scheme]
    assert every.applications == sum(p.applications for p in parts)
    assert every.disclosures == sum(p.disclosures for p in parts)
    assert sum(every.open_by_age.values()) == sum(sum(p.open_by_age.values()) for p in parts)

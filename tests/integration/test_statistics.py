"""Statistics from a known set of cases, each taken through the real service at chosen times.

The set, all in force ALPHA unless said otherwise (days are after receipt):

- DISCLOSED: right to ask by 101, ViSOR record, triaged at 0.5, met at 6, disclosed, closed at 27; a
  breach of the undertaking reported at 30.
- WITHHELD: right to know, ViSOR record, triaged late at 2, met at 6, undertaking refused, the
  review withholds the disclosure: closed at 23.5 with other safeguarding action.
- EXTENDED: right to ask online, no trace anywhere, met late at 12, a decision not to disclose
  authorised at 39 (nothing disclosed: a 35-day case), deadline extended by 14 days at 40, closed at
  48: inside the extended deadline (49), outside the original one (35).
- WITHDRAWN: triaged at 0.5, withdrawn at 3.
- LAST_NIGHT: received at 23:30 on 31 March 2026, London time (22:30 UTC): the year it counts in.
  Triaged at 0.5, never met: open.
- FIRST_MORNING: received at 00:30 on 1 April 2026, London time (23:30 UTC on 31 March): the
  next year. Never triaged: open.
- Another force's case in the same year, which no figure may count.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from disclosure_service.auth.service import Keys
from disclosure_service.cases.vocabulary import Channel, CheckResult, CheckSource, Recommendation, Route
from disclosure_service.database import engine as db
from disclosure_service.demo.loader import PATHS, drive_case, principal_for
from disclosure_service.demo.scenarios import DemoCase, mother_and_partner
from disclosure_service.identity.roles import Role
from disclosure_service.reports import figures
from disclosure_service.reports.periods import Period, financial_year
from tests.factories import TestUser, make_user
from tests.http import Api

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
YEAR_2025 = financial_year(2025)
NO_TRACE = (
    (CheckSource.pnc, CheckResult.no_trace, "No trace"),
    (CheckSource.visor, CheckResult.no_trace, "No trace"),
)
MOTHER, *OTHERS = mother_and_partner("Rhiannon Example", "Duncan Example", (("Poppy Example", date(2021, 2, 3)),))
PEOPLE = (replace(MOTHER, letters_ok=True), *OTHERS)
TO_MEETING = ["start_triage", "complete_triage"]


def _case(
    received: datetime, route: Route = Route.right_to_ask, channel: Channel = Channel.phone_101, **kw: Any
) -> DemoCase:
    return DemoCase(
        title="",
        route=route,
        channel=channel,
        received_days_ago=(NOW - received).total_seconds() / 86_400,
        path="received",
        concern="Her new partner collects the children from school.",
        people=PEOPLE,
        assigned_to="officer",
        **kw,
    )


async def _load(officer: TestUser, supervisor: TestUser, bravo: TestUser) -> dict[str, int]:
    principals = {
        "officer": principal_for(officer.id, officer.force_id, officer.username, "PC Test", Role.officer),
        "supervisor": principal_for(
            supervisor.id, supervisor.force_id, supervisor.username, "DS Test", Role.supervisor
        ),
    }
    ids = {
        "DISCLOSED": await drive_case(
            _case(datetime(2025, 5, 1, 9, tzinfo=UTC)), principals, NOW, path=PATHS["closed_disclosed_breached"]
        ),
        "WITHHELD": await drive_case(
            _case(datetime(2025, 6, 10, 10, tzinfo=UTC), Route.right_to_know, Channel.police_initiated),
            principals,
            NOW,
            path=PATHS["closed_withheld"],
            days={"complete_triage": 2},
        ),
        "EXTENDED": await drive_case(
            _case(
                datetime(2025, 9, 1, 8, tzinfo=UTC),
                channel=Channel.online,
                checks=NO_TRACE,
                decision=Recommendation.do_not_disclose,
            ),
            principals,
            NOW,
            path=[*PATHS["recommendation"], "recommend", "authorise", "extend", "told_by_letter", "close_no_trace"],
            days={"applicant_meeting": 12, "authorise": 39, "extend": 40, "told_by_letter": 46, "close_no_trace": 48},
        ),
        "WITHDRAWN": await drive_case(
            _case(datetime(2025, 11, 3, 14, tzinfo=UTC)), principals, NOW, path=[*TO_MEETING, "withdraw"]
        ),
        "LAST_NIGHT": await drive_case(
            _case(datetime(2026, 3, 31, 22, 30, tzinfo=UTC)), principals, NOW, path=TO_MEETING
        ),
        "FIRST_MORNING": await drive_case(_case(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)), principals, NOW, path=[]),
    }
    elsewhere = principal_for(bravo.id, bravo.force_id, bravo.username, "PC Elsewhere", Role.officer)
    await drive_case(_case(datetime(2025, 7, 1, 9, tzinfo=UTC)), {"officer": elsewhere}, NOW, path=[])
    return ids


@pytest.fixture
async def known_cases(officer: TestUser, supervisor: TestUser, forces: dict[str, int], keys: Keys) -> dict[str, int]:
    bravo = await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.officer)
    return await _load(officer, supervisor, bravo)


async def _statistics(force_id: int, period: Period, now: datetime = NOW) -> figures.Statistics:
    async with db.transaction(force_id=force_id) as conn:
        return await figures.statistics(conn, force_id, period, now)


async def test_the_years_figures_count_each_case_once_in_the_year_it_was_received(
    known_cases: dict[str, int], officer: TestUser
) -> None:
    stats = await _statistics(officer.force_id, YEAR_2025)

    assert stats.applications == 5
    assert stats.by_route == {"right_to_ask": 4, "right_to_know": 1}
    assert stats.by_channel == {"phone_101": 3, "police_initiated": 1, "online": 1}
    assert stats.by_outcome == {
        "disclosed_child_sex_convictions": 1,
        "other_safeguarding_action": 1,
        "no_trace": 1,
        "withdrawn": 1,
        "open": 1,
    }
    assert stats.related_to_rso == 2  # DISCLOSED and WITHHELD; EXTENDED's ViSOR check found nothing
    assert stats.disclosures == 1
    assert stats.extended == 1
    assert (stats.refusals, stats.awaiting_review) == (1, 0)
    assert stats.reviews == {"withhold": 1}


async def test_the_next_year_holds_only_the_case_received_after_midnight_in_london(
    known_cases: dict[str, int], officer: TestUser
) -> None:
    stats = await _statistics(officer.force_id, financial_year(2026))

    assert stats.applications == 1
    assert stats.by_outcome == {"open": 1}
    triage = stats.timeliness[0]
    assert (triage.reached, triage.within, triage.late, triage.within_share) == (0, 0, 1, 0.0)


async def test_timeliness_is_measured_against_each_cases_own_deadline(
    known_cases: dict[str, int], officer: TestUser
) -> None:
    triage, meeting, whole = (await _statistics(officer.force_id, YEAR_2025)).timeliness

    # Triaged at 0.5, 2 (late), 0.5, 0.5, 0.5 days.
    assert triage == figures.Timeliness("Initial triage", 5, 0.5, 1.4, 4, 1)
    # Met at 6, 6, 12 (late); LAST_NIGHT is open, never met, and past its meeting deadline; WITHDRAWN
    # ended before a meeting and is neither.
    assert meeting == figures.Timeliness("Meeting the applicant", 3, 6.0, 10.8, 2, 2)
    assert meeting.within_share == 0.5
    # Closed at 27, 23.5 and 48 days; 48 is inside EXTENDED's extended deadline. WITHDRAWN is left
    # out; LAST_NIGHT is open and past 45 days, so late.
    assert whole == figures.Timeliness("Whole case", 3, 27.0, 43.8, 3, 1)
    assert whole.within_share == 0.75


async def test_without_the_extension_the_same_case_would_be_late(
    known_cases: dict[str, int], officer: TestUser
) -> None:
    async with db.transaction(force_id=officer.force_id) as conn:
        await conn.execute(
            "UPDATE application SET due_at = received_at + interval '35 days' WHERE id = $1", known_cases["EXTENDED"]
        )
    whole = (await _statistics(officer.force_id, YEAR_2025)).timeliness[2]

    assert (whole.within, whole.late) == (2, 2)


async def test_open_cases_by_age_are_every_open_case_now(known_cases: dict[str, int], officer: TestUser) -> None:
    at_receipt_of_the_last = datetime(2026, 4, 5, tzinfo=UTC)  # both open cases 4 to 5 days old

    assert (await _statistics(officer.force_id, YEAR_2025)).open_by_age == {
        "Under 10 days": 0,
        "10 to 27 days": 0,
        "28 to 44 days": 0,
        "45 days or more": 2,
    }
    assert (await _statistics(officer.force_id, YEAR_2025, at_receipt_of_the_last)).open_by_age["Under 10 days"] == 2


async def test_an_empty_period_has_no_figures_and_no_percentages(officer: TestUser) -> None:
    stats = await _statistics(officer.force_id, financial_year(2019))

    assert (stats.applications, stats.by_route, stats.by_outcome) == (0, {}, {})
    assert all(t.reached == 0 and t.median_days is None and t.within_share is None for t in stats.timeliness)


async def test_the_api_gives_the_same_figures(api: Api, known_cases: dict[str, int], supervisor: TestUser) -> None:
    await api.sign_in(supervisor)
    response = await api.get("/api/v1/statistics", params={"from": "2025-04-01", "to": "2026-03-31"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["first_day"], body["last_day"], body["applications"]) == ("2025-04-01", "2026-03-31", 5)
    assert (body["related_to_rso"], body["disclosures"], body["extended"]) == (2, 1, 1)
    assert (body["undertakings_refused"], body["refusal_reviews"]) == (1, {"withhold": 1})
    assert body["timeliness"][2] == {
        "clock": "Whole case",
        "reached": 3,
        "median_days": 27.0,
        "p90_days": 43.8,
        "within_clock": 3,
        "late": 1,
        "within_clock_share": 0.75,
    }


async def test_a_backwards_period_is_refused_with_the_reason(api: Api, supervisor: TestUser) -> None:
    await api.sign_in(supervisor)
    response = await api.get("/api/v1/statistics", params={"from": "2026-04-01", "to": "2025-04-01"})

    assert response.status_code == 400
    assert "end date must be on or after the start date" in response.text


async def test_officers_see_no_statistics(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)

    assert (await api.get("/api/v1/statistics")).status_code == 403
    assert (await api.get("/statistics")).status_code == 403


async def _audit(force_id: int, event: str) -> list[Any]:
    async with db.transaction(force_id=force_id) as conn:
        return list(
            await conn.fetch(
                "SELECT operation, username, recipients, details FROM audit_event WHERE event = $1 ORDER BY id", event
            )
        )


async def test_the_home_office_return_counts_by_route_and_is_audited_as_a_disclosure(
    api: Api, known_cases: dict[str, int], supervisor: TestUser
) -> None:
    await api.sign_in(supervisor)
    response = await api.get("/statistics/home-office-return.csv", params={"year": "2025"})

    assert response.status_code == 200
    assert 'filename="home-office-return-2025-26.csv"' in response.headers["content-disposition"]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows == [
        ["Reporting year", "2025-26", "", ""],
        ["Route", "Applications", "Relating to registered sex offenders", "Led to a disclosure"],
        ["Right to Ask", "4", "1", "1"],
        ["Right to Know", "1", "1", "0"],
        ["All applications", "5", "2", "1"],
    ]
    [event] = await _audit(supervisor.force_id, "statistics.home_office_return_exported")
    assert (event["operation"], event["username"], event["recipients"]) == (
        "disclosure",
        supervisor.username,
        supervisor.username,
    )


async def test_the_case_export_has_references_and_no_names(
    api: Api, known_cases: dict[str, int], supervisor: TestUser
) -> None:
    await api.sign_in(supervisor)
    response = await api.get("/statistics/cases.csv", params={"from": "2025-04-01", "to": "2026-03-31"})

    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 5
    assert header[:3] == ["reference", "route", "channel"]
    by_received = {row[3]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_received["2026-03-31"]["stage"] == "applicant_meeting"  # LAST_NIGHT, on its London day
    extended = by_received["2025-09-01"]
    assert (extended["outcome"], extended["extended"], extended["meeting_days"], extended["total_days"]) == (
        "no_trace",
        "True",
        "12.0",
        "48.0",
    )
    for name in ("Rhiannon", "Duncan", "Poppy", "Example"):
        assert name not in response.text
    [event] = await _audit(supervisor.force_id, "statistics.cases_exported")
    assert event["operation"] == "disclosure"
    assert json.loads(event["details"])["rows"] == 5


async def test_looking_at_statistics_is_logged(api: Api, supervisor: TestUser) -> None:
    await api.sign_in(supervisor)
    assert (await api.get("/statistics", params={"from": "2025-04-01", "to": "2026-03-31"})).status_code == 200

    [event] = await _audit(supervisor.force_id, "statistics.viewed")
    assert event["operation"] == "consultation"


async def test_oversight_shows_each_team_and_officer_with_overdue_work_first(
    known_cases: dict[str, int], officer: TestUser, supervisor: TestUser, keys: Keys
) -> None:
    idle = await make_user(force_id=officer.force_id, keys=keys, role=Role.officer, team="PPU South")
    async with db.transaction(force_id=officer.force_id) as conn:
        await conn.execute("UPDATE application SET assigned_to = NULL WHERE id = $1", known_cases["FIRST_MORNING"])
        loads = await figures.oversight(conn, officer.force_id, YEAR_2025, NOW)

    assert loads == [
        figures.TeamLoad(
            "No team",
            [
                figures.OfficerLoad(
                    f"Test {officer.username}",
                    open=1,
                    overdue=1,
                    outcomes={
                        "disclosed_child_sex_convictions": 1,
                        "other_safeguarding_action": 1,
                        "no_trace": 1,
                        "withdrawn": 1,
                    },
                    breaches=1,
                ),
                figures.OfficerLoad(f"Test {supervisor.username}", open=0, overdue=0, outcomes={}),
            ],
        ),
        figures.TeamLoad("Not assigned", [figures.OfficerLoad("Not assigned", open=1, overdue=1, outcomes={})]),
        figures.TeamLoad("PPU South", [figures.OfficerLoad(f"Test {idle.username}", open=0, overdue=0, outcomes={})]),
    ]
    assert (loads[0].open, loads[0].overdue, loads[0].outcomes["withdrawn"]) == (1, 1, 1)


async def test_oversight_through_the_api(api: Api, known_cases: dict[str, int], supervisor: TestUser) -> None:
    await api.sign_in(supervisor)
    response = await api.get("/api/v1/statistics/oversight", params={"from": "2025-04-01", "to": "2026-03-31"})

    assert response.status_code == 200, response.text
    [team] = response.json()
    assert (team["team"], team["open"], team["overdue"], team["outcomes"]["no_trace"]) == ("No team", 2, 2, 1)
    assert (team["breaches"], [o["breaches"] for o in team["officers"]]) == (1, [1, 0])
    assert [o["open"] for o in team["officers"]] == [2, 0]


async def test_a_refusal_not_yet_reviewed_is_counted_as_waiting(officer: TestUser, supervisor: TestUser) -> None:
    principals = {
        "officer": principal_for(officer.id, officer.force_id, officer.username, "PC Test", Role.officer),
        "supervisor": principal_for(
            supervisor.id, supervisor.force_id, supervisor.username, "DS Test", Role.supervisor
        ),
    }
    await drive_case(_case(datetime(2024, 6, 3, 9, tzinfo=UTC)), principals, NOW, path=PATHS["undertaking_review"])
    stats = await _statistics(officer.force_id, financial_year(2024))

    assert (stats.refusals, stats.awaiting_review, stats.reviews) == (1, 1, {})

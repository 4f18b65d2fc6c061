"""The statistics and oversight pages, their CSV exports, and the same figures as JSON."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter
from litestar.response import Template

from disclosure_service.audit.writer import Caller
from disclosure_service.cases.vocabulary import CHANNEL_LABELS, OUTCOME_LABELS, Channel, Outcome, Route, Scheme
from disclosure_service.dates import LONDON
from disclosure_service.identity.roles import Role
from disclosure_service.quality import service as quality_service
from disclosure_service.reports import figures, service
from disclosure_service.reports.charts import bar_chart
from disclosure_service.reports.periods import Period, financial_year, financial_year_of, parse
from disclosure_service.web import access

READERS = access.opt((Role.supervisor, Role.auditor))
REVIEW_LABELS = {
    "proceed": "Proceeded anyway",
    "other_recipient": "Disclosed to another person",
    "withhold": "Withheld; other safeguarding action",
    "retry": "Tried again",
}


def _period(request: Request[Any, Any, Any]) -> tuple[Period, list[str]]:
    today = datetime.now(LONDON).date()
    return parse(request.query_params.get("from"), request.query_params.get("to"), today)


SCHEME_PROBLEM = "Choose a scheme: csods or dvds, or leave it out for every scheme"


def _scheme(request: Request[Any, Any, Any]) -> tuple[str | None, list[str]]:
    """`?scheme=csods|dvds`: the figures of one scheme; none, or empty, for every scheme."""
    given = request.query_params.get("scheme") or None
    if given is None or given in Scheme.__members__:
        return given, []
    return None, [SCHEME_PROBLEM]


def _query(period: Period, scheme: str | None) -> str:
    """The period and scheme as a query string, for links between the pages and exports."""
    found = f"from={period.first.isoformat()}&to={period.last.isoformat()}"
    return found + (f"&scheme={scheme}" if scheme else "")


def _charts(stats: figures.Statistics) -> dict[str, Any]:
    route_rows = [(Route(k).label, v) for k, v in stats.by_route.items()]
    channel_rows = [(CHANNEL_LABELS[Channel(k)], v) for k, v in stats.by_channel.items()]
    outcome_rows = [
        ("Still open" if k == "open" else OUTCOME_LABELS[Outcome(k)], v)
        for k, v in sorted(stats.by_outcome.items(), key=lambda item: -item[1])
    ]
    age_rows = list(stats.open_by_age.items())
    return {
        "route": (route_rows, bar_chart("chart-route", "Applications by route", route_rows)),
        "channel": (channel_rows, bar_chart("chart-channel", "Applications by how they came in", channel_rows)),
        "outcome": (outcome_rows, bar_chart("chart-outcome", "Applications by outcome", outcome_rows)),
        "age": (age_rows, bar_chart("chart-age", "Open cases by age", age_rows)),
    }


def _errors(problems: list[str], scheme_problems: list[str]) -> list[dict[str, str]]:
    return [{"text": p, "href": "#from"} for p in problems] + [{"text": p, "href": "#scheme"} for p in scheme_problems]


SCHEME_CHOICES = [("", "Every scheme"), *((s.value, s.label) for s in Scheme)]


@get("/statistics", opt=READERS)
async def statistics_page(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> Template:
    period, problems = _period(request)
    scheme, scheme_problems = _scheme(request)
    stats = await service.consulted(caller, period, "statistics.viewed", figures.statistics, scheme)
    return Template(
        "reports/statistics.html",
        context={
            "page_title": "Statistics",
            "stats": stats,
            "charts": _charts(stats),
            "review_labels": REVIEW_LABELS,
            "period": period,
            "scheme": scheme or "",
            "schemes": SCHEME_CHOICES,
            "query": _query(period, scheme),
            "error_list": _errors(problems, scheme_problems),
            "financial_year": financial_year_of(period.first),
        },
    )


@get("/statistics/oversight", opt=READERS)
async def oversight_page(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> Template:
    period, problems = _period(request)
    scheme, scheme_problems = _scheme(request)
    quality = await quality_service.figures_for(caller, period.first.strftime("%Y-%m"), period.last.strftime("%Y-%m"))
    return Template(
        "reports/oversight.html",
        context={
            "page_title": "Oversight",
            "quality": quality,
            "loads": await service.consulted(caller, period, "statistics.oversight_viewed", figures.oversight, scheme),
            "period": period,
            "scheme": scheme or "",
            "schemes": SCHEME_CHOICES,
            "outcome_labels": {o.value: o.label for o in Outcome},
            "error_list": _errors(problems, scheme_problems),
        },
    )


def _csv(rows: list[list[Any]], filename: str) -> Response[bytes]:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@get("/statistics/home-office-return.csv", opt=READERS)
async def home_office_return(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    year: Annotated[int | None, QueryParameter(ge=2008, le=2100)] = None,
) -> Response[bytes]:
    """The CSODS's yearly return (1 April to 31 March), CSODS cases only: applications, how many
    related to registered sex offenders, how many led to a disclosure; by route too. With
    `?scheme=dvds`, the DVDS's return instead."""
    scheme, scheme_problems = _scheme(request)
    if scheme_problems:
        raise ValidationException(SCHEME_PROBLEM)
    starting = year or financial_year_of(datetime.now(LONDON).date()) - 1
    period = financial_year(starting)
    if scheme == Scheme.dvds:
        return await _dvds_return(caller, starting, period)
    routes = await service.home_office_return(caller, starting, period)
    rows: list[list[Any]] = [
        ["Reporting year", f"{starting}-{(starting + 1) % 100:02d}", "", ""],
        ["Route", "Applications", "Relating to registered sex offenders", "Led to a disclosure"],
        *([Route(r.route).label, r.applications, r.related_to_rso, r.disclosures] for r in routes),
        [
            "All applications",
            sum(r.applications for r in routes),
            sum(r.related_to_rso for r in routes),
            sum(r.disclosures for r in routes),
        ],
    ]
    return _csv(rows, f"home-office-return-{starting}-{(starting + 1) % 100:02d}.csv")


async def _dvds_return(caller: Caller, starting: int, period: Period) -> Response[bytes]:
    routes = await service.dvds_return(caller, starting, period)
    decided = sum(r.decided for r in routes)
    rows: list[list[Any]] = [
        ["Reporting year", f"{starting}-{(starting + 1) % 100:02d}", "", "", "", ""],
        ["Scheme", Scheme.dvds.label, "", "", "", ""],
        [
            "Route",
            "Applications",
            "Led to a disclosure",
            "Decided",
            "Median days from receipt to decision",
            "Decided within 28 days",
        ],
        *(
            [
                Route(r.route).label,
                r.applications,
                r.disclosures,
                r.decided,
                "" if r.median_days_to_decision is None else r.median_days_to_decision,
                r.decided_within_28_days,
            ]
            for r in routes
        ),
        [
            "All applications",
            sum(r.applications for r in routes),
            sum(r.disclosures for r in routes),
            decided,
            "",  # a median of medians is not the median: see each route's
            sum(r.decided_within_28_days for r in routes),
        ],
    ]
    return _csv(rows, f"dvds-return-{starting}-{(starting + 1) % 100:02d}.csv")


@get("/statistics/cases.csv", opt=READERS)
async def case_export(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> Response[bytes]:
    """One row per application in the period: references only, never names or what was disclosed."""
    period, problems = _period(request)
    scheme, scheme_problems = _scheme(request)
    if problems or scheme_problems:
        raise ValidationException("; ".join(problems + scheme_problems))
    rows = await service.case_rows(caller, period, scheme)
    header = [
        "reference",
        "route",
        "channel",
        "received",
        "stage",
        "outcome",
        "risk_level",
        "related_to_rso",
        "disclosed",
        "extended",
        "triage_days",
        "meeting_days",
        "total_days",
        "scheme",
    ]
    body = [
        [
            r["reference"],
            r["route"],
            r["channel"],
            r["received_at"].astimezone(LONDON).date().isoformat(),
            r["stage"],
            r["outcome"],
            r["risk_level"],
            r["rso"],
            r["disclosed"],
            r["extended"],
            r["triage_days"],
            r["meeting_days"],
            r["total_days"],
            r["scheme"],
        ]
        for r in rows
    ]
    which = f"{scheme}-" if scheme else ""
    return _csv([header, *body], f"cases-{which}{period.first.isoformat()}-to-{period.last.isoformat()}.csv")


class TimelinessOut(msgspec.Struct):
    clock: str
    reached: int
    median_days: float | None
    p90_days: float | None
    within_clock: int
    late: int
    within_clock_share: float | None


class StatisticsOut(msgspec.Struct):
    first_day: str
    last_day: str
    # The scheme the figures are of (csods, dvds), or null for every scheme the force runs.
    scheme: str | None
    applications: int
    by_route: dict[str, int]
    by_channel: dict[str, int]
    by_outcome: dict[str, int]
    related_to_rso: int
    disclosures: int
    extended: int
    undertakings_refused: int
    refusals_awaiting_review: int
    refusal_reviews: dict[str, int]
    timeliness: list[TimelinessOut]
    open_by_age: dict[str, int]


@get("/api/v1/statistics", opt=READERS)
async def statistics_api(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> StatisticsOut:
    """The statistics page's figures for the period `from`..`to` (YYYY-MM-DD, London days;
    default: this financial year so far). The cohort is the applications received in the period."""
    period, problems = _period(request)
    scheme, scheme_problems = _scheme(request)
    if problems or scheme_problems:
        raise ValidationException("; ".join(problems + scheme_problems))
    stats = await service.consulted(caller, period, "statistics.viewed", figures.statistics, scheme)
    return StatisticsOut(
        first_day=period.first.isoformat(),
        last_day=period.last.isoformat(),
        scheme=scheme,
        applications=stats.applications,
        by_route=stats.by_route,
        by_channel=stats.by_channel,
        by_outcome=stats.by_outcome,
        related_to_rso=stats.related_to_rso,
        disclosures=stats.disclosures,
        extended=stats.extended,
        undertakings_refused=stats.refusals,
        refusals_awaiting_review=stats.awaiting_review,
        refusal_reviews=stats.reviews,
        timeliness=[
            TimelinessOut(t.clock, t.reached, t.median_days, t.p90_days, t.within, t.late, t.within_share)
            for t in stats.timeliness
        ],
        open_by_age=stats.open_by_age,
    )


class OfficerLoadOut(msgspec.Struct):
    name: str
    open: int
    overdue: int
    outcomes: dict[str, int]
    breaches: int


class TeamLoadOut(msgspec.Struct):
    team: str
    open: int
    overdue: int
    outcomes: dict[str, int]
    breaches: int
    officers: list[OfficerLoadOut]


@get("/api/v1/statistics/oversight", opt=READERS)
async def oversight_api(request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> list[TeamLoadOut]:
    """Per team and per officer: open and overdue cases now, and the outcomes of the period's cases."""
    period, problems = _period(request)
    scheme, scheme_problems = _scheme(request)
    if problems or scheme_problems:
        raise ValidationException("; ".join(problems + scheme_problems))
    loads = await service.consulted(caller, period, "statistics.oversight_viewed", figures.oversight, scheme)
    return [
        TeamLoadOut(
            team=team.team,
            open=team.open,
            overdue=team.overdue,
            outcomes=team.outcomes,
            breaches=team.breaches,
            officers=[OfficerLoadOut(**dataclasses.asdict(officer)) for officer in team.officers],
        )
        for team in loads
    ]


ROUTES = [statistics_page, oversight_page, home_office_return, case_export, statistics_api, oversight_api]

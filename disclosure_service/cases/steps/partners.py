"""Working with partners: the subject's MAPPA status, the agencies consulted, and the decision forum.

The forum is a factory (`decision_forum`), not a constant: every disclosure scheme decides through
partners, but each names its forum and the stages it sits in its own words.
"""

from __future__ import annotations

import json

from disclosure_service.cases import schemas, timing
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems
from disclosure_service.cases.forms import choices
from disclosure_service.cases.spec import ActionForm, ActionSpec, Answers, Staff, fixed
from disclosure_service.cases.steps.common import received_on
from disclosure_service.cases.vocabulary import Agency, MappaCategory, MappaLevel, Stage
from disclosure_service.cases.workflow import OPEN_STAGES, Action, Rule
from disclosure_service.web.formspec import Field

MANAGED = "Needed if the subject is managed under a MAPPA category"
# Rows offered for attendees on the forum's page (the API takes up to 30).
FORUM_ROWS = 6


def mappa_problems(data: schemas.MappaIn) -> list[tuple[str, str]]:
    """A subject managed under MAPPA has a level, a lead agency and an offender manager; one who is not
    (or not known to be) has none of them."""
    category = data.category
    if category.managed:
        found = []
        if data.level is None:
            found.append(("level", "Select the MAPPA level"))
        if data.lead_agency is None:
            found.append(("lead_agency", "Select the lead agency"))
        if not data.offender_manager.strip():
            found.append(("offender_manager", "Enter the offender manager’s name"))
        return found
    if data.level is not None or data.lead_agency is not None or data.offender_manager.strip():
        return [("category", "A level, lead agency and offender manager are only recorded for a MAPPA category")]
    return []


async def _record_mappa(ctx: Context, data: schemas.MappaIn) -> Result:
    problems = Problems()
    for name, message in mappa_problems(data):
        problems.check(name, message)
    problems.raise_any()
    await ctx.add(
        "mappa_status",
        category=data.category.value,
        level=data.level.value if data.level else "",
        lead_agency=data.lead_agency.value if data.lead_agency else "",
        offender_manager=data.offender_manager,
        notes=data.notes,
    )
    return Result(f"MAPPA status recorded: {data.category.label}", {"category": data.category.value})


def _mappa_now(case: CaseFile, answers: Answers) -> dict[str, list[str]]:
    """Start from the status on record, if any (a change is a new record; the old one stays)."""
    current = case.mappa_status
    if current is None or answers.get("category"):
        return {}
    return {
        "category": [current.category.value],
        "level": [current.level] if current.level else [],
        "lead_agency": [current.lead_agency] if current.lead_agency else [],
        "offender_manager": [current.offender_manager],
    }


RECORD_MAPPA = ActionSpec(
    Action.record_mappa,
    "Record MAPPA status",
    Rule(OPEN_STAGES, not_at="MAPPA status is recorded while the case is open"),
    schemas.MappaIn,
    _record_mappa,
    ActionForm(
        fixed(
            Field(
                "category",
                "Is the subject managed under MAPPA?",
                "radios",
                options=choices(MappaCategory),
                message="Select the subject’s MAPPA category, or that they are not managed or it is not known",
            ),
            Field(
                "level",
                "MAPPA level",
                "radios",
                options=choices(MappaLevel),
                required=False,
                needed_if=MANAGED,
                message="Select the MAPPA level",
            ),
            Field(
                "lead_agency",
                "Lead agency",
                "select",
                options=choices(Agency),
                required=False,
                needed_if=MANAGED,
                message="Select the lead agency",
            ),
            Field(
                "offender_manager",
                "Offender manager",
                "text",
                hint="Their name and team",
                required=False,
                needed_if=MANAGED,
                message="Enter the offender manager’s name",
            ),
            Field("notes", "Notes", "textarea", required=False),
        ),
        "Record MAPPA status",
        intro="Ask the MAPPA coordinator or ViSOR. A level, lead agency and offender manager are needed only "
        "if the subject is managed under a MAPPA category.",
        prefill=_mappa_now,
    ),
)


async def _record_consultation(ctx: Context, data: schemas.ConsultationIn) -> Result:
    problems = Problems()
    problems.check(
        "consulted_at",
        timing.moment_problem(
            data.consulted_at,
            "The time of the consultation",
            now=ctx.now,
            after=ctx.case.record.received_at,
            after_what="the application was received",
        ),
    )
    problems.raise_any()
    await ctx.add(
        "partner_consultation",
        agency=data.agency.value,
        person=data.person,
        consulted_at=data.consulted_at,
        said=data.said,
    )
    return Result(f"Consultation recorded: {data.agency.label}", {"agency": data.agency.value})


RECORD_CONSULTATION = ActionSpec(
    Action.record_consultation,
    "Record a consultation with a partner",
    Rule(OPEN_STAGES, not_at="Consultations are recorded while the case is open"),
    schemas.ConsultationIn,
    _record_consultation,
    ActionForm(
        fixed(
            Field("agency", "Agency", "select", options=choices(Agency), message="Select the agency consulted"),
            Field("person", "Who you spoke to", "text", hint="Their name and role", message="Enter who you spoke to"),
            Field("consulted_at", "When", "datetime", message="Enter when you consulted them"),
            Field("said", "What they said", "textarea", message="Enter what they said"),
        ),
        "Record consultation",
    ),
)


def _forum_fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    attendees = tuple(
        field
        for row in range(FORUM_ROWS)
        for field in (
            Field(
                f"attendees.{row}.agency",
                f"Attendee {row + 1}: agency",
                "select",
                options=choices(Agency),
                required=False,
            ),
            Field(f"attendees.{row}.name", f"Attendee {row + 1}: name", "text", required=False),
        )
    )
    return (
        Field("held_on", "Date of the meeting", "date", message="Enter the date of the meeting"),
        Field("chair", "Chair", "text", hint="Their name and role", message="Enter who chaired the meeting"),
        *attendees,
        Field(
            "minutes_reference",
            "Minutes reference",
            "text",
            message="Enter the reference of the minutes",
            width="govuk-input--width-20",
        ),
        Field("decision", "Decision", "textarea", message="Enter what the meeting decided"),
        Field("rationale", "Rationale", "textarea", message="Enter why the meeting decided it"),
    )


def forum_problems(data: schemas.DecisionForumIn) -> list[tuple[str, str]]:
    """What a forum's record cannot lack beyond its required fields: someone who attended, each with
    their agency and name."""
    if not data.attendees:
        return [("attendees.0.agency", "Enter at least one attendee and their agency")]
    found = []
    for n, attendee in enumerate(data.attendees):
        if attendee.agency is None:
            found.append((f"attendees.{n}.agency", f"Select the agency of attendee {n + 1}"))
        if not attendee.name.strip():
            found.append((f"attendees.{n}.name", f"Enter the name of attendee {n + 1}"))
    return found


def _attendees(data: schemas.DecisionForumIn) -> list[dict[str, str]]:
    return [{"agency": a.agency.value, "name": a.name} for a in data.attendees if a.agency is not None]


def decision_forum(*, label: str, intro: str, stages: frozenset[Stage]) -> ActionSpec:
    """The multi-agency meeting that decided on the case, linked to the recommendation it informs and
    shown to whoever authorises it. `stages`: when a scheme's forum sits."""

    async def handler(ctx: Context, data: schemas.DecisionForumIn) -> Result:
        problems = Problems()
        problems.check(
            "held_on",
            timing.date_problem(
                data.held_on,
                "The date of the meeting",
                now=ctx.now,
                after=received_on(ctx),
                after_what="the date the application was received",
            ),
        )
        for name, message in forum_problems(data):
            problems.check(name, message)
        problems.raise_any()
        recommendation = ctx.case.recommendation
        await ctx.add(
            "decision_forum",
            recommendation=recommendation.id if recommendation else None,
            held_on=data.held_on,
            chair=data.chair,
            attendees=json.dumps(_attendees(data)),
            minutes_reference=data.minutes_reference,
            decision=data.decision,
            rationale=data.rationale,
        )
        return Result(
            f"Meeting recorded: minutes {data.minutes_reference}",
            {"minutes_reference": data.minutes_reference, "agencies": sorted({a["agency"] for a in _attendees(data)})},
        )

    return ActionSpec(
        Action.record_decision_forum,
        label,
        Rule(stages, not_at="The meeting is recorded before the decision is authorised"),
        schemas.DecisionForumIn,
        handler,
        ActionForm(_forum_fields, "Record the meeting", intro=intro),
    )

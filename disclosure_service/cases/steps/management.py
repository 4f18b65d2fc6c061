"""Keeping a case moving: who holds it, more time, more people, and leaving the scheme early."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from disclosure_service.cases import clocks, queries, schemas, store, timing
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.forms import REASON, person_fields
from disclosure_service.cases.spec import ActionForm, ActionSpec, Staff, fixed
from disclosure_service.cases.steps.common import close_with, received_on
from disclosure_service.cases.vocabulary import ClockName, Outcome, PersonRole, Stage
from disclosure_service.cases.workflow import FROM_AUTHORISATION, OPEN_STAGES, SUPERVISORS, Action, Rule
from disclosure_service.identity.roles import Role
from disclosure_service.web.formspec import Field

BEFORE_RECOMMENDATION = frozenset(
    {Stage.received, Stage.initial_triage, Stage.applicant_meeting, Stage.risk_assessment}
)


async def _extend(ctx: Context, data: schemas.ExtendIn) -> Result:
    """More time on one clock (the whole case unless another is named), for exceptional circumstances."""
    try:
        changes = clocks.extend(ctx.clocks, ctx.case.clocks, data.clock, data.days * 24)
    except clocks.ClockRefusedError as exc:
        raise refuse(str(exc), "clock") from None
    moved = changes[0]
    await store.update_clocks(ctx.conn, ctx.case.id, changes)
    await ctx.add(
        "extension",
        by="granted_by",
        at="granted_at",
        days=data.days,
        reason=data.reason,
        clock=data.clock.value,
        previous_due_at=moved.due_at - timedelta(days=data.days) if moved.due_at else None,
        new_due_at=moved.due_at,
    )
    after = clocks.merged(ctx.case.clocks, changes)
    await ctx.set_case(
        **clocks.row_deadlines(ctx.clocks, after),
        next_due_at=clocks.stage_deadline(ctx.clocks, after, ctx.case.stage),
    )
    name = data.clock.label.lower() if data.clock is not ClockName.whole_case else "whole-case"
    return Result(
        f"The {name} deadline is extended by {data.days} days", {"days": data.days, "clock": data.clock.value}
    )


def _extend_fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    running = [ClockName(c.clock) for c in case.clocks if c.started_at is not None and c.stopped_at is None]
    names = [name for name in ClockName if name in running and name is not ClockName.whole_case_no_disclosure]
    if ClockName.whole_case_no_disclosure in running and ClockName.whole_case not in names:
        names.append(ClockName.whole_case)
    return (
        Field(
            "clock",
            "Which deadline?",
            "radios",
            options=[(name.value, name.label) for name in names] or [(ClockName.whole_case.value, "Whole case")],
        ),
        Field("days", "Extend by how many days?", "number", width="govuk-input--width-3"),
        Field("reason", "Exceptional circumstances", "textarea", message="Give the exceptional circumstances"),
    )


EXTEND = ActionSpec(
    Action.extend,
    "Extend a deadline",
    Rule(OPEN_STAGES, roles=SUPERVISORS),
    schemas.ExtendIn,
    _extend,
    ActionForm(_extend_fields, "Extend", prefill=lambda case, answers: {"clock": [ClockName.whole_case.value]}),
    supervisor_decision=True,
)


async def _assign(ctx: Context, data: schemas.AssignIn) -> Result:
    if ctx.principal.role is Role.officer and data.user_id != ctx.principal.user_id:
        raise refuse("Officers can assign cases to themselves; ask a supervisor to assign someone else", "user_id")
    name = await queries.caseworker_name(ctx.conn, data.user_id)
    if name is None:
        raise refuse("Choose an active officer or supervisor of your force", "user_id")
    await ctx.set_case(assigned_to=data.user_id)
    return Result(f"Assigned to {name}", {"assigned_to": data.user_id})


def _assignees(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    return (Field("user_id", "Assign to", "select", options=staff, message="Choose someone"),)


ASSIGN = ActionSpec(
    Action.assign,
    "Assign",
    Rule(OPEN_STAGES, holder_only=False),
    schemas.AssignIn,
    _assign,
    ActionForm(_assignees, "Assign", needs_staff=True),
)


async def _add_person(ctx: Context, data: schemas.NewPersonIn) -> Result:
    if data.date_of_birth is not None:
        problems = Problems()
        problems.check(
            "date_of_birth",
            timing.birth_problem(data.date_of_birth, received_on=received_on(ctx), child=data.role is PersonRole.child),
        )
        problems.raise_any()
    person = msgspec.convert(
        {name: getattr(data, name) for name in store.PERSON_FIELDS}, schemas.PersonIn, from_attributes=False
    )
    person_id = await store.insert_person(
        ctx.conn, force_id=ctx.principal.force_id, case_id=ctx.case.id, role=data.role, person=person, now=ctx.now
    )
    return Result(f"{data.role.label} added", {"person_id": person_id, "role": data.role.value})


def add_person(roles: tuple[PersonRole, ...]) -> ActionSpec:
    """Adding someone to the case, in one of the parts the scheme has."""
    return ActionSpec(
        Action.add_person,
        "Add a person",
        Rule(OPEN_STAGES),
        schemas.NewPersonIn,
        _add_person,
        ActionForm(
            fixed(
                Field(
                    "role",
                    "Their part in the application",
                    "radios",
                    message="Select their part in the application",
                    options=[(role.value, role.label) for role in roles],
                ),
                *person_fields("", None),
            ),
            "Add person",
        ),
    )


WITHDRAW = ActionSpec(
    Action.withdraw,
    "Close: withdrawn",
    Rule(
        OPEN_STAGES - {Stage.undertaking_review},
        Stage.closed,
        outcome=Outcome.withdrawn,
        supervisors_only_at=FROM_AUTHORISATION,
        not_at="While a refused undertaking awaits review, only the review decides what happens",
    ),
    schemas.ReasonIn,
    close_with(Outcome.withdrawn),
    ActionForm(fixed(REASON), "Close the case"),
)

OUT_OF_SCOPE = ActionSpec(
    Action.out_of_scope,
    "Close: out of scope",
    Rule(
        BEFORE_RECOMMENDATION,
        Stage.closed,
        outcome=Outcome.out_of_scope,
        not_at="A case can be closed as out of scope only before the recommendation",
    ),
    schemas.ReasonIn,
    close_with(Outcome.out_of_scope),
    ActionForm(fixed(REASON), "Close the case"),
)

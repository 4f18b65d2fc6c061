"""The two actions that reach another force: transferring a case, and asking it for a check.

A transfer closes the case as transferred with the receiving force's reference; that force gets a
new case with the people and the concern (and the checks' results, if the supervisor decides so),
linked both ways. A check asked of another force is a check of ours (source: another force) that
their answer completes. Each is logged on both sides.
"""

from __future__ import annotations

from datetime import datetime

from disclosure_service.audit import writer
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.cases import clocks, schemas, timing
from disclosure_service.cases import queries as case_queries
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import refuse
from disclosure_service.cases.spec import ActionForm, ActionSpec, Staff
from disclosure_service.cases.steps.common import close_record
from disclosure_service.cases.vocabulary import CheckSource, Outcome, PersonRole, Stage
from disclosure_service.cases.workflow import BEFORE_DECISION, SUPERVISORS, Action, Rule
from disclosure_service.transfers import store
from disclosure_service.transfers.queries import force_name
from disclosure_service.web.formspec import Field


async def _receiving_force(ctx: Context, force_id: int) -> str:
    """The other force's name, if it is on the service and runs the case's scheme."""
    forces = dict(await case_queries.other_forces(ctx.conn, ctx.principal.force_id, ctx.case.record.scheme))
    if force_id not in forces:
        raise refuse("Choose another force on this service that runs this scheme", "to_force")
    return forces[force_id]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


async def _transfer(ctx: Context, data: schemas.TransferIn) -> Result:
    name = await _receiving_force(ctx, data.to_force)
    scheme = ctx.case.record.scheme
    # Their clocks start when they receive it, with the lengths their force has set.
    received_at = ctx.now
    hours = clocks.lengths(
        ctx.clocks,
        await case_queries.clock_hours(ctx.conn, data.to_force, scheme, timing.london_today(received_at)),
    )
    theirs = clocks.new_case(ctx.clocks, hours, received_at)
    deadlines = clocks.row_deadlines(ctx.clocks, theirs)
    case = {
        "received_at": received_at.isoformat(),
        **{key: _iso(value) for key, value in deadlines.items()},
        "next_due_at": _iso(clocks.stage_deadline(ctx.clocks, theirs, Stage.received)),
        "clocks": [
            {"clock": c.clock.value, "hours": c.hours, "started_at": _iso(c.started_at), "due_at": _iso(c.due_at)}
            for c in theirs
        ],
    }
    link, their_case, their_reference = await store.transfer(
        ctx.conn,
        from_case=ctx.case.id,
        to_force=data.to_force,
        by=ctx.principal.user_id,
        at=ctx.now,
        reason=data.reason,
        share_checks=data.share_checks,
        case=case,
    )
    await close_record(
        ctx, Outcome.transferred, notes=f"Transferred to {name}, their reference {their_reference}: {data.reason}"
    )
    ours = await force_name(ctx.conn, ctx.principal.force_id)
    await writer.record_across_forces(
        ctx.conn,
        actor=ctx.principal.actor,
        meta=ctx.meta,
        force_id=data.to_force,
        operation=Operation.collection,
        event="case.received_by_transfer",
        application_id=their_case,
        reference=their_reference,
        record_type="case_transfer",
        record_id=link,
        justification=f"transferred by {ours}, their reference {ctx.case.reference}",
        details={"from_reference": ctx.case.reference, "people": len(ctx.case.people), "checks": data.share_checks},
        now=ctx.now,
    )
    return Result(
        f"Transferred to {name}: their reference {their_reference}",
        {"to_force": data.to_force, "to_reference": their_reference, "checks_shared": data.share_checks},
        operation=Operation.disclosure,
        recipients=name,
    )


def _transfer_fields(case: CaseFile, forces: Staff) -> tuple[Field, ...]:
    return (
        Field("to_force", "Which force?", "select", options=forces, message="Choose the force to send the case to"),
        Field("reason", "Why it goes to them", "textarea", message="Say why the case belongs to the other force"),
        Field(
            "share_checks",
            "Send the results of the checks made so far?",
            "yesno",
            message="Select yes to send the results of the checks made so far",
            hint="The people on the case and the concern always go. Send the checks' results only if they may be "
            "shared with the other force.",
        ),
    )


TRANSFER = ActionSpec(
    Action.transfer,
    "Transfer to another force",
    Rule(
        BEFORE_DECISION,
        Stage.closed,
        roles=SUPERVISORS,
        outcome=Outcome.transferred,
        not_at="A case is transferred before a decision has been asked for",
    ),
    schemas.TransferIn,
    _transfer,
    ActionForm(
        _transfer_fields,
        "Transfer the case",
        intro="The case closes here as transferred, with the other force's reference; they get a new case "
        "with its people and its concern, linked to this one.",
        warning="This sends personal data to another force.",
        needs_forces=True,
    ),
    # Sending a case's people to another force is a disclosure: a fresh code, as for a document.
    step_up=True,
    supervisor_decision=True,
)


async def _request_force_check(ctx: Context, data: schemas.ForceCheckIn) -> Result:
    name = await _receiving_force(ctx, data.to_force)
    person = ctx.case.person(data.person_id)
    if person is None:
        raise refuse("Choose a person on this case", "person_id")
    check_id = await ctx.add(
        "case_check",
        by="requested_by",
        at="",
        source=CheckSource.other_force.value,
        requested_on=timing.london_today(ctx.now),
        summary=f"Asked of {name}: {data.question}",
    )
    request_id = await ctx.add(
        "force_check_request",
        by="requested_by",
        at="requested_at",
        reference=ctx.case.reference,
        case_check=check_id,
        to_force=data.to_force,
        full_name=person.full_name,
        other_names=person.other_names,
        date_of_birth=person.date_of_birth,
        address=person.address,
        question=data.question,
        summary="",
    )
    ours = await force_name(ctx.conn, ctx.principal.force_id)
    await writer.record_across_forces(
        ctx.conn,
        actor=ctx.principal.actor,
        meta=ctx.meta,
        force_id=data.to_force,
        operation=Operation.collection,
        event="check_request.received",
        record_type="force_check_request",
        record_id=request_id,
        justification=f"check asked by {ours}",
        details={"from_reference": ctx.case.reference},
        now=ctx.now,
    )
    return Result(
        f"Check asked of {name}",
        {"to_force": data.to_force, "check_id": check_id, "request_id": request_id, "person_id": person.id},
        operation=Operation.disclosure,
        recipients=name,
    )


def _check_fields(case: CaseFile, forces: Staff) -> tuple[Field, ...]:
    people = [(str(p.id), f"{p.full_name} ({p.role.label.lower()})") for p in case.people]
    subject = next((str(p.id) for p in case.people if p.role is PersonRole.subject), "")
    return (
        Field("to_force", "Which force?", "select", options=forces, message="Choose the force to ask"),
        Field(
            "person_id",
            "Who is the check about?",
            "select",
            options=people,
            hint="Their names, date of birth and address go to the other force"
            + (", usually the subject's" if subject else ""),
        ),
        Field("question", "What do you ask?", "textarea", message="Say what you ask the other force"),
    )


REQUEST_FORCE_CHECK = ActionSpec(
    Action.request_force_check,
    "Ask another force for a check",
    Rule(frozenset({Stage.risk_assessment}), not_at="Checks are requested after the applicant meeting"),
    schemas.ForceCheckIn,
    _request_force_check,
    ActionForm(
        _check_fields,
        "Send the request",
        intro="Their answer becomes the result of the check on this case.",
        needs_forces=True,
        prefill=lambda case, answers: {
            "person_id": [str(p.id) for p in case.people if p.role is PersonRole.subject][:1]
        },
    ),
)

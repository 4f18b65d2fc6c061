"""The disclosure meeting: arranged (and rearranged or cancelled, every version kept), then held,
with the warnings given and the recipient's identity checked again before anything is said."""

from __future__ import annotations

from datetime import datetime

from disclosure_service.cases import schemas, timing
from disclosure_service.cases.casefile import DisclosureMeeting
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.spec import ActionForm, ActionSpec, fixed
from disclosure_service.cases.vocabulary import MeetingStatus, Stage
from disclosure_service.cases.workflow import Action, Rule, UndertakingStatus, needs
from disclosure_service.web.formspec import Field

DISCLOSING = frozenset({Stage.disclosure})
LANGUAGES = [("en", "English"), ("cy", "Welsh (Cymraeg)")]
NOT_DISCLOSING = "The disclosure meeting follows an authorised disclosure"


def after_decision(ctx: Context) -> datetime:
    """When the decision being carried out was taken: nothing of the meeting can be earlier."""
    decided = ctx.case.decided_at()
    return decided if decided is not None else ctx.case.record.received_at


def _check_time(ctx: Context, data: schemas.ScheduleMeetingIn | schemas.RearrangeMeetingIn, problems: Problems) -> None:
    problems.check(
        "scheduled_for",
        timing.appointment_problem(
            data.scheduled_for,
            "The meeting",
            not_before=after_decision(ctx),
            not_before_what="the decision to disclose",
            now=ctx.now,
        ),
    )


async def _arrange(
    ctx: Context,
    data: schemas.ScheduleMeetingIn | schemas.RearrangeMeetingIn,
    recipient: int | None,
    replaces: int | None,
) -> int:
    return await ctx.add(
        "disclosure_meeting",
        by="scheduled_by",
        at="scheduled_at",
        recipient=recipient,
        scheduled_for=data.scheduled_for,
        location=data.location,
        officers=data.officers,
        identity_recheck=data.identity_recheck,
        language=data.language,
        status=MeetingStatus.arranged.value,
        replaces=replaces,
        change_reason="",
        notes="",
    )


async def _schedule(ctx: Context, data: schemas.ScheduleMeetingIn) -> Result:
    recipient = ctx.case.recipient_id()
    problems = Problems()
    if data.recipient_id is not None and data.recipient_id != recipient:
        # The recipient is the one authorised (or chosen at a review), not whoever is typed here.
        problems.check(
            "recipient_id",
            "The disclosure was authorised for someone else: a different recipient needs a supervisor's decision",
        )
    problems.check("recipient_id", recipient_problem(ctx.case.person(recipient), today=timing.london_today(ctx.now)))
    _check_time(ctx, data, problems)
    problems.raise_any()
    meeting_id = await _arrange(ctx, data, recipient, None)
    return Result("Disclosure meeting arranged", {"meeting_id": meeting_id, "language": data.language})


def _arrangement_fields(*, reason: bool) -> tuple[Field, ...]:
    fields: tuple[Field, ...] = (
        Field("scheduled_for", "When", "datetime", message="Enter the date and time of the meeting"),
        Field(
            "location",
            "Where",
            hint="Somewhere private, where the recipient can be seen safely",
            message="Enter where the meeting will be held",
        ),
        Field(
            "officers",
            "Officers attending",
            "textarea",
            hint="Names and collar numbers; two officers",
            message="Enter the officers attending",
        ),
        Field(
            "identity_recheck",
            "How the recipient's identity will be checked again",
            "textarea",
            message="Say how the recipient's identity will be checked at the meeting",
        ),
        Field(
            "language",
            "Language of the undertaking",
            "radios",
            options=LANGUAGES,
            message="Select the language of the undertaking",
        ),
    )
    if reason:
        fields += (Field("reason", "Why it is being rearranged", "textarea", message="Give the reason"),)
    return fields


SCHEDULE = ActionSpec(
    Action.schedule_disclosure_meeting,
    "Arrange the disclosure meeting",
    Rule(
        DISCLOSING,
        requires=(
            needs(
                lambda f: not f.meeting_pending,
                "A disclosure meeting is already arranged: record, rearrange or cancel it first",
            ),
            needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
            needs(
                lambda f: f.undertaking is not UndertakingStatus.signed,
                "The undertaking is signed: record the disclosure as made",
            ),
            needs(
                lambda f: not f.disclosure_meeting_recorded or f.undertaking is not UndertakingStatus.none,
                "Record whether the undertaking was signed or refused at the meeting held first",
            ),
        ),
        not_at=NOT_DISCLOSING,
    ),
    schemas.ScheduleMeetingIn,
    _schedule,
    ActionForm(
        fixed(*_arrangement_fields(reason=False)),
        "Arrange meeting",
        intro="The disclosure is made in person, never in writing, to the person authorised to receive it. "
        "At the meeting they are warned, and asked to sign the undertaking, before anything is disclosed.",
    ),
)


def _pending(ctx: Context) -> DisclosureMeeting:
    meeting = ctx.case.latest_meeting
    if meeting is None or meeting.status != MeetingStatus.arranged.value:  # the rules required one
        raise refuse("There is no arranged meeting", "reason")
    return meeting


async def _set_aside(ctx: Context, meeting: DisclosureMeeting, status: MeetingStatus, reason: str) -> None:
    await ctx.change(
        "disclosure_meeting",
        meeting.id,
        status=status.value,
        change_reason=reason,
        changed_by=ctx.principal.user_id,
        changed_at=ctx.now,
    )


async def _rearrange(ctx: Context, data: schemas.RearrangeMeetingIn) -> Result:
    """The meeting as arranged is kept; a new one replaces it (its undertaking must be generated again)."""
    meeting = _pending(ctx)
    problems = Problems()
    _check_time(ctx, data, problems)
    problems.raise_any()
    await _set_aside(ctx, meeting, MeetingStatus.rearranged, data.reason)
    new_id = await _arrange(ctx, data, meeting.recipient, meeting.id)
    return Result(
        "Disclosure meeting rearranged: generate the undertaking again for the new date",
        {"meeting_id": new_id, "replaces": meeting.id},
    )


ARRANGED_ONLY = (needs(lambda f: f.meeting_pending, "There is no arranged meeting"),)

REARRANGE = ActionSpec(
    Action.rearrange_disclosure_meeting,
    "Rearrange the disclosure meeting",
    Rule(DISCLOSING, requires=ARRANGED_ONLY, not_at="Only an arranged disclosure meeting can be rearranged"),
    schemas.RearrangeMeetingIn,
    _rearrange,
    ActionForm(
        fixed(*_arrangement_fields(reason=True)),
        "Rearrange meeting",
        intro="The meeting as it was arranged stays on the case. Generate the undertaking again for the new date.",
    ),
)


async def _cancel(ctx: Context, data: schemas.ReasonIn) -> Result:
    meeting = _pending(ctx)
    await _set_aside(ctx, meeting, MeetingStatus.cancelled, data.reason)
    return Result("Disclosure meeting cancelled", {"meeting_id": meeting.id})


CANCEL = ActionSpec(
    Action.cancel_disclosure_meeting,
    "Cancel the disclosure meeting",
    Rule(DISCLOSING, requires=ARRANGED_ONLY, not_at="Only an arranged disclosure meeting can be cancelled"),
    schemas.ReasonIn,
    _cancel,
    ActionForm(
        fixed(Field("reason", "Why it is being cancelled", "textarea", message="Give the reason")),
        "Cancel meeting",
        intro="The cancelled meeting stays on the case. Arrange another when you can.",
    ),
)

WARNINGS = (
    ("purpose_explained", "that the information may only be used to safeguard children"),
    ("confidentiality_explained", "that it is confidential and they will be asked to sign an undertaking"),
    ("legal_warning_given", "that legal proceedings could follow a breach"),
)


async def _hold(ctx: Context, data: schemas.DisclosureMeetingIn) -> Result:
    meeting = _pending(ctx)
    problems = Problems()
    problems.check(
        "held_at",
        timing.moment_problem(
            data.held_at,
            "The time of the meeting",
            now=ctx.now,
            after=after_decision(ctx),
            after_what="the decision to disclose",
        ),
    )
    if not data.identity_confirmed:
        problems.check(
            "identity_confirmed",
            "The recipient's identity must be checked again before anything is disclosed: if it could not be, "
            "cancel or rearrange the meeting",
        )
    for field, words in WARNINGS:
        if not getattr(data, field):
            problems.check(field, f"The recipient must be told {words} before anything is disclosed")
    problems.raise_any()
    await ctx.change(
        "disclosure_meeting",
        meeting.id,
        status=MeetingStatus.held.value,
        held_at=data.held_at,
        identity_confirmed=data.identity_confirmed,
        purpose_explained=data.purpose_explained,
        confidentiality_explained=data.confidentiality_explained,
        legal_warning_given=data.legal_warning_given,
        safety_advice_given=data.safety_advice_given,
        support_given=data.support_given,
        notes=data.notes,
        recorded_by=ctx.principal.user_id,
    )
    return Result(
        "Disclosure meeting recorded: now record whether the undertaking was signed or refused",
        {"meeting_id": meeting.id},
    )


HOLD = ActionSpec(
    Action.record_disclosure_meeting,
    "Record the disclosure meeting",
    Rule(
        DISCLOSING,
        requires=(needs(lambda f: f.meeting_pending, "Arrange the disclosure meeting first"),),
        not_at=NOT_DISCLOSING,
    ),
    schemas.DisclosureMeetingIn,
    _hold,
    ActionForm(
        fixed(
            Field("held_at", "When it was held", "datetime", message="Enter the date and time the meeting was held"),
            Field(
                "identity_confirmed",
                "Was the recipient's identity checked again?",
                "yesno",
                message="Select yes if the recipient's identity was checked again",
            ),
            Field(
                "purpose_explained",
                "Was the recipient told the information may only be used to safeguard children?",
                "yesno",
                message="Select yes if the recipient was told the information may only be used to safeguard children",
            ),
            Field(
                "confidentiality_explained",
                "Were they told it is confidential, and that they will be asked to sign an undertaking?",
                "yesno",
                message="Select yes if they were told it is confidential and that they will be asked to sign",
            ),
            Field(
                "legal_warning_given",
                "Were they told legal proceedings could follow a breach?",
                "yesno",
                message="Select yes if they were told legal proceedings could follow a breach",
            ),
            Field(
                "safety_advice_given",
                "Was safety advice given?",
                "yesno",
                message="Select yes if safety advice was given",
            ),
            Field("support_given", "Was support offered?", "yesno", message="Select yes if support was offered"),
            Field("notes", "Notes", "textarea", required=False),
        ),
        "Save the meeting",
        intro="Record the meeting once the warnings are given. Nothing is disclosed until the undertaking "
        "is signed, or a supervisor has decided on a refusal to sign.",
    ),
)

"""After the undertaking: the disclosure made (what exactly was said, kept internally), the applicant
told, the case closed with an outcome that agrees with the record, and what comes after closure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.cases import queries, schemas, timing
from disclosure_service.cases.casefile import CaseFile, DisclosureMeeting, Person
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.spec import ActionForm, ActionSpec, Answers, Staff, fixed
from disclosure_service.cases.steps.common import close_record
from disclosure_service.cases.vocabulary import Outcome, PostClosureKind, ReviewDecision, Stage
from disclosure_service.cases.workflow import Action, Rule, closing_problems, needs
from disclosure_service.dates import long_date
from disclosure_service.disclosures import sandbox, store
from disclosure_service.disclosures.steps.meeting import after_decision
from disclosure_service.web.formspec import Field

TOLD_METHODS = [("in_person", "In person"), ("phone", "By telephone"), ("letter", "By letter")]


def _disclosure_follows(ctx: Context, meeting: DisclosureMeeting) -> tuple[datetime, str]:
    """The event a disclosure made must come after: the signature, a review to proceed, or the meeting."""
    latest = (meeting.held_at or ctx.now, "the meeting was held")
    for response in ctx.case.undertaking_responses:
        if response.response == "signed" and response.meeting == meeting.id:
            latest = max(latest, (response.happened_at, "the undertaking was signed"))
    for review in ctx.case.refusal_reviews:
        if review.decision == ReviewDecision.proceed.value:
            latest = max(latest, (review.decided_at, "the decision to proceed"))
    return latest


async def _made(ctx: Context, data: schemas.DisclosureMadeIn) -> Result:
    meeting = ctx.case.latest_meeting
    if meeting is None or meeting.held_at is None:  # the rules required a meeting held
        raise refuse("Record the disclosure meeting first", "made_at")
    after, after_what = _disclosure_follows(ctx, meeting)
    problems = Problems()
    problems.check(
        "made_at", timing.moment_problem(data.made_at, "The time", now=ctx.now, after=after, after_what=after_what)
    )
    problems.raise_any()
    await ctx.add(
        "disclosure",
        meeting=meeting.id,
        recipient=meeting.recipient,
        made_at=data.made_at,
        what_was_disclosed=data.what_was_disclosed,
        subject_told=data.subject_told,
        notes=data.notes,
    )
    applicant = ctx.case.applicant
    message = "Disclosure recorded as made"
    if applicant is not None and applicant.id != meeting.recipient:
        message += ": now tell the applicant the case is complete (nothing about what was disclosed)"
    return Result(
        message,
        {"meeting_id": meeting.id, "subject_told": data.subject_told},
        operation=Operation.disclosure,
        recipients=meeting.recipient_name,
    )


def _authorised_wording(case: CaseFile, answers: Answers) -> dict[str, list[str]]:
    wording = case.recommendation.disclosure_wording if case.recommendation else ""
    return {"what_was_disclosed": [wording]} if wording else {}


MADE = ActionSpec(
    Action.record_disclosure_made,
    "Record the disclosure as made",
    Rule(
        frozenset({Stage.disclosure}),
        requires=(
            needs(lambda f: f.disclosure_meeting_recorded, "Record the disclosure meeting first"),
            needs(
                lambda f: f.undertaking.allows_disclosure,
                "The undertaking must be signed, or its refusal reviewed by a supervisor, before the "
                "disclosure is recorded as made",
            ),
            needs(lambda f: not f.disclosure_made, "The disclosure has already been recorded as made"),
        ),
        not_at="A disclosure is recorded as made after it is authorised",
    ),
    schemas.DisclosureMadeIn,
    _made,
    ActionForm(
        fixed(
            Field("made_at", "When", "datetime", message="Enter the date and time of the disclosure"),
            Field(
                "what_was_disclosed",
                "Exactly what was disclosed",
                "textarea",
                hint="Starts from the authorised wording: change it to what was actually said. An internal "
                "record: it is never produced as a document for the recipient.",
                message="Record exactly what was disclosed",
            ),
            Field(
                "subject_told",
                "Has the subject been, or will they be, told?",
                "yesno",
                message="Select yes if the subject has been, or will be, told",
            ),
            Field("notes", "Notes", "textarea", required=False),
        ),
        prefill=_authorised_wording,
    ),
)


async def _letter(ctx: Context, applicant: Person, advice: str) -> int:
    language = "cy" if applicant.preferred_language.strip().lower() in ("welsh", "cymraeg", "cy") else "en"
    template = await store.active_template(ctx.conn, ctx.principal.force_id, "non_disclosure_letter", language, ctx.now)
    context = {
        "reference": ctx.case.reference,
        "force_name": await queries.force_name(ctx.conn, ctx.principal.force_id),
        "applicant_name": applicant.full_name,
        "applicant_address": applicant.address,
        "letter_date": long_date(ctx.now, language),
        "officer_name": ctx.principal.display_name,
        "safeguarding_advice": advice,
        "template_version": str(template.version),
    }
    content = await sandbox.render(template.content, context)
    return await ctx.add(
        "generated_document",
        by="generated_by",
        at="generated_at",
        template=template.id,
        kind="non_disclosure_letter",
        language=language,
        filename=f"letter-{ctx.case.reference}-{language}-v{template.version}.docx",
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        recipient_name=applicant.full_name,
    )


async def _told(ctx: Context, data: schemas.ApplicantToldIn) -> Result:
    applicant = ctx.case.applicant
    if applicant is None:
        raise refuse("The application has no applicant to tell", "method")
    complete = ctx.case.stage is Stage.disclosure
    after, after_what = (
        (ctx.case.disclosures[-1].made_at, "the disclosure was made")
        if complete
        else (after_decision(ctx), "the decision")
    )
    problems = Problems()
    problems.check(
        "told_at", timing.moment_problem(data.told_at, "The time", now=ctx.now, after=after, after_what=after_what)
    )
    if data.method == "letter" and complete:
        problems.check("method", "Tell the applicant in person or by telephone that the case is complete")
    elif data.method == "letter" and not applicant.letters_ok:
        problems.check("method", "The applicant did not agree to letters: tell them in person or by telephone")
    problems.raise_any()
    letter_id = await _letter(ctx, applicant, data.safeguarding_advice) if data.method == "letter" else None
    await ctx.add(
        "applicant_notification",
        kind="case_complete" if complete else "non_disclosure",
        told_at=data.told_at,
        method=data.method,
        safeguarding_advice=data.safeguarding_advice,
        letter=letter_id,
    )
    return Result(
        "Applicant told; the letter is ready to download" if letter_id else "Applicant told",
        {"method": data.method, "letter_id": letter_id, "case_complete": complete},
        operation=Operation.disclosure if letter_id else None,
        recipients=applicant.full_name if letter_id else "",
    )


TOLD = ActionSpec(
    Action.record_applicant_told,
    "Record that the applicant was told",
    Rule(
        frozenset({Stage.disclosure, Stage.non_disclosure}),
        requires=(
            needs(
                lambda f: f.stage is Stage.non_disclosure or f.disclosure_made,
                "The applicant is told the case is complete once the disclosure has been made",
            ),
            needs(
                lambda f: f.stage is Stage.non_disclosure or not f.recipient_is_applicant,
                "The applicant received the disclosure themselves",
            ),
            needs(lambda f: not f.applicant_told, "The applicant has already been told"),
        ),
        not_at="The applicant is told once the decision is carried out",
    ),
    schemas.ApplicantToldIn,
    _told,
    ActionForm(
        fixed(
            Field("told_at", "When", "datetime", message="Enter the date and time the applicant was told"),
            Field(
                "method",
                "How",
                "radios",
                options=TOLD_METHODS,
                message="Select how the applicant was told",
                hint="A letter only if they agreed to be written to; it is generated from the force's template",
            ),
            Field(
                "safeguarding_advice",
                "General safeguarding advice given",
                "textarea",
                message="Enter the general safeguarding advice given",
            ),
        ),
        intro="The applicant is told that the police have considered the application; nothing about the subject.",
    ),
)


def close(outcomes: Mapping[Stage, tuple[Outcome, ...]]) -> ActionSpec:
    """Closing the case, with one of the `outcomes` the scheme offers at the stage it closes from."""

    async def handler(ctx: Context, data: schemas.CloseIn) -> Result:
        problems = Problems()
        for problem in closing_problems(
            data.outcome,
            ctx.case.facts(),
            allowed=outcomes.get(ctx.case.stage, ()),
            action_taken=data.onward_referrals,
            notes=data.notes,
        ):
            problems.check("outcome", problem)
        if data.retention_review_on is not None and data.retention_review_on <= timing.london_today(ctx.now):
            problems.check("retention_review_on", "The date to review keeping the record must be in the future")
        problems.raise_any()
        await close_record(
            ctx, data.outcome, notes=data.notes, referrals=data.onward_referrals, review_on=data.retention_review_on
        )
        return Result(f"Case closed: {data.outcome.label}", {"outcome": data.outcome.value}, outcome=data.outcome)

    def fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
        return (
            Field("outcome", "Outcome", "radios", options=[(o.value, o.label) for o in outcomes.get(case.stage, ())]),
            Field(
                "onward_referrals",
                "Onward referrals and other safeguarding action",
                "textarea",
                required=False,
                when=("outcome", Outcome.other_safeguarding_action.value),
                needed_if="Needed for ‘Other safeguarding action only’",
                message="Say what other safeguarding action was taken",
            ),
            Field("notes", "Notes", "textarea", required=False),
            Field(
                "retention_review_on",
                "Review whether to keep the record by",
                "date",
                required=False,
                hint="Leave empty for six years from today",
            ),
        )

    return ActionSpec(
        Action.close,
        "Close the case",
        Rule(
            frozenset(outcomes),
            Stage.closed,
            requires=(
                needs(
                    lambda f: f.stage is not Stage.disclosure or f.disclosure_made,
                    "The case cannot be closed until the undertaking is signed (or its refusal reviewed) "
                    "and the disclosure recorded as made",
                ),
                needs(
                    lambda f: f.applicant_told or (f.stage is Stage.disclosure and f.recipient_is_applicant),
                    "Record that the applicant was told before closing the case",
                ),
            ),
            not_at="A case is closed after the disclosure is made or the applicant is told",
        ),
        schemas.CloseIn,
        handler,
        ActionForm(
            fields,
            "Close the case",
            intro="The outcome must agree with the record: a disclosure outcome needs a disclosure made, "
            "and ‘No trace’ needs every check returned with nothing found.",
        ),
    )


async def _record_after(
    ctx: Context, kind: PostClosureKind, when: datetime, time_field: str, follows: tuple[datetime, str], **fields: str
) -> int:
    """Something recorded on the case without reopening it: not in the future, nor before what it follows."""
    after, after_what = follows
    problems = Problems()
    problems.check(time_field, timing.moment_problem(when, "The time", now=ctx.now, after=after, after_what=after_what))
    problems.raise_any()
    return await ctx.add("post_closure_event", kind=kind.value, occurred_at=when, **fields)


async def _breach(ctx: Context, data: schemas.BreachIn) -> Result:
    event_id = await _record_after(
        ctx,
        PostClosureKind.breach,
        data.reported_at,
        "reported_at",
        (ctx.case.disclosures[-1].made_at, "the disclosure was made"),  # the rules required one
        reported_by=data.reported_by,
        details=data.what_was_passed_on,
        action_taken=data.action_taken,
        referral=data.referral,
    )
    return Result("Breach of the undertaking recorded", {"event_id": event_id, "kind": PostClosureKind.breach.value})


async def _after_closure(ctx: Context, data: schemas.PostClosureEventIn) -> Result:
    if data.kind is PostClosureKind.breach:
        raise refuse("Record a breach of the undertaking with ‘Record a breach of the undertaking’", "kind")
    event_id = await _record_after(
        ctx,
        data.kind,
        data.occurred_at,
        "occurred_at",
        (ctx.case.record.received_at, "the application was received"),
        reported_by=data.reported_by,
        details=data.details,
        action_taken=data.action_taken,
        referral="",
    )
    return Result(f"Recorded: {data.kind.label.lower()}", {"event_id": event_id, "kind": data.kind.value})


BREACH = ActionSpec(
    Action.record_breach,
    "Record a breach of the undertaking",
    # Recorded by anyone who may read the case, without reopening its stages.
    Rule(
        frozenset({Stage.disclosure, Stage.closed}),
        holder_only=False,
        requires=(
            needs(
                lambda f: f.disclosure_made,
                "Only a disclosure that was made can be passed on: nothing was disclosed on this case",
            ),
        ),
        not_at="A breach can be recorded once the disclosure has been made",
    ),
    schemas.BreachIn,
    _breach,
    ActionForm(
        fixed(
            Field("reported_at", "When it was reported", "datetime", message="Enter the date and time it was reported"),
            Field(
                "reported_by",
                "Who reported it",
                hint="For example: the subject's probation officer",
                message="Enter who reported it",
            ),
            Field(
                "what_was_passed_on",
                "What was passed on, and to whom",
                "textarea",
                message="Enter what was passed on, and to whom",
            ),
            Field("action_taken", "Action taken", "textarea", message="Enter the action taken"),
            Field("referral", "Referral", "textarea", required=False),
        ),
        "Record breach",
        intro="Recorded on the case without reopening it.",
    ),
)

AFTER_CLOSURE = ActionSpec(
    Action.record_post_closure_event,
    "Record something after closure",
    Rule(frozenset({Stage.closed}), holder_only=False, not_at="Use this once the case is closed"),
    schemas.PostClosureEventIn,
    _after_closure,
    ActionForm(
        fixed(
            Field(
                "kind",
                "What happened",
                "radios",
                message="Select what happened",
                options=[(k.value, k.label) for k in PostClosureKind if k is not PostClosureKind.breach],
            ),
            Field("occurred_at", "When", "datetime", message="Enter the date and time it happened"),
            Field("reported_by", "Who reported it", required=False),
            Field("details", "Details", "textarea", message="Enter the details"),
            Field("action_taken", "Action taken", "textarea", required=False),
        ),
        intro="Recorded on the case without reopening it.",
    ),
)

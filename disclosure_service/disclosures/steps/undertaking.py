"""The confidentiality undertaking: generated for the meeting that stands, then signed or refused at
it; a refusal goes to a supervisor, who decides whether the disclosure should still take place."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from disclosure_service import files
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.cases import queries, schemas, timing
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.forms import RATIONALE, recipients
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.spec import ActionForm, ActionSpec, Staff, fixed, no_fields
from disclosure_service.cases.steps.common import close_record, insert_review
from disclosure_service.cases.vocabulary import Outcome, PersonRole, ReviewDecision, Stage
from disclosure_service.cases.workflow import SUPERVISORS, Action, Rule, UndertakingStatus, needs
from disclosure_service.dates import clock_time, long_date
from disclosure_service.disclosures import sandbox, store
from disclosure_service.web.formspec import Field

DISCLOSING = frozenset({Stage.disclosure})


async def _generate(ctx: Context, data: schemas.ActionIn) -> Result:
    meeting = ctx.case.latest_meeting
    if meeting is None:  # the rules required one
        raise refuse("Arrange the disclosure meeting first", "version")
    template = await store.active_template(ctx.conn, ctx.principal.force_id, "undertaking", meeting.language, ctx.now)
    children = ", ".join(p.full_name for p in ctx.case.people_in(PersonRole.child)) or "Not named"
    context = {
        "reference": ctx.case.reference,
        "force_name": await queries.force_name(ctx.conn, ctx.principal.force_id),
        "recipient_name": meeting.recipient_name,
        "child_names": children,
        "meeting_date": long_date(meeting.scheduled_for, meeting.language),
        "meeting_time": clock_time(meeting.scheduled_for, meeting.language),
        "meeting_place": meeting.location,
        "officers": meeting.officers,
        "template_version": str(template.version),
    }
    crest = await queries.force_crest(ctx.conn, ctx.principal.force_id)
    content = await sandbox.render(template.content, context, crest=crest)
    document_id = await ctx.add(
        "generated_document",
        by="generated_by",
        at="generated_at",
        meeting=meeting.id,
        template=template.id,
        kind="undertaking",
        language=meeting.language,
        filename=f"undertaking-{ctx.case.reference}-{meeting.language}-v{template.version}.docx",
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        recipient_name=meeting.recipient_name,
    )
    return Result(
        "Undertaking generated",
        {"document_id": document_id, "template_version": template.version, "language": meeting.language},
        operation=Operation.disclosure,
        recipients=meeting.recipient_name,
    )


GENERATE = ActionSpec(
    Action.generate_undertaking,
    "Generate the undertaking",
    # Generated before the meeting (officers take it with them) or at it; never after it is signed.
    Rule(
        DISCLOSING,
        requires=(
            needs(
                lambda f: f.meeting_pending or f.disclosure_meeting_recorded,
                "Arrange the disclosure meeting first: the undertaking names its date, place and officers",
            ),
            needs(lambda f: f.undertaking is not UndertakingStatus.signed, "The undertaking is already signed"),
            needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
        ),
        not_at="The undertaking is generated for an authorised disclosure",
    ),
    schemas.ActionIn,
    _generate,
    ActionForm(
        no_fields,
        "Generate undertaking",
        intro="A Word document pre-filled with the case reference, the recipient, the children, the meeting's "
        "date, place and officers, and the three warnings, for the recipient to sign at the meeting. "
        "It does not contain what is disclosed.",
    ),
    step_up=True,
)


def _scan(data: schemas.SignedIn) -> tuple[bytes | None, str]:
    if not data.scan_base64:
        return None, ""
    scan = files.decode(data.scan_base64)
    if scan is None:
        raise refuse("The scan could not be read", "scan")
    if len(scan) > files.MAX_BYTES:
        raise refuse("The scan must be 10 MB or smaller", "scan")
    content_type = files.kind_of(scan, data.scan_filename)
    if content_type not in files.SCAN_KINDS:
        raise refuse("The scan must be a PDF, JPEG or PNG", "scan")
    return scan, content_type


async def _respond(ctx: Context, response: str, happened_at: datetime, **fields: Any) -> int:
    """The recipient's response at the meeting that stands: signed or refused."""
    meeting = ctx.case.latest_meeting
    if meeting is None or meeting.held_at is None:  # the rules required a meeting held
        raise refuse("Record the disclosure meeting first", "happened_at")
    problems = Problems()
    problems.check(
        "happened_at",
        timing.moment_problem(
            happened_at, "The time", now=ctx.now, after=meeting.held_at, after_what="the meeting was held"
        ),
    )
    problems.raise_any()
    scan: bytes | None = fields.get("scan")
    return await ctx.add(
        "undertaking_outcome",
        meeting=meeting.id,
        outcome=response,
        happened_at=happened_at,
        witness=fields.get("witness", ""),
        reason=fields.get("reason", ""),
        recipient_words=fields.get("recipient_words", ""),
        scan=scan,
        scan_filename=fields.get("scan_filename", ""),
        scan_content_type=fields.get("scan_content_type", ""),
        scan_sha256=hashlib.sha256(scan).hexdigest() if scan else "",
    )


async def _signed(ctx: Context, data: schemas.SignedIn) -> Result:
    scan, content_type = _scan(data)
    response_id = await _respond(
        ctx,
        "signed",
        data.happened_at,
        witness=data.witness,
        scan=scan,
        scan_filename=data.scan_filename[:200] if scan else "",
        scan_content_type=content_type,
    )
    return Result("Undertaking recorded as signed", {"outcome_id": response_id, "scan": scan is not None})


HELD_AND_GENERATED = (
    needs(lambda f: f.disclosure_meeting_recorded, "Record the disclosure meeting first"),
    needs(
        lambda f: f.undertaking_generated,
        "Generate the undertaking for this meeting first: the signed copy must name this meeting",
    ),
)

SIGNED = ActionSpec(
    Action.undertaking_signed,
    "Record the undertaking as signed",
    Rule(
        DISCLOSING,
        requires=(
            *HELD_AND_GENERATED,
            needs(lambda f: f.undertaking is not UndertakingStatus.signed, "The undertaking is already signed"),
            needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
        ),
        not_at="The undertaking is signed at the disclosure meeting",
    ),
    schemas.SignedIn,
    _signed,
    ActionForm(
        fixed(
            Field("happened_at", "When it was signed", "datetime", message="Enter the date and time it was signed"),
            Field(
                "witness",
                "Witnessed by",
                hint="The officer who saw it signed",
                message="Enter the officer who witnessed the signature",
            ),
            Field(
                "scan",
                "Scan of the signed copy",
                "file",
                required=False,
                hint="PDF, JPEG or PNG, 10 MB or smaller. It is stored with a fingerprint (SHA-256).",
                max_bytes=files.MAX_BYTES,
            ),
        ),
    ),
)


async def _refused(ctx: Context, data: schemas.RefusedIn) -> Result:
    response_id = await _respond(
        ctx, "refused", data.happened_at, reason=data.reason, recipient_words=data.recipient_words
    )
    return Result(
        "Refusal recorded: a supervisor must now decide whether the disclosure should still take place",
        {"outcome_id": response_id},
    )


REFUSED = ActionSpec(
    Action.undertaking_refused,
    "Record that the undertaking was refused",
    Rule(
        DISCLOSING,
        Stage.undertaking_review,
        requires=(
            needs(lambda f: f.disclosure_meeting_recorded, "Record the disclosure meeting first"),
            needs(
                lambda f: f.undertaking_generated,
                "Generate the undertaking for this meeting first: a refusal is a refusal to sign it",
            ),
            needs(
                lambda f: f.undertaking is UndertakingStatus.none,
                "The undertaking has already been signed, or its refusal reviewed, for this meeting",
            ),
            needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
        ),
        not_at="A refusal is recorded at the disclosure meeting",
    ),
    schemas.RefusedIn,
    _refused,
    ActionForm(
        fixed(
            Field("happened_at", "When", "datetime", message="Enter the date and time of the refusal"),
            Field("reason", "Why they refused", "textarea", message="Record why they refused"),
            Field("recipient_words", "What they said, in their own words", "textarea", required=False),
        ),
        "Record refusal",
        warning="Nothing more can be disclosed until a supervisor decides whether the disclosure should still "
        "take place.",
    ),
)

REVIEW_MESSAGES = {
    ReviewDecision.proceed: "Decided to proceed with the disclosure without a signed undertaking",
    ReviewDecision.other_recipient: "Decided to disclose to another best-placed person: arrange a new meeting",
    ReviewDecision.retry: "Decided to try the undertaking again: arrange a new meeting",
}


async def _review(ctx: Context, data: schemas.ReviewIn) -> Result:
    refusal = ctx.case.latest_refusal
    if refusal is None:  # the stage is only reached through one
        raise refuse("There is no refused undertaking to review", "decision")
    decision = ReviewDecision(data.decision)
    problems = Problems()
    if decision is ReviewDecision.other_recipient:
        chosen = ctx.case.person(data.new_recipient_id)
        problems.check(
            "new_recipient_id",
            "Choose who should receive the disclosure instead"
            if data.new_recipient_id is None
            else recipient_problem(chosen, today=timing.london_today(ctx.now)),
        )
        if chosen is not None and chosen.id == ctx.case.recipient_id():
            problems.check("new_recipient_id", "Choose someone other than the person who refused to sign")
    if decision is ReviewDecision.withhold and not data.safeguarding_action.strip():
        problems.check("safeguarding_action", "Say what other safeguarding action will be taken instead")
    problems.raise_any()
    await insert_review(
        ctx,
        refusal.id,
        decision,
        data.rationale,
        new_recipient=data.new_recipient_id,
        safeguarding_action=data.safeguarding_action,
    )
    if decision is ReviewDecision.withhold:
        await close_record(
            ctx, Outcome.other_safeguarding_action, notes=data.rationale, referrals=data.safeguarding_action
        )
        return Result(
            "Disclosure withheld: the case is closed with other safeguarding action",
            {"decision": decision.value},
            to_stage=Stage.closed,
            outcome=Outcome.other_safeguarding_action,
        )
    return Result(REVIEW_MESSAGES[decision], {"decision": decision.value}, to_stage=Stage.disclosure)


def _review_fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    decisions = [(d.value, d.label) for d in ReviewDecision if d is not ReviewDecision.escalated]
    return (
        Field("decision", "Should the disclosure still take place?", "radios", options=decisions),
        RATIONALE,
        Field(
            "new_recipient_id",
            "The other best-placed person",
            "select",
            options=recipients(case),
            required=False,
            when=("decision", ReviewDecision.other_recipient.value),
            needed_if="Needed if disclosing to someone else",
            message="Choose who should receive the disclosure instead",
            hint="An adult, never the subject. Your rationale says why they are best placed",
        ),
        Field(
            "safeguarding_action",
            "The other safeguarding action taken instead",
            "textarea",
            required=False,
            when=("decision", ReviewDecision.withhold.value),
            needed_if="Needed if withholding",
            message="Say what other safeguarding action will be taken instead",
            hint="For example, a referral to children's social care",
        ),
    )


REVIEW = ActionSpec(
    Action.review_refusal,
    "Decide on the refused undertaking",
    Rule(frozenset({Stage.undertaking_review}), roles=SUPERVISORS, not_at="Only a refused undertaking is reviewed"),
    schemas.ReviewIn,
    _review,
    ActionForm(_review_fields, "Record decision"),
    step_up=True,
    supervisor_decision=True,
)

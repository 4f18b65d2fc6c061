"""The case actions after the decision: the disclosure meeting, the undertaking (signed, or refused
and reviewed), the disclosure made, telling the applicant, and closing the case."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.cases import schemas, timing
from disclosure_service.cases.actions import Context, Handler, Problems, Result, close_record, insert_review, refuse
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.vocabulary import (
    MeetingStatus,
    Outcome,
    PersonRole,
    PostClosureKind,
    ReviewDecision,
    Stage,
)
from disclosure_service.cases.workflow import Action, closing_problems
from disclosure_service.disclosures import documents
from disclosure_service.web.formatting import clock_time, long_date

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}


def _person(ctx: Context, person_id: int | None) -> Any:
    return next((p for p in ctx.case.people if p.id == person_id), None)


def _after_decision(ctx: Context) -> datetime:
    decided = ctx.case.decided_at()
    return decided if decided is not None else ctx.case.record.received_at


def _arrangement(
    ctx: Context, data: schemas.ScheduleMeetingIn | schemas.RearrangeMeetingIn, problems: Problems
) -> None:
    problems.check(
        "scheduled_for",
        timing.appointment_problem(
            data.scheduled_for,
            "The meeting",
            not_before=_after_decision(ctx),
            not_before_what="the decision to disclose",
            now=ctx.now,
        ),
    )


async def _schedule_meeting(ctx: Context, data: schemas.ScheduleMeetingIn) -> Result:
    recipient = ctx.case.recipient_id()
    problems = Problems()
    if data.recipient_id is not None and data.recipient_id != recipient:
        # The recipient is the one authorised (or chosen at a review), not whoever is typed here.
        problems.check(
            "recipient_id",
            "The disclosure was authorised for someone else: a different recipient needs a supervisor's decision",
        )
    problems.check("recipient_id", recipient_problem(_person(ctx, recipient), today=timing.london_today(ctx.now)))
    _arrangement(ctx, data, problems)
    problems.raise_any()
    meeting_id = await _insert_meeting(ctx, data, recipient)
    return Result("Disclosure meeting arranged", {"meeting_id": meeting_id, "language": data.language})


async def _insert_meeting(
    ctx: Context,
    data: schemas.ScheduleMeetingIn | schemas.RearrangeMeetingIn,
    recipient: int | None,
    replaces: int | None = None,
) -> int:
    meeting_id: int = await ctx.conn.fetchval(
        'INSERT INTO disclosure_meeting ("force", application, recipient, scheduled_for, location, officers, '
        "identity_recheck, language, status, replaces, change_reason, notes, scheduled_by, scheduled_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'arranged', $9, '', '', $10, $11) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        recipient,
        data.scheduled_for,
        data.location,
        data.officers,
        data.identity_recheck,
        data.language,
        replaces,
        ctx.principal.user_id,
        ctx.now,
    )
    return meeting_id


async def _set_aside(ctx: Context, meeting_id: int, status: MeetingStatus, reason: str) -> None:
    await ctx.conn.execute(
        "UPDATE disclosure_meeting SET status = $2, change_reason = $3, changed_by = $4, changed_at = $5 WHERE id = $1",
        meeting_id,
        status.value,
        reason,
        ctx.principal.user_id,
        ctx.now,
    )


def _pending(ctx: Context) -> Any:
    meeting = ctx.case.latest_meeting
    if meeting is None or meeting.status != MeetingStatus.arranged.value:  # the rules required one
        raise refuse("There is no arranged meeting", "reason")
    return meeting


async def _rearrange_meeting(ctx: Context, data: schemas.RearrangeMeetingIn) -> Result:
    """The meeting as arranged is kept; a new one replaces it (its undertaking must be generated again)."""
    meeting = _pending(ctx)
    problems = Problems()
    _arrangement(ctx, data, problems)
    problems.raise_any()
    await _set_aside(ctx, meeting.id, MeetingStatus.rearranged, data.reason)
    new_id = await _insert_meeting(ctx, data, meeting.recipient, replaces=meeting.id)
    return Result(
        "Disclosure meeting rearranged: generate the undertaking again for the new date",
        {"meeting_id": new_id, "replaces": meeting.id},
    )


async def _cancel_meeting(ctx: Context, data: schemas.ReasonIn) -> Result:
    meeting = _pending(ctx)
    await _set_aside(ctx, meeting.id, MeetingStatus.cancelled, data.reason)
    return Result("Disclosure meeting cancelled", {"meeting_id": meeting.id})


async def _record_meeting(ctx: Context, data: schemas.DisclosureMeetingIn) -> Result:
    meeting = _pending(ctx)
    problems = Problems()
    problems.check(
        "held_at",
        timing.moment_problem(
            data.held_at,
            "The time of the meeting",
            now=ctx.now,
            after=_after_decision(ctx),
            after_what="the decision to disclose",
        ),
    )
    if not data.identity_confirmed:
        problems.check(
            "identity_confirmed",
            "The recipient's identity must be checked again before anything is disclosed: if it could not be, "
            "cancel or rearrange the meeting",
        )
    for given, field, words in (
        (data.purpose_explained, "purpose_explained", "that the information may only be used to safeguard children"),
        (
            data.confidentiality_explained,
            "confidentiality_explained",
            "that it is confidential and they will be asked to sign an undertaking",
        ),
        (data.legal_warning_given, "legal_warning_given", "that legal proceedings could follow a breach"),
    ):
        if not given:
            problems.check(field, f"The recipient must be told {words} before anything is disclosed")
    problems.raise_any()
    await ctx.conn.execute(
        "UPDATE disclosure_meeting SET status = 'held', held_at = $2, identity_confirmed = $3, purpose_explained = $4, "
        "confidentiality_explained = $5, legal_warning_given = $6, safety_advice_given = $7, support_given = $8, "
        "notes = $9, recorded_by = $10 WHERE id = $1",
        meeting.id,
        data.held_at,
        data.identity_confirmed,
        data.purpose_explained,
        data.confidentiality_explained,
        data.legal_warning_given,
        data.safety_advice_given,
        data.support_given,
        data.notes,
        ctx.principal.user_id,
    )
    return Result(
        "Disclosure meeting recorded: now record whether the undertaking was signed or refused",
        {"meeting_id": meeting.id},
    )


async def _generate_undertaking(ctx: Context, data: schemas.ActionIn) -> Result:
    meeting = ctx.case.latest_meeting
    if meeting is None:
        raise refuse("Arrange the disclosure meeting first", "version")
    template = await documents.active_template(
        ctx.conn, ctx.principal.force_id, "undertaking", meeting.language, ctx.now
    )
    children = ", ".join(p.full_name for p in ctx.case.people_in(PersonRole.child)) or "Not named"
    force_name = await ctx.conn.fetchval("SELECT name FROM force WHERE id = $1", ctx.principal.force_id)
    context = {
        "reference": ctx.case.reference,
        "force_name": force_name,
        "recipient_name": meeting.recipient_name,
        "child_names": children,
        "meeting_date": long_date(meeting.scheduled_for, meeting.language),
        "meeting_time": clock_time(meeting.scheduled_for, meeting.language),
        "meeting_place": meeting.location,
        "officers": meeting.officers,
        "template_version": str(template.version),
    }
    content = await documents.render_async(template.content, context)
    filename = f"undertaking-{ctx.case.reference}-{meeting.language}-v{template.version}.docx"
    document_id = await ctx.conn.fetchval(
        'INSERT INTO generated_document ("force", application, meeting, template, kind, language, filename, sha256, '
        "content, recipient_name, generated_by, generated_at) "
        "VALUES ($1, $2, $3, $4, 'undertaking', $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        meeting.id,
        template.id,
        meeting.language,
        filename,
        hashlib.sha256(content).hexdigest(),
        content,
        meeting.recipient_name,
        ctx.principal.user_id,
        ctx.now,
    )
    return Result(
        "Undertaking generated",
        {"document_id": document_id, "template_version": template.version, "language": meeting.language},
        operation=Operation.disclosure,
        recipients=meeting.recipient_name,
    )


def _scan(data: schemas.SignedIn) -> tuple[bytes | None, str]:
    if not data.scan_base64:
        return None, ""
    try:
        scan = base64.b64decode(data.scan_base64, validate=True)
    except (binascii.Error, ValueError):
        raise refuse("The scan could not be read", "scan") from None
    if len(scan) > MAX_SCAN_BYTES:
        raise refuse("The scan must be 10 MB or smaller", "scan")
    content_type = next((kind for magic, kind in SCAN_TYPES.items() if scan.startswith(magic)), None)
    if content_type is None:
        raise refuse("The scan must be a PDF, JPEG or PNG", "scan")
    return scan, content_type


async def _outcome(ctx: Context, outcome: str, happened_at: datetime, **fields: Any) -> int:
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
    outcome_id: int = await ctx.conn.fetchval(
        'INSERT INTO undertaking_outcome ("force", application, meeting, outcome, happened_at, witness, reason, '
        "recipient_words, scan, scan_filename, scan_content_type, scan_sha256, recorded_by, recorded_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        meeting.id,
        outcome,
        happened_at,
        fields.get("witness", ""),
        fields.get("reason", ""),
        fields.get("recipient_words", ""),
        fields.get("scan"),
        fields.get("scan_filename", ""),
        fields.get("scan_content_type", ""),
        hashlib.sha256(fields["scan"]).hexdigest() if fields.get("scan") else "",
        ctx.principal.user_id,
        ctx.now,
    )
    return outcome_id


async def _signed(ctx: Context, data: schemas.SignedIn) -> Result:
    scan, content_type = _scan(data)
    outcome_id = await _outcome(
        ctx,
        "signed",
        data.happened_at,
        witness=data.witness,
        scan=scan,
        scan_filename=data.scan_filename[:200] if scan else "",
        scan_content_type=content_type,
    )
    return Result("Undertaking recorded as signed", {"outcome_id": outcome_id, "scan": scan is not None})


async def _refused(ctx: Context, data: schemas.RefusedIn) -> Result:
    outcome_id = await _outcome(
        ctx, "refused", data.happened_at, reason=data.reason, recipient_words=data.recipient_words
    )
    return Result(
        "Refusal recorded: a supervisor must now decide whether the disclosure should still take place",
        {"outcome_id": outcome_id},
    )


async def _review(ctx: Context, data: schemas.ReviewIn) -> Result:
    refusal = next((o for o in reversed(ctx.case.undertaking_responses) if o.response == "refused"), None)
    if refusal is None:
        raise refuse("There is no refused undertaking to review", "decision")
    decision = ReviewDecision(data.decision)
    problems = Problems()
    if decision is ReviewDecision.other_recipient:
        chosen = _person(ctx, data.new_recipient_id)
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
    messages = {
        ReviewDecision.proceed: "Decided to proceed with the disclosure without a signed undertaking",
        ReviewDecision.other_recipient: "Decided to disclose to another best-placed person: arrange a new meeting",
        ReviewDecision.retry: "Decided to try the undertaking again: arrange a new meeting",
    }
    return Result(messages[decision], {"decision": decision.value}, to_stage=Stage.disclosure)


def _disclosure_follows(ctx: Context, meeting: Any) -> tuple[datetime, str]:
    """The event a disclosure made must come after: the signature, a review to proceed, or the meeting."""
    latest = (meeting.held_at, "the meeting was held")
    for outcome in ctx.case.undertaking_responses:
        if outcome.response == "signed" and outcome.meeting == meeting.id:
            latest = max(latest, (outcome.happened_at, "the undertaking was signed"))
    for review in ctx.case.refusal_reviews:
        if review.decision == ReviewDecision.proceed.value:
            latest = max(latest, (review.decided_at, "the decision to proceed"))
    return latest


async def _disclosure_made(ctx: Context, data: schemas.DisclosureMadeIn) -> Result:
    meeting = ctx.case.latest_meeting
    if meeting is None or meeting.held_at is None:  # the rules required a meeting held
        raise refuse("Record the disclosure meeting first", "made_at")
    after, after_what = _disclosure_follows(ctx, meeting)
    problems = Problems()
    problems.check(
        "made_at", timing.moment_problem(data.made_at, "The time", now=ctx.now, after=after, after_what=after_what)
    )
    problems.raise_any()
    await ctx.conn.execute(
        'INSERT INTO disclosure ("force", application, meeting, recipient, made_at, what_was_disclosed, subject_told, '
        "notes, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        ctx.principal.force_id,
        ctx.case.id,
        meeting.id,
        meeting.recipient,
        data.made_at,
        data.what_was_disclosed,
        data.subject_told,
        data.notes,
        ctx.principal.user_id,
        ctx.now,
    )
    applicant = next(iter(ctx.case.people_in(PersonRole.applicant)), None)
    message = "Disclosure recorded as made"
    if applicant is not None and applicant.id != meeting.recipient:
        message += ": now tell the applicant the case is complete (nothing about what was disclosed)"
    return Result(
        message,
        {"meeting_id": meeting.id, "subject_told": data.subject_told},
        operation=Operation.disclosure,
        recipients=meeting.recipient_name,
    )


async def _applicant_told(ctx: Context, data: schemas.ApplicantToldIn) -> Result:
    applicant = next(iter(ctx.case.people_in(PersonRole.applicant)), None)
    if applicant is None:
        raise refuse("The application has no applicant to tell", "method")
    complete = ctx.case.stage is Stage.disclosure
    after, after_what = (
        (ctx.case.disclosures[-1].made_at, "the disclosure was made")
        if complete
        else (_after_decision(ctx), "the decision")
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
    await ctx.conn.execute(
        'INSERT INTO applicant_notification ("force", application, kind, told_at, method, safeguarding_advice, letter, '
        "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        ctx.principal.force_id,
        ctx.case.id,
        "case_complete" if complete else "non_disclosure",
        data.told_at,
        data.method,
        data.safeguarding_advice,
        letter_id,
        ctx.principal.user_id,
        ctx.now,
    )
    message = "Applicant told; the letter is ready to download" if letter_id else "Applicant told"
    return Result(
        message,
        {"method": data.method, "letter_id": letter_id, "case_complete": complete},
        operation=Operation.disclosure if letter_id else None,
        recipients=applicant.full_name if letter_id else "",
    )


async def _letter(ctx: Context, applicant: Any, advice: str) -> int:
    language = "cy" if applicant.preferred_language.strip().lower() in ("welsh", "cymraeg", "cy") else "en"
    template = await documents.active_template(
        ctx.conn, ctx.principal.force_id, "non_disclosure_letter", language, ctx.now
    )
    force_name = await ctx.conn.fetchval("SELECT name FROM force WHERE id = $1", ctx.principal.force_id)
    context = {
        "reference": ctx.case.reference,
        "force_name": force_name,
        "applicant_name": applicant.full_name,
        "applicant_address": applicant.address,
        "letter_date": long_date(ctx.now, language),
        "officer_name": ctx.principal.display_name,
        "safeguarding_advice": advice,
        "template_version": str(template.version),
    }
    content = await documents.render_async(template.content, context)
    letter_id: int = await ctx.conn.fetchval(
        'INSERT INTO generated_document ("force", application, template, kind, language, filename, sha256, content, '
        "recipient_name, generated_by, generated_at) VALUES ($1, $2, $3, 'non_disclosure_letter', $4, $5, $6, $7, "
        "$8, $9, $10) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        template.id,
        language,
        f"letter-{ctx.case.reference}-{language}-v{template.version}.docx",
        hashlib.sha256(content).hexdigest(),
        content,
        applicant.full_name,
        ctx.principal.user_id,
        ctx.now,
    )
    return letter_id


async def _close(ctx: Context, data: schemas.CloseIn) -> Result:
    problems = Problems()
    for problem in closing_problems(
        data.outcome, ctx.case.facts(), action_taken=data.onward_referrals, notes=data.notes
    ):
        problems.check("outcome", problem)
    if data.retention_review_on is not None and data.retention_review_on <= timing.london_today(ctx.now):
        problems.check("retention_review_on", "The date to review keeping the record must be in the future")
    problems.raise_any()
    await close_record(
        ctx, data.outcome, notes=data.notes, referrals=data.onward_referrals, review_on=data.retention_review_on
    )
    return Result(f"Case closed: {data.outcome.label}", {"outcome": data.outcome.value}, outcome=data.outcome)


async def _post_closure(
    ctx: Context, kind: PostClosureKind, occurred_at: datetime, after: datetime, after_what: str, **fields: str
) -> int:
    problems = Problems()
    field = "reported_at" if kind is PostClosureKind.breach else "occurred_at"
    problems.check(
        field, timing.moment_problem(occurred_at, "The time", now=ctx.now, after=after, after_what=after_what)
    )
    problems.raise_any()
    event_id: int = await ctx.conn.fetchval(
        'INSERT INTO post_closure_event ("force", application, kind, occurred_at, reported_by, details, action_taken, '
        "referral, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        kind.value,
        occurred_at,
        fields.get("reported_by", ""),
        fields.get("details", ""),
        fields.get("action_taken", ""),
        fields.get("referral", ""),
        ctx.principal.user_id,
        ctx.now,
    )
    return event_id


async def _breach(ctx: Context, data: schemas.BreachIn) -> Result:
    made = ctx.case.disclosures[-1].made_at  # the rules required a disclosure made
    event_id = await _post_closure(
        ctx,
        PostClosureKind.breach,
        data.reported_at,
        made,
        "the disclosure was made",
        reported_by=data.reported_by,
        details=data.what_was_passed_on,
        action_taken=data.action_taken,
        referral=data.referral,
    )
    return Result("Breach of the undertaking recorded", {"event_id": event_id, "kind": PostClosureKind.breach.value})


async def _post_closure_event(ctx: Context, data: schemas.PostClosureEventIn) -> Result:
    if data.kind is PostClosureKind.breach:
        raise refuse("Record a breach of the undertaking with ‘Record a breach of the undertaking’", "kind")
    event_id = await _post_closure(
        ctx,
        data.kind,
        data.occurred_at,
        ctx.case.record.received_at,
        "the application was received",
        reported_by=data.reported_by,
        details=data.details,
        action_taken=data.action_taken,
    )
    return Result(f"Recorded: {data.kind.label.lower()}", {"event_id": event_id, "kind": data.kind.value})


DISCLOSURE_HANDLERS: dict[Action, tuple[Handler, type[Any]]] = {
    Action.schedule_disclosure_meeting: (_schedule_meeting, schemas.ScheduleMeetingIn),
    Action.rearrange_disclosure_meeting: (_rearrange_meeting, schemas.RearrangeMeetingIn),
    Action.cancel_disclosure_meeting: (_cancel_meeting, schemas.ReasonIn),
    Action.record_disclosure_meeting: (_record_meeting, schemas.DisclosureMeetingIn),
    Action.generate_undertaking: (_generate_undertaking, schemas.ActionIn),
    Action.undertaking_signed: (_signed, schemas.SignedIn),
    Action.undertaking_refused: (_refused, schemas.RefusedIn),
    Action.review_refusal: (_review, schemas.ReviewIn),
    Action.record_disclosure_made: (_disclosure_made, schemas.DisclosureMadeIn),
    Action.record_applicant_told: (_applicant_told, schemas.ApplicantToldIn),
    Action.close: (_close, schemas.CloseIn),
    Action.record_breach: (_breach, schemas.BreachIn),
    Action.record_post_closure_event: (_post_closure_event, schemas.PostClosureEventIn),
}

"""The case actions after the decision: the disclosure meeting, the undertaking (signed, or refused
and reviewed), the disclosure made, telling the applicant, and closing the case."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.cases import schemas
from disclosure_service.cases.actions import Context, Handler, Result, close_record, refuse
from disclosure_service.cases.vocabulary import Outcome, PersonRole, Stage
from disclosure_service.cases.workflow import Action
from disclosure_service.disclosures import documents
from disclosure_service.web.formatting import clock_time, long_date

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}

# The outcomes a case can close with, by the path it took.
CLOSING_OUTCOMES: dict[Stage, tuple[Outcome, ...]] = {
    Stage.disclosure: (Outcome.disclosed_child_sex_convictions, Outcome.disclosed_other_information),
    Stage.non_disclosure: (
        Outcome.no_trace,
        Outcome.held_not_disclosed,
        Outcome.other_safeguarding_action,
        Outcome.transferred,
    ),
}


def _not_in_future(moment: datetime, ctx: Context, field: str) -> None:
    if moment > ctx.now:
        raise refuse("This cannot be in the future", field)


def _recipient_id(ctx: Context) -> int | None:
    """Who the disclosure is for: a review may have chosen someone else since the recommendation."""
    for review in reversed(ctx.case.refusal_reviews):
        if review["decision"] == "other_recipient" and review["new_recipient"] is not None:
            return int(review["new_recipient"])
    recommendation = ctx.case.recommendation
    return int(recommendation["recipient"]) if recommendation and recommendation["recipient"] else None


async def _schedule_meeting(ctx: Context, data: schemas.ScheduleMeetingIn) -> Result:
    recipient = data.recipient_id or _recipient_id(ctx)
    if recipient is None or recipient not in {p["id"] for p in ctx.case.people}:
        raise refuse("Choose who will receive the disclosure", "recipient_id")
    meeting_id = await ctx.conn.fetchval(
        'INSERT INTO disclosure_meeting ("force", application, recipient, scheduled_for, location, officers, '
        "identity_recheck, language, what_was_disclosed, notes, scheduled_by, scheduled_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '', $9, $10) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        recipient,
        data.scheduled_for,
        data.location,
        data.officers,
        data.identity_recheck,
        data.language,
        ctx.principal.user_id,
        ctx.now,
    )
    return Result("Disclosure meeting arranged", {"meeting_id": meeting_id, "language": data.language})


async def _record_meeting(ctx: Context, data: schemas.DisclosureMeetingIn) -> Result:
    meeting = ctx.case.latest_meeting
    if meeting is None:  # the state machine has already required one
        raise refuse("Arrange the disclosure meeting first", "held_at")
    _not_in_future(data.held_at, ctx, "held_at")
    for given, field, words in (
        (data.purpose_explained, "purpose_explained", "that the information may only be used to safeguard children"),
        (
            data.confidentiality_explained,
            "confidentiality_explained",
            "that it is confidential and not to be passed on",
        ),
        (data.legal_warning_given, "legal_warning_given", "that legal proceedings could follow a breach"),
    ):
        if not given:
            raise refuse(f"The recipient must be told {words} before anything is disclosed", field)
    await ctx.conn.execute(
        "UPDATE disclosure_meeting SET held_at = $2, purpose_explained = $3, confidentiality_explained = $4, "
        "legal_warning_given = $5, safety_advice_given = $6, support_given = $7, what_was_disclosed = $8, "
        "subject_told = $9, notes = $10, recorded_by = $11 WHERE id = $1",
        meeting["id"],
        data.held_at,
        data.purpose_explained,
        data.confidentiality_explained,
        data.legal_warning_given,
        data.safety_advice_given,
        data.support_given,
        data.what_was_disclosed,
        data.subject_told,
        data.notes,
        ctx.principal.user_id,
    )
    return Result("Disclosure meeting recorded", {"meeting_id": meeting["id"]})


async def _generate_undertaking(ctx: Context, data: schemas.ActionIn) -> Result:
    meeting = ctx.case.latest_meeting
    if meeting is None:
        raise refuse("Arrange the disclosure meeting first", "version")
    template = await documents.active_template(
        ctx.conn, ctx.principal.force_id, "undertaking", meeting["language"], ctx.now
    )
    children = ", ".join(p["full_name"] for p in ctx.case.people_in(PersonRole.child)) or "Not named"
    force_name = await ctx.conn.fetchval("SELECT name FROM force WHERE id = $1", ctx.principal.force_id)
    context = {
        "reference": ctx.case.reference,
        "force_name": force_name,
        "recipient_name": meeting["recipient_name"],
        "child_names": children,
        "meeting_date": long_date(meeting["scheduled_for"], meeting["language"]),
        "meeting_time": clock_time(meeting["scheduled_for"], meeting["language"]),
        "meeting_place": meeting["location"],
        "officers": meeting["officers"],
        "template_version": str(template.version),
    }
    content = await documents.render_async(template.content, context)
    filename = f"undertaking-{ctx.case.reference}-{meeting['language']}-v{template.version}.docx"
    document_id = await ctx.conn.fetchval(
        'INSERT INTO generated_document ("force", application, meeting, template, kind, language, filename, sha256, '
        "content, recipient_name, generated_by, generated_at) "
        "VALUES ($1, $2, $3, $4, 'undertaking', $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        meeting["id"],
        template.id,
        meeting["language"],
        filename,
        hashlib.sha256(content).hexdigest(),
        content,
        meeting["recipient_name"],
        ctx.principal.user_id,
        ctx.now,
    )
    return Result(
        "Undertaking generated",
        {"document_id": document_id, "template_version": template.version, "language": meeting["language"]},
        operation=Operation.disclosure,
        recipients=meeting["recipient_name"],
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
    if meeting is None:
        raise refuse("Record the disclosure meeting first", "happened_at")
    _not_in_future(happened_at, ctx, "happened_at")
    outcome_id: int = await ctx.conn.fetchval(
        'INSERT INTO undertaking_outcome ("force", application, meeting, outcome, happened_at, witness, reason, '
        "recipient_words, scan, scan_filename, scan_content_type, scan_sha256, recorded_by, recorded_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        ctx.principal.force_id,
        ctx.case.id,
        meeting["id"],
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
    refusal = next((o for o in reversed(ctx.case.undertaking_outcomes) if o["outcome"] == "refused"), None)
    if refusal is None:
        raise refuse("There is no refused undertaking to review", "decision")
    if data.decision == "other_recipient" and (
        data.new_recipient_id is None or data.new_recipient_id not in {p["id"] for p in ctx.case.people}
    ):
        raise refuse("Choose who should receive the disclosure instead", "new_recipient_id")
    await ctx.conn.execute(
        'INSERT INTO refusal_review ("force", application, refusal, decision, rationale, new_recipient, '
        "decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        ctx.principal.force_id,
        ctx.case.id,
        refusal["id"],
        data.decision,
        data.rationale,
        data.new_recipient_id if data.decision == "other_recipient" else None,
        ctx.principal.user_id,
        ctx.now,
    )
    if data.decision == "withhold":
        await close_record(ctx, Outcome.other_safeguarding_action, notes=data.rationale)
        return Result(
            "Disclosure withheld: the case is closed with other safeguarding action",
            {"decision": data.decision},
            to_stage=Stage.closed,
            outcome=Outcome.other_safeguarding_action,
        )
    messages = {
        "proceed": "Decided to proceed with the disclosure without a signed undertaking",
        "other_recipient": "Decided to disclose to another best-placed person: arrange a new meeting",
        "retry": "Decided to try the undertaking again: arrange a new meeting",
    }
    return Result(messages[data.decision], {"decision": data.decision}, to_stage=Stage.disclosure)


async def _disclosure_made(ctx: Context, data: schemas.DisclosureMadeIn) -> Result:
    meeting = ctx.case.latest_meeting
    if meeting is None:
        raise refuse("Record the disclosure meeting first", "made_at")
    _not_in_future(data.made_at, ctx, "made_at")
    await ctx.conn.execute(
        'INSERT INTO disclosure ("force", application, meeting, recipient, made_at, subject_told, notes, '
        "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        ctx.principal.force_id,
        ctx.case.id,
        meeting["id"],
        meeting["recipient"],
        data.made_at,
        data.subject_told,
        data.notes,
        ctx.principal.user_id,
        ctx.now,
    )
    return Result(
        "Disclosure recorded as made",
        {"meeting_id": meeting["id"], "subject_told": data.subject_told},
        operation=Operation.disclosure,
        recipients=meeting["recipient_name"],
    )


async def _applicant_told(ctx: Context, data: schemas.ApplicantToldIn) -> Result:
    _not_in_future(data.told_at, ctx, "told_at")
    applicant = next(iter(ctx.case.people_in(PersonRole.applicant)), None)
    if applicant is None:
        raise refuse("The application has no applicant to tell", "method")
    letter_id = None
    if data.method == "letter":
        if not applicant["letters_ok"]:
            raise refuse("The applicant did not agree to letters: tell them in person or by telephone", "method")
        letter_id = await _letter(ctx, applicant, data.safeguarding_advice)
    await ctx.conn.execute(
        'INSERT INTO applicant_notification ("force", application, told_at, method, safeguarding_advice, letter, '
        "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        ctx.principal.force_id,
        ctx.case.id,
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
        {"method": data.method, "letter_id": letter_id},
        operation=Operation.disclosure if letter_id else None,
        recipients=applicant["full_name"] if letter_id else "",
    )


async def _letter(ctx: Context, applicant: Any, advice: str) -> int:
    language = "cy" if applicant["preferred_language"].strip().lower() in ("welsh", "cymraeg", "cy") else "en"
    template = await documents.active_template(
        ctx.conn, ctx.principal.force_id, "non_disclosure_letter", language, ctx.now
    )
    force_name = await ctx.conn.fetchval("SELECT name FROM force WHERE id = $1", ctx.principal.force_id)
    context = {
        "reference": ctx.case.reference,
        "force_name": force_name,
        "applicant_name": applicant["full_name"],
        "applicant_address": applicant["address"],
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
        applicant["full_name"],
        ctx.principal.user_id,
        ctx.now,
    )
    return letter_id


async def _close(ctx: Context, data: schemas.CloseIn) -> Result:
    allowed = CLOSING_OUTCOMES.get(ctx.case.stage, ())
    if data.outcome not in allowed:
        raise refuse(
            "Choose an outcome that fits how the case ended: " + ", ".join(o.label for o in allowed), "outcome"
        )
    await close_record(
        ctx, data.outcome, notes=data.notes, referrals=data.onward_referrals, review_on=data.retention_review_on
    )
    return Result(f"Case closed: {data.outcome.label}", {"outcome": data.outcome.value}, outcome=data.outcome)


DISCLOSURE_HANDLERS: dict[Action, tuple[Handler, type[Any]]] = {
    Action.schedule_disclosure_meeting: (_schedule_meeting, schemas.ScheduleMeetingIn),
    Action.record_disclosure_meeting: (_record_meeting, schemas.DisclosureMeetingIn),
    Action.generate_undertaking: (_generate_undertaking, schemas.ActionIn),
    Action.undertaking_signed: (_signed, schemas.SignedIn),
    Action.undertaking_refused: (_refused, schemas.RefusedIn),
    Action.review_refusal: (_review, schemas.ReviewIn),
    Action.record_disclosure_made: (_disclosure_made, schemas.DisclosureMadeIn),
    Action.record_applicant_told: (_applicant_told, schemas.ApplicantToldIn),
    Action.close: (_close, schemas.CloseIn),
}

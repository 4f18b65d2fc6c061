"""Load the demo forces, users and cases. Idempotent: what exists is left as it is.

Demo cases are not written straight into the tables: each is taken along its path through the
real service, one action at a time at back-dated times, so its records, clocks, timeline and audit
trail are what real use would have left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from disclosure_service.audit.writer import Caller
from disclosure_service.auth import passwords, totp
from disclosure_service.auth.service import Keys
from disclosure_service.cases import schemas, store
from disclosure_service.cases.service import Casework
from disclosure_service.cases.tables import Application
from disclosure_service.cases.vocabulary import (
    Agency,
    ContactMethod,
    Criterion,
    MeetingMethod,
    Outcome,
    PersonRole,
    Rank,
    Referral,
    RiskLevel,
    Scheme,
)
from disclosure_service.cases.workflow import Action
from disclosure_service.database import engine as db
from disclosure_service.demo.scenarios import DEMO_FORCES, DemoCase, DemoForce
from disclosure_service.identity.principal import Principal, RequestMeta, SessionStage
from disclosure_service.identity.roles import Role, UserStatus
from disclosure_service.identity.tables import Force, User
from disclosure_service.schemes import SCHEMES

# Demo accounts only: printed by `make run`. The demo commands refuse to run in production.
DEMO_PASSWORD = "Kettle-Orchard-Lantern-42"  # noqa: S105  # published on purpose
META = RequestMeta(user_agent="disclosure-service demo loader")
CASEWORK = Casework(SCHEMES)


def _as(principal: Principal) -> Caller:
    return Caller(principal, META)


# Each step: when it happens (days after receipt), who takes it, and what it records.
Step = tuple[float, str, Action, Callable[["Run"], Any]]


class Run:
    """One demo case on its way: its id, its current version, its people, and its calendar."""

    def __init__(
        self, case: DemoCase, case_id: int, version: int, received: datetime, *, path: list[str], days: dict[str, float]
    ) -> None:
        self.case, self.case_id, self.version, self.received = case, case_id, version, received
        self.path = path
        self.now = received
        self.days: dict[str, float] = {
            name: days.get(name, STEPS[name][0] if name in STEPS else LAST_DAY[name]) for name in path
        }
        self.people: dict[PersonRole, int] = {}
        self.check_ids: list[int] = []

    def when(self, day: float) -> datetime:
        """A step's time: its usual day after receipt, compressed to fit the case's age."""
        return self.received + timedelta(days=day * _scale(self.case, self.days))


def _person(run: Run, role: PersonRole) -> int:
    return run.people.get(role) or run.people[PersonRole.applicant]


def _dvds(run: Run) -> bool:
    return run.case.scheme is Scheme.dvds


DVDS_CRITERIA = [
    Criterion.risk_of_domestic_abuse,
    Criterion.pressing_need,
    Criterion.lawful,
    Criterion.necessary_to_protect_person_at_risk,
    Criterion.proportionate,
]
CSODS_CRITERIA = [
    Criterion.child_sexual_convictions,
    Criterion.risk_of_harm,
    Criterion.necessary,
    Criterion.proportionate,
]


def _criteria(run: Run) -> list[Criterion]:
    if run.case.decision.value == "do_not_disclose":
        return []
    return DVDS_CRITERIA if _dvds(run) else CSODS_CRITERIA


def _wording(run: Run) -> str:
    if _dvds(run):
        return "Convicted in 2019 of assault by beating of a former partner; police were called to two incidents."
    return "Convicted in 2012 of sexual activity with a child; was a registered sex offender until 2019."


STEPS: dict[str, Step] = {
    "start_triage": (0.1, "officer", Action.start_triage, lambda r: schemas.ActionIn(version=r.version)),
    "complete_triage": (
        0.5,
        "officer",
        Action.complete_triage,
        lambda r: schemas.TriageIn(
            version=r.version,
            immediate_risk=False,
            in_scope=True,
            risk_level=r.case.risk if r.case.risk is not RiskLevel.not_assessed else RiskLevel.standard,
            notes="Applicant spoken to; no immediate risk tonight.",
        ),
    ),
    "applicant_meeting": (
        6,
        "officer",
        Action.record_applicant_meeting,
        lambda r: schemas.ApplicantMeetingIn(
            version=r.version,
            held_on=r.now.date(),
            method=MeetingMethod.in_person,
            identity_verified=True,
            documents_seen="Passport; child benefit letter",
            relationship_verified=True,
            notes="Applicant describes daily unsupervised contact.",
        ),
    ),
    "identity_not_verified": (
        5,
        "officer",
        Action.identity_not_verified,
        lambda r: schemas.ReasonIn(
            version=r.version,
            reason="Would not give an address or show identification. Told nothing can be shared under the scheme; "
            "concern passed on as intelligence.",
        ),
    ),
    "escalate": (
        0.05,
        "officer",
        Action.escalate,
        lambda r: schemas.EscalateIn(
            version=r.version,
            agency="Children's social care out-of-hours team (MASH)",
            referral_reference="MASH-2026-1187",
            notes="Patrol attended 02:40; child safe with grandmother.",
        ),
    ),
    "withdraw": (
        3,
        "officer",
        Action.withdraw,
        lambda r: schemas.ReasonIn(version=r.version, reason="Applicant asked us to stop: they have left the partner."),
    ),
    "extend": (
        40,
        "supervisor",
        Action.extend,
        lambda r: schemas.ExtendIn(version=r.version, days=14, reason="Probation's records are late from elsewhere."),
    ),
    "complete_checks": (10, "officer", Action.complete_checks, lambda r: schemas.ActionIn(version=r.version)),
    "assess": (
        11,
        "officer",
        Action.record_risk_assessment,
        lambda r: schemas.RiskAssessmentIn(
            version=r.version,
            risk_factors="No trace on any check."
            if r.case.decision.value == "do_not_disclose"
            else "A conviction for assaulting a former partner (2019); controlling behaviour now."
            if _dvds(r)
            else "Convictions for sexual activity with a child (2012); daily unsupervised access to the children.",
            protective_factors="The applicant is alert to the risk and willing to act.",
            assessed_level="high"
            if r.case.risk is RiskLevel.high
            else "medium"
            if r.case.risk is RiskLevel.medium
            else "standard",
            rationale="Nothing found that points to a risk from him."
            if r.case.decision.value == "do_not_disclose"
            else "The relationship and the history together: a real risk unless she knows."
            if _dvds(r)
            else "The access and the history together: a real risk unless the parent can act.",
        ),
    ),
    # Only for a high-risk case: its interim safeguarding plan, before it moves on.
    "plan": (
        0.6,
        "officer",
        Action.record_safeguarding_plan,
        lambda r: schemas.SafeguardingPlanIn(
            version=r.version,
            actions=[
                schemas.PlanActionIn(
                    action="The applicant agrees the subject is not left alone with the children",
                    agency=Agency.police,
                    due_on=r.now.date(),
                    done=True,
                ),
                schemas.PlanActionIn(
                    action="Children's social care visit the family",
                    agency=Agency.childrens_social_care,
                    due_on=(r.now + timedelta(days=3)).date(),
                ),
            ],
            notes="Agreed with the duty social worker.",
        ),
    ),
    "contact": (
        1,
        "officer",
        Action.record_contact,
        lambda r: schemas.ContactIn(
            version=r.version,
            contacted_at=r.now,
            method=ContactMethod.phone,
            outcome="Called on her mobile after 7pm as she asked; the meeting with her arranged.",
        ),
    ),
    "note": (
        6.1,
        "officer",
        Action.add_note,
        lambda r: schemas.NoteIn(
            version=r.version, text="Applicant asked that nothing is posted to her home: her partner opens the post."
        ),
    ),
    "recommend": (
        12,
        "officer",
        Action.recommend,
        lambda r: schemas.RecommendIn(
            version=r.version,
            decision=r.case.decision,
            criteria=_criteria(r),
            rationale="No trace on any check: nothing to disclose."
            if r.case.decision.value == "do_not_disclose"
            else "A conviction for abusing a former partner; a pattern of controlling behaviour now."
            if _dvds(r)
            else "Convictions for a Schedule 34A offence; unsupervised access to the children.",
            recipient_id=None if r.case.decision.value == "do_not_disclose" else _person(r, r.case.recipient),
            recipient_reason=""
            if r.case.decision.value == "do_not_disclose"
            else "The person at risk: she can decide how to keep herself safe."
            if _dvds(r)
            else "Best placed to stop the access.",
            subject_told=r.case.decision.value == "disclose",
            subject_told_reason="To manage the risk of the disclosure coming to light another way."
            if r.case.decision.value == "disclose"
            else "",
            disclosure_wording="" if r.case.decision.value == "do_not_disclose" else _wording(r),
        ),
    ),
    "authorise": (
        19,
        "supervisor",
        Action.authorise,
        lambda r: schemas.AuthoriseIn(
            version=r.version, rationale="Agreed: necessary and proportionate.", rank=Rank.inspector
        ),
    ),
    "schedule": (
        20,
        "officer",
        Action.schedule_disclosure_meeting,
        lambda r: schemas.ScheduleMeetingIn(
            version=r.version,
            scheduled_for=r.when(r.days.get("hold", 23)),
            location="Eastbridge police station, family room",
            officers="DC Sam Patel 4471, PC Alex Morgan 2210",
            identity_recheck="Passport seen again at the start of the meeting",
            language=r.case.language,  # type: ignore[arg-type]  # "en" or "cy" in the scenarios
        ),
    ),
    "generate": (21, "officer", Action.generate_undertaking, lambda r: schemas.ActionIn(version=r.version)),
    "hold": (
        23,
        "officer",
        Action.record_disclosure_meeting,
        lambda r: schemas.DisclosureMeetingIn(
            version=r.version,
            held_at=r.now,
            identity_confirmed=True,
            purpose_explained=True,
            confidentiality_explained=True,
            legal_warning_given=True,
            safety_advice_given=True,
            support_given=True,
        ),
    ),
    "signed": (
        23.01,
        "officer",
        Action.undertaking_signed,
        lambda r: schemas.SignedIn(version=r.version, happened_at=r.now, witness="DC Sam Patel 4471"),
    ),
    "refused": (
        23.01,
        "officer",
        Action.undertaking_refused,
        lambda r: schemas.RefusedIn(
            version=r.version,
            happened_at=r.now,
            reason="Refused to sign anything from the police.",
            recipient_words="I'm not signing anything from the police, I'll tell who I like.",
        ),
    ),
    "review_withhold": (
        23.5,
        "supervisor",
        Action.review_refusal,
        lambda r: schemas.ReviewIn(
            version=r.version,
            decision="withhold",
            rationale="Threats posted about the subject: disclosure would put him and others at risk.",
            safeguarding_action="Referral to children's social care; warning to the subject recorded.",
        ),
    ),
    "disclosed": (
        23.02,
        "officer",
        Action.record_disclosure_made,
        lambda r: schemas.DisclosureMadeIn(
            version=r.version,
            made_at=r.now,
            what_was_disclosed=_wording(r),
            subject_told=not _dvds(r),
        ),
    ),
    "told_by_letter": (
        20,
        "officer",
        Action.record_applicant_told,
        lambda r: schemas.ApplicantToldIn(
            version=r.version,
            told_at=r.now,
            method="letter",
            safeguarding_advice="Do not let anyone you are unsure of give your daughter lifts; talk to the school.",
        ),
    ),
    "close_disclosed": (
        27,
        "officer",
        Action.close,
        lambda r: schemas.CloseIn(
            version=r.version,
            outcome=Outcome.disclosed_previous_abuse if _dvds(r) else Outcome.disclosed_child_sex_convictions,
        ),
    ),
    "safety_plan": (
        23.5,
        "officer",
        Action.record_safety_plan,
        lambda r: schemas.SafetyPlanIn(
            version=r.version,
            plan="Staying with her sister for now; a code word agreed for texts; the locks changed on Friday.",
            referrals=[Referral.idva, Referral.marac] if r.case.risk is RiskLevel.high else [Referral.idva],
            referral_notes="IDVA service took the referral the same day.",
        ),
    ),
    "breach": (
        30,
        "officer",
        Action.record_breach,
        lambda r: schemas.BreachIn(
            version=r.version,
            reported_at=r.now,
            reported_by="The subject's offender manager (probation)",
            what_was_passed_on="The recipient told a neighbour about the conviction; it was posted in a local group.",
            action_taken="Recipient seen and reminded of the undertaking; the post was removed.",
            referral="MAPPA coordinator told; risk to the subject reviewed.",
        ),
    ),
    "close_no_trace": (
        21,
        "officer",
        Action.close,
        lambda r: schemas.CloseIn(version=r.version, outcome=Outcome.no_trace),
    ),
}

_TO_RECOMMENDATION = [
    "start_triage",
    "complete_triage",
    "plan",
    "contact",
    "applicant_meeting",
    "note",
    "checks",
    "complete_checks",
    "assess",
]
_DISCLOSURE = [*_TO_RECOMMENDATION, "recommend", "authorise", "schedule", "generate", "hold"]
PATHS: dict[str, list[str]] = {
    "received": [],
    "initial_triage": ["start_triage"],
    "applicant_meeting": ["start_triage", "complete_triage"],
    "identity_not_verified": ["start_triage", "complete_triage", "identity_not_verified"],
    "escalated": ["escalate"],
    "risk_assessment": ["start_triage", "complete_triage", "plan", "applicant_meeting", "request_checks"],
    "recommendation": _TO_RECOMMENDATION,
    "authorisation": [*_TO_RECOMMENDATION, "recommend"],
    "disclosure_arranged": [*_TO_RECOMMENDATION, "recommend", "authorise", "schedule", "generate"],
    "undertaking_review": [*_DISCLOSURE, "refused"],
    "closed_withheld": [*_DISCLOSURE, "refused", "review_withhold"],
    "closed_disclosed_breached": [*_DISCLOSURE, "signed", "disclosed", "close_disclosed", "breach"],
    "closed_no_trace": [*_TO_RECOMMENDATION, "recommend", "authorise", "told_by_letter", "close_no_trace"],
    # The DVDS: Right to Know has no applicant meeting (the triage leads straight to the checks).
    "dvds_applicant_meeting": ["start_triage", "complete_triage", "contact"],
    "dvds_closed_disclosed": [*_DISCLOSURE, "signed", "disclosed", "safety_plan", "close_disclosed"],
}
LAST_DAY = {"request_checks": 6.2, "checks": 9}


async def load(keys: Keys, now: datetime | None = None) -> list[str]:
    """Load everything missing; return lines describing what is there."""
    now = now or datetime.now(UTC)
    lines: list[str] = []
    password_hash = await passwords.hash_password(DEMO_PASSWORD)
    for demo in DEMO_FORCES:
        async with db.transaction() as conn:
            force_id = await _force(demo)
            users = await _users(demo, force_id)
            await _enrol(conn, users, keys, password_hash)
            fresh = not await Application.exists().where(Application.force == force_id)
        if fresh:
            principals = {
                u.username: principal_for(users[u.username], force_id, u.username, u.display_name, Role(u.role))
                for u in demo.users
            }
            for case in demo.cases:
                await drive_case(case, principals, now)
        summary = f"{len(demo.cases)} demo cases loaded" if fresh else "demo cases already present"
        lines.append(f"{demo.name} ({demo.code}): {len(users)} users, {summary}")
    return lines


def principal_for(user_id: int, force_id: int, username: str, name: str, role: Role) -> Principal:
    """Someone acting as if signed in with both factors: the loader acts through the real service."""
    return Principal(0, user_id, force_id, username, name, role, SessionStage.mfa, None, None)


async def _force(demo: DemoForce) -> int:
    existing = await Force.select(Force.id).where(Force.code == demo.code).first()
    if existing:
        return int(existing["id"])
    rows = await Force.insert(
        Force(
            code=demo.code,
            name=demo.name,
            offers_welsh=demo.offers_welsh,
            schemes=[scheme.value for scheme in demo.schemes],
        )
    ).returning(Force.id)
    return int(rows[0]["id"])


async def _users(demo: DemoForce, force_id: int) -> dict[str, int]:
    ids: dict[str, int] = {}
    for user in demo.users:
        existing = await User.select(User.id).where(User.username == user.username).first()
        if existing:
            ids[user.username] = int(existing["id"])
            continue
        rows = await User.insert(
            User(
                force=force_id,
                username=user.username,
                display_name=user.display_name,
                team=user.team,
                role=user.role,
                status=UserStatus.pending.value,
                failed_attempts=0,
            )
        ).returning(User.id)
        ids[user.username] = int(rows[0]["id"])
    return ids


async def _enrol(conn: asyncpg.Connection[Any], users: dict[str, int], keys: Keys, password_hash: str) -> None:
    """Demo users are ready to sign in: the demo password, and a TOTP secret `demo-code` reads."""
    for user_id in users.values():
        await conn.execute(
            "UPDATE app_user SET password_hash = $2, totp_secret_encrypted = $3, status = 'active' "
            "WHERE id = $1 AND password_hash IS NULL AND status = 'pending'",
            user_id,
            password_hash,
            keys.box.encrypt(totp.new_secret(), user_id),
        )


async def drive_case(
    case: DemoCase,
    principals: dict[str, Principal],
    now: datetime,
    *,
    path: list[str] | None = None,
    days: dict[str, float] | None = None,
) -> int:
    """Record the case, then take it along its path (or `path`, names from STEPS) through the
    service; `days` moves steps from their usual day after receipt. Returns the case's id."""
    received = now - timedelta(days=case.received_days_ago)
    officer = principals[case.assigned_to or next(iter(principals))]
    supervisor = next((p for p in principals.values() if p.role is Role.supervisor), officer)
    people = {p.role: p for p in case.people}
    data = schemas.NewApplicationIn(
        route=case.route,
        channel=case.channel,
        received_at=received,
        concern=case.concern,
        applicant=_person_in(people[PersonRole.applicant]),
        subject=_person_in(people[PersonRole.subject]),
        children=[_person_in(p) for p in case.people if p.role is PersonRole.child],
        scheme=case.scheme,
        person_at_risk=_person_in(people[PersonRole.person_at_risk]) if PersonRole.person_at_risk in people else None,
    )
    done = await CASEWORK.create(_as(officer), data, now=received + timedelta(minutes=20))
    run = Run(
        case, done.case_id, done.version, received, path=PATHS[case.path] if path is None else path, days=days or {}
    )
    async with db.transaction(force_id=officer.force_id) as conn:
        for extra in case.people:
            if extra.role not in (
                PersonRole.applicant,
                PersonRole.subject,
                PersonRole.child,
                PersonRole.person_at_risk,
            ):
                await store.insert_person(
                    conn,
                    force_id=officer.force_id,
                    case_id=run.case_id,
                    role=extra.role,
                    person=_person_in(extra),
                    now=received,
                )
        rows = await conn.fetch("SELECT id, role FROM case_person WHERE application = $1 ORDER BY id", run.case_id)
        run.people = {PersonRole(r["role"]): r["id"] for r in reversed(rows)}
        if case.assigned_to is None:
            await conn.execute("UPDATE application SET assigned_to = NULL WHERE id = $1", run.case_id)
    for name in run.path:
        if name == "plan" and case.risk is not RiskLevel.high:
            continue
        if name == "applicant_meeting" and _dvds(run) and case.route.value == "right_to_know":
            continue  # nobody asked: there is no applicant to meet
        if name in ("request_checks", "checks"):
            await _checks(run, officer, results=name == "checks")
            continue
        _, who, action, make = STEPS[name]
        actor = supervisor if who == "supervisor" else officer
        run.now = run.when(run.days[name])
        result = await CASEWORK.act(_as(actor), run.case_id, action, make(run), now=run.now)
        run.version = result.version
    return run.case_id


async def _checks(run: Run, officer: Principal, *, results: bool) -> None:
    if not run.check_ids:
        for source, _, _ in run.case.checks:
            request = schemas.CheckIn(version=run.version, source=source, requested_on=run.when(6.2).date())
            run.version = (
                await CASEWORK.act(_as(officer), run.case_id, Action.add_check, request, now=run.when(6.2))
            ).version
        async with db.transaction(force_id=officer.force_id) as conn:
            run.check_ids = [
                r["id"]
                for r in await conn.fetch("SELECT id FROM case_check WHERE application = $1 ORDER BY id", run.case_id)
            ]
    if not results:
        return
    for check_id, (_, result, summary) in zip(run.check_ids, run.case.checks, strict=True):
        data = schemas.CheckResultIn(
            version=run.version,
            check_id=check_id,
            returned_on=run.when(9).date(),
            result=result,
            findings=summary,
        )
        run.version = (
            await CASEWORK.act(_as(officer), run.case_id, Action.record_check_result, data, now=run.when(9))
        ).version


def _scale(case: DemoCase, days: dict[str, float]) -> float:
    """Compress a path into the case's age, so nothing happens in the future."""
    latest = max(days.values(), default=0)
    return 1.0 if latest == 0 else min(1.0, case.received_days_ago * 0.9 / latest)


def _person_in(person: Any) -> schemas.PersonIn:
    return schemas.PersonIn(
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        address=person.address,
        relationship_to_child=person.relationship_to_child,
        contact_with_child=person.contact_with_child,
        safe_contact=person.safe_contact,
        preferred_language=person.preferred_language,
        occupation=person.occupation,
        letters_ok=person.letters_ok,
        # Applicants in the scenarios ask to be phoned or seen, never written to out of the blue.
        contact_methods=[ContactMethod.phone, ContactMethod.in_person] if person.role is PersonRole.applicant else [],
    )

"""The case engine's entry points: recording a case and carrying out an action on it, for whichever
schemes it is given. One transaction per change, checked against the scheme's rules and the version
the user saw, with the audit row written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.cases import clocks, queries, reading, schemas, store, timing
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Done, Versioned
from disclosure_service.cases.errors import (
    ActionRefusedError,
    CaseConflictError,
    CaseNotFoundError,
    InvalidInputError,
    Problems,
)
from disclosure_service.cases.spec import ActionSpec, SchemeDefinition
from disclosure_service.cases.vocabulary import ClockName, PersonRole, Scheme, Stage
from disclosure_service.cases.workflow import Action, Actor, available, evaluate
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Principal
from disclosure_service.identity.roles import Role


def actor_of(principal: Principal) -> Actor:
    return Actor(user_id=principal.user_id, role=principal.role)


def application_problems(data: schemas.NewApplicationIn, now: datetime) -> Problems:
    """Every impossible date on a new application: received in the future, a child born after it, ..."""
    people = [("applicant", data.applicant, False), ("subject", data.subject, False)]
    people += [(f"children.{n}", child, True) for n, child in enumerate(data.children)]
    births = [(prefix, person.date_of_birth, child) for prefix, person, child in people]
    return date_problems(data.received_at, births, now)


def date_problems(
    received_at: datetime | None, births: Sequence[tuple[str, date | None, bool]], now: datetime
) -> Problems:
    """The dates of a new application that cannot be right, from whichever were given (the form
    asks with these too, so a page with other mistakes shows these with them)."""
    problems = Problems()
    if received_at is None:
        return problems
    problems.check("received_at", timing.received_problem(received_at, now=now))
    received_on = timing.london_today(received_at)
    for prefix, born, child in births:
        if born is not None:
            problems.check(f"{prefix}.date_of_birth", timing.birth_problem(born, received_on=received_on, child=child))
    return problems


class _SavedMeanwhileError(Exception):
    """A request with the same key was saved while this one ran: roll this one back."""


class Casework:
    """The engine, for the schemes it runs (`schemes.SCHEMES` in the service)."""

    def __init__(self, schemes: Mapping[Scheme, SchemeDefinition]) -> None:
        self.schemes = schemes

    def definition(self, scheme: str | Scheme) -> SchemeDefinition:
        return self.schemes[Scheme(scheme)]

    def stages_of(self, clock: ClockName) -> list[str]:
        """The stages whose deadline is `clock`, in any scheme the engine runs (a queue per clock)."""
        found = {
            stage.value for d in self.schemes.values() for s in d.clocks if s.clock is clock for stage in s.current_at
        }
        return sorted(found)

    def clock_at(self, stage: str) -> str:
        """The name of the clock that is the deadline of `stage` (as the queues show it)."""
        for definition in self.schemes.values():
            spec = definition.clock_at(Stage(stage)) if stage in Stage.__members__ else None
            if spec is not None:
                return (
                    ClockName.whole_case.label if spec.clock is ClockName.whole_case_no_disclosure else spec.clock.label
                )
        return ""

    def next_deadline(self, case: CaseFile, now: datetime) -> clocks.Clock | None:
        """The deadline the case is working to now, as the case page and the case JSON show it: the
        same rule (`clocks.next_deadline`) that set the `next_due_at` the queues show."""
        specs = self.definition(case.record.scheme).clocks
        found = clocks.next_deadline(specs, case.clocks, case.stage)
        if found is None and not case.clocks and case.stage is not Stage.closed:
            # A case with no clocks of its own (loaded straight into the tables): its whole case.
            found = clocks.Deadline(ClockName.whole_case, case.record.due_at)
        return clocks.deadline_shown(found, now)

    def queue_deadline(self, row: queries.QueueRow, now: datetime) -> clocks.Clock | None:
        """A queue's row's `next_due_at` as people read it, named by the clock it belongs to."""
        if row.next_due_at is None:
            return None
        if row.next_clock is not None and row.next_clock in ClockName.__members__:
            name, clock = clocks.shown_name(ClockName(row.next_clock)), row.next_clock
        else:
            name, clock = self.clock_at(row.stage), ""
        return clocks.running(name, row.next_due_at, now, clock=clock, current=True)

    def spec(self, case: CaseFile, action: Action) -> ActionSpec | None:
        """The action as the case's scheme defines it (None if it has no such step)."""
        return self.definition(case.record.scheme).spec(action)

    def available(self, case: CaseFile, principal: Principal) -> list[ActionSpec]:
        """What the user can do to the case now, in the order the work goes."""
        definition = self.definition(case.record.scheme)
        return [
            definition.by_action[action] for action in available(definition.rules, case.facts(), actor_of(principal))
        ]

    # -----------------------------------------------------------------------------------------
    # Recording a case

    async def create(self, caller: Caller, data: schemas.NewApplicationIn, now: datetime | None = None) -> Done:
        now = now or datetime.now(UTC)
        principal = caller.principal
        if not principal.role.works_cases:
            raise ActionRefusedError(("Only officers and supervisors record applications",), forbidden=True)
        if data.scheme not in self.schemes:
            raise ActionRefusedError((f"This service does not run the {data.scheme.label}",), "scheme")
        application_problems(data, now).raise_any()
        try:
            return await self._create(caller, data, now)
        except _SavedMeanwhileError as exc:
            done = await _replay(principal, data.submission_key, case_id=None, action="create")
            if done is None:  # pragma: no cover - the key was seen taken a moment ago
                raise CaseConflictError() from exc
            return done

    async def _create(self, caller: Caller, data: schemas.NewApplicationIn, now: datetime) -> Done:
        principal = caller.principal
        async with db.transaction(force_id=principal.force_id) as conn:
            if data.submission_key and (
                done := await _already_done(conn, principal, data.submission_key, case_id=None, action="create")
            ):
                return done
            if data.scheme.value not in await queries.force_schemes(conn, principal.force_id):
                raise ActionRefusedError((f"Your force does not run the {data.scheme.label}",), "scheme")
            reference = await store.next_reference(conn, principal.force_id, data.received_at)
            specs = self.definition(data.scheme).clocks
            # The lengths in force on the day it was received, kept with the case from now on.
            set_hours = await queries.clock_hours(
                conn, principal.force_id, data.scheme.value, timing.london_today(data.received_at)
            )
            case_clocks = clocks.new_case(specs, clocks.lengths(specs, set_hours), data.received_at)
            case_id = await store.insert_case(
                conn,
                force_id=principal.force_id,
                reference=reference,
                data=data,
                user_id=principal.user_id,
                due=clocks.row_deadlines(specs, case_clocks),
                next_due_at=clocks.stage_deadline(specs, case_clocks, Stage.received),
                now=now,
            )
            await store.insert_clocks(conn, force_id=principal.force_id, case_id=case_id, clocks=case_clocks)
            people = [(PersonRole.applicant, data.applicant), (PersonRole.subject, data.subject)]
            people += [(PersonRole.child, child) for child in data.children]
            for role, person in people:
                await store.insert_person(
                    conn, force_id=principal.force_id, case_id=case_id, role=role, person=person, now=now
                )
            await _remember(conn, principal, key=data.submission_key, case_id=case_id, action="create", now=now)
            await caller.record(
                conn,
                operation=Operation.collection,
                event="case.created",
                application_id=case_id,
                reference=reference,
                record_type="application",
                record_id=case_id,
                justification="recording a new application",
                details={"route": data.route.value, "channel": data.channel.value, "people": len(people)},
                now=now,
            )
        return Done(case_id, f"Application {reference} recorded", 1, Stage.received.value)

    # -----------------------------------------------------------------------------------------
    # Actions on a case

    async def act(
        self, caller: Caller, case_id: int, action: Action, data: Versioned, *, now: datetime | None = None
    ) -> Done:
        """Carry out `action`: check the rules and the version, record it, move the stage, audit it.

        A refused attempt changes nothing but is itself logged (a probe of another force's case, a
        stale version, an action the rules refuse): what someone tried to do to a case is on the
        record too.
        """
        now = now or datetime.now(UTC)
        principal = caller.principal
        try:
            return await self._act(caller, case_id, action, data, now=now)
        except (_SavedMeanwhileError, CaseConflictError) as exc:
            # The same request sent twice at once: the second waited for the first, then found the
            # key taken or the version moved on. It answers as a repeat, not as someone else's change.
            done = await _replay(principal, data.submission_key, case_id=case_id, action=action.value)
            if done is None:
                await _log_refused(caller, case_id, action, "conflict", now=now)
                raise CaseConflictError() from exc
            return done
        except CaseNotFoundError:
            await _log_refused(caller, case_id, action, "not_found", now=now)
            raise
        except ActionRefusedError as exc:
            kind = "invalid" if isinstance(exc, InvalidInputError) else "forbidden" if exc.forbidden else "refused"
            await _log_refused(caller, case_id, action, kind, now=now)
            raise

    async def _act(self, caller: Caller, case_id: int, action: Action, data: Versioned, *, now: datetime) -> Done:
        principal = caller.principal
        async with db.transaction(force_id=principal.force_id) as conn:
            if data.submission_key and (
                done := await _already_done(conn, principal, data.submission_key, case_id=case_id, action=action.value)
            ):
                return done
            case = await queries.case_file(conn, case_id)
            if case is None:
                raise CaseNotFoundError(case_id)
            definition = self.definition(case.record.scheme)
            spec = definition.spec(action)
            if spec is None:
                raise ActionRefusedError((f"The {definition.title} has no such step",))
            if not isinstance(data, spec.payload):
                raise TypeError(f"{action} takes {spec.payload.__name__}")
            if case.record.version != data.version:
                # Someone changed the case since this person loaded it: say so before judging the
                # request against a state they have not seen (two supervisors deciding at once: the
                # second is told the case changed, even though the first decision took it off their queue).
                raise CaseConflictError()
            # Acting on a case needs what reading it needs, before the rules say anything about its
            # state: otherwise acting would be a way round giving a reason.
            justification = await _justification(conn, principal, case, now)
            verdict = evaluate(definition.rules, action, case.facts(), actor_of(principal))
            if not verdict.allowed:
                raise ActionRefusedError(verdict.reasons, forbidden=verdict.forbidden)
            # A stale form must not write anything, and the row lock taken here makes a second
            # supervisor deciding at the same moment wait, then find the version moved on.
            bumped = await store.bump_version(conn, case_id, data.version, now)
            if bumped is None:
                raise CaseConflictError()
            result = await spec.handler(Context(conn, case, principal, caller.meta, now, definition.clocks), data)
            details = result.details
            to_stage = result.to_stage or verdict.to_stage or case.stage
            outcome = result.outcome or verdict.outcome
            if principal.role is Role.supervisor and spec.supervisor_decision:
                # Deciding makes them the case's supervisor, which justifies reading it from then on.
                await store.become_supervisor(conn, case_id, principal.user_id)
            if to_stage is not case.stage or outcome is not None:
                await store.move(
                    conn,
                    case_id,
                    stage=to_stage,
                    outcome=outcome.value if outcome else None,
                    next_due_at=await _move_clocks(conn, definition, case, to_stage, now),
                    now=now,
                )
                details = {"from": case.stage.value, "to": to_stage.value, **details}
            await _remember(conn, principal, key=data.submission_key, case_id=case_id, action=action.value, now=now)
            await caller.record(
                conn,
                operation=result.operation or Operation.alteration,
                event=f"case.{action.value}",
                application_id=case_id,
                reference=case.reference,
                record_type="application",
                record_id=case_id,
                justification=justification,
                recipients=result.recipients,
                details=details,
                now=now,
            )
        return Done(case_id, result.message, bumped, to_stage.value, record_id=result.record_id)

    async def reassign(self, caller: Caller, case_ids: list[int], user_id: int) -> int:
        """Give several open cases to one person (a supervisor covering an absence); one audit row per case."""
        now = datetime.now(UTC)
        principal = caller.principal
        async with db.transaction(force_id=principal.force_id) as conn:
            if await queries.caseworker_name(conn, user_id) is None:
                raise ActionRefusedError(("Choose an active officer or supervisor of your force",), "user_id")
            if user_id == principal.user_id:
                # Holding a case justifies reading it: take cases one at a time, from the case, with a reason.
                raise ActionRefusedError(("Reassign cases to someone else; to take a case yourself, open it first",))
            moved = await store.reassign(conn, case_ids, user_id, now)
            for moved_id, reference in moved:
                await caller.record(
                    conn,
                    operation=Operation.alteration,
                    event="case.assign",
                    application_id=moved_id,
                    reference=reference,
                    record_type="application",
                    record_id=moved_id,
                    details={"assigned_to": user_id, "bulk": True},
                    now=now,
                )
        return len(moved)


async def _move_clocks(
    conn: asyncpg.Connection[Any], definition: SchemeDefinition, case: CaseFile, to_stage: Stage, now: datetime
) -> datetime | None:
    """Start and stop the case's clocks for its new stage; the new stage's deadline (its queues sort on it)."""
    specs = definition.clocks
    changes = clocks.move(
        specs, case.clocks, from_stage=case.stage, to_stage=to_stage, received_at=case.record.received_at, now=now
    )
    if changes:
        await store.update_clocks(conn, case.id, changes)
        after = clocks.merged(case.clocks, changes)
        # The whole case's deadline changes with the decision (35 days where nothing is disclosed, say).
        await store.set_case(conn, case.id, due_at=clocks.whole_case_deadline(specs, after) or case.record.due_at)
    else:
        after = clocks.merged(case.clocks, [])
    found = clocks.stage_deadline(specs, after, to_stage)
    # A case with no clocks of its own (loaded straight into the tables) runs on its whole-case deadline.
    return found if found is not None or not after or to_stage is Stage.closed else case.record.due_at


async def _justification(conn: asyncpg.Connection[Any], principal: Principal, case: CaseFile, now: datetime) -> str:
    try:
        return await reading.justify(conn, principal, case.record, None, now)
    except reading.ReasonNeededError:
        raise ActionRefusedError(
            (
                f"You are not on case {case.reference}: open it and say why before you change it "
                "(acting on a case is no way round giving a reason)",
            ),
            "version",
            forbidden=True,
        ) from None


async def _log_refused(caller: Caller, case_id: int, action: Action, kind: str, *, now: datetime) -> None:
    """The refused attempt, committed on its own: the attempt's own transaction was rolled back.
    Only the kind of refusal is kept (reasons can name people); a missing case gets no reference."""
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        reference = "" if kind == "not_found" else await queries.reference(conn, case_id)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="case.action_refused",
            application_id=None if kind == "not_found" else case_id,
            reference=reference or "",
            record_type="application",
            record_id=case_id,
            details={"action": action.value, "refused": kind},
            now=now,
        )


# ---------------------------------------------------------------------------------------------
# Resubmission keys: a form submitted twice does its work once


async def _already_done(
    conn: asyncpg.Connection[Any], principal: Principal, key: str, *, case_id: int | None, action: str
) -> Done | None:
    """The earlier result, if this key was saved before; refused if it was saved for another request."""
    earlier = await store.submitted(conn, principal.user_id, key)
    if earlier is None:
        return None
    earlier_case, earlier_action, version, stage = earlier
    if earlier_action != action or (case_id is not None and earlier_case != case_id):
        raise ActionRefusedError(
            ("This submission key was already used for a different request: send a new key with each new request",)
        )
    return Done(earlier_case, "That was already saved: it has not been saved twice", version, stage, repeated=True)


async def _replay(principal: Principal, key: str | None, *, case_id: int | None, action: str) -> Done | None:
    """The earlier result for this key, looked up afresh after this request's own work rolled back."""
    if not key:
        return None
    async with db.transaction(force_id=principal.force_id) as conn:
        return await _already_done(conn, principal, key, case_id=case_id, action=action)


async def _remember(
    conn: asyncpg.Connection[Any], principal: Principal, *, key: str | None, case_id: int, action: str, now: datetime
) -> None:
    if key is None:
        return
    saved = await store.remember_submission(
        conn, force_id=principal.force_id, user_id=principal.user_id, key=key, case_id=case_id, action=action, now=now
    )
    if not saved:
        raise _SavedMeanwhileError()

"""What a scheme is made of: each action described once, and the scheme that gathers them.

An `ActionSpec` holds everything about one action (its rule, the payload it takes, the handler that
records it, the page that asks for it, its label, whether it needs a fresh code); a
`SchemeDefinition` holds a scheme's stages, its actions in the order the work goes, its people,
outcomes and clocks. The engine (`cases.service`) and the doors onto it (`cases.pages`,
`cases.api`) are given definitions; they never ask which scheme a case is under.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.clocks import ClockSpec
from disclosure_service.cases.context import Context, Result, Versioned
from disclosure_service.cases.vocabulary import ClockName, Outcome, PersonRole, Scheme, Stage
from disclosure_service.cases.workflow import Action, Rule
from disclosure_service.web.formspec import Field

Handler = Callable[[Context, Any], Awaitable[Result]]
Staff = Sequence[tuple[str, str]]
FieldsFor = Callable[[CaseFile, Staff], tuple[Field, ...]]
# What the user has answered so far: the link's query on the way in, the form on the way back.
Answers = Mapping[str, Sequence[str]]


def no_fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    return ()


def fixed(*fields: Field) -> FieldsFor:
    return lambda case, staff: fields


@dataclass(frozen=True, slots=True)
class Divert:
    """An answer that means another action is needed: the page goes there instead of refusing.

    Triage asks whether the child is at immediate risk; "yes" is never a triage but an escalation,
    so the form does not offer an answer it would then refuse.
    """

    field: str
    value: str
    to: Action
    explain: str


@dataclass(frozen=True, slots=True)
class ActionForm:
    """The page that asks for an action: what it asks, and how it explains itself."""

    fields: FieldsFor = no_fields
    button: str = "Save"
    intro: str = ""
    warning: str = ""
    # Questions that depend on an answer already given (whose details are being corrected); used
    # instead of `fields` when set.
    fields_given: Callable[[CaseFile, Answers], tuple[Field, ...]] | None = None
    # Answers to start from, taken from the case (what was authorised, say): the officer can change them.
    prefill: Callable[[CaseFile, Answers], dict[str, list[str]]] | None = None
    # Parts of the file the page shows above its questions (what is being decided on): any of
    # "recommendation", "assessment", "checks".
    shows: tuple[str, ...] = ()
    # Offered beside each person on the case page (with `?person_id=`), not in the list of actions.
    per_person: bool = False
    # Taken with one click from the case page, without a page of its own.
    one_click: bool = False
    # The page lists the force's staff (choosing whom to assign).
    needs_staff: bool = False
    # The page lists the other forces on the service that run the case's scheme, given to `fields`
    # in the place of the staff (choosing where to send a case or a check).
    needs_forces: bool = False
    # Answers that lead to another action's page (checked before anything else on the form).
    diverts: tuple[Divert, ...] = ()

    def divert(self, form: Answers) -> Divert | None:
        return next((d for d in self.diverts if [v.strip() for v in form.get(d.field, [])][:1] == [d.value]), None)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action of a scheme, whole."""

    action: Action
    label: str
    rule: Rule
    payload: type[Versioned]
    handler: Handler
    form: ActionForm = field(default_factory=ActionForm)
    # A fresh code from the authenticator first (docs/security.md: step-up): decisions that let a
    # disclosure go ahead, and producing a document with a person's details on it.
    step_up: bool = False
    # A supervisor who takes it becomes the case's supervisor (if it had none).
    supervisor_decision: bool = False

    @property
    def slug(self) -> str:
        """The action's name in a URL: `record-applicant-meeting`."""
        return self.action.value.replace("_", "-")


@dataclass(frozen=True)
class SchemeDefinition:
    """A disclosure scheme: what a case under it goes through."""

    scheme: Scheme
    title: str
    stages: tuple[Stage, ...]
    actions: tuple[ActionSpec, ...]
    # The parts people can play on a case, in the order the forms offer them.
    person_roles: tuple[PersonRole, ...]
    # The outcomes a case can close with, by the stage it closes from.
    closing_outcomes: Mapping[Stage, tuple[Outcome, ...]]
    # Its clocks, in the order the work goes, with their default lengths (a force sets its own).
    clocks: tuple[ClockSpec, ...]
    # The Word documents the scheme produces (template names).
    documents: tuple[str, ...] = ()

    @cached_property
    def rules(self) -> dict[Action, Rule]:
        """The rules table, in the order the work goes (the case page offers actions in this order)."""
        return {spec.action: spec.rule for spec in self.actions}

    @cached_property
    def by_action(self) -> dict[Action, ActionSpec]:
        return {spec.action: spec for spec in self.actions}

    def spec(self, action: Action) -> ActionSpec | None:
        return self.by_action.get(action)

    def clock(self, name: ClockName) -> ClockSpec | None:
        return next((spec for spec in self.clocks if spec.clock is name), None)

    def clock_at(self, stage: Stage) -> ClockSpec | None:
        """The clock that is the deadline of `stage`."""
        return next((spec for spec in self.clocks if stage in spec.current_at), None)

    def label(self, action: Action) -> str:
        found = self.by_action.get(action)
        return found.label if found else action.value.replace("_", " ").capitalize()

"""Every scheme is a definition the engine can run whole: each action has its rule, payload,
handler, form and label, and an action two schemes share is one API endpoint with one payload."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import msgspec
import pytest

from disclosure_service.cases.casefile import CaseFile, CaseRecord
from disclosure_service.cases.spec import ActionSpec, SchemeDefinition
from disclosure_service.cases.vocabulary import ClockName, Stage
from disclosure_service.cases.workflow import Action, Rule
from disclosure_service.schemes import SCHEMES, all_actions

SPECS = [(definition, spec) for definition in SCHEMES.values() for spec in definition.actions]


def test_the_csods_is_registered() -> None:
    assert "csods" in SCHEMES


@pytest.mark.parametrize(("definition", "spec"), SPECS, ids=lambda item: getattr(item, "slug", ""))
def test_each_action_of_each_scheme_is_whole(definition: SchemeDefinition, spec: ActionSpec) -> None:
    assert isinstance(spec.rule, Rule)
    assert spec.rule.stages, "an action that can happen at no stage"
    assert spec.rule.stages <= set(definition.stages), "an action at a stage the scheme does not have"
    assert issubclass(spec.payload, msgspec.Struct)
    assert {"version", "submission_key"} <= set(spec.payload.__struct_fields__)
    assert inspect.iscoroutinefunction(spec.handler)
    assert spec.label.strip()
    assert spec.label[0].isupper()
    questions = spec.form.fields(_empty_case(), [])
    # A file travels as `<name>_base64` (see cases.pages); a dotted name fills a nested person.
    fields = {f"{q.name}_base64" if q.kind == "file" else q.name.split(".")[0] for q in questions}
    unknown = fields - set(spec.payload.__struct_fields__)
    assert not unknown, f"the form asks for {unknown}, which the payload does not take"
    assert spec.form.one_click or questions or spec.form.intro, "a page with nothing to ask and nothing to say"


def test_each_scheme_names_each_action_once_and_its_closing_outcomes_fit_its_stages() -> None:
    for definition in SCHEMES.values():
        actions = [spec.action for spec in definition.actions]
        assert len(actions) == len(set(actions))
        assert set(definition.closing_outcomes) <= set(definition.stages)
        clocks = {spec.clock for spec in definition.clocks}
        assert len(clocks) == len(definition.clocks)
        assert all(spec.starts_at <= set(definition.stages) for spec in definition.clocks)


def test_a_scheme_that_can_require_a_safeguarding_plan_runs_its_clock() -> None:
    # The plan gate holds a case until a plan is recorded: without the clock nothing would say by when.
    offering = [d for d in SCHEMES.values() if Action.record_safeguarding_plan in {s.action for s in d.actions}]
    assert {d.scheme.value for d in offering} == set(SCHEMES)
    for definition in offering:
        assert ClockName.safeguarding_plan in {spec.clock for spec in definition.clocks}, definition.scheme


def test_an_action_shared_by_schemes_takes_one_payload() -> None:
    endpoint = all_actions()
    for definition, spec in SPECS:
        assert endpoint[spec.action].payload is spec.payload, (definition.scheme, spec.action)


def _empty_case() -> CaseFile:
    """A case file with nothing on it, for the forms that build their questions from the case."""
    now = datetime.now(UTC)
    record = CaseRecord(
        id=1,
        reference="TEST-2026-00001",
        version=1,
        scheme="csods",
        route="right_to_ask",
        channel="phone_101",
        received_at=now,
        stage=Stage.received,
        outcome=None,
        risk_level="not_assessed",
        concern="",
        assigned_to=None,
        supervisor=None,
        created_by=1,
        triage_due_at=now,
        meeting_due_at=now,
        due_at=now,
        next_due_at=now,
        closed_at=None,
        created_at=now,
        updated_at=now,
    )
    return CaseFile(record=record, people=[])

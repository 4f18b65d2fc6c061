"""Every question a user must answer says, in its own words, what to do when it is left empty:
a message built from a question's label reads badly ("Select how was it held")."""

from __future__ import annotations

from disclosure_service.cases import forms
from disclosure_service.schemes import SCHEMES
from disclosure_service.web.formspec import Field


def _asked() -> list[tuple[str, Field]]:
    found = [("new application", f) for section in forms.NEW_APPLICATION for f in section.fields]
    found += [("access reason", f) for f in forms.ACCESS_REASON_FIELDS]
    for definition in SCHEMES.values():
        for spec in definition.actions:
            try:
                fields = spec.form.fields(None, [])  # type: ignore[arg-type]  # fixed forms ignore both
            except (AttributeError, TypeError):
                continue  # a form built from the case: its fields are checked where they are built
            found += [(spec.label, f) for f in fields]
    return found


def test_every_needed_answer_has_its_own_message() -> None:
    missing = [
        f"{where}: {f.label}"
        for where, f in _asked()
        if f.kind not in ("hidden", "file") and (f.required or f.when is not None) and not f.message
    ]
    assert not missing


def test_every_yes_or_no_question_says_what_yes_means() -> None:
    for where, f in _asked():
        if f.kind == "yesno":
            assert f.message.startswith("Select yes "), f"{where}: {f.label}"


def test_no_conditional_answer_is_labelled_optional() -> None:
    for where, f in _asked():
        if f.when is not None:
            assert not f.optional, f"{where}: {f.label}"
            assert f.needed_if, f"{where}: {f.label} must say when it is needed"

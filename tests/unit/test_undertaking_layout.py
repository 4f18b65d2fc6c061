"""The shipped undertakings (English and Welsh), reopened with a reader: the marking at the top,
the force's crest and name in the header, a reference that never wraps, one font family, a box to
note a refusal to sign, and one A4 page once filled in with long values (converted by LibreOffice)."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from disclosure_service.disclosures import documents
from disclosure_service.paths import DOCUMENT_TEMPLATES_DIR

LANGUAGES = ("en", "cy")
MARKING = {"en": "OFFICIAL-SENSITIVE", "cy": "SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE"}
REFUSAL = {"en": "If the person refuses to sign", "cy": "Os yw'r person yn gwrthod llofnodi"}
# As long as a reference gets: a force code of 16 characters.
LONG_REFERENCE = "WESTYORKSHIREPOL-2026-00001"
LONG_VALUES = {
    "reference": LONG_REFERENCE,
    "force_name": "Heddlu Dyfed-Powys / Dyfed-Powys Police",
    "recipient_name": "Hannah Margaret Whitfield-Lowe",
    "child_names": "Maisie Whitfield, Oliver Whitfield, Rosie Whitfield",
    "meeting_date": "28 November 2026",
    "meeting_time": "3:04pm",
    "meeting_place": "Elland Road Police Station, interview room 2, Leeds LS11 8BU",
    "officers": "DC Sam Patel 4471, PS Jo Clarke 5678, PC Alex Morgan 2210",
    "template_version": "1",
}


def crest_png(width: int, height: int) -> bytes:
    """A real PNG of the given size (solid dark blue), made here so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x1d\x4f\x91" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def shipped(language: str) -> bytes:
    return (DOCUMENT_TEMPLATES_DIR / f"undertaking.{language}.v1.docx").read_bytes()


def header_pictures(docx: bytes) -> list[tuple[bytes, int, int]]:
    """Each picture in the header: its bytes, and its width and height on the page (EMU)."""
    document = Document(io.BytesIO(docx))
    header = document.sections[0].header
    found = []
    for inline in header._element.xpath(".//wp:inline"):
        embed = inline.xpath(".//a:blip/@r:embed")[0]
        extent = inline.xpath("./wp:extent")[0]
        found.append((header.part.related_parts[embed].blob, int(extent.get("cx")), int(extent.get("cy"))))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_marking_heads_the_page_and_the_header_names_the_force_and_the_reference(language: str) -> None:
    document = Document(io.BytesIO(shipped(language)))
    header = document.sections[0].header
    assert header.paragraphs[0].text == MARKING[language]
    assert header.paragraphs[0].runs[0].bold
    [table] = header.tables
    cells = [cell.text for cell in table.rows[0].cells]
    assert "{{ force_name }}" in cells[1]
    assert "{{ reference }}" in cells[2]
    reference_cell = table.rows[0].cells[2]._tc
    assert reference_cell.tcPr.find(qn("w:noWrap")) is not None
    body = [p.text for p in document.paragraphs]
    body += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert not [text for text in body if "{{ reference }}" in text], "in the text, a reference could wrap"


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_font_family_and_no_theme_fonts(language: str) -> None:
    document = Document(io.BytesIO(shipped(language)))
    parts = [document.styles.element, document.element, document.sections[0].header._element]
    fonts = [f for part in parts for f in part.iter(qn("w:rFonts"))]
    assert fonts
    for element in fonts:
        assert not [a for a in element.attrib if a.lower().endswith("theme")], element.attrib
        assert {v for k, v in element.attrib.items()} == {"Arial"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_box_to_note_a_refusal_to_sign(language: str) -> None:
    document = Document(io.BytesIO(shipped(language)))
    box = document.tables[-1]
    assert box.rows[0].cells[0].text == REFUSAL[language]
    assert len(box.rows) == 5
    assert all(row.cells[1].text in ("", "Yes  /  No", "Do  /  Naddo") for row in box.rows[1:])


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_a_crest_the_header_picture_is_an_invisible_pixel(language: str) -> None:
    [(picture, _, _)] = header_pictures(documents.render(shipped(language), LONG_VALUES))
    assert picture.startswith(b"\x89PNG")
    assert picture[16:24] == struct.pack(">II", 1, 1)
    assert picture[25] == 6, "RGBA"
    assert zlib.decompress(picture[41:-16])[-1] == 0, "fully transparent"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_forces_crest_takes_the_pictures_place_in_its_own_shape(language: str) -> None:
    crest = crest_png(60, 80)
    [(picture, width, height)] = header_pictures(documents.render(shipped(language), LONG_VALUES, crest=crest))
    assert picture == crest
    assert width * 80 == height * 60


def test_a_template_without_a_place_for_the_crest_is_rendered_without_one() -> None:
    letter = (DOCUMENT_TEMPLATES_DIR / "non_disclosure_letter.en.v1.docx").read_bytes()
    values = dict.fromkeys(documents.FIELDS["non_disclosure_letter"], "x")
    rendered = documents.render(letter, values, crest=crest_png(10, 10))
    assert header_pictures(rendered) == []


def _pdf_sheets(docx: bytes, folder: Path) -> list[str]:
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    assert soffice is not None
    assert pdftotext is not None
    (folder / "undertaking.docx").write_bytes(docx)
    subprocess.run(  # noqa: S603 - fixed programs on files this test wrote
        [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(folder / "undertaking.docx")],
        check=True, capture_output=True, timeout=180, env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    text = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(folder / "undertaking.pdf"), "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    return [sheet for sheet in text.split("\f") if sheet.strip()]


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice and poppler's pdftotext",
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_filled_in_with_long_values_it_fits_one_page_with_the_reference_whole(language: str, tmp_path: Path) -> None:
    rendered = documents.render(shipped(language), LONG_VALUES, crest=crest_png(60, 80))
    [sheet] = _pdf_sheets(rendered, tmp_path)
    lines = sheet.splitlines()
    assert MARKING[language] in lines[0] or MARKING[language] in sheet.split("\n", 2)[0] + lines[1]
    assert any(LONG_REFERENCE in line for line in lines), "the reference is broken across lines"
    assert REFUSAL[language] in sheet
    assert "Heddlu Dyfed-Powys" in sheet

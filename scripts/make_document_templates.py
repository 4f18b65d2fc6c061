"""Write the shipped Word templates in templates/ (run by hand after changing the wording here).

Each force can upload its own versions through the service; these are version 1 of each. The
placeholders are docxtpl/Jinja tags and each is typed in one run, so Word does not split them.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates"
FIXED_TIME = datetime(2026, 11, 28, 12, 0)  # noqa: DTZ001  # document metadata only

UNDERTAKING = {
    "en": {
        "title": "Confidentiality undertaking",
        "scheme": "Child Sex Offender Disclosure Scheme",
        "marking": "OFFICIAL-SENSITIVE",
        "reference_label": "Reference",
        "intro": "This undertaking is given at a meeting with officers of {{ force_name }} (reference below).",
        "details": [
            ("Person receiving the information", "{{ recipient_name }}"),
            ("Child or children concerned", "{{ child_names }}"),
            ("Date and time", "{{ meeting_date }} at {{ meeting_time }}"),
            ("Place", "{{ meeting_place }}"),
            ("Officers present", "{{ officers }}"),
        ],
        "warnings_heading": "Before the information is shared, you have been told that:",
        "warnings": [
            "the information must only be used for the purpose for which it has been shared, which is to "
            "safeguard children;",
            "you are asked to sign this undertaking, agreeing that the information is confidential and that you "
            "will not disclose it further;",
            "legal proceedings could result if this confidentiality is breached.",
        ],
        # Signed before anything is disclosed (Home Office 2011, p16): it speaks of what is about to be shared.
        "statement": "I, {{ recipient_name }}, understand that the information the police are about to share with "
        "me is confidential. I will use it only to safeguard children and I will not pass it on to anyone else.",
        "signatures": [
            "Signed (person receiving the information)",
            "Name",
            "Date",
            "Witnessed by (officer)",
            "Name and collar number",
            "Date",
        ],
        "refusal_heading": "If the person refuses to sign",
        "refusal": [
            ("Refused to sign", "Yes  /  No"),
            ("What they said, in their own words", ""),
            ("Recorded by (officer, collar number)", ""),
            ("Date and time", ""),
        ],
        "footer": "Template: undertaking, English, version {{ template_version }}. OFFICIAL-SENSITIVE when "
        "completed. The information disclosed is not written on this form.",
    },
    "cy": {
        "title": "Ymgymeriad cyfrinachedd",
        "scheme": "Cynllun Datgelu Troseddwyr Rhyw yn erbyn Plant",
        "marking": "SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE",
        "reference_label": "Cyfeirnod",
        "intro": "Rhoddir yr ymgymeriad hwn mewn cyfarfod gyda swyddogion {{ force_name }} (cyfeirnod isod).",
        "details": [
            ("Y person sy'n cael yr wybodaeth", "{{ recipient_name }}"),
            ("Y plentyn neu'r plant dan sylw", "{{ child_names }}"),
            ("Dyddiad ac amser", "{{ meeting_date }} am {{ meeting_time }}"),
            ("Lle", "{{ meeting_place }}"),
            ("Swyddogion yn bresennol", "{{ officers }}"),
        ],
        "warnings_heading": "Cyn rhannu'r wybodaeth, dywedwyd wrthych:",
        "warnings": [
            "rhaid defnyddio'r wybodaeth at y diben y'i rhannwyd yn unig, sef diogelu plant;",
            "gofynnir i chi lofnodi'r ymgymeriad hwn, gan gytuno bod yr wybodaeth yn gyfrinachol ac na fyddwch "
            "yn ei datgelu i neb arall;",
            "gallai achos cyfreithiol ddilyn os torrir y gyfrinachedd hon.",
        ],
        "statement": "Rydw i, {{ recipient_name }}, yn deall bod yr wybodaeth y mae'r heddlu ar fin ei rhannu gyda mi "
        "yn gyfrinachol. Byddaf yn ei defnyddio i ddiogelu plant yn unig ac ni fyddaf yn ei throsglwyddo i neb arall.",
        "signatures": [
            "Llofnod (y person sy'n cael yr wybodaeth)",
            "Enw",
            "Dyddiad",
            "Tyst (swyddog)",
            "Enw a rhif coler",
            "Dyddiad",
        ],
        "refusal_heading": "Os yw'r person yn gwrthod llofnodi",
        "refusal": [
            ("Gwrthododd lofnodi", "Do  /  Naddo"),
            ("Yr hyn a ddywedodd, yn ei eiriau ei hun", ""),
            ("Cofnodwyd gan (swyddog, rhif coler)", ""),
            ("Dyddiad ac amser", ""),
        ],
        "footer": "Templed: ymgymeriad, Cymraeg, fersiwn {{ template_version }}. SWYDDOGOL-SENSITIF pan gaiff ei "
        "gwblhau. Nid yw'r wybodaeth a ddatgelwyd wedi'i hysgrifennu ar y ffurflen hon.",
    },
}

LETTER = {
    "en": {
        "title": "Your application under the Child Sex Offender Disclosure Scheme",
        "greeting": "Dear {{ applicant_name }},",
        "body": [
            "Thank you for contacting {{ force_name }} about your concern for a child (our reference {{ reference }}).",
            "We have carefully considered your application and completed our enquiries. We have decided that "
            "there is no information we can share with you under the scheme.",
            "This does not mean there is nothing to be concerned about. If you are ever worried about a child's "
            "safety, please contact us again. In an emergency always call 999.",
            "{{ safeguarding_advice }}",
        ],
        "closing": "Yours sincerely,",
        "footer": "Template: non-disclosure letter, English, version {{ template_version }}.",
    },
    "cy": {
        "title": "Eich cais o dan y Cynllun Datgelu Troseddwyr Rhyw yn erbyn Plant",
        "greeting": "Annwyl {{ applicant_name }},",
        "body": [
            "Diolch am gysylltu â {{ force_name }} ynghylch eich pryder am blentyn (ein cyfeirnod {{ reference }}).",
            "Rydym wedi ystyried eich cais yn ofalus ac wedi cwblhau ein hymholiadau. Rydym wedi penderfynu nad "
            "oes gwybodaeth y gallwn ei rhannu gyda chi o dan y cynllun.",
            "Nid yw hyn yn golygu nad oes dim i boeni amdano. Os ydych chi byth yn poeni am ddiogelwch plentyn, "
            "cysylltwch â ni eto. Mewn argyfwng ffoniwch 999 bob amser.",
            "{{ safeguarding_advice }}",
        ],
        "closing": "Yn gywir,",
        "footer": "Templed: llythyr dim datgelu, Cymraeg, fersiwn {{ template_version }}.",
    },
}


FONT = "Arial"  # metric-compatible Liberation Sans where Word is not installed


# A transparent pixel where the force's crest goes: the service puts the crest in its place
# (`documents.CREST`), so a force without one gets no empty frame.
def _transparent_pixel() -> bytes:
    """A 1x1 PNG with nothing in it (RGBA, alpha 0)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")  # filter byte, then R G B A
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


CREST_PLACEHOLDER = _transparent_pixel()
CREST_NAME = "crest"


def _one_font(element: Any) -> None:
    """Arial for every script, and no theme font that Word would prefer to it."""
    fonts = element.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.lower().endswith("theme"):  # asciiTheme, hAnsiTheme, eastAsiaTheme, cstheme
            del fonts.attrib[attribute]
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{script}"), FONT)


def new_document(*, top_margin: float = 20) -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # python-docx defaults to US Letter
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(top_margin), Mm(16)
    section.header_distance = section.footer_distance = Mm(8)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    _one_font(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            _one_font(style.element.get_or_add_rPr())
            style.font.color.rgb = RGBColor(0, 0, 0)
    # Table styles and the rest name theme fonts of their own.
    for run_properties in document.styles.element.iter(qn("w:rPr")):
        if run_properties.find(qn("w:rFonts")) is not None:
            _one_font(run_properties)
    document.styles["Normal"].font.size = Pt(10.5)
    document.styles["Title"].font.size = Pt(20)
    properties = document.core_properties
    properties.author = "disclosure-service"
    properties.created = properties.modified = FIXED_TIME
    return document


def _no_wrap(cell: Any) -> None:
    """A cell whose text stays on one line (the reference: a broken one is misread)."""
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _widths(table: Any, *widths: float) -> None:
    """Fixed column widths, in the grid too (LibreOffice lays a table out by its grid)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _tight(paragraph: Any, after: float = 0) -> Any:
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _header(document: Document, text: dict[str, Any]) -> None:
    """The marking at the top; the force's crest and name on the left, the reference on the right."""
    header = document.sections[0].header
    marking = _tight(header.paragraphs[0], 3)
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = marking.add_run(text["marking"])
    run.bold = True
    run.font.size = Pt(11)
    table = header.add_table(rows=1, cols=3, width=Mm(174))
    _widths(table, 22, 74, 78)
    crest_cell, name_cell, reference_cell = table.rows[0].cells
    picture = _tight(crest_cell.paragraphs[0]).add_run().add_picture(io.BytesIO(CREST_PLACEHOLDER), height=Mm(18))
    picture._inline.docPr.set("name", CREST_NAME)
    picture._inline.docPr.set("descr", "")
    name = _tight(name_cell.paragraphs[0]).add_run("{{ force_name }}")
    name.bold = True
    name.font.size = Pt(12)
    _no_wrap(reference_cell)
    label = _tight(reference_cell.paragraphs[0])
    label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    label.add_run(text["reference_label"]).font.size = Pt(9)
    value = _tight(reference_cell.add_paragraph())
    value.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    reference = value.add_run("{{ reference }}")
    reference.bold = True
    reference.font.size = Pt(11)


def undertaking(language: str) -> Document:
    text = UNDERTAKING[language]
    document = new_document(top_margin=38)
    _header(document, text)
    _tight(document.add_heading(text["title"], level=0), 2)
    _tight(document.add_paragraph(text["scheme"]), 4).runs[0].bold = True
    _tight(document.add_paragraph(text["intro"]), 4)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in text["details"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
    _widths(table, 62, 112)
    _tight(document.add_heading(text["warnings_heading"], level=2), 2).paragraph_format.space_before = Pt(8)
    for warning in text["warnings"]:
        _tight(document.add_paragraph(warning, style="List Number"), 2)
    _tight(document.add_paragraph(text["statement"]), 6).paragraph_format.space_before = Pt(6)
    signatures = document.add_table(rows=0, cols=2)
    signatures.style = "Table Grid"
    signatures.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label in text["signatures"]:
        row = signatures.add_row()
        row.height = Mm(11)
        row.cells[0].text = label
    _widths(signatures, 62, 112)
    _refusal_box(document, text)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = text["footer"]
    footer.runs[0].font.size = Pt(8)
    return document


def _refusal_box(document: Document, text: dict[str, Any]) -> None:
    """A box to note a refusal to sign: the refusal is recorded, and the review decides what follows."""
    _tight(document.add_paragraph(), 0).paragraph_format.space_before = Pt(6)
    box = document.add_table(rows=1, cols=2)
    box.style = "Table Grid"
    heading = box.rows[0].cells[0].merge(box.rows[0].cells[1])
    heading.text = text["refusal_heading"]
    heading.paragraphs[0].runs[0].bold = True
    for label, value in text["refusal"]:
        row = box.add_row()
        row.height = Mm(9)
        row.cells[0].text, row.cells[1].text = label, value
    _widths(box, 62, 112)


def letter(language: str) -> Document:
    text = LETTER[language]
    document = new_document()
    document.add_paragraph("{{ force_name }}").runs[0].bold = True
    document.add_paragraph("{{ letter_date }}")
    document.add_paragraph("{{ applicant_name }}\n{{ applicant_address }}")
    document.add_heading(text["title"], level=1)
    document.add_paragraph(text["greeting"])
    for paragraph in text["body"]:
        document.add_paragraph(paragraph)
    document.add_paragraph(text["closing"])
    document.add_paragraph("{{ officer_name }}\n{{ force_name }}")
    document.sections[0].footer.paragraphs[0].text = text["footer"]
    return document


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for language in ("en", "cy"):
        undertaking(language).save(OUT / f"undertaking.{language}.v1.docx")
        letter(language).save(OUT / f"non_disclosure_letter.{language}.v1.docx")
    print(f"wrote {len(list(OUT.glob('*.docx')))} templates to {OUT.relative_to(ROOT)}/", file=sys.stderr)


if __name__ == "__main__":
    main()

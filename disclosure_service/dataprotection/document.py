"""The subject access export as a Word document for the officer's review: every section, with those
to consider withholding marked plainly above their contents. Built in code, not from a force's
template: it is an internal working document, never what is released as it stands."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from docx import Document
from docx.shared import Mm, Pt, RGBColor

from disclosure_service.dates import long_datetime

if TYPE_CHECKING:
    from disclosure_service.dataprotection.service import SubjectAccessExport

WITHHOLD_MARK = "CONSIDER WITHHOLDING"
# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks): typed or stored text may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def render(found: SubjectAccessExport) -> bytes:
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    document.add_heading("Subject access: for review before release", level=0)
    document.add_paragraph(
        f"Produced {long_datetime(found.produced_at)} by {_clean(found.produced_by)}. Reason: {_clean(found.reason)}. "
        f"Sections marked {WITHHOLD_MARK} must be reviewed by an officer under DPA 2018 s.45(4) before "
        "anything is released; this document is not to be given out as it stands."
    )
    if not found.cases:
        document.add_paragraph("No case of this force records this person.")
    for case in found.cases:
        document.add_heading(f"Case {_clean(case.reference)}", level=1)
        document.add_paragraph(
            f"Received {case.received_on}. Their part: {', '.join(case.parts)}. Stage: {case.stage}."
        )
        for part in case.sections:
            document.add_heading(_clean(part.title), level=2)
            if part.withhold is not None:
                mark = document.add_paragraph().add_run(f"{WITHHOLD_MARK}: {part.withhold_reason}")
                mark.bold = True
                mark.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
            for item in part.items:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{_clean(item.label)}: ").bold = True
                paragraph.add_run(_clean(item.value))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

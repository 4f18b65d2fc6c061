"""Write the shipped Word templates in templates/ (run by hand after changing the wording here).

Each force can upload its own versions through the service; these are version 1 of each. The
placeholders are docxtpl/Jinja tags and each is typed in one run, so Word does not split them.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates"
FIXED_TIME = datetime(2026, 11, 28, 12, 0)  # noqa: DTZ001  # document metadata only

UNDERTAKING = {
    "en": {
        "title": "Confidentiality undertaking",
        "scheme": "Child Sex Offender Disclosure Scheme",
        "intro": "This undertaking is given at a meeting with officers of {{ force_name }} about case {{ reference }}.",
        "details": [
            ("Case reference", "{{ reference }}"),
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
        "footer": "Template: undertaking, English, version {{ template_version }}. OFFICIAL-SENSITIVE when "
        "completed. The information disclosed is not written on this form.",
    },
    "cy": {
        "title": "Ymgymeriad cyfrinachedd",
        "scheme": "Cynllun Datgelu Troseddwyr Rhyw yn erbyn Plant",
        "intro": "Rhoddir yr ymgymeriad hwn mewn cyfarfod gyda swyddogion {{ force_name }} ynghylch achos "
        "{{ reference }}.",
        "details": [
            ("Cyfeirnod yr achos", "{{ reference }}"),
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


# The DVDS (Clare's Law): the same shape, about the person at risk and domestic abuse. The Welsh
# follows the CSODS forms' wording; a force's Welsh-language officer should check it before use.
DVDS_UNDERTAKING = {
    "en": {
        **UNDERTAKING["en"],
        "scheme": "Domestic Violence Disclosure Scheme (Clare's Law)",
        "details": [
            ("Case reference", "{{ reference }}"),
            ("Person receiving the information", "{{ recipient_name }}"),
            ("Person at risk", "{{ person_at_risk_name }}"),
            ("Date and time", "{{ meeting_date }} at {{ meeting_time }}"),
            ("Place", "{{ meeting_place }}"),
            ("Officers present", "{{ officers }}"),
        ],
        "warnings": [
            "the information must only be used for the purpose for which it has been shared, which is to "
            "protect {{ person_at_risk_name }} from domestic abuse;",
            "you are asked to sign this undertaking, agreeing that the information is confidential and that you "
            "will not disclose it further without first asking the police;",
            "legal proceedings could result if this confidentiality is breached.",
        ],
        "statement": "I, {{ recipient_name }}, understand that the information the police are about to share with "
        "me is confidential. I will use it only to keep {{ person_at_risk_name }} safe from domestic abuse and I "
        "will not pass it on to anyone else without asking the police first.",
        "footer": "Template: DVDS undertaking, English, version {{ template_version }}. OFFICIAL-SENSITIVE when "
        "completed. The information disclosed is not written on this form.",
    },
    "cy": {
        **UNDERTAKING["cy"],
        "scheme": "Cynllun Datgelu Trais Domestig (Cyfraith Clare)",
        "details": [
            ("Cyfeirnod yr achos", "{{ reference }}"),
            ("Y person sy'n cael yr wybodaeth", "{{ recipient_name }}"),
            ("Y person sydd mewn perygl", "{{ person_at_risk_name }}"),
            ("Dyddiad ac amser", "{{ meeting_date }} am {{ meeting_time }}"),
            ("Lle", "{{ meeting_place }}"),
            ("Swyddogion yn bresennol", "{{ officers }}"),
        ],
        "warnings": [
            "rhaid defnyddio'r wybodaeth at y diben y'i rhannwyd yn unig, sef diogelu {{ person_at_risk_name }} "
            "rhag cam-drin domestig;",
            "gofynnir i chi lofnodi'r ymgymeriad hwn, gan gytuno bod yr wybodaeth yn gyfrinachol ac na fyddwch "
            "yn ei datgelu i neb arall heb ofyn i'r heddlu yn gyntaf;",
            "gallai achos cyfreithiol ddilyn os torrir y gyfrinachedd hon.",
        ],
        "statement": "Rydw i, {{ recipient_name }}, yn deall bod yr wybodaeth y mae'r heddlu ar fin ei rhannu gyda mi "
        "yn gyfrinachol. Byddaf yn ei defnyddio i gadw {{ person_at_risk_name }} yn ddiogel rhag cam-drin domestig "
        "yn unig ac ni fyddaf yn ei throsglwyddo i neb arall heb ofyn i'r heddlu yn gyntaf.",
        "footer": "Templed: ymgymeriad DVDS, Cymraeg, fersiwn {{ template_version }}. SWYDDOGOL-SENSITIF pan gaiff "
        "ei gwblhau. Nid yw'r wybodaeth a ddatgelwyd wedi'i hysgrifennu ar y ffurflen hon.",
    },
}

DVDS_LETTER = {
    "en": {
        "title": "Your application under the Domestic Violence Disclosure Scheme",
        "greeting": "Dear {{ applicant_name }},",
        "body": [
            "Thank you for contacting {{ force_name }} under the Domestic Violence Disclosure Scheme "
            "(our reference {{ reference }}).",
            "We have carefully considered your application and completed our enquiries. We have decided that "
            "there is no information we can share with you under the scheme.",
            "This does not mean there is nothing to be concerned about. If you are worried about your safety or "
            "someone else's, please contact us again, or call the free 24-hour National Domestic Abuse Helpline "
            "on 0808 2000 247. In an emergency always call 999.",
            "{{ safeguarding_advice }}",
        ],
        "closing": "Yours sincerely,",
        "footer": "Template: DVDS non-disclosure letter, English, version {{ template_version }}.",
    },
    "cy": {
        "title": "Eich cais o dan y Cynllun Datgelu Trais Domestig",
        "greeting": "Annwyl {{ applicant_name }},",
        "body": [
            "Diolch am gysylltu â {{ force_name }} o dan y Cynllun Datgelu Trais Domestig "
            "(ein cyfeirnod {{ reference }}).",
            "Rydym wedi ystyried eich cais yn ofalus ac wedi cwblhau ein hymholiadau. Rydym wedi penderfynu nad "
            "oes gwybodaeth y gallwn ei rhannu gyda chi o dan y cynllun.",
            "Nid yw hyn yn golygu nad oes dim i boeni amdano. Os ydych chi'n poeni am eich diogelwch chi neu "
            "rywun arall, cysylltwch â ni eto, neu ffoniwch linell gymorth Byw Heb Ofn am ddim ar 0808 80 10 800. "
            "Mewn argyfwng ffoniwch 999 bob amser.",
            "{{ safeguarding_advice }}",
        ],
        "closing": "Yn gywir,",
        "footer": "Templed: llythyr dim datgelu DVDS, Cymraeg, fersiwn {{ template_version }}.",
    },
}


def new_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # python-docx defaults to US Letter
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[style_name]
        style.font.name = "Arial"  # metric-compatible Liberation Sans where Word is not installed
    document.styles["Normal"].font.size = Pt(11)
    properties = document.core_properties
    properties.author = "disclosure-service"
    properties.created = properties.modified = FIXED_TIME
    return document


def undertaking(language: str, wording: dict[str, dict[str, Any]] = UNDERTAKING) -> Document:
    text = wording[language]
    document = new_document()
    document.add_heading(text["title"], level=0)
    document.add_paragraph(text["scheme"]).runs[0].bold = True
    document.add_paragraph(text["intro"])
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in text["details"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
    document.add_heading(text["warnings_heading"], level=2)
    for warning in text["warnings"]:
        document.add_paragraph(warning, style="List Number")
    document.add_paragraph(text["statement"])
    signatures = document.add_table(rows=0, cols=2)
    signatures.style = "Table Grid"
    signatures.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label in text["signatures"]:
        row = signatures.add_row()
        row.height = Mm(14)
        row.cells[0].text = label
    document.sections[0].footer.paragraphs[0].text = text["footer"]
    return document


def letter(language: str, wording: dict[str, dict[str, Any]] = LETTER) -> Document:
    text = wording[language]
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
        undertaking(language, DVDS_UNDERTAKING).save(OUT / f"dvds_undertaking.{language}.v1.docx")
        letter(language, DVDS_LETTER).save(OUT / f"dvds_non_disclosure_letter.{language}.v1.docx")
    print(f"wrote {len(list(OUT.glob('*.docx')))} templates to {OUT.relative_to(ROOT)}/", file=sys.stderr)


if __name__ == "__main__":
    main()

"""What files are kept: told by their first bytes, never by the name alone."""

from __future__ import annotations

import io
import zipfile

import pytest

from disclosure_service import files


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
EMAIL = b"From: social.care@example.gov.uk\r\nTo: ppu@example.police.uk\r\nSubject: Referral\r\n\r\nBody"


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"%PDF-1.7 rest", "scan.pdf", files.PDF),
        (b"%PDF-1.7 rest", "scan.exe", files.PDF),
        (b"\xff\xd8\xff\xe0 jpeg", "photo.jpg", files.JPEG),
        (b"\x89PNG\r\n\x1a\n png", "photo.png", files.PNG),
        (_zip("[Content_Types].xml", "word/document.xml"), "letter.docx", files.DOCX),
        (OLE, "letter.doc", files.DOC),
        (OLE, "message.msg", files.OUTLOOK),
        (EMAIL, "referral.eml", files.EMAIL),
    ],
)
def test_kept_kinds_are_known_by_their_content(content: bytes, filename: str, expected: str) -> None:
    assert files.kind_of(content, filename) == expected


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"plain text", "notes.txt"),
        (b"MZ\x90\x00 program", "letter.pdf"),
        (_zip("word/document.xml", "word/vbaProject.bin"), "letter.docx"),  # macros
        (_zip("xl/workbook.xml"), "sheet.docx"),
        (OLE, "sheet.xls"),
        (b"Dear Sir, From: me", "letter.eml"),
        (EMAIL, "referral.txt"),
        (b"PK\x03\x04 not really a zip", "letter.docx"),
        (b"", "empty.pdf"),
    ],
)
def test_anything_else_is_refused(content: bytes, filename: str) -> None:
    assert files.kind_of(content, filename) is None


def test_base64_that_is_not_is_refused() -> None:
    assert files.decode("JVBERi0=") == b"%PDF-"
    assert files.decode("not base64!") is None

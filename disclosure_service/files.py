"""Files people upload (attachments, scans of signed undertakings): what kind each is, told from its
first bytes rather than from its name or the type the browser claims. Plain functions, no I/O."""

from __future__ import annotations

import base64
import binascii
import io
import zipfile

MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
OUTLOOK = "application/vnd.ms-outlook"
EMAIL = "message/rfc822"

LABELS = {PDF: "PDF", JPEG: "JPEG image", PNG: "PNG image", DOCX: "Word", DOC: "Word", OUTLOOK: "Email", EMAIL: "Email"}
ATTACHMENT_KINDS = frozenset(LABELS)
SCAN_KINDS = frozenset({PDF, JPEG, PNG})

_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 documents and Outlook messages
_EMAIL_HEADERS = (
    b"from:", b"to:", b"subject:", b"date:", b"received:", b"return-path:", b"message-id:", b"mime-version:"
)  # fmt: skip


def decode(text: str) -> bytes | None:
    """The file sent as base64, or None if it is not valid base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def kind_of(content: bytes, filename: str) -> str | None:
    """The file's media type, if it is one the service keeps; None otherwise (a macro-enabled Word
    file included: it can run code when opened)."""
    for magic, media_type in _MAGIC:
        if content.startswith(magic):
            return media_type
    name = filename.lower()
    if content.startswith(_OLE):
        return OUTLOOK if name.endswith(".msg") else DOC if name.endswith(".doc") else None
    if content.startswith(b"PK\x03\x04"):
        return DOCX if _is_word(content) else None
    if name.endswith(".eml") and _looks_like_email(content):
        return EMAIL
    return None


def _is_word(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "word/document.xml" in names and not any(name.lower().endswith("vbaproject.bin") for name in names)


def _looks_like_email(content: bytes) -> bool:
    """An RFC 5322 message: it opens with header lines, and has a From header among them."""
    head = content[:8192].lower()
    first = head.split(b"\n", 1)[0]
    headers = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return first.startswith(_EMAIL_HEADERS) and (headers.startswith(b"from:") or b"\nfrom:" in headers)


def png_size(picture: bytes) -> tuple[int, int] | None:
    """A PNG's width and height in pixels, from its header (None if it is not a PNG)."""
    if len(picture) < 24 or not picture.startswith(b"\x89PNG\r\n\x1a\n") or picture[12:16] != b"IHDR":
        return None
    width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    return (width, height) if width and height else None

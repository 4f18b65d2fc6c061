"""The Word templates a force has, version by version; and the documents and scans handed out.

Runs inside the caller's transaction, scoped to their force (row-level security).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from disclosure_service.paths import DOCUMENT_TEMPLATES_DIR


@dataclass(frozen=True, slots=True)
class TemplateVersion:
    id: int
    name: str
    language: str
    version: int
    content: bytes


@dataclass(frozen=True, slots=True)
class TemplateListing:
    """A version as the administrators' page lists it."""

    id: int
    name: str
    language: str
    version: int
    filename: str
    sha256: str
    active: bool
    uploaded_at: datetime
    by_name: str | None


def shipped_path(name: str, language: str) -> Path:
    return DOCUMENT_TEMPLATES_DIR / f"{name}.{language}.v1.docx"


async def active_template(
    conn: asyncpg.Connection[Any], force_id: int, name: str, language: str, now: datetime
) -> TemplateVersion:
    """The force's active version. The first time, the shipped template becomes its version 1; and
    while the force has never uploaded its own, a newer shipped wording becomes its next version
    (a force's own upload is never replaced)."""
    shipped = shipped_path(name, language).read_bytes()
    digest = hashlib.sha256(shipped).hexdigest()
    row = await conn.fetchrow(
        'SELECT id, version, content, sha256, uploaded_by FROM document_template WHERE "force" = $1 AND name = $2 '
        "AND language = $3 AND active ORDER BY version DESC LIMIT 1",
        force_id,
        name,
        language,
    )
    if row is not None and (row["uploaded_by"] is not None or row["sha256"] == digest):
        return TemplateVersion(row["id"], name, language, row["version"], bytes(row["content"]))
    version = 1 if row is None else row["version"] + 1
    await conn.execute(
        'UPDATE document_template SET active = false WHERE "force" = $1 AND name = $2 AND language = $3',
        force_id,
        name,
        language,
    )
    # Two first uses at once both try to write version 1: the second takes the first's row.
    new = await conn.fetchrow(
        'INSERT INTO document_template ("force", name, language, version, filename, sha256, content, active, '
        "uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8) "
        'ON CONFLICT ("force", name, language, version) DO UPDATE SET active = true RETURNING id, version',
        force_id,
        name,
        language,
        version,
        shipped_path(name, language).name,
        digest,
        shipped,
        now,
    )
    assert new is not None  # noqa: S101  # an upsert always returns its row
    return TemplateVersion(new["id"], name, language, new["version"], shipped)


async def add_version(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    name: str,
    language: str,
    filename: str,
    content: bytes,
    uploaded_by: int,
    now: datetime,
) -> int:
    """A checked upload becomes the force's new active version (earlier versions are kept)."""
    current = await active_template(conn, force_id, name, language, now)
    await conn.execute(
        'UPDATE document_template SET active = false WHERE "force" = $1 AND name = $2 AND language = $3',
        force_id,
        name,
        language,
    )
    version = current.version + 1
    await conn.execute(
        'INSERT INTO document_template ("force", name, language, version, filename, sha256, content, active, '
        "uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9)",
        force_id,
        name,
        language,
        version,
        filename[:200],
        hashlib.sha256(content).hexdigest(),
        content,
        uploaded_by,
        now,
    )
    return version


async def template_versions(conn: asyncpg.Connection[Any]) -> list[TemplateListing]:
    rows = await conn.fetch(
        "SELECT t.id, t.name, t.language, t.version, t.filename, t.sha256, t.active, t.uploaded_at, "
        "u.display_name AS by_name FROM document_template t LEFT JOIN app_user u ON u.id = t.uploaded_by "
        "ORDER BY t.name, t.language, t.version DESC"
    )
    return [TemplateListing(**dict(row)) for row in rows]


async def template_file(conn: asyncpg.Connection[Any], template_id: int) -> tuple[str, bytes] | None:
    row = await conn.fetchrow("SELECT filename, content FROM document_template WHERE id = $1", template_id)
    return None if row is None else (row["filename"], bytes(row["content"]))


@dataclass(frozen=True, slots=True)
class StoredDocument:
    kind: str
    filename: str
    content: bytes
    recipient_name: str
    # The person it was made for, by record: the meeting's recipient, or the applicant for a letter.
    recipient_id: int | None = None
    recipient_part: str = "recipient"


async def document(conn: asyncpg.Connection[Any], case_id: int, document_id: int) -> StoredDocument | None:
    row = await conn.fetchrow(
        "SELECT d.kind, d.filename, d.content, d.recipient_name, m.recipient AS meeting_recipient, "
        "(SELECT p.id FROM case_person p WHERE p.application = d.application AND p.role = 'applicant' "
        "ORDER BY p.id LIMIT 1) AS applicant "
        "FROM generated_document d LEFT JOIN disclosure_meeting m ON m.id = d.meeting "
        "WHERE d.id = $1 AND d.application = $2",
        document_id,
        case_id,
    )
    if row is None:
        return None
    by_meeting = row["meeting_recipient"] is not None
    return StoredDocument(
        row["kind"],
        row["filename"],
        bytes(row["content"]),
        row["recipient_name"],
        row["meeting_recipient"] if by_meeting else row["applicant"],
        "recipient" if by_meeting else "applicant",
    )


async def scan(conn: asyncpg.Connection[Any], case_id: int, response_id: int) -> tuple[str, str, bytes] | None:
    """A signed undertaking's scan: (filename, content type, content)."""
    row = await conn.fetchrow(
        "SELECT scan, scan_filename, scan_content_type FROM undertaking_outcome "
        "WHERE id = $1 AND application = $2 AND scan IS NOT NULL",
        response_id,
        case_id,
    )
    return None if row is None else (row["scan_filename"], row["scan_content_type"], bytes(row["scan"]))


async def attachment(conn: asyncpg.Connection[Any], case_id: int, attachment_id: int) -> tuple[str, str, bytes] | None:
    """A file kept with the case: (filename, content type, content)."""
    row = await conn.fetchrow(
        "SELECT filename, content_type, content FROM attachment WHERE id = $1 AND application = $2",
        attachment_id,
        case_id,
    )
    return None if row is None else (row["filename"], row["content_type"], bytes(row["content"]))

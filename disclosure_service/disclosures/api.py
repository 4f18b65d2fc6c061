"""The JSON API for what a case hands out and keeps as files (documents, PDFs, scans, attachments,
under `/api/v1/applications`) and for the force's Word templates (`/api/v1/templates`).

Every download is a disclosure or a consultation, logged in `disclosures.service`; each needs a
fresh code, like the pages.
"""

# No `from __future__ import annotations`: Litestar reads the handler's annotations at run time.

import base64
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException, ServiceUnavailableException, ValidationException
from litestar.params import Body, FromPath

from disclosure_service.audit.writer import Caller
from disclosure_service.cases import reading, schemas
from disclosure_service.cases.casefile import Attachment
from disclosure_service.cases.service import Casework
from disclosure_service.cases.workflow import Action
from disclosure_service.disclosures import documents, sandbox, service
from disclosure_service.identity.principal import Principal
from disclosure_service.web import access

DOWNLOAD = access.opt(access.CASEWORK, step_up=True)


def _file(found: service.Download) -> Response[bytes]:
    return Response(
        found.content,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.filename}"'},
    )


@get("/{case_id:int}/documents/{document_id:int}", opt=DOWNLOAD, media_type=documents.DOCX_TYPE)
async def download_document(
    case_id: FromPath[int], document_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    """A generated document (.docx): a disclosure, logged with its recipient. Needs a fresh code. If you
    are not on the case, read it with a reason first."""
    return _file(await service.document(caller, case_id, document_id))


@get("/{case_id:int}/documents/{document_id:int}/pdf", opt=DOWNLOAD, media_type="application/pdf")
async def download_document_pdf(
    case_id: FromPath[int], document_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    """The same document as a PDF (503 when the server has no LibreOffice to convert it)."""
    if not documents.pdf_available():
        raise ServiceUnavailableException("PDF is not available: LibreOffice is not installed on this server")
    found = await service.document(caller, case_id, document_id)
    pdf = await documents.to_pdf(found.content)
    return _file(service.Download(found.filename.removesuffix(".docx") + ".pdf", "application/pdf", pdf))


@get("/{case_id:int}/scans/{outcome_id:int}", opt=DOWNLOAD)
async def download_scan(
    case_id: FromPath[int], outcome_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    """The scan of a signed undertaking (`undertaking_outcomes[].id`): PDF, JPEG or PNG."""
    return _file(await service.scan(caller, case_id, outcome_id))


@get("/{case_id:int}/attachments", opt=access.opt(access.CASEWORK))
async def list_attachments(case_id: FromPath[int], caller: NamedDependency[Caller]) -> list[Attachment]:
    """The files kept with the case, oldest first (a read of the case, logged like one)."""
    return (await reading.open_case(caller, case_id)).case.attachments


class AttachmentForm(msgspec.Struct, kw_only=True):
    """`multipart/form-data`: the file, what it is, and the case's current version."""

    file: UploadFile
    description: str
    version: int
    submission_key: str | None = None


class AttachmentAddedOut(msgspec.Struct):
    id: int
    version: int
    stage: str
    message: str
    repeated: bool
    # None when the request repeated an earlier one (the same submission key): list the attachments.
    attachment_id: int | None


@post("/{case_id:int}/attachments", opt=access.opt(access.CASEWORK), status_code=201)
async def add_attachment(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    data: Annotated[AttachmentForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    caller: NamedDependency[Caller],
    casework: NamedDependency[Casework],
) -> AttachmentAddedOut:
    """Keep a file with the case: PDF, Word, an email (.eml or .msg), JPEG or PNG, 10 MB or smaller.
    The same as the `add-attachment` action, which takes the file base64-encoded in JSON."""
    content = await data.file.read()
    key = data.submission_key or request.headers.get("idempotency-key")
    try:
        payload = msgspec.convert(
            {
                "version": data.version,
                "submission_key": key,
                "file_base64": base64.b64encode(content).decode("ascii"),
                "file_filename": data.file.filename or "attachment",
                "description": data.description,
            },
            schemas.AttachmentIn,
        )
    except msgspec.ValidationError as exc:
        raise ValidationException(str(exc)) from None
    done = await casework.act(caller, case_id, Action.add_attachment, payload)
    return AttachmentAddedOut(done.case_id, done.version, done.stage, done.message, done.repeated, done.record_id)


@get("/{case_id:int}/attachments/{attachment_id:int}", opt=DOWNLOAD)
async def download_attachment(
    case_id: FromPath[int], attachment_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    """A file kept with the case: a disclosure to whoever downloads it, logged. Needs a fresh code."""
    return _file(await service.attachment(caller, case_id, attachment_id))


CASE_ROUTES = [
    download_document,
    download_document_pdf,
    download_scan,
    list_attachments,
    add_attachment,
    download_attachment,
]


# ---------------------------------------------------------------------------------------------
# The force's Word templates (administrators)


class TemplateVersionOut(msgspec.Struct):
    id: int
    name: str
    language: str
    version: int
    filename: str
    sha256: str
    active: bool
    uploaded_at: datetime
    # None for the version the service ships with.
    uploaded_by: str | None


@get("/", opt=access.opt(access.ADMINS))
async def list_templates(principal: NamedDependency[Principal]) -> list[TemplateVersionOut]:
    """Every version of every template the force has, newest first within each template and language."""
    grouped = await service.template_versions(principal)
    return [
        TemplateVersionOut(
            v.id, v.name, v.language, v.version, v.filename, v.sha256, v.active, v.uploaded_at, v.by_name
        )
        for versions in grouped.values()
        for v in versions
    ]


@get("/{template_id:int}", opt=access.opt(access.ADMINS), media_type=documents.DOCX_TYPE)
async def download_template(template_id: FromPath[int], principal: NamedDependency[Principal]) -> Response[bytes]:
    """A template version, to edit in Word and upload again."""
    try:
        return _file(await service.template_file(principal, template_id))
    except service.NoSuchTemplateError:
        raise NotFoundException() from None


class TemplateForm(msgspec.Struct, kw_only=True):
    file: UploadFile


class TemplateAddedOut(msgspec.Struct):
    name: str
    language: str
    version: int


@post("/{name:str}/{language:str}", opt=access.opt(access.ADMINS, step_up=True), status_code=201)
async def upload_template(
    name: FromPath[str],
    language: FromPath[str],
    data: Annotated[TemplateForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    caller: NamedDependency[Caller],
) -> TemplateAddedOut:
    """A new version of a template (`undertaking` or `non_disclosure_letter`; `en` or `cy`), as a
    `multipart/form-data` `file`. Checked first as on the page: 400 with every reason if it would not
    work. It becomes the force's active version at once. Needs a fresh code."""
    if name not in documents.FIELDS or language not in documents.LANGUAGES:
        raise NotFoundException()
    content = await data.file.read()
    problems = await sandbox.problems(name, content)
    if problems:
        raise ValidationException(
            "The template was refused", extra=[{"key": "file", "message": reason} for reason in problems]
        )
    version = await service.add_template(
        caller, name=name, language=language, filename=data.file.filename or f"{name}.docx", content=content
    )
    return TemplateAddedOut(name, language, version)


TEMPLATES = Router(
    path="/templates", route_handlers=[list_templates, download_template, upload_template], tags=["Templates"]
)

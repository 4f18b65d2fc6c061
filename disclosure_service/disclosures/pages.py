"""Downloads (documents, PDFs, scans) and the administrators' page for the Word templates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_503_SERVICE_UNAVAILABLE

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.auth import access, step_up
from disclosure_service.auth.middleware import request_meta
from disclosure_service.auth.principal import Principal
from disclosure_service.cases import reading
from disclosure_service.cases.actions import CaseNotFoundError
from disclosure_service.database import engine as db
from disclosure_service.disclosures import documents, service
from disclosure_service.web.forms import FormErrors

AnyRequest = Request[Any, Any, Any]
DOWNLOAD = access.opt(access.CASEWORK, step_up=True)
ADMIN = access.opt(access.ADMINS)
ADMIN_FORM = access.opt(access.ADMINS, step_up=step_up.FORM)


def attachment(download: service.Download) -> Response[bytes]:
    """A download: saved, never shown in the page; no-store and nosniff come with every response."""
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"content-disposition": f'attachment; filename="{download.filename}"'},
    )


async def _fetch(request: AnyRequest, fetch: Any, case_id: int, item_id: int) -> service.Download | Redirect:
    try:
        result: service.Download = await fetch(access.caller(request), case_id, item_id, request_meta(request))
    except CaseNotFoundError:
        raise NotFoundException() from None
    except reading.ReasonNeededError:
        return Redirect(f"/cases/{case_id}/reason", status_code=HTTP_303_SEE_OTHER)
    return result


@get("/cases/{case_id:int}/documents/{document_id:int}/docx", opt=DOWNLOAD)
async def download_docx(
    request: AnyRequest, case_id: FromPath[int], document_id: FromPath[int]
) -> Response[bytes] | Redirect:
    found = await _fetch(request, service.document, case_id, document_id)
    return found if isinstance(found, Redirect) else attachment(found)


@get("/cases/{case_id:int}/documents/{document_id:int}/pdf", opt=DOWNLOAD)
async def download_pdf(
    request: AnyRequest, case_id: FromPath[int], document_id: FromPath[int]
) -> Response[Any] | Redirect | Template:
    if not documents.pdf_available():
        return Template(
            "errors/error.html",
            context={
                "page_title": "PDF is not available",
                "paragraphs": [
                    "LibreOffice is not installed on this server, so documents cannot be converted to PDF.",
                    "Download the Word document instead: it prints on A4 as it is.",
                ],
            },
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    found = await _fetch(request, service.document, case_id, document_id)
    if isinstance(found, Redirect):
        return found
    pdf = await documents.to_pdf(found.content)
    name = found.filename.removesuffix(".docx") + ".pdf"
    return attachment(service.Download(name, "application/pdf", pdf))


@get("/cases/{case_id:int}/scans/{outcome_id:int}", opt=DOWNLOAD)
async def download_scan(
    request: AnyRequest, case_id: FromPath[int], outcome_id: FromPath[int]
) -> Response[bytes] | Redirect:
    found = await _fetch(request, service.scan, case_id, outcome_id)
    return found if isinstance(found, Redirect) else attachment(found)


# ---------------------------------------------------------------------------------------------
# Templates


async def _template_rows(principal: Principal) -> dict[tuple[str, str], list[Any]]:
    async with db.transaction(force_id=principal.force_id) as conn:
        now = datetime.now(UTC)
        for name in documents.FIELDS:
            for language in documents.LANGUAGES:
                await documents.active_template(conn, principal.force_id, name, language, now)
        rows = await conn.fetch(
            "SELECT t.id, t.name, t.language, t.version, t.filename, t.sha256, t.active, t.uploaded_at, "
            "u.display_name AS by_name FROM document_template t LEFT JOIN app_user u ON u.id = t.uploaded_by "
            "ORDER BY t.name, t.language, t.version DESC"
        )
    grouped: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        grouped.setdefault((row["name"], row["language"]), []).append(row)
    return grouped


async def _templates_page(request: AnyRequest, errors: FormErrors, *, done: str = "", status: int = 200) -> Template:
    return Template(
        "disclosures/templates.html",
        context={
            "page_title": "Document templates",
            "templates": await _template_rows(access.caller(request)),
            "titles": documents.TITLES,
            "languages": documents.LANGUAGES,
            "fields": {name: sorted(fields) for name, fields in documents.FIELDS.items()},
            "required": documents.REQUIRED,
            "needs_code": step_up.needs_code(request),
            "done": done,
            **errors.context(),
        },
        status_code=status,
    )


@get("/admin/templates", opt=ADMIN_FORM)
async def templates_page(request: AnyRequest) -> Template:
    return await _templates_page(request, FormErrors(), done=request.query_params.get("done", ""))


@post("/admin/templates/{name:str}/{language:str}", opt=ADMIN_FORM)
async def upload_template(request: AnyRequest, name: FromPath[str], language: FromPath[str]) -> Template | Redirect:
    """A new version of a template: checked first; refused, with the reasons, if it would not work."""
    if name not in documents.FIELDS or language not in documents.LANGUAGES:
        raise NotFoundException()
    principal = access.caller(request)
    form = await request.form()
    errors = FormErrors()
    anchor = f"{name}-{language}-file"
    upload = form.get("file")
    code = form.get("code")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add("file", "Choose a .docx file to upload", anchor)
        return await _templates_page(request, errors, status=HTTP_400_BAD_REQUEST)
    # The code first: nothing from an upload is even looked at for someone who has not just proved who they are.
    if refused := await step_up.confirm(request, {"code": code if isinstance(code, str) else ""}):
        errors.add("code", refused, f"{name}-{language}-code")
        return await _templates_page(request, errors, status=HTTP_400_BAD_REQUEST)
    content = await upload.read()
    for number, reason in enumerate(await documents.problems_async(name, content)):
        errors.add(f"file-{number}", reason, anchor)
    if errors:
        return await _templates_page(request, errors, status=HTTP_400_BAD_REQUEST)
    now = datetime.now(UTC)
    async with db.transaction(force_id=principal.force_id) as conn:
        version = await documents.add_version(
            conn,
            force_id=principal.force_id,
            name=name,
            language=language,
            filename=upload.filename,
            content=content,
            uploaded_by=principal.user_id,
            now=now,
        )
        await record(
            conn,
            actor=principal.actor,
            operation=Operation.administration,
            event="template.uploaded",
            meta=request_meta(request),
            record_type="document_template",
            details={"name": name, "language": language, "version": version},
            now=now,
        )
    return Redirect(f"/admin/templates?done={name}-{language}-v{version}", status_code=HTTP_303_SEE_OTHER)


@get("/admin/templates/{template_id:int}/download", opt=ADMIN)
async def download_template(request: AnyRequest, template_id: FromPath[int]) -> Response[bytes]:
    """A template version, to edit in Word and upload again."""
    principal = access.caller(request)
    async with db.transaction(force_id=principal.force_id) as conn:
        row = await conn.fetchrow("SELECT filename, content FROM document_template WHERE id = $1", template_id)
    if row is None:
        raise NotFoundException()
    return attachment(
        service.Download(service.safe_filename(row["filename"]), documents.DOCX_TYPE, bytes(row["content"]))
    )


ROUTES = [download_docx, download_pdf, download_scan, templates_page, upload_template, download_template]

"""Downloads (documents, PDFs, scans) and the administrators' page for the Word templates.

Thin: the work (and each download's audit row) is in `disclosures.service`; a case the user may
not see, or must say why they open, is answered by `cases.http_errors`.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_503_SERVICE_UNAVAILABLE

from disclosure_service.audit.writer import Caller
from disclosure_service.auth import step_up
from disclosure_service.disclosures import documents, sandbox, service
from disclosure_service.identity.principal import Principal
from disclosure_service.web import access
from disclosure_service.web.forms import FormErrors

AnyRequest = Request[Any, Any, Any]
DOWNLOAD = access.opt(access.CASEWORK, step_up=True, returns_to="/cases/{case_id}")
ADMIN = access.opt(access.ADMINS)
ADMIN_FORM = access.opt(access.ADMINS, step_up=step_up.FORM)


def attachment(download: service.Download) -> Response[bytes]:
    """A download: saved, never shown in the page; no-store and nosniff come with every response."""
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"content-disposition": f'attachment; filename="{download.filename}"'},
    )


@get("/cases/{case_id:int}/documents/{document_id:int}/docx", opt=DOWNLOAD)
async def download_docx(
    case_id: FromPath[int], document_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    return attachment(await service.document(caller, case_id, document_id))


@get("/cases/{case_id:int}/documents/{document_id:int}/pdf", opt=DOWNLOAD)
async def download_pdf(
    case_id: FromPath[int], document_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[Any] | Template:
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
    found = await service.document(caller, case_id, document_id)
    pdf = await documents.to_pdf(found.content)
    return attachment(service.Download(found.filename.removesuffix(".docx") + ".pdf", "application/pdf", pdf))


@get("/cases/{case_id:int}/scans/{outcome_id:int}", opt=DOWNLOAD)
async def download_scan(
    case_id: FromPath[int], outcome_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    return attachment(await service.scan(caller, case_id, outcome_id))


@get("/cases/{case_id:int}/attachments/{attachment_id:int}", opt=DOWNLOAD)
async def download_attachment(
    case_id: FromPath[int], attachment_id: FromPath[int], caller: NamedDependency[Caller]
) -> Response[bytes]:
    return attachment(await service.attachment(caller, case_id, attachment_id))


# ---------------------------------------------------------------------------------------------
# Templates


async def _templates_page(
    request: AnyRequest, principal: Principal, errors: FormErrors, *, done: str = "", status: int = 200
) -> Template:
    return Template(
        "disclosures/templates.html",
        context={
            "page_title": "Document templates",
            "templates": await service.template_versions(principal),
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
async def templates_page(request: AnyRequest, principal: NamedDependency[Principal]) -> Template:
    return await _templates_page(request, principal, FormErrors(), done=request.query_params.get("done", ""))


@post("/admin/templates/{name:str}/{language:str}", opt=ADMIN_FORM)
async def upload_template(
    request: AnyRequest, name: FromPath[str], language: FromPath[str], caller: NamedDependency[Caller]
) -> Template | Redirect:
    """A new version of a template: checked first; refused, with the reasons, if it would not work."""
    if name not in documents.FIELDS or language not in documents.LANGUAGES:
        raise NotFoundException()
    form = await request.form()
    errors = FormErrors()
    anchor = f"{name}-{language}-file"
    upload = form.get("file")
    code = form.get("code")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add("file", "Choose a .docx file to upload", anchor)
        return await _templates_page(request, caller.principal, errors, status=HTTP_400_BAD_REQUEST)
    # The code first: nothing from an upload is even looked at for someone who has not just proved who they are.
    if refused := await step_up.confirm(request, {"code": code if isinstance(code, str) else ""}):
        errors.add("code", refused, f"{name}-{language}-code")
        return await _templates_page(request, caller.principal, errors, status=HTTP_400_BAD_REQUEST)
    content = await upload.read()
    for number, reason in enumerate(await sandbox.problems(name, content)):
        errors.add(f"file-{number}", reason, anchor)
    if errors:
        return await _templates_page(request, caller.principal, errors, status=HTTP_400_BAD_REQUEST)
    version = await service.add_template(
        caller, name=name, language=language, filename=upload.filename, content=content
    )
    return Redirect(f"/admin/templates?done={name}-{language}-v{version}", status_code=HTTP_303_SEE_OTHER)


@get("/admin/templates/{template_id:int}/download", opt=ADMIN)
async def download_template(template_id: FromPath[int], principal: NamedDependency[Principal]) -> Response[bytes]:
    """A template version, to edit in Word and upload again."""
    try:
        return attachment(await service.template_file(principal, template_id))
    except service.NoSuchTemplateError:
        raise NotFoundException() from None


ROUTES = [
    download_docx,
    download_pdf,
    download_scan,
    download_attachment,
    templates_page,
    upload_template,
    download_template,
]

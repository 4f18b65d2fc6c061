"""What a Word document may not contain, checked on its bytes. Plain functions, no I/O.

A template is the administrator's text, but a .docx can also carry instructions for Word: field
codes that fetch a picture or a file when the document is opened (`INCLUDEPICTURE "http://...?ref=
{{ reference }}"` would send case data to whoever runs that address), links to outside files, an
attached template, embedded objects, macros and alternative content. None of that has a place in
an undertaking or a letter, so a document that has any of it is refused: when a template is
uploaded, and again on every document the service makes, in case a template got into the database
some other way or a value managed to build something the template did not have.

A .docx is also a zip file, so its central directory is checked first: a file that would inflate
to far more than it weighs, or that has thousands of parts, is refused before anything is inflated.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree

# A shipped template is 18 parts and 0.8 MB inflated (styles are most of it). These leave room for
# pictures and a long letter, and keep a crafted file from taking the process's memory.
MAX_PARTS = 100
MAX_INFLATED_BYTES = 10 * 1024 * 1024
MAX_XML_PART_BYTES = 2 * 1024 * 1024

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

# Fields that only show something the document already knows (page numbers, dates, cross
# references). Every other field is refused, including any Word adds in a later version:
# INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO, IMPORT, DATABASE, HYPERLINK, MACROBUTTON...
ALLOWED_FIELDS = frozenset(
    {
        "PAGE",
        "NUMPAGES",
        "SECTIONPAGES",
        "SECTION",
        "DATE",
        "TIME",
        "CREATEDATE",
        "SAVEDATE",
        "PRINTDATE",
        "TOC",
        "REF",
        "PAGEREF",
        "NOTEREF",
        "SEQ",
        "STYLEREF",
    }
)
# Elements that embed or pull in other content.
_FORBIDDEN_TAGS = {
    f"{{{W}}}object": "an embedded object",
    f"{{{W}}}control": "an ActiveX control",
    f"{{{W}}}altChunk": "content from another file (altChunk)",
    f"{{{W}}}attachedTemplate": "an attached template",
    f"{{{W}}}subDoc": "a subdocument",
    "{urn:schemas-microsoft-com:office:office}OLEObject": "an embedded object",
}
_FORBIDDEN_RELATIONSHIPS = ("/aFChunk", "/attachedTemplate", "/oleObject", "/package", "/control", "/vbaProject")
# Bytes that must appear, spelt out, in any XML part holding a field or one of those elements: a
# part with none of them needs no parsing (element names cannot be written as character references).
_NEEDLES = (b"instr", b"object", b"Object", b"control", b"altChunk", b"attachedTemplate", b"subDoc")
_FORBIDDEN_PART = re.compile(r"(^|/)(embeddings|activeX)/|vbaProject\.bin$|vbaData\.xml$", re.IGNORECASE)
_FORBIDDEN_CONTENT_TYPE = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|oleObject", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class UnsafeDocumentError(Exception):
    """The document has something no undertaking or letter may have; the message says what."""


def zip_problems(content: bytes) -> list[str]:
    """The central directory only: how many parts, how big inflated. Nothing is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return ["The file is not a Word document (.docx) that can be opened"]
    if len(entries) > MAX_PARTS:
        return [f"The document has {len(entries)} parts; a template may have at most {MAX_PARTS}"]
    found: list[str] = []
    if sum(entry.file_size for entry in entries) > MAX_INFLATED_BYTES:
        found.append(f"The document would be more than {MAX_INFLATED_BYTES // (1024 * 1024)} MB unzipped")
    for entry in entries:
        if entry.flag_bits & 0x1:
            found.append("The document is encrypted")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            found.append(f"The document's part {entry.filename} is compressed in a way Word does not use")
        if _is_xml(entry.filename) and entry.file_size > MAX_XML_PART_BYTES:
            found.append(f"The document's part {entry.filename} is too big (over 2 MB of text)")
    if len({entry.filename for entry in entries}) != len(entries):
        found.append("The document has two parts with the same name")
    return sorted(set(found))


def problems(content: bytes) -> list[str]:
    """Everything a document may not have, in words for the administrator (empty if it is safe)."""
    found = zip_problems(content)
    if found:
        return found
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for entry in archive.infolist():
            name = entry.filename
            if _FORBIDDEN_PART.search(name):
                found.append(f"The document contains macros or embedded objects ({name})")
                continue
            if not _is_xml(name):
                continue
            found += _part_problems(name, archive.read(entry))
    return list(dict.fromkeys(found))


def refuse_unsafe(content: bytes) -> None:
    found = problems(content)
    if found:
        raise UnsafeDocumentError("; ".join(found))


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _part_problems(name: str, data: bytes) -> list[str]:
    declared = _XML_DECLARATION.match(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8")
    ):
        return [f"The document's part {name} is not in UTF-8, as Word writes it"]
    is_rels, is_types = name.endswith(".rels"), name == "[Content_Types].xml"
    if not (is_rels or is_types) and not any(needle in data for needle in _NEEDLES):
        return []
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return [f"The document's part {name} declares its own entities"]
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError:
        return [f"The document's part {name} cannot be read"]
    check = _relationship_problems if is_rels else _content_type_problems if is_types else _element_problems
    return check(root)


def _relationship_problems(root: etree._Element) -> list[str]:
    found: list[str] = []
    for rel in root.iter(f"{{{RELS}}}Relationship"):
        external = (rel.get("TargetMode") or "").strip().lower() == "external"
        found += _relationship_problem(rel.get("Type") or "", external, rel.get("Target") or "")
    return found


def _relationship_problem(kind: str, external: bool, target: str) -> list[str]:
    found = []
    if external:
        found.append(f"The document links to something outside it ({target[:80]})")
    if kind.endswith(_FORBIDDEN_RELATIONSHIPS):
        found.append(f"The document pulls in other content ({kind.rsplit('/', 1)[-1]})")
    return found


def _content_type_problems(root: etree._Element) -> list[str]:
    found = []
    for element in root.iter(f"{{{CONTENT_TYPES}}}Default", f"{{{CONTENT_TYPES}}}Override"):
        found += _content_type_problem(element.get("ContentType") or "")
    return found


def _content_type_problem(content_type: str) -> list[str]:
    if _FORBIDDEN_CONTENT_TYPE.search(content_type):
        return ["The document contains macros or embedded objects (a macro-enabled or OLE content type)"]
    return []


def _element_problems(root: etree._Element) -> list[str]:
    found = []
    # Named tags: lxml filters them in C, so a large styles part costs little.
    for element in root.iter(*_FORBIDDEN_TAGS, f"{{{W}}}fldSimple"):
        if element.tag == f"{{{W}}}fldSimple":
            found += _field_problem(element.get(f"{{{W}}}instr") or "")
        else:
            found.append(f"The document contains {_FORBIDDEN_TAGS[str(element.tag)]}")
    found += [problem for code in _complex_fields(root) for problem in _field_problem(code)]
    return found


def package_problems(package: Any) -> list[str]:
    """The same checks on a document held by python-docx (after rendering, before saving).

    Saving writes exactly the parts the package holds, so checking them here checks the output
    without inflating and parsing it all over again.
    """
    found: list[str] = []
    for rel in package.rels.values():
        found += _relationship_problem(rel.reltype, rel.is_external, rel.target_ref)
    for part in package.iter_parts():
        name = str(part.partname).lstrip("/")
        if _FORBIDDEN_PART.search(name):
            found.append(f"The document contains macros or embedded objects ({name})")
        found += _content_type_problem(part.content_type)
        for rel in part.rels.values():
            found += _relationship_problem(rel.reltype, rel.is_external, rel.target_ref)
        element = getattr(part, "_element", None)
        if element is not None:
            found += _element_problems(element)
        elif _is_xml(name):
            found += _part_problems(name, part.blob)
    return list(dict.fromkeys(found))


def _complex_fields(root: etree._Element) -> Iterator[str]:
    """Each complex field's instruction, put back together from every run it is split across.

    A field runs from a `begin` fldChar to its `separate` (or `end`); fields nest, and each nested
    field is its own instruction, so `{ INCLUDE{ QUOTE "PICTURE" } ...}` yields two, neither allowed.
    """
    # One entry per open field: the instruction's pieces, and whether they are still being read.
    stack: list[tuple[list[str], bool]] = []
    for element in root.iter(f"{{{W}}}fldChar", f"{{{W}}}instrText", f"{{{W}}}delInstrText"):
        if element.tag != f"{{{W}}}fldChar":
            if stack and stack[-1][1]:
                stack[-1][0].append(element.text or "")
            else:
                yield element.text or ""  # an instruction outside any field: judged all the same
            continue
        kind = element.get(f"{{{W}}}fldCharType")
        if kind == "begin":
            stack.append(([], True))
        elif kind in ("separate", "end") and stack:
            pieces, reading = stack.pop()
            if reading:
                yield "".join(pieces)
            if kind == "separate":
                stack.append(([], False))  # the field's result follows, not its instruction
    yield from ("".join(pieces) for pieces, reading in stack if reading)


def _field_problem(instruction: str) -> list[str]:
    code = instruction.strip()
    if not code:
        return []
    keyword = code.split(None, 1)[0].lstrip("\\").upper()
    if keyword in ALLOWED_FIELDS:
        return []
    shown = keyword[:30] if keyword.isascii() and keyword.isalnum() else "a field whose name is not plain text"
    return [
        f"The document contains a Word field that is not allowed ({shown}): only page numbers, dates and references"
    ]

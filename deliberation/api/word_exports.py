"""API (and the browser's download links): a version as a Word file, optionally with its open comments as
Word comments; a redline of two versions of a document with tracked changes; the comment-resolution table
of a version as .docx and .xlsx."""
from flask import Response, request
from flask_login import current_user

from ..models import Version
from ..security import Permission, can
from ..services.comment_access import viewer_for
from ..services.comment_lookup import ensure_can_read
from ..services.errors import Invalid, NotFound
from ..services.compare import compare_versions
from ..word.export import version_docx
from ..word.layout import attachment_header, file_name
from ..word.redline import redline_docx
from ..word.resolution import resolution_rows, table_title
from ..word.resolution_docx import resolution_docx
from ..word.resolution_xlsx import XLSX, resolution_xlsx
from . import bp
from .helpers import load
from .openapi import describe, errors, id_param

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(body: bytes, name: str) -> Response:
    return Response(body, mimetype=DOCX, headers={"Content-Disposition": attachment_header(name)})


def _comments_wanted() -> bool:
    value = request.args.get("comments", "0")
    if value not in ("0", "1"):
        raise Invalid("'%(name)s' must be 0 or 1.", field="comments", name="comments")
    return value == "1"


@bp.get("/versions/<int:version_id>/export.docx")
def export_version_docx(version_id: int):
    version = load(Version, version_id)
    viewer = viewer_for(current_user, version) if _comments_wanted() else None
    suffix = [f"v{version.number}"] + (["comments"] if viewer is not None else [])
    return _docx(version_docx(version, viewer), file_name(version.document, *suffix))


@bp.get("/versions/<int:a>/redline/<int:b>.docx")
def redline_versions_docx(a: int, b: int):
    old, new = load(Version, a), load(Version, b)
    if old.document_id != new.document_id:
        raise NotFound("These versions belong to different documents.")
    body = redline_docx(compare_versions(old, new))
    return _docx(body, file_name(new.document, f"v{old.number}", f"v{new.number}", "redline"))


def _resolution(version_id: int):
    """The version and its table's rows as the caller may read them: 401/403 when its comments are not."""
    version = load(Version, version_id)
    viewer = viewer_for(current_user, version)
    ensure_can_read(current_user, viewer)
    with_affiliation = can(current_user, Permission.VIEW_MEMBERS, version)  # as on the members page
    return version, resolution_rows(version, viewer, with_affiliation)


@bp.get("/versions/<int:version_id>/resolution.docx")
def resolution_table_docx(version_id: int):
    version, rows = _resolution(version_id)
    return _docx(resolution_docx(version, rows), file_name(version.document, f"v{version.number}", "resolution"))


@bp.get("/versions/<int:version_id>/resolution.xlsx")
def resolution_table_xlsx(version_id: int):
    version, rows = _resolution(version_id)
    name = file_name(version.document, f"v{version.number}", "resolution").removesuffix(".docx") + ".xlsx"
    body = resolution_xlsx(table_title(version), f"v{version.number}", rows)
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": attachment_header(name)})


_WORD_FILE = {"description": "A Word document (attachment)", "content": {DOCX: {"schema": {
    "type": "string", "format": "binary"}}}}

_RESOLUTION = ("The comment-resolution table of the version with the ISO/IEC commenting template's columns "
               "(ref., stakeholder group with the affiliation for the group's participants, clause, lines, type "
               "of comment, comment, proposed change, disposition and rationale): one row per visible thread "
               "opened on the version, replies left out, in clause order; the same rights as listComments")

describe({
    "/versions/{version_id}/export.docx": {"get": {
        "summary": "The version as a Word file: title, version label and status, numbered and nested clauses; "
                   "with comments=1, the open threads the caller may read as Word comments anchored on the "
                   "words they quote",
        "operationId": "exportVersionDocx",
        "parameters": [id_param("version_id"), {
            "name": "comments", "in": "query", "required": False,
            "description": "1: add the open, visible comments the caller may read (replies folded in order)",
            "schema": {"type": "string", "enum": ["0", "1"], "default": "0"}}],
        "responses": {"200": _WORD_FILE, **errors(400, 404)}}},
    "/versions/{a}/redline/{b}.docx": {"get": {
        "summary": "A redline from version a to version b of one document as a Word file with tracked changes "
                   "(insertions and deletions by \"version N\" dated when b was published), clause by clause",
        "operationId": "redlineVersionsDocx", "parameters": [id_param("a"), id_param("b")],
        "responses": {"200": _WORD_FILE, **errors(404)}}},
    "/versions/{version_id}/resolution.docx": {"get": {
        "summary": _RESOLUTION + " as a Word table (landscape, header row repeated on every page)",
        "operationId": "resolutionTableDocx", "parameters": [id_param("version_id")],
        "responses": {"200": _WORD_FILE, **errors(401, 403, 404)}}},
    "/versions/{version_id}/resolution.xlsx": {"get": {
        "summary": _RESOLUTION + " as an Excel sheet (header row frozen, with filters; every cell text, never "
                                 "a formula)",
        "operationId": "resolutionTableXlsx", "parameters": [id_param("version_id")],
        "responses": {"200": {"description": "An Excel workbook (attachment)", "content": {XLSX: {"schema": {
            "type": "string", "format": "binary"}}}}, **errors(401, 403, 404)}}},
})

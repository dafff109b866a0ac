"""API (and the browser's download links): a version as a Word file, optionally with its open comments as
Word comments, and a redline of two versions of a document with tracked changes."""
from flask import Response, request
from flask_login import current_user

from ..models import Version
from ..services.comment_access import viewer_for
from ..services.errors import Invalid, NotFound
from ..services.compare import compare_versions
from ..word.export import version_docx
from ..word.layout import attachment_header, file_name
from ..word.redline import redline_docx
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


_WORD_FILE = {"description": "A Word document (attachment)", "content": {DOCX: {"schema": {
    "type": "string", "format": "binary"}}}}

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
})

"""API: documents, versions and their clauses; creating a document from a draft (with the preview's corrections)."""
from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Document, Version, WorkingGroup
from ..security import Permission, can, require
from ..security.visibility import visible_documents_clause
from ..services import documents as document_service
from ..services.errors import Invalid, NotFound
from . import bp
from .helpers import field, json_body, load, sized_source
from .openapi import BOOL, INT, NULLABLE_INT, NULLABLE_STR, STR, describe, errors, id_param, json_response, obj, ref
from .serializers import clause_json, document_json, version_summary_json


@bp.get("/documents")
def list_documents():
    documents = db.session.scalars(select(Document).join(WorkingGroup)
                                   .where(visible_documents_clause(current_user)).order_by(Document.id))
    return jsonify([document_json(d) for d in documents])


@bp.get("/documents/<int:document_id>")
def get_document(document_id: int):
    document = load(Document, document_id)
    versions = [v for v in document_service.document_versions(document)
                if can(current_user, Permission.VIEW_DOCUMENT, v)]
    return jsonify({**document_json(document), "versions": [version_summary_json(v) for v in versions]})


@bp.get("/versions/<int:version_id>")
def get_version(version_id: int):
    version = load(Version, version_id)
    clauses = document_service.version_clauses(version)
    return jsonify({**version_summary_json(version), "document_id": version.document_id,
                    "clauses": [clause_json(c) for c in clauses]})


def importable_group(data: dict) -> WorkingGroup:
    """The body's working group, 404 when the caller cannot see it."""
    group = db.session.get(WorkingGroup, field(data, "working_group_id", int))
    if group is None or not can(current_user, Permission.VIEW_GROUP, group):
        raise NotFound("There is no such working group.", field="working_group_id")
    return group


@bp.post("/documents")
def create_document():
    data = json_body()
    group = importable_group(data)
    require(current_user, Permission.MANAGE_DOCUMENTS, group)
    source = sized_source(data)
    fmt = field(data, "format", str)
    if fmt not in document_service.FORMATS:
        raise Invalid("'format' must be \"markdown\" or \"text\".", field="format")
    document = document_service.create_document(
        current_user, group, title=field(data, "title", str), fmt=fmt, source=source,
        public=field(data, "public", bool, required=False, default=False),
        edits=field(data, "edits", list, required=False))
    return jsonify({**document_json(document), "id": document.id,
                    "current_version_id": document.current_version_id}), 201


describe(
    {
        "/documents": {
            "get": {"summary": "The documents the caller may read", "operationId": "listDocuments",
                    "responses": {"200": json_response({"type": "array", "items": ref("Document")})}},
            "post": {"summary": "Create a document from a draft; version 1 is published (chairs)",
                     "operationId": "createDocument",
                     "requestBody": {"required": True,
                                     "content": {"application/json": {"schema": ref("NewDocument")}}},
                     "responses": {"201": json_response(ref("Document"), "Created"),
                                   **errors(400, 401, 403, 404, 413)}}},
        "/documents/{document_id}": {"get": {
            "summary": "A document with its versions", "operationId": "getDocument",
            "parameters": [id_param("document_id")],
            "responses": {"200": json_response({"allOf": [ref("Document"), obj(
                {"versions": {"type": "array", "items": ref("VersionSummary")}})]}), **errors(404)}}},
        "/versions/{version_id}": {"get": {
            "summary": "A version with its clauses in reading order", "operationId": "getVersion",
            "parameters": [id_param("version_id")],
            "responses": {"200": json_response({"allOf": [ref("VersionSummary"), obj(
                {"document_id": INT, "clauses": {"type": "array", "items": ref("Clause")}})]}), **errors(404)}}},
    },
    {
        "Document": obj({"id": INT, "title": STR, "working_group_id": INT, "public": BOOL,
                         "current_version_id": NULLABLE_INT}, ["id", "title", "working_group_id", "public"]),
        "VersionSummary": obj({"id": INT, "number": INT, "label": STR, "status": {
            "type": "string", "enum": ["draft", "open", "endorsement", "adopted", "superseded"]},
            "created_at": {"type": "string", "format": "date-time"}}, ["id", "number", "label", "status", "created_at"]),
        "Clause": obj({"id": INT, "key": STR, "number": NULLABLE_STR, "heading": NULLABLE_STR, "text": STR,
                       "parent_id": NULLABLE_INT, "position": INT, "first_line": INT, "last_line": INT},
                      ["id", "key", "text", "position", "first_line", "last_line"]),
        "NewDocument": obj({"working_group_id": INT, "title": {"type": "string", "maxLength": 300},
                            "format": {"type": "string", "enum": ["markdown", "text"]},
                            "source": {"type": "string"}, "public": BOOL, "edits": ref("PreviewEdits")},
                           ["working_group_id", "title", "format", "source"]),
    },
)

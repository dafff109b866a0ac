"""API: documents, versions and their clauses; creating a document from a draft."""
from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Document, Version, WorkingGroup
from ..security import Permission, can, require
from ..security.visibility import visible_documents_clause
from ..services import documents as document_service
from ..services.errors import Invalid, NotFound, TooLarge
from . import bp
from .helpers import field, json_body, load
from .serializers import clause_json, document_json, version_summary_json

MAX_SOURCE_BYTES = 2 * 1024 * 1024


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


@bp.post("/documents")
def create_document():
    data = json_body()
    group = db.session.get(WorkingGroup, field(data, "working_group_id", int))
    if group is None or not can(current_user, Permission.VIEW_GROUP, group):
        raise NotFound("There is no such working group.", field="working_group_id")
    require(current_user, Permission.MANAGE_DOCUMENTS, group)
    source = field(data, "source", str)
    if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise TooLarge("The draft is larger than 2 MB.", field="source")
    fmt = field(data, "format", str)
    if fmt not in document_service.FORMATS:
        raise Invalid("'format' must be \"markdown\" or \"text\".", field="format")
    document = document_service.create_document(
        current_user, group, title=field(data, "title", str), fmt=fmt, source=source,
        public=field(data, "public", bool, required=False, default=False))
    return jsonify({**document_json(document), "id": document.id,
                    "current_version_id": document.current_version_id}), 201

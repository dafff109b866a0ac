"""API: publishing a new version of a document, and the clause-by-clause diff of any two versions."""
from flask import jsonify
from flask_login import current_user

from ..models import Document, Version
from ..security import Permission, require
from ..services import versions as version_service
from ..services.compare import compare_versions
from ..services.errors import NotFound
from . import bp
from .helpers import field, json_body, load, sized_source
from .openapi import INT, NULLABLE_INT, NULLABLE_STR, STR, describe, errors, id_param, json_response, obj, ref
from .version_serializers import comparison_json, published_json


@bp.post("/documents/<int:document_id>/versions")
def publish_version(document_id: int):
    document = load(Document, document_id)
    require(current_user, Permission.MANAGE_DOCUMENTS, document)
    data = json_body()
    source = sized_source(data)
    matches = field(data, "matches", list, required=False)
    version, plan = version_service.publish_version(
        current_user, document, fmt=field(data, "format", str), source=source, predecessor_ids=matches,
        label=field(data, "label", str, required=False, default=""), edits=field(data, "edits", list, required=False))
    return jsonify(published_json(version, plan)), 201


@bp.get("/versions/<int:a>/diff/<int:b>")
def diff_versions(a: int, b: int):
    old, new = load(Version, a), load(Version, b)
    if old.document_id != new.document_id:
        raise NotFound("These versions belong to different documents.")
    return jsonify(comparison_json(compare_versions(old, new)))


_CLAUSE_REF = obj({"id": INT, "key": STR, "number": NULLABLE_STR, "heading": NULLABLE_STR},
                  ["id", "key", "number"])
_CHANGE = {"type": "string", "enum": ["unchanged", "changed", "new", "removed"]}

describe(
    {
        "/documents/{document_id}/versions": {"post": {
            "summary": "Publish a new version from a revised draft (chairs); its clauses are matched to the "
                       "current version's and the annotations carried over",
            "operationId": "publishVersion", "parameters": [id_param("document_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewVersion")}}},
            "responses": {"201": json_response(ref("PublishedVersion"), "Created"),
                          **errors(400, 401, 403, 404, 409, 413)}}},
        "/versions/{a}/diff/{b}": {"get": {
            "summary": "Clause-by-clause comparison of two versions of one document, with word-level diffs",
            "operationId": "diffVersions", "parameters": [id_param("a"), id_param("b")],
            "responses": {"200": json_response(ref("VersionDiff")), **errors(404)}}},
    },
    {
        "NewVersion": obj({
            "format": {"type": "string", "enum": ["markdown", "text"]}, "source": STR,
            "label": {"type": "string", "maxLength": 120},
            "matches": {"type": "array", "items": NULLABLE_INT,
                        "description": "For each clause of the draft in reading order, the id of the clause of "
                                       "the current version it revises, or null for a new clause. Omit to "
                                       "accept the suggested matching."}},
            ["format", "source"]),
        "PublishedVersion": {"allOf": [ref("VersionSummary"), obj({
            "document_id": INT,
            "matches": {"type": "array", "items": obj({
                "clause_id": INT, "predecessor_id": NULLABLE_INT,
                "change": {"type": "string", "enum": ["unchanged", "changed", "new"]}},
                ["clause_id", "predecessor_id", "change"])},
            "removed": {"type": "array", "items": _CLAUSE_REF}}, ["matches", "removed"])]},
        "VersionDiff": obj({
            "from": ref("VersionSummary"), "to": ref("VersionSummary"),
            "counts": obj({name: INT for name in ("unchanged", "changed", "new", "removed")}),
            "clauses": {"type": "array", "items": obj({
                "change": _CHANGE, "old": {"oneOf": [_CLAUSE_REF, {"type": "null"}]},
                "new": {"oneOf": [_CLAUSE_REF, {"type": "null"}]},
                "diff": {"type": "array", "items": obj({
                    "op": {"type": "string", "enum": ["equal", "delete", "insert"]}, "text": STR})}},
                ["change", "old", "new", "diff"])}},
            ["from", "to", "counts", "clauses"]),
    },
)

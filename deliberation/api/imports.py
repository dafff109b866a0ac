"""API: the import preview. A draft is parsed (nothing is written) with the chair's corrections applied, so
a client can show the clauses, pick split offsets and indexes, and then publish with the same `edits` on
POST /documents or POST /documents/{id}/versions."""
from flask import jsonify
from flask_login import current_user

from ..importer import few_giant_clauses, split_points
from ..models import Document
from ..security import Permission, require
from ..services import documents as document_service
from ..services import versions as version_service
from . import bp
from .documents import importable_group
from .helpers import field, json_body, load, sized_source
from .openapi import INT, NULLABLE_INT, NULLABLE_STR, STR, describe, errors, id_param, json_response, obj, ref


def _clause_json(index: int, clause, depth: int, parent: int | None) -> dict:
    return {"index": index, "number": clause.number, "heading": clause.heading, "text": clause.text,
            "depth": depth, "parent_index": parent,
            "split_points": [{"offset": offset, "words": words} for offset, words, _line in split_points(clause.text)]}


def _draft(data: dict) -> tuple[str, str, list | None]:
    return (field(data, "format", str), sized_source(data),
            field(data, "edits", list, required=False))


@bp.post("/documents/preview")
def preview_document():
    data = json_body()
    require(current_user, Permission.MANAGE_DOCUMENTS, importable_group(data))
    fmt, source, edits = _draft(data)
    title, flat = document_service.preview_draft(fmt, source, edits)
    return jsonify({"title": title, "few_giant_clauses": few_giant_clauses(flat),
                    "clauses": [_clause_json(i, *row) for i, row in enumerate(flat)]})


@bp.post("/documents/<int:document_id>/versions/preview")
def preview_version(document_id: int):
    document = load(Document, document_id)
    require(current_user, Permission.MANAGE_DOCUMENTS, document)
    data = json_body()
    fmt, source, edits = _draft(data)
    plan = version_service.plan_version(document, fmt, source, edits=edits)
    clauses = [{**_clause_json(i, *row), "predecessor_id": match.predecessor.id if match.predecessor else None,
                "change": match.change} for i, (row, match) in enumerate(zip(plan.flat, plan.matches))]
    return jsonify({"few_giant_clauses": few_giant_clauses(plan.flat), "clauses": clauses,
                    "removed": [{"id": c.id, "key": c.key, "number": c.number, "heading": c.heading}
                                for c in plan.removed]})


_EDIT = obj({
    "op": {"type": "string", "enum": ["split", "merge", "renumber", "indent", "outdent", "paragraphs"]},
    "index": {"type": "integer", "minimum": 0, "description": "The clause's place in the preview as it stands "
                                                              "when this edit applies (after the edits before it)"},
    "offset": {"type": "integer", "minimum": 1, "description": "split: where in the clause's text the new clause "
                                                               "begins (characters)"},
    "number": NULLABLE_STR | {"maxLength": 40}}, ["op"])
_EDITS = {"type": "array", "maxItems": 500, "items": ref("PreviewEdit"),
         "description": "The chair's corrections, applied in order: split a clause at an offset, merge a clause "
                        "into the one before it, renumber it (null: no number), nest it under the clause before it "
                        "(indent) or one level out (outdent), with its sub-clauses; or every paragraph its own "
                        "clause (paragraphs). A refused edit is named in the error's field: edits[i]."}
_PREVIEW_CLAUSE = obj({"index": INT, "number": NULLABLE_STR, "heading": NULLABLE_STR, "text": STR, "depth": INT,
                       "parent_index": NULLABLE_INT,
                       "split_points": {"type": "array", "items": obj({"offset": INT, "words": STR})}},
                      ["index", "number", "heading", "text", "depth", "parent_index", "split_points"])
_GIANT = {"type": "integer", "description": "When no numbering was found and the draft is a few long clauses: the "
                                            "paragraphs of the longest (try the edit {\"op\": \"paragraphs\"}); else 0"}

describe(
    {
        "/documents/preview": {"post": {
            "summary": "Parse a draft with the chair's corrections, writing nothing (chairs)",
            "operationId": "previewDocument",
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewDocument")}}},
            "responses": {"200": json_response(ref("DraftPreview")), **errors(400, 401, 403, 404, 413)}}},
        "/documents/{document_id}/versions/preview": {"post": {
            "summary": "Parse a revised draft with the chair's corrections and the suggested matching, writing "
                       "nothing (chairs)",
            "operationId": "previewVersion", "parameters": [id_param("document_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewVersion")}}},
            "responses": {"200": json_response(ref("VersionPreview")), **errors(400, 401, 403, 404, 409, 413)}}},
    },
    {
        "PreviewEdit": _EDIT,
        "PreviewEdits": _EDITS,
        "DraftPreview": obj({"title": NULLABLE_STR, "few_giant_clauses": _GIANT,
                             "clauses": {"type": "array", "items": _PREVIEW_CLAUSE}},
                            ["title", "few_giant_clauses", "clauses"]),
        "VersionPreview": obj({
            "few_giant_clauses": _GIANT,
            "clauses": {"type": "array", "items": {"allOf": [_PREVIEW_CLAUSE, obj({
                "predecessor_id": NULLABLE_INT,
                "change": {"type": "string", "enum": ["unchanged", "changed", "new"]}},
                ["predecessor_id", "change"])]}},
            "removed": {"type": "array", "items": obj({"id": INT, "key": STR, "number": NULLABLE_STR,
                                                       "heading": NULLABLE_STR}, ["id", "key", "number"])}},
            ["few_giant_clauses", "clauses", "removed"]),
    },
)

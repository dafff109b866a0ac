"""API: a document's public record as JSON, its annotations as W3C JSON-LD, its disposition report as
CSV, and the verification of the whole record's hash chain."""
from flask import Response, jsonify, request
from flask_login import current_user

from ..links import external_url
from ..models import Document
from ..services import exports
from ..services import public_record as record
from ..services.record import PROBLEM_KINDS, verify_chain
from . import bp
from .helpers import load
from .transparency import count_arg
from .openapi import BOOL, INT, NULLABLE_INT, STR, describe, errors, id_param, json_response, obj

JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def _id_link(endpoint: str, argument: str):
    """external_url(endpoint, argument=N) for many N: built once, then filled in (an export has thousands)."""
    marker = 987654321
    prefix, suffix = external_url(endpoint, **{argument: marker}).split(str(marker))
    return lambda value: f"{prefix}{int(value)}{suffix}"


def record_links(document: Document, export_endpoint: str) -> exports.Links:
    """Absolute links for an export of this document."""
    return exports.Links(
        clause=lambda number, key: external_url("documents.clause", document_id=document.id, number=number, key=key),
        comment=_id_link("discussion.permalink", "comment_id"),
        round=lambda round_id: external_url("rounds.show", round_id=round_id),
        export=external_url(export_endpoint, document_id=document.id))


@bp.get("/documents/<int:document_id>/record.json")
def document_record_json(document_id: int):
    document = load(Document, document_id)
    since = count_arg("since") if "since" in request.args else None
    return jsonify(exports.record_json(current_user, document, record_links(document, "api.document_record_json"),
                                       since))


@bp.get("/documents/<int:document_id>/annotations.jsonld")
def document_annotations(document_id: int):
    document = load(Document, document_id)
    rows, _all = record.report_rows(current_user, document)
    body = exports.annotations_jsonld(document, rows, record_links(document, "api.document_annotations"))
    response = jsonify(body)
    response.mimetype = "application/ld+json"
    response.headers["Content-Type"] = JSONLD
    return response


@bp.get("/documents/<int:document_id>/dispositions.csv")
def document_dispositions(document_id: int):
    document = load(Document, document_id)
    rows, chosen = record.report_rows(current_user, document, request.args.get("version", ""))
    body = exports.dispositions_csv(rows, record_links(document, "api.document_dispositions"))
    name = f"dispositions-{document.id}" + (f"-v{chosen.number}" if chosen else "") + ".csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/record/verify")
def verify_record():
    return jsonify(verify_chain().to_json())


_DOC = [id_param("document_id")]
describe(
    {
        "/documents/{document_id}/record.json": {"get": {
            "summary": "The document's public record in one JSON document: versions with clauses, comments with "
                       "dispositions and anchors, rounds with results and named positions after close, the "
                       "formal-objection register, verified supports and the public record events",
            "operationId": "getDocumentRecord",
            "parameters": _DOC + [{"name": "since", "in": "query", "required": False,
                                   "description": "Add a consistency proof from the tree of this many events "
                                                  "(the size of a checkpoint you kept)",
                                   "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": json_response({"type": "object"}), **errors(400, 404)}}},
        "/documents/{document_id}/annotations.jsonld": {"get": {
            "summary": "The document's annotations as a W3C Web Annotation collection (JSON-LD)",
            "operationId": "getDocumentAnnotations", "parameters": _DOC,
            "responses": {"200": {"description": "OK", "content": {"application/ld+json": {
                "schema": {"type": "object"}}}}, **errors(404)}}},
        "/documents/{document_id}/dispositions.csv": {"get": {
            "summary": "The disposition report (every readable comment with its disposition) as CSV",
            "operationId": "getDocumentDispositions",
            "parameters": _DOC + [{"name": "version", "in": "query", "required": False,
                                   "description": "Only the comments on this version number",
                                   "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "OK", "content": {"text/csv": {"schema": STR}}}, **errors(404)}}},
        "/record/verify": {"get": {
            "summary": "Recompute the record's SHA-256 hash chain; first_bad names the first entry that does not "
                       "match (null when the chain verifies), problems every bad entry by number (the first "
                       "100; problem_count counts them all): altered, out_of_place, missing or unreadable",
            "operationId": "verifyRecord",
            "responses": {"200": json_response(obj(
                {"ok": BOOL, "length": INT, "head": STR, "first_bad": NULLABLE_INT,
                 "problems": {"type": "array", "items": obj(
                     {"seq": INT, "problem": {"type": "string", "enum": list(PROBLEM_KINDS)}}, ["seq", "problem"])},
                 "problem_count": INT},
                ["ok", "length", "head", "first_bad", "problems", "problem_count"]))}}},
    },
)

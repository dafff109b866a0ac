"""API: full-text search over what the caller may read (services/search)."""
from flask import jsonify, request
from flask_login import current_user

from ..models import COMMENT_KINDS, DISPOSITIONS, SEARCH_KINDS
from ..services.search import MAX_QUERY_CHARS, PAGE_SIZE, filters_from, search
from . import bp
from .openapi import INT, STR, describe, errors, json_response, obj, ref

ID = {"type": "integer", "minimum": 1}  # a row id: the code refuses 0 and negative ids


@bp.get("/search")
def search_api():
    page = search(current_user, request.args.get("q", ""), filters_from(request.args, current_user))
    return jsonify({"total": page.total, "page": page.page, "pages": page.pages, "page_size": PAGE_SIZE,
                    "results": [{"kind": r.kind, "id": r.id, "document_id": r.document_id,
                                 "version_id": r.version_id, "clause_id": r.clause_id, "url": r.url,
                                 "snippet": str(r.snippet)} for r in page.results]})


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


describe(
    {"/search": {"get": {
        "summary": "Full-text search over the clauses, comments, amendments and dispositions the caller may read",
        "description": 'Words match their inflections (English, French, Spanish) and ignore accents; "a phrase", '
                       "-excluded and prefix* are understood, nothing else is syntax. Clause text is searched in "
                       "current versions unless `version` says otherwise; comments in every version.",
        "operationId": "search",
        "parameters": [
            _query("q", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}, "What to look for", True),
            _query("kind", {"type": "string", "enum": list(SEARCH_KINDS)}, "Only results of this kind"),
            _query("document_id", ID, "Only this document"),
            _query("working_group", ID, "Only this working group"),
            _query("version", STR, '"current" (the default), "all", or a version id'),
            _query("stakeholder_group", STR, "A stakeholder group's key, e.g. civil_society"),
            _query("author", STR, 'A user id, or "me"'),
            _query("comment_type", {"type": "string", "enum": list(COMMENT_KINDS)}, "Only comments of this type"),
            _query("disposition", {"type": "string", "enum": [*DISPOSITIONS, "none"]},
                   'Only comments with this disposition, or "none" for those still without one'),
            _query("from", {"type": "string", "format": "date"}, "Written on or after this day"),
            _query("to", {"type": "string", "format": "date"}, "Written on or before this day"),
            _query("page", {"type": "integer", "minimum": 1, "maximum": 500}, "Page number, from 1"),
        ],
        "responses": {"200": json_response(ref("SearchResults")), **errors(400)}}}},
    {
        "SearchResults": obj({
            "total": INT, "page": INT, "pages": INT, "page_size": INT,
            "results": {"type": "array", "items": ref("SearchResult")}}, ["total", "results"]),
        "SearchResult": obj({
            "kind": {"type": "string", "enum": list(SEARCH_KINDS)},
            "id": {"type": "integer", "description": "The clause's id for a clause, else the comment's"},
            "document_id": INT, "version_id": INT, "clause_id": INT, "url": STR,
            "snippet": {"type": "string", "description": "Escaped text; the matching words are in <mark>"}}, ["kind", "id", "document_id", "version_id", "clause_id", "url", "snippet"]),
    },
)

"""OpenAPI descriptions of the working-draft API (deliberation/api/working_drafts.py)."""
from .openapi import BOOL, INT, NULLABLE_STR, STR, describe, errors, id_param, json_response, obj, ref

_KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
_STATUS = {"type": "string", "enum": ["pending", "applied", "needs_hand"]}


def _body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


SCHEMAS = {
    "DraftClause": obj({
        "key": STR, "number": NULLABLE_STR, "heading": NULLABLE_STR, "text": STR, "parent_key": NULLABLE_STR,
        "position": INT, "depth": INT, "revision": INT, "first_line": INT, "last_line": INT,
        "predecessor_keys": {"type": "array", "items": STR,
                             "description": "keys of the clauses of the base version this clause continues"}},
        ["key", "number", "heading", "text", "parent_key", "revision", "predecessor_keys"]),
    "DraftAmendment": obj({
        "comment_id": INT, "clause_key": STR, "status": _STATUS, "target_key": NULLABLE_STR,
        "disposition": {"type": "string", "enum": ["accepted", "accepted_in_part"]}, "quote": NULLABLE_STR,
        "replacement_text": STR, "applied_text": NULLABLE_STR, "by_hand": BOOL},
        ["comment_id", "clause_key", "status"]),
    "WorkingDraft": obj({
        "id": INT, "document_id": INT, "base_version_id": INT, "base_version": INT,
        "updated_at": {"type": "string", "format": "date-time"},
        "clauses": {"type": "array", "items": ref("DraftClause")},
        "amendments": {"type": "array", "items": ref("DraftAmendment")}},
        ["id", "document_id", "base_version_id", "clauses", "amendments"]),
    "DraftClauseEdit": obj({"text": STR, "heading": NULLABLE_STR,
                            "revision": {"type": "integer", "description": "the revision the edit was made on"}},
                           ["revision"]),
    "NewDraftClause": obj({"text": STR, "heading": NULLABLE_STR, "after_key": STR, "before_key": STR,
                           "parent_key": {"type": "string", "description": "insert as its last sub-clause"}},
                          ["text"]),
    "StaleRevision": obj({"error": obj({"code": {"type": "string", "enum": ["stale_revision"]}, "message": STR,
                                        "field": STR}, ["code", "message"]),
                          "current": ref("DraftClause")}, ["error", "current"]),
    "PublishedDraft": obj({"version_id": INT, "number": INT, "label": STR}, ["version_id", "number"]),
    "DraftChecklist": obj({
        "unapplied_amendments": {"type": "array", "items": INT},
        "comments_without_disposition": INT,
        "changed_without_comment": {"type": "array", "items": STR},
        "counts": obj({name: INT for name in ("unchanged", "changed", "new", "removed")})}),
}


def describe_working_drafts() -> None:
    document, draft = [id_param("document_id")], [id_param("draft_id")]
    clause = [id_param("draft_id"), _KEY]
    amendment = [id_param("draft_id"), id_param("comment_id")]
    whole = json_response(ref("WorkingDraft"))
    refused = errors(400, 401, 403, 404, 409)

    def post(summary, op, params, body=None, ok=None, codes=refused):
        operation = {"summary": summary, "operationId": op, "parameters": params,
                     "responses": {**(ok or {"200": whole}), **codes}}
        if body is not None:
            operation["requestBody"] = body
        return operation

    describe({
        "/documents/{document_id}/working-draft": {
            "post": post("Open the working draft of the next version (chairs and the document's editors); one per "
                         "document", "openWorkingDraft", document, ok={"201": json_response(ref("WorkingDraft"),
                                                                                           "Created")}),
            "get": {"summary": "The document's working draft", "operationId": "findWorkingDraft",
                    "parameters": document, "responses": {"200": whole, **errors(401, 403, 404)}}},
        "/working-drafts/{draft_id}": {
            "get": {"summary": "A working draft: its clauses (with revisions and predecessor keys) and the accepted "
                               "amendments not yet published", "operationId": "getWorkingDraft", "parameters": draft,
                    "responses": {"200": whole, **errors(401, 403, 404)}},
            "delete": {"summary": "Discard the working draft", "operationId": "discardWorkingDraft",
                       "parameters": draft, "responses": {"204": {"description": "Discarded"},
                                                          **errors(401, 403, 404)}}},
        "/working-drafts/{draft_id}/clauses": {"post": post(
            "Insert a clause after or before another, or as a sub-clause", "insertDraftClause", draft,
            _body(ref("NewDraftClause")), {"201": json_response(ref("DraftClause"), "Created")})},
        "/working-drafts/{draft_id}/clauses/{key}": {
            "patch": post("Save a clause's text and/or heading; 409 stale_revision, with the current clause, when "
                          "`revision` is not the clause's", "editDraftClause", clause, _body(ref("DraftClauseEdit")),
                          {"200": json_response(ref("DraftClause")),
                           "409": json_response(ref("StaleRevision"), "Stale revision")}, errors(400, 401, 403, 404)),
            "delete": post("Delete a clause and its sub-clauses", "deleteDraftClause", clause)},
        "/working-drafts/{draft_id}/clauses/{key}/move": {"post": post(
            "Move a clause up, down, in (under the previous clause) or out (after its parent)", "moveDraftClause",
            clause, _body(obj({"direction": {"type": "string", "enum": ["up", "down", "in", "out"]}}, ["direction"])))},
        "/working-drafts/{draft_id}/clauses/{key}/split": {"post": post(
            "Split a clause at a character offset of its text; both parts continue it", "splitDraftClause", clause,
            _body(obj({"offset": INT, "revision": INT}, ["offset"])))},
        "/working-drafts/{draft_id}/clauses/{key}/merge": {"post": post(
            "Merge a clause into the previous one (its parent, for a first sub-clause)", "mergeDraftClause", clause)},
        "/working-drafts/{draft_id}/amendments/{comment_id}/apply": {
            "post": post("Apply an accepted amendment (409 needs_hand when its quote cannot be found); `text` trims an "
                         "amendment accepted in part; `by_hand` with `clause_key` marks one applied by hand",
                         "applyDraftAmendment", amendment,
                         _body(obj({"text": STR, "by_hand": BOOL, "clause_key": STR}), required=False),
                         {"200": json_response(ref("DraftClause"))}),
            "delete": post("Undo an applied amendment", "undoDraftAmendment", amendment,
                           ok={"200": json_response({"oneOf": [ref("DraftClause"), {"type": "null"}]})})},
        "/working-drafts/{draft_id}/checklist": {"get": {
            "summary": "What to review before publishing", "operationId": "workingDraftChecklist",
            "parameters": draft, "responses": {"200": json_response(ref("DraftChecklist")), **errors(401, 403, 404)}}},
        "/working-drafts/{draft_id}/publish": {"post": post(
            "Publish the working draft as the next version (with the exact predecessor map); the draft is deleted",
            "publishWorkingDraft", draft, _body(obj({"label": {"type": "string", "maxLength": 120},
                                                    "note": {"type": "string", "maxLength": 5000}}), required=False),
            {"201": json_response(ref("PublishedDraft"), "Created")})},
        "/documents/{document_id}/editors": {"post": post(
            "Name a member of the group editor of the document's working drafts (chairs)", "addDocumentEditor",
            document, _body(obj({"user_id": INT}, ["user_id"])),
            {"201": json_response(obj({"user_id": INT, "name": STR}), "Created")})},
        "/documents/{document_id}/editors/{user_id}": {"delete": {
            "summary": "Take the editor right away (chairs)", "operationId": "removeDocumentEditor",
            "parameters": [id_param("document_id"), id_param("user_id")],
            "responses": {"204": {"description": "Removed"}, **errors(401, 403, 404)}}},
    }, SCHEMAS)

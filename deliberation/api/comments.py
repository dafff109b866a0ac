"""API: a clause's discussion (threads a page at a time, a long thread's replies too), posting, editing,
deleting, and moderation."""
from flask import jsonify, request
from flask_login import current_user

from ..numbers import whole_number
from ..security import Permission, require
from ..security.limits import limited
from ..services import comments as comment_service
from ..services import moderation
from ..services.comment_payloads import comment_json
from ..services.comment_access import ensure_may_resolve
from ..services.errors import Invalid
from ..services.thread_replies import REPLIES_PAGE_SIZE, thread_replies, thread_root
from ..services.comment_lookup import (
    ensure_can_read, load_comment, moderated_comment, own_comment, readable_clause, readable_comment,
)
from ..services.threads import PAGE_SIZE, REPLIES_SHOWN, clause_threads
from . import bp
from .comment_serializers import tree_json
from .helpers import field, json_body
from .openapi import (
    BOOL, ID, INT, NULLABLE_INT, NULLABLE_STR, STR, describe, errors, id_param, json_response, obj, ref,
)


def _int_arg(name: str, default: int | None, maximum: int | None = None) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    number = whole_number(value)
    if number is None:
        raise Invalid("'%(name)s' must be a whole number.", field=name, name=name)
    return min(number, maximum) if maximum else number


@bp.get("/clauses/<int:clause_id>/comments")
def list_comments(clause_id: int):
    clause, _version, viewer = readable_clause(current_user, clause_id)
    ensure_can_read(current_user, viewer)
    page = clause_threads(clause, viewer, after=_int_arg("after", None),
                          limit=max(1, _int_arg("limit", PAGE_SIZE, maximum=200)),
                          replies=_int_arg("replies_limit", REPLIES_SHOWN, maximum=500))
    return jsonify({"comments": tree_json(page.threads, viewer), "total_threads": page.total_threads,
                    "next_after": page.next_after})


@bp.get("/comments/<int:root_id>/replies")
def list_replies(root_id: int):
    """A thread's next replies, as the discussion of `clause` (default: the thread's own clause) shows it."""
    clause_id = _int_arg("clause", None) or load_comment(root_id).clause_id
    clause, _version, viewer = readable_clause(current_user, clause_id)
    ensure_can_read(current_user, viewer)
    root = thread_root(clause, viewer, root_id)
    page = thread_replies(clause, root, viewer, after=_int_arg("after", None),
                          limit=max(1, _int_arg("limit", REPLIES_PAGE_SIZE, maximum=200)))
    return jsonify({"replies": tree_json(page.replies, viewer), "more_replies": page.more.count if page.more else 0,
                    "next_after": page.more.after if page.more else None})


@bp.post("/clauses/<int:clause_id>/comments")
@limited("comments")
def create_comment(clause_id: int):
    clause, version, viewer = readable_clause(current_user, clause_id)
    require(current_user, Permission.COMMENT, version)
    data = json_body()
    selector = data.get("selector")
    if selector is not None and not isinstance(selector, dict):
        raise Invalid("'selector' must be an object with at least 'exact'.", field="selector")
    comment = comment_service.post_comment(
        current_user, clause, body=field(data, "body", str), kind=field(data, "kind", str, required=False),
        parent_id=field(data, "parent_id", int, required=False), selector=selector,
        replacement_text=field(data, "replacement_text", str, required=False), comment_type=_type(data))
    return jsonify(comment_json(comment, viewer, [])), 201


def _type(data: dict, default=None):
    """The body's "type": a type of comment, or null (unset); `default` when the body has no "type"."""
    if "type" not in data:
        return default
    return field(data, "type", str, required=False)


@bp.get("/comments/<int:comment_id>")
def get_comment(comment_id: int):
    comment, _version, viewer = readable_comment(current_user, comment_id)
    return jsonify(comment_json(comment, viewer))


@bp.patch("/comments/<int:comment_id>")
def edit_comment(comment_id: int):
    comment, _version, viewer = own_comment(current_user, comment_id)
    data = json_body()
    comment_service.edit_comment(current_user, comment, body=field(data, "body", str),
                                 replacement_text=field(data, "replacement_text", str, required=False),
                                 comment_type=_type(data, comment_service.KEEP))
    return jsonify(comment_json(comment, viewer))


@bp.delete("/comments/<int:comment_id>")
def delete_comment(comment_id: int):
    comment, _version, _viewer = own_comment(current_user, comment_id)
    comment_service.delete_comment(current_user, comment)
    return "", 204


@bp.post("/comments/<int:comment_id>/disposition")
def record_disposition(comment_id: int):
    comment, _version, viewer = moderated_comment(current_user, comment_id)
    data = json_body()
    moderation.set_disposition(current_user, comment, disposition=field(data, "disposition", str),
                               rationale=field(data, "rationale", str),
                               version_id=field(data, "version_id", int, required=False))
    return jsonify(comment_json(comment, viewer))


@bp.post("/comments/<int:comment_id>/type")
def set_comment_type(comment_id: int):
    comment, _version, viewer = moderated_comment(current_user, comment_id)
    data = json_body()
    if "type" not in data:
        raise Invalid("'%(name)s' is required.", field="type", name="type")
    moderation.set_comment_type(current_user, comment, field(data, "type", str, required=False))
    return jsonify(comment_json(comment, viewer))


@bp.post("/comments/<int:comment_id>/hide")
def hide_comment(comment_id: int):
    comment, _version, viewer = moderated_comment(current_user, comment_id)
    data = json_body()
    hidden = field(data, "hidden", bool, required=False, default=True)
    moderation.set_hidden(current_user, comment, hidden=hidden,
                          reason=field(data, "reason", str) if hidden else None)
    return jsonify(comment_json(comment, viewer))


@bp.post("/comments/<int:comment_id>/resolve")
def resolve_thread(comment_id: int):
    comment, _version, viewer = readable_comment(current_user, comment_id)
    ensure_may_resolve(current_user, viewer, comment)
    data = request.get_json(silent=True)
    resolved = field(data if isinstance(data, dict) else {}, "resolved", bool, required=False, default=True)
    moderation.set_resolved(current_user, comment, resolved)
    return jsonify(comment_json(comment, viewer))


_COMMENT = "#/components/schemas/Comment"


def _op(summary: str, operation_id: str, param: str, body: str | None, response: dict, *codes: int) -> dict:
    operation = {"summary": summary, "operationId": operation_id, "parameters": [id_param(param)],
                 "responses": {**response, **errors(*codes)}}
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    return operation


_one = {"200": json_response(ref("Comment"))}
_TYPE = {"type": ["string", "null"], "enum": ["general", "technical", "editorial", None],
         "description": "The type of comment of the ISO/IEC commenting template; null: unset (comments written "
                        "before types existed read as unset)"}
describe(
    {
        "/clauses/{clause_id}/comments": {
            "get": {**_op("A page of the clause's threads (written on it, or carried onto it from earlier "
                          "versions), oldest first, each with its first replies (replies_limit) in id order; "
                          "a thread with more says so on its root (more_replies, replies_after)", "listComments",
                          "clause_id", None, {"200": json_response(ref("CommentPage"))}, 400, 401, 403, 404),
                    "parameters": [id_param("clause_id"),
                                   {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0},
                                    "description": "next_after of the previous page"},
                                   {"name": "limit", "in": "query",
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                                   {"name": "replies_limit", "in": "query",
                                    "schema": {"type": "integer", "default": REPLIES_SHOWN, "minimum": 0,
                                               "maximum": 500},
                                    "description": "Replies per thread, the first ones by id (so every reply's "
                                                   "parent is there too); fetch the rest with listReplies"}]},
            "post": _op("Start a thread (optionally quoting the clause) or reply (members and chairs)",
                        "createComment", "clause_id", "NewComment", {"201": json_response(ref("Comment"), "Created")},
                        400, 401, 403, 404, 409),
        },
        "/comments/{comment_id}": {
            "get": _op("One comment, as the caller may see it", "getComment", "comment_id", None, _one, 404),
            "patch": _op("Edit your comment (the earlier text is kept)", "editComment", "comment_id", "CommentEdit",
                         _one, 400, 401, 403, 404, 409),
            "delete": _op("Delete your comment (a tombstone keeps its replies)", "deleteComment", "comment_id", None,
                          {"204": {"description": "Deleted"}}, 401, 403, 404),
        },
        "/comments/{root_id}/replies": {"get": {
            **_op("A thread's next replies after `after`, in id order, as the clause's discussion shows it (the "
                  "same rights as listComments): a list of subtrees, each to be placed under its parent_id",
                  "listReplies", "root_id", None, {"200": json_response(ref("ReplyPage"))}, 400, 401, 403, 404),
            "parameters": [
                {**id_param("root_id"), "description": "The thread's first comment"},
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0},
                 "description": "replies_after of the thread's root, or next_after of the previous page; "
                                "from the first reply without it"},
                {"name": "limit", "in": "query",
                 "schema": {"type": "integer", "default": REPLIES_PAGE_SIZE, "minimum": 1, "maximum": 200}},
                {"name": "clause", "in": "query", "schema": ID,
                 "description": "The clause whose discussion lists the thread (the root's clause_id there; "
                                "for a thread carried onto a later version, that version's clause); default: "
                                "the clause it was written on"}]}},
        "/comments/{comment_id}/disposition": {"post": _op(
            "Record the chair's disposition", "recordDisposition", "comment_id", "Disposition", _one,
            400, 401, 403, 404, 409)},
        "/comments/{comment_id}/type": {"post": _op(
            "Set the type of comment (general, technical, editorial) or clear it with null (chairs)",
            "setCommentType", "comment_id", "CommentTypeChange", _one, 400, 401, 403, 404, 409)},
        "/comments/{comment_id}/hide": {"post": _op(
            "Hide a comment with a reason, or show it again with hidden=false (chairs)", "hideComment", "comment_id",
            "Hide", _one, 400, 401, 403, 404, 409)},
        "/comments/{comment_id}/resolve": {"post": _op(
            "Resolve a thread, or reopen it with resolved=false (chairs, the thread's author)", "resolveThread",
            "comment_id", None, _one, 400, 401, 403, 404, 409)},
    },
    {
        "Comment": obj({
            "id": INT, "parent_id": NULLABLE_INT, "root_id": INT, "clause_id": INT, "version_id": INT, "depth": INT,
            "kind": {"type": "string", "enum": ["comment", "question", "amendment", "objection"]},
            "type": _TYPE,
            "status": {"type": "string", "enum": ["visible", "hidden", "deleted"]},
            "author": {"type": ["object", "null"], "properties": {
                "id": INT, "name": STR, "stakeholder_group": {"type": ["object", "null"]}}},
            "body": NULLABLE_STR, "body_html": NULLABLE_STR,
            "selector": {"type": ["object", "null"], "properties": {
                "exact": STR, "prefix": STR, "suffix": STR, "start": INT, "end": INT}},
            "anchor_status": {"type": ["string", "null"], "enum": ["exact", "fuzzy", "orphaned", None],
                              "description": "Where the quoted words are on the clause listed: exact, fuzzy (a "
                                             "carried thread whose words changed; see anchor_score) or orphaned "
                                             "(a carried thread whose words are gone; selector null)"},
            "anchor_score": {"type": ["number", "null"],
                             "description": "How surely a fuzzy anchor was found again, 0 to 1"},
            "original_clause_id": {**NULLABLE_INT, "description": "On the root of a thread carried from an "
                                   "earlier version: the clause it was written on (clause_id is then the "
                                   "clause it is listed on, and selector the words there); null otherwise"},
            "original_version": {**NULLABLE_INT, "description": "The number of the version a carried "
                                 "thread was written on; null otherwise"},
            "replacement_text": NULLABLE_STR, "hidden_reason": NULLABLE_STR,
            "disposition": {"type": ["object", "null"], "properties": {
                "value": STR, "label": STR, "rationale": STR, "at": STR, "version_id": NULLABLE_INT}},
            "resolved_at": NULLABLE_STR, "edited_at": NULLABLE_STR, "created_at": STR,
            "replies": {"type": "array", "items": {"$ref": _COMMENT},
                        "description": "In the comments list, the thread's first replies written on this "
                                       "version or earlier ones (see replies_limit); empty for a new comment "
                                       "and in live events"},
            "replies_total": {**INT, "description": "On a thread's root in the comments list: the replies "
                              "the caller may read in the whole thread (tombstones that only hold replies "
                              "not counted)"},
            "more_replies": {**INT, "description": "On a thread's root in the comments list: how many of "
                             "those are not in `replies` (0 when all are)"},
            "replies_after": {**NULLABLE_INT, "description": "On a thread's root in the comments list: pass as "
                              "`after` to listReplies for the rest; null when all are here"},
        }, ["id", "kind", "status", "created_at"]),
        "CommentPage": obj({"comments": {"type": "array", "items": ref("Comment")}, "total_threads": INT,
                            "next_after": NULLABLE_INT}, ["comments", "total_threads", "next_after"]),
        "ReplyPage": obj({"replies": {"type": "array", "items": ref("Comment"),
                                      "description": "Replies whose parent is not on this page, in id order, "
                                                     "each with its replies on this page nested"},
                          "more_replies": {**INT, "description": "Readable replies after this page"},
                          "next_after": {**NULLABLE_INT, "description": "`after` for the next page; null on "
                                                                        "the last"}},
                         ["replies", "more_replies", "next_after"]),
        "NewComment": obj({
            "body": {"type": "string", "maxLength": 20000}, "kind": STR, "parent_id": INT,
            "selector": obj({"exact": STR, "prefix": STR, "suffix": STR, "start": INT, "end": INT}, ["exact"]),
            "replacement_text": STR, "type": _TYPE}, ["body"]),
        "CommentEdit": obj({"body": {"type": "string", "maxLength": 20000}, "replacement_text": STR,
                            "type": {**_TYPE, "description": _TYPE["description"] + "; left as it is when absent"}},
                           ["body"]),
        "CommentTypeChange": obj({"type": _TYPE}, ["type"]),
        "Disposition": obj({"disposition": {"type": "string",
                                            "enum": ["accepted", "accepted_in_part", "not_accepted", "noted"]},
                            "rationale": STR, "version_id": INT}, ["disposition", "rationale"]),
        "Hide": obj({"reason": STR, "hidden": BOOL}, ["reason"]),
    },
)

"""API: one chair's action on several comments of a document at once (the workbench's bulk action)."""
from flask import jsonify
from flask_login import current_user

from ..models import Document
from ..security import Permission
from ..services.comment_bulk import ACTIONS, MAX_SELECTED, moderate_many
from . import bp
from .helpers import field, json_body, load
from .openapi import ID, INT, STR, describe, errors, id_param, json_response, obj, ref


@bp.post("/documents/<int:document_id>/comments/bulk-moderation")
def moderate_comments(document_id: int):
    document = load(Document, document_id, Permission.MODERATE)
    data = json_body()
    action = field(data, "action", str)
    text_field = "rationale" if action == "disposition" else "reason"
    text = field(data, text_field, str, required=action in ("disposition", "hide"))
    comments = moderate_many(current_user, document, field(data, "comment_ids", list), action,
                             disposition=field(data, "disposition", str, required=action == "disposition"),
                             rationale=text, reason=text)
    return jsonify({"comment_ids": [c.id for c in comments], "count": len(comments)})


describe(
    {"/documents/{document_id}/comments/bulk-moderation": {"post": {
        "summary": "Apply one chair's action to several comments of the document in one transaction (chairs): "
                   "a disposition with one rationale, hiding with one reason, showing again, or resolving or "
                   "reopening the selected comments' threads. Each comment is recorded as the single-comment "
                   "action records it; if any is refused, none changes.",
        "operationId": "moderateComments", "parameters": [id_param("document_id")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("BulkModeration")}}},
        "responses": {"200": json_response(ref("BulkModerationResult")), **errors(400, 401, 403, 404, 409)}}}},
    {"BulkModeration": obj({
        "comment_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": MAX_SELECTED},
        "action": {"type": "string", "enum": list(ACTIONS)},
        "disposition": {"type": "string", "enum": ["accepted", "accepted_in_part", "not_accepted", "noted"],
                        "description": "With action=disposition"},
        "rationale": {**STR, "description": "With action=disposition"},
        "reason": {**STR, "description": "With action=hide"}}, ["comment_ids", "action"]),
     "BulkModerationResult": obj({"comment_ids": {"type": "array", "items": INT,
                                                  "description": "The comments acted on (for resolve and reopen, "
                                                                 "the threads' first comments)"},
                                  "count": INT}, ["comment_ids", "count"])},
)

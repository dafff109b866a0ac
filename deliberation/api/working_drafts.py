"""API: a document's working draft (issue 12): open, read, edit clause by clause, apply amendments, publish.

Chairs, and members a chair named editor of the document, use it with their token (or session). A save
carries the clause's revision: a stale one answers 409 `stale_revision` with the clause as it is now.
"""
from flask import jsonify
from flask_login import current_user

from ..extensions import db
from ..models import Document, User, WorkingDraft
from ..security import Permission, require
from ..services.errors import NotFound
from ..services.revision import amendments, drafts, editing, publishing
from ..services.revision.payloads import draft_clause_json, draft_json
from . import bp
from .helpers import field, json_body, load
from .working_draft_schemas import describe_working_drafts


def _draft(draft_id: int) -> WorkingDraft:
    draft = db.session.get(WorkingDraft, draft_id)
    if draft is None:
        raise NotFound("Not found.")
    require(current_user, Permission.EDIT_DRAFT, draft.document)
    return draft


def _whole(draft: WorkingDraft, status: int = 200):
    clauses = drafts.draft_clauses(draft)
    return jsonify(draft_json(draft, clauses, amendments.draft_amendments(draft, clauses))), status


def _body() -> dict:
    """A JSON object, or an empty one for a request sent without a body."""
    from flask import request

    return json_body() if request.get_data() else {}


@bp.errorhandler(editing.StaleRevision)
def stale_revision(exc: editing.StaleRevision):
    db.session.rollback()
    current = draft_clause_json(db.session.merge(exc.current))
    return jsonify({"error": {"code": exc.code, "message": exc.translated(), "field": "revision"},
                    "current": current}), 409


@bp.post("/documents/<int:document_id>/working-draft")
def open_working_draft(document_id: int):
    document = load(Document, document_id)
    return _whole(drafts.open_draft(current_user, document), 201)


@bp.get("/documents/<int:document_id>/working-draft")
def find_working_draft(document_id: int):
    document = load(Document, document_id)
    require(current_user, Permission.EDIT_DRAFT, document)
    draft = drafts.draft_of(document)
    if draft is None:
        raise NotFound("This document has no working draft.", code="no_draft")
    return _whole(draft)


@bp.get("/working-drafts/<int:draft_id>")
def get_working_draft(draft_id: int):
    return _whole(_draft(draft_id))


@bp.delete("/working-drafts/<int:draft_id>")
def discard_working_draft(draft_id: int):
    drafts.discard_draft(current_user, _draft(draft_id))
    return "", 204


@bp.patch("/working-drafts/<int:draft_id>/clauses/<key>")
def edit_draft_clause(draft_id: int, key: str):
    draft, data = _draft(draft_id), json_body()
    changes = {name: data[name] for name in ("heading",) if name in data}
    clause = editing.edit_clause(current_user, draft, key, revision=field(data, "revision", int),
                                 text=field(data, "text", str, required=False), **changes)
    return jsonify(draft_clause_json(clause))


@bp.post("/working-drafts/<int:draft_id>/clauses")
def insert_draft_clause(draft_id: int):
    draft, data = _draft(draft_id), json_body()
    clause = editing.insert_clause(
        current_user, draft, text=field(data, "text", str), heading=field(data, "heading", str, required=False),
        after_key=field(data, "after_key", str, required=False),
        before_key=field(data, "before_key", str, required=False),
        parent_key=field(data, "parent_key", str, required=False))
    return jsonify(draft_clause_json(clause)), 201


@bp.delete("/working-drafts/<int:draft_id>/clauses/<key>")
def delete_draft_clause(draft_id: int, key: str):
    draft = _draft(draft_id)
    editing.delete_clause(current_user, draft, key)
    return _whole(draft)


@bp.post("/working-drafts/<int:draft_id>/clauses/<key>/move")
def move_draft_clause(draft_id: int, key: str):
    draft = _draft(draft_id)
    editing.move_clause(current_user, draft, key, field(json_body(), "direction", str))
    return _whole(draft)


@bp.post("/working-drafts/<int:draft_id>/clauses/<key>/split")
def split_draft_clause(draft_id: int, key: str):
    draft, data = _draft(draft_id), json_body()
    editing.split_clause(current_user, draft, key, field(data, "offset", int),
                         field(data, "revision", int, required=False))
    return _whole(draft)


@bp.post("/working-drafts/<int:draft_id>/clauses/<key>/merge")
def merge_draft_clause(draft_id: int, key: str):
    draft = _draft(draft_id)
    editing.merge_clause(current_user, draft, key)
    return _whole(draft)


@bp.post("/working-drafts/<int:draft_id>/amendments/<int:comment_id>/apply")
def apply_draft_amendment(draft_id: int, comment_id: int):
    draft, data = _draft(draft_id), _body()
    if field(data, "by_hand", bool, required=False, default=False):
        clause = amendments.mark_applied_by_hand(current_user, draft, comment_id, field(data, "clause_key", str))
    else:
        clause = amendments.apply_amendment(current_user, draft, comment_id,
                                            text=field(data, "text", str, required=False))
    return jsonify(draft_clause_json(clause))


@bp.delete("/working-drafts/<int:draft_id>/amendments/<int:comment_id>/apply")
def undo_draft_amendment(draft_id: int, comment_id: int):
    clause = amendments.undo_amendment(current_user, _draft(draft_id), comment_id)
    return jsonify(draft_clause_json(clause) if clause is not None else None)


@bp.get("/working-drafts/<int:draft_id>/checklist")
def working_draft_checklist(draft_id: int):
    checklist = publishing.publish_checklist(_draft(draft_id))
    return jsonify({"unapplied_amendments": [a.comment.id for a in checklist.unapplied],
                    "comments_without_disposition": checklist.undisposed,
                    "changed_without_comment": [c.key for c in checklist.uncommented_changes],
                    "counts": checklist.counts()})


@bp.post("/working-drafts/<int:draft_id>/publish")
def publish_working_draft(draft_id: int):
    draft, data = _draft(draft_id), _body()
    version = publishing.publish_draft(current_user, draft, label=field(data, "label", str, required=False, default=""),
                                       note=field(data, "note", str, required=False, default=""))
    return jsonify({"version_id": version.id, "number": version.number, "label": version.label}), 201


@bp.post("/documents/<int:document_id>/editors")
def add_document_editor(document_id: int):
    document = load(Document, document_id)
    require(current_user, Permission.MANAGE_DOCUMENTS, document)
    user = db.session.get(User, field(json_body(), "user_id", int))
    if user is None:
        raise NotFound("There is no such user.", field="user_id")
    editor = drafts.add_editor(current_user, document, user)
    return jsonify({"user_id": editor.user_id, "name": editor.user.display_name}), 201


@bp.delete("/documents/<int:document_id>/editors/<int:user_id>")
def remove_document_editor(document_id: int, user_id: int):
    document = load(Document, document_id)
    require(current_user, Permission.MANAGE_DOCUMENTS, document)
    drafts.remove_editor(current_user, document, drafts.find_editor(document, user_id))
    return "", 204


describe_working_drafts()

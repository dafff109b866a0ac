"""Pages for revising a draft in the platform (issue 12): the working-draft editor, the review before
publishing, and the form posts behind every button, so the editor works without scripts too.

static/js/draft.js enhances the editor: autosave through the API with the clause's revision, a visible
saved state, both texts on a conflict, and others' edits live. Every post here answers with a redirect
to the editor (or the editor itself, with the conflict, when a save was stale)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Document, User, WorkingDraft
from ..security import Permission, require
from ..services.errors import Invalid, ServiceError
from ..services.revision import amendments, drafts, editing, publishing
from ..services.revision.payloads import numbered_clauses_json
from .forms import EmptyForm
from .helpers import load_document

bp = Blueprint("revision", __name__)
VIEWS = ("inline", "side")


def _editable(document_id: int) -> Document:
    document = load_document(document_id)
    require(current_user, Permission.EDIT_DRAFT, document)
    return document


def _open_draft(document: Document) -> WorkingDraft:
    draft = drafts.draft_of(document)
    if draft is None:
        abort(404)
    return draft


def _editor_url(document: Document, key: str | None = None) -> str:
    return url_for(".editor", document_id=document.id, _anchor=f"clause-{key}" if key else None)


def _checked() -> bool:
    """A valid CSRF token (the form's or the header's); a stale page gets a message, not a change."""
    if EmptyForm().validate_on_submit():
        return True
    flash(_("The form had expired. Please try again."), "error")
    return False


def _int(name: str):
    value = request.form.get(name, "")
    return int(value) if value.lstrip("-").isdigit() else value or None


def _editor(document: Document, draft: WorkingDraft | None, conflict=None, status: int = 200):
    clauses = drafts.draft_clauses(draft) if draft else []
    return render_template(
        "revision/editor.html", document=document, draft=draft, clauses=numbered_clauses_json(clauses),
        amendments=amendments.draft_amendments(draft, clauses) if draft else [], form=EmptyForm(),
        editors=drafts.document_editors(document) if can_manage(document) else [],
        candidates=drafts.editor_candidates(document) if can_manage(document) else [], conflict=conflict), status


def can_manage(document: Document) -> bool:
    from ..security import can

    return can(current_user, Permission.MANAGE_DOCUMENTS, document)


@bp.get("/documents/<int:document_id>/working-draft")
def editor(document_id: int):
    document = _editable(document_id)
    return _editor(document, drafts.draft_of(document))


def _act(document: Document, action, success: str | None = None, key: str | None = None):
    """Run a service on a checked form; flash its refusal or `success`, and go back to the editor."""
    if _checked():
        try:
            action()
        except ServiceError as exc:
            flash(exc.translated(), "error")
        else:
            if success:
                flash(success, "success")
    return redirect(_editor_url(document, key))


@bp.post("/documents/<int:document_id>/working-draft")
def start(document_id: int):
    document = _editable(document_id)
    return _act(document, lambda: drafts.open_draft(current_user, document),
                _("The working draft of the next version is open."))


def _managed(document_id: int) -> Document:
    document = load_document(document_id)
    require(current_user, Permission.MANAGE_DOCUMENTS, document)
    return document


@bp.post("/documents/<int:document_id>/working-draft/editors")
def add_editor(document_id: int):
    """A chair names a member co-editor of the document's working drafts."""
    document = _managed(document_id)
    user_id = _int("user_id")
    user = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None

    def name():
        if user is None:
            raise Invalid("Choose a member of the working group.", field="user_id")
        drafts.add_editor(current_user, document, user)
    return _act(document, name, _("%(name)s can now edit the working draft.",
                                  name=user.display_name if user else ""))


@bp.post("/documents/<int:document_id>/working-draft/editors/<int:user_id>/remove")
def remove_editor(document_id: int, user_id: int):
    """A chair takes a co-editor off; their open editor says at once that it can no longer save."""
    document = _managed(document_id)
    editor = drafts.find_editor(document, user_id)
    return _act(document, lambda: drafts.remove_editor(current_user, document, editor),
                _("%(name)s no longer edits the working draft.", name=editor.user.display_name))


@bp.post("/documents/<int:document_id>/working-draft/discard")
def discard(document_id: int):
    document = _editable(document_id)
    draft = _open_draft(document)
    if _checked():
        drafts.discard_draft(current_user, draft)
        flash(_("The working draft was discarded."), "success")
    return redirect(url_for("documents.show", document_id=document.id))


@bp.post("/documents/<int:document_id>/working-draft/clauses/<key>")
def save_clause(document_id: int, key: str):
    """Save a clause from the page's form (scripts save through the API instead)."""
    document = _editable(document_id)
    draft = _open_draft(document)
    if not _checked():
        return redirect(_editor_url(document, key))
    try:
        editing.edit_clause(current_user, draft, key, revision=_int("revision"), text=request.form.get("text", ""),
                            heading=request.form.get("heading"))
    except editing.StaleRevision as exc:
        mine = {"key": key, "text": request.form.get("text", ""), "heading": request.form.get("heading")}
        return _editor(document, draft, conflict={"mine": mine, "current": exc.current}, status=409)
    except ServiceError as exc:
        flash(exc.translated(), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(_editor_url(document, key))


@bp.post("/documents/<int:document_id>/working-draft/clauses")
def insert_clause(document_id: int):
    document = _editable(document_id)
    draft = _open_draft(document)
    where = request.form.get("where", "after")
    reference = {f"{where}_key": request.form.get("key")} if where in ("after", "before", "parent") else {}
    return _act(document, lambda: editing.insert_clause(current_user, draft, text=request.form.get("text", ""),
                                                        heading=request.form.get("heading") or None, **reference),
                _("Clause inserted."), request.form.get("key"))


STRUCTURE = {
    "move": lambda actor, draft, key: editing.move_clause(actor, draft, key, request.form.get("direction")),
    "split": lambda actor, draft, key: editing.split_clause(actor, draft, key, _int("offset"), _int("revision")),
    "merge": lambda actor, draft, key: editing.merge_clause(actor, draft, key),
    "delete": lambda actor, draft, key: editing.delete_clause(actor, draft, key),
}


@bp.post("/documents/<int:document_id>/working-draft/clauses/<key>/<action>")
def change_structure(document_id: int, key: str, action: str):
    if action not in STRUCTURE:
        abort(404)
    document = _editable(document_id)
    draft = _open_draft(document)
    return _act(document, lambda: STRUCTURE[action](current_user, draft, key), None,
                None if action in ("delete", "merge") else key)


@bp.post("/documents/<int:document_id>/working-draft/amendments/<int:comment_id>/apply")
def apply_amendment(document_id: int, comment_id: int):
    document = _editable(document_id)
    draft = _open_draft(document)
    if request.form.get("by_hand"):
        action = lambda: amendments.mark_applied_by_hand(current_user, draft, comment_id,  # noqa: E731
                                                          request.form.get("clause_key"))
    else:
        text = request.form.get("text")
        action = lambda: amendments.apply_amendment(current_user, draft, comment_id, text=text)  # noqa: E731
    return _act(document, action, _("Amendment applied."))


@bp.post("/documents/<int:document_id>/working-draft/amendments/<int:comment_id>/undo")
def undo_amendment(document_id: int, comment_id: int):
    document = _editable(document_id)
    draft = _open_draft(document)
    return _act(document, lambda: amendments.undo_amendment(current_user, draft, comment_id), _("Amendment undone."))


@bp.get("/documents/<int:document_id>/working-draft/review")
def review(document_id: int):
    document = _editable(document_id)
    draft = _open_draft(document)
    view = request.args.get("view") if request.args.get("view") in VIEWS else "inline"
    return render_template("revision/review.html", document=document, draft=draft, form=EmptyForm(), view=view,
                           checklist=publishing.publish_checklist(draft))


@bp.post("/documents/<int:document_id>/working-draft/publish")
def publish(document_id: int):
    document = _editable(document_id)
    draft = _open_draft(document)
    if not _checked():
        return redirect(url_for(".review", document_id=document.id))
    try:
        version = publishing.publish_draft(current_user, draft, label=request.form.get("label", ""),
                                           note=request.form.get("note", ""))
    except ServiceError as exc:
        flash(exc.translated(), "error")
        return redirect(url_for(".review", document_id=document.id))
    flash(_("%(label)s is published.", label=version.label), "success")
    return redirect(url_for("documents.version", document_id=document.id, number=version.number))


@bp.app_template_global()
def applied_place(comment):
    """(version number, clause key) where an applied amendment's words went, for its thread's note."""
    return amendments.applied_place(comment)

"""Discussing clauses without scripts: each action is a form POST that redirects back to the comment.

The scripts (static/js/annotate.js) send the same actions to the JSON API instead. A refused form
shows its page again with the message beside the field and the text kept (status 4xx).
"""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..extensions import db
from ..models import Clause
from ..security import Permission, require
from ..security.limits import limited
from ..services import comments as comment_service
from ..services import moderation
from ..services.comment_access import ensure_may_resolve, viewer_for
from ..services.comment_lookup import moderated_comment, own_comment, readable_comment
from .comment_forms import CommentForm, DispositionForm, EditForm, HideForm, ResolveForm, TypeForm
from .forms import EmptyForm
from .discussion import clause_by_key, comment_url
from .helpers import load_document, load_version, submit_form

bp = Blueprint("comments", __name__)


def _back_to(comment_id: int):
    return redirect(url_for("discussion.permalink", comment_id=comment_id))


@bp.post("/documents/<int:document_id>/versions/<int:number>/clauses/<key>/comments")
@limited("comments")
def create(document_id: int, number: int, key: str):
    document = load_document(document_id)
    version = load_version(document, number)
    clause = clause_by_key(version, key)
    require(current_user, Permission.COMMENT, version)
    form = CommentForm()
    comment, status = submit_form(form, lambda: comment_service.post_comment(
        current_user, clause, body=form.body.data, kind=form.kind.data, parent_id=form.parent(),
        selector=form.selector(), replacement_text=form.replacement_text.data, comment_type=form.type.data))
    if status is None:  # to the new comment, on the page of its thread if it is a late reply in a long one
        return redirect(comment_url(comment, version, viewer_for(current_user, version)))
    return render_template("annotations/compose.html", document=document, version=version, clause=clause,
                           form=form), status


@bp.post("/comments/<int:comment_id>/edit")
def edit(comment_id: int):
    comment, version, _viewer = own_comment(current_user, comment_id)
    form = EditForm()
    _, status = submit_form(form, lambda: comment_service.edit_comment(
        current_user, comment, body=form.body.data, replacement_text=form.replacement_text.data))
    if status is None:
        return _back_to(comment.id)
    return _comment_page("annotations/edit.html", comment, version, form=form), status


@bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):
    comment, version, _viewer = own_comment(current_user, comment_id)
    if EmptyForm().validate_on_submit():
        comment_service.delete_comment(current_user, comment)
    return _back_to(comment.id)


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id: int):
    comment, _version, viewer = readable_comment(current_user, comment_id)
    ensure_may_resolve(current_user, viewer, comment)
    form = ResolveForm()
    if form.validate_on_submit():
        moderation.set_resolved(current_user, comment, form.resolved.data != "0")
    return _back_to(comment.id)


@bp.post("/comments/<int:comment_id>/hide")
def hide(comment_id: int):
    comment, version, _viewer = moderated_comment(current_user, comment_id)
    form = HideForm()
    _, status = submit_form(form, lambda: moderation.set_hidden(
        current_user, comment, hidden=form.hidden.data != "0", reason=form.reason.data))
    if status is None:
        return _back_to(comment.id)
    return _comment_page("annotations/moderate.html", comment, version, hide_form=form), status


@bp.post("/comments/<int:comment_id>/disposition")
def disposition(comment_id: int):
    comment, version, _viewer = moderated_comment(current_user, comment_id)
    form = DispositionForm()
    _, status = submit_form(form, lambda: moderation.set_disposition(
        current_user, comment, disposition=form.disposition.data, rationale=form.rationale.data,
        version_id=form.carrying_version()))
    if status is None:
        return _back_to(comment.id)
    return _comment_page("annotations/moderate.html", comment, version, disposition_form=form), status


@bp.post("/comments/<int:comment_id>/type")
def set_type(comment_id: int):
    comment, version, _viewer = moderated_comment(current_user, comment_id)
    form = TypeForm()
    _, status = submit_form(form, lambda: moderation.set_comment_type(current_user, comment, form.type.data))
    if status is None:
        return _back_to(comment.id)
    return _comment_page("annotations/moderate.html", comment, version, type_form=form), status


def _comment_page(template: str, comment, version, **forms):
    clause = db.session.get(Clause, comment.clause_id)
    return render_template(template, comment=comment, document=version.document, version=version,
                           clause=clause, **forms)

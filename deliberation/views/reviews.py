"""Reviewed Word files in the browser: the upload form of a version, the preview (keep or drop each item,
choose a clause for those that could not be placed) and the confirmation that posts them."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Clause, Membership, User, WordReview
from ..numbers import whole_number
from ..textdiff import word_diff
from ..security import Permission, can, require
from ..services.errors import Invalid, ServiceError
from ..services.reviews.confirm import confirm_review
from ..services.reviews.preview import create_review
from .forms import EmptyForm
from .helpers import form_error, load_document, load_version
from .version_forms import ReviewUploadForm

bp = Blueprint("reviews", __name__)


def _members(version) -> list[User]:
    """Whom a chair may upload for: the group's chairs and members (observers do not comment). One query."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.working_group_id == version.document.working_group_id,
               Membership.role.in_(("chair", "member")), User.deleted_at.is_(None))
        .order_by(User.name)))


@bp.route("/documents/<int:document_id>/versions/<int:number>/reviews/new", methods=["GET", "POST"])
@login_required
def upload(document_id: int, number: int):
    document = load_document(document_id)
    version = load_version(document, number)
    require(current_user, Permission.COMMENT, version)
    form = ReviewUploadForm()
    chair = can(current_user, Permission.MODERATE, version)
    form.on_behalf_of.choices = [(0, _("Myself"))] + (
        [(u.id, u.display_name) for u in _members(version) if u.id != current_user.id] if chair else [])
    status = 200
    if form.validate_on_submit():
        upload_ = form.file.data
        try:
            if upload_ is None or not getattr(upload_, "filename", ""):
                raise Invalid("Choose the reviewed Word file (.docx) to upload.", field="file")
            review = create_review(current_user, version, upload_.filename, upload_.read(),
                                   on_behalf_of=form.on_behalf_of.data or None)
            return redirect(url_for(".preview", review_id=review.id))
        except ServiceError as exc:
            form_error(form, exc)
            status = exc.status
    elif form.is_submitted():
        status = 400
    return render_template("reviews/upload.html", document=document, version=version, form=form,
                           chair=chair), status


def _own_review(review_id: int) -> WordReview:
    review = db.session.get(WordReview, review_id)
    if review is None or review.uploader_id != current_user.id:
        abort(404)
    require(current_user, Permission.VIEW_DOCUMENT, review.version)
    return review


def _clauses(review: WordReview) -> list[Clause]:
    return list(db.session.scalars(select(Clause).where(Clause.version_id == review.version_id)
                                   .order_by(Clause.position)))


def _render_preview(review: WordReview, form, status: int = 200):
    version = review.version
    diffs = {item["n"]: word_diff(item.get("exact") or "", item.get("replacement_text") or "")
             for item in review.items if item["kind"] == "amendment"}
    return render_template("reviews/preview.html", review=review, version=version, document=version.document,
                           clauses=_clauses(review), form=form, diffs=diffs), status


@bp.get("/reviews/<int:review_id>")
@login_required
def preview(review_id: int):
    return _render_preview(_own_review(review_id), EmptyForm())


@bp.post("/reviews/<int:review_id>/confirm")
@login_required
def confirm(review_id: int):
    review = _own_review(review_id)
    require(current_user, Permission.COMMENT, review.version)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _render_preview(review, form, 400)
    skip, place = [], {}
    for item in review.items:
        n = item["n"]
        chosen = whole_number(request.form.get(f"place-{n}", ""))
        if chosen and chosen != item.get("clause_id"):
            place[n] = chosen  # choosing a clause for an item keeps it
        elif request.form.get(f"keep-{n}") != "1":
            skip.append(n)
    try:
        ids = confirm_review(current_user, review, skip=skip, place=place)
    except ServiceError as exc:
        form_error(form, exc)
        return _render_preview(review, form, exc.status)
    flash(ngettext("%(num)s comment posted from the reviewed Word file.",
                   "%(num)s comments posted from the reviewed Word file.", len(ids)), "success")
    version = review.version
    return redirect(url_for("documents.version", document_id=version.document_id, number=version.number))

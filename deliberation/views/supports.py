"""Expressions of support for an adopted version: the public form and list, and the chair's review."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Support, Version
from ..security import Permission, require
from ..security.limits import limited
from ..services import supports as support_service
from ..services.errors import Invalid, ServiceError
from .helpers import form_error, load_document, load_version
from .round_forms import ReviewForm, SupportForm

bp = Blueprint("supports", __name__)


def _form(version) -> SupportForm:
    form = SupportForm()
    form.sector.choices = support_service.sector_choices(version)
    return form


@bp.route("/documents/<int:document_id>/versions/<int:number>/support", methods=["GET", "POST"])
@limited("supports")  # counts only the POST: reading the form and list is free
def support(document_id: int, number: int):
    document = load_document(document_id)
    version = load_version(document, number)
    form = _form(version)
    if form.validate_on_submit():
        try:
            support_service.submit_support(
                version, name=form.name.data, organisation=form.organisation.data or "", sector=form.sector.data,
                country=form.country.data or "", statement=form.statement.data or "", email=form.email.data)
        except ServiceError as exc:
            form_error(form, exc)
            return _page(document, version, form, exc.status)
        flash(_("Thank you. A chair will verify your expression of support before it is listed."), "success")
        return redirect(url_for(".support", document_id=document_id, number=number))
    return _page(document, version, form, 400 if form.is_submitted() else 200)


def _page(document, version, form, status):
    return render_template("supports/show.html", document=document, version=version, form=form,
                           sectors=support_service.verified_by_sector(version)), status


@bp.get("/documents/<int:document_id>/versions/<int:number>/supports/review")
def review_list(document_id: int, number: int):
    document = load_document(document_id, Permission.RUN_ROUNDS)
    version = load_version(document, number)
    return render_template("supports/review.html", document=document, version=version, form=ReviewForm(),
                           sector_names=dict(support_service.sector_choices(version)),
                           pending=support_service.supports_of(version, "pending"),
                           verified=support_service.supports_of(version, "verified"),
                           rejected=support_service.supports_of(version, "rejected"))


@bp.post("/supports/<int:support_id>/review")
def review(support_id: int):
    support_ = db.session.get(Support, support_id)
    version = db.session.get(Version, support_.version_id) if support_ is not None else None
    if version is None:
        abort(404)
    require(current_user, Permission.VIEW_DOCUMENT, version)
    require(current_user, Permission.RUN_ROUNDS, version)
    form = ReviewForm()
    if not form.validate_on_submit():
        raise Invalid("Verify or reject.", field="decision")
    support_service.review_support(current_user, support_, form.decision.data)
    flash(f"{support_.name}: {support_.status}.", "success")
    return redirect(url_for(".review_list", document_id=version.document_id, number=version.number))

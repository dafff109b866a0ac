"""Versions: importing a revised draft (paste or upload -> preview with the clause matching, corrected there -> publish),
comparing any two versions inline or side by side, and the chair's list of orphaned annotations."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..numbers import whole_number
from ..models import CommentAnchor
from ..security import Permission
from ..services import reanchor as reanchor_service
from ..services import versions as version_service
from ..services.compare import compare_versions
from ..services.documents import document_versions
from ..services.errors import Invalid, ServiceError
from . import import_preview as preview
from .forms import EmptyForm
from .helpers import form_error, load_document, load_version
from .version_forms import NewVersionForm, ReattachForm

bp = Blueprint("versions", __name__)
VIEWS = ("inline", "side")


def _submitted_matches() -> list[int | None]:
    """The chair's matching from the preview's selects: match-0, match-1 ... = a clause id or "new"."""
    matches, index = [], 0
    while f"match-{index}" in request.form:
        value = request.form[f"match-{index}"]
        if value != "new" and whole_number(value) is None:
            raise Invalid("Choose a predecessor or “new” for every clause.", field="matches")
        matches.append(None if value == "new" else whole_number(value))
        index += 1
    return matches


@bp.route("/documents/<int:document_id>/versions/new", methods=["GET", "POST"])
def new_version(document_id: int):
    document = load_document(document_id, Permission.MANAGE_DOCUMENTS)
    form = NewVersionForm()
    valid = form.validate_on_submit()
    if not (valid or preview.posted_back(form)):
        return render_template("versions/new.html", document=document, form=form), 400 if form.is_submitted() else 200
    chosen = None
    build = lambda state: _planned(document, state)  # noqa: E731
    status = None
    try:
        state = preview.submitted_state(form)
        if valid and preview.publishing(form):
            chosen = _submitted_matches()
            version, plan = version_service.publish_version(
                current_user, document, fmt=state.fmt, source=preview.ready_to_publish(state).source,
                predecessor_ids=chosen, label=form.label.data or "", edits=state.edits)
            flash(_("%(label)s is published: %(changed)s changed, %(new)s new and %(removed)s removed clauses.",
                    label=version.label, **plan.counts()), "success")
            return redirect(url_for(".compare", document_id=document.id, to=version.number))
        shown = preview.show(state, build, form)
    except ServiceError as exc:
        form_error(form, exc)
        status = exc.status
        shown = _shown_again(form, build, exc, chosen)
        if shown is None:
            return render_template("versions/new.html", document=document, form=form), status
    return render_template("versions/preview.html", document=document, form=form, preview=shown, plan=shown.built,
                           chosen=chosen), status or (400 if form.errors or form.form_errors else 200)


def _planned(document, state):
    plan = version_service.plan_version(document, state.fmt, state.source, edits=state.edits)
    return plan, plan.flat


def _shown_again(form, build, exc, chosen):
    """After a refusal, the preview as it was: the posted-back one, or (for a matching refused on a plain
    publish) the pasted text's, with the chair's matching."""
    shown = preview.shown_again(build)
    if shown is None and chosen is not None and exc.field == "matches":
        shown = preview.show(preview.submitted_state(form), build, form)
    return shown


def _version_number(name: str, default: int) -> int:
    value = request.args.get(name, "")
    if not value:
        return default
    number = whole_number(value)
    if number is None:
        abort(404)
    return number


@bp.get("/documents/<int:document_id>/compare")
def compare(document_id: int):
    document = load_document(document_id)
    versions = [v for v in document_versions(document) if v.status != "draft" or v.id == document.current_version_id]
    latest = versions[-1].number if versions else 1
    new = load_version(document, _version_number("to", latest))
    old = load_version(document, _version_number("from", max(1, new.number - 1)))
    view = request.args.get("view") if request.args.get("view") in VIEWS else "inline"
    return render_template("versions/compare.html", document=document, version=new, versions=versions,
                           comparison=compare_versions(old, new), view=view,
                           only_changes=request.args.get("only") == "changes")


@bp.get("/documents/<int:document_id>/orphans")
def orphans(document_id: int):
    document = load_document(document_id, Permission.MODERATE)
    found = reanchor_service.orphaned_annotations(document)
    return render_template("versions/orphans.html", document=document, orphans=found,
                           targets=reanchor_service.reattach_targets(document), form=ReattachForm(),
                           close_form=EmptyForm())


def _load_orphan(document, anchor_id: int) -> CommentAnchor:
    anchor = reanchor_service.document_anchor(document, anchor_id)
    if anchor is None:
        abort(404)
    return anchor


@bp.post("/documents/<int:document_id>/orphans/<int:anchor_id>/reattach")
def reattach(document_id: int, anchor_id: int):
    document = load_document(document_id, Permission.MODERATE)
    anchor = _load_orphan(document, anchor_id)
    form = ReattachForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for(".orphans", document_id=document.id))
    try:
        clause = reanchor_service.reattach_orphan(current_user, anchor, form.clause_id.data, form.quote.data)
    except ServiceError as exc:  # nothing was written: say why on the list
        flash(exc.translated(), "error")
    else:
        flash(_("The annotation is attached to clause %(label)s.", label=clause.label), "success")
    return redirect(url_for(".orphans", document_id=document.id))


@bp.post("/documents/<int:document_id>/orphans/<int:anchor_id>/close")
def close_orphan(document_id: int, anchor_id: int):
    document = load_document(document_id, Permission.MODERATE)
    anchor = _load_orphan(document, anchor_id)
    if EmptyForm().validate_on_submit():
        reanchor_service.close_orphan(current_user, anchor)
        flash(_("The orphaned annotation is closed."), "success")
    return redirect(url_for(".orphans", document_id=document.id))

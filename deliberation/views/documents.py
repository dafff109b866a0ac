"""Documents: importing a draft (preview, corrected there, then publish), reading a version clause by clause,
permalinks."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import error_response
from ..importer import split_points
from ..lines import number_lines
from ..security import Permission, can
from ..services import documents as document_service
from ..services.errors import Invalid, ServiceError
from ..services.groups import group_by_slug
from .forms import DocumentSettingsForm, ImportForm
from . import import_preview as preview
from .helpers import form_error, load_document, load_group, load_version

bp = Blueprint("documents", __name__)
bp.add_app_template_global(split_points, "split_points")  # the import preview's split menus


@bp.route("/groups/<slug>/import", methods=["GET", "POST"])
def import_draft(slug: str):
    group = load_group(slug, Permission.MANAGE_DOCUMENTS)
    form = ImportForm()
    valid = form.validate_on_submit()
    if not (valid or preview.posted_back(form)):
        return render_template("documents/import.html", group=group, form=form), 400 if form.is_submitted() else 200
    build = lambda state: _parsed(state, form)  # noqa: E731
    status = None
    try:
        state = preview.submitted_state(form)
        if valid and preview.publishing(form):
            document = document_service.create_document(
                current_user, group, title=form.title.data or "", fmt=state.fmt,
                source=preview.ready_to_publish(state).source, public=form.public.data, edits=state.edits)
            flash(_("Version 1 is published and open for comment."), "success")
            return redirect(url_for(".version", document_id=document.id, number=1))
        shown = preview.show(state, build, form)
    except ServiceError as exc:
        form_error(form, exc)
        status = exc.status
        shown = preview.shown_again(build)
        if shown is None:
            return render_template("documents/import.html", group=group, form=form), status
    return render_template("documents/preview.html", group=group, form=form, preview=shown), \
        status or (400 if form.errors or form.form_errors else 200)


def _parsed(state, form):
    """The preview's clauses; the draft's own title fills an empty title field."""
    title, flat = document_service.preview_draft(state.fmt, state.source, state.edits)
    if not form.title.data:
        form.title.data = title or ""
    return flat, flat


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(exc):
    """A body over MAX_CONTENT_LENGTH is refused before anything reads the form (the CSRF check comes
    first), so the view never runs: on the import page, answer with its form and the limit on the file field."""
    message = _("The upload is too large (2 MB at most).")
    group = _importable_group(request.view_args or {}) if request.endpoint == "documents.import_draft" else None
    if group is None:  # elsewhere, or for someone who may not import here: the site's usual 413
        return error_response(413, "too_large", message)
    form = ImportForm(formdata=None)  # the request's form data is the part refused
    form.file.errors = [message]
    return render_template("documents/import.html", group=group, form=form), 413


def _importable_group(view_args: dict):
    try:
        group = group_by_slug(view_args.get("slug", ""))
    except ServiceError:
        return None
    return group if can(current_user, Permission.MANAGE_DOCUMENTS, group) else None


@bp.get("/documents/<int:document_id>")
def show(document_id: int):
    document = load_document(document_id)
    versions = document_service.document_versions(document)
    current = next((v for v in versions if v.id == document.current_version_id), versions[-1] if versions else None)
    if current is None:
        abort(404)
    return redirect(url_for(".version", document_id=document.id, number=current.number))


@bp.get("/documents/<int:document_id>/versions/<int:number>")
def version(document_id: int, number: int):
    document = load_document(document_id)
    version_ = load_version(document, number)
    clauses = document_service.version_clauses(version_)
    versions = document_service.document_versions(document)
    lines = {clause.id: number_lines(clause.text, clause.first_line + (1 if clause.heading else 0))
             for clause in clauses}
    return render_template("documents/version.html", document=document, version=version_, clauses=clauses,
                           lines=lines, versions=versions)


@bp.get("/documents/<int:document_id>/versions/<int:number>/clauses/<key>")
def clause(document_id: int, number: int, key: str):
    document = load_document(document_id)
    version_ = load_version(document, number)
    clauses = document_service.version_clauses(version_)
    found = next((c for c in clauses if c.key == key), None)
    if found is None:
        abort(404)
    lines = number_lines(found.text, found.first_line + (1 if found.heading else 0))
    return render_template("documents/clause.html", document=document, version=version_, clause=found,
                           lines=lines, parent=next((c for c in clauses if c.id == found.parent_id), None))


@bp.route("/documents/<int:document_id>/settings", methods=["GET", "POST"])
def settings(document_id: int):
    document = load_document(document_id, Permission.MANAGE_DOCUMENTS)
    form = DocumentSettingsForm(obj=document)
    if form.validate_on_submit():
        try:
            document_service.update_document(current_user, document, title=form.title.data, public=form.public.data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(_("Document settings saved."), "success")
            return redirect(url_for(".show", document_id=document.id))
    return render_template("documents/settings.html", document=document, form=form), \
        400 if form.is_submitted() else 200


@bp.app_template_global()
def clause_url(document, version, clause) -> str:
    return url_for("documents.clause", document_id=document.id, number=version.number, key=clause.key)


@bp.app_template_global()
def request_path() -> str:
    return request.path

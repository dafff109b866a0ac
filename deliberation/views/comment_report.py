"""All comments of a document, in time order, with filters: the chairs' workbench (dispose, hide,
resolve one comment or a selection at once) and, without those controls, the participants' reading list."""
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from ..numbers import whole_number
from ..security import Permission, can
from ..services.comment_access import ensure_may_read_document_comments
from ..services.comment_bulk import moderate_many
from ..services.comment_report import (
    PAGE_SIZE, ListReader, ReportFilters, clause_choices, document_comments,
)
from .comment_forms import BulkModerationForm
from .helpers import load_document, submit_form

bp = Blueprint("comment_report", __name__)
LIST_ARGS = ("clause", "kind", "stakeholder_group", "disposition", "unresolved", "status", "author", "q", "page")


def _render(document, args, form=None, status=200):
    ensure_may_read_document_comments(current_user, document)
    filters = ReportFilters.from_args(args)
    page = max(1, whole_number(args.get("page", "1")) or 1)
    can_moderate = can(current_user, Permission.MODERATE, document)
    reader = ListReader(current_user.id if current_user.is_authenticated else None, can_moderate)
    rows, total = document_comments(document, filters, page, reader)
    if can_moderate and form is None:
        form = BulkModerationForm(formdata=None, back=urlencode(args))
        form.disposition.data = ""  # no preselected disposition: the chair chooses
    return render_template("annotations/report.html", document=document, rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), filters=filters, can_moderate=can_moderate,
                           bulk_form=form, clause_choices=clause_choices(document)), status


@bp.get("/documents/<int:document_id>/comments")
def report(document_id: int):
    return _render(load_document(document_id), request.args)


@bp.post("/documents/<int:document_id>/comments/moderate")
def moderate(document_id: int):
    document = load_document(document_id, Permission.MODERATE)
    form = BulkModerationForm()
    back = {key: value for key, value in parse_qsl(form.back.data or "") if key in LIST_ARGS}
    _, status = submit_form(form, lambda: moderate_many(
        current_user, document, form.comment_ids(), form.action.data, disposition=form.disposition.data,
        rationale=form.rationale.data, reason=form.rationale.data))
    if status is None:
        return redirect(url_for("comment_report.report", document_id=document.id, **back))
    return _render(document, back, form, status)

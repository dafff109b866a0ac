"""The chairs' view of all comments of a document, in time order, with filters (the disposition report)."""
from flask import Blueprint, render_template, request

from ..numbers import whole_number
from ..security import Permission
from ..services.comment_report import PAGE_SIZE, ReportFilters, clause_choices, document_comments
from .helpers import load_document

bp = Blueprint("comment_report", __name__)


@bp.get("/documents/<int:document_id>/comments")
def report(document_id: int):
    document = load_document(document_id, Permission.MODERATE)
    filters = ReportFilters.from_args(request.args)
    page = request.args.get("page", "1")
    page = max(1, whole_number(page) or 1)
    rows, total = document_comments(document, filters, page)
    return render_template("annotations/report.html", document=document, rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), filters=filters,
                           clause_choices=clause_choices(document))

"""The search page: the box every page shows in its header leads here; results grouped by document.
Members may save a search to be notified of new comments that match it."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..models import COMMENT_KINDS, DISPOSITIONS, SEARCH_KINDS
from ..services.errors import Invalid, ServiceError
from ..services.search import filters_from, search
from ..services.search.options import search_options
from ..services.search.saved import delete_saved_search, save_search, saved_searches
from .forms import EmptyForm

bp = Blueprint("search", __name__)


@bp.get("/search")
def search_page():
    query = request.args.get("q", "")
    context = {"query": query, "options": search_options(current_user), "kinds": SEARCH_KINDS,
               "comment_kinds": COMMENT_KINDS, "dispositions": DISPOSITIONS, "results": None, "error": None,
               "saved": saved_searches(current_user) if current_user.is_authenticated else [], "form": EmptyForm()}
    try:
        context["filters"] = filters = filters_from(request.args, current_user)
        if query.strip():
            context["results"] = search(current_user, query, filters)
    except Invalid as exc:
        context.update(filters=filters_from({}), error=exc.translated())
        return render_template("search/index.html", **context), 400
    return render_template("search/index.html", **context)


@bp.post("/search/saved")
@login_required
def save():
    query = request.form.get("q", "")
    if EmptyForm().validate_on_submit():
        try:
            save_search(current_user, query)
            flash(_("Saved: you will be notified of new comments that match this search."), "success")
        except ServiceError as exc:
            flash(exc.translated(), "error")
    return redirect(url_for(".search_page", q=query))


@bp.post("/search/saved/<int:saved_id>/delete")
@login_required
def delete_saved(saved_id: int):
    if EmptyForm().validate_on_submit():
        delete_saved_search(current_user, saved_id)
        flash(_("The saved search is deleted."), "success")
    return redirect(url_for(".search_page"))

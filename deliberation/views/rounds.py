"""Round pages: opening a round from a version, the round's page with its live tally and consensus map,
closing it, reopening it after a formal objection was answered, adopting the version, and the list of a
document's rounds."""
from datetime import timezone

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import charts
from ..i18n import translated
from ..models import Round
from ..models.rounds import DESIGNATIONS, POSITION_LABELS
from ..security import Permission, require
from ..services import rounds as round_service
from ..services.round_reopening import reopen_round
from ..services.documents import document_versions, version_clauses
from ..services.errors import Invalid, ServiceError
from ..services.round_record import load_round, round_overview, tally_for_reader
from .forms import EmptyForm, RULE_CHOICES, THRESHOLD_CHOICES
from .helpers import form_error, load_document, load_version
from .round_forms import OpenRoundForm, ReopenRoundForm, StatementForm, ToggleForm

bp = Blueprint("rounds", __name__)


def load_round_page(round_id: int, permission: Permission = Permission.VIEW_DOCUMENT) -> Round:
    round_ = load_round(round_id)
    if round_ is None:
        abort(404)
    require(current_user, Permission.VIEW_DOCUMENT, round_.version)
    if permission is not Permission.VIEW_DOCUMENT:
        require(current_user, permission, round_.version)
    return round_


@bp.get("/documents/<int:document_id>/rounds")
def for_document(document_id: int):
    document = load_document(document_id)
    rounds = round_service.document_rounds(document.id)
    return render_template("rounds/list.html", document=document, rounds=rounds,
                           versions=document_versions(document))


@bp.route("/documents/<int:document_id>/versions/<int:number>/rounds/new", methods=["GET", "POST"])
def open_round(document_id: int, number: int):
    document = load_document(document_id, Permission.RUN_ROUNDS)
    version = load_version(document, number)
    group = document.working_group
    form = OpenRoundForm()
    if not form.is_submitted():  # the working group's defaults
        form.rule.data, form.threshold.data = group.default_rule, group.default_threshold
        form.quorum.data, form.live_tally.data = group.default_quorum, not group.hide_running_tallies
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        closes_at = form.closes_at.data.replace(tzinfo=timezone.utc) if form.closes_at.data else None
        try:
            round_ = round_service.open_round(
                current_user, version, scope="document" if form.scope.data == "document" else "clauses",
                clause_ids=(form.clause_ids.data or []) if form.scope.data == "chosen" else None,
                rule=form.rule.data, threshold=form.threshold.data, quorum=form.quorum.data,
                closes_at=closes_at, live_tally=form.live_tally.data)
        except ServiceError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            flash(_("The round is open. Members can take their positions now."), "success")
            return redirect(url_for(".show", round_id=round_.id))
    return render_template("rounds/new.html", document=document, version=version, form=form,
                           clauses=version_clauses(version)), status


@bp.get("/rounds/<int:round_id>")
def show(round_id: int):
    round_ = load_round_page(round_id)
    overview = round_overview(current_user, round_)
    return render_template("rounds/show.html", o=overview, round=round_, version=round_.version,
                           document=round_.version.document, empty_form=EmptyForm(), toggle_form=ToggleForm(),
                           statement_form=StatementForm(),
                           reopen_form=ReopenRoundForm())


@bp.get("/rounds/<int:round_id>/tally")
def tally_fragment(round_id: int):
    """The tally, map and charts alone, fetched again by rounds.js when `tally_updated` arrives."""
    round_ = load_round_page(round_id)
    return render_template("rounds/_tally.html", tally=tally_for_reader(current_user, round_), round=round_)


@bp.post("/rounds/<int:round_id>/close")
def close(round_id: int):
    round_ = load_round_page(round_id, Permission.RUN_ROUNDS)
    if EmptyForm().validate_on_submit():
        round_service.close_round(current_user, round_)
        flash(_("The round is closed and its results are frozen. Record a designation for each item."), "success")
    return redirect(url_for(".show", round_id=round_id))


@bp.post("/rounds/<int:round_id>/reopen")
def reopen(round_id: int):
    round_ = load_round_page(round_id, Permission.RUN_ROUNDS)
    form = ReopenRoundForm()
    if not form.validate_on_submit():
        raise Invalid("Enter the closing time as a date and a time, or leave it empty.", field="closes_at")
    closes_at = form.closes_at.data.replace(tzinfo=timezone.utc) if form.closes_at.data else None
    reopened = reopen_round(current_user, round_, closes_at=closes_at)
    flash(_("The round is reopened. Members take their positions again; the earlier round stays on the record."),
          "success")
    return redirect(url_for(".show", round_id=reopened.id))


@bp.post("/documents/<int:document_id>/versions/<int:number>/adopt")
def adopt(document_id: int, number: int):
    document = load_document(document_id, Permission.RUN_ROUNDS)
    version = load_version(document, number)
    if EmptyForm().validate_on_submit():
        round_service.adopt_version(current_user, version)
        flash(_("The version is adopted. Expressions of support are open."), "success")
    return redirect(url_for("documents.version", document_id=document.id, number=number))


@bp.app_template_global()
def open_round_for(version):
    """The round open on a version, for the banner on its pages (one query); none once its time has passed."""
    round_ = round_service.open_round_of(version)
    return round_ if round_ is not None and not round_service.is_due(round_) else None


@bp.app_template_global()
def tally_map(tally):
    return charts.consensus_map([(reader_item_label(t.item), t.result) for t in tally.items],
                                [(s.key, s.name) for s in tally.sectors])


@bp.app_template_global()
def tally_bars(tally, entry):
    return charts.position_bars(reader_item_label(entry.item), entry.result, [(s.key, s.name) for s in tally.sectors],
                                f"bars-{entry.item.id}")


@bp.app_context_processor
def round_labels():
    return {"position_labels": translated(POSITION_LABELS), "designation_labels": translated(DESIGNATIONS),
            "outcome_labels": translated(charts.OUTCOME_LABELS), "support_bands": charts.BANDS,
            "rule_labels": dict(RULE_CHOICES), "threshold_labels": dict(THRESHOLD_CHOICES), "item_label": reader_item_label}


def reader_item_label(item) -> str:
    """A round item as the page names it: its clause's label, or "Whole document" in the reader's language."""
    return item.clause.label if item.clause is not None else _("Whole document")


bp.add_app_template_filter(charts.percent, "percent")
bp.add_app_template_filter(charts.share_words, "share_label")
bp.add_app_template_global(charts.support_summary, "support_summary")
bp.add_app_template_global(charts.support_band, "support_band")

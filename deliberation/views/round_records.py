"""The record of a round: named positions, CSV downloads, designations, minority statements switch, and
the document's formal-objection register with the chair's responses, withdrawals and reopened rounds."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Position
from ..security import Permission, can, require
from ..services import objections as objection_service
from ..services import rounds as round_service
from ..services.errors import Invalid
from ..services.round_exports import positions_csv, tally_csv
from ..services.round_reopening import reopenings
from ..services.round_record import load_round, named_positions, visible_positions, visible_tally
from .forms import EmptyForm
from .helpers import load_document
from .round_forms import DesignationForm, ReopenRoundForm, ResponseForm, ToggleForm
from .rounds import load_round_page

bp = Blueprint("round_records", __name__)


def _csv(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/rounds/<int:round_id>/positions")
def positions(round_id: int):
    round_ = load_round_page(round_id)
    items, _voters, _positions = visible_positions(current_user, round_)
    item = next((i for i in items if str(i.id) == request.args.get("item")), items[0] if items else None)
    if item is None:
        abort(404)
    return render_template("rounds/positions.html", round=round_, version=round_.version,
                           document=round_.version.document, items=items, item=item,
                           rows=named_positions(round_, item))


@bp.get("/rounds/<int:round_id>/tally.csv")
def download_tally(round_id: int):
    round_ = load_round_page(round_id)
    return _csv(tally_csv(visible_tally(current_user, round_)), f"round-{round_id}-tally.csv")


@bp.get("/rounds/<int:round_id>/positions.csv")
def download_positions(round_id: int):
    round_ = load_round_page(round_id)
    visible_positions(current_user, round_)
    return _csv(positions_csv(round_), f"round-{round_id}-positions.csv")


@bp.post("/rounds/<int:round_id>/items/<int:item_id>/designation")
def designate(round_id: int, item_id: int):
    round_ = load_round_page(round_id, Permission.RUN_ROUNDS)
    form = DesignationForm()
    if not form.validate_on_submit():
        raise Invalid("Choose a designation from the list.", field="designation")
    round_service.designate(current_user, round_, item_id, form.designation.data, form.note.data or "")
    flash(_("Designation recorded."), "success")
    return redirect(url_for("rounds.show", round_id=round_id, _anchor=f"record-{item_id}"))


@bp.post("/rounds/<int:round_id>/statements")
def toggle_statements(round_id: int):
    round_ = load_round_page(round_id, Permission.RUN_ROUNDS)
    form = ToggleForm()
    if form.validate_on_submit():
        round_service.set_statements_open(current_user, round_, form.accept.data == "1")
        flash(_("Minority statements are open.") if round_.statements_open else _("Minority statements are closed."),
              "success")
    return redirect(url_for("rounds.show", round_id=round_id, _anchor="record"))


@bp.get("/documents/<int:document_id>/objections")
def objections(document_id: int):
    document = load_document(document_id)
    entries = objection_service.objection_register(
        document, include_open_rounds=can(current_user, Permission.RUN_ROUNDS, document))
    return render_template("rounds/objections.html", document=document, entries=entries,
                           reopening=reopenings(current_user, [e.round for e in entries]),
                           response_form=ResponseForm(), empty_form=EmptyForm(), reopen_form=ReopenRoundForm())


def _objection(position_id: int, permission: Permission):
    """A formal objection's position and round, checked against the round's version."""
    position = db.session.get(Position, position_id)
    round_ = load_round(position.round_id) if position is not None else None
    if round_ is None:
        abort(404)
    require(current_user, Permission.VIEW_DOCUMENT, round_.version)
    require(current_user, permission, round_.version)
    return position, round_


@bp.post("/objections/<int:position_id>/response")
def respond(position_id: int):
    position, round_ = _objection(position_id, Permission.RUN_ROUNDS)
    form = ResponseForm()
    if not form.validate_on_submit():
        raise Invalid("Write the response.", field="response")
    objection_service.respond_to_objection(current_user, round_, position, form.response.data)
    flash(_("Response recorded on the register."), "success")
    return redirect(url_for(".objections", document_id=round_.version.document_id, _anchor=f"objection-{position_id}"))


@bp.post("/objections/<int:position_id>/withdraw")
def withdraw(position_id: int):
    position, round_ = _objection(position_id, Permission.TAKE_POSITION)
    if EmptyForm().validate_on_submit():
        objection_service.withdraw_objection(current_user, round_, position)
        flash(_("Your formal objection is withdrawn."), "success")
    return redirect(url_for(".objections", document_id=round_.version.document_id, _anchor=f"objection-{position_id}"))


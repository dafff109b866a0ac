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
from ..services.designations import Choice, contradiction, designate_items, tally_reading
from ..services.errors import Invalid, ServiceError
from ..services.round_exports import positions_csv, tally_csv
from ..services.round_reopening import reopenings
from ..services.round_record import load_round, named_positions, visible_positions, visible_tally
from ..services.tally import round_tally
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
    """One item's designation (the designations page records them all at once)."""
    round_ = load_round_page(round_id, Permission.RUN_ROUNDS)
    form = DesignationForm()
    if not form.validate_on_submit():
        raise Invalid("Choose a designation from the list.", field="designation")
    designate_items(current_user, round_, {item_id: Choice(form.designation.data, form.note.data or "",
                                                          request.form.get("override", ""))})
    flash(_("Designation recorded."), "success")
    return redirect(url_for("rounds.show", round_id=round_id, _anchor=f"record-{item_id}"))


@bp.route("/rounds/<int:round_id>/designations", methods=["GET", "POST"])
def designations(round_id: int):
    """Every item of a closed round on one form: the tally beside each choice, nothing preselected, and
    `?reading=tally` to fill the choices with the tally's reading for the chair to check and record."""
    round_ = load_round_page(round_id, Permission.RUN_ROUNDS)
    if round_.status != "closed":
        abort(404)
    tally = round_tally(round_)
    form, error, status = EmptyForm(), None, 200
    chosen = {entry.item.id: Choice(entry.item.designation or "", entry.item.designation_note or "",
                                    entry.item.designation_override or "") for entry in tally.items}
    if request.args.get("reading") == "tally":
        chosen = {entry.item.id: Choice(tally_reading(entry.result), chosen[entry.item.id].note)
                  for entry in tally.items}
    if request.method == "POST":
        chosen = {entry.item.id: Choice(request.form.get(f"designation-{entry.item.id}", ""),
                                        request.form.get(f"note-{entry.item.id}", ""),
                                        request.form.get(f"override-{entry.item.id}", "")) for entry in tally.items}
        if form.validate_on_submit():
            try:
                designate_items(current_user, round_, {item_id: choice for item_id, choice in chosen.items()
                                                       if choice.designation})
            except ServiceError as exc:  # checked before anything is written: nothing to undo
                error, status = exc, exc.status
            else:
                flash(_("Designations recorded."), "success")
                return redirect(url_for("rounds.show", round_id=round_id, _anchor="record"))
        else:
            status = 400
    rows = [(entry, chosen[entry.item.id], contradiction(chosen[entry.item.id].designation, entry.result))
            for entry in tally.items]
    return render_template("rounds/designations.html", round=round_, version=round_.version,
                           document=round_.version.document, tally=tally, rows=rows, form=form, error=error,
                           readings={entry.item.id: tally_reading(entry.result) for entry in tally.items}), status


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


"""A member's ballot: every item of the round with their position, and minority statements after close."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from ..security import Permission, require
from ..services.errors import Invalid, ServiceError
from ..services.positions import BallotInvalid, eligible_voter, fill_remaining, may_vote, submit_ballot
from ..services.round_record import ballot as ballot_lines, load_round
from ..services.statements import add_minority_statement
from .forms import EmptyForm
from .round_forms import StatementForm

bp = Blueprint("ballot", __name__)
ANSWER_FIELD = re.compile(r"^(position|statement|formal)-(\d+)$")


def answers_from(form) -> dict[int, dict]:
    """{item_id: {"position", "statement", "formal"}} from fields named like position-12."""
    answers: dict[int, dict] = {}
    for name, value in form.items():
        match = ANSWER_FIELD.match(name)
        if match:
            answers.setdefault(int(match.group(2)), {})[match.group(1)] = value
    for answer in answers.values():
        answer["formal"] = answer.get("formal") in ("y", "on", "1", "true")
    return answers


def load_ballot(round_id: int):
    """The round, for a voter on its frozen list (member today or not) or else a member who may vote."""
    round_ = load_round(round_id)
    if round_ is None:
        abort(404)
    if not may_vote(round_, current_user):
        require(current_user, Permission.VIEW_DOCUMENT, round_.version)
        require(current_user, Permission.TAKE_POSITION, round_.version)
    return round_


def _page(round_, status=200, errors=None, answers=None):
    lines = ballot_lines(current_user, round_)
    return render_template("rounds/ballot.html", round=round_, version=round_.version,
                           document=round_.version.document, lines=lines, form=EmptyForm(), errors=errors or {},
                           answers=answers or {}, eligible=eligible_voter(round_, current_user) is not None,
                           unanswered=[line for line in lines if line.current is None]), status


@bp.route("/rounds/<int:round_id>/ballot", methods=["GET", "POST"])
def ballot(round_id: int):
    round_ = load_ballot(round_id)
    if not EmptyForm().validate_on_submit():
        return _page(round_, 400 if request.method == "POST" else 200)
    answers = answers_from(request.form)
    try:
        fill = request.form.get("fill")
        if fill == "endorse":  # "Endorse every item not answered yet"
            answers = fill_remaining(current_user, round_, answers, "endorse", None)
        elif fill == "same":   # one position (and statement) for every item not answered yet
            answers = fill_remaining(current_user, round_, answers, request.form.get("fill-position"),
                                     request.form.get("fill-statement"))
        changed = submit_ballot(current_user, round_, answers)
    except BallotInvalid as exc:
        errors = {field: problem.translated() for field, problem in exc.errors.items()}
        return _page(round_, 400, errors=errors, answers=answers)
    except ServiceError as exc:
        flash(exc.translated(), "error")
        return _page(round_, exc.status, answers=answers)
    saved = ngettext("Saved %(num)s position.", "Saved %(num)s positions.", changed)
    flash(saved if changed else _("Nothing changed."), "success")
    return redirect(url_for(".ballot", round_id=round_id))


@bp.post("/rounds/<int:round_id>/items/<int:item_id>/statements")
def add_statement(round_id: int, item_id: int):
    round_ = load_ballot(round_id)
    form = StatementForm()
    if not form.validate_on_submit():
        raise Invalid("Write the statement (the form may have expired).", field="body")
    add_minority_statement(current_user, round_, item_id, form.body.data)
    flash(_("Your minority statement is attached to the record."), "success")
    return redirect(url_for("rounds.show", round_id=round_id, _anchor=f"record-{item_id}"))

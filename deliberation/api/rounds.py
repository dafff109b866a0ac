"""API: endorsement rounds on a version, positions, the tally, closing, reopening after an answered formal
objection, and named positions."""
from datetime import datetime, timezone

from flask import jsonify, request
from flask_login import current_user

from ..models import Round, Version
from ..security import Permission, require
from ..services import positions as position_service
from ..services import rounds as round_service
from ..services.round_reopening import reopen_round as reopen
from ..services.errors import Invalid, NotFound
from ..services.round_record import load_round, visible_positions, visible_tally
from ..services.tally import round_items
from . import bp
from .helpers import field, json_body, load
from .round_schemas import describe_rounds
from .round_serializers import position_json, round_json, tally_json, voter_json


def _round(round_id: int) -> Round:
    round_ = load_round(round_id)
    if round_ is None:
        raise NotFound("Not found.")
    require(current_user, Permission.VIEW_DOCUMENT, round_.version)
    return round_


def _round_to_vote_in(round_id: int) -> Round:
    """The round, for a voter on its frozen list (member today or not) or else a member who may vote."""
    round_ = load_round(round_id)
    if round_ is None:
        raise NotFound("Not found.")
    if not position_service.may_vote(round_, current_user):
        require(current_user, Permission.VIEW_DOCUMENT, round_.version)
        require(current_user, Permission.TAKE_POSITION, round_.version)
    return round_


def _datetime(data: dict, name: str) -> datetime | None:
    value = field(data, name, str, required=False)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("'%(name)s' must be an ISO 8601 date and time.", field=name, name=name) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _clause_ids(data: dict) -> list[int] | None:
    value = data.get("clause_ids")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise Invalid("'clause_ids' must be a list of clause ids.", field="clause_ids")
    return value


def _quorum(data: dict, default: str):
    """A number such as 0.5 or 1, or a string such as "1/2", "0.5" or "50%"; the service checks the range."""
    value = data.get("quorum")
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise Invalid("'quorum' must be a number such as 0.5 or a string such as \"1/2\" or \"50%\".",
                      field="quorum")
    return value


@bp.get("/versions/<int:version_id>/rounds")
def list_rounds(version_id: int):
    version = load(Version, version_id)
    rounds = [r for r in round_service.document_rounds(version.document_id) if r.version_id == version.id]
    return jsonify([round_json(r) for r in rounds])


@bp.post("/versions/<int:version_id>/rounds")
def open_round(version_id: int):
    version = load(Version, version_id)
    require(current_user, Permission.RUN_ROUNDS, version)
    data = json_body()
    group = version.document.working_group
    round_ = round_service.open_round(
        current_user, version, scope=field(data, "scope", str), clause_ids=_clause_ids(data),
        rule=field(data, "rule", str, required=False, default=group.default_rule),
        threshold=field(data, "threshold", str, required=False, default=group.default_threshold),
        quorum=_quorum(data, group.default_quorum),
        closes_at=_datetime(data, "closes_at"),
        live_tally=field(data, "live_tally", bool, required=False, default=not group.hide_running_tallies))
    return jsonify(round_json(round_, round_items(round_))), 201


@bp.get("/rounds/<int:round_id>")
def get_round(round_id: int):
    round_ = _round(round_id)
    return jsonify(round_json(round_, round_items(round_)))


@bp.post("/rounds/<int:round_id>/positions")
def take_position(round_id: int):
    round_ = _round_to_vote_in(round_id)
    data = json_body()
    position, created = position_service.take_position(
        current_user, round_, clause_id=field(data, "clause_id", int, required=False),
        position=field(data, "position", str), statement=field(data, "statement", str, required=False),
        formal=field(data, "formal", bool, required=False, default=False))
    return jsonify(position_json(position, data.get("clause_id"))), 201 if created else 200


@bp.get("/rounds/<int:round_id>/tally")
def get_tally(round_id: int):
    round_ = _round(round_id)
    return jsonify(tally_json(visible_tally(current_user, round_)))


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    round_ = _round(round_id)
    require(current_user, Permission.RUN_ROUNDS, round_.version)
    return jsonify(tally_json(round_service.close_round(current_user, round_)))


@bp.post("/rounds/<int:round_id>/reopen")
def reopen_round(round_id: int):
    round_ = _round(round_id)
    require(current_user, Permission.RUN_ROUNDS, round_.version)
    data = json_body() if request.content_length else {}  # every field is optional: no body will do
    reopened = reopen(current_user, round_, closes_at=_datetime(data, "closes_at"))
    return jsonify(round_json(reopened, round_items(reopened))), 201


@bp.get("/rounds/<int:round_id>/positions")
def list_positions(round_id: int):
    round_ = _round(round_id)
    items, voters, positions = visible_positions(current_user, round_)
    clause_of = {item.id: item.clause_id for item in items}
    ordered = sorted(positions.values(), key=lambda p: (p.item_id, p.user_id))
    return jsonify({"round_id": round_.id, "status": round_.status,
                    "eligible": [voter_json(v) for v in voters],
                    "positions": [position_json(p, clause_of[p.item_id]) for p in ordered]})


describe_rounds()

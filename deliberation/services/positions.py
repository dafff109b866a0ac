"""Taking positions in a round: one item (the API) or a whole ballot (the page).

A position is written with one INSERT ... ON CONFLICT (item_id, user_id) DO UPDATE, so concurrent
changes by the same member never create a second current position, and every change also appends a
PositionHistory row and a record event. The round's row is read FOR SHARE first: a close (an UPDATE
of that row) waits for positions in flight, and a position never lands in a round already closed.
"""
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import and_, case, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..i18n import N_
from ..models import EligibleVoter, Position, PositionHistory, Round, RoundItem
from ..models._base import utcnow
from ..realtime import queue_event, round_room
from .errors import Conflict, Forbidden, Invalid
from .record import append_event
from .tally import round_items, version_of
from .tally_rules import POSITIONS

NEEDS_STATEMENT = {
    "endorse_with_reservations": N_("State your reservations."),
    "object": N_("Give the reason for your objection."),
}
MAX_STATEMENT = 5000


@dataclass(frozen=True)
class Entry:
    """One answer on a ballot, validated."""

    item: RoundItem
    position: str
    statement: str | None
    formal: bool

    def same_as(self, current: Position | None) -> bool:
        # A withdrawn formal objection reads as a plain objection, as the ballot shows it.
        formal = current is not None and current.formal and current.withdrawn_at is None
        return current is not None and (current.position, current.statement or None, formal) == \
            (self.position, self.statement, self.formal)


class BallotInvalid(Invalid):
    """Several answers of a ballot need attention; `errors` maps each form field to its Invalid."""

    def __init__(self, errors: dict[str, Invalid]):
        field, first = next(iter(errors.items()))
        super().__init__(first.template, field=field, **first.params)
        self.errors = errors


def clean_entry(item: RoundItem, position, statement, formal, prefix: str = "") -> Entry:
    """Validate one answer; field names carry `prefix` (e.g. "12-") so a ballot can show them in place."""
    if position not in POSITIONS:
        raise Invalid("Choose endorse, endorse with reservations, abstain or object.", field=f"{prefix}position")
    statement = (statement or "").strip() or None
    if statement and len(statement) > MAX_STATEMENT:
        raise Invalid("Use at most %(limit)s characters.", field=f"{prefix}statement", limit=MAX_STATEMENT)
    if position in NEEDS_STATEMENT and not statement:
        raise Invalid(NEEDS_STATEMENT[position], field=f"{prefix}statement")
    if formal and position != "object":
        raise Invalid("Only an objection can be a formal objection.", field=f"{prefix}formal")
    return Entry(item, position, statement, bool(formal))


def _lock_open_round(round_: Round) -> None:
    status, closes_at = db.session.execute(
        select(Round.status, Round.closes_at).where(Round.id == round_.id).with_for_update(read=True)).one()
    if status != "open" or (closes_at is not None and closes_at <= utcnow()):
        raise Conflict("This round is closed; positions can no longer change.", code="round_closed")


def eligible_voter(round_: Round, user) -> EligibleVoter | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.get(EligibleVoter, (round_.id, user.id))


def may_vote(round_: Round, user) -> bool:
    """On the round's frozen list with an account still active. The list, not today's membership,
    decides: a member removed after the round opened still counts in N(g), so may still vote in it."""
    return getattr(user, "is_active", False) and eligible_voter(round_, user) is not None


def _voter(round_: Round, actor) -> EligibleVoter:
    _lock_open_round(round_)
    voter = eligible_voter(round_, actor)
    if voter is None:
        raise Forbidden("You are not on this round's list of eligible voters (frozen when it opened).",
                        code="not_eligible")
    return voter


def _upsert(round_: Round, voter: EligibleVoter, entry: Entry) -> tuple[int, bool]:
    now = utcnow()
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Position).values(
        round_id=round_.id, item_id=entry.item.id, user_id=voter.user_id,
        stakeholder_group_id=voter.stakeholder_group_id, position=entry.position, statement=entry.statement,
        formal=entry.formal, created_at=now, updated_at=now)
    new = statement.excluded
    # The chair's response answers one objection: a changed position, reason or formal flag, or a
    # withdrawn objection lodged again, is a new one that nobody has answered yet.
    unchanged = and_(Position.position == new.position, Position.statement.is_not_distinct_from(new.statement),
                     Position.formal == new.formal, Position.withdrawn_at.is_(None))
    statement = statement.on_conflict_do_update(
        index_elements=[Position.item_id, Position.user_id],
        set_={"position": new.position, "statement": new.statement, "formal": new.formal,
              "updated_at": new.updated_at, "withdrawn_at": None,
              "response": case((unchanged, Position.response), else_=None),
              "responded_at": case((unchanged, Position.responded_at), else_=None)},
    ).returning(Position.id, Position.created_at)
    row = db.session.execute(statement).one()
    return row.id, row.created_at == now  # an update keeps the first created_at


def _write(actor, round_: Round, voter: EligibleVoter, entries: list[Entry]) -> list[tuple[int, bool]]:
    # Every row lock first, in item order, then the record's lock: two ballots cannot deadlock.
    written = [_upsert(round_, voter, entry) for entry in sorted(entries, key=lambda e: e.item.id)]
    version = version_of(round_)
    sector = next((s.key for s in version.document.working_group.stakeholder_groups
                   if s.id == voter.stakeholder_group_id), None)
    for entry, (position_id, created) in zip(sorted(entries, key=lambda e: e.item.id), written):
        db.session.add(PositionHistory(round_id=round_.id, item_id=entry.item.id, user_id=voter.user_id,
                                       position=entry.position, statement=entry.statement, formal=entry.formal))
        db.session.flush()
        append_event("position.taken", actor=actor, subject=SimpleNamespace(id=position_id), subject_type="position",
                     working_group_id=version.document.working_group_id, document_id=version.document_id,
                     payload={"round_id": round_.id, "item_id": entry.item.id, "clause_id": entry.item.clause_id,
                              "position": entry.position, "formal": entry.formal, "stakeholder_group": sector,
                              "changed": not created},
                     public=False)  # named positions are published with the round's record at close
    if written:
        queue_event("tally_updated", {"round_id": round_.id}, round_room(round_.id))
    return written


def take_position(actor, round_: Round, *, clause_id: int | None, position, statement=None,
                  formal=False) -> tuple[Position, bool]:
    """One position on one item (clause_id None: the whole document). Returns it and whether it is new."""
    voter = _voter(round_, actor)
    item = db.session.scalar(select(RoundItem).where(
        RoundItem.round_id == round_.id,
        RoundItem.clause_id.is_(None) if clause_id is None else RoundItem.clause_id == clause_id))
    if item is None:
        raise Invalid(N_("That item is not part of this round.") if clause_id is not None
                      else N_("This round asks about clauses, not the whole document."), field="clause_id")
    entry = clean_entry(item, position, statement, formal)
    [(position_id, created)] = _write(actor, round_, voter, [entry])
    row = db.session.get(Position, position_id, populate_existing=True)
    return row, created


def submit_ballot(actor, round_: Round, answers: dict[int, dict]) -> int:
    """Take the answered items of a ballot at once; unanswered and unchanged ones are left alone.

    `answers` maps item ids to {"position", "statement", "formal"}. Every answer is checked before
    anything is written; BallotInvalid names each field at fault as "<item_id>-<field>"."""
    voter = _voter(round_, actor)
    current = {p.item_id: p for p in my_positions(round_, actor)}
    entries, errors = [], {}
    for item in round_items(round_):
        answer = answers.get(item.id)
        if not answer or not answer.get("position"):
            continue
        try:
            entry = clean_entry(item, answer["position"], answer.get("statement"), answer.get("formal"),
                                prefix=f"{item.id}-")
        except Invalid as exc:
            errors[exc.field] = exc
            continue
        if not entry.same_as(current.get(item.id)):
            entries.append(entry)
    if errors:
        raise BallotInvalid(errors)
    return len(_write(actor, round_, voter, entries))


def fill_remaining(actor, round_: Round, answers: dict[int, dict], position, statement) -> dict[int, dict]:
    """`answers` with every item answered neither before nor in them given `position` (and `statement`),
    never as a formal objection: a ballot's "the same for every item not answered yet". The bulk answer is
    checked once; BallotInvalid names `fill-position` or `fill-statement`."""
    answered = {p.item_id for p in my_positions(round_, actor)}
    answered |= {item_id for item_id, answer in answers.items() if answer.get("position")}
    blank = [item for item in round_items(round_) if item.id not in answered]
    if not blank:
        return answers
    try:
        clean_entry(blank[0], position, statement, False, prefix="fill-")
    except Invalid as exc:
        raise BallotInvalid({exc.field: exc}) from None
    return {**answers, **{item.id: {"position": position, "statement": statement, "formal": False} for item in blank}}


def my_positions(round_: Round, user) -> list[Position]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(Position).where(Position.round_id == round_.id,
                                                          Position.user_id == user.id)))


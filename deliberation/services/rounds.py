"""Endorsement rounds: opening one on a version, closing it (by a chair or at its time), designations
and adopting the version.

Opening freezes the electorate (chairs and members of the working group at that moment) and moves
the version into endorsement. Closing claims the round with one guarded UPDATE, so two closers (a chair
and a reader arriving after the closing time) cannot both close it, then freezes every item's result.
"""
from datetime import datetime

from sqlalchemy import and_, case, insert, literal, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Clause, EligibleVoter, Membership, Round, RoundItem, User, Version
from ..models._base import utcnow
from ..realtime import queue_event, round_room, version_room
from .errors import Conflict, Invalid, NotFound
from .notifications import events as notification_events
from .record import append_event
from .tally import RoundTally, eligible_by_group, frozen_tally, round_items, round_tally, version_of
from .tally_rules import RULES, THRESHOLDS, parse_fraction

ROUNDABLE_STATUSES = ("open", "endorsement")


class SystemActor:
    """The platform itself, as the actor of changes nobody asked for (a round closing at its time)."""

    id = None
    name = "system"
    is_authenticated = True


SYSTEM = SystemActor()


def is_public_record(version: Version) -> bool:
    document = version.document
    return document.public and document.working_group.public and version.status != "draft"


def record_round_event(kind: str, actor, round_: Round, payload: dict, *, public: bool | None = None) -> None:
    version = version_of(round_)
    append_event(kind, actor=actor, subject=round_, working_group_id=version.document.working_group_id,
                 document_id=version.document_id, payload={"round_id": round_.id, **payload},
                 public=is_public_record(version) if public is None else public)


def open_round_of(version: Version) -> Round | None:
    return db.session.scalar(select(Round).where(Round.version_id == version.id, Round.status == "open"))


def is_due(round_: Round) -> bool:
    """Open, but its closing time has passed: the next read closes it."""
    return round_.status == "open" and round_.closes_at is not None and round_.closes_at <= utcnow()


def _clean_settings(rule: str, threshold: str, quorum, closes_at: datetime | None):
    if rule not in RULES:
        raise Invalid("Choose a decision rule: each_group, consensus or pooled.", field="rule")
    if threshold not in THRESHOLDS:
        raise Invalid("Choose a threshold: majority, two_thirds or three_quarters.", field="threshold")
    try:
        quorum = parse_fraction(quorum if quorum not in (None, "") else "1/2")
    except ValueError:
        raise Invalid("Enter the quorum as a fraction such as 1/2, or a percentage such as 50%.",
                      field="quorum") from None
    if closes_at is not None and closes_at <= utcnow():
        raise Invalid("The closing time must be in the future.", field="closes_at")
    return str(quorum)


def _clean_clause_ids(version: Version, scope: str, clause_ids: list[int] | None) -> list[int | None]:
    """The items' clause ids: [None] for the whole document; every clause when clause_ids is None."""
    if scope == "document":
        return [None]
    if scope != "clauses":
        raise Invalid("The scope must be \"document\" or \"clauses\".", field="scope")
    ordered = list(db.session.scalars(select(Clause.id).where(Clause.version_id == version.id)
                                      .order_by(Clause.position)))
    if clause_ids is None:
        return ordered
    chosen = set(clause_ids)
    if not chosen:
        raise Invalid("Choose at least one clause.", field="clause_ids")
    if not chosen <= set(ordered):
        raise Invalid("Some of the clauses are not part of this version.", field="clause_ids")
    return [clause_id for clause_id in ordered if clause_id in chosen]


def opening_refusal(version: Version, *, busy: bool) -> Conflict | None:
    """What stops a round from opening on the version, asked without closing anything: its status, or
    (`busy`) a round open on it and not yet past its closing time."""
    if version.status not in ROUNDABLE_STATUSES:
        return Conflict("Rounds can be opened only on a version that is open for comment.")
    if busy:
        return Conflict("A round is already open on this version; close it first.")
    return None


def open_round(actor, version: Version, *, scope: str, clause_ids: list[int] | None = None,
               rule: str, threshold: str, quorum, closes_at: datetime | None = None,
               live_tally: bool = True, reopens: Round | None = None) -> Round:
    """Open a round on the version and freeze its eligible voters. `reopens`: the closed round this one
    puts to the group again (services.round_reopening); the record event names it."""
    refusal = opening_refusal(version, busy=False)
    if refusal is not None:
        raise refusal
    current = open_round_of(version)
    if current is not None and not close_due_rounds([current]):
        raise opening_refusal(version, busy=True)
    quorum = _clean_settings(rule, threshold, quorum, closes_at)
    item_clause_ids = _clean_clause_ids(version, scope, clause_ids)
    round_ = Round(version_id=version.id, opened_by_id=actor.id, scope=scope, rule=rule, threshold=threshold,
                   quorum=quorum, live_tally=live_tally, status="open", closes_at=closes_at,
                   reopened_from_id=reopens.id if reopens is not None else None)
    db.session.add(round_)
    db.session.flush()
    db.session.add_all([RoundItem(round_id=round_.id, clause_id=clause_id, position=n)
                        for n, clause_id in enumerate(item_clause_ids)])
    _freeze_electorate(round_, version.document.working_group_id)
    version.status = "endorsement"
    db.session.flush()
    sectors = {s.id: s.key for s in version.document.working_group.stakeholder_groups}
    eligible = {sectors[group_id]: count for group_id, count in eligible_by_group(round_.id).items()}
    payload = {"version": version.number, "scope": scope, "items": len(item_clause_ids), "rule": rule,
               "threshold": threshold, "quorum": quorum, "live_tally": live_tally, "eligible": eligible,
               "closes_at": closes_at.isoformat() if closes_at else None}
    if reopens is not None:
        payload["reopens_round_id"] = reopens.id
    record_round_event("round.opened", actor, round_, payload)
    notification_events.round_opened(actor, round_, version.document, reopens)
    queue_event("round_opened", {"round_id": round_.id, "version_id": version.id}, version_room(version.id))
    return round_


def _freeze_electorate(round_: Round, working_group_id: int) -> None:
    """Chairs and members with an active account, in one INSERT ... SELECT."""
    electorate = (select(literal(round_.id), Membership.user_id, Membership.stakeholder_group_id)
                  .join(User, User.id == Membership.user_id)
                  .where(Membership.working_group_id == working_group_id,
                         Membership.role.in_(("chair", "member")),
                         User.active.is_(True), User.deleted_at.is_(None)))
    db.session.execute(insert(EligibleVoter).from_select(
        ["round_id", "user_id", "stakeholder_group_id"], electorate))


def _claim(round_ids: list[int]) -> list[int]:
    """Mark open rounds closed; returns the ids this transaction closed (not those closed by another)."""
    if not round_ids:
        return []
    # A round past its closing time closed then, whoever notices it later (a reader, cron, a chair).
    now = utcnow()
    closed_at = case((and_(Round.closes_at.is_not(None), Round.closes_at <= now), Round.closes_at), else_=now)
    claimed = db.session.scalars(
        update(Round).where(Round.id.in_(round_ids), Round.status == "open")
        .values(status="closed", closed_at=closed_at).returning(Round.id),
        execution_options={"synchronize_session": "fetch"})
    return list(claimed)


def _freeze(actor, round_: Round) -> RoundTally:
    items = round_items(round_)
    round_.final_tally = frozen_tally(round_, items)
    version = version_of(round_)
    if version.status == "endorsement":
        version.status = "open"
    db.session.flush()
    tally = round_tally(round_, items)
    outcomes = {(t.item.clause.label if t.item.clause else "document"): t.outcome for t in tally.items}
    record_round_event("round.closed", actor, round_, {"outcomes": outcomes})
    notification_events.round_closed(actor, round_, version.document, outcomes)
    queue_event("tally_updated", {"round_id": round_.id}, round_room(round_.id))
    queue_event("round_closed", {"round_id": round_.id, "version_id": version.id}, version_room(version.id))
    return tally


def close_round(actor, round_: Round) -> RoundTally:
    if not _claim([round_.id]):
        raise Conflict("This round is already closed.", code="round_closed")
    return _freeze(actor, round_)


def close_due_rounds(rounds: list[Round] | None = None) -> list[Round]:
    """Close the rounds whose closing time has passed, as the system. Given rounds (already loaded, with
    their versions) are checked without a query; with none, every open round is looked up."""
    if rounds is None:
        due = list(db.session.scalars(select(Round.id).where(Round.status == "open", Round.closes_at <= utcnow())))
    else:
        due = [r.id for r in rounds if is_due(r)]
    # Claim them all before freezing any, so no row lock is taken after the record's lock (no deadlock).
    claimed = _claim(due)
    closed = list(db.session.scalars(select(Round).options(joinedload(Round.version))
                                     .where(Round.id.in_(claimed)).order_by(Round.id))) if claimed else []
    for round_ in closed:
        _freeze(SYSTEM, round_)
    return closed


def set_statements_open(actor, round_: Round, accept: bool) -> None:
    if round_.statements_open != accept:
        round_.statements_open = accept
        db.session.flush()
        record_round_event("round.statements_opened" if accept else "round.statements_closed", actor, round_, {})


def adopt_version(actor, version: Version) -> None:
    """Mark a version adopted: allowed once a closed round adopted the whole document."""
    if version.status == "adopted":
        raise Conflict("This version is already adopted.")
    rounds = db.session.execute(
        select(Round, RoundItem.id).join(RoundItem, RoundItem.round_id == Round.id)
        .where(Round.version_id == version.id, Round.status == "closed", RoundItem.clause_id.is_(None))
        .order_by(Round.closed_at.desc())).all()
    adopting = next((r for r, item_id in rounds
                     if r.final_tally["items"].get(str(item_id), {}).get("outcome") == "adopted"), None)
    if adopting is None:
        raise Conflict("A version is adopted after a closed round on the whole document adopted it.")
    version.status = "adopted"
    db.session.flush()
    append_event("version.adopted", actor=actor, subject=version, working_group_id=version.document.working_group_id,
                 document_id=version.document_id, payload={"number": version.number, "round_id": adopting.id},
                 public=is_public_record(version))


def document_rounds(document_id: int) -> list[Round]:
    """Every round on any version of the document, newest first, with its version: one query."""
    return list(db.session.scalars(select(Round).options(joinedload(Round.version))
                                   .join(Version, Version.id == Round.version_id)
                                   .where(Version.document_id == document_id).order_by(Round.opened_at.desc())))


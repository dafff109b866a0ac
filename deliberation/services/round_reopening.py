"""Reopening a consensus round once the chair has answered a formal objection in it (DOMAIN.md, section 5).

Under the consensus rule a formal objection blocks its item until it is withdrawn, or the chair records
how it was answered and reopens. Reopening opens a new round on the same version with the same items,
rule, threshold, quorum and live-tally setting; its eligible voters are frozen anew (membership may
have changed since), it points at the round it reopens, and its `round.opened` event names that round.

A round is reopened once. The rule is one function over facts loaded for many rounds at a time, so the
objection register asks it for each of its rounds in a fixed number of queries.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from ..extensions import db
from ..models import Position, Round, Version
from ..security import Permission, can
from .errors import Conflict, Forbidden, ServiceError
from .rounds import close_due_rounds, is_due, open_round, opening_refusal
from .tally import round_items, version_of


@dataclass(frozen=True)
class Reopenings:
    reopenable: list[Round]  # the rounds the reader may reopen now, in the order given
    reopened_as: dict[int, int]  # round id -> id of the round that reopened it


@dataclass(frozen=True)
class _Facts:
    reopened_as: dict[int, int]
    busy_versions: set[int]  # versions with a round open (and not past its closing time)
    answered: set[int]  # rounds with a formal objection the chair has answered


def _facts(rounds: list[Round]) -> _Facts:
    """Three queries whatever the number of rounds (four when their versions are not loaded yet)."""
    if not rounds:
        return _Facts({}, set(), set())
    ids, version_ids = [r.id for r in rounds], {r.version_id for r in rounds}
    missing = [v for v in version_ids if identity_key(Version, v) not in db.session.identity_map]
    if missing:
        db.session.scalars(select(Version).where(Version.id.in_(missing))).all()
    reopened_as = dict(db.session.execute(select(Round.reopened_from_id, Round.id)
                                          .where(Round.reopened_from_id.in_(ids))).all())
    busy = {r.version_id for r in db.session.scalars(
        select(Round).where(Round.version_id.in_(version_ids), Round.status == "open")) if not is_due(r)}
    answered = set(db.session.scalars(select(Position.round_id).distinct().where(
        Position.round_id.in_(ids), Position.formal.is_(True), Position.response.is_not(None))))
    return _Facts(reopened_as, busy, answered)


def _refusal(actor, round_: Round, facts: _Facts) -> ServiceError | None:
    version = version_of(round_)
    if not can(actor, Permission.RUN_ROUNDS, version):
        return Forbidden("Only a chair of the working group can reopen a round.")
    if round_.status != "closed" and not is_due(round_):
        return Conflict("This round is still open; it can be reopened once it has closed.", code="round_open")
    if round_.rule != "consensus":
        return Conflict("Only a round under the consensus rule is reopened after a formal objection.",
                        code="not_consensus")
    if round_.id in facts.reopened_as:
        # A string, not a number: a round id is a name, never written "1,234".
        return Conflict("This round has already been reopened, as round %(round)s.", code="already_reopened",
                        round=str(facts.reopened_as[round_.id]))
    if version.status == "superseded" or version.document.current_version_id != version.id:
        return Conflict("A newer version has replaced this one; open a round on the current version instead.",
                        code="version_superseded")
    refusal = opening_refusal(version, busy=version.id in facts.busy_versions)  # what open_round refuses
    if refusal is not None:
        return refusal
    if round_.id not in facts.answered:
        return Conflict("A round is reopened after the chair has recorded a response to one of its formal "
                        "objections.", code="no_answered_objection")
    return None


def reopen_refusal(actor, round_: Round) -> ServiceError | None:
    """Why the actor may not reopen the round now (Forbidden or Conflict), or None. Writes nothing."""
    return _refusal(actor, round_, _facts([round_]))


def reopenings(actor, rounds: list[Round]) -> Reopenings:
    """Which of the rounds the actor may reopen, and which were reopened as what: for the round page and
    the objection register. Only closed consensus rounds are looked at; none, no query."""
    candidates = list({r.id: r for r in rounds if r.rule == "consensus" and (r.status == "closed" or is_due(r))}
                      .values())
    facts = _facts(candidates)
    return Reopenings([r for r in candidates if _refusal(actor, r, facts) is None], facts.reopened_as)


def reopen_round(actor, round_: Round, *, closes_at: datetime | None = None) -> Round:
    """Put the round's items to the group again in a new round (see the module's docstring)."""
    # Two chairs reopening at once: the second waits for the first's commit here, then finds its round.
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    refusal = reopen_refusal(actor, round_)
    if refusal is not None:
        raise refusal
    if is_due(round_):
        close_due_rounds([round_])
    clause_ids = [item.clause_id for item in round_items(round_)]
    return open_round(actor, version_of(round_), scope=round_.scope,
                      clause_ids=None if round_.scope == "document" else clause_ids, rule=round_.rule,
                      threshold=round_.threshold, quorum=round_.quorum, closes_at=closes_at,
                      live_tally=round_.live_tally, reopens=round_)

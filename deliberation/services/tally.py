"""Tallies of endorsement rounds: aggregate counts from the database, fed to `tally_rules`.

A live tally costs two aggregate queries whatever the size of the round: eligible voters grouped by
stakeholder group, and current positions grouped by (item, stakeholder group). Closing a round
freezes every item's result into `Round.final_tally`; a closed round is always read from there, so
memberships changed after opening (or after closing) never change its result.
"""
import math
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import EligibleVoter, Position, Round, RoundItem, Version
from .tally_rules import POSITIONS, GroupCounts, parse_fraction, result_to_json, tally_item


@dataclass(frozen=True)
class Sector:
    key: str
    name: str


@dataclass(frozen=True)
class ItemTally:
    item: RoundItem
    result: dict  # tally_rules.result_to_json, exactly as frozen at close

    @property
    def outcome(self) -> str:
        return self.result["outcome"]


@dataclass(frozen=True)
class RoundTally:
    round: Round
    sectors: list[Sector]
    items: list[ItemTally]
    frozen: bool

    def quorum_needed(self, eligible: int) -> int:
        return math.ceil(Fraction(self.round.quorum) * eligible)

    def for_item(self, item_id: int) -> ItemTally | None:
        return next((t for t in self.items if t.item.id == item_id), None)


def version_of(round_: Round) -> Version:
    """The round's version, from the session's identity map when already loaded (no query then)."""
    return db.session.get(Version, round_.version_id)


def round_items(round_: Round) -> list[RoundItem]:
    """The round's items in order, each with its clause (None for the whole document): one query."""
    return list(db.session.scalars(select(RoundItem).options(joinedload(RoundItem.clause))
                                   .where(RoundItem.round_id == round_.id).order_by(RoundItem.position)))


def sectors_of(round_: Round) -> list[Sector]:
    group = version_of(round_).document.working_group
    return [Sector(s.key, s.name) for s in group.stakeholder_groups]


def eligible_by_group(round_id: int) -> dict[int, int]:
    """stakeholder_group_id -> eligible voters frozen at opening."""
    rows = db.session.execute(select(EligibleVoter.stakeholder_group_id, func.count())
                              .where(EligibleVoter.round_id == round_id)
                              .group_by(EligibleVoter.stakeholder_group_id))
    return {group_id: int(count) for group_id, count in rows}


def positions_by_item_and_group(round_id: int) -> dict[tuple[int, int], dict[str, int]]:
    """(item_id, stakeholder_group_id) -> counts of each position and of standing formal objections.

    count(...) FILTER keeps the counts plain integers on every backend (SUM gives Decimal on PostgreSQL).
    A withdrawn formal objection still counts as an objection, no longer as a formal one."""
    columns = [func.count().filter(Position.position == name).label(name) for name in POSITIONS]
    formal = func.count().filter(and_(Position.formal.is_(True), Position.withdrawn_at.is_(None)))
    rows = db.session.execute(
        select(Position.item_id, Position.stakeholder_group_id, *columns, formal.label("formal_objections"))
        .where(Position.round_id == round_id)
        .group_by(Position.item_id, Position.stakeholder_group_id))
    return {(row.item_id, row.stakeholder_group_id):
            {name: int(getattr(row, name)) for name in (*POSITIONS, "formal_objections")} for row in rows}


def compute_results(round_: Round, items: list[RoundItem]) -> dict[int, dict]:
    """item_id -> result JSON from the current positions (whatever the round's status)."""
    stakeholders = version_of(round_).document.working_group.stakeholder_groups
    eligible = eligible_by_group(round_.id)
    counts = positions_by_item_and_group(round_.id)
    quorum = parse_fraction(round_.quorum)
    results = {}
    for item in items:
        groups = {s.key: GroupCounts(eligible=eligible.get(s.id, 0), **counts.get((item.id, s.id), {}))
                  for s in stakeholders}
        results[item.id] = result_to_json(tally_item(groups, round_.rule, round_.threshold, quorum))
    return results


def frozen_tally(round_: Round, items: list[RoundItem]) -> dict:
    """What closing stores in Round.final_tally: the sectors as named then, and each item's result."""
    return {"sectors": [{"key": s.key, "name": s.name} for s in sectors_of(round_)],
            "items": {str(item_id): result for item_id, result in compute_results(round_, items).items()}}


def round_tally(round_: Round, items: list[RoundItem] | None = None) -> RoundTally:
    """The frozen tally of a closed round, or the live one of an open round."""
    items = round_items(round_) if items is None else items
    if round_.final_tally is not None:
        frozen = round_.final_tally
        sectors = [Sector(s["key"], s["name"]) for s in frozen["sectors"]]
        results = {int(item_id): result for item_id, result in frozen["items"].items()}
        return RoundTally(round_, sectors, [ItemTally(i, results[i.id]) for i in items if i.id in results], True)
    results = compute_results(round_, items)
    return RoundTally(round_, sectors_of(round_), [ItemTally(i, results[i.id]) for i in items], False)

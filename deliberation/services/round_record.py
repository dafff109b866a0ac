"""What a reader sees of a round: its overview, a member's ballot, the electorate and named positions.

Each is a fixed number of queries whatever the number of items or members. Reading a round whose
closing time has passed closes it first (as the system), so nobody reads a stale open round.
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..realtime import flush_events
from ..sqlite_tuning import write_transaction
from ..models import (
    Clause, EligibleVoter, Membership, Position, Round, RoundItem, StakeholderGroup, User, Version,
)
from ..security import Permission, can
from .positions import eligible_voter, my_positions
from .round_reopening import reopenings
from .round_access import positions_visible, require_positions, require_tally, tally_visible
from .rounds import close_due_rounds, is_due
from .statements import statements_by_item
from .tally import RoundTally, round_items, round_tally, version_of


@dataclass(frozen=True)
class Voter:
    user_id: int
    name: str
    sector_key: str
    sector_name: str
    affiliation: str


@dataclass
class RoundOverview:
    round: Round
    items: list[RoundItem]
    tally: RoundTally | None  # None when the running tally is hidden from this reader
    statements: dict[int, list] = field(default_factory=dict)
    electorate: list[Voter] | None = None  # None when this reader may not see it
    eligible: bool = False  # the reader is on the list
    answered: int = 0
    positions_visible: bool = False
    reopenable: bool = False  # the reader, a chair, may reopen it now (services.round_reopening)
    reopened_as: int | None = None  # the round that reopened it

    @property
    def electorate_by_sector(self) -> list[tuple[str, list[Voter]]]:
        """The electorate in the working group's order of stakeholder groups."""
        grouped: dict[str, list[Voter]] = {}
        for voter in self.electorate or []:
            grouped.setdefault(voter.sector_name, []).append(voter)
        return list(grouped.items())


@dataclass
class BallotLine:
    item: RoundItem
    current: Position | None
    earlier: tuple[Position, int] | None  # a position on the predecessor, and that version's number


def load_round(round_id: int) -> Round | None:
    return db.session.get(Round, round_id, options=[joinedload(Round.version)])


def read_rounds(rounds: list[Round]) -> list[Round]:
    """Close those of the rounds whose time has passed before they are read: in a write transaction of
    its own (on SQLite, where several readers may arrive at once), so the close is the only write and
    exactly one reader makes it. No query unless one is due."""
    due = [round_ for round_ in rounds if is_due(round_)]
    if due:
        with write_transaction(db.session) as committed:
            close_due_rounds(due)
        if committed:
            flush_events()
    return rounds


def read_round(round_: Round) -> Round:
    read_rounds([round_])
    return round_


def round_overview(user, round_: Round) -> RoundOverview:
    read_round(round_)
    items = round_items(round_)
    overview = RoundOverview(round_, items, round_tally(round_, items) if tally_visible(user, round_) else None,
                             positions_visible=positions_visible(user, round_))
    if round_.status == "closed":
        overview.statements = statements_by_item(round_)
    if round_.status == "closed" or can(user, Permission.VIEW_MEMBERS, version_of(round_)):
        overview.electorate = electorate(round_)
    reopening = reopenings(user, [round_])
    overview.reopenable, overview.reopened_as = bool(reopening.reopenable), reopening.reopened_as.get(round_.id)
    overview.eligible = eligible_voter(round_, user) is not None
    if overview.eligible:
        overview.answered = len(my_positions(round_, user))
    return overview


def electorate(round_: Round) -> list[Voter]:
    """The frozen list of eligible voters by sector, with their affiliation today (blank once removed)."""
    rows = db.session.execute(
        select(EligibleVoter.user_id, User.name, User.deleted_at, StakeholderGroup.key, StakeholderGroup.name,
               Membership.affiliation, StakeholderGroup.position)
        .join(User, User.id == EligibleVoter.user_id)
        .join(StakeholderGroup, StakeholderGroup.id == EligibleVoter.stakeholder_group_id)
        .outerjoin(Membership, and_(Membership.user_id == EligibleVoter.user_id,
                                    Membership.working_group_id == StakeholderGroup.working_group_id))
        .where(EligibleVoter.round_id == round_.id)
        .order_by(StakeholderGroup.position, User.name, User.id))
    return [Voter(user_id, "Former member" if deleted else name, key, sector, affiliation or "")
            for user_id, name, deleted, key, sector, affiliation, _position in rows]


def ballot(user, round_: Round) -> list[BallotLine]:
    """The member's ballot: each item with their current position, and the one they gave on the same
    clause (same key) in an earlier version's round, shown for reference and never counted."""
    read_round(round_)
    items = round_items(round_)
    current = {p.item_id: p for p in my_positions(round_, user)}
    earlier = earlier_positions(user, version_of(round_))
    return [BallotLine(item, current.get(item.id), earlier.get(item.clause.key if item.clause else None))
            for item in items]


def earlier_positions(user, version: Version) -> dict[str | None, tuple[Position, int]]:
    """Clause key (None: the whole document) -> the user's latest position on an earlier version."""
    if not getattr(user, "is_authenticated", False) or version.number <= 1:
        return {}
    rows = db.session.execute(
        select(Position, Version.number, Clause.key)
        .join(RoundItem, RoundItem.id == Position.item_id)
        .join(Round, Round.id == Position.round_id)
        .join(Version, Version.id == Round.version_id)
        .outerjoin(Clause, Clause.id == RoundItem.clause_id)
        .where(Position.user_id == user.id, Version.document_id == version.document_id,
               Version.number < version.number)
        .order_by(Version.number.desc(), Position.updated_at.desc()))
    found: dict[str | None, tuple[Position, int]] = {}
    for position, number, key in rows:
        found.setdefault(key, (position, number))
    return found


def positions_of_round(round_: Round, item_id: int | None = None) -> dict[tuple[int, int], Position]:
    """(item_id, user_id) -> current position, for one item or all: one query."""
    query = select(Position).where(Position.round_id == round_.id)
    if item_id is not None:
        query = query.where(Position.item_id == item_id)
    return {(p.item_id, p.user_id): p for p in db.session.scalars(query)}


def named_positions(round_: Round, item: RoundItem) -> list[tuple[Voter, Position | None]]:
    """Every eligible voter with their position on one item, or None when they did not respond."""
    positions = positions_of_round(round_, item.id)
    return [(voter, positions.get((item.id, voter.user_id))) for voter in electorate(round_)]


def tally_for_reader(user, round_: Round) -> RoundTally | None:
    """The tally this reader may see (closing a due round first), or None while it is hidden from them."""
    read_round(round_)
    return round_tally(round_) if tally_visible(user, round_) else None


def visible_tally(user, round_: Round) -> RoundTally:
    """The tally as this reader may see it (closing a due round first), or Forbidden/Unauthorized."""
    read_round(round_)
    require_tally(user, round_)
    return round_tally(round_)


def visible_positions(user, round_: Round) -> tuple[list[RoundItem], list[Voter], dict[tuple[int, int], Position]]:
    """Items, electorate and named positions, for chairs or once the round has closed."""
    read_round(round_)
    require_positions(user, round_)
    return round_items(round_), electorate(round_), positions_of_round(round_)

"""The formal-objection register of a document: every formal objection lodged in any of its rounds,
its reason, the chair's recorded response, and whether it stands, was withdrawn or was changed.

The register reads the position history, so an objection stays on it after the member changes their
position; the current position row carries the chair's response and the withdrawal.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import (
    Clause, Document, EligibleVoter, Position, PositionHistory, Round, RoundItem, StakeholderGroup, User, Version,
)
from ..models._base import utcnow
from ..realtime import queue_event, round_room
from .errors import Conflict, Forbidden
from .notifications import events as notification_events
from .rounds import record_round_event
from .tally import version_of
from .validation import clean_text


@dataclass(frozen=True)
class RegisterEntry:
    round: Round
    version_number: int
    item: RoundItem
    clause: Clause | None
    member: str
    sector: str
    reason: str
    lodged_at: datetime
    current: Position | None

    @property
    def state(self) -> str:
        """standing | withdrawn | changed (the member later took another position)."""
        if self.current is None or not self.current.formal:
            return "changed"
        return "withdrawn" if self.current.withdrawn_at else "standing"


def objection_register(document: Document, *, include_open_rounds: bool) -> list[RegisterEntry]:
    """One query. Objections in open rounds are named positions, so only chairs see those."""
    lodged = (select(func.max(PositionHistory.id))
              .join(Round, Round.id == PositionHistory.round_id).join(Version, Version.id == Round.version_id)
              .where(Version.document_id == document.id, PositionHistory.formal.is_(True))
              .group_by(PositionHistory.item_id, PositionHistory.user_id))
    query = (select(PositionHistory, Round, Version.number, RoundItem, Clause, User.name, User.deleted_at,
                    StakeholderGroup.name, Position)
             .join(Round, Round.id == PositionHistory.round_id)
             .join(Version, Version.id == Round.version_id)
             .join(RoundItem, RoundItem.id == PositionHistory.item_id)
             .outerjoin(Clause, Clause.id == RoundItem.clause_id)
             .join(User, User.id == PositionHistory.user_id)
             .join(EligibleVoter, and_(EligibleVoter.round_id == Round.id, EligibleVoter.user_id == User.id))
             .join(StakeholderGroup, StakeholderGroup.id == EligibleVoter.stakeholder_group_id)
             .outerjoin(Position, and_(Position.item_id == PositionHistory.item_id,
                                       Position.user_id == PositionHistory.user_id))
             .where(PositionHistory.id.in_(lodged))
             .order_by(Version.number, Round.opened_at, RoundItem.position, PositionHistory.id))
    if not include_open_rounds:
        query = query.where(Round.status == "closed")
    return [RegisterEntry(round_, number, item, clause, "Former member" if deleted else name, sector,
                          history.statement or "", history.created_at, current)
            for history, round_, number, item, clause, name, deleted, sector, current in db.session.execute(query)]


def _standing(position: Position) -> None:
    if not position.formal:
        raise Conflict("That position is not a formal objection.")
    if position.withdrawn_at is not None:
        raise Conflict("That formal objection has been withdrawn.")


def respond_to_objection(actor, round_: Round, position: Position, response: str) -> None:
    """The chair records how a formal objection was answered (it stays on the register, answered)."""
    _standing(position)
    position.response = clean_text(response, "response", max_length=5000)
    position.responded_at = utcnow()
    db.session.flush()
    record_round_event("objection.answered", actor, round_, {"position_id": position.id, "item_id": position.item_id,
                                                             "response": position.response},
                       public=None if round_.status == "closed" else False)
    notification_events.objection_answered(actor, round_, version_of(round_).document, position)


def withdraw_objection(actor, round_: Round, position: Position) -> None:
    """The member withdraws their own formal objection: it no longer blocks under the consensus rule.
    A closed round's frozen result does not change; the register shows the withdrawal."""
    if position.user_id != getattr(actor, "id", None):
        raise Forbidden("Only the member who lodged a formal objection can withdraw it.")
    _standing(position)
    position.withdrawn_at = utcnow()
    db.session.add(PositionHistory(round_id=position.round_id, item_id=position.item_id, user_id=position.user_id,
                                   position=position.position, statement=position.statement, formal=False))
    db.session.flush()
    record_round_event("objection.withdrawn", actor, round_, {"position_id": position.id, "item_id": position.item_id},
                       public=None if round_.status == "closed" else False)
    if round_.status == "open":
        queue_event("tally_updated", {"round_id": round_.id}, round_room(round_.id))


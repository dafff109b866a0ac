"""Who hears of what: the round, version, objection and support events each notify the people they ask
something of. Called by the services that make those changes, in the same transaction."""
from datetime import timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import EligibleVoter, Membership, Notification, Position, Round, RoundItem, Version
from ...models._base import utcnow
from .notify import notify

CLOSING_NOTICE = timedelta(hours=24)


def _voters(round_id: int) -> set[int]:
    return set(db.session.scalars(select(EligibleVoter.user_id).where(EligibleVoter.round_id == round_id)))


def round_opened(actor, round_: Round, document, reopens: Round | None = None) -> None:
    """The round's eligible voters are asked for their position (with the closing time); when it reopens
    a round a formal objection blocked, the objectors hear so."""
    closes = round_.closes_at.isoformat() if round_.closes_at else None
    notify("round_opened", _voters(round_.id), actor=actor, document=document, round_=round_,
           data={"closes_at": closes})
    if reopens is not None:
        objectors = set(db.session.scalars(select(Position.user_id).where(
            Position.round_id == reopens.id, Position.formal.is_(True))))
        notify("objection", objectors, actor=actor, document=document, round_=round_,
               data={"event": "reopened", "reopens_round_id": reopens.id})


def round_closed(actor, round_: Round, document, outcomes: dict) -> None:
    notify("round_closed", _voters(round_.id), actor=actor, document=document, round_=round_,
           data={"outcomes": outcomes})


def objection_answered(actor, round_: Round, document, position: Position) -> None:
    notify("objection", {position.user_id}, actor=actor, document=document, round_=round_,
           data={"event": "answered"}, excerpt=position.response or "")


def version_published(actor, document, version) -> None:
    members = set(db.session.scalars(select(Membership.user_id).where(
        Membership.working_group_id == document.working_group_id)))
    notify("version_published", members, actor=actor, document=document,
           data={"number": version.number, "label": version.label})


def support_submitted(document, version, support) -> None:
    chairs = set(db.session.scalars(select(Membership.user_id).where(
        Membership.working_group_id == document.working_group_id, Membership.role == "chair")))
    notify("support_pending", chairs, document=document, data={"number": version.number},
           excerpt=f"{support.name}" + (f", {support.organisation}" if support.organisation else ""))


def warn_rounds_closing() -> int:
    """Tell each eligible voter who has not answered every item of a round closing within 24 hours,
    once per round (run with close-due-rounds). Returns how many were told."""
    now = utcnow()
    rounds = list(db.session.scalars(select(Round).options(joinedload(Round.version).joinedload(Version.document))
                                     .where(
        Round.status == "open", Round.closes_at.is_not(None), Round.closes_at > now,
        Round.closes_at <= now + CLOSING_NOTICE)))
    told = 0
    for round_ in rounds:
        items = select(func.count()).select_from(RoundItem).where(RoundItem.round_id == round_.id).scalar_subquery()
        answered = (select(func.count()).select_from(Position)
                    .where(Position.round_id == round_.id, Position.user_id == EligibleVoter.user_id)
                    .scalar_subquery())
        warned = exists().where(and_(Notification.round_id == round_.id, Notification.kind == "round_closing",
                                     Notification.user_id == EligibleVoter.user_id))
        pending = set(db.session.scalars(select(EligibleVoter.user_id).where(
            EligibleVoter.round_id == round_.id, answered < items, ~warned)))
        document = round_.version.document
        told += len(notify("round_closing", pending, document=document, round_=round_,
                           data={"closes_at": round_.closes_at.isoformat()}))
    return told

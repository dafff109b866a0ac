"""@handle mentions: which of the handles a text names belong to members of the working group."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Membership, User
from ..sanitize import mention_names


@dataclass(frozen=True)
class Mentioned:
    user_id: int
    handle: str
    name: str


def group_mentions(source: str, working_group_id: int) -> list[Mentioned]:
    """The group's participants the source mentions by handle, in one query (none without an '@')."""
    names = mention_names(source) if "@" in source else []
    if not names:
        return []
    rows = db.session.execute(
        select(User.id, User.handle, User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.working_group_id == working_group_id, func.lower(User.handle).in_(names),
               User.active.is_(True), User.deleted_at.is_(None))
    )
    return [Mentioned(row.id, row.handle, row.name) for row in rows]


CHAIRS = "chairs"  # `@chairs` reaches every chair of the working group


def mentioned_chairs(source: str, working_group_id: int) -> set[int]:
    """The group's chairs when the source says `@chairs` (outside code, links and addresses), else none."""
    if "@" not in source or CHAIRS not in mention_names(source):
        return set()
    return set(db.session.scalars(select(Membership.user_id).where(
        Membership.working_group_id == working_group_id, Membership.role == "chair")))


def known_handles(mentioned: list[Mentioned]) -> dict[str, str]:
    """lower-cased handle -> display name, as sanitize.render_markdown_with_mentions wants it."""
    return {m.handle.lower(): m.name for m in mentioned}

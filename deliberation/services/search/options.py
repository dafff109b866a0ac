"""What the search page offers in its filters: the working groups and documents the reader may read,
and their stakeholder groups (by key, the same across working groups). Two queries."""
from dataclasses import dataclass

from sqlalchemy import select

from ...extensions import db
from ...models import Document, StakeholderGroup, Version, WorkingGroup
from ...security.visibility import visible_documents_clause, visible_groups_clause


@dataclass(frozen=True)
class SearchOptions:
    groups: list[tuple[int, str]]
    documents: list[tuple[int, str, int]]   # id, title, working group id
    sectors: list[tuple[str, str]]          # key, name


def search_options(user) -> SearchOptions:
    documents = db.session.execute(
        select(Document.id, Document.title, Document.working_group_id).join(WorkingGroup)
        .join(Version, Version.id == Document.current_version_id)
        .where(visible_documents_clause(user)).order_by(Document.title, Document.id)).all()
    rows = db.session.execute(
        select(WorkingGroup.id, WorkingGroup.name, StakeholderGroup.key, StakeholderGroup.name)
        .outerjoin(StakeholderGroup, StakeholderGroup.working_group_id == WorkingGroup.id)
        .where(visible_groups_clause(user)).order_by(WorkingGroup.name, StakeholderGroup.position)).all()
    groups = list(dict.fromkeys((group_id, name) for group_id, name, _key, _sector in rows))
    sectors = list(dict.fromkeys((key, sector) for _id, _name, key, sector in rows if key is not None))
    seen: set[str] = set()
    return SearchOptions(groups, [tuple(d) for d in documents],
                         [s for s in sectors if not (s[0] in seen or seen.add(s[0]))])

"""SQL filters for "what may this user see", so lists are filtered in the query, not row by row."""
from sqlalchemy import and_, or_, select, true

from ..models import Document, Membership, WorkingGroup


def _member_group_ids(user):
    return select(Membership.working_group_id).where(Membership.user_id == user.id)


def visible_groups_clause(user):
    if getattr(user, "is_authenticated", False) and user.is_admin:
        return true()
    public = WorkingGroup.public.is_(True)
    if not getattr(user, "is_authenticated", False):
        return public
    return or_(public, WorkingGroup.id.in_(_member_group_ids(user)))


def visible_documents_clause(user):
    """Use with a query joined to WorkingGroup."""
    if getattr(user, "is_authenticated", False) and user.is_admin:
        return true()
    public = and_(Document.public.is_(True), WorkingGroup.public.is_(True))
    if not getattr(user, "is_authenticated", False):
        return public
    return or_(public, Document.working_group_id.in_(_member_group_ids(user)))

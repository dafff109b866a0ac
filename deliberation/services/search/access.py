"""What a reader may find, as SQL over the index joined to the live tables, so a result list is
filtered in the query and a change of rights (a group made private, a comment hidden, a member who
leaves) applies at once. The rules are those of `security.permissions` and `services.comment_access`:

- a version is readable by the group's participants and admins, and by anyone when the working group
  and the document are public; an unpublished draft only by the group's chairs;
- a comment (and its disposition) is readable where its version is, by participants and admins, and by
  everyone else only when the working group keeps `public_comments` on; it must be visible: hidden and
  deleted comments are not in the index, and the join checks the status again.
"""
from sqlalchemy import and_, false, or_, select, true

from ...models import Comment, Document, Membership, SearchEntry, Version, WorkingGroup


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _group_ids(user, *roles: str):
    query = select(Membership.working_group_id).where(Membership.user_id == user.id)
    return query.where(Membership.role.in_(roles)) if roles else query


def readable_clause(user):
    """Use with a query joined to Document, WorkingGroup, Version and (outer) Comment."""
    public = and_(WorkingGroup.public.is_(True), Document.public.is_(True))
    if _signed_in(user):
        participant = SearchEntry.working_group_id.in_(_group_ids(user))
        chair = SearchEntry.working_group_id.in_(_group_ids(user, "chair"))
        admin = true() if user.is_admin else false()
        version_readable = or_(and_(Version.status == "draft", chair),
                               and_(Version.status != "draft", or_(admin, participant, public)))
        comments_readable = or_(admin, participant, WorkingGroup.public_comments.is_(True))
    else:
        version_readable = and_(Version.status != "draft", public)
        comments_readable = WorkingGroup.public_comments.is_(True)
    comment_ok = or_(SearchEntry.comment_id.is_(None), and_(Comment.status == "visible", comments_readable))
    return and_(version_readable, comment_ok)


def joined_for_access(query):
    return (query.join(Document, Document.id == SearchEntry.document_id)
            .join(WorkingGroup, WorkingGroup.id == SearchEntry.working_group_id)
            .join(Version, Version.id == SearchEntry.version_id)
            .outerjoin(Comment, Comment.id == SearchEntry.comment_id))

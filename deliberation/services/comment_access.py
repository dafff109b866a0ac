"""Who may read, write and moderate the comments of a version, and which parts of a comment they see.

`Viewer` is computed once per request and version from the permission table (`can`), so templates,
the API and live events all apply the same rules:

- members, chairs, observers and admins read every comment of the versions they can read;
- anyone else (the public, signed-in outsiders) reads comments of public versions only when the
  working group's `public_comments` setting is on;
- a hidden comment's body is seen by its author and the chairs only; a deleted one by nobody.
"""
from dataclasses import dataclass

from ..models import Comment, Version
from ..security import Permission, can
from .errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    can_read: bool      # may read the comments of this version at all
    can_comment: bool   # may post and reply now: a speaking member, and the version takes comments
    can_moderate: bool  # chair: hide, dispositions, earlier texts
    is_member: bool = False  # a speaking member (chair or member), whatever the version's state

    def sees_body(self, comment: Comment) -> bool:
        if comment.status == "visible":
            return True
        if comment.status == "hidden":
            return self.can_moderate or (self.user_id is not None and comment.author_id == self.user_id)
        return False

    def is_author(self, comment: Comment) -> bool:
        return self.user_id is not None and comment.author_id == self.user_id

    def may_edit(self, comment: Comment) -> bool:
        return self.can_comment and self.is_author(comment) and comment.status == "visible"

    def may_resolve(self, comment: Comment) -> bool:
        """A thread is resolved and reopened by a chair or by the member who started it."""
        return self.can_moderate or (self.is_member and self.is_author(comment))

    def may_reply(self, comment: Comment) -> bool:
        return self.can_comment and comment.status == "visible"


def may_read_comments(user, version: Version) -> bool:
    if not can(user, Permission.VIEW_DOCUMENT, version):
        return False
    # VIEW_MEMBERS is granted to the group's participants and admins: they read every comment.
    if can(user, Permission.VIEW_MEMBERS, version):
        return True
    return version.document.working_group.public_comments


def may_read_document_comments(user, document) -> bool:
    """Whether the user may read the all-comments list of a document (what they may read of it)."""
    if not can(user, Permission.VIEW_DOCUMENT, document):
        return False
    return can(user, Permission.VIEW_MEMBERS, document) or document.working_group.public_comments


def ensure_may_read_document_comments(user, document) -> None:
    if may_read_document_comments(user, document):
        return
    if not getattr(user, "is_authenticated", False):
        raise Unauthorized("Sign in to read the comments.")
    raise Forbidden("Only the working group's participants may read these comments.")


def viewer_for(user, version: Version) -> Viewer:
    signed_in = getattr(user, "is_authenticated", False)
    is_member = can(user, Permission.COMMENT, version)
    return Viewer(
        user_id=user.id if signed_in else None,
        can_read=may_read_comments(user, version),
        can_comment=version.accepts_comments and is_member,
        can_moderate=can(user, Permission.MODERATE, version),
        is_member=is_member,
    )


def comments_are_public(version: Version) -> bool:
    """Whether comments on this version belong to the public record (for record events)."""
    document = version.document
    return (document.public and document.working_group.public and version.status != "draft"
            and document.working_group.public_comments)


def ensure_may_resolve(user, viewer: Viewer, comment: Comment) -> None:
    """Refuse as a route should: anonymous callers are asked to sign in, others are forbidden."""
    if viewer.may_resolve(comment):
        return
    if not getattr(user, "is_authenticated", False):
        raise Unauthorized("Sign in to do that.")
    raise Forbidden("Only a chair or the member who started the thread can resolve it.")

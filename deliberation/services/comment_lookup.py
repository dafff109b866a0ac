"""Finding a comment or a clause for a request, with the reader's rights there: NotFound for what the
reader may not see, Forbidden (or Unauthorized) for what they see but may not do."""
from sqlalchemy import select

from ..extensions import db
from ..models import Clause, Comment, Version
from ..security import Permission, require
from .comment_access import Viewer, viewer_for
from .errors import Forbidden, NotFound, Unauthorized
from .threads import with_people


def load_comment(comment_id: int) -> Comment:
    """One comment with its author, and its parent (with author) for "in reply to"."""
    comment = db.session.scalar(with_people(select(Comment)).where(Comment.id == comment_id))
    if comment is None:
        raise NotFound("There is no such comment.")
    if comment.parent_id is not None:
        db.session.scalar(with_people(select(Comment)).where(Comment.id == comment.parent_id))
    return comment


def readable_comment(user, comment_id: int) -> tuple[Comment, Version, Viewer]:
    """A comment the user may read, its version and the user's rights there; NotFound otherwise."""
    comment = load_comment(comment_id)
    version = db.session.get(Version, comment.version_id)
    require(user, Permission.VIEW_DOCUMENT, version)
    viewer = viewer_for(user, version)
    if not viewer.can_read:
        raise NotFound("There is no such comment.")
    return comment, version, viewer


def own_comment(user, comment_id: int) -> tuple[Comment, Version, Viewer]:
    """A comment its author may change: readable, the author still speaks in the group (403 otherwise)."""
    comment, version, viewer = readable_comment(user, comment_id)
    require(user, Permission.COMMENT, version)
    if not viewer.is_author(comment):
        raise Forbidden("Only the author can change or delete this comment.")
    return comment, version, viewer


def moderated_comment(user, comment_id: int) -> tuple[Comment, Version, Viewer]:
    """A comment on which the user acts as chair (403 otherwise)."""
    comment, version, viewer = readable_comment(user, comment_id)
    require(user, Permission.MODERATE, version)
    return comment, version, viewer


def readable_clause(user, clause_id: int) -> tuple[Clause, Version, Viewer]:
    clause = db.session.get(Clause, clause_id)
    if clause is None:
        raise NotFound("There is no such clause.")
    version = db.session.get(Version, clause.version_id)
    require(user, Permission.VIEW_DOCUMENT, version)
    return clause, version, viewer_for(user, version)


def ensure_can_read(user, viewer: Viewer) -> None:
    """The version is readable but its comments are not (members only): 401 or 403."""
    if viewer.can_read:
        return
    if not getattr(user, "is_authenticated", False):
        raise Unauthorized("Sign in to read the comments: this working group keeps them to its members.")
    raise Forbidden("This working group keeps its comments to its members.")

"""Following a thread or a clause: replies in a thread reach everyone who wrote in it or follows it; a
new comment on a clause reaches the clause's followers. Following needs only the right to read."""
from sqlalchemy import delete, select, union

from ...extensions import db
from ...models import Comment, Follow


def thread_followers(comment: Comment, clause) -> set[int]:
    """Who hears of this new comment as a follower, in one query: the thread's authors (for a reply),
    the thread's followers, the clause's followers."""
    parts = [select(Follow.user_id).where(Follow.clause_id == clause.id)]
    if comment.parent_id is not None:
        parts += [select(Comment.author_id).where(Comment.root_id == comment.root_id,
                                                  Comment.author_id.is_not(None)),
                  select(Follow.user_id).where(Follow.comment_id == comment.root_id)]
    return set(db.session.scalars(union(*parts))) - {comment.author_id}


def is_following(user, *, comment: Comment | None = None, clause=None) -> bool:
    query = select(Follow.id).where(Follow.user_id == user.id)
    query = query.where(Follow.comment_id == comment.root_id) if comment is not None \
        else query.where(Follow.clause_id == clause.id)
    return db.session.scalar(query) is not None


def set_following(user, follow: bool, *, comment: Comment | None = None, clause=None) -> None:
    """Follow or stop following a thread (given any of its comments) or a clause; idempotent."""
    target = {"comment_id": comment.root_id} if comment is not None else {"clause_id": clause.id}
    if not follow:
        db.session.execute(delete(Follow).where(Follow.user_id == user.id, *(
            getattr(Follow, key) == value for key, value in target.items())))
    elif not is_following(user, comment=comment, clause=clause):
        db.session.add(Follow(user_id=user.id, **target))
    db.session.flush()

"""One long thread's replies a page at a time. The clause page shows each thread's first replies
(threads.REPLIES_SHOWN); "Show N more replies" asks here for the next ones: the page scripts place them
in the tree, readers without scripts get the thread's own page, API clients get JSON.

A page is the thread's replies after a cursor, in id order, as the clause's version shows the thread
(written on the clause or carried onto it), with the same rules as the clause page: a reader sees what
they may, and a tombstone stays while it holds replies. A reply whose parent is not on the page brings
its parent's name along (`Node.parent_elsewhere`), so that it can say whom it answers. Three queries,
whatever the size of the thread.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Comment, CommentAnchor, Version
from .comment_access import Viewer
from .errors import NotFound
from .threads import (
    INDENT_LEVELS, REPLIES_SHOWN, MoreReplies, Node, build_tree, carried_onto, descendants, listed_roots, load_threads,
    with_people,
)

REPLIES_PAGE_SIZE = 50


@dataclass
class ReplyPage:
    root: Node  # the thread's first comment; its `replies` are this page's, as `listed`
    replies: list[Node]  # the page's replies whose parent is not on the page, each with its own replies
    more: MoreReplies | None  # what is left after this page

    @property
    def listed(self) -> list[Node]:
        """The replies in the order a page lists them: one that no longer indents (INDENT_LEVELS) brings
        its replies right after it, flat, as Node.display_replies lists them under the level before."""
        listed = []
        for node in self.replies:
            listed.append(node)
            if node.comment.depth >= INDENT_LEVELS:
                listed += descendants(node)
        return listed


def thread_root(clause, viewer: Viewer, root_id: int) -> Comment:
    """The first comment of a thread in the clause's discussion, if the viewer has it listed there."""
    root = db.session.scalar(with_people(select(Comment)).where(
        Comment.id == root_id, Comment.id.in_(listed_roots(clause.id, viewer))))
    if root is None:
        raise NotFound("There is no such thread.")
    return root


def thread_replies(clause, root: Comment, viewer: Viewer, after: int | None = None,
                   limit: int = REPLIES_PAGE_SIZE) -> ReplyPage:
    """The thread's next `limit` replies after the comment `after` (from the first reply without it)."""
    after = max(after or root.id, root.id)
    loaded = load_threads(clause, select(Comment.id).where(Comment.id == root.id), viewer, limit, after=after)
    replies = build_tree(loaded.comments, viewer, holding=loaded.holding)
    root_node = Node(root, viewer.sees_body(root), carried=carried_onto(clause, root))
    wanted = {node.comment.parent_id for node in replies} - {root.id}
    parents = {c.id: c for c in db.session.scalars(with_people(select(Comment)).where(Comment.id.in_(wanted)))}
    for node in replies:
        parent = parents.get(node.comment.parent_id)
        node.parent = root_node if parent is None else Node(parent, viewer.sees_body(parent))
        node.parent_elsewhere = parent is not None
    page = ReplyPage(root_node, replies, loaded.more.get(root.id))
    root_node.replies = page.listed
    return page


def reply_start(comment: Comment) -> int | None:
    """For a permalink: the `after` of a page of its thread that shows this reply, or None when the
    clause page shows it (a thread's root, or one of its first REPLIES_SHOWN replies by id)."""
    if comment.parent_id is None:
        return None
    thread_clauses = select(Comment.clause_id).where(Comment.id == comment.root_id).union(
        select(CommentAnchor.clause_id).where(CommentAnchor.comment_id == comment.root_id))
    number = select(Version.number).where(Version.id == comment.version_id).scalar_subquery()
    earlier = db.session.scalar(
        select(func.count()).select_from(Comment).join(Version, Version.id == Comment.version_id)
        .where(Comment.clause_id.in_(thread_clauses), Comment.root_id == comment.root_id,
               Comment.parent_id.is_not(None), Comment.id < comment.id, Version.number <= number))
    return None if (earlier or 0) < REPLIES_SHOWN else comment.id - 1

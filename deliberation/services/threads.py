"""Reading discussions: a clause's threads a page at a time, each with its first replies.

Every list is one ordered query (authors joined in) and the tree is built in Python: a page of root
comments is chosen in a subquery and their replies come with them, ordered by (root_id, id), so
parents always precede their replies. The number of queries never depends on the number of comments.

A long thread comes in pages too: the query keeps each thread's first `REPLIES_SHOWN` replies by id
(a window function; a reply's id is larger than its parent's, so the first replies by id are closed
under parents) and says how many readable replies are left and after which id they start
(`MoreReplies`); services.thread_replies reads the rest a page at a time.

A clause's threads are those written on it and those carried onto it from earlier versions (a
`CommentAnchor` on the clause, see services.reanchor; an orphan the chair closed is left out). A thread
reads as it stood on the version shown: replies written on later versions are not in it. Replies to a
carried thread are written on the clause where it is carried, so they belong to the current version.
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import Clause, Comment, CommentAnchor, Version
from .comment_access import Viewer

# Threads a page: a busy clause page stays quick to render (bench/: 20 threads of 11 comments, < 100 ms).
PAGE_SIZE = 20
# Replies of each thread shown on the clause page; "Show N more replies" fetches the rest.
REPLIES_SHOWN = 10
# Replies indent this many levels; deeper ones line up at the last level and say whom they answer.
INDENT_LEVELS = 4


@dataclass(frozen=True)
class Carried:
    """A thread carried onto a later version's clause: where it landed, and where it was written."""

    anchor: CommentAnchor
    original_clause: Clause
    original_version: int  # the number of the version it was written on

    @property
    def status(self) -> str:
        return self.anchor.status

    @property
    def percent(self) -> int | None:
        return round(self.anchor.score * 100) if self.anchor.score is not None else None

    def clause_removed(self, clause: Clause) -> bool:
        """For an orphan waiting beside `clause`: its own clause is gone, rather than the quoted words."""
        return self.status == "orphaned" and clause.key != self.original_clause.key


@dataclass(frozen=True)
class MoreReplies:
    """What a thread shown in part has left: its readable replies not shown, and where they start."""

    count: int
    after: int  # the last comment loaded: pass as `after` for the next replies


@dataclass
class Node:
    comment: Comment
    sees_body: bool
    parent: "Node | None" = None
    replies: list["Node"] = field(default_factory=list)
    carried: Carried | None = None  # set on the root of a thread carried from an earlier version
    # On a thread's root in a clause's list: its readable replies in all, and what is not shown yet.
    replies_total: int = 0
    more: MoreReplies | None = None
    # On a page of a thread's replies: the parent is not on the page (node.parent still names it).
    parent_elsewhere: bool = False

    @property
    def display_depth(self) -> int:
        return min(self.comment.depth, INDENT_LEVELS)

    @property
    def in_reply_to(self) -> str | None:
        """Whom a reply answers, when its indentation no longer shows it."""
        if self.parent is None or self.comment.depth < INDENT_LEVELS:
            return None
        return author_name(self.parent.comment) if self.parent.sees_body else None

    @property
    def display_replies(self) -> list["Node"]:
        """Children as shown: the level before the last lists all its descendants in reading order,
        flat, at the last level (which then lists nothing of its own)."""
        if self.comment.depth < INDENT_LEVELS - 1:
            return self.replies
        if self.comment.depth > INDENT_LEVELS - 1:
            return []
        return descendants(self)


def descendants(node: Node) -> list[Node]:
    """Every reply below the node in reading order (depth first, oldest first), flat."""
    flat, stack = [], list(reversed(node.replies))
    while stack:  # iterative: threads may be deeper than Python's recursion limit
        reply = stack.pop()
        flat.append(reply)
        stack.extend(reversed(reply.replies))
    return flat


@dataclass
class ThreadPage:
    threads: list[Node]
    total_threads: int
    next_after: int | None  # pass as `after` for the next page; None on the last page


def author_name(comment: Comment) -> str:
    author = comment.__dict__.get("author")
    return author.display_name if author is not None else "Former member"


def with_people(query):
    return query.options(joinedload(Comment.author), joinedload(Comment.stakeholder_group))


def sees_body_sql(viewer: Viewer):
    """Viewer.sees_body as SQL: the comments whose text this viewer reads."""
    if viewer.can_moderate:
        return Comment.status != "deleted"
    if viewer.user_id is not None:
        return or_(Comment.status == "visible", and_(Comment.status == "hidden", Comment.author_id == viewer.user_id))
    return Comment.status == "visible"


def _root_filter(viewer: Viewer):
    """Roots worth listing for this viewer: readable, or a tombstone that still holds replies."""
    reply = aliased(Comment)
    has_replies = exists().where(reply.root_id == Comment.id, reply.id != Comment.id)
    return or_(sees_body_sql(viewer), has_replies)


def _carried_roots(clause_id: int):
    """Roots of the threads carried onto the clause from earlier versions (closed orphans left out)."""
    return select(CommentAnchor.comment_id).where(CommentAnchor.clause_id == clause_id,
                                                  CommentAnchor.closed_at.is_(None))


def listed_roots(clause_id: int, viewer: Viewer):
    """The clause's threads: written on it, or carried onto it."""
    here = and_(Comment.clause_id == clause_id, Comment.parent_id.is_(None))
    return select(Comment.id).where(or_(here, Comment.id.in_(_carried_roots(clause_id))), _root_filter(viewer))


def build_tree(rows: list[Comment], viewer: Viewer, carried: dict[int, Carried] | None = None,
               holding: set[int] = frozenset()) -> list[Node]:
    """Nest comments ordered parents-first; drop what the viewer may not see unless it holds replies
    (among the rows, or, for the ids in `holding`, among replies not loaded yet)."""
    carried = carried or {}
    nodes: dict[int, Node] = {}
    ordered: list[Node] = []
    for comment in rows:
        node = Node(comment, viewer.sees_body(comment), parent=nodes.get(comment.parent_id),
                    carried=carried.get(comment.id))
        nodes[comment.id] = node
        ordered.append(node)
    keep: set[int] = set()
    for node in reversed(ordered):  # replies come after their parents, so they are decided first
        if node.sees_body or node.replies or node.comment.id in holding:  # a tombstone stays when it holds replies
            keep.add(node.comment.id)
            if node.parent is not None:
                node.parent.replies.append(node)
    for node in ordered:
        node.replies.reverse()
    return [node for node in ordered if node.parent is None and node.comment.id in keep]


@dataclass
class LoadedThreads:
    """The first replies of some threads as one query found them (see load_threads)."""

    comments: list[Comment] = field(default_factory=list)  # by (root_id, id): parents first
    carried: dict[int, Carried] = field(default_factory=dict)
    replies_total: dict[int, int] = field(default_factory=dict)  # root id -> readable replies in range
    more: dict[int, MoreReplies] = field(default_factory=dict)   # root id -> what is left, when anything is
    holding: set[int] = field(default_factory=set)  # unreadable comments whose replies are not loaded yet


def load_threads(clause: Clause, roots, viewer: Viewer, replies: int, after: int | None = None) -> LoadedThreads:
    """The comments of these threads as the clause's version shows them, at most `replies` replies each
    (with the root, unless `after` leaves it out), and the carried ones' anchors: one query.

    A thread's comments sit on the clause it was written on and on the clauses it was carried onto
    (replies are written where the thread is shown), so both are named to keep to the clause index.
    Window functions rank each thread's comments by id and count its readable replies; an unreadable
    comment brings the id of its latest reply, so a tombstone whose replies come later still stays."""
    number = db.session.get(Version, clause.version_id).number
    thread_clauses = select(Comment.clause_id).where(Comment.id.in_(roots)).union(
        select(CommentAnchor.clause_id).where(CommentAnchor.comment_id.in_(roots)))
    readable = sees_body_sql(viewer)
    in_range = [Comment.clause_id.in_(thread_clauses), Comment.root_id.in_(roots), Version.number <= number]
    if after is not None:
        in_range.append(Comment.id > after)
    readable_reply = case((and_(Comment.parent_id.is_not(None), readable), 1), else_=0)
    ranked = (select(Comment.id,
                     func.row_number().over(partition_by=Comment.root_id, order_by=Comment.id).label("rank"),
                     func.count().over(partition_by=Comment.root_id).label("rows"),
                     func.sum(readable_reply).over(partition_by=Comment.root_id).label("readable"))
              .join(Version, Version.id == Comment.version_id).where(*in_range).subquery())
    reply = aliased(Comment)
    latest_reply = case((readable, None),
                        else_=select(func.max(reply.id)).where(reply.parent_id == Comment.id).scalar_subquery())
    origin = aliased(Clause)
    anchor_here = and_(CommentAnchor.comment_id == Comment.id, CommentAnchor.clause_id == clause.id)
    rows = db.session.execute(
        with_people(select(Comment, CommentAnchor, origin, Version.number, ranked.c.rows, ranked.c.readable,
                           latest_reply))
        .join(ranked, ranked.c.id == Comment.id)
        .join(Version, Version.id == Comment.version_id)
        .outerjoin(CommentAnchor, anchor_here)
        .outerjoin(origin, and_(origin.id == Comment.clause_id, CommentAnchor.id.is_not(None)))
        .where(ranked.c.rank <= replies + (1 if after is None else 0))
        .order_by(Comment.root_id, Comment.id))
    loaded, in_thread, later = LoadedThreads(), {}, {}
    for comment, anchor, original_clause, version_number, thread_rows, readable_total, latest in rows:
        loaded.comments.append(comment)
        if anchor is not None:
            loaded.carried[comment.id] = Carried(anchor, original_clause, version_number)
        loaded.replies_total[comment.root_id] = int(readable_total or 0)
        count, shown, last = in_thread.get(comment.root_id, (0, 0, 0))
        shown += 1 if comment.parent_id is not None and viewer.sees_body(comment) else 0
        in_thread[comment.root_id] = (count + 1, shown, comment.id)
        if latest is not None:
            later[comment.id] = (comment.root_id, latest)
        if count + 1 == thread_rows:
            in_thread.pop(comment.root_id)  # the whole thread is here
    for root_id, (_count, shown, last) in in_thread.items():
        left = loaded.replies_total[root_id] - shown
        if left > 0:
            loaded.more[root_id] = MoreReplies(left, last)
    loaded.holding = {comment_id for comment_id, (root_id, latest) in later.items()
                      if root_id in loaded.more and latest > loaded.more[root_id].after}
    return loaded


def clause_threads(clause: Clause, viewer: Viewer, after: int | None = None, limit: int = PAGE_SIZE,
                   replies: int = REPLIES_SHOWN) -> ThreadPage:
    """One page of the clause's threads (written here or carried here), oldest first, each with its first
    `replies` replies: two queries."""
    total = db.session.scalar(select(func.count()).select_from(listed_roots(clause.id, viewer).subquery()))
    roots = listed_roots(clause.id, viewer)
    if after:
        roots = roots.where(Comment.id > after)
    roots = roots.order_by(Comment.id).limit(limit + 1)
    loaded = load_threads(clause, roots, viewer, replies)
    rows = loaded.comments
    root_ids = sorted({c.root_id for c in rows})
    next_after = None
    if len(root_ids) > limit:
        next_after = root_ids[limit - 1]
        rows = [c for c in rows if c.root_id <= next_after]
    threads = build_tree(rows, viewer, loaded.carried, loaded.holding)
    for node in threads:
        node.replies_total = loaded.replies_total.get(node.comment.id, 0)
        node.more = loaded.more.get(node.comment.id)
    return ThreadPage(threads, total or 0, next_after)


def open_thread_count(clause_id: int) -> int:
    """Open threads in the clause's discussion, written there or carried there (for live counts)."""
    here = and_(Comment.clause_id == clause_id, Comment.parent_id.is_(None))
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        or_(here, Comment.id.in_(_carried_roots(clause_id))), Comment.status == "visible",
        Comment.resolved_at.is_(None))) or 0


def carried_onto(clause: Clause, comment: Comment) -> Carried | None:
    """How the comment's thread is carried onto the clause, if it is (a thread root only)."""
    if comment.parent_id is not None or comment.clause_id == clause.id:
        return None
    anchor = db.session.scalar(select(CommentAnchor).where(
        CommentAnchor.comment_id == comment.id, CommentAnchor.clause_id == clause.id, CommentAnchor.closed_at.is_(None)))
    if anchor is None:
        return None
    return Carried(anchor, db.session.get(Clause, comment.clause_id), db.session.get(Version, comment.version_id).number)


def thread_shown_on(clause: Clause, comment: Comment) -> bool:
    """Whether the comment's thread is in the clause's discussion (written there or carried there),
    so that a reply to it may be written on that clause."""
    if comment.clause_id == clause.id:
        return True
    return db.session.scalar(select(CommentAnchor.id).where(
        CommentAnchor.comment_id == comment.root_id, CommentAnchor.clause_id == clause.id,
        CommentAnchor.closed_at.is_(None))) is not None


def single_node(comment: Comment, viewer: Viewer) -> Node:
    parent_comment = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
    parent = Node(parent_comment, viewer.sees_body(parent_comment)) if parent_comment else None
    return Node(comment, viewer.sees_body(comment), parent=parent)


def page_start_for(comment: Comment, viewer: Viewer, clause_id: int | None = None) -> int | None:
    """The `after` that opens the page showing this comment's thread (None: the first page), in its own
    clause's discussion or in that of `clause_id` (where it is carried)."""
    earlier = db.session.scalar(select(func.count()).select_from(
        listed_roots(clause_id or comment.clause_id, viewer).where(Comment.id < comment.root_id).subquery()))
    return None if (earlier or 0) < PAGE_SIZE else comment.root_id - 1

"""Reading discussions: a clause's threads a page at a time, and a version's counts and highlights.

Every list is one ordered query (authors joined in) and the tree is built in Python: a page of root
comments is chosen in a subquery and all their replies come with them, ordered by (root_id, id), so
parents always precede their replies. The number of queries never depends on the number of comments.

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
from ..security import Permission, require
from .comment_access import Viewer, viewer_for
from .errors import Forbidden, NotFound, Unauthorized

PAGE_SIZE = 50
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


@dataclass
class Node:
    comment: Comment
    sees_body: bool
    parent: "Node | None" = None
    replies: list["Node"] = field(default_factory=list)
    carried: Carried | None = None  # set on the root of a thread carried from an earlier version

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
        flat, stack = [], list(reversed(self.replies))
        while stack:  # iterative: threads may be deeper than Python's recursion limit
            node = stack.pop()
            flat.append(node)
            stack.extend(reversed(node.replies))
        return flat


@dataclass
class ThreadPage:
    threads: list[Node]
    total_threads: int
    next_after: int | None  # pass as `after` for the next page; None on the last page


def author_name(comment: Comment) -> str:
    author = comment.__dict__.get("author")
    return author.display_name if author is not None else "Former member"


def _with_people(query):
    return query.options(joinedload(Comment.author), joinedload(Comment.stakeholder_group))


def _root_filter(viewer: Viewer):
    """Roots worth listing for this viewer: readable, or a tombstone that still holds replies."""
    reply = aliased(Comment)
    has_replies = exists().where(reply.root_id == Comment.id, reply.id != Comment.id)
    readable = Comment.status == "visible"
    if viewer.can_moderate:
        readable = Comment.status != "deleted"
    elif viewer.user_id is not None:
        readable = or_(readable, and_(Comment.status == "hidden", Comment.author_id == viewer.user_id))
    return or_(readable, has_replies)


def _carried_roots(clause_id: int):
    """Roots of the threads carried onto the clause from earlier versions (closed orphans left out)."""
    return select(CommentAnchor.comment_id).where(CommentAnchor.clause_id == clause_id,
                                                  CommentAnchor.closed_at.is_(None))


def _roots(clause_id: int, viewer: Viewer):
    """The clause's threads: written on it, or carried onto it."""
    here = and_(Comment.clause_id == clause_id, Comment.parent_id.is_(None))
    return select(Comment.id).where(or_(here, Comment.id.in_(_carried_roots(clause_id))), _root_filter(viewer))


def build_tree(rows: list[Comment], viewer: Viewer, carried: dict[int, Carried] | None = None) -> list[Node]:
    """Nest comments ordered parents-first; drop what the viewer may not see unless it holds replies."""
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
        if node.sees_body or node.replies:  # a tombstone stays when it holds replies
            keep.add(node.comment.id)
            if node.parent is not None:
                node.parent.replies.append(node)
    for node in ordered:
        node.replies.reverse()
    return [node for node in ordered if node.parent is None and node.comment.id in keep]


def _thread_rows(clause: Clause, roots) -> tuple[list[Comment], dict[int, Carried]]:
    """Every comment of these threads up to the clause's version, and the carried ones' anchors: one query.

    A thread's comments sit on the clause it was written on and on the clauses it was carried onto
    (replies are written where the thread is shown), so both are named to keep to the clause index."""
    number = db.session.get(Version, clause.version_id).number
    thread_clauses = select(Comment.clause_id).where(Comment.id.in_(roots)).union(
        select(CommentAnchor.clause_id).where(CommentAnchor.comment_id.in_(roots)))
    origin = aliased(Clause)
    anchor_here = and_(CommentAnchor.comment_id == Comment.id, CommentAnchor.clause_id == clause.id)
    rows = db.session.execute(
        _with_people(select(Comment, CommentAnchor, origin, Version.number))
        .join(Version, Version.id == Comment.version_id)
        .outerjoin(CommentAnchor, anchor_here)
        .outerjoin(origin, and_(origin.id == Comment.clause_id, CommentAnchor.id.is_not(None)))
        .where(Comment.clause_id.in_(thread_clauses), Comment.root_id.in_(roots), Version.number <= number)
        .order_by(Comment.root_id, Comment.id))
    comments, carried = [], {}
    for comment, anchor, original_clause, version_number in rows:
        comments.append(comment)
        if anchor is not None:
            carried[comment.id] = Carried(anchor, original_clause, version_number)
    return comments, carried


def clause_threads(clause: Clause, viewer: Viewer, after: int | None = None, limit: int = PAGE_SIZE) -> ThreadPage:
    """One page of the clause's threads (written here or carried here), oldest first, with every reply:
    two queries."""
    total = db.session.scalar(select(func.count()).select_from(_roots(clause.id, viewer).subquery()))
    roots = _roots(clause.id, viewer)
    if after:
        roots = roots.where(Comment.id > after)
    roots = roots.order_by(Comment.id).limit(limit + 1)
    rows, carried = _thread_rows(clause, roots)
    root_ids = sorted({c.root_id for c in rows})
    next_after = None
    if len(root_ids) > limit:
        next_after = root_ids[limit - 1]
        rows = [c for c in rows if c.root_id <= next_after]
    return ThreadPage(build_tree(rows, viewer, carried), total or 0, next_after)


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


def load_comment(comment_id: int) -> Comment:
    """One comment with its author, and its parent (with author) for "in reply to"."""
    comment = db.session.scalar(_with_people(select(Comment)).where(Comment.id == comment_id))
    if comment is None:
        raise NotFound("There is no such comment.")
    if comment.parent_id is not None:
        db.session.scalar(_with_people(select(Comment)).where(Comment.id == comment.parent_id))
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


def single_node(comment: Comment, viewer: Viewer) -> Node:
    parent_comment = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
    parent = Node(parent_comment, viewer.sees_body(parent_comment)) if parent_comment else None
    return Node(comment, viewer.sees_body(comment), parent=parent)


def page_start_for(comment: Comment, viewer: Viewer) -> int | None:
    """The `after` that opens the page showing this comment's thread (None: the first page)."""
    earlier = db.session.scalar(select(func.count()).select_from(
        _roots(comment.clause_id, viewer).where(Comment.id < comment.root_id).subquery()))
    return None if (earlier or 0) < PAGE_SIZE else comment.root_id - 1


# --- a whole version -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ClauseCounts:
    open_threads: int
    comments: int


def _open_root():
    return case((and_(Comment.parent_id.is_(None), Comment.resolved_at.is_(None)), 1), else_=0)


def version_counts(version: Version) -> dict[int, ClauseCounts]:
    """Per clause: open threads and readable comments, written there or carried there: two aggregate queries.

    A carried thread counts its comments from earlier versions here; those written on this version are
    on this version's clause and counted with it."""
    rows = list(db.session.execute(
        select(Comment.clause_id, func.sum(_open_root()), func.count())
        .where(Comment.version_id == version.id, Comment.status == "visible").group_by(Comment.clause_id)))
    rows += db.session.execute(
        select(CommentAnchor.clause_id, func.sum(_open_root()), func.count())
        .join(Clause, Clause.id == CommentAnchor.clause_id)
        .join(Comment, and_(Comment.root_id == CommentAnchor.comment_id, Comment.document_id == version.document_id))
        .join(Version, Version.id == Comment.version_id)
        .where(Clause.version_id == version.id, CommentAnchor.closed_at.is_(None), Comment.status == "visible",
               Version.number < version.number)
        .group_by(CommentAnchor.clause_id))
    counts: dict[int, ClauseCounts] = {}
    for clause_id, open_count, total in rows:
        before = counts.get(clause_id, ClauseCounts(0, 0))
        counts[clause_id] = ClauseCounts(before.open_threads + int(open_count or 0), before.comments + total)
    return counts


def version_highlights(version: Version) -> dict[int, list[list]]:
    """Per clause: [start, end, root id, resolved] of each readable quoted thread, written there or carried
    there (where its words were found again), in two queries."""
    written = db.session.execute(
        select(Comment.clause_id, Comment.quote_start, Comment.quote_end, Comment.id, Comment.resolved_at)
        .where(Comment.version_id == version.id, Comment.parent_id.is_(None), Comment.status == "visible",
               Comment.quote_start.is_not(None)))
    carried = db.session.execute(
        select(CommentAnchor.clause_id, CommentAnchor.quote_start, CommentAnchor.quote_end, Comment.id,
               Comment.resolved_at)
        .join(Clause, Clause.id == CommentAnchor.clause_id).join(Comment, Comment.id == CommentAnchor.comment_id)
        .where(Clause.version_id == version.id, CommentAnchor.status != "orphaned", Comment.status == "visible",
               CommentAnchor.quote_start.is_not(None)))
    highlights: dict[int, list[list]] = {}
    for clause_id, start, end, comment_id, resolved_at in sorted([*written, *carried], key=lambda row: (row[0], row[1])):
        highlights.setdefault(clause_id, []).append([start, end, comment_id, resolved_at is not None])
    return highlights

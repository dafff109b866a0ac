"""Carrying annotations over to a new version, and the chair's list of those that lost their place.

When a version is published, every thread on the previous version (written there, or carried there
from an earlier version) is placed on the successor of its clause with `anchoring.resolve_selector`,
following DOMAIN.md section 4: a `CommentAnchor` row says where it landed (exact, fuzzy with its score,
or orphaned; an amendment applied in a working draft lands as `applied` on the clause it changed).
Comments on a whole clause follow the successor clause. A thread whose clause was removed
is orphaned beside the nearest clause that survived. Orphans are not carried further: they wait in the
chair's list to be re-attached to a clause or closed. The comment itself never changes, so its thread
still reads as written on its original version; the discussions of later versions read these rows
(services.threads) to show it where it landed.
"""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from ..anchoring import Anchor, Selector, SelectorError, resolve_selector, selector_from_input
from ..extensions import db
from ..models import Clause, Comment, CommentAnchor, Version
from ..models._base import utcnow
from ..realtime import queue_event, version_room
from .errors import Conflict, Invalid
from .record import append_event

ORPHAN = Anchor("orphaned", None, None)


@dataclass(frozen=True)
class _Thread:
    """A thread to carry over: its root comment, the clause it sits on now, and its selector there."""

    comment_id: int
    clause_id: int
    selector: Selector | None


def _selector(row) -> Selector | None:
    if row.quote_exact is None:
        return None
    return Selector(row.quote_exact, row.quote_prefix or "", row.quote_suffix or "",
                    row.quote_start or 0, row.quote_end or 0)


def _threads_on(version: Version) -> list[_Thread]:
    """Roots written on the version, then those carried onto it and placed (orphans stay behind).

    Deleted roots come too: their tombstone keeps the replies readable."""
    quote = (Comment.quote_exact, Comment.quote_prefix, Comment.quote_suffix, Comment.quote_start, Comment.quote_end)
    written = db.session.execute(
        select(Comment.id, Comment.clause_id, *quote)
        .where(Comment.version_id == version.id, Comment.parent_id.is_(None))
        .order_by(Comment.id))
    carried = db.session.execute(
        select(CommentAnchor.comment_id, CommentAnchor.clause_id, CommentAnchor.quote_exact,
               CommentAnchor.quote_prefix, CommentAnchor.quote_suffix, CommentAnchor.quote_start,
               CommentAnchor.quote_end)
        .join(Clause, Clause.id == CommentAnchor.clause_id)
        .where(Clause.version_id == version.id, CommentAnchor.status != "orphaned")
        .order_by(CommentAnchor.comment_id))
    return [_Thread(row[0], row[1], _selector(row)) for rows in (written, carried) for row in rows]


def place_annotation(selector: Selector | None, successor_text: str) -> Anchor:
    """Where a thread lands on the successor clause: a whole-clause comment always follows it."""
    if selector is None:
        return Anchor("exact", None, None)
    return resolve_selector(selector, successor_text)


def _anchor_row(comment_id: int, clause: Clause, anchor: Anchor) -> CommentAnchor:
    selector = anchor.selector
    return CommentAnchor(
        comment_id=comment_id, clause_id=clause.id, status=anchor.status, score=anchor.score,
        quote_exact=selector.exact if selector else None, quote_prefix=selector.prefix if selector else None,
        quote_suffix=selector.suffix if selector else None, quote_start=selector.start if selector else None,
        quote_end=selector.end if selector else None)


def _fallbacks(old_clauses: list[Clause], successors: dict[int, Clause], first: Clause) -> dict[int, Clause]:
    """For each old clause, its successor, else the successor of the nearest earlier clause that has one."""
    places, last = {}, first
    for clause in old_clauses:
        last = successors.get(clause.id, last)
        places[clause.id] = last
    return places


def _best_place(selector: Selector | None, candidates: list[Clause]) -> tuple[Clause, Anchor]:
    """Among the clauses that continue a split clause, the one where the quote is found best."""
    placed = [(clause, place_annotation(selector, clause.text)) for clause in candidates]
    found = [pair for pair in placed if pair[1].status != "orphaned"]
    exact = [pair for pair in found if pair[1].status == "exact"]
    if exact:
        return exact[0]
    if found:
        return max(found, key=lambda pair: pair[1].score or 0)
    return candidates[0], ORPHAN


def reanchor_annotations(actor, previous: Version, new_clauses: list[Clause], *,
                         successors: dict[int, list[Clause]] | None = None,
                         applied: dict[int, tuple[Clause, Selector | None]] | None = None) -> dict[str, int]:
    """Place every thread of `previous` on the new version's clauses; returns counts by status.

    `successors`, from a working draft, is the exact predecessor map (old clause id -> the new clauses
    that continue it; a split clause has two); without it each new clause's `predecessor_id` is used.
    `applied` places the threads of amendments applied in the working draft (root comment id -> the
    new clause and the selector of the applied words) with status `applied`."""
    counts = {"exact": 0, "fuzzy": 0, "orphaned": 0}  # and "applied" when there are any
    threads = _threads_on(previous)
    if not threads or not new_clauses:
        return counts
    old_clauses = list(db.session.scalars(select(Clause).where(Clause.version_id == previous.id)
                                          .order_by(Clause.position)))
    old_text = {clause.id: clause.text for clause in old_clauses}
    if successors is None:
        successors = {clause.predecessor_id: [clause] for clause in new_clauses if clause.predecessor_id}
    places = _fallbacks(old_clauses, {old: clauses[0] for old, clauses in successors.items()}, new_clauses[0])
    applied = applied or {}
    rows = []
    for thread in threads:
        candidates = successors.get(thread.clause_id, [])
        if thread.comment_id in applied:
            successor, selector = applied[thread.comment_id]
            anchor = Anchor("applied", selector, None)
        elif not candidates:
            successor, anchor = None, ORPHAN  # the clause is gone: wait beside the nearest surviving clause
        elif len(candidates) == 1 and candidates[0].text == old_text[thread.clause_id] and thread.selector:
            successor, anchor = candidates[0], Anchor("exact", thread.selector, None)  # unchanged: same place
        else:
            successor, anchor = _best_place(thread.selector, candidates)
        counts[anchor.status] = counts.get(anchor.status, 0) + 1
        rows.append(_anchor_row(thread.comment_id, successor or places[thread.clause_id], anchor))
    db.session.add_all(rows)
    db.session.flush()
    document = previous.document
    append_event("annotations.reanchored", actor=actor, subject=previous, working_group_id=document.working_group_id,
                 document_id=document.id, public=document.public,
                 payload={"from_version": previous.number, **counts})
    return counts


@dataclass
class Orphan:
    """An annotation that lost its place: where it waits now, and where it was written."""

    anchor: CommentAnchor
    comment: Comment
    clause: Clause          # the clause of the later version it waits beside
    version_number: int
    original: Clause        # the clause it was written on

    @property
    def clause_removed(self) -> bool:
        """True when its clause is gone, rather than the quoted words."""
        return self.clause.key != self.original.key


def orphaned_annotations(document) -> list[Orphan]:
    """Open orphans of the document, newest version first: one query."""
    original = aliased(Clause)
    rows = db.session.execute(
        select(CommentAnchor, Comment, Clause, Version.number, original)
        .join(Comment, Comment.id == CommentAnchor.comment_id)
        .join(Clause, Clause.id == CommentAnchor.clause_id)
        .join(Version, Version.id == Clause.version_id)
        .join(original, original.id == Comment.clause_id)
        .options(joinedload(Comment.author))
        .where(Comment.document_id == document.id, CommentAnchor.status == "orphaned",
               CommentAnchor.closed_at.is_(None), Comment.status != "deleted")
        .order_by(Version.number.desc(), Clause.position, Comment.id))
    return [Orphan(*row) for row in rows]


def _open_orphan(anchor: CommentAnchor) -> None:
    if anchor.status != "orphaned" or anchor.closed_at is not None:
        raise Conflict("This annotation is not waiting to be re-attached.")


def _record(kind: str, actor, anchor: CommentAnchor, clause: Clause, payload: dict) -> None:
    version = db.session.get(Version, clause.version_id)
    document = version.document
    append_event(kind, actor=actor, subject=anchor, subject_type="annotation", working_group_id=document.working_group_id,
                 document_id=document.id, public=document.public,
                 payload={"comment_id": anchor.comment_id, "version": version.number, **payload})
    queue_event("anchor_updated", {"comment_id": anchor.comment_id, "clause_id": anchor.clause_id,
                                   "status": anchor.status}, version_room(version.id))


def document_anchor(document, anchor_id: int) -> CommentAnchor | None:
    """An anchor on a clause of this document, or None."""
    return db.session.scalar(select(CommentAnchor).join(Clause, Clause.id == CommentAnchor.clause_id)
                             .join(Version, Version.id == Clause.version_id)
                             .where(CommentAnchor.id == anchor_id, Version.document_id == document.id))


def reattach_targets(document) -> list[Clause]:
    """The clauses an orphan may be re-attached to: those of the current version, where discussion goes on."""
    return list(db.session.scalars(select(Clause).where(Clause.version_id == document.current_version_id)
                                   .order_by(Clause.position)))


def reattach_orphan(actor, anchor: CommentAnchor, clause_id, quote: str | None = None) -> Clause:
    """Attach an orphan to a clause of the current version, on quoted words of it or on the whole clause.

    An orphan left waiting on an older version moves to the current one, where the discussion goes on."""
    _open_orphan(anchor)
    waiting = db.session.get(Clause, anchor.clause_id)
    document = db.session.get(Version, waiting.version_id).document
    clause = db.session.get(Clause, clause_id) if isinstance(clause_id, int) else None
    if clause is None or clause.version_id != document.current_version_id:
        raise Invalid("Choose a clause of the current version.", field="clause_id")
    if clause.id != anchor.clause_id and db.session.scalar(select(CommentAnchor.id).where(
            CommentAnchor.comment_id == anchor.comment_id, CommentAnchor.clause_id == clause.id)):
        raise Conflict("This annotation is already on that clause.", field="clause_id")
    selector = None
    if quote and quote.strip():
        try:
            selector = selector_from_input(clause.text, {"exact": quote})
        except SelectorError as exc:
            raise Invalid(str(exc), field="quote") from None
    anchor.clause_id, anchor.status, anchor.score = clause.id, "exact", None
    anchor.quote_exact = selector.exact if selector else None
    anchor.quote_prefix = selector.prefix if selector else None
    anchor.quote_suffix = selector.suffix if selector else None
    anchor.quote_start = selector.start if selector else None
    anchor.quote_end = selector.end if selector else None
    db.session.flush()
    _record("annotation.reattached", actor, anchor, clause, {"clause": clause.label, "quoted": selector is not None})
    return clause


def close_orphan(actor, anchor: CommentAnchor) -> None:
    """The chair decides the annotation needs no place in the new version."""
    _open_orphan(anchor)
    anchor.closed_at = utcnow()
    db.session.flush()
    clause = db.session.get(Clause, anchor.clause_id)
    _record("annotation.orphan_closed", actor, anchor, clause, {"clause": clause.label})

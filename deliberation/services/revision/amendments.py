"""Accepted amendments in a working draft: which are waiting, applying one with one action, and undo.

An amendment is a comment of kind `amendment` with replacement text and (usually) a quote of the words
it replaces. Those of the document whose disposition is accepted or accepted in part, and that no
published version has applied yet, are listed. Applying finds the quote in the draft's text as it is
now, which may already have changed: `anchoring.resolve_selector` (the re-anchoring's own search: the
position, the exact quote, then fuzzy) on the clause with the amendment's key, or on the clauses that
continue it after a split or merge. Where the quote cannot be found the amendment `needs_hand`: the
editor changes the text and marks it applied. An applied amendment keeps the words it replaced, so it
can be undone until the draft is published.
"""
from dataclasses import dataclass

from sqlalchemy import select

from ...anchoring import Anchor, Selector, resolve_selector
from ...extensions import db
from ...i18n import N_
from ...models import Clause, Comment, DraftAmendment, DraftClause, WorkingDraft
from ...models._base import utcnow
from ..errors import Conflict, Invalid, NotFound
from .drafts import draft_clause, draft_clauses, require_editor, touch
from .editing import clean_clause_text
from .payloads import announce_structure

ACCEPTED = ("accepted", "accepted_in_part")


class NeedsHand(Conflict):
    code = "needs_hand"


@dataclass
class DraftAmendmentView:
    """An accepted amendment as the working draft shows it."""

    comment: Comment
    clause_key: str  # the key of the clause it was written on
    status: str  # pending | applied | needs_hand
    application: DraftAmendment | None
    target_key: str | None  # the draft clause it applies (or was applied) to


def comment_selector(comment: Comment) -> Selector | None:
    if comment.quote_exact is None:
        return None
    return Selector(comment.quote_exact, comment.quote_prefix or "", comment.quote_suffix or "",
                    comment.quote_start or 0, comment.quote_end or 0)


def _accepted_query(draft: WorkingDraft):
    return (select(Comment, Clause.key).join(Clause, Clause.id == Comment.clause_id)
            .where(Comment.document_id == draft.document_id, Comment.kind == "amendment",
                   Comment.disposition.in_(ACCEPTED), Comment.status != "deleted",
                   Comment.replacement_text.is_not(None), Comment.applied_in_version_id.is_(None)))


def _candidates(clauses: list[DraftClause], key: str) -> list[DraftClause]:
    """The draft clause with this key first, then the clauses that continue it (split parts, merges)."""
    return ([c for c in clauses if c.key == key] +
            [c for c in clauses if c.key != key and key in (c.predecessor_keys or [])])


def locate(comment: Comment, candidates: list[DraftClause]) -> tuple[DraftClause, Anchor] | None:
    """Where the amendment's quote is now: the first exact place, else the best fuzzy one, else None."""
    selector = comment_selector(comment)
    if selector is None:
        return (candidates[0], Anchor("exact", None, None)) if candidates else None
    found = [(clause, resolve_selector(selector, clause.text)) for clause in candidates]
    found = [(clause, anchor) for clause, anchor in found if anchor.status != "orphaned"]
    exact = [pair for pair in found if pair[1].status == "exact"]
    if exact:
        return exact[0]
    return max(found, key=lambda pair: pair[1].score or 0) if found else None


def draft_amendments(draft: WorkingDraft, clauses: list[DraftClause] | None = None) -> list[DraftAmendmentView]:
    """Every accepted amendment not yet published, with its state in this draft: two queries (plus the
    clauses, unless given)."""
    clauses = draft_clauses(draft) if clauses is None else clauses
    applied = {row.comment_id: row for row in db.session.scalars(
        select(DraftAmendment).where(DraftAmendment.draft_id == draft.id))}
    views = []
    for comment, key in db.session.execute(_accepted_query(draft).order_by(Comment.id)):
        row = applied.get(comment.id)
        if row is not None:
            views.append(DraftAmendmentView(comment, key, "applied", row, row.clause_key))
            continue
        place = locate(comment, _candidates(clauses, key))
        views.append(DraftAmendmentView(comment, key, "pending" if place else "needs_hand", None,
                                        place[0].key if place else None))
    return views


def _accepted_amendment(draft: WorkingDraft, comment_id) -> tuple[Comment, str]:
    comment = db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is None or comment.document_id != draft.document_id or comment.kind != "amendment":
        raise NotFound("This document has no such amendment.", code="unknown_amendment")
    if comment.disposition not in ACCEPTED or comment.status == "deleted" or comment.replacement_text is None:
        raise Conflict("Only an accepted amendment (or one accepted in part) can be applied.", code="not_accepted")
    if comment.applied_in_version_id is not None:
        raise Conflict("This amendment was applied in an earlier version.", code="already_applied")
    return comment, db.session.scalar(select(Clause.key).where(Clause.id == comment.clause_id))


def _application(draft: WorkingDraft, comment_id: int) -> DraftAmendment | None:
    return db.session.scalar(select(DraftAmendment).where(DraftAmendment.draft_id == draft.id,
                                                          DraftAmendment.comment_id == comment_id))


def _bump(actor, draft: WorkingDraft, clause: DraftClause) -> None:
    clause.revision += 1
    clause.updated_by_id, clause.updated_at = actor.id, utcnow()
    touch(draft)


def apply_amendment(actor, draft: WorkingDraft, comment_id, *, text=None) -> DraftClause:
    """Put the amendment's replacement text (or the chair's trimmed `text`) in place of the words it quoted."""
    require_editor(actor, draft.document)
    comment, key = _accepted_amendment(draft, comment_id)
    if _application(draft, comment.id) is not None:
        raise Conflict("This amendment is already applied in the working draft.", code="already_applied")
    replacement = comment.replacement_text if text is None else clean_clause_text(text)
    if comment.disposition == "accepted" and text is not None and replacement != comment.replacement_text.strip():
        raise Invalid("Only an amendment accepted in part can be trimmed before it is applied.", field="text")
    place = locate(comment, _candidates(draft_clauses(draft), key))
    if place is None:
        raise NeedsHand(N_("The words this amendment quotes are no longer in the working draft. Change the clause "
                        "by hand, then mark the amendment applied."))
    clause, anchor = place
    start, end = (anchor.selector.start, anchor.selector.end) if anchor.selector else (0, len(clause.text))
    before = clause.text
    clause.text = before[:start] + replacement + before[end:]
    db.session.add(DraftAmendment(draft_id=draft.id, comment_id=comment.id, clause_key=clause.key, status="applied",
                                  text_before=before, replaced_text=before[start:end], applied_text=replacement,
                                  start=start, end=start + len(replacement), applied_by_id=actor.id))
    _bump(actor, draft, clause)
    db.session.flush()
    announce_structure(draft, actor)
    return clause


def mark_applied_by_hand(actor, draft: WorkingDraft, comment_id, clause_key) -> DraftClause:
    """The editor changed the clause by hand for an amendment whose quote was not found: note it applied."""
    require_editor(actor, draft.document)
    comment, _key = _accepted_amendment(draft, comment_id)
    if _application(draft, comment.id) is not None:
        raise Conflict("This amendment is already applied in the working draft.", code="already_applied")
    if not isinstance(clause_key, str):
        raise Invalid("Say which clause carries the amendment.", field="clause_key")
    clause = draft_clause(draft, clause_key)
    db.session.add(DraftAmendment(draft_id=draft.id, comment_id=comment.id, clause_key=clause.key, status="by_hand",
                                  text_before=clause.text, applied_by_id=actor.id))
    touch(draft)
    db.session.flush()
    announce_structure(draft, actor)
    return clause


def undo_amendment(actor, draft: WorkingDraft, comment_id) -> DraftClause | None:
    """Put back the words an applied amendment replaced (a hand-applied one is only unmarked)."""
    require_editor(actor, draft.document)
    row = _application(draft, comment_id) if isinstance(comment_id, int) else None
    if row is None:
        raise NotFound("This amendment is not applied in the working draft.", code="not_applied")
    clause = db.session.scalar(select(DraftClause).where(DraftClause.draft_id == draft.id,
                                                         DraftClause.key == row.clause_key))
    if row.status == "applied":
        if clause is None:
            raise Conflict("The clause this amendment changed was deleted; nothing to undo.", code="undo_by_hand")
        text, start, end = clause.text, row.start, row.end
        if text[start:end] != row.applied_text:
            if text.count(row.applied_text) != 1:
                raise Conflict("The clause changed around the amendment since it was applied; undo it by hand.",
                               code="undo_by_hand")
            start = text.index(row.applied_text)
            end = start + len(row.applied_text)
        clause.text = text[:start] + (row.replaced_text or "") + text[end:]
        _bump(actor, draft, clause)
    db.session.delete(row)
    touch(draft)
    db.session.flush()
    announce_structure(draft, actor)
    return clause


def applied_place(comment: Comment) -> tuple[int, str] | None:
    """For an amendment a published working draft applied: (the version's number, the key of the clause that
    carries it there). One query, for such amendments only."""
    if comment.applied_in_version_id is None:
        return None
    from ...models import CommentAnchor, Version

    row = db.session.execute(
        select(Version.number, Clause.key).join(Clause, Clause.version_id == Version.id)
        .join(CommentAnchor, CommentAnchor.clause_id == Clause.id)
        .where(CommentAnchor.comment_id == comment.root_id, Version.id == comment.applied_in_version_id)
        .limit(1)).first()
    return (row[0], row[1]) if row else None

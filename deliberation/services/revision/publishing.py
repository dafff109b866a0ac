"""Before and at publishing a working draft: the checklist, the comparison, and publishing.

Publishing goes the way of a re-import (services.versions): the same lock, the same refusal while a
round is open, the same version row, clause rows (`documents._add_clauses`), `version.published` event
and re-anchoring; but the predecessor of every clause is known, not guessed. A clause keeps its key,
so its predecessor is the base clause of that key; a split clause's second part names the clause it
came from, and a merged clause the clauses it joined. Threads of amendments applied in the draft land
as `applied` on the clause they changed, and the amendments record the version that applied them.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from ...anchoring import Selector, make_selector
from ...extensions import db
from ...importer import ParsedClause
from ...models import Clause, Comment, CommentAnchor, DraftAmendment, DraftClause, Version, WorkingDraft
from ..compare import ClauseDiff, pair_clauses
from ..documents import _add_clauses
from ..errors import Conflict, Invalid
from ..reanchor import reanchor_annotations
from ..validation import clean_text
from ..version_matching import ClauseText, change_of
from ..versions import lock_current_version, new_version, refuse_if_round_open, supersede
from .amendments import DraftAmendmentView, draft_amendments
from .drafts import base_clauses_by_key, draft_clauses, require_editor
from .payloads import announce_end

MAX_NOTE_CHARS = 5000


@dataclass
class Checklist:
    """What the chair reviews before publishing."""

    unapplied: list[DraftAmendmentView]       # accepted amendments not applied
    undisposed: int                          # comments on the base version without a disposition
    uncommented_changes: list[DraftClause]   # clauses changed with no comment behind them
    rows: list[ClauseDiff]                   # the full comparison with the base version

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("unchanged", "changed", "new", "removed"), 0)
        for row in self.rows:
            counts[row.change] += 1
        return counts


def compare_with_base(draft: WorkingDraft, clauses: list[DraftClause] | None = None) -> list[ClauseDiff]:
    """The draft against the version it revises, paired by key as the compare page pairs versions."""
    clauses = draft_clauses(draft) if clauses is None else clauses
    return pair_clauses(list(base_clauses_by_key(draft).values()), clauses)


def _commented_keys(draft: WorkingDraft) -> set[str]:
    """Keys of the base version's clauses with a thread, written there or carried there."""
    written = select(Clause.key).join(Comment, Comment.clause_id == Clause.id).where(
        Clause.version_id == draft.base_version_id, Comment.parent_id.is_(None), Comment.status != "deleted")
    carried = select(Clause.key).join(CommentAnchor, CommentAnchor.clause_id == Clause.id).where(
        Clause.version_id == draft.base_version_id)
    return set(db.session.scalars(written.union(carried)))


def publish_checklist(draft: WorkingDraft) -> Checklist:
    clauses = draft_clauses(draft)
    amendments = draft_amendments(draft, clauses)
    undisposed = db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.version_id == draft.base_version_id, Comment.parent_id.is_(None), Comment.status == "visible",
        Comment.disposition.is_(None))) or 0
    rows = compare_with_base(draft, clauses)
    commented = _commented_keys(draft)
    uncommented = [row.new for row in rows if row.change in ("changed", "new") and not
                   (set(row.new.predecessor_keys or []) | {row.new.key}) & commented]
    return Checklist([a for a in amendments if a.status != "applied"], undisposed, uncommented, rows)


def draft_source(clauses: list[DraftClause]) -> str:
    """A Markdown text of the draft, kept as the new version's source (as an import keeps the file)."""
    parts = []
    for clause in clauses:
        title = " ".join(part for part in (f"{clause.number}." if clause.number else "", clause.heading or "") if part)
        if title:
            parts.append("#" * min(clause.depth + 2, 6) + " " + title)
        if clause.text:
            parts.append(clause.text)
    return "\n\n".join(parts) + "\n"


def _flat(clauses: list[DraftClause]) -> list[tuple[ParsedClause, int, int | None]]:
    index = {clause.key: n for n, clause in enumerate(clauses)}
    return [(ParsedClause(clause.number, clause.heading, clause.text), clause.depth, index.get(clause.parent_key))
            for clause in clauses]


def _applied_places(draft: WorkingDraft, by_key: dict[str, Clause]) -> dict[int, tuple[Clause, Selector | None]]:
    """For each amendment applied in the draft: the new clause and where its words are in it."""
    places = {}
    for row in db.session.scalars(select(DraftAmendment).where(DraftAmendment.draft_id == draft.id)):
        clause = by_key.get(row.clause_key)
        if clause is None:
            continue
        selector = None
        if row.status == "applied" and row.applied_text and row.applied_text.strip():
            start = clause.text.find(row.applied_text, max(0, (row.start or 0) - len(row.applied_text)))
            start = clause.text.find(row.applied_text) if start < 0 else start
            if start >= 0:
                selector = make_selector(clause.text, start, start + len(row.applied_text))
        places[row.comment_id] = (clause, selector)
    return places


def publish_draft(actor, draft: WorkingDraft, *, label: str = "", note: str = "") -> Version:
    """Publish the working draft as the document's next version, and delete the draft."""
    require_editor(actor, draft.document)
    note = clean_text(note, "note", required=False, max_length=MAX_NOTE_CHARS)
    document = draft.document
    previous = lock_current_version(document)
    if previous.id != draft.base_version_id:
        raise Conflict("Version %(number)s was published after this working draft was opened; discard the draft "
                       "and open a new one.", code="base_changed", number=previous.number)
    clauses = draft_clauses(draft)
    if not any(clause.text.strip() or clause.heading for clause in clauses):
        raise Invalid("The working draft is empty; write at least one clause before publishing.", field="clauses")
    refuse_if_round_open(previous)
    version = new_version(actor, document, fmt="markdown", source=draft_source(clauses), label=label)
    rows = _add_clauses(version, _flat(clauses))
    base = {clause.key: clause for clause in db.session.scalars(
        select(Clause).where(Clause.version_id == previous.id))}
    successors: dict[int, list[Clause]] = {}
    for row, clause in zip(rows, clauses):
        row.key = clause.key
        named = [base[key] for key in clause.predecessor_keys or [] if key in base]
        own = base.get(clause.key)
        row.predecessor_id = (own or (named[0] if named else None)).id if (own or named) else None
        row.change = change_of(ClauseText(own.number, own.heading, own.text),
                               ClauseText(row.number, row.heading, row.text)) if own else "new"
        for predecessor in named:
            successors.setdefault(predecessor.id, []).append(row)
    db.session.flush()
    by_key = {row.key: row for row in rows}
    applied = _applied_places(draft, by_key)
    if applied:
        for comment in db.session.scalars(select(Comment).where(Comment.id.in_(applied))):
            comment.applied_in_version_id = version.id
            comment.disposition_version_id = comment.disposition_version_id or version.id
    counts = dict.fromkeys(("unchanged", "changed", "new"), 0)
    for row in rows:
        counts[row.change] += 1
    counts["removed"] = len(set(base) - set(by_key) - {k for c in clauses for k in c.predecessor_keys or []})
    supersede(actor, document, previous, version, rows, counts, working_draft=True,
              amendments_applied=len(applied), **({"note": note} if note else {}))
    reanchor_annotations(actor, previous, rows, successors=successors, applied=applied)
    announce_end(draft, actor, version.number)
    db.session.delete(draft)
    db.session.flush()
    return version

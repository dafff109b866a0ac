"""Publishing a new version of a document: import the revised text, match its clauses, supersede.

The revised draft goes through the same importer as version 1. Each new clause is matched to its
predecessor in the current version (`version_matching`); the chair sees the suggestion in a preview
and may correct it. Publishing stores the clauses with their predecessor's key (so a clause can be
followed through the history), marks each unchanged, changed or new, supersedes the previous
version, and carries the annotations over (`reanchor`).
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..importer import ParsedClause
from ..models import Clause, Document, Version
from ..realtime import queue_event, version_room
from .documents import _add_clauses, ensure_not_archived, preview_draft, version_clauses
from .errors import Conflict, Invalid
from .reanchor import reanchor_annotations
from .rounds import close_due_rounds, open_round_of
from .notifications import events as notification_events
from .record import append_event
from .validation import clean_text
from .version_matching import ClauseText, change_of, match_clauses

# Statuses a version keeps when a newer one is published: adoption is a historical fact.
KEEPS_STATUS = ("adopted",)


@dataclass
class ClauseMatch:
    """One clause of the revised draft and what it revises."""

    parsed: ParsedClause
    depth: int
    predecessor: Clause | None
    change: str  # unchanged | changed | new

    @property
    def label(self) -> str:
        return self.parsed.number or self.parsed.heading or ""


@dataclass
class VersionPlan:
    """What publishing would do: the previous version, the matched clauses and the removed ones."""

    previous: Version
    old: list[Clause]  # the previous version's clauses, in reading order
    flat: list[tuple[ParsedClause, int, int | None]]
    matches: list[ClauseMatch]
    removed: list[Clause]
    published: list[Clause] = field(default_factory=list)  # the stored clauses, once published

    def counts(self) -> dict[str, int]:
        counts = {"unchanged": 0, "changed": 0, "new": 0, "removed": len(self.removed)}
        for match in self.matches:
            counts[match.change] += 1
        return counts


def _clause_text(clause) -> ClauseText:
    return ClauseText(clause.number, clause.heading, clause.text)


def current_version(document: Document) -> Version:
    version = db.session.get(Version, document.current_version_id) if document.current_version_id else None
    if version is None:
        raise Conflict("This document has no current version to revise.")
    return version


def plan_version(document: Document, fmt: str, source: str, predecessor_ids: list | None = None,
                 edits: list | None = None) -> VersionPlan:
    """Parse the revised draft, apply the chair's preview edits and match it to the current version;
    nothing is written.

    `predecessor_ids`, when given, is the chair's matching: for each new clause in reading order (after
    the edits) the id of a clause of the current version, or None for a new clause.
    """
    ensure_not_archived(document)
    previous = current_version(document)
    _title, flat = preview_draft(fmt, source, edits)
    old = version_clauses(previous)
    new_texts = [ClauseText(parsed.number, parsed.heading, parsed.text) for parsed, _d, _p in flat]
    if predecessor_ids is None:
        indexes = match_clauses([_clause_text(c) for c in old], new_texts)
        predecessors = [old[i] if i is not None else None for i in indexes]
    else:
        predecessors = _chosen_predecessors(old, flat, predecessor_ids)
    matches = [ClauseMatch(parsed, depth, predecessor,
                           change_of(_clause_text(predecessor) if predecessor else None, new_texts[n]))
               for n, ((parsed, depth, _parent), predecessor) in enumerate(zip(flat, predecessors))]
    kept = {m.predecessor.id for m in matches if m.predecessor is not None}
    return VersionPlan(previous, old, flat, matches, [c for c in old if c.id not in kept])


def _chosen_predecessors(old: list[Clause], flat, predecessor_ids: list) -> list[Clause | None]:
    if len(predecessor_ids) != len(flat):
        raise Invalid("The matching names %(named)s clauses but the draft has %(count)s; preview the draft again.",
                      field="matches", named=len(predecessor_ids), count=len(flat))
    by_id = {clause.id: clause for clause in old}
    chosen: list[Clause | None] = []
    first_use: dict[int, int] = {}
    for index, clause_id in enumerate(predecessor_ids):
        if clause_id is None:
            chosen.append(None)
            continue
        if isinstance(clause_id, bool) or not isinstance(clause_id, int) or clause_id not in by_id:
            raise Invalid("A predecessor must be a clause of the current version, or none for a new clause.",
                          field="matches")
        if clause_id in first_use:
            earlier = _label(flat[first_use[clause_id]][0], first_use[clause_id])
            raise Invalid("Clauses %(earlier)s and %(later)s both revise clause %(label)s; a clause can have only "
                          "one successor. Mark one of them as new.", field="matches", earlier=earlier,
                          later=_label(flat[index][0], index), label=by_id[clause_id].label)
        first_use[clause_id] = index
        chosen.append(by_id[clause_id])
    return chosen


def _label(parsed: ParsedClause, index: int) -> str:
    return parsed.number or parsed.heading or f"¶{index + 1}"


def lock_current_version(document: Document) -> Version:
    """Lock the document row (two chairs publishing at once must not both revise the same current
    version) and return its current version, read again under the lock."""
    db.session.execute(select(Document.id).where(Document.id == document.id).with_for_update())
    db.session.refresh(document)
    return current_version(document)


def refuse_if_round_open(previous: Version) -> None:
    running = open_round_of(previous)
    if running is not None:
        close_due_rounds([running])  # a round past its closing time closes now, as on the round pages
    if running is not None and running.status == "open":
        raise Conflict("An endorsement round is open on version %(number)s; close it before publishing a new "
                       "version.", number=previous.number)


def new_version(actor, document: Document, *, fmt: str, source: str, label: str) -> Version:
    """The next version row of the document (open for comment), flushed, without its clauses."""
    number = (db.session.scalar(select(func.max(Version.number)).where(Version.document_id == document.id)) or 0) + 1
    version = Version(document_id=document.id, number=number, status="open", source_format=fmt, source=source,
                      label=clean_text(label, "label", required=False, max_length=120) or f"Discussion draft {number}",
                      created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    return version


def supersede(actor, document: Document, previous: Version, version: Version, clauses: list[Clause],
              counts: dict[str, int], **payload) -> None:
    """Make `version` current, supersede `previous`, write `version.published` and tell the previous
    version's readers. The caller then carries the annotations over (`reanchor_annotations`)."""
    if previous.status not in KEEPS_STATUS:
        previous.status = "superseded"
    document.current_version_id = version.id
    db.session.flush()
    append_event("version.published", actor=actor, subject=version, working_group_id=document.working_group_id,
                 document_id=document.id, public=document.public,
                 payload={"number": version.number, "label": version.label, "clauses": len(clauses),
                          "previous": previous.number, "changes": counts, **payload})
    event = {"document_id": document.id, "version_id": version.id, "number": version.number, "label": version.label}
    queue_event("version_published", event, version_room(previous.id))
    notification_events.version_published(actor, document, version)


def publish_version(actor, document: Document, *, fmt: str, source: str, predecessor_ids: list | None = None,
                    label: str = "", edits: list | None = None) -> tuple[Version, VersionPlan]:
    """Publish the revised draft as the document's next version (open for comment)."""
    lock_current_version(document)
    plan = plan_version(document, fmt, source, predecessor_ids, edits)
    previous = plan.previous
    refuse_if_round_open(previous)
    version = new_version(actor, document, fmt=fmt, source=source, label=label)
    clauses = plan.published = _add_clauses(version, plan.flat)
    for clause, match in zip(clauses, plan.matches):
        clause.change = match.change
        if match.predecessor is not None:
            clause.key, clause.predecessor_id = match.predecessor.key, match.predecessor.id
    supersede(actor, document, previous, version, clauses, plan.counts())
    reanchor_annotations(actor, previous, clauses)
    return version, plan

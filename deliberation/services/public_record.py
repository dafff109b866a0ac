"""The public record of a document, as data: its history, versions and what changed, the disposition
report, rounds with their frozen results, designations and statements, the formal-objection register,
verified expressions of support, its record events and the chain's head.

Pure reads for the record page, the printable record and the exports, each a fixed number of queries
whatever the size of the document. What a reader gets never exceeds what the pages show them: drafts
only for chairs, comments only where the comment rules allow (never hidden or deleted ones, never an
e-mail address), named positions only once a round has closed, and only public record events.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Bundle, joinedload

from ..extensions import db
from ..models import (
    Clause, Comment, Document, MinorityStatement, RecordEvent, Round, RoundItem, StakeholderGroup, Support, User,
    Version,
)
from ..security import Permission, can
from .documents import version_clauses
from .errors import NotFound
from .objections import RegisterEntry, objection_register
from .round_record import read_rounds
from .supports import INDIVIDUAL

EVENTS_SHOWN = 50
COMMENT_COLUMNS = Bundle("comment", *Comment.__table__.columns)
EVENT_COLUMNS = Bundle("event", *RecordEvent.__table__.columns)


@dataclass
class VersionEntry:
    version: Version
    counts: dict[str, int]  # unchanged / changed / new / removed, against the previous version


@dataclass
class CommentRow:
    comment: Comment  # the comment's columns as a read-only row (not an ORM object: thousands come at once)
    clause: Clause
    version_number: int
    author: str
    sector: str | None
    disposition_version: int | None  # the number of the version that carries an accepted change


@dataclass
class RoundEntry:
    round: Round
    version_number: int
    items: list[RoundItem] = field(default_factory=list)
    statements: dict[int, list[tuple[MinorityStatement, str]]] = field(default_factory=dict)

    def result(self, item: RoundItem) -> dict | None:
        """The item's frozen result; None while the round is open (the live tally is on the round page)."""
        frozen = self.round.final_tally or {}
        return frozen.get("items", {}).get(str(item.id))

    @property
    def sectors(self) -> list[dict]:
        return (self.round.final_tally or {}).get("sectors", [])


@dataclass
class DocumentRecord:
    document: Document
    versions: list[VersionEntry]
    comments_readable: bool
    disposition_counts: dict[int, dict[str, int]]  # version id -> disposition (or "none") -> comments
    rounds: list[RoundEntry]
    objections: list[RegisterEntry]
    supports: dict[int, list[Support]]  # version id -> verified supports
    events: list[RecordEvent]
    head: RecordEvent | None

    @property
    def sector_names(self) -> dict[str, str]:
        """Stakeholder-group keys to names, for supports (which may also come from individuals)."""
        return {**{s.key: s.name for s in self.document.working_group.stakeholder_groups}, INDIVIDUAL[0]: INDIVIDUAL[1]}


def visible_versions(viewer, document: Document) -> list[Version]:
    versions = db.session.scalars(select(Version).where(Version.document_id == document.id).order_by(Version.number))
    return [v for v in versions if can(viewer, Permission.VIEW_DOCUMENT, v)]


def comments_readable(viewer, document: Document) -> bool:
    """The comment rule of the pages: participants read them all, others when the group publishes them."""
    return can(viewer, Permission.VIEW_MEMBERS, document) or document.working_group.public_comments


def version_entries(versions: list[Version]) -> list[VersionEntry]:
    """Each version with its change counts: one grouped query."""
    rows = db.session.execute(select(Clause.version_id, Clause.change, func.count())
                              .where(Clause.version_id.in_([v.id for v in versions]))
                              .group_by(Clause.version_id, Clause.change))
    counts: dict[int, dict[str, int]] = {v.id: {"unchanged": 0, "changed": 0, "new": 0} for v in versions}
    for version_id, change, count in rows:
        counts[version_id][change] = count
    entries, previous_total = [], None
    for version in versions:
        found = counts[version.id]
        kept = found["unchanged"] + found["changed"]
        removed = previous_total - kept if previous_total is not None and version.number > 1 else 0
        entries.append(VersionEntry(version, {**found, "removed": max(removed, 0)}))
        previous_total = kept + found["new"]
    return entries


def disposition_counts(document: Document, versions: list[Version]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {v.id: {} for v in versions}
    rows = db.session.execute(
        select(Comment.version_id, Comment.disposition, func.count())
        .where(Comment.document_id == document.id, Comment.status == "visible",
               Comment.version_id.in_(list(counts)))
        .group_by(Comment.version_id, Comment.disposition))
    for version_id, disposition, count in rows:
        counts[version_id][disposition or "none"] = count
    return counts


def disposition_report(viewer, document: Document, versions: list[Version], version: Version | None = None) -> list[CommentRow]:
    """Every readable comment (of one version, or all shown versions) with its disposition: one query."""
    if not comments_readable(viewer, document):
        return []
    numbers = {v.id: v.number for v in versions}
    ids = [version.id] if version is not None else list(numbers)
    # Columns rather than Comment objects: a document may have tens of thousands of comments, and the
    # exports only read them (building ORM instances was most of the JSON export's time).
    rows = db.session.execute(
        select(COMMENT_COLUMNS, Clause, User.name, User.deleted_at, StakeholderGroup.name)
        .join(Clause, Clause.id == Comment.clause_id)
        .outerjoin(User, User.id == Comment.author_id)
        .outerjoin(StakeholderGroup, StakeholderGroup.id == Comment.stakeholder_group_id)
        .where(Comment.document_id == document.id, Comment.status == "visible", Comment.version_id.in_(ids))
        .order_by(Comment.version_id, Clause.position, Comment.root_id, Comment.id))
    return [CommentRow(comment, clause, numbers[comment.version_id], _display_name(name, deleted_at),
                       sector, numbers.get(comment.disposition_version_id))
            for comment, clause, name, deleted_at, sector in rows]


def _display_name(name: str | None, deleted_at) -> str:
    return "Former member" if name is None or deleted_at is not None else name


def report_rows(viewer, document: Document, number: str = "") -> tuple[list[CommentRow], Version | None]:
    """The disposition report of the whole document, or of the version with this number (NotFound if none)."""
    versions = visible_versions(viewer, document)
    chosen = next((v for v in versions if str(v.number) == number), None) if number else None
    if number and chosen is None:
        raise NotFound("There is no such version.", field="version")
    return disposition_report(viewer, document, versions, chosen), chosen


def round_entries(versions: list[Version]) -> list[RoundEntry]:
    """Rounds on the shown versions with their items and minority statements: three queries."""
    numbers = {v.id: v.number for v in versions}
    rounds = list(db.session.scalars(select(Round).where(Round.version_id.in_(list(numbers)))
                                     .order_by(Round.opened_at, Round.id)))
    read_rounds(rounds)  # a round past its closing time is read closed
    entries = {r.id: RoundEntry(r, numbers[r.version_id]) for r in rounds}
    if not entries:
        return []
    for item in db.session.scalars(select(RoundItem).options(joinedload(RoundItem.clause))
                                   .where(RoundItem.round_id.in_(list(entries))).order_by(RoundItem.position)):
        entries[item.round_id].items.append(item)
    round_of_item = {item.id: entry for entry in entries.values() for item in entry.items}
    statements = db.session.execute(
        select(MinorityStatement, User).outerjoin(User, User.id == MinorityStatement.user_id)
        .where(MinorityStatement.item_id.in_(list(round_of_item))).order_by(MinorityStatement.created_at))
    for statement, author in statements:
        round_of_item[statement.item_id].statements.setdefault(statement.item_id, []).append(
            (statement, author.display_name if author else "Former member"))
    return list(entries.values())


def verified_supports(versions: list[Version]) -> dict[int, list[Support]]:
    found: dict[int, list[Support]] = {v.id: [] for v in versions}
    for support in db.session.scalars(select(Support).where(Support.version_id.in_(list(found)),
                                                            Support.status == "verified")
                                      .order_by(Support.sector, Support.created_at)):
        found[support.version_id].append(support)
    return found


def document_events(document: Document, limit: int | None = EVENTS_SHOWN) -> list[RecordEvent]:
    """The document's public record events, newest first. With limit=None all of them, for the JSON
    export, as read-only rows of their columns (a long record has tens of thousands)."""
    where = (RecordEvent.document_id == document.id, RecordEvent.public.is_(True))
    if limit is None:
        return [row.event for row in db.session.execute(
            select(EVENT_COLUMNS).where(*where).order_by(RecordEvent.seq.desc()))]
    return list(db.session.scalars(select(RecordEvent).where(*where).order_by(RecordEvent.seq.desc()).limit(limit)))


def chain_head() -> RecordEvent | None:
    return db.session.scalar(select(RecordEvent).order_by(RecordEvent.seq.desc()).limit(1))


def document_record(viewer, document: Document, *, events: int | None = EVENTS_SHOWN) -> DocumentRecord:
    """Everything the record page shows of the document to this reader."""
    versions = visible_versions(viewer, document)
    readable = comments_readable(viewer, document)
    return DocumentRecord(
        document=document, versions=version_entries(versions), comments_readable=readable,
        disposition_counts=disposition_counts(document, versions) if readable else {},
        rounds=round_entries(versions),
        objections=[e for e in objection_register(document, include_open_rounds=False)
                    if e.round.version_id in {v.id for v in versions}],
        supports=verified_supports(versions), events=document_events(document, events), head=chain_head())


@dataclass
class PrintableRecord:
    record: DocumentRecord
    version: Version
    clauses: list[Clause]
    comments: list[CommentRow]


def printable_record(viewer, document: Document, number: str = "") -> PrintableRecord:
    """The record with one version's full text and its disposition report (the current version by default)."""
    data = document_record(viewer, document)
    versions = [entry.version for entry in data.versions]
    if not versions:
        raise NotFound("This document has no version you can read.")
    current = next((v for v in versions if v.id == document.current_version_id), versions[-1])
    version = next((v for v in versions if str(v.number) == number), None) if number else current
    if version is None:
        raise NotFound("There is no such version.", field="version")
    return PrintableRecord(data, version, version_clauses(version), disposition_report(viewer, document, versions, version))

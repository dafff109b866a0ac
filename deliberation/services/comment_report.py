"""The chairs' view of every comment of a document in time order: filters, pages, disposition report.

Two queries a page (the count and the rows, with author, stakeholder group, clause and version joined),
plus one for the clause filter's choices, whatever the number of comments.
"""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from ..numbers import whole_number
from ..extensions import db
from ..models import COMMENT_KINDS, COMMENT_TYPES, DISPOSITIONS, Clause, Comment, Document, Version

PAGE_SIZE = 50


@dataclass(frozen=True)
class ReportFilters:
    clause_key: str | None = None
    kind: str | None = None
    comment_type: str | None = None  # a type of comment, or "none" for comments without one
    stakeholder_group_id: int | None = None
    disposition: str | None = None  # a disposition, or "none" for comments without one
    unresolved: bool = False

    @classmethod
    def from_args(cls, args) -> "ReportFilters":
        """From query-string arguments; unknown values are ignored rather than refused."""
        stakeholder = args.get("stakeholder_group", "")
        disposition = args.get("disposition") or None
        comment_type = args.get("type") or None
        return cls(clause_key=args.get("clause") or None,
                   kind=args.get("kind") if args.get("kind") in COMMENT_KINDS else None,
                   comment_type=comment_type if comment_type in (*COMMENT_TYPES, "none") else None,
                   stakeholder_group_id=whole_number(stakeholder),
                   disposition=disposition if disposition in (*DISPOSITIONS, "none") else None,
                   unresolved=args.get("unresolved") in ("1", "on", "true"))


@dataclass(frozen=True)
class ReportRow:
    comment: Comment
    clause: Clause
    version_number: int
    applied_in_version: int | None = None  # an amendment a published working draft applied


def _filtered(document: Document, filters: ReportFilters):
    query = (select(Comment, Clause, Version.number).join(Clause, Clause.id == Comment.clause_id)
             .join(Version, Version.id == Comment.version_id).where(Comment.document_id == document.id))
    if filters.clause_key:
        query = query.where(Clause.key == filters.clause_key)
    if filters.kind:
        query = query.where(Comment.kind == filters.kind)
    if filters.comment_type == "none":
        query = query.where(Comment.comment_type.is_(None))
    elif filters.comment_type:
        query = query.where(Comment.comment_type == filters.comment_type)
    if filters.stakeholder_group_id:
        query = query.where(Comment.stakeholder_group_id == filters.stakeholder_group_id)
    if filters.disposition == "none":
        query = query.where(Comment.disposition.is_(None))
    elif filters.disposition:
        query = query.where(Comment.disposition == filters.disposition)
    if filters.unresolved:
        root = aliased(Comment)
        query = query.join(root, root.id == Comment.root_id).where(root.resolved_at.is_(None))
    return query


def document_comments(document: Document, filters: ReportFilters, page: int = 1) -> tuple[list[ReportRow], int]:
    """One page of the document's comments, oldest first, and how many match the filters."""
    query = _filtered(document, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    applied = aliased(Version)
    rows = db.session.execute(
        query.add_columns(applied.number).outerjoin(applied, applied.id == Comment.applied_in_version_id)
        .options(joinedload(Comment.author), joinedload(Comment.stakeholder_group))
        .order_by(Comment.created_at, Comment.id).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return [ReportRow(*row) for row in rows], total


def clause_choices(document: Document) -> list[tuple[str, str]]:
    """(key, label) of every clause the document has had, labelled and ordered as in its latest version."""
    clauses = db.session.scalars(
        select(Clause).join(Version, Version.id == Clause.version_id).where(Version.document_id == document.id)
        .order_by(Version.number, Clause.position))
    latest = {clause.key: clause for clause in clauses}
    return [(key, clause.label) for key, clause in sorted(latest.items(), key=lambda item: item[1].position)]

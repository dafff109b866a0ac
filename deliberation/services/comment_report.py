"""Every comment of a document in time order: filters, pages, disposition report (the chairs'
workbench, and the members' reading list).

Two queries a page (the count and the rows, with author, stakeholder group, clause and version joined),
plus one for the clause filter's choices, whatever the number of comments.

Who reads what (services.comment_access): anyone who may read the document's comments reads the list;
unpublished draft versions are listed to the chairs only; the text filter matches a hidden comment's
words only for those who may read them (the chairs and its author), so it cannot be used to probe them.
"""
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..numbers import whole_number
from ..extensions import db
from ..models import COMMENT_KINDS, COMMENT_TYPES, DISPOSITIONS, Clause, Comment, Document, User, Version

PAGE_SIZE = 50
STATUSES = ("visible", "hidden", "deleted")


@dataclass(frozen=True)
class ReportFilters:
    clause_key: str | None = None
    kind: str | None = None
    comment_type: str | None = None  # a type of comment, or "none" for comments without one
    stakeholder_group_id: int | None = None
    disposition: str | None = None  # a disposition, or "none" for comments without one
    unresolved: bool = False
    status: str | None = None  # visible | hidden | deleted
    author: str | None = None  # part of the author's name
    text: str | None = None    # words of the comment, its quote or its proposed text

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
                   unresolved=args.get("unresolved") in ("1", "on", "true"),
                   status=args.get("status") if args.get("status") in STATUSES else None,
                   author=(args.get("author") or "").strip()[:200] or None,
                   text=(args.get("q") or "").strip()[:200] or None)

    def as_args(self) -> dict:
        """The query-string arguments that give these filters back (to return to the same list)."""
        args = {"clause": self.clause_key, "kind": self.kind, "stakeholder_group": self.stakeholder_group_id,
                "disposition": self.disposition, "unresolved": "1" if self.unresolved else None,
                "type": self.comment_type, "status": self.status, "author": self.author, "q": self.text}
        return {key: value for key, value in args.items() if value}


@dataclass(frozen=True)
class ListReader:
    """Who reads the list: the chairs see drafts and hidden words; others what they may read."""
    user_id: int | None
    can_moderate: bool


def _like(words: str) -> str:
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class ReportRow:
    comment: Comment
    clause: Clause
    version_number: int
    applied_in_version: int | None = None  # an amendment a published working draft applied
    thread_resolved: bool = False          # whether the comment's thread is resolved


def _readable(reader: ListReader):
    """The comments whose words and author a member or a member of the public may read."""
    if reader.user_id is None:
        return Comment.status == "visible"
    return or_(Comment.status == "visible", and_(Comment.status == "hidden", Comment.author_id == reader.user_id))


def _filtered(document: Document, filters: ReportFilters, reader: ListReader):
    query = (select(Comment, Clause, Version.number).join(Clause, Clause.id == Comment.clause_id)
             .join(Version, Version.id == Comment.version_id).where(Comment.document_id == document.id))
    if not reader.can_moderate:
        query = query.where(Version.status != "draft")
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
    if filters.status:
        query = query.where(Comment.status == filters.status)
    if filters.author:
        named = func.lower(User.name).like(_like(filters.author), escape="\\")
        query = query.where(Comment.author_id.in_(select(User.id).where(User.deleted_at.is_(None), named)))
    if filters.text:
        pattern = _like(filters.text)
        query = query.where(or_(func.lower(Comment.body_source).like(pattern, escape="\\"),
                                func.lower(func.coalesce(Comment.quote_exact, "")).like(pattern, escape="\\"),
                                func.lower(func.coalesce(Comment.replacement_text, "")).like(pattern, escape="\\")))
    if reader.can_moderate:
        if filters.text:  # a deleted comment's words are gone from every page
            query = query.where(Comment.status != "deleted")
    elif filters.text or filters.author or filters.kind or filters.comment_type or filters.stakeholder_group_id:
        # What a comment says and who wrote it count only where the reader may read them (a hidden
        # comment shows neither its words nor its author to other members), so no filter can probe them.
        query = query.where(_readable(reader))
    return query


def document_comments(document: Document, filters: ReportFilters, page: int = 1,
                      reader: ListReader = ListReader(None, True)) -> tuple[list[ReportRow], int]:
    """One page of the document's comments the reader may list, oldest first, and how many match."""
    query = _filtered(document, filters, reader)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    applied, thread = aliased(Version), aliased(Comment)
    rows = db.session.execute(
        query.add_columns(applied.number, thread.resolved_at.is_not(None))
        .outerjoin(applied, applied.id == Comment.applied_in_version_id)
        .outerjoin(thread, thread.id == Comment.root_id)
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

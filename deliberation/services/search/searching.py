"""Running a search for a reader: parse, match in the engine, keep what the reader may read, apply
the filters, rank, page, and build each result's snippet and link. One query whatever the page size and
the number of matches: the ranked page of ids with the total beside each (a window count, so the matches
are found and checked once, not once for the count and again for the page), with everything a result
shows joined to those ids only. A page past the last result has no row to carry the total: it alone
takes a second query, the count.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from markupsafe import Markup
from sqlalchemy import func, select

from ...extensions import db
from ...models import Clause, Comment, Document, SearchEntry, StakeholderGroup, User, Version
from .access import joined_for_access, readable_clause
from .engines import engine_for
from .filters import SearchFilters, apply_filters
from .query import ParsedQuery, parse_query
from .snippets import snippet

PAGE_SIZE = 20


@dataclass(frozen=True)
class SearchResult:
    kind: str
    id: int               # the clause's id for a clause, the comment's for a comment, amendment or disposition
    document_id: int
    document_title: str
    version_id: int
    version_number: int
    version_label: str
    clause_id: int
    clause_label: str
    author: str | None
    stakeholder_group: str | None
    comment_type: str | None
    disposition: str | None
    created_at: datetime
    url: str
    snippet: Markup


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    results: list[SearchResult]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def by_document(self) -> list[tuple[str, int, list[SearchResult]]]:
        """The page's results grouped by document, in the order of each document's best result."""
        groups: dict[int, tuple[str, int, list[SearchResult]]] = {}
        for result in self.results:
            groups.setdefault(result.document_id, (result.document_title, result.document_id, []))[2].append(result)
        return list(groups.values())


def _url(entry: SearchEntry, document_id: int, version_number: int, clause_key: str) -> str:
    if entry.comment_id is not None:
        return url_for("discussion.permalink", comment_id=entry.comment_id)
    return url_for("documents.version", document_id=document_id, number=version_number, _anchor=f"clause-{clause_key}")


def _label(number, heading, position) -> str:
    return number or heading or f"¶{position + 1}"


def _result(row, parsed: ParsedQuery) -> SearchResult:
    entry = row.SearchEntry
    author = None
    if entry.author_id is not None:
        author = "Former member" if row.author_deleted_at else row.author_name
    return SearchResult(
        kind=entry.kind, id=entry.comment_id if entry.comment_id is not None else entry.clause_id,
        document_id=entry.document_id, document_title=row.title, version_id=entry.version_id,
        version_number=row.version_number, version_label=row.version_label, clause_id=entry.clause_id,
        clause_label=_label(row.clause_number, row.clause_heading, row.clause_position), author=author,
        stakeholder_group=row.sector, comment_type=row.comment_type, disposition=row.disposition,
        created_at=entry.created_at, url=_url(entry, entry.document_id, row.version_number, row.clause_key),
        snippet=snippet(entry.body, entry.language, parsed))


def search(user, text, filters: SearchFilters | None = None) -> SearchPage:
    """One page of what the reader may read that matches `text`; Invalid when the query says nothing."""
    filters = filters or SearchFilters()
    parsed = parse_query(text)
    matched = engine_for(db.session.connection()).matches(parsed)
    allowed = apply_filters(joined_for_access(select(SearchEntry.id, matched.c.score)
                                              .join(matched, matched.c.entry_id == SearchEntry.id))
                            .where(readable_clause(user)), filters).subquery("allowed")
    # Ranked outside the joins: the database joins all matches at once (hash joins), then keeps the best.
    ranked = (select(allowed.c.id, allowed.c.score, func.count().over().label("total"))
              .order_by(allowed.c.score.desc(), allowed.c.id.desc())
              .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)).subquery("ranked")
    rows = db.session.execute(
        select(SearchEntry, ranked.c.total, Document.title, Version.number.label("version_number"),
               Version.label.label("version_label"), Clause.number.label("clause_number"),
               Clause.heading.label("clause_heading"), Clause.position.label("clause_position"),
               Clause.key.label("clause_key"), User.name.label("author_name"),
               User.deleted_at.label("author_deleted_at"), StakeholderGroup.name.label("sector"),
               Comment.kind.label("comment_type"), Comment.disposition)
        .join(ranked, ranked.c.id == SearchEntry.id)
        .join(Document, Document.id == SearchEntry.document_id)
        .join(Version, Version.id == SearchEntry.version_id)
        .join(Clause, Clause.id == SearchEntry.clause_id)
        .outerjoin(Comment, Comment.id == SearchEntry.comment_id)
        .outerjoin(User, User.id == SearchEntry.author_id)
        .outerjoin(StakeholderGroup, StakeholderGroup.id == SearchEntry.stakeholder_group_id)
        .order_by(ranked.c.score.desc(), SearchEntry.id.desc())).all()
    if rows:
        total = rows[0].total
    elif filters.page == 1:
        total = 0
    else:  # past the last page: no row carries the total
        total = db.session.scalar(select(func.count()).select_from(allowed))
    return SearchPage(text, total, filters.page, [_result(row, parsed) for row in rows])

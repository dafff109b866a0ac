"""Keeping the index current, in the same transaction as the write.

A listener on every session flush reindexes the comments and clauses the flush wrote, so whichever
service posts, edits, deletes or hides a comment, records a disposition or publishes a version, the
index changes with it and commits or rolls back with it: a search never misses a committed comment and
never shows a deleted or hidden one. Only visible comments are indexed; their hidden, deleted and
tombstoned texts are removed.

`rebuild_index(connection)` fills the index from scratch (the migration that creates it, `flask
search-reindex`); `refill_words(connection)` gives the engine its words again from the stored entries
(a restored JSON backup brings the entries, not the engine's tables). Both work on a bare connection,
so the migration can call them.
"""
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from ...models import Clause, Comment, Document, SearchEntry, Version
from ...sanitize import plain_text
from .engines import engine_for
from .text import index_forms

# The comment attributes whose change changes what is indexed.
_COMMENT_FIELDS = ("body_source", "replacement_text", "status", "disposition", "disposition_rationale", "kind")
_CLAUSE_FIELDS = ("number", "heading", "text")
REBUILD_BATCH = 2000


def clause_text(number, heading, body) -> str:
    title = " ".join(part for part in (number, heading) if part)
    return f"{title}\n{body}".strip() if title else (body or "")


def _comment_rows(comment, working_group_id: int) -> list[dict]:
    """The entries of one comment row (a mapping or a Comment): its text and its disposition."""
    if comment["status"] != "visible":
        return []
    common = {"working_group_id": working_group_id, "document_id": comment["document_id"],
              "version_id": comment["version_id"], "clause_id": comment["clause_id"], "comment_id": comment["id"],
              "author_id": comment["author_id"], "stakeholder_group_id": comment["stakeholder_group_id"]}
    body = plain_text(comment["body_html"] or "")
    kind = "comment"
    if comment["kind"] == "amendment":
        kind, body = "amendment", f"{body}\n{comment['replacement_text'] or ''}".strip()
    rows = [dict(common, kind=kind, body=body, created_at=comment["created_at"])]
    if comment["disposition"] and comment["disposition_rationale"]:
        rows.append(dict(common, kind="disposition", body=comment["disposition_rationale"],
                         author_id=comment["disposition_by_id"], stakeholder_group_id=None,
                         created_at=comment["disposition_at"] or comment["created_at"]))
    return rows


def _clause_rows(clause, version) -> list[dict]:
    return [{"kind": "clause", "working_group_id": version["working_group_id"], "document_id": version["document_id"],
             "version_id": clause["version_id"], "clause_id": clause["id"], "comment_id": None, "author_id": None,
             "stakeholder_group_id": None, "created_at": version["created_at"],
             "body": clause_text(clause["number"], clause["heading"], clause["text"])}]


def _write(connection, rows: list[dict]) -> None:
    if not rows:
        return
    forms = []
    for row in rows:
        row["language"], stems, words = index_forms(row["body"])
        forms.append((stems, words))
    ids = connection.scalars(insert(SearchEntry).returning(SearchEntry.id, sort_by_parameter_order=True), rows).all()
    engine_for(connection).store(connection, [{"id": entry_id, "stems": stems, "words": words}
                                              for entry_id, (stems, words) in zip(ids, forms)])


def _as_row(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


_COMMENT_COLUMNS = ("id", "document_id", "version_id", "clause_id", "author_id", "stakeholder_group_id", "status",
                    "kind", "body_html", "replacement_text", "disposition", "disposition_rationale",
                    "disposition_by_id", "disposition_at", "created_at")
_CLAUSE_COLUMNS = ("id", "version_id", "number", "heading", "text")


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def reindex(connection, comments: list, clauses: list) -> None:
    """Replace the entries of these comments and clauses (ORM objects or rows) by their current text."""
    if comments:
        connection.execute(delete(SearchEntry).where(SearchEntry.comment_id.in_([c["id"] for c in comments])))
    if clauses:
        connection.execute(delete(SearchEntry).where(SearchEntry.kind == "clause",
                                                     SearchEntry.clause_id.in_([c["id"] for c in clauses])))
    groups = dict(connection.execute(select(Document.id, Document.working_group_id).where(
        Document.id.in_({c["document_id"] for c in comments}))).all()) if comments else {}
    versions = {}
    if clauses:
        versions = {row.id: row._mapping for row in connection.execute(
            select(Version.id, Version.document_id, Version.created_at, Document.working_group_id)
            .join(Document, Document.id == Version.document_id)
            .where(Version.id.in_({c["version_id"] for c in clauses})))}
    rows = [row for c in comments for row in _comment_rows(c, groups[c["document_id"]])]
    rows += [row for c in clauses for row in _clause_rows(c, versions[c["version_id"]])]
    _write(connection, rows)


@event.listens_for(Session, "after_flush")
def _reindex_flushed(session, _context) -> None:
    written = list(session.new) + list(session.dirty)
    comments = [_as_row(o, _COMMENT_COLUMNS) for o in written
                if isinstance(o, Comment) and (o in session.new or _changed(o, _COMMENT_FIELDS))]
    clauses = [_as_row(o, _CLAUSE_COLUMNS) for o in written
               if isinstance(o, Clause) and (o in session.new or _changed(o, _CLAUSE_FIELDS))]
    if comments or clauses:
        reindex(session.connection(), comments, clauses)


def rebuild_index(connection) -> int:
    """Empty the index and fill it again from every clause and comment; returns the entries written."""
    engine_for(connection).forget_all(connection)
    connection.execute(delete(SearchEntry))
    for model, columns in ((Clause, _CLAUSE_COLUMNS), (Comment, _COMMENT_COLUMNS)):
        last = 0
        while True:
            batch = [row._mapping for row in connection.execute(
                select(*(model.__table__.c[name] for name in columns))
                .where(model.__table__.c.id > last).order_by(model.__table__.c.id).limit(REBUILD_BATCH))]
            if not batch:
                break
            last = batch[-1]["id"]
            reindex(connection, batch if model is Comment else [], batch if model is Clause else [])
    return connection.scalar(select(func.count()).select_from(SearchEntry))


def refill_words(connection) -> int:
    """Recompute the engine's words of every entry from its stored text; returns the entries seen."""
    engine = engine_for(connection)
    engine.forget_all(connection)
    last, seen = 0, 0
    while True:
        batch = connection.execute(select(SearchEntry.id, SearchEntry.body).where(SearchEntry.id > last)
                                   .order_by(SearchEntry.id).limit(REBUILD_BATCH)).all()
        if not batch:
            return seen
        rows = []
        for entry_id, body in batch:
            _language, stems, words = index_forms(body)
            rows.append({"id": entry_id, "stems": stems, "words": words})
        engine.store(connection, rows)
        last, seen = batch[-1].id, seen + len(batch)

"""The search index: one row per searchable text (a clause, a comment or reply, an amendment, a
disposition), with what the filters and the permission checks need, and the plain text for snippets.

The words themselves live in a table that belongs to the engine, keyed by the entry's id: an FTS5
virtual table `search_fts` on SQLite, `search_vectors` (a tsvector with a GIN index) on PostgreSQL.
They are created and dropped with `search_entries` (below, and in migration 0007), and are not
models: `is_engine_table` tells them apart for the schema comparison.
"""
from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow

SEARCH_KINDS = ("clause", "comment", "amendment", "disposition")

SQLITE_CREATE = (
    # Words arrive already folded and stemmed (services/search/text.py); unicode61 only splits them.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(stems, words, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    # A cascade from a deleted document or version takes the words with the entry.
    "CREATE TRIGGER IF NOT EXISTS search_entries_forget AFTER DELETE ON search_entries "
    "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS search_entries_forget", "DROP TABLE IF EXISTS search_fts")
POSTGRESQL_CREATE = (
    "CREATE TABLE IF NOT EXISTS search_vectors (entry_id INTEGER PRIMARY KEY "
    "REFERENCES search_entries (id) ON DELETE CASCADE, tsv TSVECTOR NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_search_vectors_tsv ON search_vectors USING GIN (tsv)",
)
POSTGRESQL_DROP = ("DROP TABLE IF EXISTS search_vectors",)


def is_engine_table(name: str) -> bool:
    """`search_fts` and the shadow tables FTS5 keeps beside it (`search_fts_data`, ...), `search_vectors`."""
    return name == "search_vectors" or name == "search_fts" or name.startswith("search_fts_")


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (
        Index("ix_search_entries_document_kind", "document_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # one of SEARCH_KINDS
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stakeholder_group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(2))
    body: Mapped[str] = mapped_column(Text)  # plain text, never HTML: snippets escape it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SavedSearch(db.Model):
    """A member's "notify me when a new comment matches": the query as typed (services/search/saved.py)."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("user_id", "query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    query: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


for _statement in SQLITE_CREATE:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_CREATE:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_DROP:
    event.listen(SearchEntry.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_DROP:
    event.listen(SearchEntry.__table__, "before_drop", DDL(_statement).execute_if(dialect="postgresql"))

"""Working drafts: the next version of a document while its chairs (and named editors) write it.

A working draft copies the clauses of the version it revises (`base_version_id`). Each clause keeps the
key of the clause it came from through every edit, so publishing knows each new clause's predecessor
exactly: `predecessor_keys` names the base clauses it continues (a split clause's two parts both name
the clause they came from; a merged clause names both). `revision` grows with every save of the clause,
so a save made on a text someone else changed meanwhile is refused. There is at most one working draft
per document (a unique constraint); it is deleted when it is published or discarded.

`DraftAmendment` records an accepted amendment applied to the draft, with the clause text before it so
that it can be undone; `DocumentEditor` is the `editor` right a chair gives a member on one document.
"""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow
from .documents import CitedClause


class WorkingDraft(db.Model):
    __tablename__ = "working_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One working draft per document at a time: the database refuses a second one.
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    base_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document = relationship("Document", lazy="joined")
    base_version = relationship("Version", lazy="joined")


class DraftClause(CitedClause, db.Model):
    __tablename__ = "working_draft_clauses"
    __table_args__ = (UniqueConstraint("draft_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("working_drafts.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    parent_key: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int]  # reading order, from 0
    depth: Mapped[int] = mapped_column(default=0)
    number: Mapped[str | None] = mapped_column(String(40))
    heading: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    predecessor_keys: Mapped[list] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DraftAmendment(db.Model):
    """An accepted amendment applied to a working draft (by the platform, or by hand and marked so)."""

    __tablename__ = "working_draft_amendments"
    __table_args__ = (
        UniqueConstraint("draft_id", "comment_id"),
        CheckConstraint("status IN ('applied', 'by_hand')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("working_drafts.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    clause_key: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10))
    text_before: Mapped[str] = mapped_column(Text)  # the clause's text before, for undo
    replaced_text: Mapped[str | None] = mapped_column(Text)  # the words it replaced
    applied_text: Mapped[str | None] = mapped_column(Text)  # the replacement put in (trimmed, for "in part")
    start: Mapped[int | None]  # where it was put, in the clause text right after applying
    end: Mapped[int | None]
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentEditor(db.Model):
    """A member a chair named co-editor of a document's working drafts (the `editor` right)."""

    __tablename__ = "document_editors"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

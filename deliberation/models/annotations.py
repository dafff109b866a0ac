"""Comments (annotations) on clauses, their edit history and their anchors in later versions.

A comment belongs to the clause it was written on. Its W3C selector (quote + position) is kept on the
comment; `CommentAnchor` rows say where the quote was found again in successor clauses of later versions.
Threads store parent_id and root_id so a clause's comments load in one ordered query.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import N_
from ._base import UTCDateTime, utcnow

COMMENT_KINDS = {
    "comment": N_("Comment"),
    "question": N_("Question"),
    "amendment": N_("Proposed amendment"),
    "objection": N_("Objection"),
}
DISPOSITIONS = {
    "accepted": N_("Accepted"),
    "accepted_in_part": N_("Accepted in part"),
    "not_accepted": N_("Not accepted"),
    "noted": N_("Noted"),
}
# The type of comment of the ISO/IEC commenting template; unset (None) on comments written before it existed.
COMMENT_TYPES = {
    "general": N_("General"),
    "technical": N_("Technical"),
    "editorial": N_("Editorial"),
}


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_clause_root", "clause_id", "root_id", "id"),
        Index("ix_comments_document_created", "document_id", "created_at"),
        CheckConstraint("status IN ('visible', 'hidden', 'deleted')", name="status"),
        CheckConstraint("kind IN ('comment', 'question', 'amendment', 'objection')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The author's stakeholder group when they wrote it; memberships may change later.
    stakeholder_group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    depth: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(12), default="comment")
    # One of COMMENT_TYPES or unset, checked by services.comments.clean_type (no CHECK: SQLite could not drop
    # the column again on downgrade without rebuilding the table and its search triggers).
    comment_type: Mapped[str | None] = mapped_column(String(10))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # sanitized once on write by deliberation.sanitize
    replacement_text: Mapped[str | None] = mapped_column(Text)
    # W3C TextQuoteSelector + TextPositionSelector against the clause's plain text; all null for the whole clause.
    quote_exact: Mapped[str | None] = mapped_column(Text)
    quote_prefix: Mapped[str | None] = mapped_column(String(64))
    quote_suffix: Mapped[str | None] = mapped_column(String(64))
    quote_start: Mapped[int | None]
    quote_end: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="visible")
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # meaningful on thread roots
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    disposition: Mapped[str | None] = mapped_column(String(20))
    disposition_rationale: Mapped[str | None] = mapped_column(Text)
    disposition_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    disposition_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disposition_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"))
    # An accepted amendment applied in a working draft: the version that draft was published as.
    applied_in_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id], lazy="raise_on_sql")
    stakeholder_group = relationship("StakeholderGroup", lazy="raise_on_sql")
    clause = relationship("Clause", lazy="raise_on_sql")

    @property
    def has_selector(self) -> bool:
        return self.quote_exact is not None


class CommentRevision(db.Model):
    """An earlier text of an edited comment; chairs can read them."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    replacement_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when that text was written


class CommentAnchor(db.Model):
    """Where a comment's quote was found again in a successor clause of a later version."""

    __tablename__ = "comment_anchors"
    __table_args__ = (UniqueConstraint("comment_id", "clause_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))  # exact | fuzzy | orphaned | applied
    score: Mapped[float | None]
    quote_exact: Mapped[str | None] = mapped_column(Text)
    quote_prefix: Mapped[str | None] = mapped_column(String(64))
    quote_suffix: Mapped[str | None] = mapped_column(String(64))
    quote_start: Mapped[int | None]
    quote_end: Mapped[int | None]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a chair closed an orphan
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

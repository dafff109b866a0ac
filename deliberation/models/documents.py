"""Documents, their versions and the clauses of each version.

A clause's `key` is stable across versions: the successor of a clause in a new version carries the
same key and points at its predecessor, so a clause can be followed through the whole history.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import N_
from ._base import UTCDateTime, utcnow

VERSION_STATUSES = ("draft", "open", "endorsement", "adopted", "superseded")
VERSION_STATUS_LABELS = {
    "draft": N_("Draft"),
    "open": N_("Open for comment"),
    "endorsement": N_("In endorsement"),
    "adopted": N_("Adopted"),
    "superseded": N_("Superseded"),
}


class Document(db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    public: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", use_alter=True, ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    working_group = relationship("WorkingGroup", lazy="joined")
    current_version = relationship("Version", foreign_keys=[current_version_id], lazy="raise_on_sql", post_update=True)
    versions = relationship(
        "Version", foreign_keys="Version.document_id", order_by="Version.number",
        back_populates="document", lazy="raise_on_sql",
    )


class Version(db.Model):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        CheckConstraint(
            "status IN ('draft', 'open', 'endorsement', 'adopted', 'superseded')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(120))  # "Discussion draft 1", "Final"
    status: Mapped[str] = mapped_column(String(20), default="open")
    source_format: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(Text)
    line_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document = relationship("Document", foreign_keys=[document_id], back_populates="versions", lazy="joined")
    clauses = relationship("Clause", order_by="Clause.position", back_populates="version", lazy="raise_on_sql")

    @property
    def status_label(self) -> str:
        return VERSION_STATUS_LABELS[self.status]

    @property
    def accepts_comments(self) -> bool:
        return self.status in ("open", "endorsement")


class CitedClause:
    """How a clause (of a version, or of a working draft) is cited and linked."""

    @property
    def label(self) -> str:
        """How people cite the clause: "1.1", "Preamble", or the heading when unnumbered."""
        return self.number or self.heading or f"¶{self.position + 1}"

    @property
    def anchor(self) -> str:
        return f"clause-{self.key}"


class Clause(CitedClause, db.Model):
    __tablename__ = "clauses"
    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        Index("ix_clauses_key", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(40))
    heading: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"))
    position: Mapped[int]  # reading order within the version, from 0
    depth: Mapped[int] = mapped_column(default=0)
    first_line: Mapped[int]
    last_line: Mapped[int]
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="SET NULL"))
    change: Mapped[str] = mapped_column(String(10), default="new")  # unchanged | changed | new

    version = relationship("Version", back_populates="clauses", lazy="raise_on_sql")

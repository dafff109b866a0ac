"""The append-only record of state changes, chained by SHA-256 so anyone can verify it."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import UTCDateTime, utcnow


class RecordEvent(db.Model):
    __tablename__ = "record_events"
    # A document's public events, newest first (record page, feed, export) without sorting them all.
    __table_args__ = (Index("ix_record_events_document_public_seq", "document_id", "public", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)  # 1, 2, 3 ... the chain order; unique so appends cannot fork
    kind: Mapped[str] = mapped_column(String(40))  # e.g. version.published, comment.posted
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="SET NULL"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120), default="")  # kept so the record reads after account deletion
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class RecordTreeNode(db.Model):
    """A complete subtree of the Merkle tree over the record's events (see services/transparency):
    the hash of leaves [idx * 2**level, (idx + 1) * 2**level). Appended with each event, never changed."""
    __tablename__ = "record_tree_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class WitnessView(db.Model):
    """The latest checkpoint a witness (RECORD_WITNESSES) reported it had checked and cosigned: the tree it
    saw, when it says it saw it, and the whole cosigned note, so that anyone can check the statement."""
    __tablename__ = "witness_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    witness: Mapped[str] = mapped_column(String(200), unique=True)  # the name in its verifier key
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    cosigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    note: Mapped[str] = mapped_column(Text)

"""Endorsement rounds: items, frozen eligible voters, positions and their history, statements, support.

One current position per member, item and round is a unique constraint; every change is also
appended to `position_history`, so earlier positions stay visible.
"""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import N_
from ._base import UTCDateTime, utcnow

POSITION_LABELS = {
    "endorse": N_("Endorse"),
    "endorse_with_reservations": N_("Endorse with reservations"),
    "abstain": N_("Abstain"),
    "object": N_("Object"),
}
DESIGNATIONS = {
    "full_consensus": N_("Full consensus"),
    "consensus": N_("Consensus"),
    "strong_support": N_("Strong support with significant opposition"),
    "divergence": N_("Divergence"),
}
# How a rule and a threshold read inside a sentence ("Rule: each stakeholder group must support").
RULE_LABELS = {
    "each_group": N_("each stakeholder group must support"),
    "consensus": N_("consensus (formal objections block)"),
    "pooled": N_("pooled vote"),
}
THRESHOLD_LABELS = {"majority": N_("simple majority"), "two_thirds": N_("two thirds"),
                    "three_quarters": N_("three quarters")}


class Round(db.Model):
    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("rule IN ('each_group', 'consensus', 'pooled')", name="rule"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        # A round is reopened at most once, even by two chairs at the same moment.
        Index("ix_rounds_reopened_from_id", "reopened_from_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scope: Mapped[str] = mapped_column(String(10))  # document | clauses
    rule: Mapped[str] = mapped_column(String(12))
    threshold: Mapped[str] = mapped_column(String(16))
    quorum: Mapped[str] = mapped_column(String(16))  # exact fraction, "1/2"
    live_tally: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(8), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    statements_open: Mapped[bool] = mapped_column(default=True)  # minority statements accepted
    final_tally: Mapped[dict | None] = mapped_column(JSON)  # frozen at close
    # The consensus round this one reopens, after a chair answered a formal objection in it.
    reopened_from_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))

    version = relationship("Version", lazy="raise_on_sql")
    items = relationship("RoundItem", order_by="RoundItem.position", lazy="raise_on_sql")


class RoundItem(db.Model):
    """The whole document (clause_id null) or one clause, within a round."""

    __tablename__ = "round_items"
    __table_args__ = (UniqueConstraint("round_id", "clause_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    designation: Mapped[str | None] = mapped_column(String(20))
    designation_note: Mapped[str | None] = mapped_column(Text)
    # Why the chair designated against the tally's reading (services/designations.py); shown in the record.
    designation_override: Mapped[str | None] = mapped_column(Text)
    designated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    clause = relationship("Clause", lazy="raise_on_sql")


class EligibleVoter(db.Model):
    """The electorate frozen when the round opened."""

    __tablename__ = "eligible_voters"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    stakeholder_group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id"))


class Position(db.Model):
    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint("item_id", "user_id"),
        # Covers the live tally's GROUP BY (item, stakeholder group) without reading the table.
        Index("ix_positions_tally", "round_id", "item_id", "stakeholder_group_id", "position", "formal",
              "withdrawn_at"),
        CheckConstraint(
            "position IN ('endorse', 'endorse_with_reservations', 'abstain', 'object')", name="position"
        ),
        CheckConstraint("NOT formal OR position = 'object'", name="formal_is_objection"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("round_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stakeholder_group_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_groups.id"))
    position: Mapped[str] = mapped_column(String(30))
    statement: Mapped[str | None] = mapped_column(Text)
    formal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The chair's recorded answer to a formal objection, and its withdrawal.
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PositionHistory(db.Model):
    __tablename__ = "position_history"
    # The objection register looks for formal objections among a round's whole history.
    __table_args__ = (Index("ix_position_history_formal", "round_id", "formal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("round_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    position: Mapped[str] = mapped_column(String(30))
    statement: Mapped[str | None] = mapped_column(Text)
    formal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MinorityStatement(db.Model):
    __tablename__ = "minority_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("round_items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Support(db.Model):
    """An expression of support for an adopted version, from outside the working group."""

    __tablename__ = "supports"
    __table_args__ = (CheckConstraint("status IN ('pending', 'verified', 'rejected')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(100), default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

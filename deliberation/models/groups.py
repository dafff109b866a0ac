"""Working groups, their stakeholder groups, memberships and invitations."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow

ROLES = ("chair", "member", "observer")
DEFAULT_STAKEHOLDER_GROUPS = (
    ("government", "Government"),
    ("civil_society", "Civil society"),
    ("private_sector", "Private sector"),
)


class WorkingGroup(db.Model):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    mandate: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)
    default_rule: Mapped[str] = mapped_column(String(20), default="each_group")
    default_threshold: Mapped[str] = mapped_column(String(20), default="majority")
    default_quorum: Mapped[str] = mapped_column(String(16), default="1/2")  # an exact fraction
    # Members' comments join the public record of public versions unless the group says otherwise.
    public_comments: Mapped[bool] = mapped_column(default=True)
    hide_running_tallies: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stakeholder_groups = relationship(
        "StakeholderGroup", order_by="StakeholderGroup.position", back_populates="working_group",
        lazy="selectin",
    )


class StakeholderGroup(db.Model):
    __tablename__ = "stakeholder_groups"
    __table_args__ = (UniqueConstraint("working_group_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)

    working_group = relationship("WorkingGroup", back_populates="stakeholder_groups")


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "working_group_id"),
        CheckConstraint("role IN ('chair', 'member', 'observer')", name="role"),
        # Chairs and members speak for a stakeholder group; observers have none.
        CheckConstraint("role = 'observer' OR stakeholder_group_id IS NOT NULL", name="sector_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    stakeholder_group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id"))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    own_capacity: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="memberships", lazy="joined")
    working_group = relationship("WorkingGroup", lazy="joined")
    stakeholder_group = relationship("StakeholderGroup", lazy="joined")


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(10))
    stakeholder_group_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_groups.id"))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    own_capacity: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    working_group = relationship("WorkingGroup", lazy="joined")
    stakeholder_group = relationship("StakeholderGroup", lazy="joined")

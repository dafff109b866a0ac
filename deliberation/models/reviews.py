"""A reviewed Word file uploaded against a version: its items as read and placed, waiting for the member to
confirm (status "pending"), then "confirmed" with the ids of the comments it became. A chair may upload a
copy a member sent by e-mail: `on_behalf_of` is that member, who becomes the author of what is posted."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import UTCDateTime, utcnow


class WordReview(db.Model):
    __tablename__ = "word_reviews"
    __table_args__ = (CheckConstraint("status IN ('pending', 'confirmed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    items: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    comment_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version = relationship("Version", lazy="joined")
    uploader = relationship("User", foreign_keys=[uploader_id], lazy="joined")
    on_behalf_of = relationship("User", foreign_keys=[on_behalf_of_id], lazy="joined")

"""The data model, one module per aggregate. Importing this package registers every table."""
from .accounts import ApiToken, Notification, User
from .annotations import COMMENT_KINDS, DISPOSITIONS, Comment, CommentAnchor, CommentRevision
from .documents import Clause, Document, Version
from .groups import Invitation, Membership, StakeholderGroup, WorkingGroup
from .record import RecordEvent
from .rounds import (
    EligibleVoter, MinorityStatement, Position, PositionHistory, Round, RoundItem, Support,
)

__all__ = [
    "ApiToken", "Clause", "Comment", "CommentAnchor", "CommentRevision", "COMMENT_KINDS", "DISPOSITIONS",
    "Document", "EligibleVoter", "Invitation", "Membership", "MinorityStatement", "Notification",
    "Position", "PositionHistory", "RecordEvent", "Round", "RoundItem", "StakeholderGroup", "Support",
    "User", "Version", "WorkingGroup",
]

"""The data model, one module per aggregate. Importing this package registers every table."""
from .accounts import ApiToken, Notification, User
from .annotations import COMMENT_KINDS, DISPOSITIONS, Comment, CommentAnchor, CommentRevision
from .documents import Clause, Document, Version
from .mail import Follow, MailMessage, NotificationSetting
from .groups import Invitation, Membership, StakeholderGroup, WorkingGroup
from .record import RecordEvent, RecordTreeNode, WitnessView
from .revision import DocumentEditor, DraftAmendment, DraftClause, WorkingDraft
from .search import SEARCH_KINDS, SavedSearch, SearchEntry
from .rounds import (
    EligibleVoter, MinorityStatement, Position, PositionHistory, Round, RoundItem, Support,
)

__all__ = [
    "ApiToken", "Clause", "Comment", "CommentAnchor", "CommentRevision", "COMMENT_KINDS", "DISPOSITIONS",
    "Document", "EligibleVoter", "Invitation", "Membership", "MinorityStatement", "Notification",
    "Position", "PositionHistory", "RecordEvent", "RecordTreeNode", "Round", "RoundItem", "SEARCH_KINDS",
    "SavedSearch", "SearchEntry", "StakeholderGroup", "Support", "User", "Version", "WorkingGroup", "WorkingDraft",
    "DraftClause", "DraftAmendment", "DocumentEditor", "WitnessView", "Follow", "MailMessage",
    "NotificationSetting",
]

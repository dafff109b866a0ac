"""Permissions as data: one table maps each permission to the predicates that grant it.

Views, services, the API, socket handlers and templates all ask the same `can(user, permission, target)`.
A target is a WorkingGroup, Document or Version (or None for site-wide permissions). A user's
memberships are loaded once per request and cached on `flask.g`.
"""
from enum import Enum, auto

from flask import g, has_app_context
from sqlalchemy import select

from ..extensions import db
from ..models import Document, DocumentEditor, Membership, Version, WorkingGroup


class Permission(Enum):
    ADMINISTER = auto()        # accounts, working groups, chairs
    VIEW_GROUP = auto()
    MANAGE_GROUP = auto()      # settings, stakeholder groups, invitations
    VIEW_MEMBERS = auto()
    VIEW_DOCUMENT = auto()
    MANAGE_DOCUMENTS = auto()  # import drafts and new versions, publish
    COMMENT = auto()
    MODERATE = auto()          # hide comments, record dispositions, see earlier texts
    RUN_ROUNDS = auto()        # open/close rounds, designations, verify support
    TAKE_POSITION = auto()
    EDIT_DRAFT = auto()        # open, edit and publish a document's working draft: chairs and named editors


def _group_of(target) -> WorkingGroup | None:
    if isinstance(target, WorkingGroup):
        return target
    if isinstance(target, Document):
        return target.working_group
    if isinstance(target, Version):
        return target.document.working_group
    return None


def _memberships(user) -> dict[int, Membership]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    cache = g.setdefault("_memberships", {}) if has_app_context() else {}
    if user.id not in cache:
        rows = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
        cache[user.id] = {m.working_group_id: m for m in rows}
    return cache[user.id]


def forget_memberships() -> None:
    """Drop the memberships cached for this request: a commit since may have changed them."""
    if has_app_context():
        g.pop("_memberships", None)


def load_memberships(user_ids) -> None:
    """Cache the memberships of many users in one query, before asking `can` about each of them."""
    user_ids = set(user_ids)
    cache = g.setdefault("_memberships", {})
    for user_id in user_ids:
        cache[user_id] = {}
    if user_ids:
        for membership in db.session.scalars(select(Membership).where(Membership.user_id.in_(user_ids))):
            cache[membership.user_id][membership.working_group_id] = membership


def membership_in(user, target) -> Membership | None:
    group = _group_of(target)
    return _memberships(user).get(group.id) if group is not None else None


# Predicates: (user, target) -> bool. Anonymous users have is_authenticated False.
def is_admin(user, target) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_admin)


def is_participant(user, target) -> bool:
    return membership_in(user, target) is not None


def is_chair(user, target) -> bool:
    membership = membership_in(user, target)
    return membership is not None and membership.role == "chair"


def is_speaking_member(user, target) -> bool:
    """Chairs and members speak for a stakeholder group; observers only read."""
    membership = membership_in(user, target)
    return membership is not None and membership.role in ("chair", "member")


def _document_id(target) -> int | None:
    if isinstance(target, Document):
        return target.id
    if isinstance(target, Version):
        return target.document_id
    return None


def is_document_editor(user, target) -> bool:
    """A speaking member a chair named co-editor of this document (the `editor` right)."""
    document_id = _document_id(target)
    if document_id is None or not is_speaking_member(user, target):
        return False
    cache = g.setdefault("_editor_of", {}) if has_app_context() else {}
    if (user.id, document_id) not in cache:
        cache[user.id, document_id] = db.session.scalar(select(DocumentEditor.id).where(
            DocumentEditor.document_id == document_id, DocumentEditor.user_id == user.id)) is not None
    return cache[user.id, document_id]


def is_public(user, target) -> bool:
    group = _group_of(target)
    if group is None or not group.public:
        return False
    if isinstance(target, Document):
        return target.public
    if isinstance(target, Version):
        return target.document.public and target.status != "draft"
    return True


RULES: dict[Permission, tuple] = {
    Permission.ADMINISTER: (is_admin,),
    Permission.VIEW_GROUP: (is_admin, is_participant, is_public),
    Permission.MANAGE_GROUP: (is_admin, is_chair),
    Permission.VIEW_MEMBERS: (is_admin, is_participant),
    Permission.VIEW_DOCUMENT: (is_chair, is_public, is_admin, is_participant),
    Permission.MANAGE_DOCUMENTS: (is_chair,),
    Permission.COMMENT: (is_speaking_member,),
    Permission.MODERATE: (is_chair,),
    Permission.RUN_ROUNDS: (is_chair,),
    Permission.TAKE_POSITION: (is_speaking_member,),
    Permission.EDIT_DRAFT: (is_chair, is_document_editor),
}


def can(user, permission: Permission, target=None) -> bool:
    # Unpublished drafts are for chairs only.
    if permission is Permission.VIEW_DOCUMENT and isinstance(target, Version) and target.status == "draft":
        return is_chair(user, target)
    return any(predicate(user, target) for predicate in RULES[permission])


def can_see(user, target) -> bool:
    """Whether the user may know the target exists at all."""
    if target is None:
        return True
    if isinstance(target, (Document, Version)):
        return can(user, Permission.VIEW_DOCUMENT, target)
    return can(user, Permission.VIEW_GROUP, target)


def require(user, permission: Permission, target=None) -> None:
    """Raise what a route should answer: 404 when the user may not even see the target (no hint that a
    private thing exists), 401 for anonymous users otherwise, else 403."""
    from ..services.errors import Forbidden, NotFound, Unauthorized

    if can(user, permission, target):
        return
    if not can_see(user, target):
        raise NotFound("Not found.")
    if not getattr(user, "is_authenticated", False):
        raise Unauthorized("Sign in to do that.")
    raise Forbidden("You do not have permission to do that.")

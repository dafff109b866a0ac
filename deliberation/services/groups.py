"""Working groups: creation, settings, stakeholder groups, memberships and invitations."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, func, select

from ..extensions import db
from ..i18n import N_
from ..models import Invitation, Membership, Round, StakeholderGroup, User, WorkingGroup
from ..models._base import utcnow
from ..models.groups import DEFAULT_STAKEHOLDER_GROUPS, ROLES
from ..models.documents import Document, Version
from ..realtime import queue_access_check
from ..security.credentials import digest, new_secret
from .accounts import create_user, find_user_by_email, set_password
from .errors import Conflict, Invalid, NotFound
from .record import append_event
from .tally_rules import RULES, THRESHOLDS, parse_fraction
from .validation import KEY_RE, clean_email, clean_slug, clean_text

INVITATION_GONE = N_("This invitation link has expired or has already been used. Ask a chair for a new one.")


def group_by_slug(slug: str) -> WorkingGroup:
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.slug == (slug or "").lower()))
    if group is None:
        raise NotFound("There is no working group '%(slug)s'.", field="group", slug=slug)
    return group


def create_working_group(actor, name: str, slug: str, *, mandate: str = "", public: bool = False,
                         stakeholder_groups=DEFAULT_STAKEHOLDER_GROUPS) -> WorkingGroup:
    name = clean_text(name, "name")
    slug = clean_slug(slug)
    if db.session.scalar(select(exists().where(WorkingGroup.slug == slug))):
        raise Conflict("A working group with that address already exists.", field="slug")
    group = WorkingGroup(name=name, slug=slug, mandate=clean_text(mandate, "mandate", required=False,
                                                                   max_length=5000), public=public)
    db.session.add(group)
    db.session.flush()
    for position, (key, label) in enumerate(stakeholder_groups):
        db.session.add(StakeholderGroup(working_group_id=group.id, key=key, name=label, position=position))
    db.session.flush()
    append_event("group.created", actor=actor, subject=group, working_group_id=group.id,
                 payload={"name": name, "slug": slug, "public": public}, public=public)
    return group


def update_settings(actor, group: WorkingGroup, *, name: str, mandate: str, public: bool,
                    default_rule: str, default_threshold: str, default_quorum: str,
                    public_comments: bool, hide_running_tallies: bool) -> None:
    if default_rule not in RULES:
        raise Invalid("Choose a decision rule from the list.", field="default_rule")
    if default_threshold not in THRESHOLDS:
        raise Invalid("Choose a threshold from the list.", field="default_threshold")
    try:
        quorum = parse_fraction(default_quorum)
    except ValueError:
        raise Invalid("Enter the quorum as a fraction such as 1/2, or a percentage such as 50%.",
                      field="default_quorum") from None
    group.name = clean_text(name, "name")
    group.mandate = clean_text(mandate, "mandate", required=False, max_length=5000)
    readers_change = (group.public, group.public_comments) != (public, public_comments)
    group.public, group.public_comments, group.hide_running_tallies = public, public_comments, hide_running_tallies
    group.default_rule, group.default_threshold, group.default_quorum = default_rule, default_threshold, str(quorum)
    db.session.flush()
    append_event("group.settings_changed", actor=actor, subject=group, working_group_id=group.id,
                 payload={"public": public, "default_rule": default_rule, "default_threshold": default_threshold,
                          "default_quorum": str(quorum), "public_comments": public_comments})
    if readers_change:  # the live readers of its documents (or of their comments) who may no longer read leave
        queue_access_check(group_id=group.id)


def stakeholder_by_key(group: WorkingGroup, key: str) -> StakeholderGroup:
    for stakeholder in group.stakeholder_groups:
        if stakeholder.key == key:
            return stakeholder
    known = ", ".join(s.key for s in group.stakeholder_groups)
    raise Invalid("Unknown stakeholder group '%(key)s'. Known: %(known)s.", field="stakeholder", key=key, known=known)


def _rounds_exist(group: WorkingGroup) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Round.version_id == Version.id, Version.document_id == Document.id,
        Document.working_group_id == group.id))))


def add_stakeholder_group(actor, group: WorkingGroup, key: str, name: str) -> StakeholderGroup:
    key = (key or "").strip().lower()
    if not KEY_RE.match(key):
        raise Invalid("Use 2 to 40 lower-case letters, digits and underscores, starting with a letter.", field="key")
    if any(s.key == key for s in group.stakeholder_groups):
        raise Conflict("That stakeholder group already exists.", field="key")
    stakeholder = StakeholderGroup(working_group_id=group.id, key=key, name=clean_text(name, "name", max_length=80),
                                   position=len(group.stakeholder_groups))
    db.session.add(stakeholder)
    db.session.flush()
    db.session.expire(group, ["stakeholder_groups"])
    append_event("group.stakeholder_added", actor=actor, subject=group, working_group_id=group.id,
                 payload={"key": key, "name": stakeholder.name})
    return stakeholder


def rename_stakeholder_group(actor, group: WorkingGroup, stakeholder_id: int, name: str) -> None:
    stakeholder = next((s for s in group.stakeholder_groups if s.id == stakeholder_id), None)
    if stakeholder is None:
        raise NotFound("No such stakeholder group.")
    # Tallies and the record name sectors; renaming after a round would rewrite what people voted under.
    if _rounds_exist(group):
        raise Conflict("Stakeholder groups cannot be renamed once an endorsement round exists.", field="name")
    old, stakeholder.name = stakeholder.name, clean_text(name, "name", max_length=80)
    append_event("group.stakeholder_renamed", actor=actor, subject=group, working_group_id=group.id,
                 payload={"key": stakeholder.key, "from": old, "to": stakeholder.name})


def _check_role(group: WorkingGroup, role: str, stakeholder_key: str | None) -> StakeholderGroup | None:
    if role not in ROLES:
        raise Invalid("The role must be chair, member or observer.", field="role")
    if role == "observer":
        return None
    if not stakeholder_key:
        raise Invalid("Chairs and members belong to a stakeholder group.", field="stakeholder")
    return stakeholder_by_key(group, stakeholder_key)


def set_membership(actor, group: WorkingGroup, user: User, role: str, stakeholder_key: str | None = None, *,
                   affiliation: str = "", own_capacity: bool = False) -> Membership:
    """Add the user to the group, or update their role and stakeholder group."""
    stakeholder = _check_role(group, role, stakeholder_key)
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.working_group_id == group.id))
    created = membership is None
    if created:
        membership = Membership(user_id=user.id, working_group_id=group.id)
        db.session.add(membership)
    elif membership.role != role:  # a chair no longer: out of the unpublished drafts' live rooms
        queue_access_check(group_id=group.id, user_id=user.id)
    membership.role = role
    membership.stakeholder_group_id = stakeholder.id if stakeholder else None
    membership.affiliation = clean_text(affiliation, "affiliation", required=False)
    membership.own_capacity = own_capacity
    db.session.flush()
    append_event("membership.added" if created else "membership.changed", actor=actor, subject=membership,
                 working_group_id=group.id,
                 payload={"user_id": user.id, "name": user.name, "role": role,
                          "stakeholder_group": stakeholder.key if stakeholder else None})
    return membership


def remove_membership(actor, group: WorkingGroup, membership_id: int) -> None:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.working_group_id != group.id:
        raise NotFound("No such member.")
    chairs = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.working_group_id == group.id, Membership.role == "chair"))
    if membership.role == "chair" and chairs <= 1:
        raise Conflict("A working group needs at least one chair.")
    append_event("membership.removed", actor=actor, subject=membership, working_group_id=group.id,
                 payload={"user_id": membership.user_id, "name": membership.user.name})
    db.session.delete(membership)
    db.session.flush()
    # Their live connections leave the rooms they joined with a member's rights, and keep the public ones.
    queue_access_check(group_id=group.id, user_id=membership.user_id)


def invite(actor, group: WorkingGroup, email: str, role: str, stakeholder_key: str | None, *,
           affiliation: str = "", own_capacity: bool = False) -> tuple[Invitation, str]:
    """An invitation bound to an e-mail, role and stakeholder group; returns it and the secret link token."""
    email = clean_email(email)
    stakeholder = _check_role(group, role, stakeholder_key)
    existing = find_user_by_email(email)
    if existing and db.session.scalar(select(exists().where(
            Membership.user_id == existing.id, Membership.working_group_id == group.id))):
        raise Conflict("That person is already in this working group.", field="email")
    secret, secret_digest = new_secret()
    invitation = Invitation(
        working_group_id=group.id, email=email, role=role,
        stakeholder_group_id=stakeholder.id if stakeholder else None,
        affiliation=clean_text(affiliation, "affiliation", required=False), own_capacity=own_capacity,
        token_hash=secret_digest, invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    append_event("invitation.sent", actor=actor, subject=invitation, working_group_id=group.id,
                 payload={"role": role, "stakeholder_group": stakeholder.key if stakeholder else None})
    return invitation, secret


def invitation_for_token(token: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest(token or "")))
    if invitation is None or invitation.accepted_at or invitation.revoked_at or invitation.expires_at < utcnow():
        raise Invalid(INVITATION_GONE, code="invitation_gone")
    return invitation


def accept_invitation(token: str, *, name: str, password: str, signed_in_user: User | None = None) -> User:
    """Create the account (or use the signed-in one with the invited address) and add the membership."""
    invitation = invitation_for_token(token)
    user = find_user_by_email(invitation.email)
    if signed_in_user is not None and signed_in_user.is_authenticated and user is not None \
            and signed_in_user.id != user.id:
        raise Invalid("This invitation was sent to another e-mail address. Sign out first.")
    if user is None:
        user = create_user(invitation.email, name, password)
    elif user.password_hash is None:
        set_password(user, password)
    elif signed_in_user is None or not signed_in_user.is_authenticated:
        raise Invalid("You already have an account: sign in, then open this link again.", code="sign_in_first")
    invitation.accepted_at = utcnow()
    stakeholder_key = invitation.stakeholder_group.key if invitation.stakeholder_group else None
    set_membership(user, invitation.working_group, user, invitation.role, stakeholder_key,
                   affiliation=invitation.affiliation, own_capacity=invitation.own_capacity)
    return user


def revoke_invitation(actor, group: WorkingGroup, invitation_id: int) -> None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.working_group_id != group.id:
        raise NotFound("No such invitation.")
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        append_event("invitation.revoked", actor=actor, subject=invitation, working_group_id=group.id)

"""Deleting an account: the person leaves, the record stays.

The user row is kept (comments, positions and record events point at it) but anonymised: name,
e-mail and handle scrubbed, password, tokens, notifications and memberships removed, every session
ended and live connection closed. Pages show the author as "Former member" (`User.display_name`). Record events already written
are not touched, so the hash chain still verifies; the deletion itself is appended as new events.
"""
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import ApiToken, Invitation, Membership, Notification, User
from ..models._base import utcnow
from ..realtime import queue_disconnect
from ..security.credentials import check_password
from .errors import Conflict, Forbidden, Invalid, NotFound
from .record import append_event

FORMER_MEMBER = "Former member"


def _groups_left_without_chair(user: User) -> list[str]:
    chaired = select(Membership.working_group_id).where(Membership.user_id == user.id, Membership.role == "chair")
    counts = db.session.execute(
        select(Membership.working_group_id, func.count()).where(
            Membership.working_group_id.in_(chaired), Membership.role == "chair")
        .group_by(Membership.working_group_id)).all()
    lonely = {group_id for group_id, chairs in counts if chairs <= 1}
    return sorted(m.working_group.name for m in db.session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.working_group_id.in_(lonely))))


def _last_admin(user: User) -> bool:
    if not user.is_admin:
        return False
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.is_admin.is_(True), User.id != user.id, User.active.is_(True), User.deleted_at.is_(None)))
    return not others


def delete_account(actor: User, user: User, *, password: str) -> None:
    """Anonymise `user`. `actor` is the user themself or a site admin, and confirms with their own password."""
    if user.deleted_at is not None:
        raise NotFound("No such account.")
    if actor.id != user.id and not actor.is_admin:
        raise Forbidden("Only the account holder or a site administrator may delete an account.")
    if not check_password(actor.password_hash, password or ""):
        raise Invalid("That is not your password.", field="password")
    if lonely := _groups_left_without_chair(user):
        raise Conflict("%(groups)s would have no chair left. Appoint another chair first.", groups=", ".join(lonely))
    if _last_admin(user):
        raise Conflict("The site would have no administrator left. Make someone else an administrator first.")

    old_email = user.email
    user.name, user.handle = FORMER_MEMBER, f"former-member-{user.id}"
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.password_hash, user.locale, user.is_admin = None, None, False
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    # Invitations still waiting for this address would recreate the person: revoke them and drop the address.
    db.session.execute(update(Invitation).where(Invitation.email == old_email, Invitation.accepted_at.is_(None),
                                                Invitation.revoked_at.is_(None)).values(revoked_at=utcnow()))
    db.session.execute(update(Invitation).where(Invitation.email == old_email).values(email=user.email))
    memberships = list(db.session.scalars(select(Membership).where(Membership.user_id == user.id)))
    db.session.flush()
    # Events are appended after scrubbing, so even the actor name of a self-deletion is "Former member".
    by = "self" if actor.id == user.id else "admin"
    for membership in memberships:
        append_event("membership.removed", actor=actor, subject=membership,
                     working_group_id=membership.working_group_id,
                     payload={"user_id": user.id, "reason": "account_deleted"})
        db.session.delete(membership)
    append_event("account.deleted", actor=actor, subject=user, payload={"by": by})
    # Last, so a self-deletion is still recorded as done by the (now anonymous) account holder.
    user.active, user.deleted_at = False, utcnow()
    user.session_epoch += 1  # every open session ends now
    queue_disconnect(user.id)
    db.session.flush()

"""The invitation e-mail: to an address that may have no account yet, in the inviter's language."""
from flask import render_template
from flask_babel import gettext as _

from .queue import enqueue, message


def mail_invitation(invitation, link: str) -> None:
    group = invitation.working_group
    role = invitation.role + (f" ({invitation.stakeholder_group.name})" if invitation.stakeholder_group else "")
    context = {"group": group.name, "role": role, "link": link, "expires_at": invitation.expires_at}
    enqueue(message(invitation.email, _("Invitation to %(group)s", group=group.name),
                    render_template("mail/invitation.txt", **context),
                    render_template("mail/invitation.html", **context)))

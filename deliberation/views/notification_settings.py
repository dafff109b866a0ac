"""Notification settings: the account page choosing, per kind, immediately / daily / weekly / off; and
the one-click unsubscribe link of every notification e-mail (RFC 8058), which needs no sign-in."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import csrf, db
from ..models import User
from ..services.errors import Invalid
from ..services.mailing.tokens import read_unsubscribe_token
from ..services.notifications import settings as notification_settings
from ..services.notifications.kinds import FREQUENCY_LABELS, KINDS, LABELS, allowed_frequencies
from .forms import EmptyForm

bp = Blueprint("notification_settings", __name__)


def _page(chosen: dict, status: int = 200, error: str | None = None):
    rows = [(kind, LABELS[kind], [(f, FREQUENCY_LABELS[f]) for f in allowed_frequencies(kind)], chosen[kind])
            for kind in KINDS]
    return render_template("account/notifications.html", rows=rows, form=EmptyForm(), error=error), status


@bp.get("/account/notifications")
@login_required
def edit():
    return _page(notification_settings.settings_of(current_user.id))


@bp.post("/account/notifications")
@login_required
def save():
    if not EmptyForm().validate_on_submit():
        return _page(notification_settings.settings_of(current_user.id), 400, _("The form expired; try again."))
    changes = {kind: request.form.get(kind, "") for kind in KINDS if kind in request.form}
    try:
        notification_settings.update_settings(current_user, changes)
    except Invalid:
        db.session.rollback()
        return _page({**notification_settings.settings_of(current_user.id), **changes}, 400,
                     _("Choose one of the offered frequencies for every kind."))
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for(".edit"))


def _token_owner(token: str) -> tuple[User, str] | None:
    read = read_unsubscribe_token(token)
    if read is None:
        return None
    user = db.session.get(User, read[0])
    if user is None or user.deleted_at is not None:
        return None
    return user, read[1]


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """A page with one button: a GET changes nothing (mail scanners follow links)."""
    owner = _token_owner(token)
    if owner is None:
        return render_template("account/unsubscribe.html", valid=False), 404
    kind = owner[1]
    return render_template("account/unsubscribe.html", valid=True, done=False, token=token,
                           label=LABELS.get(kind), everything=kind == "all")


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: the mail client posts List-Unsubscribe=One-Click without any cookie; the token is the proof
def unsubscribe_now(token: str):
    owner = _token_owner(token)
    if owner is None:
        return render_template("account/unsubscribe.html", valid=False), 404
    user, kind = owner
    notification_settings.unsubscribe(user.id, kind)
    return render_template("account/unsubscribe.html", valid=True, done=True, label=LABELS.get(kind),
                           everything=kind == "all")

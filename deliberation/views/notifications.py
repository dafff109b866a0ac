"""Notifications: the list (replies, mentions, dispositions), opening one, marking all read, and the
unread count every page shows in its header."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..numbers import whole_number
from ..services import notifications as notification_service
from ..services.notifications.kinds import target_of
from .forms import EmptyForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_notifications() -> int:
    """For the header: one count query, and none for anonymous visitors."""
    if not current_user.is_authenticated:
        return 0
    return notification_service.unread_count(current_user)


@bp.get("")
@login_required
def index():
    page = request.args.get("page", "1")
    page = max(1, whole_number(page) or 1)
    rows, more = notification_service.list_notifications(current_user, page)
    return render_template("annotations/notifications.html", notifications=rows, page=page, more=more,
                           form=EmptyForm())


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    notification = notification_service.open_notification(current_user, notification_id)
    endpoint, values = target_of(notification)
    return redirect(url_for(endpoint, **values))


@bp.post("/read")
@login_required
def mark_all_read():
    if EmptyForm().validate_on_submit():
        count = notification_service.mark_all_read(current_user)
        flash(ngettext("%(num)s notification marked as read.", "%(num)s notifications marked as read.", count),
              "success")
    return redirect(url_for(".index"))

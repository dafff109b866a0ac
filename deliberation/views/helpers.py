"""Loading objects for views (404 when missing or invisible), turning service errors into form errors, and
ending a browser's session."""
from flask import abort, flash, redirect, session, url_for
from flask_login import current_user, logout_user

from ..extensions import db
from ..models import Document, Version
from ..security import Permission, require
from ..security.headers import CLEAR_SITE_DATA
from ..services.errors import ServiceError
from ..services.groups import group_by_slug


def load_group(slug: str, permission: Permission = Permission.VIEW_GROUP):
    try:
        group = group_by_slug(slug)
    except ServiceError:
        abort(404)
    require(current_user, permission, group)
    return group


def load_document(document_id: int, permission: Permission = Permission.VIEW_DOCUMENT) -> Document:
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    require(current_user, Permission.VIEW_DOCUMENT, document)
    if permission is not Permission.VIEW_DOCUMENT:
        require(current_user, permission, document)
    return document


def load_version(document: Document, number: int) -> Version:
    from ..services.documents import get_version

    try:
        version = get_version(document, number)
    except ServiceError:
        abort(404)
    require(current_user, Permission.VIEW_DOCUMENT, version)
    return version


def form_error(form, exc: ServiceError) -> None:
    """Show a service's refusal, in the reader's language, on the field it names or on the form as a whole."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors or []), exc.translated()]
    else:
        form.form_errors.append(exc.translated())


def submit_form(form, action):
    """Run `action` on a valid form: (its result, None); or (None, 4xx) with the refusal put on the form."""
    if not form.validate_on_submit():
        return None, 400
    try:
        return action(), None
    except ServiceError as exc:
        form_error(form, exc)
        return None, exc.status


def send_invitation(invitation, secret: str) -> str:
    """Queue the invitation e-mail (sent after the commit, or written to the log without SMTP) and return
    its link, so the inviter can pass it on."""
    from ..links import external_url
    from ..services.mailing.invitations import mail_invitation

    link = external_url("auth.accept", token=secret)
    mail_invitation(invitation, link)
    return link


def end_session(message: str):
    """Sign this browser out (the session too, not only the user), say so on the home page, and ask the
    browser to drop what it cached of the signed-in pages and the site's storage (Clear-Site-Data)."""
    logout_user()
    session.clear()
    flash(message, "info")
    response = redirect(url_for("main.home"))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response

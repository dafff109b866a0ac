"""Signing in and out, and accepting an invitation."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..security.limits import RateLimited, authenticate_with_backoff, limited
from ..services.errors import ServiceError
from ..services.groups import accept_invitation, invitation_for_token
from .forms import AcceptInvitationForm, EmptyForm, SignInForm
from .helpers import end_session, form_error

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after sign-in is a phishing aid.
    # No control characters or spaces either: a newline cannot go in a Location header (a 500), and
    # browsers drop tabs and newlines from URLs, so "/\t/evil.example" would lead off the site.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc \
            and "\\" not in target and target.isprintable() and " " not in target:
        return target
    return url_for("main.home")


def _sign_in(user, remember: bool) -> None:
    session.clear()  # a fresh session at sign-in: nothing carried over from before (session fixation)
    login_user(user, remember=remember)


@bp.route("/sign-in", methods=["GET", "POST"])
@limited("sign_in")
def login():
    form = SignInForm(next=request.args.get("next", ""))
    status, headers = (400 if request.method == "POST" else 200), {}
    if form.validate_on_submit():
        try:
            user = authenticate_with_backoff(form.email.data, form.password.data)
        except ServiceError as exc:
            form_error(form, exc)
            if isinstance(exc, RateLimited):  # the account's back-off: say when to try again
                status, headers = exc.status, {"Retry-After": str(exc.retry_after)}
        else:
            _sign_in(user, form.remember.data)
            return redirect(_safe_next(form.next.data))
    return render_template("auth/sign_in.html", form=form), status, headers


@bp.post("/sign-out")
def logout():
    if EmptyForm().validate_on_submit():
        return end_session(_("You are signed out."))
    return redirect(url_for("main.home"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    try:
        invitation = invitation_for_token(token)
    except ServiceError as exc:
        return render_template("auth/invitation_gone.html", message=exc.translated()), 410
    # Someone signed in with the invited address accepts with one button; others create an account.
    as_self = current_user.is_authenticated and current_user.email == invitation.email
    form = EmptyForm() if as_self else AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = accept_invitation(
                token, name=current_user.name if as_self else form.name.data,
                password="" if as_self else form.password.data,
                signed_in_user=current_user if current_user.is_authenticated else None)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            if not current_user.is_authenticated:
                _sign_in(user, remember=False)
            flash(_("Welcome to %(name)s.", name=invitation.working_group.name), "success")
            return redirect(url_for("groups.show", slug=invitation.working_group.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation, as_self=as_self), status

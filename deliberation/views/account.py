"""Account settings: name, language, password, personal API tokens, signing out everywhere, deletion."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from flask_login.config import COOKIE_NAME

from ..security.limits import limited
from ..services import accounts
from ..services.account_deletion import delete_account
from .forms import ConfirmPasswordForm, EmptyForm, PasswordForm, ProfileForm, TokenForm
from .helpers import end_session, submit_form

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status: int = 200, **forms):
    forms.setdefault("profile_form", ProfileForm(obj=current_user))
    forms.setdefault("password_form", PasswordForm())
    forms.setdefault("token_form", TokenForm())
    forms.setdefault("delete_form", ConfirmPasswordForm())
    return render_template("account/settings.html", tokens=accounts.user_tokens(current_user),
                           empty_form=EmptyForm(), **forms), status


@bp.get("")
@login_required
def settings():
    return _page()


@bp.post("/profile")
@login_required
def profile():
    form = ProfileForm()
    _done, status = submit_form(form, lambda: accounts.update_profile(current_user, name=form.name.data,
                                                                      locale=form.locale.data))
    if status is not None:
        return _page(status, profile_form=form)
    flash(_("Your profile is saved."), "success")
    return redirect(url_for(".settings"))


@bp.post("/password")
@login_required
def password():
    form = PasswordForm()
    _done, status = submit_form(form, lambda: accounts.change_password(current_user, form.current.data,
                                                                       form.password.data))
    if status is not None:
        return _page(status, password_form=form)
    _stay_signed_in()
    flash(_("Your password is changed."), "success")
    flash(_("You are signed out on every other device."), "success")
    flash(_("Your API tokens still work: revoke any you do not recognise."), "info")
    return redirect(url_for(".settings"))


@bp.post("/tokens")
@login_required
@limited("token_creation")
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(400, token_form=form)
    token, plain = accounts.create_token(current_user, form.name.data)
    return _page(201, new_token=plain, new_token_name=token.name)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if EmptyForm().validate_on_submit():
        accounts.revoke_token(current_user, token_id)
        flash(_("The token is revoked."), "success")
    return redirect(url_for(".settings"))


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if EmptyForm().validate_on_submit():
        accounts.sign_out_everywhere(current_user)
        _stay_signed_in()
        flash(_("You are signed out on every other device."), "success")
    return redirect(url_for(".settings"))


def _stay_signed_in() -> None:
    """After the sign-in epoch moved on, this browser signs in again with the new one (its old session
    identifier, like every other, no longer signs anyone in); remembered if it was."""
    # The user object itself: login_user(current_user) would store the proxy, which then resolves to itself.
    login_user(current_user._get_current_object(),
               remember=current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies)


@bp.post("/delete")
@login_required
def delete():
    form = ConfirmPasswordForm()
    _done, status = submit_form(form, lambda: delete_account(current_user, current_user, password=form.password.data))
    if status is not None:
        return _page(status, delete_form=form)
    return end_session(_("Your account is deleted. What you wrote stays in the record as by a former member."))

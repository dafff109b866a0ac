"""Signing in: session loading (with the sign-out-everywhere epoch) and bearer tokens for the API."""
from flask import request

from ..extensions import db
from ..models import User
from .tokens import user_for_token


def init_login(login_manager) -> None:
    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, epoch = session_id.partition(":")
        try:
            user = db.session.get(User, int(user_id))
        except ValueError:
            return None
        # A session from before "sign out everywhere" carries an older epoch and is refused.
        if user is None or str(user.session_epoch) != epoch or not user.is_active:
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return user_for_token(header[len("Bearer "):].strip())
        return None

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for
        from flask_babel import gettext

        from ..services.errors import Unauthorized

        if request.path.startswith("/api/"):
            raise Unauthorized("Sign in or send a valid API token.")
        flash(gettext("Please sign in to see that page."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))

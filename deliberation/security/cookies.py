"""Cookies are Secure whenever the request came over HTTPS.

SESSION_COOKIE_SECURE and REMEMBER_COOKIE_SECURE are set from BASE_URL (config.py), but a site behind a
TLS-terminating proxy often has no BASE_URL: there the scheme is only known per request, from
X-Forwarded-Proto once ProxyFix has trusted it (BEHIND_PROXY=1). Every cookie the app sets (Flask's
session, Flask-Login's remember-me, any other) goes through Response.set_cookie, so deciding here
covers them all.
"""
from flask import Response, has_request_context, request


def _request_is_https() -> bool:
    return has_request_context() and request.is_secure


class SecureOverHttpsResponse(Response):
    """A response whose cookies are Secure when the request was HTTPS, whatever the caller asked."""

    def set_cookie(self, key: str, value: str = "", *args, secure: bool = False, **kwargs) -> None:
        super().set_cookie(key, value, *args, secure=secure or _request_is_https(), **kwargs)

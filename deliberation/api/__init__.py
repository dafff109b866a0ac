"""The JSON API under /api/v1, described by the OpenAPI document at /api/v1/openapi.json.

Callers authenticate with a personal token (`Authorization: Bearer TOKEN`) or the browser session;
a session-authenticated write must carry the CSRF token in `X-CSRFToken`. Anonymous reads of public
documents need neither. Errors are `{"error": {"code", "message", "field"?}}`.
"""
from flask import Blueprint, request

from ..extensions import csrf
from ..security.limits import limited

bp = Blueprint("api", __name__)
# Every API write counts against "api_writes" (reads are free). A route with a limit of its own, such as
# posting a comment ("comments"), counts against that one instead: Flask-Limiter's route limits
# override the blueprint's.
limited("api_writes")(bp)
# Writes made by machines that prove who they are with a signature in the body (a witness's report).
SIGNED_WRITES = {"api.report_witness_view"}


@bp.before_request
def authenticate_api_request():
    from flask_login import current_user

    from ..security.tokens import bearer_token
    from ..services.errors import Unauthorized

    # With a bearer token, the token alone is the caller (security/sessions.py): the session is ignored.
    bearer = bearer_token(request) is not None
    if bearer and not current_user.is_authenticated:
        raise Unauthorized("The API token is not valid, or it has been revoked.")
    # A bearer token cannot be sent by another site's form; a cookie can, so cookie writes need CSRF.
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.endpoint in SIGNED_WRITES:
            return  # authenticated by the signature in the body, not by a person; no cookie is read
        if not current_user.is_authenticated:
            raise Unauthorized("Sign in or send a valid API token.")
        if not bearer:
            csrf.protect()


def _load_route_modules() -> None:
    """Import every module of this package: each adds its routes to `bp` and describes them in openapi."""
    import importlib
    import pkgutil

    importlib.import_module(f"{__name__}.openapi")
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module_info.name}")


_load_route_modules()

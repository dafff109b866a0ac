"""Error pages and JSON errors: `{"error": {"code", "message"}}` under /api/, a page elsewhere."""
import logging

from flask import g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .security_log import security_event
from .services.errors import ServiceError

log = logging.getLogger(__name__)

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 429: "rate_limited", 503: "unavailable"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, field: str | None = None):
    if wants_json():
        body = {"code": code, "message": message}
        if field:
            body["field"] = field
        return jsonify(error=body), status
    return render_template("error.html", status=status, message=message), status


def register(app) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        if exc.status in (401, 403, 404):
            security_event("permission.denied", status=exc.status, code=exc.code)
        if exc.status == 401 and not wants_json():
            from .extensions import login_manager

            return login_manager.unauthorized()  # pages send anonymous visitors to the sign-in form
        body, status = error_response(exc.status, exc.code, exc.message, exc.field)
        headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else {}
        return body, status, headers

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "csrf", "The form had expired or was not sent from this site. Please try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 413:
            return error_response(413, "too_large", "The upload is too large (2 MB at most).")
        return error_response(exc.code or 500, CODES.get(exc.code or 500, "error"), exc.description or exc.name)

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(exc: Exception):
        # A number too large for the database (an id in a JSON body, say) is bad input, not a crash.
        db.session.rollback()
        return error_response(400, "invalid", "A number in the request is out of range.")

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        # Losing the database is an outage, not a bug: a plain 503, never a stack trace.
        log.error("database unavailable: %s", exc.__class__.__name__)
        db.session.remove()
        # Render as anonymous: loading the signed-in user would ask the database again, from the error page.
        from .extensions import login_manager

        g._login_user = login_manager.anonymous_user()
        return error_response(503, "unavailable", "The service is briefly unavailable. Please try again shortly.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        db.session.rollback()
        return error_response(500, "server_error", "Something went wrong on our side.")

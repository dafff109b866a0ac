"""Error pages and JSON errors: `{"error": {"code", "message"}}` under /api/, a page elsewhere.

Messages are in the request's language, the API's too; `code` and `field` are the stable, untranslated part
(docs/architecture.md, "Languages")."""
import logging

from flask import g, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .i18n import N_
from .security_log import security_event
from .services.errors import ServiceError

log = logging.getLogger(__name__)

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 429: "rate_limited", 503: "unavailable"}
# Werkzeug's own descriptions are English only: these replace them when a view aborts without a message.
DESCRIPTIONS = {
    400: N_("The request could not be understood."),
    403: N_("You are not allowed to see this page or do this."),
    404: N_("There is nothing at this address, or you are not allowed to see it."),
    405: N_("This address does not accept that kind of request."),
    415: N_("The request's content type is not supported."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, field: str | None = None):
    if wants_json():
        body = {"code": code, "message": message}
        if field:
            body["field"] = field
        return jsonify(error=body), status
    return render_template("error.html", status=status, message=message), status


def _protocol_headers(exc: HTTPException) -> dict:
    """The headers HTTP requires of the exception's status, such as a 405's Allow (RFC 9110 15.5.6),
    which Werkzeug computes from the route's methods; our body replaces Werkzeug's, so not its Content-Type."""
    return {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}


def register(app) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        if exc.status in (401, 403, 404):
            security_event("permission.denied", status=exc.status, code=exc.code)
        if exc.status == 401 and not wants_json():
            from .extensions import login_manager

            return login_manager.unauthorized()  # pages send anonymous visitors to the sign-in form
        body, status = error_response(exc.status, exc.code, exc.translated(), exc.field)
        headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else {}
        return body, status, headers

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "csrf",
                              gettext("The form had expired or was not sent from this site. Please try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 413:
            return error_response(413, "too_large", gettext("The upload is too large (2 MB at most)."))
        status = exc.code or 500
        message = exc.description or exc.name
        if status in DESCRIPTIONS and exc.description == type(exc).description:
            message = gettext(DESCRIPTIONS[status])
        body, status = error_response(status, CODES.get(status, "error"), message)
        return body, status, _protocol_headers(exc)

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(exc: Exception):
        # A number too large for the database (an id in a JSON body, say) is bad input, not a crash.
        db.session.rollback()
        return error_response(400, "invalid", gettext("A number in the request is out of range."))

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        # Losing the database is an outage, not a bug: a plain 503, never a stack trace.
        log.error("database unavailable: %s", exc.__class__.__name__)
        db.session.remove()
        # Render as anonymous: loading the signed-in user would ask the database again, from the error page.
        from .extensions import login_manager

        g._login_user = login_manager.anonymous_user()
        return error_response(503, "unavailable",
                              gettext("The service is briefly unavailable. Please try again shortly."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        db.session.rollback()
        return error_response(500, "server_error", gettext("Something went wrong on our side."))

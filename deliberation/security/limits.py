"""Rate limits (Flask-Limiter) and the growing back-off after failed sign-ins.

`limiter` is created unbound, like the other extensions; `init_limits(app)` binds it. Counters live in
Redis when REDIS_URL is set (shared by every process), in memory otherwise; RATELIMIT_ENABLED = False
switches limits and back-off off (the test app does). If Redis goes away, limits fall back to memory
and the back-off to nothing, with a log line: an outage of the store must not lock everyone out.

Apply a named limit under the route decorator, so the route registers the limited function:

    @bp.post("/clauses/<int:clause_id>/comments")
    @limited("comments")
    def post_comment(clause_id): ...

Each name is one bucket shared by every route that applies it (the page and the API of a feature
count together), per signed-in user, or per IP address for anonymous callers. Values come from
`RATE_LIMITS` in the config (see DEFAULT_LIMITS) and are read per request.
"""
import logging
import math
import time

from flask import current_app, request
from flask_babel import gettext, ngettext
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from limits.storage import storage_from_string

from ..i18n import N_
from ..security_log import account_ref, security_event
from ..services.errors import ServiceError

log = logging.getLogger(__name__)

WRITES = ["POST", "PUT", "PATCH", "DELETE"]
DEFAULT_LIMITS = {
    "sign_in": "10 per minute;60 per hour",       # failed attempts per IP address
    "invitations": "30 per hour;200 per day",
    "token_creation": "10 per hour",
    "comments": "20 per minute;500 per day",
    "supports": "5 per hour;20 per day",           # expressions of support, often anonymous
    "api_writes": "60 per minute;2000 per day",
}
BACKOFF_AFTER = 5            # failed sign-ins for one account before the back-off starts
BACKOFF_CAP = 15 * 60        # seconds
FAILURE_MEMORY = 24 * 3600   # failures older than this are forgotten
BACKOFF_MESSAGE = N_("Too many failed sign-ins for this account. Try again in %(wait)s.")


def client_ip() -> str:
    # request.remote_addr is the proxy's client address when BEHIND_PROXY installs ProxyFix.
    return request.remote_addr or "unknown"


def user_or_ip() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else f"ip:{client_ip()}"


limiter = Limiter(client_ip, swallow_errors=True, in_memory_fallback_enabled=True)


def _limit_value(name: str):
    return lambda: current_app.config["RATE_LIMITS"][name]


def _failed(response) -> bool:
    return response.status_code >= 400


_LIMITS = {
    # Sign-in counts only refused attempts, so a busy office behind one address can still sign in.
    "sign_in": limiter.shared_limit(_limit_value("sign_in"), "sign_in", methods=["POST"], deduct_when=_failed),
    **{name: limiter.shared_limit(_limit_value(name), name, key_func=user_or_ip, methods=WRITES)
       for name in ("invitations", "token_creation", "comments", "supports", "api_writes")},
}


def limited(name: str):
    """The decorator for the named limit: sign_in, invitations, token_creation, comments, supports, api_writes."""
    return _LIMITS[name]


class RateLimited(ServiceError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None, **params):
        super().__init__(message, field=field, **params)
        self.retry_after = retry_after


def describe_wait(seconds: int) -> str:
    """The wait in words, in the reader's language."""
    if seconds < 90:
        return ngettext("%(num)s second", "%(num)s seconds", seconds)
    return ngettext("%(num)s minute", "%(num)s minutes", math.ceil(seconds / 60))


def init_limits(app) -> None:
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config["RATE_LIMITS"] = {**DEFAULT_LIMITS, **app.config.get("RATE_LIMITS", {})}
    limiter.init_app(app)
    if app.config["RATELIMIT_ENABLED"]:
        app.extensions["sign_in_backoff"] = storage_from_string(
            app.config["RATELIMIT_STORAGE_URI"], **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded):
        from ..errors import error_response

        current = limiter.current_limit
        wait = max(1, int(current.reset_at - time.time())) if current is not None else 60
        security_event("rate_limited", limit=exc.limit.scope)
        message = gettext("That was done too often for now. Please wait %(wait)s and try again.",
                          wait=describe_wait(wait))
        body, status = error_response(429, "rate_limited", message)
        response = current_app.make_response((body, status))
        response.headers["Retry-After"] = str(wait)
        return response


# The back-off: after BACKOFF_AFTER failures, each further failure makes the account wait 2^(n-5)
# seconds (capped). Keyed by a hash of the address as typed, whether or not an account has it, so the
# answer never tells who has an account. Stored beside the rate-limit counters.

def _backoff_store():
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return None
    return current_app.extensions.get("sign_in_backoff")


def _keys(email: str) -> tuple[str, str]:
    ref = account_ref(email)
    return f"sign-in-failures:{ref}", f"sign-in-wait:{ref}"


def sign_in_wait(email: str) -> int:
    """Seconds this address must still wait before another attempt (0: none)."""
    store = _backoff_store()
    if store is None:
        return 0
    _failures, wait_key = _keys(email)
    try:
        if not store.get(wait_key):
            return 0
        return max(1, math.ceil(store.get_expiry(wait_key) - time.time()))
    except Exception:  # the store is down: limits still apply per IP, from memory
        log.warning("sign-in back-off unavailable: its store does not answer", exc_info=True)
        return 0


def record_sign_in_failure(email: str) -> None:
    store = _backoff_store()
    if store is None:
        return
    failures_key, wait_key = _keys(email)
    try:
        failures = store.incr(failures_key, FAILURE_MEMORY)
        if failures >= BACKOFF_AFTER:
            store.clear(wait_key)
            store.incr(wait_key, min(2 ** (failures - BACKOFF_AFTER), BACKOFF_CAP))
    except Exception:
        log.warning("sign-in back-off unavailable: its store does not answer", exc_info=True)


def record_sign_in_success(email: str) -> None:
    store = _backoff_store()
    if store is None:
        return
    try:
        for key in _keys(email):
            store.clear(key)
    except Exception:
        log.warning("sign-in back-off unavailable: its store does not answer", exc_info=True)


def authenticate_with_backoff(email: str, password: str):
    """`services.accounts.authenticate`, refused while the address is in back-off, and logged."""
    from ..services.accounts import authenticate

    wait = sign_in_wait(email)
    if wait:
        security_event("sign_in.deferred", account=account_ref(email), retry_after=wait)
        raise RateLimited(BACKOFF_MESSAGE, wait=describe_wait(wait), retry_after=wait, field="password")
    try:
        user = authenticate(email, password)
    except ServiceError:
        record_sign_in_failure(email)
        security_event("sign_in.failed", account=account_ref(email))
        raise
    record_sign_in_success(email)
    return user

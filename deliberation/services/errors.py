"""Errors a service raises for bad input or a refused action; views turn them into form errors or JSON.

A message is an English template with named parameters, never an f-string, so it can be translated:

    raise Invalid("Use at most %(limit)s characters.", field="body", limit=MAX_BODY_CHARS)

`message` is the English text (logs, the CLI, tests); `translated()` is the text in the reader's language,
asked for when a page, a flash or the JSON API shows it. `make translations` extracts the templates: the
class names are extraction keywords, so a plain string message needs nothing more than this.
"""
from flask_babel import format_decimal, gettext


class Term(str):
    """A parameter that is itself an interface word marked with N_ (a status label, say): translated with
    the message. Other parameters (names, keys, user text) are shown as they are; numbers are localised."""


def _english(value):
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


def _localised(value):
    if isinstance(value, Term):
        return gettext(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value)
    return value


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None, **params):
        self.template = message
        self.params = params
        self.message = message % {k: _english(v) for k, v in params.items()} if params else message
        super().__init__(self.message)
        self.field = field
        if code:
            self.code = code

    def translated(self) -> str:
        """The message in the current request's language (English when no catalog has it)."""
        return gettext(self.template, **{k: _localised(v) for k, v in self.params.items()})


class Invalid(ServiceError):
    status, code = 400, "invalid"


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class TooLarge(ServiceError):
    status, code = 413, "too_large"

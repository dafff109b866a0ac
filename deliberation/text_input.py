"""Characters no text may hold, decided once for both databases at the edge of every request.

A NUL character was stored by SQLite and refused by PostgreSQL (a 500 there), and an unpaired UTF-16
surrogate (JSON's "\\ud800") has no UTF-8 form at all, so no database stores it. A request that carries
either anywhere in its query string, form fields or JSON body is refused with a 400 naming the field,
before any handler runs: nothing is half-written, and every route, page or API, present or future, is
covered. (Werkzeug decodes query strings and forms with replacement characters, so only JSON can carry
a surrogate; any of the three can carry a NUL.)
"""
import re

from flask import request

from .i18n import N_
from .services.errors import Invalid

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
MESSAGE = N_("Text cannot contain a NUL character or an unpaired surrogate; remove it and try again.")


def forbidden_field(value, name: str = "body") -> str | None:
    """The name of the first field (a JSON key, or the parent's name for list items) whose text or key holds
    a forbidden character, or None."""
    stack = [(name, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if FORBIDDEN.search(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if FORBIDDEN.search(str(key)):
                    return where
                stack.append((str(key), child))
        elif isinstance(item, list):
            stack.extend((where, child) for child in item)
    return None


def refuse_forbidden_text() -> None:
    """A before_request hook: raise Invalid (400) when the request carries a forbidden character."""
    for values in (request.args, request.form if request.mimetype in _FORM_TYPES else None):
        for key, value in (values.items(multi=True) if values else ()):
            key, value = key or "", value or ""  # a multipart part can come without a usable name
            if FORBIDDEN.search(key) or FORBIDDEN.search(value):
                raise Invalid(MESSAGE, field=key if not FORBIDDEN.search(key) else None)
    if request.is_json:
        where = forbidden_field(request.get_json(silent=True))
        if where is not None:
            raise Invalid(MESSAGE, field=where)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

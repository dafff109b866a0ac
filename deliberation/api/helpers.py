"""Request parsing for the API: a JSON object body, typed fields, and loading objects by id."""
from flask import request
from flask_login import current_user

from ..extensions import db
from ..security import Permission, require
from ..i18n import N_
from ..services.errors import Invalid, NotFound, Term, TooLarge

# How a JSON type is named in an error message.
_KINDS = {str: N_("a string"), int: N_("an integer"), bool: N_("true or false"), list: N_("a list"),
          dict: N_("an object")}


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object (Content-Type: application/json).", field="body")
    return data


def field(data: dict, name: str, kind: type, *, required: bool = True, default=None):
    value = data.get(name, default)
    if value is None:
        if required:
            raise Invalid("'%(name)s' is required.", field=name, name=name)
        return default
    # bool is an int in Python; an id of `true` is still a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Invalid("'%(name)s' must be %(kind)s.", field=name, name=name, kind=Term(_KINDS.get(kind, kind.__name__)))
    return value


def load(model, object_id: int, permission: Permission = Permission.VIEW_DOCUMENT):
    obj = db.session.get(model, object_id)
    if obj is None:
        raise NotFound("Not found.")
    require(current_user, permission, obj)
    return obj


MAX_SOURCE_BYTES = 2 * 1024 * 1024


def sized_source(data: dict) -> str:
    """The draft's 'source' field, refused (413) past 2 MB of UTF-8."""
    source = field(data, "source", str)
    if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise TooLarge("The draft is larger than 2 MB.", field="source")
    return source

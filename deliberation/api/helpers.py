"""Request parsing for the API: a JSON object body, typed fields, and loading objects by id."""
from flask import request
from flask_login import current_user

from ..extensions import db
from ..security import Permission, require
from ..services.errors import Invalid, NotFound


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object (Content-Type: application/json).", field="body")
    return data


def field(data: dict, name: str, kind: type, *, required: bool = True, default=None):
    value = data.get(name, default)
    if value is None:
        if required:
            raise Invalid(f"'{name}' is required.", field=name)
        return default
    # bool is an int in Python; an id of `true` is still a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Invalid(f"'{name}' must be {kind.__name__ if kind is not str else 'a string'}.", field=name)
    return value


def load(model, object_id: int, permission: Permission = Permission.VIEW_DOCUMENT):
    obj = db.session.get(model, object_id)
    if obj is None:
        raise NotFound("Not found.")
    require(current_user, permission, obj)
    return obj

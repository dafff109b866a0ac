"""API: the caller's notification settings, per kind: immediately, daily, weekly or off."""
from flask import jsonify
from flask_login import current_user

from ..services.errors import Unauthorized
from ..services.notifications.kinds import DEFAULTS, FREQUENCIES, KINDS, LABELS, allowed_frequencies
from ..services.notifications.settings import settings_of, update_settings
from . import bp
from .helpers import json_body
from .openapi import describe, errors, json_response, ref


def _signed_in() -> None:
    if not current_user.is_authenticated:
        raise Unauthorized("Sign in or send a valid API token.")


@bp.get("/me/notification-settings")
def get_notification_settings():
    _signed_in()
    return jsonify(settings_of(current_user.id))


@bp.put("/me/notification-settings")
def put_notification_settings():
    _signed_in()
    return jsonify(update_settings(current_user, json_body()))


_SETTINGS = {
    "type": "object", "additionalProperties": False,
    "description": "How often each kind of notification is e-mailed (in-app too, unless off). Defaults: "
                   + "; ".join(f"{kind}: {DEFAULTS[kind]}" for kind in KINDS)
                   + ". new_comments (for chairs) is always batched: daily, weekly or off.",
    "properties": {kind: {"type": "string", "enum": list(allowed_frequencies(kind)), "description": str(LABELS[kind])}
                   for kind in KINDS},
}
describe(
    {"/me/notification-settings": {
        "get": {"summary": "The caller's notification settings, every kind listed", "operationId": "getNotificationSettings",
                "responses": {"200": json_response(ref("NotificationSettings")), **errors(401)}},
        "put": {"summary": "Change some kinds' frequency; the kinds not sent keep theirs",
                "operationId": "putNotificationSettings",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": ref("NotificationSettingsChange")}}},
                "responses": {"200": json_response(ref("NotificationSettings")), **errors(400, 401)}}}},
    {"NotificationSettings": {**_SETTINGS, "required": list(KINDS)},
     "NotificationSettingsChange": _SETTINGS,
     "NotificationFrequency": {"type": "string", "enum": list(FREQUENCIES)}},
)

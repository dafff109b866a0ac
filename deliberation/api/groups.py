"""API: working groups the caller may see."""
from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import WorkingGroup
from ..security.visibility import visible_groups_clause
from . import bp
from .openapi import BOOL, INT, STR, describe, json_response, obj, ref
from .serializers import group_json


@bp.get("/working-groups")
def list_working_groups():
    groups = db.session.scalars(select(WorkingGroup).where(visible_groups_clause(current_user))
                                .order_by(WorkingGroup.name))
    return jsonify([group_json(g) for g in groups])


describe(
    {"/working-groups": {"get": {
        "summary": "The working groups the caller may see", "operationId": "listWorkingGroups",
        "responses": {"200": json_response({"type": "array", "items": ref("WorkingGroup")})}}}},
    {"StakeholderGroup": obj({"id": INT, "key": STR, "name": STR}, ["id", "key", "name"]),
     "WorkingGroup": obj({"id": INT, "slug": STR, "name": STR, "public": BOOL,
                          "stakeholder_groups": {"type": "array", "items": ref("StakeholderGroup")}},
                         ["id", "slug", "name", "stakeholder_groups"])},
)

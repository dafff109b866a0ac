"""API: working groups the caller may see."""
from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import WorkingGroup
from ..security.visibility import visible_groups_clause
from . import bp
from .serializers import group_json


@bp.get("/working-groups")
def list_working_groups():
    groups = db.session.scalars(select(WorkingGroup).where(visible_groups_clause(current_user))
                                .order_by(WorkingGroup.name))
    return jsonify([group_json(g) for g in groups])

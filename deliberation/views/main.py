"""The home page: my working groups and documents, and the public ones."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Document, Membership, WorkingGroup
from ..security.visibility import visible_documents_clause, visible_groups_clause

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    mine = []
    if current_user.is_authenticated:
        mine = list(db.session.scalars(
            select(Membership).where(Membership.user_id == current_user.id).order_by(Membership.id)))
    groups = list(db.session.scalars(select(WorkingGroup).where(visible_groups_clause(current_user))
                                     .order_by(WorkingGroup.name)))
    documents = list(db.session.scalars(
        select(Document).join(WorkingGroup).where(visible_documents_clause(current_user))
        .order_by(Document.created_at.desc()).limit(50)))
    return render_template("home.html", memberships=mine, groups=groups, documents=documents)


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon.
    return redirect(url_for("static", filename="favicon.svg"), code=301)

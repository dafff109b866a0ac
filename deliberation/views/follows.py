"""Following a thread or a clause (a plain form: works without scripts), and the template global that
says, in one query a request, which threads and clauses the reader follows."""
from flask import Blueprint, g, has_request_context, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Clause, Follow, Version
from ..security import Permission, require
from ..services.comment_lookup import readable_comment
from ..services.notifications.follows import set_following
from .forms import EmptyForm

bp = Blueprint("follows", __name__)


@bp.app_template_global()
def followed() -> tuple[set[int], set[int]]:
    """(root comment ids, clause ids) the signed-in reader follows; empty for anyone else."""
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return set(), set()
    if "_followed" not in g:
        rows = db.session.execute(select(Follow.comment_id, Follow.clause_id).where(Follow.user_id == current_user.id))
        comments, clauses = set(), set()
        for comment_id, clause_id in rows:
            (comments.add(comment_id) if comment_id else clauses.add(clause_id))
        g._followed = (comments, clauses)
    return g._followed


def _wants_follow() -> bool:
    return request.form.get("follow", "1") != "0"


@bp.post("/comments/<int:comment_id>/follow")
@login_required
def follow_thread(comment_id: int):
    comment, _version, _viewer = readable_comment(current_user, comment_id)
    if EmptyForm().validate_on_submit():
        set_following(current_user, _wants_follow(), comment=comment)
    return redirect(url_for("discussion.permalink", comment_id=comment.root_id))


@bp.post("/clauses/<int:clause_id>/follow")
@login_required
def follow_clause(clause_id: int):
    clause = db.session.get(Clause, clause_id)
    if clause is None:
        from ..services.errors import NotFound
        raise NotFound("There is no such clause.")
    version = db.session.get(Version, clause.version_id)
    require(current_user, Permission.VIEW_DOCUMENT, version)
    if EmptyForm().validate_on_submit():
        set_following(current_user, _wants_follow(), clause=clause)
    return redirect(url_for("documents.clause", document_id=version.document_id, number=version.number,
                            key=clause.key))

"""Helpers for the discussion tests: clauses of the world's documents, posting through the service,
calling the API with the session's CSRF token, counting what was written."""
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Clause, Comment, Notification, RecordEvent, User

from ..conftest import csrf_token, sign_in


def clauses(app, version_id: int) -> list[dict]:
    """The version's clauses with text, as plain dicts (id, key, text, label)."""
    with app.app_context():
        rows = db.session.scalars(select(Clause).where(Clause.version_id == version_id, Clause.text != "")
                                  .order_by(Clause.position))
        return [{"id": c.id, "key": c.key, "text": c.text, "label": c.label} for c in rows]


def post(app, user, clause_id: int, body: str = "A comment.", **kwargs) -> int:
    """Post through the service (as a request would) and commit; returns the comment id."""
    from deliberation.services.comments import post_comment

    with app.app_context():
        comment = post_comment(db.session.get(User, user.id), db.session.get(Clause, clause_id), body=body, **kwargs)
        db.session.commit()
        return comment.id


class Api:
    """A signed-in test client that sends JSON with the CSRF header."""

    def __init__(self, client, user=None):
        self.client = client
        if user is not None:
            sign_in(client, user)
        self.token = csrf_token(client)

    def __call__(self, method: str, url: str, json=None):
        return self.client.open(url, method=method, json=json, headers={"X-CSRFToken": self.token})

    def get(self, url: str):
        return self.client.get(url)


def counts(app) -> dict:
    """How many comments, notifications and record events exist: "nothing written" compares these."""
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Comment, Notification, RecordEvent)}

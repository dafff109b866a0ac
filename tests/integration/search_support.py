"""Helpers for the search tests: post through the real services, search as a given user."""
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, Document, User
from deliberation.services.comments import post_comment
from deliberation.services.search import filters_from, search


def last_clause(document_id: int) -> Clause:
    document = db.session.get(Document, document_id)
    return db.session.scalars(select(Clause).where(Clause.version_id == document.current_version_id)
                              .order_by(Clause.position.desc())).first()


def post(author, document, body, **kw):
    comment = post_comment(db.session.get(User, author.id), last_clause(document.id), body=body, **kw)
    db.session.commit()
    return comment


def found(user, text, **args) -> list[tuple[str, int]]:
    """(kind, id) of every result of the search, as `user` (None for the public) sees it."""
    reader = db.session.get(User, user.id) if user is not None else AnonymousUserMixin()
    results, page = [], 1
    while True:
        result_page = search(reader, text, filters_from({**args, "page": str(page)}, reader))
        results += [(r.kind, r.id) for r in result_page.results]
        if page >= result_page.pages:
            return results
        page += 1

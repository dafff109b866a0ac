"""Helpers for the version, re-anchoring and record tests: tokens, comments as rows, publishing."""
from sqlalchemy import select

from deliberation.anchoring import make_selector
from deliberation.extensions import db
from deliberation.models import Clause, Comment, CommentAnchor, Document, Membership, Version
from deliberation.sanitize import render_markdown


def api_token(app, user) -> dict:
    from deliberation.services.accounts import create_token

    with app.app_context():
        _row, plain = create_token(db.session.merge(user))
        db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def clauses_of(version_id: int) -> list[Clause]:
    return list(db.session.scalars(select(Clause).where(Clause.version_id == version_id).order_by(Clause.position)))


def clause_numbered(version_id: int, number: str) -> Clause:
    return db.session.scalar(select(Clause).where(Clause.version_id == version_id, Clause.number == number))


def add_comment(clause: Clause, author, *, quote: str | None = None, occurrence: int = 0, body: str = "A comment",
                parent: Comment | None = None, status: str = "visible", kind: str = "comment", **fields) -> Comment:
    """A comment row written directly (issue 3's service is not needed to test what follows it)."""
    version = db.session.get(Version, clause.version_id)
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == author.id, Membership.working_group_id == version.document.working_group_id))
    selector = {}
    if quote is not None:
        start = -1
        for _ in range(occurrence + 1):
            start = clause.text.index(quote, start + 1)
        s = make_selector(clause.text, start, start + len(quote))
        selector = dict(quote_exact=s.exact, quote_prefix=s.prefix, quote_suffix=s.suffix, quote_start=s.start,
                        quote_end=s.end)
    comment = Comment(document_id=version.document_id, version_id=version.id, clause_id=clause.id,
                      author_id=author.id, stakeholder_group_id=membership.stakeholder_group_id if membership else None,
                      parent_id=parent.id if parent else None, depth=parent.depth + 1 if parent else 0, kind=kind,
                      body_source=body, body_html=render_markdown(body), status=status, **selector, **fields)
    db.session.add(comment)
    db.session.flush()
    comment.root_id = parent.root_id if parent else comment.id
    db.session.flush()
    return comment


def publish(document_id: int, chair, source: str, matches=None, label: str = ""):
    """Publish a new version through the service, as a chair; returns (version, plan)."""
    from deliberation.services.versions import publish_version

    document = db.session.get(Document, document_id)
    return publish_version(db.session.merge(chair), document, fmt="markdown", source=source,
                           predecessor_ids=matches, label=label)


def anchor_of(comment_id: int, version_id: int) -> CommentAnchor | None:
    return db.session.scalar(select(CommentAnchor).join(Clause, Clause.id == CommentAnchor.clause_id)
                             .where(CommentAnchor.comment_id == comment_id, Clause.version_id == version_id))

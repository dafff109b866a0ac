"""Helpers for the working-draft tests: a document with accepted amendments, and short ways to act on it."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, Document, User, WorkingDraft
from deliberation.services.comments import post_comment
from deliberation.services.moderation import set_disposition

from .version_helpers import clause_numbered


def amendment(clause: Clause, author, quote: str, replacement: str, disposition: str | None = "accepted"):
    """A proposed amendment quoting `quote` in the clause, disposed of by the group's chair."""
    start = clause.text.index(quote)
    comment = post_comment(author, clause, body=f"Replace “{quote}”", kind="amendment",
                           selector={"exact": quote, "start": start, "end": start + len(quote)},
                           replacement_text=replacement)
    if disposition:
        chair = db.session.scalar(select(User).where(User.id == chair_id(clause)))
        set_disposition(chair, comment, disposition=disposition, rationale="Agreed.")
    return comment


def chair_id(clause: Clause) -> int:
    from deliberation.models import Membership, Version

    version = db.session.get(Version, clause.version_id)
    return db.session.scalar(select(Membership.user_id).where(
        Membership.working_group_id == version.document.working_group_id, Membership.role == "chair").limit(1))


def document_with_amendments(world):
    """The world's document with two accepted amendments on 1.1 and 2, one not accepted, and a comment.
    Returns (document id, {name: comment id})."""
    member = db.session.get(User, world.member.id)
    document = db.session.get(Document, world.document.id)
    version_id = document.current_version_id
    c11, c2 = clause_numbered(version_id, "1.1"), clause_numbered(version_id, "2")
    ids = {
        "impact": amendment(c11, member, "assess the impact", "assess and publish the impact").id,
        "strong": amendment(c2, member, "Strong encryption", "End-to-end encryption",
                            disposition="accepted_in_part").id,
        "refused": amendment(c2, member, "should be protected", "may be weakened", disposition="not_accepted").id,
        "comment": post_comment(member, c11, body="Good clause.").id,
    }
    db.session.commit()
    return document.id, ids


def draft_of(document_id: int) -> WorkingDraft | None:
    return db.session.scalar(select(WorkingDraft).where(WorkingDraft.document_id == document_id))

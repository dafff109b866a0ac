"""The preview of a reviewed Word file: read it, place its items, refuse what cannot be a review of this
version, and keep the items (nothing is posted) in a pending `WordReview` for the member to confirm."""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...i18n import N_
from ...importer.clauses import DraftImportError
from ...models import Clause, Document, User, Version, WordReview
from ...sanitize import MAX_BODY_CHARS
from ...security import Permission, can, can_see
from ..errors import Conflict, Forbidden, Invalid, Term
from .placing import FOUND_FLOOR, Item, find_clauses, group_changes, place
from .reading import read_reviewed

MAX_ITEMS = 500
OUTSIDE = N_("In a header, footer, footnote or endnote: not imported.")
NO_PLACE = N_("A new paragraph: choose the clause it belongs to.")
ALREADY = N_("Already on the platform: this comment is in the file as it was downloaded. Left unticked.")
# How many other versions the "looks like" check reads at most.
LOOKALIKE_VERSIONS = 20


def _clauses(version_id: int) -> list[Clause]:
    return list(db.session.scalars(select(Clause).where(Clause.version_id == version_id).order_by(Clause.position)))


def _looks_like(actor, version: Version, text: str) -> Version | None:
    """Another version (of this document or another of the group) whose clauses the text holds, if any."""
    candidates = db.session.scalars(
        select(Version).join(Document, Document.id == Version.document_id)
        .where(Document.working_group_id == version.document.working_group_id, Version.id != version.id)
        .order_by(Version.id.desc()).limit(LOOKALIKE_VERSIONS)).all()
    best, best_share = None, FOUND_FLOOR
    texts: dict[int, list[str]] = {}
    rows = db.session.execute(select(Clause.version_id, Clause.text)
                              .where(Clause.version_id.in_([v.id for v in candidates])))
    for version_id, clause_text in rows:
        if clause_text.strip():
            texts.setdefault(version_id, []).append(clause_text)
    for candidate in candidates:
        own = texts.get(candidate.id, [])
        if not own or not can_see(actor, candidate):
            continue
        share = sum(t in text for t in own) / len(own)
        if share >= best_share:
            best, best_share = candidate, share
    return best


def _refuse_other_document(actor, version: Version, text: str) -> None:
    other = _looks_like(actor, version, text)
    if other is None:
        raise Invalid("This file does not look like %(title)s (%(label)s): most of its clauses are not in it. "
                      "Upload a reviewed copy of this version.", field="file", code="another_document",
                      title=version.document.title, label=version.label)
    raise Invalid("This file looks like %(title)s (%(label)s), not this version: upload it there, or upload a "
                  "reviewed copy of this version.", field="file", code="another_document",
                  title=other.document.title, label=other.label)


def _mark_already_posted(version: Version, items: list[Item]) -> None:
    """A copy downloaded with its comments carries the platform's own comments back: say so (one query)."""
    from ...models import Comment
    from ...word.comments import plain_text

    rows = db.session.execute(select(Comment.clause_id, Comment.quote_exact, Comment.body_html)
                              .where(Comment.version_id == version.id, Comment.status == "visible"))
    known = set()
    for clause_id, quote, body_html in rows:
        lines = plain_text(body_html)
        if lines:
            known.add((clause_id, quote or None, " ".join(lines[0].split())))
    for item in items:
        if item.kind != "comment" or item.clause_id is None:
            continue
        paragraphs = {" ".join(p.split()) for p in item.text.split("\n\n")}
        for paragraph in paragraphs:
            if (item.clause_id, item.exact or None, paragraph) in known:
                item.already_posted, item.reason = True, ALREADY
                break


def _item_json(n: int, item: Item) -> dict:
    return {"n": n, "kind": item.kind, "clause_id": item.clause_id, "clause_label": item.clause_label,
            "exact": item.exact, "prefix": item.prefix, "suffix": item.suffix,
            "start": item.quote_start, "end": item.quote_end, "text": item.text[:MAX_BODY_CHARS - 400],
            "replacement_text": item.replacement_text, "word_author": item.author[:200],
            "anchor_status": item.anchor_status, "score": item.score, "reason": item.reason,
            "new_paragraph": item.new_paragraph, "already_posted": item.already_posted}


def review_author(actor, version: Version, on_behalf_of) -> User | None:
    """The member a chair uploads for (None: the uploader posts as themselves)."""
    if on_behalf_of is None:
        return None
    if not can(actor, Permission.MODERATE, version):
        raise Forbidden("Only a chair can upload a reviewed copy on behalf of a member.")
    valid = isinstance(on_behalf_of, int) and 0 < on_behalf_of < 2**31
    member = db.session.get(User, on_behalf_of) if valid else None
    if member is None or not can(member, Permission.COMMENT, version):
        raise Invalid("Choose a member who may comment on this version.", field="on_behalf_of")
    return member


def create_review(actor, version: Version, filename: str, data: bytes, on_behalf_of=None) -> WordReview:
    """Read and place a reviewed file; raises Invalid (field "file") for what cannot be one."""
    if not version.accepts_comments:
        raise Conflict("This version (%(status)s) no longer takes comments; comment on the current version "
                       "instead.", status=Term(version.status_label))
    member = review_author(actor, version, on_behalf_of)
    try:
        reviewed = read_reviewed(filename, data)
    except DraftImportError as exc:
        raise Invalid(exc.template, field="file", **exc.params) from None
    items = [Item("comment", c.author, c.text, c.start, c.end) for c in reviewed.comments]
    items += group_changes(reviewed.changes, reviewed)
    outside = [Item("comment", c.author, c.text, None, None, reason=OUTSIDE) for c in reviewed.outside]
    if not items and not outside:
        raise Invalid("The file has no Word comments and no tracked changes, so there is nothing to import. "
                      "Add comments or turn on Track Changes in Word, then upload it again.", field="file",
                      code="empty_review")
    if len(items) + len(outside) > MAX_ITEMS:
        raise Invalid("The file has %(count)s comments and changes; at most %(limit)s can be imported from one "
                      "file. Split the review into several files.", field="file", code="too_many_items",
                      count=len(items) + len(outside), limit=MAX_ITEMS)
    clauses = _clauses(version.id)
    regions, with_text = find_clauses(clauses, reviewed.text)
    if with_text and sum(r.clause.text.strip() != "" for r in regions) < FOUND_FLOOR * with_text:
        _refuse_other_document(actor, version, reviewed.text)
    for item in items:
        if item.new_paragraph:
            item.reason = NO_PLACE
        else:
            place(item, regions, reviewed.text)
    _mark_already_posted(version, items)
    items.sort(key=lambda i: (i.start is None, i.start or 0, i.end or 0))
    review = WordReview(version_id=version.id, uploader_id=actor.id,
                        on_behalf_of_id=member.id if member else None, filename=(filename or "review.docx")[:255],
                        items=[_item_json(n, item) for n, item in enumerate([*items, *outside], start=1)],
                        status="pending", comment_ids=[])
    db.session.add(review)
    db.session.flush()
    return review

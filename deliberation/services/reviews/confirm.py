"""Confirming a reviewed Word file: the kept items become comments and proposed amendments by the uploader
(or by the member a chair uploaded for), each saying it came from a reviewed Word file and naming the Word
author where that is someone else. All or nothing: one refused item refuses the whole confirmation."""
from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy import select

from ...anchoring import SelectorError, selector_from_input
from ...extensions import db
from ...models import Clause, User, Version, WordReview
from ...models._base import utcnow
from ..comment_access import comments_are_public
from ..comments import post_comment
from ..errors import Conflict, Forbidden, Invalid
from ..record import append_event


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~!])")


def _note(item: dict, author: User) -> str:
    raw = " ".join((item.get("word_author") or "").split())
    differs = raw and raw.casefold() != (author.name or "").strip().casefold()
    word_author = _MARKDOWN.sub(r"\\\1", raw)  # a name, not Markdown: "[x](y)" stays as typed
    if item["kind"] == "amendment":
        return (gettext("Tracked changes from a reviewed Word file; Word author: %(name)s", name=word_author)
                if differs else gettext("Tracked changes from a reviewed Word file"))
    return (gettext("From a reviewed Word file; Word author: %(name)s", name=word_author)
            if differs else gettext("From a reviewed Word file"))


def _body(item: dict, author: User) -> str:
    note = f"_{_note(item, author)}_"
    text = (item.get("text") or "").strip()
    return f"{text}\n\n{note}" if text else note


def _selector(item: dict, clause: Clause, moved: bool) -> dict | None:
    """The item's words on the clause; None for the whole clause."""
    if not item.get("exact"):
        return None
    if not moved:
        return {k: item.get(k) for k in ("exact", "prefix", "suffix", "start", "end")}
    try:
        selector_from_input(clause.text, {"exact": item["exact"]})
    except SelectorError:
        return None
    return {"exact": item["exact"]}


def _placements(review: WordReview, place: dict) -> dict[int, Clause]:
    out = {}
    numbers = {item["n"] for item in review.items}
    for key, clause_id in place.items():
        n = int(key) if isinstance(key, str) and key.isdigit() else key
        if n not in numbers:
            raise Invalid("Item %(n)s is not in this review.", field="place", n=str(key))
        valid = isinstance(clause_id, int) and not isinstance(clause_id, bool) and 0 < clause_id < 2**31
        clause = db.session.get(Clause, clause_id) if valid else None
        if clause is None or clause.version_id != review.version_id:
            raise Invalid("Choose a clause of this version for item %(n)s.", field="place", n=str(key))
        out[n] = clause
    return out


def confirm_review(actor, review: WordReview, *, skip=None, place=None) -> list[int]:
    """Post the kept items; returns the new comment ids in the review's order."""
    if review.uploader_id != actor.id:
        raise Forbidden("Only the person who uploaded this file can confirm it.")
    if review.status != "pending":
        raise Conflict("This review has already been posted.")
    skip, place = skip or [], place or {}
    if not isinstance(skip, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in skip):
        raise Invalid("'skip' must be a list of item numbers.", field="skip")
    if not isinstance(place, dict):
        raise Invalid("'place' must map item numbers to clause ids.", field="place")
    placements = _placements(review, place)
    author = review.on_behalf_of or actor
    clauses = {c.id: c for c in db.session.scalars(select(Clause).where(Clause.version_id == review.version_id))}
    ids = []
    for item in review.items:
        n = item["n"]
        if n in skip:
            continue
        moved = n in placements
        clause = placements.get(n) or clauses.get(item.get("clause_id"))
        if clause is None:
            continue  # unplaced and not placed by hand: dropped
        kind, replacement = item["kind"], item.get("replacement_text")
        selector = _selector(item, clause, moved)
        if kind == "amendment" and item.get("new_paragraph"):
            selector, replacement = None, f"{clause.text}\n\n{replacement}".strip()
        elif kind == "amendment" and selector is None:
            kind = "comment"
            text = gettext("Proposed change: “%(old)s” becomes “%(new)s”", old=item.get("exact") or "",
                           new=replacement or "")
            item = {**item, "text": text}
            replacement = None
        comment = post_comment(author, clause, body=_body(item, author), kind=kind, selector=selector,
                               replacement_text=replacement if kind == "amendment" else None)
        ids.append(comment.id)
    if not ids:
        raise Invalid("Nothing is left to post: every item was dropped or has no clause.", field="skip")
    review.status, review.comment_ids, review.confirmed_at = "confirmed", ids, utcnow()
    db.session.flush()
    version = db.session.get(Version, review.version_id)
    document = version.document
    append_event("word_review.confirmed", actor=actor, subject=review, subject_type="word_review",
                 working_group_id=document.working_group_id, document_id=document.id,
                 public=comments_are_public(version),
                 payload={"version_id": version.id, "file": review.filename, "comments": len(ids),
                          "on_behalf_of": author.id if review.on_behalf_of_id else None})
    return ids

"""Reviewed Word files coming back (issue 13, items 4 and 5): a copy of a version marked up in LibreOffice
(or Word) with comments and tracked changes is read, each item placed on its clause and words, previewed
without posting anything, and posted on confirmation; a .docx downloaded with comments and saved again by
LibreOffice finds every comment again on the same words. And the bad input: each refused, nothing posted."""
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Clause, Comment, RecordEvent, WordReview

from ..word_fixtures import _missing, libreoffice_docx  # noqa: F401  (a fixture)
from .version_helpers import add_comment, api_token, clause_numbered

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _upload(client, version_id: int, data: bytes, headers: dict, name: str = "reviewed.docx", **form):
    return client.post(f"/api/v1/versions/{version_id}/reviews", headers=headers,
                       data={"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


def _confirm(client, review_id: int, headers: dict, **body):
    return client.post(f"/api/v1/reviews/{review_id}/confirm", headers=headers, json=body)


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Comment)),
                db.session.scalar(select(func.count()).select_from(RecordEvent)))


def _items_by_text(items: list[dict]) -> dict:
    return {item["text"] or item.get("replacement_text"): item for item in items}


def test_a_libreoffice_reviewed_copy_previews_then_posts(app, client, world, libreoffice_docx):
    version = world.document.current_version_id
    headers = api_token(app, world.member)
    before = _counts(app)
    response = _upload(client, version, libreoffice_docx["reviewed"], headers)
    assert response.status_code == 201, response.get_json()
    preview = response.get_json()
    assert _counts(app) == before  # nothing posted, nothing recorded
    items = preview["items"]
    assert [item["n"] for item in items] == list(range(1, len(items) + 1))
    with app.app_context():
        preamble = db.session.scalar(select(Clause).where(Clause.version_id == version, Clause.number == "Preamble"))
        rights, impact, encryption = (clause_numbered(version, n) for n in ("1", "1.1", "2"))
        ids = {c.label: c.id for c in (preamble, rights, impact, encryption)}
    by_text = _items_by_text(items)
    whole = by_text["We support the preamble."]
    assert (whole["kind"], whole["clause_id"], whole["exact"], whole["anchor_status"], whole["word_author"]) == (
        "comment", ids["Preamble"], None, "exact", "Ana Reviewer")
    quoted = by_text["Which impact: on rights?"]
    assert (quoted["clause_id"], quoted["exact"], quoted["anchor_status"]) == (ids["1.1"], "assess the impact", "exact")
    inserted = by_text["and protect human"]
    assert (inserted["kind"], inserted["clause_id"], inserted["exact"], inserted["anchor_status"]) == (
        "amendment", ids["1"], "human", "exact")
    # A deletion next to an insertion is one amendment; the clause was also retyped ("encryptoin"): fuzzy.
    replaced = by_text["must"]
    assert (replaced["kind"], replaced["clause_id"], replaced["exact"], replaced["anchor_status"],
            replaced["word_author"]) == ("amendment", ids["2"], "should", "fuzzy", "Ben Desk")
    assert len(items) == 4

    response = _confirm(client, preview["id"], headers)
    assert response.status_code == 201, response.get_json()
    comment_ids = response.get_json()["comment_ids"]
    assert len(comment_ids) == 4
    with app.app_context():
        posted = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids)))}
        assert {c.author_id for c in posted.values()} == {world.member.id}
        amendment = next(c for c in posted.values() if c.replacement_text == "must")
        assert (amendment.kind, amendment.clause_id, amendment.quote_exact) == ("amendment", ids["2"], "should")
        assert "Word author: Ben Desk" in amendment.body_source
        note = next(c for c in posted.values() if c.quote_exact == "assess the impact")
        assert note.body_source.startswith("Which impact: on rights?")
        assert "From a reviewed Word file; Word author: Ana Reviewer" in note.body_source
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "word_review.confirmed"))
        assert event is not None and event.payload["comments"] == 4
    assert _confirm(client, preview["id"], headers).status_code == 409  # posted once only

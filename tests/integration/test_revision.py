"""Working drafts (issue 12), through the services: opening, editing clause by clause with revisions,
numbering, rights, applying and undoing amendments, and publishing with the exact predecessor map."""
import pytest
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import (Clause, Comment, CommentAnchor, Document, DraftClause, RecordEvent, User, Version,
                                 WorkingDraft)
from deliberation.services.errors import Conflict, Forbidden, Invalid, NotFound
from deliberation.services.revision import amendments, drafts, editing, publishing

from .revision_helpers import document_with_amendments, draft_of


def _numbers(draft):
    return [(c.number, c.depth, c.parent_key is not None) for c in drafts.draft_clauses(draft)]


@pytest.fixture
def setup(app, world):
    """(document, chair, member, comment ids, draft) inside an app context."""
    with app.app_context():
        document_id, ids = document_with_amendments(world)
        chair = db.session.get(User, world.chair.id)
        document = db.session.get(Document, document_id)
        draft = drafts.open_draft(chair, document)
        db.session.commit()
        yield document, chair, db.session.get(User, world.member.id), ids, draft
        db.session.rollback()


def _clause(draft, number):
    return next(c for c in drafts.draft_clauses(draft) if c.number == number)


def test_opening_copies_the_current_version_with_its_keys(setup):
    document, chair, _member, _ids, draft = setup
    base = list(db.session.scalars(select(Clause).where(Clause.version_id == document.current_version_id)
                                   .order_by(Clause.position)))
    clauses = drafts.draft_clauses(draft)
    assert [(c.key, c.number, c.text, c.revision, c.predecessor_keys) for c in clauses] == \
        [(b.key, b.number, b.text, 1, [b.key]) for b in base]
    assert _clause(draft, "1.1").parent_key == _clause(draft, "1").key
    event = db.session.scalar(select(RecordEvent).order_by(RecordEvent.seq.desc()).limit(1))
    assert event.kind == "working_draft.opened" and not event.public and event.payload["clauses"] == 4


def test_one_working_draft_per_document(setup):
    document, chair, *_ = setup
    with pytest.raises(Conflict) as refused:
        drafts.open_draft(chair, document)
    assert refused.value.code == "draft_exists"


def test_only_chairs_and_named_editors_may_edit(setup):
    document, chair, member, _ids, draft = setup
    key = _clause(draft, "1").key
    with pytest.raises(Forbidden):
        editing.edit_clause(member, draft, key, revision=1, text="Taken over.")
    db.session.rollback()
    assert _clause(draft, "1").text == "Laws should respect human rights from the outset."
    drafts.add_editor(chair, document, member)
    clause = editing.edit_clause(member, draft, key, revision=1, text="Edited by a co-editor.")
    assert clause.revision == 2 and clause.updated_by_id == member.id
    with pytest.raises(Invalid):  # an observer cannot be named: only members
        from deliberation.models import User as U
        drafts.add_editor(chair, document, db.session.scalar(select(U).where(U.name == "Outsider")))


def test_a_stale_revision_is_refused_with_the_current_clause(setup):
    _document, chair, _member, _ids, draft = setup
    key = _clause(draft, "2").key
    editing.edit_clause(chair, draft, key, revision=1, text="First editor's text.")
    with pytest.raises(editing.StaleRevision) as stale:
        editing.edit_clause(chair, draft, key, revision=1, text="Second editor's text.")
    assert stale.value.current.text == "First editor's text." and stale.value.current.revision == 2
    assert stale.value.status == 409 and stale.value.code == "stale_revision"


def test_oversized_text_and_unknown_keys_are_refused(setup):
    _document, chair, _member, _ids, draft = setup
    with pytest.raises(Invalid):
        editing.edit_clause(chair, draft, _clause(draft, "2").key, revision=1, text="x" * 50_001)
    with pytest.raises(NotFound):
        editing.edit_clause(chair, draft, "0" * 32, revision=1, text="No such clause.")
    with pytest.raises(Invalid):
        editing.insert_clause(chair, draft, text="Where?")
    assert _clause(draft, "2").revision == 1


def test_inserting_renumbers_and_keeps_other_labels(setup):
    _document, chair, _member, _ids, draft = setup
    new = editing.insert_clause(chair, draft, text="A new first recommendation.", before_key=_clause(draft, "1").key)
    assert new.number == "1" and new.predecessor_keys == []
    assert [n for n, _d, _p in _numbers(draft)] == ["Preamble", "1", "2", "2.1", "3"]
    sub = editing.insert_clause(chair, draft, text="A sub-clause.", parent_key=_clause(draft, "3").key)
    assert sub.number == "3.1" and sub.depth == 1
    after = editing.insert_clause(chair, draft, text="After the preamble.", heading="Definition",
                                  after_key=_clause(draft, "Preamble").key)
    assert after.number is None and after.heading == "Definition" and after.position == 1


def test_moves_delete_split_and_merge(setup):
    _document, chair, _member, _ids, draft = setup
    one, two = _clause(draft, "1"), _clause(draft, "2")
    editing.move_clause(chair, draft, two.key, "up")
    assert [n for n, _d, _p in _numbers(draft)] == ["Preamble", "1", "2", "2.1"]
    assert _clause(draft, "1").key == two.key and _clause(draft, "2.1").parent_key == one.key
    editing.move_clause(chair, draft, one.key, "in")  # under the clause before it
    assert _numbers(draft) == [("Preamble", 0, False), ("1", 0, False), ("1.1", 1, True), ("1.1.1", 2, True)]
    editing.move_clause(chair, draft, one.key, "out")
    assert [n for n, _d, _p in _numbers(draft)] == ["Preamble", "1", "2", "2.1"]
    with pytest.raises(Conflict):
        editing.move_clause(chair, draft, _clause(draft, "Preamble").key, "up")
    # split 2.1 after its first sentence part; both parts name it
    sub = _clause(draft, "2.1")
    first, second = editing.split_clause(chair, draft, sub.key, len("Governments should assess"))
    assert (first.text, second.text) == ("Governments should assess", "the impact of proposed laws.")
    assert first.number == "2.1" and second.number == "2.2"
    assert second.predecessor_keys == first.predecessor_keys == [sub.key]
    # merge the second part back into the first: it names both, and keeps the first's key
    merged = editing.merge_clause(chair, draft, second.key)
    assert merged.key == sub.key and merged.text == "Governments should assess\n\nthe impact of proposed laws."
    assert merged.predecessor_keys == [sub.key]
    merged = editing.merge_clause(chair, draft, _clause(draft, "2").key)  # "1"'s successor merges into Preamble? no:
    assert merged.number == "1" and _clause(draft, "1.1").key == sub.key
    assert set(merged.predecessor_keys) == {two.key, one.key}
    deleted = editing.delete_clause(chair, draft, merged.key)
    assert set(deleted) == {merged.key, sub.key}
    assert [n for n, _d, _p in _numbers(draft)] == ["Preamble"]
    with pytest.raises(Conflict):
        editing.delete_clause(chair, draft, _clause(draft, "Preamble").key)


def test_applying_and_undoing_an_accepted_amendment(setup):
    _document, chair, _member, ids, draft = setup
    listed = {a.comment.id: a for a in amendments.draft_amendments(draft)}
    assert set(listed) == {ids["impact"], ids["strong"]}  # the refused one is not listed
    assert listed[ids["impact"]].status == "pending"
    clause = amendments.apply_amendment(chair, draft, ids["impact"])
    assert clause.text == "Governments should assess and publish the impact of proposed laws."
    assert clause.revision == 2
    statuses = {a.comment.id: a.status for a in amendments.draft_amendments(draft)}
    assert statuses == {ids["impact"]: "applied", ids["strong"]: "pending"}
    with pytest.raises(Conflict):
        amendments.apply_amendment(chair, draft, ids["impact"])
    clause = amendments.undo_amendment(chair, draft, ids["impact"])
    assert clause.text == "Governments should assess the impact of proposed laws." and clause.revision == 3


def test_the_fuzzy_path_finds_the_quote_in_an_edited_clause(setup):
    _document, chair, _member, ids, draft = setup
    key = _clause(draft, "1.1").key
    editing.edit_clause(chair, draft, key, revision=1,
                        text="Before anything else, governments should assess the impacts of proposed laws.")
    clause = amendments.apply_amendment(chair, draft, ids["impact"])
    assert "assess and publish the impact" in clause.text and clause.text.startswith("Before anything else")


def test_an_amendment_accepted_in_part_is_trimmed_and_undone_after_other_edits(setup):
    _document, chair, _member, ids, draft = setup
    with pytest.raises(Invalid):  # trimming is for amendments accepted in part
        amendments.apply_amendment(chair, draft, ids["impact"], text="assess the impact")
    clause = amendments.apply_amendment(chair, draft, ids["strong"], text="End-to-end")
    assert clause.text == "End-to-end should be protected."
    editing.edit_clause(chair, draft, clause.key, revision=clause.revision, text="Today, End-to-end should be protected.")
    clause = amendments.undo_amendment(chair, draft, ids["strong"])
    assert clause.text == "Today, Strong encryption should be protected."


def test_a_lost_quote_needs_a_hand(setup):
    _document, chair, _member, ids, draft = setup
    key = _clause(draft, "1.1").key
    editing.edit_clause(chair, draft, key, revision=1, text="Parliaments decide.")
    assert {a.comment.id: a.status for a in amendments.draft_amendments(draft)}[ids["impact"]] == "needs_hand"
    with pytest.raises(amendments.NeedsHand) as refused:
        amendments.apply_amendment(chair, draft, ids["impact"])
    assert refused.value.code == "needs_hand" and refused.value.status == 409
    amendments.mark_applied_by_hand(chair, draft, ids["impact"], key)
    assert {a.comment.id: a.status for a in amendments.draft_amendments(draft)}[ids["impact"]] == "applied"


def test_amendments_that_cannot_be_applied(setup, app, world):
    _document, chair, _member, ids, draft = setup
    with pytest.raises(Conflict) as refused:
        amendments.apply_amendment(chair, draft, ids["refused"])
    assert refused.value.code == "not_accepted"
    with pytest.raises(NotFound):
        amendments.apply_amendment(chair, draft, ids["comment"])
    other = db.session.scalar(select(Comment.id).where(Comment.document_id != draft.document_id).limit(1))
    with pytest.raises(NotFound):
        amendments.apply_amendment(chair, draft, other or 999_999)


def test_publishing_makes_the_next_version_with_the_exact_predecessors(setup):
    document, chair, _member, ids, draft = setup
    base_id = document.current_version_id
    one, sub, two = (_clause(draft, n).key for n in ("1", "1.1", "2"))
    amendments.apply_amendment(chair, draft, ids["impact"])
    editing.split_clause(chair, draft, one, len("Laws should respect human rights"))
    editing.merge_clause(chair, draft, two)  # into the split's second part, its previous sibling
    checklist = publishing.publish_checklist(draft)
    assert [a.comment.id for a in checklist.unapplied] == [ids["strong"]]
    assert checklist.undisposed == 1  # the plain comment
    version = publishing.publish_draft(chair, draft, label="Discussion draft 2", note="Amendments applied.")
    db.session.commit()
    assert version.number == 2 and db.session.get(Document, document.id).current_version_id == version.id
    assert db.session.get(Version, base_id).status == "superseded"
    assert draft_of(document.id) is None
    new = list(db.session.scalars(select(Clause).where(Clause.version_id == version.id).order_by(Clause.position)))
    base = {c.key: c for c in db.session.scalars(select(Clause).where(Clause.version_id == base_id))}
    by_key = {c.key: c for c in new}
    assert by_key[one].predecessor_id == base[one].id
    split_part = next(c for c in new if c.key not in base)
    assert split_part.predecessor_id == base[one].id and split_part.change == "new"
    assert split_part.text == "from the outset.\n\nStrong encryption should be protected."
    assert by_key[sub].change == "changed" and two not in by_key
    # the applied amendment's thread reads "applied in version 2" on the clause it changed
    comment = db.session.get(Comment, ids["impact"])
    assert comment.applied_in_version_id == version.id and comment.disposition_version_id == version.id
    anchor = db.session.scalar(select(CommentAnchor).where(CommentAnchor.comment_id == comment.id))
    assert anchor.status == "applied" and anchor.clause_id == by_key[sub].id
    assert anchor.quote_exact == "assess and publish the impact"
    # the thread on clause 2 follows it into the clause it was merged into, exactly
    strong = db.session.scalar(select(CommentAnchor).where(CommentAnchor.comment_id == ids["strong"]))
    assert (strong.status, strong.clause_id, strong.quote_exact) == ("exact", split_part.id, "Strong encryption")
    kinds = list(db.session.scalars(select(RecordEvent.kind).order_by(RecordEvent.seq.desc()).limit(2)))
    assert kinds == ["annotations.reanchored", "version.published"]
    event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "version.published")
                              .order_by(RecordEvent.seq.desc()).limit(1))
    assert event.payload["note"] == "Amendments applied." and event.payload["amendments_applied"] == 1
    assert event.payload["working_draft"] is True


def test_an_empty_draft_or_an_outdated_one_is_not_published(setup, app, world):
    document, chair, _member, _ids, draft = setup
    for clause in drafts.draft_clauses(draft):
        editing.edit_clause(chair, draft, clause.key, revision=clause.revision, text="", heading=None)
    with pytest.raises(Invalid):
        publishing.publish_draft(chair, draft)
    db.session.rollback()
    from .version_helpers import publish
    from tests.factories import SAMPLE_DRAFT

    publish(document.id, chair, SAMPLE_DRAFT + "\n## 3. More\n\nMore text.\n")
    with pytest.raises(Conflict) as refused:
        publishing.publish_draft(chair, draft_of(document.id))
    assert refused.value.code == "base_changed"


def test_discarding_leaves_the_version_as_it_was(setup):
    document, chair, _member, _ids, draft = setup
    editing.edit_clause(chair, draft, _clause(draft, "2").key, revision=1, text="Changed.")
    drafts.discard_draft(chair, draft)
    db.session.commit()
    assert draft_of(document.id) is None
    assert db.session.scalar(select(func.count()).select_from(DraftClause)) == 0
    assert db.session.get(Document, document.id).current_version_id == document.current_version_id
    assert db.session.scalar(select(func.count()).select_from(WorkingDraft)) == 0

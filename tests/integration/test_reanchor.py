"""Re-anchoring annotations when a new version is published, through the whole publish path."""
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from deliberation.anchoring import make_selector
from deliberation.extensions import db
from deliberation.models import Comment, CommentAnchor, RecordEvent
from deliberation.services.reanchor import place_annotation

from .version_helpers import add_comment, anchor_of, clause_numbered, clauses_of, publish

CLAUSE = ("The assembly meets at least four times a year. The chair may call an extraordinary meeting at any "
          "time on seven days' notice. Members vote by a show of hands unless a secret ballot is requested.")
QUOTE = "The chair may call an extraordinary meeting at any time"
SENTENCE = "The chair may call an extraordinary meeting at any time on seven days' notice. "
TWICE = "Members may speak. We meet in spring. Members may speak. We meet in autumn and decide."
TYPO = ("extraordinary", "extrordinary")

# (case, old text, quote, occurrence, new text, status, anchored text or None)
CASES = [
    ("unchanged text", CLAUSE, QUOTE, 0, CLAUSE, "exact", QUOTE),
    ("typo fixed inside the quote", CLAUSE.replace(*TYPO), QUOTE.replace(*TYPO), 0, CLAUSE, "fuzzy", QUOTE),
    ("words inserted before it", CLAUSE, QUOTE, 0,
     CLAUSE.replace("a year.", "a year, in spring and in autumn at the least."), "exact", QUOTE),
    ("sentence moved within the clause", CLAUSE, QUOTE, 0,
     CLAUSE.replace(SENTENCE, "") + " " + SENTENCE.strip(), "exact", QUOTE),
    ("quote deleted", CLAUSE, QUOTE, 0, CLAUSE.replace(SENTENCE, ""), "orphaned", None),
    ("same phrase twice, the second quoted", TWICE, "Members may speak", 1,
     "Everyone is welcome. " + TWICE, "exact", "Members may speak"),
    ("paragraph break inside the quote", CLAUSE, QUOTE, 0,
     CLAUSE.replace("call an extraordinary", "call an\n\nextraordinary"), "fuzzy",
     "The chair may call an\n\nextraordinary meeting at any time"),
    ("punctuation changed", CLAUSE, QUOTE, 0, CLAUSE.replace("meeting at any time", "meeting, at any time,"),
     "fuzzy", "The chair may call an extraordinary meeting, at any time"),
]


def _draft(texts: list[str], *, removed_last: bool = False) -> str:
    body = "".join(f"## {n}. Case {n}\n\n{text}\n\n" for n, text in enumerate(texts, 1))
    if not removed_last:
        body += "## 99. Removed later\n\nThis clause disappears in the next version.\n"
    return "# Rules of procedure\n\n" + body


def test_annotations_follow_their_clauses(app, world, make):
    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        member = db.session.merge(world.member)
        document = make.document(group, chair, source=_draft([case[1] for case in CASES]))
        v1 = document.current_version_id
        comments = []
        for n, (_name, _old, quote, occurrence, *_rest) in enumerate(CASES, 1):
            comments.append(add_comment(clause_numbered(v1, str(n)), member, quote=quote, occurrence=occurrence))
        whole = add_comment(clause_numbered(v1, "2"), member, body="On the whole clause")
        reply = add_comment(clause_numbered(v1, "2"), member, body="A reply", parent=whole)
        on_removed = add_comment(clause_numbered(v1, "99"), member, quote="disappears")
        v2, plan = publish(document.id, chair, _draft([case[4] for case in CASES], removed_last=True))
        db.session.commit()

        assert [c.label for c in plan.removed] == ["99"]
        for n, ((name, _old, _quote, _occ, new_text, status, anchored), comment) in enumerate(zip(CASES, comments), 1):
            successor = clause_numbered(v2.id, str(n))
            anchor = anchor_of(comment.id, v2.id)
            assert anchor is not None and anchor.clause_id == successor.id, name
            assert anchor.status == status, (name, anchor.status, anchor.score)
            if anchored is None:
                assert anchor.quote_exact is None and anchor.score is None, name
                continue
            assert anchor.quote_exact == anchored, name
            assert successor.text[anchor.quote_start:anchor.quote_end] == anchored, name
            assert (anchor.score is None) == (status == "exact"), name
            if status == "fuzzy":
                assert 0.7 <= anchor.score <= 1, name
        # the same-phrase case landed on the second occurrence, not the first
        twice = clause_numbered(v2.id, "6")
        assert anchor_of(comments[5].id, v2.id).quote_start == twice.text.index("Members may speak", 30)
        # a comment on the whole clause follows the successor; a reply follows its thread, not on its own
        whole_anchor = anchor_of(whole.id, v2.id)
        assert whole_anchor.status == "exact" and whole_anchor.quote_exact is None
        assert whole_anchor.clause_id == clause_numbered(v2.id, "2").id
        assert anchor_of(reply.id, v2.id) is None
        # the removed clause's thread is orphaned beside the nearest clause that remains
        orphan = anchor_of(on_removed.id, v2.id)
        assert orphan.status == "orphaned" and orphan.clause_id == clause_numbered(v2.id, str(len(CASES))).id
        # threads stay on their original version as written
        assert db.session.get(Comment, comments[1].id).clause_id == clause_numbered(v1, "2").id
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "annotations.reanchored"))
        assert event.payload == {"from_version": 1, "exact": 5, "fuzzy": 3, "orphaned": 2}


def test_annotations_are_carried_through_several_versions(app, world, make):
    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        member = db.session.merge(world.member)
        document = make.document(group, chair, source=_draft([CLAUSE]))
        comment = add_comment(clause_numbered(document.current_version_id, "1"), member, quote=QUOTE)
        v2, _ = publish(document.id, chair, _draft(["Preface sentence. " + CLAUSE]))
        v3, _ = publish(document.id, chair, _draft(["Preface sentence. " + CLAUSE.replace("chair may", "chair can")]))
        db.session.commit()
        second, third = anchor_of(comment.id, v2.id), anchor_of(comment.id, v3.id)
        assert second.status == "exact" and second.quote_start == len("Preface sentence. ") + CLAUSE.index(QUOTE)
        assert third.status == "fuzzy" and third.quote_exact == QUOTE.replace("chair may", "chair can")
        # an orphan stays in the chair's list and is not carried further
        v4, _ = publish(document.id, chair, _draft(["Something else entirely, with no meetings at all."]))
        v5, _ = publish(document.id, chair, _draft(["Something else entirely, with no meetings at all, still."]))
        db.session.commit()
        assert anchor_of(comment.id, v4.id).status == "orphaned"
        assert anchor_of(comment.id, v5.id) is None


def test_an_unchanged_version_keeps_every_anchor_in_place(app, world, make):
    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        member = db.session.merge(world.member)
        source = _draft([CLAUSE, TWICE])
        document = make.document(group, chair, source=source)
        v1 = document.current_version_id
        placed = [add_comment(clause_numbered(v1, "1"), member, quote=QUOTE),
                  add_comment(clause_numbered(v1, "2"), member, quote="Members may speak", occurrence=1),
                  add_comment(clause_numbered(v1, "2"), member, quote="Members may speak", occurrence=0)]
        v2, _ = publish(document.id, chair, source)
        for comment in placed:
            anchor = anchor_of(comment.id, v2.id)
            assert (anchor.status, anchor.quote_start, anchor.quote_end) == \
                ("exact", comment.quote_start, comment.quote_end)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .\n,", min_size=1, max_size=120), st.data())
def test_unchanged_text_always_anchors_exactly_in_place(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if not text[start:end].strip():
        return
    selector = make_selector(text, start, end)
    anchor = place_annotation(selector, text)
    assert anchor.status == "exact" and (anchor.selector.start, anchor.selector.end) == (start, end)


def test_publishing_carries_every_annotation_onto_its_successor_clause(app, world, make):
    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        member = db.session.merge(world.member)
        document = make.document(group, chair, source=_draft([CLAUSE, TWICE]))
        v1 = document.current_version_id
        for _ in range(5):
            add_comment(clause_numbered(v1, "1"), member, quote=QUOTE)
            add_comment(clause_numbered(v1, "2"), member)
        v2, _ = publish(document.id, chair, _draft([CLAUSE, TWICE]))
        db.session.commit()
        ids = [c.id for c in clauses_of(v2.id)]
        carried = dict(db.session.execute(select(CommentAnchor.clause_id, func.count())
                                          .group_by(CommentAnchor.clause_id)).all())
        assert [carried.get(i, 0) for i in ids] == [5, 5, 0]


def test_carried_annotation_shape_for_the_comments_list(app, world, make):
    from deliberation.api.version_serializers import carried_annotation_json

    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        member = db.session.merge(world.member)
        document = make.document(group, chair, source=_draft([CLAUSE]))
        clause = clause_numbered(document.current_version_id, "1")
        quoted = add_comment(clause, member, quote=QUOTE)
        lost = add_comment(clause, member, quote="four times a year")
        new_text = "Preface. " + CLAUSE.replace("four times a year", "often")
        v2, _ = publish(document.id, chair, _draft([new_text]))
        carried = carried_annotation_json(anchor_of(quoted.id, v2.id), quoted.clause_id)
        assert carried["anchor_status"] == "exact" and carried["original_clause_id"] == clause.id
        assert carried["selector"]["exact"] == QUOTE and carried["selector"]["start"] == new_text.index(QUOTE)
        orphan = carried_annotation_json(anchor_of(lost.id, v2.id), lost.clause_id)
        assert orphan["anchor_status"] == "orphaned" and orphan["selector"] is None

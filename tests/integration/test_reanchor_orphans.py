"""The chair's list of orphaned annotations: re-attach to a clause (or words of it), or close."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import CommentAnchor, RecordEvent, Version

from ..conftest import count_queries, csrf_token, sign_in
from .test_reanchor import CLAUSE, QUOTE, SENTENCE, _draft
from .version_helpers import add_comment, anchor_of, clause_numbered, publish


def _orphans(app, world, make, count=1):
    """A document whose version 2 dropped the quoted sentence of clause 1 and the whole clause 99."""
    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        member = db.session.merge(world.member)
        document = make.document(group, chair, source=_draft([CLAUSE, "A second clause about minutes."]))
        v1 = document.current_version_id
        lost = [add_comment(clause_numbered(v1, "1"), member, quote=QUOTE, body=f"Lost quote {n}") for n in range(count)]
        gone = add_comment(clause_numbered(v1, "99"), member, quote="disappears", body="On a removed clause")
        v2, _ = publish(document.id, chair, _draft([CLAUSE.replace(SENTENCE, ""), "A second clause about minutes."],
                                                   removed_last=True))
        db.session.commit()
        return document.id, v2.id, [anchor_of(c.id, v2.id).id for c in lost], anchor_of(gone.id, v2.id).id


def _chair_on_the_list(app, client, world, make):
    """The orphans of `_orphans`, a chair signed in on their list: (url, CSRF token, version 2 id, lost, gone)."""
    document_id, v2, lost, gone = _orphans(app, world, make)
    sign_in(client, world.chair)
    url = f"/documents/{document_id}/orphans"
    return url, csrf_token(client, url), v2, lost, gone


def test_chair_sees_orphans_with_where_they_came_from(app, client, world, make):
    document_id, _v2, lost, gone = _orphans(app, world, make)
    sign_in(client, world.chair)
    page = client.get(f"/documents/{document_id}/orphans")
    assert page.status_code == 200
    html = page.data.decode()
    assert f'id="orphan-{lost[0]}"' in html and f'id="orphan-{gone}"' in html
    assert "the quoted words are gone from clause 1 of version 2" in html
    assert "its clause was removed in version 2; waiting beside clause 2" in html
    assert "Lost quote 0" in html and QUOTE in html
    # chairs find the list from the comparison the publication leads to
    assert f'href="/documents/{document_id}/orphans"' in client.get(f"/documents/{document_id}/compare").data.decode()


def test_reattach_to_words_of_a_clause(app, client, world, make):
    url, token, v2, lost, _gone = _chair_on_the_list(app, client, world, make)
    with app.app_context():
        target = clause_numbered(v2, "2")
    response = client.post(f"{url}/{lost[0]}/reattach", data={"csrf_token": token, "clause_id": target.id,
                                                               "quote": "about minutes"})
    assert response.status_code == 302
    with app.app_context():
        anchor = db.session.get(CommentAnchor, lost[0])
        assert (anchor.clause_id, anchor.status, anchor.quote_exact) == (target.id, "exact", "about minutes")
        assert target.text[anchor.quote_start:anchor.quote_end] == "about minutes"
        event = db.session.scalar(select(RecordEvent).order_by(RecordEvent.seq.desc()).limit(1))
        assert event.kind == "annotation.reattached" and event.payload["clause"] == "2"
    assert f'id="orphan-{lost[0]}"' not in client.get(url).data.decode()


def test_reattach_errors_change_nothing(app, client, world, make):
    url, token, v2, lost, _gone = _chair_on_the_list(app, client, world, make)
    with app.app_context():
        target = clause_numbered(v2, "2")
        other_version = clause_numbered(world.document.current_version_id, "1.1")
    not_there = client.post(f"{url}/{lost[0]}/reattach", data={"csrf_token": token, "clause_id": target.id,
                                                                "quote": "not in the clause"})
    assert not_there.status_code == 302
    assert "The quoted text is not in this clause." in client.get(url).data.decode()
    elsewhere = client.post(f"{url}/{lost[0]}/reattach", data={"csrf_token": token, "clause_id": other_version.id})
    assert elsewhere.status_code == 302
    with app.app_context():
        assert db.session.get(CommentAnchor, lost[0]).status == "orphaned"
    assert client.post(f"{url}/999999/reattach", data={"csrf_token": token, "clause_id": target.id}).status_code == 404


def test_close_an_orphan(app, client, world, make):
    url, token, _v2, lost, gone = _chair_on_the_list(app, client, world, make)
    assert client.post(f"{url}/{gone}/close", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(CommentAnchor, gone).closed_at is not None
    page = client.get(url).data.decode()
    assert f'id="orphan-{gone}"' not in page and f'id="orphan-{lost[0]}"' in page
    # closing twice is refused
    assert client.post(f"{url}/{gone}/close", data={"csrf_token": token}).status_code == 409


def test_members_cannot_manage_orphans(app, client, world, make):
    document_id, _v2, lost, _gone = _orphans(app, world, make)
    sign_in(client, world.member)
    url = f"/documents/{document_id}/orphans"
    assert client.get(url).status_code == 403
    token = csrf_token(client, "/")
    assert client.post(f"{url}/{lost[0]}/close", data={"csrf_token": token}).status_code == 403


def test_orphan_list_queries_do_not_grow(app, client, world, make):
    few = _orphans(app, world, make, count=1)
    many = _orphans(app, world, make, count=12)
    sign_in(client, world.chair)
    counts = []
    for document_id, *_rest in (few, many):
        with count_queries(app) as counter:
            assert client.get(f"/documents/{document_id}/orphans").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_an_orphan_left_on_an_older_version_moves_to_the_current_one(app, client, world, make):
    url, token, v2, lost, _gone = _chair_on_the_list(app, client, world, make)
    with app.app_context():
        document_id = db.session.get(Version, v2).document_id
        old_target = clause_numbered(v2, "2").id
        v3, _ = publish(document_id, world.chair, _draft([CLAUSE.replace(SENTENCE, ""), "A second clause about minutes."],
                                                         removed_last=True))
        db.session.commit()
        new_target = clause_numbered(v3.id, "2").id
    assert f'id="orphan-{lost[0]}"' in client.get(url).data.decode()  # still waiting, on version 2
    client.post(f"{url}/{lost[0]}/reattach", data={"csrf_token": token, "clause_id": old_target})
    with app.app_context():
        assert db.session.get(CommentAnchor, lost[0]).status == "orphaned"  # not onto a superseded version
    client.post(f"{url}/{lost[0]}/reattach", data={"csrf_token": token, "clause_id": new_target})
    with app.app_context():
        anchor = db.session.get(CommentAnchor, lost[0])
        assert (anchor.status, anchor.clause_id, anchor.quote_exact) == ("exact", new_target, None)

"""The working-draft API (issue 12): shapes, the stale-revision conflict, amendments, publishing, rights and
bad input (nothing written on a refusal), and the comments list of the published version."""
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import DraftClause, Version, WorkingDraft

from ..conftest import count_queries
from .revision_helpers import document_with_amendments
from .version_helpers import api_token


def _open(app, client, world):
    with app.app_context():
        document_id, ids = document_with_amendments(world)
    chair = api_token(app, world.chair)
    response = client.post(f"/api/v1/documents/{document_id}/working-draft", headers=chair)
    assert response.status_code == 201, response.get_json()
    return document_id, ids, chair, response.get_json()


def _clause(body, number):
    return next(c for c in body["clauses"] if c["number"] == number)


def _draft_rows(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(WorkingDraft)),
                db.session.scalar(select(func.count()).select_from(DraftClause)))


def test_the_working_draft_as_the_issue_describes_it(app, client, world):
    document_id, ids, chair, body = _open(app, client, world)
    assert set(body) >= {"id", "document_id", "base_version_id", "clauses", "amendments"}
    assert body["document_id"] == document_id
    first = body["clauses"][0]
    assert set(first) >= {"key", "number", "heading", "text", "parent_key", "revision", "predecessor_keys"}
    assert first["predecessor_keys"] == [first["key"]] and first["first_line"] == 1
    assert _clause(body, "1.1")["parent_key"] == _clause(body, "1")["key"]
    assert {(a["comment_id"], a["status"]) for a in body["amendments"]} == {(ids["impact"], "pending"),
                                                                              (ids["strong"], "pending")}
    again = client.get(f"/api/v1/working-drafts/{body['id']}", headers=chair).get_json()
    assert again == body
    assert client.get(f"/api/v1/documents/{document_id}/working-draft", headers=chair).get_json()["id"] == body["id"]
    second = client.post(f"/api/v1/documents/{document_id}/working-draft", headers=chair)
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "draft_exists"


def test_a_stale_save_is_refused_with_both_texts(app, client, world):
    _document_id, _ids, chair, body = _open(app, client, world)
    url = f"/api/v1/working-drafts/{body['id']}/clauses/{_clause(body, '2')['key']}"
    saved = client.patch(url, headers=chair, json={"text": "Mine.", "revision": 1})
    assert saved.status_code == 200 and saved.get_json()["revision"] == 2
    stale = client.patch(url, headers=chair, json={"text": "Theirs.", "revision": 1})
    assert stale.status_code == 409
    data = stale.get_json()
    assert data["error"]["code"] == "stale_revision" and data["current"]["text"] == "Mine."
    assert data["current"]["revision"] == 2


def test_structure_edits_through_the_api(app, client, world):
    _document_id, _ids, chair, body = _open(app, client, world)
    base = f"/api/v1/working-drafts/{body['id']}/clauses"
    one, two = _clause(body, "1")["key"], _clause(body, "2")["key"]
    inserted = client.post(base, headers=chair, json={"text": "New clause.", "after_key": one})
    assert inserted.status_code == 201 and inserted.get_json()["number"] == "2"
    moved = client.post(f"{base}/{two}/move", headers=chair, json={"direction": "up"}).get_json()
    assert [c["number"] for c in moved["clauses"]] == ["Preamble", "1", "1.1", "2", "3"]
    assert _clause(moved, "2")["key"] == two
    split = client.post(f"{base}/{two}/split", headers=chair, json={"offset": 6}).get_json()
    parts = [c for c in split["clauses"] if two in c["predecessor_keys"]]
    assert [p["text"] for p in parts] == ["Strong", "encryption should be protected."]
    merged = client.post(f"{base}/{parts[1]['key']}/merge", headers=chair).get_json()
    assert _clause(merged, "2")["text"] == "Strong\n\nencryption should be protected."
    gone = client.delete(f"{base}/{two}", headers=chair).get_json()
    assert two not in {c["key"] for c in gone["clauses"]}
    bad = client.post(f"{base}/{one}/move", headers=chair, json={"direction": "sideways"})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "direction"


def test_applying_undoing_and_publishing(app, client, world):
    document_id, ids, chair, body = _open(app, client, world)
    draft = f"/api/v1/working-drafts/{body['id']}"
    applied = client.post(f"{draft}/amendments/{ids['impact']}/apply", headers=chair)
    assert applied.status_code == 200
    assert applied.get_json()["text"] == "Governments should assess and publish the impact of proposed laws."
    undone = client.delete(f"{draft}/amendments/{ids['impact']}/apply", headers=chair)
    assert undone.get_json()["text"] == "Governments should assess the impact of proposed laws."
    client.post(f"{draft}/amendments/{ids['impact']}/apply", headers=chair)
    trimmed = client.post(f"{draft}/amendments/{ids['strong']}/apply", headers=chair, json={"text": "End-to-end"})
    assert trimmed.get_json()["text"] == "End-to-end should be protected."
    refused = client.post(f"{draft}/amendments/{ids['refused']}/apply", headers=chair)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_accepted"
    checklist = client.get(f"{draft}/checklist", headers=chair).get_json()
    assert checklist["unapplied_amendments"] == [] and checklist["counts"]["changed"] == 2
    published = client.post(f"{draft}/publish", headers=chair, json={"label": "Draft 2", "note": "Two amendments."})
    assert published.status_code == 201, published.get_json()
    version = published.get_json()
    assert version["number"] == 2 and version["label"] == "Draft 2"
    assert client.get(draft, headers=chair).status_code == 404
    with app.app_context():
        clause_id = db.session.scalar(select(DraftClause.id).limit(1))
        assert clause_id is None
        version_row = db.session.get(Version, version["version_id"])
        from .version_helpers import clause_numbered
        c11 = clause_numbered(version_row.id, "1.1").id
    comments = client.get(f"/api/v1/clauses/{c11}/comments", headers=chair).get_json()["comments"]
    thread = next(c for c in comments if c["id"] == ids["impact"])
    assert thread["anchor_status"] == "applied" and thread["applied_in_version"] == 2
    assert thread["selector"]["exact"] == "assess and publish the impact"


def test_needs_hand_then_marked_applied(app, client, world):
    _document_id, ids, chair, body = _open(app, client, world)
    draft = f"/api/v1/working-drafts/{body['id']}"
    key = _clause(body, "1.1")["key"]
    client.patch(f"{draft}/clauses/{key}", headers=chair, json={"text": "Parliaments decide.", "revision": 1})
    amendments = client.get(draft, headers=chair).get_json()["amendments"]
    assert next(a for a in amendments if a["comment_id"] == ids["impact"])["status"] == "needs_hand"
    refused = client.post(f"{draft}/amendments/{ids['impact']}/apply", headers=chair)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "needs_hand"
    marked = client.post(f"{draft}/amendments/{ids['impact']}/apply", headers=chair,
                         json={"by_hand": True, "clause_key": key})
    assert marked.status_code == 200
    amendments = client.get(draft, headers=chair).get_json()["amendments"]
    assert next(a for a in amendments if a["comment_id"] == ids["impact"])["by_hand"] is True


def test_refusals_write_nothing(app, client, world):
    document_id, ids, chair, body = _open(app, client, world)
    draft = f"/api/v1/working-drafts/{body['id']}"
    key = _clause(body, "2")["key"]
    member = api_token(app, world.member)
    before = _draft_rows(app)
    assert client.patch(f"{draft}/clauses/{key}", headers=member, json={"text": "x", "revision": 1}).status_code == 403
    assert client.get(draft, headers=member).status_code == 403
    assert client.delete(draft, headers=member).status_code == 403
    outsider = api_token(app, world.other_member)  # a chair of another, private group
    assert client.get(draft, headers=outsider).status_code == 403
    assert client.patch(f"{draft}/clauses/{key}", headers=chair, json={"text": "x" * 50_001, "revision": 1}) \
        .status_code == 400
    assert client.patch(f"{draft}/clauses/{'f' * 32}", headers=chair, json={"text": "x", "revision": 1}) \
        .get_json()["error"]["code"] == "unknown_clause"
    with app.app_context():
        other_key = db.session.scalar(select(DraftClause.key).limit(1))
        from deliberation.models import Clause
        other_version_key = db.session.scalar(select(Clause.key).where(
            Clause.version_id == world.other_document.current_version_id).limit(1))
    assert client.patch(f"{draft}/clauses/{other_version_key}", headers=chair,
                        json={"text": "x", "revision": 1}).status_code == 404
    assert client.post(f"{draft}/amendments/999999/apply", headers=chair).status_code == 404
    assert client.post(f"{draft}/publish", headers=chair, json={"label": "x" * 121}).status_code == 400
    assert client.patch(f"{draft}/clauses/{key}", headers=chair, json={"text": "x"}).status_code == 400
    assert client.post(f"/api/v1/documents/{world.other_document.id}/working-draft", headers=chair).status_code == 404
    assert _draft_rows(app) == before and other_key is not None
    with app.app_context():
        assert db.session.scalar(select(DraftClause.revision).where(DraftClause.key == key)) == 1


def test_a_named_editor_may_edit(app, client, world):
    document_id, _ids, chair, body = _open(app, client, world)
    member = api_token(app, world.member)
    named = client.post(f"/api/v1/documents/{document_id}/editors", headers=chair, json={"user_id": world.member.id})
    assert named.status_code == 201
    key = _clause(body, "2")["key"]
    assert client.patch(f"/api/v1/working-drafts/{body['id']}/clauses/{key}", headers=member,
                        json={"text": "By the co-editor.", "revision": 1}).status_code == 200
    assert client.post(f"/api/v1/documents/{document_id}/editors", headers=member,
                       json={"user_id": world.member.id}).status_code == 403
    assert client.delete(f"/api/v1/documents/{document_id}/editors/{world.member.id}", headers=chair).status_code == 204
    assert client.get(f"/api/v1/working-drafts/{body['id']}", headers=member).status_code == 403


def test_discarding(app, client, world):
    document_id, _ids, chair, body = _open(app, client, world)
    assert client.delete(f"/api/v1/working-drafts/{body['id']}", headers=chair).status_code == 204
    assert _draft_rows(app) == (0, 0)
    assert client.post(f"/api/v1/documents/{document_id}/working-draft", headers=chair).status_code == 201


def test_reading_the_draft_takes_the_same_queries_whatever_its_length(app, client, world):
    from deliberation.models import User
    from deliberation.services.revision import drafts, editing

    document_id, _ids, chair, body = _open(app, client, world)
    url = f"/api/v1/working-drafts/{body['id']}"
    client.get(url, headers=chair)
    with count_queries(app) as few:
        assert client.get(url, headers=chair).status_code == 200
    with app.app_context():
        draft, user = db.session.get(WorkingDraft, body["id"]), db.session.get(User, world.chair.id)
        for n in range(30):
            editing.insert_clause(user, draft, text=f"Clause {n}.", parent_key=drafts.draft_clauses(draft)[1].key)
        db.session.commit()
    with count_queries(app) as many:
        assert client.get(url, headers=chair).status_code == 200
    assert many.count == few.count, many.statements

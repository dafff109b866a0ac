"""The type of comment (issue 13 item 3, ISO/IEC template): general, technical or editorial, set when
writing (API and form) and afterwards by a chair, shown as a badge and filtered on in the all-comments list;
comments without one read as unset."""
import re

import pytest
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Comment, RecordEvent

from ..conftest import csrf_token, sign_in
from .comments_support import Api, clauses, counts, post


@pytest.fixture
def clause(app, world):
    return clauses(app, world.document.current_version_id)[1]


def _type_of(app, comment_id: int):
    with app.app_context():
        return db.session.get(Comment, comment_id).comment_type


def test_api_create_and_edit_take_and_return_the_type(app, client, world, clause):
    api = Api(client, world.member)
    url = f"/api/v1/clauses/{clause['id']}/comments"
    created = api("POST", url, {"body": "Use 'shall'.", "type": "editorial"})
    assert created.status_code == 201 and created.get_json()["type"] == "editorial"
    untyped = api("POST", url, {"body": "No type."}).get_json()
    assert untyped["type"] is None
    comment_id = created.get_json()["id"]
    assert api("GET", f"/api/v1/comments/{comment_id}").get_json()["type"] == "editorial"
    listed = client.get(url).get_json()["comments"]
    assert {c["id"]: c["type"] for c in listed} == {comment_id: "editorial", untyped["id"]: None}
    # An edit without "type" keeps it; with one it changes it (null clears it), without a new text revision.
    kept = api("PATCH", f"/api/v1/comments/{comment_id}", {"body": "Use 'shall' throughout."})
    assert kept.get_json()["type"] == "editorial"
    changed = api("PATCH", f"/api/v1/comments/{comment_id}", {"body": "Use 'shall' throughout.", "type": "technical"})
    assert changed.status_code == 200 and changed.get_json()["type"] == "technical"
    cleared = api("PATCH", f"/api/v1/comments/{comment_id}", {"body": "Use 'shall' throughout.", "type": None})
    assert cleared.get_json()["type"] is None and _type_of(app, comment_id) is None


def test_a_bad_type_is_refused_and_nothing_is_written(app, client, world, clause):
    api = Api(client, world.member)
    before = counts(app)
    for bad in ("urgent", 3, "General"):
        response = api("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "Hm.", "type": bad})
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["code"] == "invalid" and response.get_json()["error"]["field"] == "type"
    assert counts(app) == before
    comment_id = api("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "Hm.", "type": "general"}).get_json()["id"]
    response = api("PATCH", f"/api/v1/comments/{comment_id}", {"body": "Changed text", "type": "urgent"})
    assert response.status_code == 400 and _type_of(app, comment_id) == "general"
    with app.app_context():
        assert db.session.get(Comment, comment_id).body_source == "Hm."


def test_the_chair_sets_the_type_afterwards_and_the_record_says_so(app, client, world, clause):
    comment_id = post(app, world.member, clause["id"], "An old comment.")
    assert _type_of(app, comment_id) is None  # unset, as every comment written before types existed
    member = Api(client, world.member)
    refused = member("POST", f"/api/v1/comments/{comment_id}/type", {"type": "technical"})
    assert refused.status_code == 403 and _type_of(app, comment_id) is None
    chair = Api(client, world.chair)
    response = chair("POST", f"/api/v1/comments/{comment_id}/type", {"type": "technical"})
    assert response.status_code == 200 and response.get_json()["type"] == "technical"
    assert chair("POST", f"/api/v1/comments/{comment_id}/type", {}).status_code == 400
    assert chair("POST", f"/api/v1/comments/{comment_id}/type", {"type": "big"}).status_code == 400
    assert chair("POST", f"/api/v1/comments/{comment_id}/type", {"type": None}).get_json()["type"] is None
    with app.app_context():
        events = db.session.scalars(select(RecordEvent).where(RecordEvent.kind == "comment.typed")
                                    .order_by(RecordEvent.seq)).all()
        assert [e.payload["type"] for e in events] == ["technical", None]


def test_pages_set_show_and_filter_the_type(app, client, world, clause):
    sign_in(client, world.member)
    url = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="type"' in page and '<option value="technical">Technical</option>' in page
    token = csrf_token(client, url)
    response = client.post(f"{url}/comments", data={"csrf_token": token, "body": "Typo here.", "type": "editorial"})
    assert response.status_code == 302
    typed = int(re.search(r"#comment-(\d+)$", response.headers["Location"]).group(1))
    refused = client.post(f"{url}/comments", data={"csrf_token": token, "body": "Keep me", "type": "bogus"})
    assert refused.status_code == 400 and b"Keep me" in refused.data and b"type of comment must be" in refused.data
    untyped = post(app, world.member, clause["id"], "No type here.")
    page = client.get(url).get_data(as_text=True)
    assert re.search(rf'id="comment-{typed}".*?class="comment-type comment-type--editorial"[^>]*>Editorial<',
                     page, re.S)
    assert page.count('class="comment-type ') == 1
    # The chair changes it from the moderation controls (no scripts: a form POST).
    sign_in(client, world.chair)
    page = client.get(url).get_data(as_text=True)
    assert f'action="/comments/{untyped}/type"' in page
    token = csrf_token(client, url)
    assert client.post(f"/comments/{untyped}/type", data={"csrf_token": token, "type": "general"}).status_code == 302
    assert _type_of(app, untyped) == "general"
    assert client.post(f"/comments/{untyped}/type", data={"csrf_token": token, "type": "odd"}).status_code == 400
    sign_in(client, world.member)
    assert client.post(f"/comments/{untyped}/type", data={"csrf_token": csrf_token(client, url),
                                                          "type": "technical"}).status_code == 403
    assert _type_of(app, untyped) == "general"
    # The all-comments list filters by type.
    sign_in(client, world.chair)
    report = f"/documents/{world.document.id}/comments"
    editorial = client.get(f"{report}?type=editorial").get_data(as_text=True)
    assert "Typo here." in editorial and "No type here." not in editorial
    general = client.get(f"{report}?type=general").get_data(as_text=True)
    assert "No type here." in general and "Typo here." not in general
    none = client.get(f"{report}?type=none").get_data(as_text=True)
    assert "Typo here." not in none and "No type here." not in none
    assert "Typo here." in client.get(f"{report}?type=whatever").get_data(as_text=True)  # unknown: ignored

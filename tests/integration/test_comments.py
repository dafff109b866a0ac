"""Annotating and discussing clauses through the API and the pages: shapes, threads, anchors, edits,
deletion, bad input, the public-record rule."""
import re

import pytest
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Comment, CommentRevision, RecordEvent, Version

from ..conftest import csrf_token, sign_in
from .comments_support import Api, clauses, counts, post

COMMENT_KEYS = {"id", "parent_id", "kind", "author", "body", "body_html", "selector", "anchor_status", "anchor_score",
                "original_clause_id", "original_version", "replacement_text", "status", "disposition", "edited_at",
                "created_at", "replies"}


@pytest.fixture
def clause(app, world):
    return clauses(app, world.document.current_version_id)[1]  # "1": Laws should respect human rights...


def test_member_annotates_words_and_others_reply_in_a_tree(app, client, world, clause):
    api = Api(client, world.member)
    created = api("POST", f"/api/v1/clauses/{clause['id']}/comments", {
        "body": "Which *rights*?", "kind": "question",
        "selector": {"exact": "human rights", "prefix": "ignored", "start": 20, "end": 32}})
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert COMMENT_KEYS <= set(data)
    assert data["selector"] == {"exact": "human rights", "prefix": "Laws should respect ", "suffix": " from the outset.",
                                "start": 20, "end": 32}
    assert data["anchor_status"] == "exact" and data["kind"] == "question"
    assert data["replies"] == [] and data["original_clause_id"] is None and data["anchor_score"] is None
    assert data["author"]["name"] == world.member.name
    assert data["author"]["stakeholder_group"]["key"] == "civil_society"
    assert data["body_html"] == "<p>Which <em>rights</em>?</p>"

    reply = post(app, world.chair, clause["id"], "All of them.", parent_id=data["id"])
    post(app, world.members["academia"][0], clause["id"], "Agreed.", parent_id=reply)
    tree = client.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()
    assert tree["total_threads"] == 1 and tree["next_after"] is None
    [thread] = tree["comments"]
    assert thread["id"] == data["id"] and thread["replies"][0]["id"] == reply
    assert thread["replies"][0]["replies"][0]["body"] == "Agreed."
    assert thread["replies"][0]["replies"][0]["parent_id"] == reply


def test_offsets_count_code_points_past_an_emoji(app, client, world):
    with app.app_context():
        from deliberation.services.documents import create_document

        document = create_document(db.session.merge(world.chair), db.session.merge(world.group), title="Emoji",
                                   fmt="markdown", source="# E\n\n## 1. One\n\nWe 🌍 protect 𝔘nicode rights here.\n")
        db.session.commit()
        version_id = document.current_version_id
    target = clauses(app, version_id)[0]
    start = target["text"].index("rights")  # code points, as Python counts
    api = Api(client, world.member)
    response = api("POST", f"/api/v1/clauses/{target['id']}/comments",
                   {"body": "x", "selector": {"exact": "rights", "start": start, "end": start + 6}})
    assert response.status_code == 201
    assert response.get_json()["selector"]["start"] == start
    assert response.get_json()["selector"]["prefix"].endswith("𝔘nicode ")
    # UTF-16 offsets (two more: one per astral character) are wrong here; the unique quote still wins.
    response = api("POST", f"/api/v1/clauses/{target['id']}/comments",
                   {"body": "x", "selector": {"exact": "rights", "start": start + 2, "end": start + 8}})
    assert response.get_json()["selector"]["start"] == start


def test_bad_input_is_refused_and_writes_nothing(app, client, world, clause):
    other_clause = clauses(app, world.document.current_version_id)[0]
    elsewhere = post(app, world.member, other_clause["id"], "On the preamble.")
    api = Api(client, world.member)
    before = counts(app)
    url = f"/api/v1/clauses/{clause['id']}/comments"
    cases = [
        ({"body": ""}, 400, "body"),
        ({"body": "   \n "}, 400, "body"),
        ({"body": "x" * 20_001}, 400, "body"),
        ({}, 400, "body"),
        ({"body": "x", "kind": "rant"}, 400, "kind"),
        ({"body": "x", "selector": {"exact": "not in this clause"}}, 400, "selector"),
        ({"body": "x", "selector": {"exact": "human rights", "start": 5, "end": 2}}, 400, "selector"),
        ({"body": "x", "selector": "human rights"}, 400, "selector"),
        ({"body": "x", "parent_id": elsewhere}, 400, "parent_id"),
        ({"body": "x", "parent_id": 999_999}, 400, "parent_id"),
        ({"body": "x", "kind": "amendment"}, 400, "replacement_text"),
        ({"body": "x", "replacement_text": "Other words."}, 400, "replacement_text"),
    ]
    for body, status, field in cases:
        response = api("POST", url, body)
        assert response.status_code == status, (body, response.get_json())
        assert response.get_json()["error"]["field"] == field, body
    assert counts(app) == before


def test_who_may_post_and_where(app, client, world, clause):
    private = clauses(app, world.private_document.current_version_id)[0]
    before = counts(app)
    for user, url, status in [
        (world.observer, f"/api/v1/clauses/{clause['id']}/comments", 403),
        (world.outsider, f"/api/v1/clauses/{clause['id']}/comments", 403),
        (world.outsider, f"/api/v1/clauses/{private['id']}/comments", 404),
        (world.other_member, f"/api/v1/clauses/{private['id']}/comments", 404),
    ]:
        response = Api(app.test_client(), user)("POST", url, {"body": "Let me in."})
        assert response.status_code == status, user.name
    assert Api(app.test_client())("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "x"}).status_code == 401
    assert counts(app) == before


@pytest.mark.parametrize("status", ["superseded", "adopted", "draft"])
def test_closed_versions_take_no_comments(app, client, world, clause, status):
    with app.app_context():
        db.session.get(Version, world.document.current_version_id).status = status
        db.session.commit()
    before = counts(app)
    response = Api(client, world.chair)("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "Late."})
    assert response.status_code == 409
    assert counts(app) == before
    if status == "draft":  # members cannot even see a draft
        response = Api(app.test_client(), world.member)("POST", f"/api/v1/clauses/{clause['id']}/comments",
                                                          {"body": "x"})
        assert response.status_code == 404


def test_edit_keeps_history_and_only_the_author_edits(app, client, world, clause):
    comment = post(app, world.member, clause["id"], "First thought.")
    stranger = Api(app.test_client(), world.members["academia"][0])
    before = counts(app)
    assert stranger("PATCH", f"/api/v1/comments/{comment}", {"body": "Mine now."}).status_code == 403
    assert stranger("PATCH", f"/api/v1/comments/{comment}", {}).status_code == 403  # permission before input
    assert Api(app.test_client(), world.chair)("PATCH", f"/api/v1/comments/{comment}", {"body": "x"}).status_code == 403
    assert counts(app) == before

    api = Api(client, world.member)
    assert api("PATCH", f"/api/v1/comments/{comment}", {"body": ""}).status_code == 400
    edited = api("PATCH", f"/api/v1/comments/{comment}", {"body": "Second **thought**."})
    assert edited.status_code == 200
    assert edited.get_json()["edited_at"] and edited.get_json()["body_html"] == "<p>Second <strong>thought</strong>.</p>"
    with app.app_context():
        [revision] = db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment))
        assert revision.body_source == "First thought."
    page = client.get(f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}")
    assert b"edited" in page.data
    assert client.get(f"/comments/{comment}/revisions").status_code == 403
    chair = app.test_client()
    sign_in(chair, world.chair)
    revisions = chair.get(f"/comments/{comment}/revisions")
    assert revisions.status_code == 200 and b"First thought." in revisions.data


def test_delete_leaves_a_tombstone_that_keeps_the_replies(app, client, world, clause):
    root = post(app, world.member, clause["id"], "Delete me.")
    post(app, world.chair, clause["id"], "A reply that stays.", parent_id=root)
    api = Api(client, world.member)
    assert Api(app.test_client(), world.chair)("DELETE", f"/api/v1/comments/{root}").status_code == 403
    assert api("DELETE", f"/api/v1/comments/{root}").status_code == 204
    [thread] = client.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()["comments"]
    assert thread["status"] == "deleted" and thread["body"] is None and thread["author"] is None
    assert thread["replies"][0]["body"] == "A reply that stays."
    page = app.test_client().get(f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}")
    assert b"Delete me." not in page.data and b"A reply that stays." in page.data
    assert b"Comment deleted by its author." in page.data
    with app.app_context():
        assert db.session.scalar(select(RecordEvent.kind).order_by(RecordEvent.seq.desc()).limit(1)) == "comment.deleted"


def test_a_deleted_comment_without_replies_disappears(app, client, world, clause):
    root = post(app, world.member, clause["id"], "Gone.")
    Api(client, world.member)("DELETE", f"/api/v1/comments/{root}")
    assert client.get(f"/api/v1/clauses/{clause['id']}/comments").get_json() == {
        "comments": [], "total_threads": 0, "next_after": None}


def test_pages_work_without_scripts(app, client, world, clause):
    sign_in(client, world.member)
    url = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"
    token = csrf_token(client, url)
    response = client.post(f"{url}/comments", data={
        "csrf_token": token, "kind": "amendment", "body": "Say it plainly.", "replacement_text": "all human rights",
        "selector_exact": "human rights", "selector_start": "20", "selector_end": "32"})
    assert response.status_code == 302
    comment_id = int(re.search(r"#comment-(\d+)$", response.headers["Location"]).group(1))
    assert response.headers["Location"].startswith(url)
    page = client.get(url).data.decode()
    assert f'id="comment-{comment_id}"' in page and "Say it plainly." in page
    assert "<ins>all </ins>human rights" in page  # the amendment as a word diff against the quote
    reply = client.post(f"{url}/comments", data={"csrf_token": token, "body": "Yes.", "parent_id": str(comment_id)})
    assert reply.status_code == 302
    # A refused form comes back with the message and the text kept.
    refused = client.post(f"{url}/comments", data={"csrf_token": token, "body": "   ", "kind": "comment"})
    assert refused.status_code == 400 and b"the comment is empty" in refused.data
    refused = client.post(f"{url}/comments", data={"csrf_token": token, "body": "Keep me",
                                                   "selector_exact": "not there"})
    assert refused.status_code == 400 and b"Keep me" in refused.data and b"not in this clause" in refused.data
    edit = client.post(f"/comments/{comment_id}/edit", data={"csrf_token": token, "body": "",
                                                             "replacement_text": "x"})
    assert edit.status_code == 400
    edit = client.post(f"/comments/{comment_id}/edit", data={"csrf_token": token, "body": "Plainer.",
                                                             "replacement_text": "all human rights"})
    assert edit.status_code == 302
    resolve = client.post(f"/comments/{comment_id}/resolve", data={"csrf_token": token, "resolved": "1"})
    assert resolve.status_code == 302
    assert client.get(f"/api/v1/comments/{comment_id}").get_json()["resolved_at"]


def test_replies_indent_four_levels_then_say_whom_they_answer(app, client, world, clause):
    parent = post(app, world.member, clause["id"], "Level 0")
    people = [world.chair, world.members["academia"][0], world.member]
    for depth in range(1, 7):
        parent = post(app, people[depth % 3], clause["id"], f"Level {depth}", parent_id=parent)
    page = client.get(f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}").data.decode()
    # Levels 1, 2, 3 and 4 each indent once more; 5 and 6 line up with 4, in level 3's list.
    assert page.count('class="replies"') == 4
    assert page.count("in reply to") == 3
    for depth in range(7):
        assert f"Level {depth}" in page
    tree = client.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()["comments"]
    node, depth = tree[0], 0
    while node["replies"]:
        node, depth = node["replies"][0], depth + 1
    assert depth == 6  # the API nests to any depth


def test_threads_load_in_pages(app, client, world, clause):
    from deliberation.services.threads import PAGE_SIZE

    ids = [post(app, world.member, clause["id"], f"Thread {n}") for n in range(PAGE_SIZE + 5)]
    post(app, world.chair, clause["id"], "Reply on the last page", parent_id=ids[-1])
    first = client.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()
    assert len(first["comments"]) == PAGE_SIZE and first["total_threads"] == PAGE_SIZE + 5
    second = client.get(f"/api/v1/clauses/{clause['id']}/comments?after={first['next_after']}").get_json()
    assert [c["id"] for c in second["comments"]] == ids[PAGE_SIZE:] and second["next_after"] is None
    assert second["comments"][-1]["replies"][0]["body"] == "Reply on the last page"
    url = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"
    page = client.get(url).data.decode()
    assert "Load more threads" in page and f"Thread {PAGE_SIZE + 4}" not in page
    more = client.get(f"{url}/threads?after={first['next_after']}").data.decode()
    assert f"Thread {PAGE_SIZE + 4}" in more and "<details class=\"composer\"" not in more
    # A permalink to a thread on the second page opens that page.
    location = client.get(f"/comments/{ids[-1]}").headers["Location"]
    assert f"after={ids[-1] - 1}" in location and location.endswith(f"#comment-{ids[-1]}")
    assert "after=" not in client.get(f"/comments/{ids[0]}").headers["Location"]


def test_version_page_shows_counts_and_highlights(app, client, world, clause):
    root = post(app, world.member, clause["id"], "On words.", selector={"exact": "human rights"})
    post(app, world.chair, clause["id"], "Reply.", parent_id=root)
    resolved = post(app, world.member, clause["id"], "Whole clause.")
    Api(app.test_client(), world.member)("POST", f"/api/v1/comments/{resolved}/resolve", {"resolved": True})
    page = client.get(f"/documents/{world.document.id}/versions/1").data.decode()
    article = page[page.index(f'data-clause-id="{clause["id"]}"'):]
    assert re.search(r'data-open-count>1<', article)  # one open thread; the resolved one is not counted
    assert "3 comments" in article[:3000]
    assert f'data-highlights="[[20, 32, {root}, false]]"' in article


def test_public_record_rule(app, world, clause):
    root = post(app, world.member, clause["id"], "Public words.")
    hidden = post(app, world.member, clause["id"], "Rude words.")
    chair_api = Api(app.test_client(), world.chair)
    assert chair_api("POST", f"/api/v1/comments/{hidden}/hide", {"reason": "Off topic."}).status_code == 200
    anonymous = app.test_client()
    page_url = f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}"
    page = anonymous.get(page_url).data.decode()
    assert "Public words." in page and world.member.name in page and "Civil society" in page
    assert "Rude words." not in page and "Off topic." not in page
    listing = anonymous.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()
    assert [c["id"] for c in listing["comments"]] == [root]
    assert anonymous.get(f"/api/v1/comments/{hidden}").get_json()["body"] is None
    # The author and the chairs still see it, marked hidden.
    author = Api(app.test_client(), world.member)
    mine = author.get(f"/api/v1/comments/{hidden}").get_json()
    assert mine["status"] == "hidden" and mine["body"] == "Rude words." and mine["hidden_reason"] == "Off topic."
    assert "Rude words." in author.get(page_url).data.decode()
    other = Api(app.test_client(), world.members["academia"][0])
    assert "Rude words." not in other.get(page_url).data.decode()

    with app.app_context():
        from deliberation.models import WorkingGroup

        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    assert anonymous.get(f"/api/v1/clauses/{clause['id']}/comments").status_code == 401
    assert Api(app.test_client(), world.outsider).get(f"/api/v1/clauses/{clause['id']}/comments").status_code == 403
    page = anonymous.get(page_url).data.decode()
    assert "Public words." not in page and "keeps its comments to its members" in page
    assert anonymous.get(f"/comments/{root}/fragment").status_code == 404
    observer = Api(app.test_client(), world.observer)
    assert "Public words." in observer.get(page_url).data.decode()  # observers read, never post
    assert 'name="body"' not in observer.get(page_url).data.decode()


def test_markdown_is_rendered_and_raw_html_is_not(app, client, world, clause):
    api = Api(client, world.member)
    body = "**Bold** <b onclick=x>raw</b> [link](https://example.org) `code`\n\n- a\n- b"
    html = api("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": body}).get_json()["body_html"]
    assert "<strong>Bold</strong>" in html and "&lt;b onclick=x&gt;raw&lt;/b&gt;" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">link</a>' in html
    assert "<li>a</li>" in html and "<code>code</code>" in html


def test_every_change_is_recorded(app, client, world, clause):
    api = Api(client, world.member)
    comment = api("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "One."}).get_json()["id"]
    api("PATCH", f"/api/v1/comments/{comment}", {"body": "Two."})
    api("POST", f"/api/v1/comments/{comment}/resolve", {})
    api("POST", f"/api/v1/comments/{comment}/resolve", {"resolved": False})
    chair = Api(app.test_client(), world.chair)
    chair("POST", f"/api/v1/comments/{comment}/disposition", {"disposition": "noted", "rationale": "Thanks."})
    chair("POST", f"/api/v1/comments/{comment}/hide", {"reason": "Duplicate."})
    chair("POST", f"/api/v1/comments/{comment}/hide", {"hidden": False})
    api("DELETE", f"/api/v1/comments/{comment}")
    with app.app_context():
        events = db.session.execute(select(RecordEvent.kind, RecordEvent.public, RecordEvent.payload)
                                    .where(RecordEvent.subject_type == "comment").order_by(RecordEvent.seq)).all()
    assert [e.kind for e in events] == ["comment.posted", "comment.edited", "comment.resolved", "comment.reopened",
                                        "comment.disposition", "comment.hidden", "comment.unhidden", "comment.deleted"]
    assert all(e.public for e in events)  # a public document of a group whose comments are public
    assert "One." not in str(events[0].payload) and len(events[0].payload["body_sha256"]) == 64
    assert events[5].payload["reason"] == "Duplicate."


def test_comments_on_private_documents_stay_out_of_the_public_record(app, world):
    private = clauses(app, world.private_document.current_version_id)[0]
    post(app, world.member, private["id"], "Between us.")
    with app.app_context():
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "comment.posted"))
        assert event.public is False
        assert db.session.scalar(select(Comment.stakeholder_group_id)) is not None

"""The all-comments list as the chairs' workbench (issue 15, item 4): filters by author, words and
shown/hidden; one action on several comments at once, by form and by API, recorded comment by comment
as the single actions record it, all or nothing; participants read the list without the controls."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Comment, Notification, RecordEvent

from ..conftest import count_queries, csrf_token, sign_in
from .comments_support import Api, clauses, counts, post


def _three(app, world):
    rows = clauses(app, world.document.current_version_id)
    gov = world.members["government"][0]
    return [post(app, world.member, rows[0]["id"], "Alpha tariff point."),
            post(app, gov, rows[1]["id"], "Beta tariff point."),
            post(app, world.member, rows[1]["id"], "Gamma other point.")]


def _events(app, kind):
    with app.app_context():
        return sorted(db.session.scalars(select(RecordEvent.subject_id).where(RecordEvent.kind == kind)))


def test_a_chair_disposes_of_several_comments_in_one_form(app, world):
    ids = _three(app, world)
    client = app.test_client()
    sign_in(client, world.chair)
    url = f"/documents/{world.document.id}/comments"
    page = client.get(url).data.decode()
    assert 'form="workbench" name="comment_ids"' in page and "Apply to the selected comments" in page
    response = client.post(f"{url}/moderate", data={
        "csrf_token": csrf_token(client, url), "comment_ids": ids[:2], "action": "disposition",
        "disposition": "accepted", "rationale": "Merged into clause 2.", "back": "q=tariff"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}?q=tariff")
    with app.app_context():
        rows = {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))}
        assert [rows[i].disposition for i in ids] == ["accepted", "accepted", None]
        assert rows[ids[0]].disposition_rationale == "Merged into clause 2."
        # Each recorded, and each author told, as the single action does.
        assert db.session.scalar(select(Notification.id).where(Notification.user_id == rows[ids[1]].author_id,
                                                               Notification.kind == "disposition"))
    assert _events(app, "comment.disposition") == sorted(ids[:2])


def test_one_refused_comment_leaves_the_whole_selection_unchanged(app, world):
    ids = _three(app, world)
    Api(app.test_client(), world.member)("DELETE", f"/api/v1/comments/{ids[2]}")
    before = counts(app)
    chair = Api(app.test_client(), world.chair)
    url = f"/api/v1/documents/{world.document.id}/comments/bulk-moderation"
    refused = chair("POST", url, {"comment_ids": ids, "action": "disposition", "disposition": "noted",
                                  "rationale": "Thanks."})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "conflict"
    assert counts(app) == before and _events(app, "comment.disposition") == []
    empty = chair("POST", url, {"comment_ids": ids[:2], "action": "disposition", "disposition": "noted",
                                "rationale": " "})
    assert empty.status_code == 400 and empty.get_json()["error"]["field"] == "rationale"
    assert chair("POST", url, {"comment_ids": [], "action": "hide", "reason": "x"}).status_code == 400
    assert chair("POST", url, {"comment_ids": ["1"], "action": "hide", "reason": "x"}).status_code == 400
    assert chair("POST", url, {"comment_ids": ids[:1], "action": "explode"}).status_code == 400
    # A comment of another document is unknown here.
    other = post(app, world.member, clauses(app, world.private_document.current_version_id)[0]["id"], "Elsewhere.")
    before = counts(app)
    assert chair("POST", url, {"comment_ids": [ids[0], other], "action": "hide", "reason": "x"}).status_code == 404
    assert counts(app) == before
    # A form refusal shows the list again with the message and the text kept.
    client = chair.client
    page_url = f"/documents/{world.document.id}/comments"
    response = client.post(f"{page_url}/moderate", data={
        "csrf_token": csrf_token(client, page_url), "comment_ids": ids, "action": "disposition",
        "disposition": "noted", "rationale": "Kept text."})
    assert response.status_code == 409 and "Kept text." in response.data.decode()
    assert "That comment has been deleted." in response.data.decode()
    assert counts(app) == before


def test_bulk_hide_and_resolve_by_api(app, world):
    ids = _three(app, world)
    reply = post(app, world.member, clauses(app, world.document.current_version_id)[1]["id"], "A reply.",
                 parent_id=ids[1])
    chair = Api(app.test_client(), world.chair)
    url = f"/api/v1/documents/{world.document.id}/comments/bulk-moderation"
    hidden = chair("POST", url, {"comment_ids": ids[:2], "action": "hide", "reason": "Off topic."})
    assert hidden.status_code == 200 and hidden.get_json() == {"comment_ids": ids[:2], "count": 2}
    assert _events(app, "comment.hidden") == sorted(ids[:2])
    chair("POST", url, {"comment_ids": ids[:1], "action": "unhide"})
    assert _events(app, "comment.unhidden") == [ids[0]]
    # Resolving a reply resolves its thread, once.
    resolved = chair("POST", url, {"comment_ids": [reply, ids[1], ids[2]], "action": "resolve"}).get_json()
    assert resolved["comment_ids"] == [ids[1], ids[2]]
    assert _events(app, "comment.resolved") == sorted(ids[1:])
    # Members may not.
    member = Api(app.test_client(), world.member)
    assert member("POST", url, {"comment_ids": ids[:1], "action": "resolve"}).status_code == 403
    assert app.test_client().post(url, json={"comment_ids": ids[:1], "action": "resolve"}).status_code == 401
    # Without the CSRF token, a signed-in browser's write is refused.
    assert member.client.post(url, json={"comment_ids": ids[:1], "action": "resolve"}).status_code in (400, 403)


def test_the_new_filters(app, world):
    ids = _three(app, world)
    chair = Api(app.test_client(), world.chair)
    chair("POST", f"/api/v1/comments/{ids[1]}/hide", {"reason": "Spam."})
    client = chair.client
    url = f"/documents/{world.document.id}/comments"

    def shown(query):
        page = client.get(url + query).data.decode()
        return [t for t in ("Alpha tariff", "Beta tariff", "Gamma other") if t in page]

    assert shown("?q=TARIFF") == ["Alpha tariff", "Beta tariff"]
    assert shown("?q=100%25") == []  # LIKE wildcards are taken literally
    assert shown("?status=hidden") == ["Beta tariff"]
    assert shown("?status=visible") == ["Alpha tariff", "Gamma other"]
    assert shown(f"?author={world.member.name.upper()}") == ["Alpha tariff", "Gamma other"]


def test_members_read_the_list_without_the_controls_and_without_hidden_words(app, world):
    ids = _three(app, world)
    Api(app.test_client(), world.chair)("POST", f"/api/v1/comments/{ids[1]}/hide", {"reason": "Spam."})
    client = app.test_client()
    sign_in(client, world.member)
    url = f"/documents/{world.document.id}/comments"
    response = client.get(url)
    page = response.data.decode()
    assert response.status_code == 200
    assert "Alpha tariff" in page and "Beta tariff" not in page and "Comment hidden by a chair." in page
    assert "comment_ids" not in page and "Apply to the selected comments" not in page
    assert "Beta tariff" not in client.get(url + "?q=beta").data.decode()
    # Nor who wrote it: the hidden comment shows no author, and filtering by its author finds nothing.
    gov = world.members["government"][0]
    assert gov.name not in page
    assert "Comment hidden by a chair." not in client.get(url + f"?author={gov.name}").data.decode()
    token = csrf_token(client, url)
    assert client.post(f"{url}/moderate", data={"csrf_token": token, "comment_ids": ids[:1], "action": "hide",
                                                  "rationale": "x"}).status_code == 403
    # The author of the hidden comment reads its words, as in the thread.
    author = app.test_client()
    sign_in(author, world.members["government"][0])
    assert "Beta tariff" in author.get(url).data.decode()


def test_the_list_costs_the_same_queries_whatever_the_number_of_comments(app, world):
    rows = clauses(app, world.document.current_version_id)
    client = app.test_client()
    sign_in(client, world.chair)
    member = app.test_client()
    sign_in(member, world.member)
    url = f"/documents/{world.document.id}/comments"

    def measure():
        result = []
        for c in (client, member):
            c.get(url)
            with count_queries(app) as counter:
                assert c.get(url).status_code == 200
            result.append(counter.count)
        return result

    post(app, world.member, rows[0]["id"], "One.")
    few = measure()
    gov = world.members["government"][0]
    for n in range(12):
        root = post(app, gov if n % 2 else world.member, rows[n % len(rows)]["id"], f"Many {n}.")
        post(app, world.chair, rows[n % len(rows)]["id"], f"Reply {n}.", parent_id=root)
    assert measure() == few

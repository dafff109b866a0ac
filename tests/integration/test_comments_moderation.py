"""Chairs moderate and answer: hiding with a reason, dispositions, resolving threads, and the list of
all comments of a document with its filters."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Comment, Version

from ..conftest import csrf_token, sign_in
from .comments_support import Api, clauses, counts, post


def test_hide_needs_a_reason_and_can_be_undone(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    comment = post(app, world.member, clause["id"], "Spam spam spam.")
    chair = Api(app.test_client(), world.chair)
    before = counts(app)
    assert Api(app.test_client(), world.member)("POST", f"/api/v1/comments/{comment}/hide",
                                                {"reason": "Mine."}).status_code == 403
    response = chair("POST", f"/api/v1/comments/{comment}/hide", {"reason": "  "})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "reason"
    assert counts(app) == before
    hidden = chair("POST", f"/api/v1/comments/{comment}/hide", {"reason": "Spam."}).get_json()
    assert hidden["status"] == "hidden" and hidden["hidden_reason"] == "Spam." and hidden["body"]  # chairs see it
    shown = chair("POST", f"/api/v1/comments/{comment}/hide", {"hidden": False}).get_json()
    assert shown["status"] == "visible"


def test_hide_and_disposition_through_the_pages(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    comment = post(app, world.member, clause["id"], "Please reword.")
    client = app.test_client()
    sign_in(client, world.chair)
    token = csrf_token(client, f"/documents/{world.document.id}/versions/1/clauses/{clause['key']}")
    refused = client.post(f"/comments/{comment}/hide", data={"csrf_token": token, "hidden": "1", "reason": ""})
    assert refused.status_code == 400 and b"This field is required." in refused.data
    refused = client.post(f"/comments/{comment}/disposition", data={"csrf_token": token, "disposition": "maybe",
                                                                    "rationale": "Hm."})
    assert refused.status_code == 400 and b"The disposition must be one of" in refused.data
    assert client.post(f"/comments/{comment}/disposition", data={
        "csrf_token": token, "disposition": "accepted_in_part", "rationale": "Reworded in part."}).status_code == 302
    page = client.get(client.get(f"/comments/{comment}").headers["Location"]).data.decode()
    assert "Accepted in part" in page and "Reworded in part." in page


def test_dispositions_are_validated_and_name_a_version_of_the_document(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    comment = post(app, world.member, clause["id"], "Add encryption.")
    chair = Api(app.test_client(), world.chair)
    url = f"/api/v1/comments/{comment}/disposition"
    before = counts(app)
    for body, field in [({"disposition": "maybe", "rationale": "x"}, "disposition"),
                        ({"disposition": "accepted", "rationale": ""}, "rationale"),
                        ({"disposition": "accepted", "rationale": "x",
                          "version_id": world.other_document.current_version_id}, "version_id")]:
        response = chair("POST", url, body)
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    assert counts(app) == before
    done = chair("POST", url, {"disposition": "accepted", "rationale": "Added in 2.",
                               "version_id": world.document.current_version_id}).get_json()
    assert done["disposition"]["value"] == "accepted" and done["disposition"]["label"] == "Accepted"
    assert done["disposition"]["version_id"] == world.document.current_version_id
    # Chairs answer comments while preparing the next draft: a superseded version still takes dispositions.
    with app.app_context():
        db.session.get(Version, world.document.current_version_id).status = "superseded"
        db.session.commit()
    assert chair("POST", url, {"disposition": "noted", "rationale": "Later."}).status_code == 200


def test_threads_are_resolved_by_their_author_or_a_chair(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    root = post(app, world.member, clause["id"], "Open question.")
    reply = post(app, world.chair, clause["id"], "Answer.", parent_id=root)
    stranger = Api(app.test_client(), world.members["academia"][0])
    assert stranger("POST", f"/api/v1/comments/{root}/resolve", {}).status_code == 403
    author = Api(app.test_client(), world.member)
    assert author("POST", f"/api/v1/comments/{root}/resolve", {}).get_json()["resolved_at"]
    assert Api(app.test_client(), world.chair)("POST", f"/api/v1/comments/{reply}/resolve", {}).status_code == 409
    reopened = Api(app.test_client(), world.chair)("POST", f"/api/v1/comments/{root}/resolve", {"resolved": False})
    assert reopened.get_json()["resolved_at"] is None


def test_the_chairs_list_of_all_comments(app, world):
    rows = clauses(app, world.document.current_version_id)
    first, second = rows[0], rows[1]
    gov = world.members["government"][0]
    a = post(app, world.member, first["id"], "Civil society question.", kind="question")
    b = post(app, gov, second["id"], "Government objection.", kind="objection")
    c = post(app, world.member, second["id"], "A reply.", parent_id=b)
    Api(app.test_client(), world.member)("DELETE", f"/api/v1/comments/{c}")
    chair = Api(app.test_client(), world.chair)
    chair("POST", f"/api/v1/comments/{a}/disposition", {"disposition": "noted", "rationale": "Thanks."})
    chair("POST", f"/api/v1/comments/{a}/resolve", {})
    client = chair.client
    url = f"/documents/{world.document.id}/comments"

    def shown(query=""):
        page = client.get(url + query).data.decode()
        return [text for text in ("Civil society question.", "Government objection.", "Comment deleted by its author.")
                if text in page]

    assert shown() == ["Civil society question.", "Government objection.", "Comment deleted by its author."]
    page = client.get(url).data.decode()
    assert page.index("Civil society question.") < page.index("Government objection.")  # time order
    assert shown(f"?clause={second['key']}") == ["Government objection.", "Comment deleted by its author."]
    assert shown("?kind=objection") == ["Government objection."]
    with app.app_context():
        sector = db.session.scalar(select(Comment.stakeholder_group_id).where(Comment.id == b))
    assert shown(f"?stakeholder_group={sector}") == ["Government objection."]
    assert shown("?disposition=noted") == ["Civil society question."]
    assert shown("?disposition=none") == ["Government objection.", "Comment deleted by its author."]
    assert shown("?unresolved=1") == ["Government objection.", "Comment deleted by its author."]
    assert shown("?kind=nonsense&stakeholder_group=x") == shown()  # unknown filters are ignored
    member = app.test_client()
    sign_in(member, world.member)
    assert member.get(url).status_code == 200  # participants read the list too (issue 15, item 4)


def test_the_chairs_list_is_paginated(app, world):
    from deliberation.services.comment_report import PAGE_SIZE

    clause = clauses(app, world.document.current_version_id)[1]
    for n in range(PAGE_SIZE + 3):
        post(app, world.member, clause["id"], f"Number {n:03d}.")
    client = app.test_client()
    sign_in(client, world.chair)
    first = client.get(f"/documents/{world.document.id}/comments").data.decode()
    assert "Number 000." in first and f"Number {PAGE_SIZE:03d}." not in first and "Page 1 of 2" in first
    second = client.get(f"/documents/{world.document.id}/comments?page=2").data.decode()
    assert f"Number {PAGE_SIZE + 2:03d}." in second and "Number 000." not in second

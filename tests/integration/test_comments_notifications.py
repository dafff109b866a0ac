"""Notifications: replies to my comments, @mentions of group members, dispositions of my comments;
the list and its unread count; e-mail only after the commit, and only when SMTP is configured."""
import re

import pytest
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import MailMessage, Notification
from deliberation.services import notifications

from ..conftest import csrf_token, sign_in
from .comments_support import Api, clauses, post


def _notes(app, user):
    with app.app_context():
        return [(n.kind, n.actor_id) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_replies_mentions_and_dispositions_notify_the_right_people(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    gov, academic = world.members["government"][0], world.members["academia"][0]
    root = post(app, world.member, clause["id"], "Root.")
    post(app, world.member, clause["id"], "Replying to myself.", parent_id=root)
    post(app, gov, clause["id"], f"Reply. cc @{academic.handle} and @{world.outsider.handle} and @nobody",
         parent_id=root)
    post(app, academic, clause["id"], f"Thanks @{world.member.handle}!", parent_id=root)  # reply wins over mention
    Api(app.test_client(), world.chair)("POST", f"/api/v1/comments/{root}/disposition",
                                        {"disposition": "noted", "rationale": "Seen."})
    assert _notes(app, world.member) == [("reply", gov.id), ("reply", academic.id), ("disposition", world.chair.id)]
    assert _notes(app, academic) == [("mention", gov.id)]
    assert _notes(app, world.outsider) == []  # not a member of the group


def test_mentions_render_only_for_group_members(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    api = Api(app.test_client(), world.member)
    html = api("POST", f"/api/v1/clauses/{clause['id']}/comments",
               {"body": f"@{world.chair.handle} and @{world.outsider.handle}"}).get_json()["body_html"]
    assert f'<span class="mention" title="{world.chair.name}">@{world.chair.handle}</span>' in html
    assert f"@{world.outsider.handle}" in html and html.count("mention") == 1


def test_an_edit_notifies_only_the_newly_mentioned(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    gov, academic = world.members["government"][0], world.members["academia"][0]
    api = Api(app.test_client(), world.member)
    comment = api("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": f"Hi @{gov.handle}"}).get_json()
    api("PATCH", f"/api/v1/comments/{comment['id']}", {"body": f"Hi @{gov.handle} and @{academic.handle}"})
    assert _notes(app, gov) == [("mention", world.member.id)]
    assert _notes(app, academic) == [("mention", world.member.id)]


def test_the_list_the_unread_count_and_marking_read(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    root = post(app, world.member, clause["id"], "Root.")
    post(app, world.chair, clause["id"], "First reply.", parent_id=root)
    post(app, world.members["academia"][0], clause["id"], "Second reply.", parent_id=root)
    client = app.test_client()
    sign_in(client, world.member)
    home = client.get("/").data.decode()
    assert re.search(r"data-unread-count>2<", home)
    page = client.get("/notifications").data.decode()
    assert "replied to your comment" in page and "Second reply." in page and page.count("notification--unread") == 2
    with app.app_context():
        first = db.session.scalar(select(Notification.id).where(Notification.user_id == world.member.id).limit(1))
    token = csrf_token(client, "/notifications")
    opened = client.post(f"/notifications/{first}/open", data={"csrf_token": token})
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/comments/")
    assert re.search(r"data-unread-count>1<", client.get("/").data.decode())
    other = app.test_client()
    sign_in(other, world.chair)
    assert other.post(f"/notifications/{first}/open",
                      data={"csrf_token": csrf_token(other, "/notifications")}).status_code == 404
    assert client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    assert "data-unread-count" not in client.get("/").data.decode()


def test_mail_goes_out_after_the_commit_over_smtp(app, world, smtp_server):
    clause = clauses(app, world.document.current_version_id)[1]
    root = post(app, world.member, clause["id"], "Root.")
    Api(app.test_client(), world.chair)("POST", f"/api/v1/clauses/{clause['id']}/comments",
                                        {"body": "A **reply**.", "parent_id": root})
    notifications.wait_for_mail()
    [message] = smtp_server.to(world.member.email)
    assert smtp_server.envelopes[-1]["tls"] and smtp_server.envelopes[-1]["auth"]
    assert message["Subject"] == f"{world.chair.name} replied to your comment"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "A reply." in text and f"https://deliberation.example.org/comments/{root + 1}" in text
    assert "clause 1 of “Sample recommendations”" in text
    assert f'href="https://deliberation.example.org/comments/{root + 1}"' in html
    assert message["List-Unsubscribe"].startswith("<https://deliberation.example.org/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_mail_when_the_request_fails(app, world, smtp_server, monkeypatch):
    clause = clauses(app, world.document.current_version_id)[1]
    root = post(app, world.member, clause["id"], "Root.")

    def broken(*_args, **_kwargs):
        raise RuntimeError("after the service")

    monkeypatch.setattr("deliberation.api.comments.comment_json", broken)
    response = Api(app.test_client(), world.chair)("POST", f"/api/v1/clauses/{clause['id']}/comments",
                                                   {"body": "Reply.", "parent_id": root})
    assert response.status_code == 500
    notifications.wait_for_mail()
    assert smtp_server.messages == [] and _notes(app, world.member) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_without_smtp_the_whole_message_goes_to_the_log(app, world, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="deliberation.mail")
    app.config["BASE_URL"] = "https://deliberation.example.org"
    clause = clauses(app, world.document.current_version_id)[1]
    root = post(app, world.member, clause["id"], "Root.")
    Api(app.test_client(), world.chair)("POST", f"/api/v1/clauses/{clause['id']}/comments",
                                        {"body": "Reply.", "parent_id": root})
    notifications.wait_for_mail()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "deliberation.mail")
    assert f"To: {world.member.email}" in logged and "Subject: " in logged and "List-Unsubscribe:" in logged
    assert f"https://deliberation.example.org/comments/{root + 1}" in logged and "Reply." in logged
    assert len(_notes(app, world.member)) == 1


def test_at_chairs_notifies_the_groups_chairs(app, world):
    clause = clauses(app, world.document.current_version_id)[1]
    post(app, world.member, clause["id"], "Could the @chairs look at this?")
    post(app, world.member, clause["id"], "Not in code: `@chairs`.")
    assert [n for n in _notes(app, world.chair) if n[0] == "mention"] == [("mention", world.member.id)]
    assert _notes(app, world.members["academia"][0]) == []


def test_handles_are_shown_on_the_members_list(app, client, world):
    sign_in(client, world.member)
    page = client.get(f"/groups/{world.group.slug}/members").data.decode()
    assert f"@{world.chair.handle}" in page and f"@{world.members['academia'][0].handle}" in page

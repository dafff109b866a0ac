"""Notification settings per member and kind (page and API), one-click unsubscribe (RFC 8058) with a
signed token, and digests: one e-mail per person and period, grouped by document, nothing when nothing."""
from datetime import timedelta

from sqlalchemy import select, update

from deliberation.extensions import db
from deliberation.models import MailMessage, Notification, NotificationSetting, User
from deliberation.models._base import utcnow
from deliberation.services.mailing.queue import drain, wait_for_mail
from deliberation.services.mailing.tokens import unsubscribe_token
from deliberation.services.notifications import notify
from deliberation.services.notifications.digests import send_digests
from deliberation.services.notifications.kinds import DEFAULTS, KINDS

from ..conftest import count_queries, csrf_token, sign_in
from .comments_support import Api


def test_api_lists_every_kind_with_defaults_and_changes_some(app, world):
    api = Api(app.test_client(), world.member)
    assert api("GET", "/api/v1/me/notification-settings").get_json() == DEFAULTS
    changed = api("PUT", "/api/v1/me/notification-settings", {"reply": "weekly", "round_opened": "off"}).get_json()
    assert changed["reply"] == "weekly" and changed["round_opened"] == "off" and changed["mention"] == "immediately"
    for bad in ({"reply": "hourly"}, {"nonsense": "daily"}, {"new_comments": "immediately"}):
        response = api("PUT", "/api/v1/me/notification-settings", bad)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid"
    assert api("GET", "/api/v1/me/notification-settings").get_json()["reply"] == "weekly"  # nothing half-written
    assert app.test_client().get("/api/v1/me/notification-settings").status_code == 401
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert set(spec["components"]["schemas"]["NotificationSettings"]["properties"]) == set(KINDS)


def test_a_kind_switched_off_is_not_notified_at_all(app, world):
    Api(app.test_client(), world.member)("PUT", "/api/v1/me/notification-settings", {"mention": "off"})
    with app.app_context():
        chair = db.session.get(User, world.chair.id)
        assert notify("mention", {world.member.id}, actor=chair) == []


def test_the_settings_page_saves_a_choice(app, client, world):
    sign_in(client, world.member)
    page = client.get("/account/notifications").data.decode()
    assert 'name="version_published"' in page and "Daily digest" in page
    token = csrf_token(client, "/account/notifications")
    response = client.post("/account/notifications", data={"csrf_token": token, "version_published": "weekly"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(NotificationSetting.frequency).where(
            NotificationSetting.user_id == world.member.id)) == "weekly"
    bad = client.post("/account/notifications", data={"csrf_token": token, "version_published": "hourly"})
    assert bad.status_code == 400 and "Choose one of the offered frequencies" in bad.data.decode()


def test_one_click_unsubscribe_needs_no_sign_in_and_ignores_tampered_tokens(app, world):
    with app.test_request_context():
        token = unsubscribe_token(world.member.id, "reply")
        everything = unsubscribe_token(world.members["academia"][0].id, "all")
    client = app.test_client()
    assert b"Stop this kind of notification" in client.get(f"/unsubscribe/{token}").data  # a GET changes nothing
    with app.app_context():
        assert db.session.scalar(select(NotificationSetting).where(NotificationSetting.user_id == world.member.id)) is None
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/unsubscribe/{tampered}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    forged = token.replace(token.split(".")[0], unsubscribe_token.__name__)
    assert client.post(f"/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(NotificationSetting).where(NotificationSetting.user_id == world.member.id)) is None
    assert client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert client.post(f"/unsubscribe/{everything}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    api = Api(app.test_client(), world.member)
    assert api("GET", "/api/v1/me/notification-settings").get_json()["reply"] == "off"
    other = Api(app.test_client(), world.members["academia"][0])
    assert set(other("GET", "/api/v1/me/notification-settings").get_json().values()) == {"off"}


def _note(app, user, kind, document, *, days_ago=0, actor=None):
    with app.app_context():
        n = Notification(user_id=user.id, kind=kind, document_id=document.id, actor_id=actor.id if actor else None,
                         data={"number": 1, "count": 3}, excerpt="", created_at=utcnow() - timedelta(days=days_ago))
        db.session.add(n)
        db.session.commit()
        return n.id


def test_daily_digest_groups_by_document_and_sends_nothing_when_nothing(app, world, smtp_server):
    member = world.members["government"][0]
    _note(app, member, "version_published", world.document)
    _note(app, member, "saved_search", world.document, actor=world.chair)
    _note(app, member, "version_published", world.private_document)
    _note(app, world.outsider, "version_published", world.private_document)  # may not read it
    runner = app.test_cli_runner()
    assert "Digests: 1 queued, 1 sent." in runner.invoke(args=["send-digests"]).output
    [digest] = smtp_server.to(member.email)
    assert digest["Subject"] == "Your daily digest: 3 notifications"
    text = digest.get_body(("plain",)).get_content()
    assert "== Sample recommendations ==" in text and "== Private draft ==" in text
    assert f"https://deliberation.example.org/documents/{world.document.id}/versions/1" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert smtp_server.to(world.outsider.email) == []
    assert "Digests: 0 queued, 0 sent." in runner.invoke(args=["send-digests"]).output  # nothing twice


def test_weekly_digest_waits_a_week_unless_now(app, world, smtp_server):
    member = world.members["academia"][0]
    Api(app.test_client(), member)("PUT", "/api/v1/me/notification-settings", {"version_published": "weekly"})
    _note(app, member, "version_published", world.document, days_ago=3)
    with app.app_context():
        assert send_digests() == 0
        db.session.commit()
    _note(app, member, "version_published", world.document, days_ago=8)
    with app.app_context():
        assert send_digests() == 1  # the oldest has waited a week: both go, in one e-mail
        db.session.commit()
        drain()
    [weekly] = smtp_server.to(member.email)
    assert weekly["Subject"] == "Your weekly digest: 2 notifications"
    _note(app, member, "version_published", world.document, days_ago=1)
    with app.app_context():
        assert send_digests() == 0 and send_digests(now=True) == 1


def test_a_digest_run_does_not_query_per_member(app, world):
    def run(n):
        with app.app_context():
            users = list(db.session.scalars(select(User).order_by(User.id).limit(n)))
            for user in users:
                for _ in range(3):
                    db.session.add(Notification(user_id=user.id, kind="version_published",
                                                document_id=world.document.id, data={"number": 1}, excerpt=""))
            db.session.commit()
        with app.app_context(), count_queries(app) as counter:
            send_digests()
        return counter.count, counter.statements

    (few, _), (many, statements) = run(2), run(10)
    assert few == many, [s[:60] for s in statements]


def test_the_notification_list_does_not_query_per_row(app, client, world):
    member = world.members["civil_society"][1]
    sign_in(client, member)
    kinds = ["version_published", "round_closed", "new_comments", "support_pending", "objection"]

    def page_with(n):
        with app.app_context():
            db.session.add_all(Notification(user_id=member.id, kind=kinds[i % len(kinds)], actor_id=world.chair.id,
                                            document_id=world.document.id, data={"number": 1, "count": 2,
                                                                                  "outcomes": {"1": "adopted"}},
                                            excerpt="") for i in range(n))
            db.session.commit()
        with count_queries(app) as counter:
            assert client.get("/notifications").status_code == 200
        return counter.count

    assert page_with(3) == page_with(30)

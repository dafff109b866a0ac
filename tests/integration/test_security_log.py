"""The security log: JSON lines for sign-in failures, rate-limit hits, denials, moderation, tokens and
account deletion, carrying request id, user, IP and route, and never a secret or a comment body."""
import json
import logging
import re

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import ApiToken, Clause, RecordEvent
from deliberation.services.accounts import create_token

from ..conftest import PASSWORD, csrf_token, sign_in
from .test_rate_limits import enable_limits

TYPED_PASSWORD = "my-secret-typed-password"
BODY = "A confidential remark about the delegation"


def security_lines(caplog) -> list[dict]:
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == "deliberation.security"]


def _bearer(app, user) -> tuple[dict, str]:
    with app.app_context():
        _row, plain = create_token(db.session.merge(user), "log test")
        db.session.commit()
    return {"Authorization": f"Bearer {plain}"}, plain


def test_security_events_are_logged_without_secrets(app, client, world, caplog):
    caplog.set_level(logging.INFO)
    enable_limits(app, sign_in="100 per minute", token_creation="1 per hour")
    member_api, member_token = _bearer(app, world.member)
    chair_api, chair_token = _bearer(app, world.chair)

    client.post("/sign-in", data={"email": world.member.email, "password": TYPED_PASSWORD,
                                  "csrf_token": csrf_token(client, "/sign-in")})
    sign_in(client, world.member)
    cookie = client.get_cookie("session").value
    token = csrf_token(client, "/account")
    created = client.post("/account/tokens", data={"name": "laptop", "csrf_token": token})
    page_token = re.search(rb"dlb_[A-Za-z0-9_-]+", created.data).group(0).decode()
    assert client.post("/account/tokens", data={"name": "again", "csrf_token": token}).status_code == 429
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "laptop"))
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert client.get(f"/groups/{world.group.slug}/settings").status_code == 403
    api = app.test_client()  # no session cookie: the bearer token decides who calls
    assert api.get(f"/api/v1/documents/{world.other_document.id}", headers=member_api).status_code == 404

    with app.app_context():
        clause_id = db.session.scalar(select(Clause.id).where(Clause.version_id == world.document.current_version_id)
                                      .order_by(Clause.position).limit(1))
    posted = api.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": BODY}, headers=member_api)
    assert posted.status_code == 201, posted.get_json()
    hidden = api.post(f"/api/v1/comments/{posted.get_json()['id']}/hide", json={"reason": "Off topic"},
                         headers=chair_api)
    assert hidden.status_code == 200, hidden.get_json()

    observer = sign_in(app.test_client(), world.observer)
    deleted = observer.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf_token(observer, "/account")})
    assert deleted.status_code == 302

    lines = security_lines(caplog)
    by_event = {}
    for line in lines:
        by_event.setdefault(line["event"], []).append(line)
    for expected in ("sign_in.failed", "rate_limited", "token.created", "token.revoked", "permission.denied",
                     "comment.hidden", "account.deleted"):
        assert expected in by_event, f"no {expected} line in {sorted(by_event)}"
    for line in lines:
        assert {"ts", "event", "request_id", "user_id", "ip", "route"} <= set(line)

    failed = by_event["sign_in.failed"][0]
    assert failed["route"] == "/sign-in" and failed["ip"] == "127.0.0.1" and failed["request_id"]
    assert len(failed["account"]) == 16
    denied = {(line["status"], line["route"], line["user_id"]) for line in by_event["permission.denied"]}
    assert (403, "/groups/<slug>/settings", world.member.id) in denied
    assert (404, "/api/v1/documents/<int:document_id>", world.member.id) in denied
    revoked = by_event["token.revoked"][0]
    assert revoked["route"] == "/account/tokens/<int:token_id>/revoke" and revoked["subject_id"] == token_id
    assert by_event["comment.hidden"][0]["actor_id"] == world.chair.id
    assert by_event["account.deleted"][0]["subject_id"] == world.observer.id
    assert by_event["rate_limited"][0]["limit"] == "token_creation"

    secrets = [TYPED_PASSWORD, PASSWORD, member_token, chair_token, page_token, cookie, BODY]
    everything = "\n".join(record.getMessage() for record in caplog.records)
    for secret in secrets:
        assert secret not in everything, f"a secret reached the logs: {secret[:12]}…"
    security_text = "\n".join(json.dumps(line) for line in lines)
    assert world.member.email not in security_text and world.observer.email not in security_text


def test_events_of_a_rolled_back_request_are_not_logged(app, client, world, caplog):
    caplog.set_level(logging.INFO)
    with app.app_context():
        before = db.session.scalar(select(RecordEvent.seq).order_by(RecordEvent.seq.desc()).limit(1))
        create_token(db.session.merge(world.member), "never kept")
        db.session.rollback()
        assert db.session.scalar(select(RecordEvent.seq).order_by(RecordEvent.seq.desc()).limit(1)) == before
    assert not [line for line in security_lines(caplog) if line["event"] == "token.created"]

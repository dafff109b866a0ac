"""Rate limits and the sign-in back-off. The test app switches limits off; these tests switch them on."""
import re
import socket
import time
import uuid
from types import SimpleNamespace

import pytest

from sqlalchemy import select

from deliberation.extensions import csrf, db
from deliberation.models import Clause, User, Version
from deliberation.services.accounts import create_token
from deliberation.security import limits
from deliberation.security.limits import BACKOFF_CAP, init_limits, limited

from ..conftest import PASSWORD, csrf_token, sign_in

BACKOFF_TEXT = b"Too many failed sign-ins for this account. Try again in"


def enable_limits(app, storage_uri="memory://", storage_options=None, **rate_limits):
    """Switch rate limits on for this app (before its first request), with the given named limits."""
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage_uri,
                      RATELIMIT_STORAGE_OPTIONS=storage_options or {},
                      RATE_LIMITS={**app.config["RATE_LIMITS"], **rate_limits})
    init_limits(app)
    return app


def _attempt(client, email, password="wrong password!", **kw):
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": csrf_token(client, "/sign-in")}, **kw)


def test_failed_sign_ins_are_limited_per_address(app, client, world):
    enable_limits(app, sign_in="3 per minute")
    for n in range(3):
        assert _attempt(client, f"nobody{n}@example.org").status_code == 400
    refused = _attempt(client, world.member.email, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert b"Too many requests" in refused.data and b"Please wait" in refused.data
    assert client.get("/sign-in").status_code == 200  # reading the form is not limited
    # Another address is not affected.
    assert _attempt(client, world.member.email, PASSWORD,
                    environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 302


def test_successful_sign_ins_do_not_count(app, world):
    enable_limits(app, sign_in="2 per minute")
    for _ in range(4):
        sign_in(app.test_client(), world.member)


def test_back_off_after_repeated_failures_for_one_account(app, client, world):
    enable_limits(app, sign_in="100 per minute")
    for _ in range(limits.BACKOFF_AFTER):
        assert _attempt(client, world.member.email).status_code == 400
    # Now even the right password waits, and the page says for how long.
    deferred = _attempt(client, world.member.email, PASSWORD)
    assert deferred.status_code == 429 and BACKOFF_TEXT in deferred.data
    assert deferred.headers["Retry-After"] == "1"
    # The back-off is per account: another account signs in from the same address.
    assert _attempt(client, world.chair.email, PASSWORD).status_code == 302


def test_back_off_message_does_not_tell_whether_the_account_exists(app, world):
    enable_limits(app, sign_in="100 per minute")
    answers = []
    for email in (world.member.email, "no.such.person@example.org"):
        client = app.test_client()
        for _ in range(limits.BACKOFF_AFTER):
            _attempt(client, email)
        answers.append(_attempt(client, email))
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].headers["Retry-After"] == answers[1].headers["Retry-After"]
    # The pages differ only in the address typed and the form's CSRF token.
    first, second = (re.sub(rb'value="[^"]*"', b"", a.data.split(b"<main")[1]) for a in answers)
    assert BACKOFF_TEXT in first and first == second


def test_back_off_grows_is_capped_and_resets_on_success(app, client, world):
    enable_limits(app, sign_in="100 per minute")
    email = world.member.email
    with app.test_request_context():
        waits = []
        for _ in range(20):
            limits.record_sign_in_failure(email)
            waits.append(limits.sign_in_wait(email))
        assert waits[:4] == [0, 0, 0, 0]
        assert waits[4:9] == [1, 2, 4, 8, 16]
        assert max(waits) == BACKOFF_CAP == waits[-1]
        limits.record_sign_in_success(email)
        assert limits.sign_in_wait(email) == 0
    # Through the page: after the wait, the right password clears the count.
    with app.test_request_context():
        for _ in range(limits.BACKOFF_AFTER - 1):
            limits.record_sign_in_failure(email)
    assert _attempt(client, email).status_code == 400  # the fifth failure: wait one second
    time.sleep(1.1)
    sign_in(client, world.member)
    assert _attempt(app.test_client(), email).status_code == 400  # counting starts again


def test_limits_off_when_disabled(app, client, world):
    assert app.config["RATELIMIT_ENABLED"] is False
    for _ in range(limits.BACKOFF_AFTER + 1):
        assert _attempt(client, world.member.email).status_code == 400


def _probe(app, name):
    """Two routes applying the same named limit: a page and an API route share one bucket."""
    @csrf.exempt
    def probe():
        return {"ok": True}

    app.add_url_rule(f"/api/v1/_probe/{name}", f"probe_api_{name}", limited(name)(probe), methods=["POST"])
    app.add_url_rule(f"/_probe/{name}", f"probe_page_{name}", limited(name)(probe), methods=["GET", "POST"])


def _two_users(app, make):
    with app.app_context():
        users = make.user(), make.user()
        db.session.commit()
        return [SimpleNamespace(email=u.email) for u in users]


@pytest.mark.parametrize("name", ["invitations", "token_creation", "comments", "supports", "api_writes"])
def test_named_limits_are_shared_per_user_and_answer_clearly(app, make, name):
    enable_limits(app, **{name: "2 per minute"})
    _probe(app, name)
    first, second = _two_users(app, make)
    client = sign_in(app.test_client(), first)
    assert client.post(f"/api/v1/_probe/{name}").status_code == 200
    assert client.get(f"/_probe/{name}").status_code == 200  # reads are not limited
    assert client.post(f"/_probe/{name}").status_code == 200
    api = client.post(f"/api/v1/_probe/{name}")
    assert api.status_code == 429 and int(api.headers["Retry-After"]) > 0
    error = api.get_json()["error"]
    assert error["code"] == "rate_limited" and "Please wait" in error["message"]
    page = client.post(f"/_probe/{name}")
    assert page.status_code == 429 and b"Too many requests" in page.data
    # Per user: someone else still has their own allowance, from the same address.
    other = sign_in(app.test_client(), second)
    assert other.post(f"/api/v1/_probe/{name}").status_code == 200


def test_invitations_are_limited(app, client, world):
    enable_limits(app, invitations="2 per hour")
    sign_in(client, world.chair)
    token = csrf_token(client)
    statuses = [client.post(f"/groups/{world.group.slug}/invitations", data={
        "email": f"person{n}@example.org", "role": "observer", "stakeholder": "", "csrf_token": token}).status_code
        for n in range(3)]
    assert statuses == [201, 201, 429]


def test_token_creation_is_limited_but_not_the_command_line(app, client, world):
    enable_limits(app, token_creation="2 per hour")
    sign_in(client, world.member)
    token = csrf_token(client, "/account")
    statuses = [client.post("/account/tokens", data={"name": f"t{n}", "csrf_token": token}).status_code
                for n in range(3)]
    assert statuses == [201, 201, 429]
    runner = app.test_cli_runner()
    for _ in range(3):
        assert runner.invoke(args=["create-token", world.member.email]).exit_code == 0


# The named limits on the real routes: comments (page and API share one bucket), expressions of
# support (the public form), and every other API write.

def _clause(app, world):
    with app.app_context():
        clause = db.session.scalar(select(Clause).where(Clause.version_id == world.document.current_version_id,
                                                        Clause.text != "").order_by(Clause.position).limit(1))
        return clause.id, clause.key


def _assert_json_429(response):
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and "Please wait" in error["message"]


def test_comments_are_limited_by_page_and_api_together(app, world):
    enable_limits(app, comments="3 per minute", api_writes="100 per minute")
    clause_id, key = _clause(app, world)
    page = f"/documents/{world.document.id}/versions/1/clauses/{key}"
    client = sign_in(app.test_client(), world.member)
    token = csrf_token(client, page)
    assert client.post(f"{page}/comments", data={"body": "One", "csrf_token": token}).status_code == 302
    api = f"/api/v1/clauses/{clause_id}/comments"
    first = client.post(api, json={"body": "Two"}, headers={"X-CSRFToken": token})
    assert first.status_code == 201
    reply = client.post(f"{page}/comments", data={"body": "Three", "parent_id": str(first.get_json()["id"]),
                                                  "csrf_token": token})
    assert reply.status_code == 302
    _assert_json_429(client.post(api, json={"body": "Four"}, headers={"X-CSRFToken": token}))
    refused = client.post(f"{page}/comments", data={"body": "Five", "csrf_token": token})
    assert refused.status_code == 429 and b"Too many requests" in refused.data
    assert client.get(api).status_code == 200  # reading the discussion is not limited
    # Per user: the chair still comments from the same address.
    chair = sign_in(app.test_client(), world.chair)
    assert chair.post(api, json={"body": "Chair"}, headers={"X-CSRFToken": csrf_token(chair)}).status_code == 201


def _adopted_version(app, world):
    """Adopt the public document's first version through the services (a round everyone endorsed)."""
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import adopt_version, close_round, open_round

    with app.app_context():
        chair = db.session.get(User, world.chair.id)
        version = db.session.get(Version, world.document.current_version_id)
        round_ = open_round(chair, version, scope="document", rule="pooled", threshold="majority", quorum="1/2")
        for user in [world.chair] + [u for users in world.members.values() for u in users]:
            take_position(db.session.get(User, user.id), round_, clause_id=None, position="endorse")
        close_round(chair, round_)
        adopt_version(chair, version)
        db.session.commit()


def test_expressions_of_support_are_limited(app, client, world):
    enable_limits(app, supports="2 per hour")
    _adopted_version(app, world)
    url = f"/documents/{world.document.id}/versions/1/support"
    token = csrf_token(client, url)
    statuses = [client.post(url, data={"name": f"Ada {n}", "sector": "individual", "email": f"ada{n}@example.org",
                                       "csrf_token": token}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert b"Too many requests" in client.post(url, data={"csrf_token": token}).data
    assert client.get(url).status_code == 200  # reading the form and the list is not limited
    assert app.test_client().post(url, data={"name": "Bo", "sector": "individual", "email": "bo@example.org",
                                             "csrf_token": token},
                                  environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code != 429


def test_other_api_writes_share_the_api_writes_limit(app, world):
    enable_limits(app, api_writes="2 per minute", comments="100 per minute")
    clause_id, _key = _clause(app, world)
    with app.app_context():
        headers = {"Authorization": "Bearer " + create_token(db.session.get(User, world.chair.id))[1]}
        db.session.commit()
    client = app.test_client()
    version_id = world.document.current_version_id
    posted = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "Mine"}, headers=headers)
    assert posted.status_code == 201  # counted under comments, not api_writes
    comment = f"/api/v1/comments/{posted.get_json()['id']}"
    assert client.patch(comment, json={"body": "Edited"}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/versions/{version_id}/rounds", json={"scope": "document"},
                       headers=headers).status_code == 201
    _assert_json_429(client.delete(comment, headers=headers))
    _assert_json_429(client.post("/api/v1/documents", json={}, headers=headers))
    assert client.get(comment, headers=headers).status_code == 200  # reads are not limited
    assert client.get("/api/v1/documents", headers=headers).status_code == 200
    # The limit is per user: a member's writes are still allowed.
    member = sign_in(app.test_client(), world.member)
    assert member.patch(comment, json={"body": "Not mine"},
                        headers={"X-CSRFToken": csrf_token(member)}).status_code == 403


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_back_off_is_kept_in_redis_without_the_address(app, client, world):
    import redis

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    enable_limits(app, "redis://127.0.0.1:6379/15", {"key_prefix": prefix}, sign_in="100 per minute")
    for _ in range(limits.BACKOFF_AFTER):
        _attempt(client, world.member.email)
    assert _attempt(client, world.member.email, PASSWORD).status_code == 429
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    keys = [key.decode() for key in server.keys(f"{prefix}*")]
    try:
        assert any("sign-in-wait" in key for key in keys)
        assert not any("example.org" in key or "@" in key for key in keys)
    finally:
        if keys:
            server.delete(*keys)

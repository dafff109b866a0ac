"""Crafted input gives clear 4xx answers, never a 500 or silence (issue 16, item 7): Unicode digits and
overlong numbers in integer parameters, a sign-in `next` with control characters, Socket.IO joins
without a proper payload."""
import pytest

from deliberation.extensions import socketio
from deliberation.numbers import whole_number

from ..conftest import csrf_token, sign_in
from ..factories import PASSWORD



@pytest.fixture
def without_message_queue(monkeypatch):
    """Flask-SocketIO's test client refuses a message queue (REDIS_URL in the CI's second pass): requested
    before `app`, so the app is built without one (as in test_comments_live.py)."""
    monkeypatch.delenv("REDIS_URL", raising=False)


CRAFTED_NUMBERS = ["²", "١٢", "12345678901234567890", "-1", "1.5", " "]


def test_whole_numbers_are_ascii_digits_of_at_most_nine():
    assert [whole_number(v) for v in ("0", "42", "999999999", 7)] == [0, 42, 999999999, 7]
    assert [whole_number(v) for v in CRAFTED_NUMBERS + [True, None, [], 10**9, -3]] == [None] * 11


def _integer_query_urls(world) -> list[str]:
    """Every page or API call that reads an integer from its query string."""
    doc, group = world.document.id, world.group.slug
    return [f"/documents/{doc}/comments?page={{}}", f"/documents/{doc}/comments?stakeholder_group={{}}",
            "/notifications?page={}", f"/documents/{doc}/compare?to={{}}", f"/documents/{doc}/compare?from={{}}",
            "/api/v1/clauses/1/comments?after={}", "/api/v1/clauses/1/comments?limit={}",
            "/api/v1/clauses/1/comments?replies_limit={}"]


@pytest.mark.parametrize("value", CRAFTED_NUMBERS)
def test_crafted_integer_query_parameters_are_not_500(client, world, value):
    sign_in(client, world.chair)
    for url in _integer_query_urls(world):
        response = client.get(url.format(value))
        assert response.status_code < 500, (url, value, response.status_code)


@pytest.mark.parametrize("target", ["/account\n", "/account\r\nX-Evil: 1", "/\t/evil.example", "/ /evil.example"])
def test_sign_in_next_with_control_characters_goes_home(client, world, target):
    response = client.post("/sign-in", data={"email": world.member.email, "password": PASSWORD, "next": target,
                                             "csrf_token": csrf_token(client, "/sign-in")})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("event", ["join", "join_round"])
@pytest.mark.parametrize("payload", [None, [], "x", {"version_id": 10**19, "round_id": 10**19},
                                     {"version_id": "12345678901234567890", "round_id": "12345678901234567890"},
                                     {"version_id": "²", "round_id": "²"}])
def test_socket_joins_with_crafted_payloads_get_an_error_reply(without_message_queue, app, world, event, payload):
    sock = socketio.test_client(app, flask_test_client=app.test_client())
    args = () if payload is None else (payload,)
    reply = sock.emit(event, *args, callback=True)
    assert reply["error"]["code"] == "invalid", reply
    assert sock.is_connected()
    sock.disconnect()


@pytest.mark.parametrize("method, url", [("POST", "/api/v1/documents"), ("POST", "/api/v1/comments/1/resolve"),
                                         ("POST", "/api/v1/clauses/1/comments")])
def test_deeply_nested_json_is_a_400(app, client, world, method, url):
    from .test_hardening_auth import _token

    response = client.open(url, method=method, data="[" * 100000 + "]" * 100000, content_type="application/json",
                           headers={"Authorization": f"Bearer {_token(app, world.chair)}"})
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize("body", ["a NUL \x00 inside", "a lone surrogate \ud800 inside"])
def test_json_text_with_a_nul_or_a_lone_surrogate_is_refused_on_every_database(app, client, world, body):
    """Decided once, at the request's edge: SQLite stored a NUL that PostgreSQL refused (a 500), and a lone
    surrogate has no UTF-8 form for any database. Both are a 400 naming the field, and nothing is written."""
    import json

    from sqlalchemy import func, select

    from deliberation.models import Comment

    from .comments_support import clauses
    from .test_hardening_auth import _token

    clause = clauses(app, world.document.current_version_id)[1]
    payload = json.dumps({"body": body, "kind": "comment"})  # ensure_ascii: the surrogate travels as \ud800
    response = client.post(f"/api/v1/clauses/{clause['id']}/comments", data=payload, content_type="application/json",
                           headers={"Authorization": f"Bearer {_token(app, world.members['academia'][0])}"})
    assert response.status_code == 400, response.data[:300]
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["field"] == "body" and "NUL" in error["message"]
    with app.app_context():
        from deliberation.extensions import db

        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_nul_in_a_form_field_or_a_query_string_is_refused(app, client, world):
    sign_in(client, world.members["academia"][0])
    response = client.post("/account/profile", data={"name": "Ada\x00", "locale": "",
                                                      "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 400
    assert b"NUL" in response.data
    with app.app_context():
        from deliberation.extensions import db
        from deliberation.models import User

        assert "\x00" not in db.session.get(User, world.members["academia"][0].id).name
    assert client.get("/api/v1/documents?q=%00").status_code == 400
    assert client.get("/api/v1/documents?q=%00").get_json()["error"]["field"] == "q"


def test_forbidden_field_names_the_field_at_any_depth():
    from deliberation.text_input import forbidden_field

    assert forbidden_field({"a": "fine", "b": [{"c": "x\x00"}]}) == "c"
    assert forbidden_field({"tags": ["ok", "\udfff"]}) == "tags"
    assert forbidden_field({"k\x00": 1}) == "body"
    assert forbidden_field({"a": "ünïcødé 😀", "n": 3, "x": None}) is None

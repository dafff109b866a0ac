"""Faults: a request failing halfway writes nothing; Redis down keeps the site up and it recovers; a lost
database gives a 503 page and JSON, never a stack trace."""
import logging
import socket
import sys
import threading
import uuid

import pytest
from sqlalchemy import select

from deliberation.extensions import db, socketio
from deliberation.models import Clause
from deliberation.services import record
from deliberation.services.accounts import create_token
from deliberation.services.groups import invite

from ..conftest import PASSWORD, csrf_token, sign_in
from ..factories import SAMPLE_DRAFT, Factory
from .hardening_support import separate_app, snapshot
from .test_rate_limits import enable_limits


def _fail_on_call(monkeypatch, n: int) -> None:
    """Make the n-th record append of the request raise, in every module that calls append_event."""
    original, calls = record.append_event, []

    def failing(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == n:
            raise RuntimeError(f"injected failure at record append {n}")
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("deliberation") and getattr(module, "append_event", None) is original:
            monkeypatch.setattr(module, "append_event", failing)


def _cases(app, world):
    """(name, user or None, method, url, form data or JSON) for services that write more than once."""
    with app.app_context():
        _invitation, secret = invite(db.session.merge(world.chair), db.session.merge(world.group),
                                     "newcomer@example.org", "member", "academia")
        clause_id = db.session.scalar(select(Clause.id).where(Clause.version_id == world.document.current_version_id)
                                      .limit(1))
        db.session.commit()
    g = world.group.slug
    return [
        ("create_document", world.chair, "POST", f"/groups/{g}/import",
         {"format": "markdown", "source": SAMPLE_DRAFT, "action": "publish", "title": "Halfway"}),
        ("invite", world.chair, "POST", f"/groups/{g}/invitations",
         {"email": "someone@example.org", "role": "member", "stakeholder": "government"}),
        ("accept_invitation", None, "POST", f"/invitations/{secret}",
         {"name": "New Comer", "password": "a long password", "confirm": "a long password"}),
        ("create_working_group", world.admin, "POST", "/admin/groups/new", {"name": "Fresh group", "slug": "fresh-group"}),
        ("set_membership", world.admin, "POST", f"/admin/groups/{g}/chairs",
         {"email": world.outsider.email, "stakeholder": "government"}),
        ("add_stakeholder_group", world.chair, "POST", f"/groups/{g}/stakeholder-groups", {"key": "youth", "name": "Youth"}),
        ("create_token", world.member, "POST", "/account/tokens", {"name": "script"}),
        ("delete_account", world.outsider, "POST", "/account/delete", {"password": PASSWORD}),
        ("post_comment", world.member, "POST", f"/api/v1/clauses/{clause_id}/comments", {"body": "Halfway"}),
        ("open_round", world.chair, "POST", f"/api/v1/versions/{world.document.current_version_id}/rounds",
         {"scope": "document"}),
    ]


def _send(app, user, method, url, body):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    token = csrf_token(client, url if user is None else "/account")
    if url.startswith("/api/"):
        return client.open(url, method=method, json=body, headers={"X-CSRFToken": token})
    return client.open(url, method=method, data={**body, "csrf_token": token})


def test_a_request_failing_halfway_writes_nothing(app, world, monkeypatch):
    for name, user, method, url, body in _cases(app, world):
        before = snapshot(app)
        n = 1
        while True:
            with monkeypatch.context() as patch:
                _fail_on_call(patch, n)
                response = _send(app, user, method, url, body)
            if response.status_code < 400:
                break  # fewer than n appends: every failure point has been tried
            assert response.status_code == 500, (name, n, response.status_code, response.data[:300])
            assert b"Traceback" not in response.data and b"injected failure" not in response.data
            assert snapshot(app) == before, f"{name}: failing at record append {n} left rows behind"
            n += 1
        assert n > 1, f"{name} appended no record event"
        assert snapshot(app) != before, f"{name} did nothing even without a failure"


def test_realtime_emit_failures_do_not_fail_the_request(app, client, world, monkeypatch, caplog):
    """flush_events runs after the commit; a broken emit is logged and the posted comment stays."""
    def broken(*_args, **_kwargs):
        raise ConnectionError("message queue down")

    monkeypatch.setattr(socketio, "emit", broken)
    with app.app_context():
        headers = {"Authorization": "Bearer " + create_token(db.session.merge(world.member))[1]}
        clause_id = db.session.scalar(select(Clause.id).where(Clause.version_id == world.document.current_version_id)
                                      .limit(1))
        db.session.commit()
    caplog.set_level(logging.WARNING, logger="deliberation.realtime")
    response = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "Still here"}, headers=headers)
    assert response.status_code == 201
    assert any("realtime: could not emit" in r.getMessage() for r in caplog.records)
    assert client.get(f"/api/v1/comments/{response.get_json()['id']}", headers=headers).status_code == 200


# Redis: a forwarder in front of the real server stands in for Redis going away and coming back.

def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Forwarder:
    """TCP forwarding from `port` to the real Redis while started."""

    def __init__(self, port: int, target: int = 6379):
        self.port, self.target, self.server, self.sockets = port, target, None, []

    def start(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        if self.server is not None:
            self.server.close()
        for s in self.sockets:
            s.close()


def _site(tmp_path, monkeypatch, **config):
    """An app of its own (SQLite) with a group, a member and a document, for fault settings."""
    app = separate_app(tmp_path, monkeypatch, "faults", **config)
    with app.app_context():
        make = Factory()
        group = make.group()
        chair = make.member(group, "chair", "government")
        member = make.member(group)
        document = make.document(group, chair)
        clause_id = db.session.scalar(select(Clause.id).where(Clause.version_id == document.current_version_id).limit(1))
        headers = {"Authorization": "Bearer " + create_token(member)[1]}
        db.session.commit()
        return app, member.email, document.id, clause_id, headers


@pytest.mark.skipif(not _port_open(6379), reason="no Redis on 127.0.0.1:6379 to come back to")
def test_redis_down_the_site_keeps_serving_and_recovers(tmp_path, monkeypatch, caplog):
    import redis

    port, channel = _free_port(), f"faults-{uuid.uuid4().hex[:8]}"
    # Redis is down before the app starts: creating it must not fail.
    app, _email, document_id, clause_id, headers = _site(tmp_path, monkeypatch, REDIS_URL=f"redis://127.0.0.1:{port}/0",
                                                         SOCKETIO_CHANNEL=channel)
    client = app.test_client()
    caplog.set_level(logging.ERROR, logger="socketio")
    assert client.get(f"/documents/{document_id}/versions/1").status_code == 200
    posted = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "While Redis is down"}, headers=headers)
    assert posted.status_code == 201  # saved, just not live
    assert any("Cannot publish to redis" in r.getMessage() for r in caplog.records)

    listener = redis.Redis.from_url("redis://127.0.0.1:6379/0").pubsub()
    listener.subscribe(channel)
    listener.get_message(timeout=2)  # the subscription confirmation
    forwarder = Forwarder(port)
    forwarder.start()
    try:
        again = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "Redis is back"}, headers=headers)
        assert again.status_code == 201
        message = listener.get_message(timeout=5)
        assert message is not None and b"comment_created" in message["data"]
    finally:
        forwarder.stop()
        listener.close()


def test_rate_limits_survive_their_store_going_away(app, client, world, caplog):
    """With the limit store unreachable, limits fall back to memory and sign-in keeps working."""
    caplog.set_level(logging.WARNING)
    enable_limits(app, f"redis://127.0.0.1:{_free_port()}/0", sign_in="2 per minute")
    statuses = [client.post("/sign-in", data={"email": world.member.email, "password": "wrong password!",
                                              "csrf_token": csrf_token(client, "/sign-in")}).status_code
                for _ in range(3)]
    assert statuses == [400, 400, 429]
    other = app.test_client()
    assert other.post("/sign-in", data={"email": world.member.email, "password": PASSWORD,
                                        "csrf_token": csrf_token(other, "/sign-in")},
                      environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302
    assert any("back-off unavailable" in r.getMessage() for r in caplog.records)


# Losing the database

DEAD_DATABASES = {
    "sqlite": lambda tmp_path: f"sqlite:///{tmp_path}/no/such/directory/site.sqlite3",
    "postgresql": lambda tmp_path: "postgresql+psycopg://postgres@127.0.0.1:1/gone?connect_timeout=2",
}


@pytest.mark.parametrize("backend", sorted(DEAD_DATABASES))
def test_losing_the_database_gives_503_not_a_stack_trace(tmp_path, monkeypatch, backend):
    app = separate_app(tmp_path, monkeypatch, "dead", create_tables=False,
                       SQLALCHEMY_DATABASE_URI=DEAD_DATABASES[backend](tmp_path))
    anonymous = app.test_client()
    signed_in = app.test_client()
    with signed_in.session_transaction() as session:  # a session from before the outage
        session["_user_id"], session["_fresh"] = "1:0", True
    for client in (anonymous, signed_in):
        page = client.get("/")
        assert page.status_code == 503 and b"Briefly unavailable" in page.data
        for leak in (b"Traceback", b"OperationalError", b"sqlite3", b"psycopg", b"127.0.0.1"):
            assert leak not in page.data
        api = client.get("/api/v1/documents")
        assert api.status_code == 503 and api.get_json()["error"]["code"] == "unavailable"
    token = csrf_token(anonymous, "/sign-in")
    post = anonymous.post("/sign-in", data={"email": "a@example.org", "password": "whatever it is", "csrf_token": token})
    assert post.status_code == 503


def test_an_app_without_redis_after_one_with_it_has_no_message_queue(tmp_path, monkeypatch):
    """The SocketIO object is shared: a later app made without REDIS_URL must not inherit the queue."""
    import socketio as python_socketio

    separate_app(tmp_path, monkeypatch, "queued", REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")
    assert isinstance(socketio.server.manager, python_socketio.PubSubManager)
    separate_app(tmp_path, monkeypatch, "plain")
    assert not isinstance(socketio.server.manager, python_socketio.PubSubManager)

"""Two application processes (gunicorn + gevent, as in production) sharing PostgreSQL and Redis:
a Socket.IO client connected to the first receives the events caused by requests to the second, and
counts the viewers connected to either (each person once); signing out everywhere through the second
closes the user's socket held by the first; a document made private through the second takes the
first's readers who may no longer read out of its rooms.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); `.ci/run` runs the suite with both set.
"""
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from deliberation import create_app
from deliberation.extensions import db
from deliberation.services.accounts import create_token

from ..conftest import PASSWORD, _create_schema, _database_url, _drop_schema
from ..factories import Factory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as in .ci/run's second pass")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port, env, log_path):
    with open(log_path, "w") as log:  # the child keeps its own copy of the file descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "app:app"],
            cwd=ROOT, env={**env, "PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            return process, base
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(Path(log_path).read_text())
            time.sleep(0.1)
    raise RuntimeError("server did not start: " + Path(log_path).read_text())


@pytest.fixture
def cluster(tmp_path):
    url, schema = _database_url(tmp_path)
    _create_schema(url, schema)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "cluster-test", "LOAD_DEMO": "0",
           "INSTANCE_PATH": str(tmp_path / "instance"), "SOCKETIO_CHANNEL": f"test-{uuid.uuid4().hex}"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "cluster-test", "LOAD_DEMO": False,
                      "REDIS_URL": None})
    with app.app_context():
        db.create_all()
    processes = []
    try:
        first, first_url = _start(_free_port(), env, tmp_path / "first.log")
        processes.append(first)
        second, second_url = _start(_free_port(), env, tmp_path / "second.log")
        processes.append(second)
        yield app, first_url, second_url
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        with app.app_context():
            db.engine.dispose()
        _drop_schema(url, schema)


@pytest.fixture
def clients(cluster):
    """Socket.IO clients, disconnected before the servers stop (even when the test fails): a server
    with a connected client takes its whole graceful timeout to stop."""
    made: list[socketio.Client] = []
    yield lambda: made.append(socketio.Client()) or made[-1]
    for client in made:
        client.disconnect()


def test_events_cross_processes_through_redis(cluster, clients):
    app, first_url, second_url = cluster
    with app.app_context():
        world = Factory().world()
        chair = db.session.merge(world.chair)
        member = db.session.merge(world.member)
        _row, chair_token = create_token(chair)
        _row, member_token = create_token(member)
        db.session.commit()
    version_id = world.document.current_version_id
    clauses = requests.get(f"{second_url}/api/v1/versions/{version_id}").json()["clauses"]

    received: dict[str, list] = {"comment_created": [], "tally_updated": []}
    arrived = threading.Event()
    client = clients()
    for name in received:
        client.on(name, lambda data, name=name: (received[name].append(data), arrived.set()))
    presence: list[dict] = []
    client.on("presence", presence.append)
    client.connect(first_url, auth={"token": member_token}, transports=["websocket"])
    assert client.call("join", {"version_id": version_id}, timeout=10) == {"ok": True, "count": 1}

    # Viewers on the second process count on the first: the chair, and the member again in another tab.
    others = []
    for token, count in ((chair_token, 2), (member_token, 2)):
        other = clients()
        other.connect(second_url, auth={"token": token}, transports=["websocket"])
        others.append(other)
        assert other.call("join", {"version_id": version_id}, timeout=10)["count"] == count
    _wait_for(lambda: presence and presence[-1]["count"] == 2, "presence of 2 viewers")
    others[0].disconnect()  # the chair leaves
    _wait_for(lambda: presence[-1]["count"] == 1, "presence after the chair left")
    others[1].disconnect()  # one of the member's two tabs closes: the member is still there
    time.sleep(0.5)
    assert presence[-1]["count"] == 1

    # A comment posted through the second process reaches the client on the first.
    posted = requests.post(f"{second_url}/api/v1/clauses/{clauses[0]['id']}/comments",
                           json={"body": "Posted through the second process."},
                           headers={"Authorization": f"Bearer {member_token}"}, timeout=10)
    assert posted.status_code == 201, posted.text
    _wait_for(lambda: received["comment_created"], "comment_created")
    assert received["comment_created"][0]["body"] == "Posted through the second process."

    # So does a position taken through the second process.
    opened = requests.post(f"{second_url}/api/v1/versions/{version_id}/rounds",
                           json={"scope": "document", "rule": "each_group", "threshold": "majority", "quorum": "1/2"},
                           headers={"Authorization": f"Bearer {chair_token}"}, timeout=10)
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    assert client.call("join_round", {"round_id": round_id}, timeout=10).get("ok")
    position = requests.post(f"{second_url}/api/v1/rounds/{round_id}/positions",
                             json={"clause_id": None, "position": "endorse"},
                             headers={"Authorization": f"Bearer {member_token}"}, timeout=10)
    assert position.status_code in (200, 201), position.text
    _wait_for(lambda: received["tally_updated"], "tally_updated")
    assert received["tally_updated"][-1]["round_id"] == round_id


def _wait_for(condition, name, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{name} did not arrive within {seconds} s")


def _signed_in(base_url: str, email: str) -> requests.Session:
    """A browser session signed in through the real form (CSRF token from the page)."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed = browser.post(f"{base_url}/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=10)
    assert signed.status_code == 302, signed.text[:300]
    return browser


def test_signing_out_everywhere_closes_sockets_held_by_another_process(cluster, clients):
    app, first_url, second_url = cluster
    with app.app_context():
        world = Factory().world()
        db.session.commit()
    version_id = world.private_document.current_version_id
    reader = _signed_in(first_url, world.member.email)
    client = clients()
    client.connect(first_url, headers={"Cookie": f"session={reader.cookies['session']}"}, transports=["websocket"])
    assert client.call("join", {"version_id": version_id}, timeout=10)["ok"] is True

    # Signing out everywhere through the second process closes the socket the first one holds.
    elsewhere = _signed_in(second_url, world.member.email)
    account = elsewhere.get(f"{second_url}/account", timeout=10).text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', account).group(1)
    response = elsewhere.post(f"{second_url}/account/sign-out-everywhere", data={"csrf_token": token},
                              allow_redirects=False, timeout=10)
    assert response.status_code == 302
    _wait_for(lambda: not client.connected, "the disconnect of the signed-out socket")


def test_a_document_made_private_through_one_process_takes_readers_out_of_rooms_in_the_other(cluster, clients):
    """An anonymous reader on the first process follows two public documents; the chair makes one private
    through the second. The reader leaves that document's rooms (and is told), stays connected, and keeps
    hearing the other document: a comment on each, posted in that order through one process, reaches it
    in that order, so the second arriving alone shows the first was not sent to it."""
    app, first_url, second_url = cluster
    with app.app_context():
        factory = Factory()
        world = factory.world()
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        other_version = factory.document(group, chair, title="Still public").current_version_id
        _row, member_token = create_token(db.session.merge(world.member))
        db.session.commit()
    version_id = world.document.current_version_id
    lost: list[dict] = []
    comments: list[str] = []
    reader = clients()
    reader.on("access_lost", lost.append)
    reader.on("comment_created", lambda data: comments.append(data["body"]))
    reader.connect(first_url, transports=["websocket"])
    for joined in (version_id, other_version):
        assert reader.call("join", {"version_id": joined}, timeout=10)["ok"] is True

    chair_browser = _signed_in(second_url, world.chair.email)
    url = f"{second_url}/documents/{world.document.id}/settings"
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', chair_browser.get(url, timeout=10).text).group(1)
    response = chair_browser.post(url, data={"title": world.document.title, "csrf_token": token},
                                  allow_redirects=False, timeout=10)  # "public" unticked
    assert response.status_code == 302, response.text[:500]
    _wait_for(lambda: len(lost) == 2, "the reader taken out of the document's two rooms")
    assert sorted(event["room"] for event in lost) == ["comments", "version"]
    assert {event["version_id"] for event in lost} == {version_id}
    assert reader.connected

    for target, body in ((version_id, "Members only now."), (other_version, "On the public one.")):
        clause = requests.get(f"{second_url}/api/v1/versions/{target}", timeout=10,
                              headers={"Authorization": f"Bearer {member_token}"}).json()["clauses"][0]
        posted = requests.post(f"{second_url}/api/v1/clauses/{clause['id']}/comments", json={"body": body},
                               headers={"Authorization": f"Bearer {member_token}"}, timeout=10)
        assert posted.status_code == 201, posted.text
    _wait_for(lambda: comments, "the comment on the public document")
    assert comments == ["On the public one."]

"""`python app.py` (what `make run` starts), as a newcomer runs it: gevent's server in one process on the
default SQLite database with the demo, Socket.IO live over WebSocket, a small group's concurrent use
answered without a single failure, and a log worth reading (a banner with the address and the demo
accounts, each security event once, no development-server warning)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import socketio
from sqlalchemy import select

from deliberation import create_app
from deliberation.extensions import db
from deliberation.models import Clause, Document, User
from deliberation.services.accounts import create_token
from deliberation.services.demo import DEMO_PASSWORD

from ..multiprocess.test_two_processes import _free_port, _wait_for
from .test_sqlite_concurrency import run_together

ROOT = Path(__file__).resolve().parents[2]
WRITERS, READERS, PAGE_READERS = ("gov1", "cs1"), ("gov2", "cs2", "ps1", "ac1"), ("chair.gov", "observer")
COMMENTS_EACH, READS_EACH, PAGES_EACH = 5, 8, 4


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`python app.py --port N` on a fresh instance folder: SQLite, demo loaded, gevent. One for the module:
    starting it (migrations, the demo) is the slow part."""
    tmp_path = tmp_path_factory.mktemp("embedded")
    port, log_path = _free_port(), tmp_path / "server.log"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "LOAD_DEMO", "SOCKETIO_ASYNC_MODE")}
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError("the server stopped:\n" + log_path.read_text())
        try:
            return requests.get(base + "/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        _wait_for(answers, "the server's first answer", 180)
        yield base, log_path, "sqlite:///" + str(tmp_path / "instance" / "deliberation.sqlite3")
    finally:
        process.terminate()
        process.wait(timeout=30)


def _demo(url: str):
    """API tokens of the demo members, the demo document and its clauses, read from the server's database."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOAD_DEMO": False, "SECRET_KEY": "unused"})
    with app.app_context():
        tokens = {}
        for name in WRITERS + READERS:
            user = db.session.scalar(select(User).where(User.email == f"{name}@example.org"))
            tokens[name] = create_token(user)[1]
        document = db.session.scalar(select(Document).order_by(Document.id).limit(1))
        clauses = list(db.session.scalars(select(Clause.id).where(Clause.version_id == document.current_version_id)
                                          .order_by(Clause.position).limit(4)))
        db.session.commit()
        version_id, document_id = document.current_version_id, document.id
        db.engine.dispose()
    return tokens, document_id, version_id, clauses


def _signed_in(base: str, name: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/sign-in", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = browser.post(f"{base}/sign-in", data={"email": f"{name}@example.org", "password": DEMO_PASSWORD,
                                                   "csrf_token": token}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:300]
    return browser


def test_the_banner_and_the_log(server):
    base, log_path, _url = server
    log = log_path.read_text()
    assert f"Deliberation platform on {base}/" in log
    assert "chair.gov@example.org" in log and f"password: {DEMO_PASSWORD}" in log
    assert "Werkzeug" not in log and "development server" not in log

    # One failed sign-in: one security event, printed once, as one JSON line.
    browser = requests.Session()
    page = browser.get(f"{base}/sign-in", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    browser.post(f"{base}/sign-in", data={"email": "gov1@example.org", "password": "wrong", "csrf_token": token},
                 timeout=30)
    _wait_for(lambda: "sign_in.failed" in log_path.read_text(), "the failed sign-in's security event", 30)
    lines = [line for line in log_path.read_text().splitlines() if "sign_in.failed" in line]
    assert len(lines) == 1, lines
    assert json.loads(lines[0])["event"] == "sign_in.failed"


def test_a_small_group_at_work_gets_every_answer_and_live_events(server):
    base, log_path, url = server
    tokens, document_id, version_id, clauses = _demo(url)

    # A member follows the draft live, over WebSocket.
    arrived: list[dict] = []
    live = socketio.Client()
    live.on("comment_created", arrived.append)
    live.connect(base, auth={"token": tokens["cs2"]}, transports=["websocket"], wait_timeout=30)
    try:
        assert live.transport() == "websocket"
        assert live.call("join", {"version_id": version_id}, timeout=30)["ok"] is True

        def post_comments(name, fail):
            for n in range(COMMENTS_EACH):
                answer = requests.post(f"{base}/api/v1/clauses/{clauses[n % len(clauses)]}/comments",
                                       headers={"Authorization": f"Bearer {tokens[name]}"},
                                       json={"body": f"{name}'s comment {n}."}, timeout=60)
                if answer.status_code != 201:
                    fail(f"POST comment: {answer.status_code} {answer.text[:200]}")

        def read_comments(name, fail):
            for n in range(READS_EACH):
                answer = requests.get(f"{base}/api/v1/clauses/{clauses[n % len(clauses)]}/comments",
                                      headers={"Authorization": f"Bearer {tokens[name]}"}, timeout=60)
                if answer.status_code != 200:
                    fail(f"GET comments with a token: {answer.status_code} {answer.text[:200]}")

        def load_pages(browser, fail):
            for path in [f"/documents/{document_id}/versions/1", "/notifications"] * (PAGES_EACH // 2):
                answer = browser.get(base + path, timeout=60)
                if answer.status_code != 200:
                    fail(f"GET {path} signed in: {answer.status_code} {answer.text[:200]}")

        jobs = [(post_comments, name) for name in WRITERS] + [(read_comments, name) for name in READERS]
        jobs += [(load_pages, _signed_in(base, name)) for name in PAGE_READERS]
        failures = run_together(jobs, "client", timeout=300)
        assert not failures, "\n".join(failures)

        _wait_for(lambda: len(arrived) == len(WRITERS) * COMMENTS_EACH, "every comment_created event", 60)
    finally:
        live.disconnect()
    assert "Traceback" not in log_path.read_text()

"""Fixtures: an app on a fresh database per test (SQLite file by default, PostgreSQL when
DATABASE_URL is set), a client, small factories and a SQL query counter."""
import os
import re
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from deliberation import create_app
from deliberation.extensions import db

from .factories import Factory

PASSWORD = "correct horse battery"

# Each pytest process (each xdist worker) has its own Socket.IO channel and presence keys on the shared
# Redis of the CI's second pass. On one channel, a test in one worker signing a user out everywhere closed
# the sockets of the same user id in another worker's browser test, and round events of one worker's
# tests reached another's pages. Browser servers started by this process inherit the variable.
os.environ["SOCKETIO_CHANNEL"] = f"tests-{uuid.uuid4().hex[:12]}"


def _database_url(tmp_path) -> tuple[str, str | None]:
    """A private database for one test: a SQLite file, or a fresh schema on the PostgreSQL server."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        return "sqlite:///" + str(tmp_path / "test.sqlite3"), None
    schema = "t_" + uuid.uuid4().hex[:12]
    url = base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", schema


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    url, schema = _database_url(tmp_path)
    if schema:
        _create_schema(url, schema)
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "LOAD_DEMO": False,
        "SERVER_NAME": "localhost",
        "RATELIMIT_ENABLED": False,
        # Query-count tests must measure rendering; tests of the cache switch it on.
        "PUBLIC_CACHE": False,
    })
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if schema:
        _drop_schema(url, schema)


def _admin_engine(url):
    from sqlalchemy import create_engine

    return create_engine(re.sub(r"[?&]options=[^&]*", "", url), isolation_level="AUTOCOMMIT")


def _create_schema(url, schema):
    engine = _admin_engine(url)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def _drop_schema(url, schema):
    engine = _admin_engine(url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An application context for direct service and model work."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def make(app):
    """Factories; call them inside `with app.app_context():` (or use the `ctx` fixture)."""
    return Factory()


@pytest.fixture
def world(app):
    """A public working group with a chair, members in each sector, an observer, an outsider, and a
    chair and a member of another (private) group; plus public, private and other-group documents.

    Built in its own app context and returned detached: test requests must not share an app context
    (and so `g` and the database session) with the test itself."""
    with app.app_context():
        return Factory().world()


def sign_in(client, user, password=PASSWORD):
    """Sign a test client in through the real form, CSRF token included."""
    response = client.post("/sign-in", data={"email": user.email, "password": password,
                                             "csrf_token": csrf_token(client, "/sign-in")})
    assert response.status_code == 302, response.data[:500]
    return client


def csrf_token(client, path="/") -> str:
    """The session's CSRF token: from the page's meta tag (signed in) or a form on it, else the sign-in form."""
    for url in (path, "/sign-in"):
        page = client.get(url)
        match = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page.data) or \
            re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data)
        if match:
            return match.group(1).decode()
    raise AssertionError("no CSRF token found")


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries(app):
    """Count the SQL statements run inside the block (transaction control excluded, and an API token's
    last-use stamp: written at most once a minute after the answer, whether a block holds one depends on
    the clock, not on the data)."""
    counter = QueryCounter()
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|UPDATE api_tokens SET last_used_at)",
                        statement, re.I):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def smtp_server(app, tmp_path):
    """A real SMTP server (tests/mail_server.py) the app is configured to send through, with STARTTLS
    and AUTH; yields its Mailbox."""
    from .mail_server import PASSWORD, USER, start_server

    controller, mailbox, cert = start_server(tmp_path)
    app.config.update(SMTP_HOST="localhost", SMTP_PORT=controller.port, SMTP_USER=USER, SMTP_PASSWORD=PASSWORD,
                      SMTP_STARTTLS=True, SMTP_CA_FILE=cert, MAIL_FROM="wg@deliberation.example.org",
                      BASE_URL="https://deliberation.example.org")
    yield mailbox
    from deliberation.services.mailing.queue import wait_for_mail

    wait_for_mail()
    controller.stop()

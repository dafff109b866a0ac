"""Concurrent writers on one database file: none fails with "database is locked", every write lands,
and the record's hash chain stays one unbroken line.

Members post comments and replies and change their positions through the API while chairs send
invitations through the members page and anonymous readers load the version page, all at once, each
thread with its own test client. On SQLite this exercises WAL, the busy timeout and BEGIN IMMEDIATE
(deliberation/sqlite_tuning.py); on PostgreSQL (DATABASE_URL set) the record's advisory lock.
"""
import threading
from datetime import timedelta

from sqlalchemy import func, select, text, update

from deliberation.extensions import db
from deliberation.models import (
    ApiToken, Clause, Comment, Invitation, Position, PositionHistory, RecordEvent, Round, RoundItem, Version,
)
from deliberation.models._base import utcnow
from deliberation.services.accounts import create_token
from deliberation.services.record import verify_chain
from deliberation.services.rounds import open_round

from ..conftest import csrf_token, sign_in
from ..factories import Factory

COMMENTS_EACH = 6          # per member: three threads, each with one reply
INVITATIONS_EACH = 5       # per chair client
READS_EACH = 5             # per anonymous reader
POSITION_CHANGES = ("endorse", "abstain")  # every member changes their mind once on every item


def _setup(app):
    """A group with four members per sector, an open round on every clause, and members' API tokens."""
    with app.app_context():
        world = Factory().world(members_per_sector=4)
        chair = db.session.merge(world.chair)
        version = db.session.get(Version, world.document.current_version_id)
        round_ = open_round(chair, version, scope="clauses", rule="each_group", threshold="majority", quorum="1/2")
        members = [db.session.merge(u) for users in world.members.values() for u in users]
        tokens = [create_token(member)[1] for member in members]
        clause_ids = list(db.session.scalars(select(RoundItem.clause_id).where(RoundItem.round_id == round_.id)
                                             .order_by(RoundItem.position)))
        db.session.commit()
        return world, version.id, round_.id, clause_ids, tokens


def _member_writes(client, token, round_id, clause_ids, check):
    headers = {"Authorization": f"Bearer {token}"}
    for n in range(COMMENTS_EACH // 2):
        clause_id = clause_ids[n % len(clause_ids)]
        thread = client.post(f"/api/v1/clauses/{clause_id}/comments", headers=headers,
                             json={"body": f"Thread {n} on *this* clause."})
        check(thread, 201)
        if thread.status_code == 201:
            check(client.post(f"/api/v1/clauses/{clause_id}/comments", headers=headers,
                              json={"body": "A reply.", "parent_id": thread.get_json()["id"]}), 201)
    for position in POSITION_CHANGES:
        for clause_id in clause_ids:
            check(client.post(f"/api/v1/rounds/{round_id}/positions", headers=headers,
                              json={"clause_id": clause_id, "position": position}), (200, 201))


def _chair_invites(client, slug, prefix, check):
    token = csrf_token(client, f"/groups/{slug}/members")
    for n in range(INVITATIONS_EACH):
        check(client.post(f"/groups/{slug}/invitations", data={
            "email": f"{prefix}-{n}@example.org", "role": "member", "stakeholder": "academia",
            "affiliation": "", "csrf_token": token}), 201)


def _reads(client, url, check):
    for _ in range(READS_EACH):
        check(client.get(url), 200)


def run_together(jobs: list[tuple], what: str, timeout: float) -> list[str]:
    """Run each (function, *args) in its own thread, all released at once; return what went wrong.
    Each function gets a `fail(message)` as its last argument (an exception in a thread would vanish)."""
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(jobs))

    def fail(message: str) -> None:
        with lock:
            failures.append(message)

    def run(job, *args):
        try:
            start.wait(timeout=60)
            job(*args, fail)
        except Exception as exc:
            fail(f"{job.__name__}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if any(thread.is_alive() for thread in threads):
        failures.append(f"a {what} hung")
    return failures


def _checked(job):
    """The job with a `check(response, expected)` made from run_together's `fail`."""
    def with_check(*args):
        *args, fail = args

        def check(response, expected):
            expected = expected if isinstance(expected, tuple) else (expected,)
            if response.status_code not in expected or b"database is locked" in response.data:
                fail(f"{response.request.method} {response.request.path}: "
                     f"{response.status_code} {response.data[:200]!r}")
        job(*args, check)
    with_check.__name__ = job.__name__
    return with_check


def test_concurrent_writers_all_land_and_the_record_verifies(app):
    world, version_id, round_id, clause_ids, tokens = _setup(app)
    jobs = [(_checked(_member_writes), app.test_client(), token, round_id, clause_ids) for token in tokens]
    for n in range(2):  # the same chair signed in on two clients
        jobs.append((_checked(_chair_invites), sign_in(app.test_client(), world.chair), world.group.slug,
                     f"invitee{n}"))
    version_url = f"/documents/{world.document.id}/versions/1"
    jobs += [(_checked(_reads), app.test_client(), version_url) for _ in range(2)]
    failures = run_together(jobs, "writer", timeout=300)
    assert not failures, "\n".join(failures)

    members, items = len(tokens), len(clause_ids)
    with app.app_context():
        def count(model, *where):
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

        assert count(Comment, Comment.version_id == version_id) == members * COMMENTS_EACH
        assert count(Position, Position.round_id == round_id) == members * items
        assert count(PositionHistory, PositionHistory.round_id == round_id) == members * items * len(POSITION_CHANGES)
        assert set(db.session.scalars(select(Position.position).where(Position.round_id == round_id))) == {"abstain"}
        assert count(Invitation, Invitation.email.like("invitee%")) == 2 * INVITATIONS_EACH
        assert count(RecordEvent, RecordEvent.kind == "comment.posted") == members * COMMENTS_EACH
        assert count(RecordEvent, RecordEvent.kind == "position.taken") == members * items * len(POSITION_CHANGES)
        assert count(RecordEvent, RecordEvent.kind == "invitation.sent") == 2 * INVITATIONS_EACH
        assert db.session.get(Round, round_id).status == "open"
        verification = verify_chain()
        assert verification.ok, verification.to_json()
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


READERS_OF_A_DUE_ROUND = 8


def test_readers_of_a_round_past_its_time_close_it_once(app):
    """The first reads of a round whose closing time has passed close it (a write in a GET): however
    many arrive together, none fails and the round closes exactly once, at its closing time."""
    world, _version_id, round_id, _clause_ids, tokens = _setup(app)
    closes_at = utcnow() - timedelta(seconds=1)
    with app.app_context():
        db.session.execute(update(Round).where(Round.id == round_id).values(closes_at=closes_at))
        db.session.commit()

    def read(client, url, fail):
        response = client.get(url)
        if response.status_code != 200 or b"database is locked" in response.data:
            fail(f"{url}: {response.status_code} {response.data[:200]!r}")

    urls = [f"/rounds/{round_id}", f"/rounds/{round_id}/tally", f"/api/v1/rounds/{round_id}/tally",
            f"/documents/{world.document.id}/record"]
    failures = run_together([(read, app.test_client(), urls[n % len(urls)]) for n in range(READERS_OF_A_DUE_ROUND)],
                            "reader", timeout=120)
    assert not failures, "\n".join(failures)
    with app.app_context():
        closes = db.session.scalars(select(RecordEvent).where(RecordEvent.kind == "round.closed")).all()
        assert len(closes) == 1 and closes[0].payload["round_id"] == round_id
        round_ = db.session.get(Round, round_id)
        assert round_.status == "closed" and round_.closed_at == round_.closes_at
        assert verify_chain().ok


TOKEN_READS_EACH = 8
PAGE_READS_EACH = 4


def test_token_reads_and_signed_in_pages_beside_writers_never_fail(app, world):
    """A small group at work: two members post comments while others read the discussion with API tokens
    and load pages signed in with a cookie. Not one answer may fail: a token read used to write its
    last-use stamp in its read transaction, and one in five failed with 503 while others wrote."""
    with app.app_context():
        members = [db.session.merge(user) for users in world.members.values() for user in users]
        tokens = [create_token(member)[1] for member in members[:6]]
        version_id = world.document.current_version_id
        clause_ids = list(db.session.scalars(select(Clause.id).where(Clause.version_id == version_id)))
        db.session.commit()
    writers, readers = tokens[:2], tokens[2:]

    def post_comments(client, token, fail):
        for n in range(COMMENTS_EACH):
            response = client.post(f"/api/v1/clauses/{clause_ids[n % len(clause_ids)]}/comments",
                                   headers={"Authorization": f"Bearer {token}"}, json={"body": f"Comment {n}."})
            if response.status_code != 201:
                fail(f"POST comment: {response.status_code} {response.data[:200]!r}")

    def read_comments(client, token, fail):
        for n in range(TOKEN_READS_EACH):
            url = f"/api/v1/clauses/{clause_ids[n % len(clause_ids)]}/comments"
            response = client.get(url, headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 200:
                fail(f"GET {url} with a token: {response.status_code} {response.data[:200]!r}")

    def load_pages(client, fail):
        for url in [f"/documents/{world.document.id}/versions/1", "/notifications"] * (PAGE_READS_EACH // 2):
            response = client.get(url)
            if response.status_code != 200:
                fail(f"GET {url} signed in: {response.status_code} {response.data[:200]!r}")

    jobs = [(post_comments, app.test_client(), token) for token in writers]
    jobs += [(read_comments, app.test_client(), token) for token in readers]
    jobs += [(load_pages, sign_in(app.test_client(), user)) for user in (world.chair, world.observer)]
    failures = run_together(jobs, "client", timeout=120)
    assert not failures, "\n".join(failures)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment).where(
            Comment.version_id == version_id)) == len(writers) * COMMENTS_EACH
        used = db.session.scalars(select(ApiToken.last_used_at).where(ApiToken.prefix.in_(
            [token[:10] for token in tokens]))).all()
        assert sum(stamp is not None for stamp in used) == len(writers) + len(readers)


def test_an_api_read_with_a_token_survives_a_write_that_lands_while_it_reads(app, world):
    """Found by the two-worker fuzz run: a GET with a token noted the token's use from its read transaction;
    when another request had written since that transaction began, SQLite refused the note ("database is
    locked", whatever the busy timeout) and the read answered 503. Here another connection writes exactly
    then: just before the note is written, if it can (it cannot once the note takes the write lock first)."""
    import sqlite3

    import pytest
    from sqlalchemy import event

    from .version_helpers import api_token

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's snapshots; PostgreSQL waits for the row lock instead")
    headers = api_token(app, world.member)
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    client.get(f"/api/v1/documents/{world.document.id}", headers=headers)  # the token is noted as used once

    def write_meanwhile(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                other.execute("UPDATE users SET name = name || '.' WHERE id = ?", (world.observer.id,))
            except sqlite3.OperationalError:
                pass  # the note holds the write lock: nothing can land in between
            finally:
                other.close()

    with app.app_context():
        from deliberation.models import ApiToken
        db.session.execute(update(ApiToken).values(last_used_at=None))  # due for a new note
        db.session.commit()
    event.listen(engine, "before_cursor_execute", write_meanwhile)
    try:
        response = client.get(f"/api/v1/documents/{world.document.id}", headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", write_meanwhile)
    assert response.status_code == 200, response.get_json()

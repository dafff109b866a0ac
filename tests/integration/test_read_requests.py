"""Read requests write nothing in their read transaction.

On SQLite a read request's transaction is deferred: it holds a snapshot, and a write made from it fails
at once with "database is locked" when another request committed since the snapshot was taken (the busy
timeout cannot help). A token's last-use stamp is therefore written after the answer, in a transaction of
its own, and at most once a minute; and a test app refuses any other write from a read transaction, so
every test that reads a page or the API also checks that it wrote nothing there.
"""
import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from deliberation.extensions import db
from deliberation.models import ApiToken, Clause
from deliberation.models._base import utcnow
from deliberation.services.accounts import create_token
from deliberation.sqlite_tuning import ReadTransactionWrite



def _token_and_clause(app, world, member=None):
    with app.app_context():
        member = db.session.merge(member or world.member)
        row, token = create_token(member)
        db.session.commit()
        clause_id = db.session.scalar(select(Clause.id).where(
            Clause.version_id == world.document.current_version_id).order_by(Clause.position))
        return row.id, token, clause_id


def test_a_token_read_survives_a_write_committed_while_it_reads(app, world):
    """The reported 503: a token read took its snapshot, a member's comment was committed, and the read's
    own "last used" write then failed. The read is paused right after it looked the token up."""
    token_id, token, clause_id = _token_and_clause(app, world)
    _writer_token_id, writer_token, _clause_id = _token_and_clause(app, world, world.members["government"][0])
    looked_up, go_on = threading.Event(), threading.Event()
    reader_thread = {}

    def pause_after_token_lookup(_conn, _cursor, statement, *_args):
        if threading.get_ident() == reader_thread.get("id") and "FROM api_tokens" in statement \
                and not looked_up.is_set():
            looked_up.set()
            go_on.wait(timeout=30)

    answer = {}

    def read():
        reader_thread["id"] = threading.get_ident()
        answer["response"] = app.test_client().get(f"/api/v1/clauses/{clause_id}/comments",
                                                   headers={"Authorization": f"Bearer {token}"})

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", pause_after_token_lookup)
    try:
        reader = threading.Thread(target=read)
        reader.start()
        assert looked_up.wait(timeout=30)
        posted = app.test_client().post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "Meanwhile."},
                                        headers={"Authorization": f"Bearer {writer_token}"})
        assert posted.status_code == 201, posted.data
        go_on.set()
        reader.join(timeout=60)
    finally:
        go_on.set()
        event.remove(engine, "after_cursor_execute", pause_after_token_lookup)
    response = answer["response"]
    assert response.status_code == 200, response.data[:300]
    with app.app_context():
        assert db.session.get(ApiToken, token_id).last_used_at is not None


def test_the_last_use_stamp_is_written_at_most_once_a_minute(app, world):
    token_id, token, clause_id = _token_and_clause(app, world)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/clauses/{clause_id}/comments", headers=headers).status_code == 200
    with app.app_context():
        first = db.session.get(ApiToken, token_id).last_used_at
    assert first is not None
    assert client.get(f"/api/v1/clauses/{clause_id}/comments", headers=headers).status_code == 200
    with app.app_context():
        assert db.session.get(ApiToken, token_id).last_used_at == first
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id)
                           .values(last_used_at=first - timedelta(minutes=2)))
        db.session.commit()
    # A refused request still used the token: 404 here.
    assert client.get("/api/v1/clauses/999999/comments", headers=headers).status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).last_used_at > first - timedelta(minutes=1)


def test_a_revoked_token_is_not_stamped(app, world):
    token_id, token, clause_id = _token_and_clause(app, world)
    with app.app_context():
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=utcnow()))
        db.session.commit()
    response = app.test_client().get(f"/api/v1/clauses/{clause_id}/comments",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.get(ApiToken, token_id).last_used_at is None


def test_a_write_from_a_read_transaction_is_refused_in_tests(app, world, caplog):
    """The guard that finds the kind: any GET that writes outside write_transaction fails its test."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "sqlite":
        pytest.skip("SQLite's deferred read transactions only")
    from flask import Blueprint

    from deliberation.models import User

    with app.app_context():
        user_id = db.session.merge(world.member).id

    probe = Blueprint("probe", __name__)

    @probe.get("/probe-write")
    def probe_write():
        db.session.get(User, user_id).name = "Changed in a GET"
        db.session.flush()
        return "written"

    app.register_blueprint(probe)
    with caplog.at_level(logging.ERROR):
        assert app.test_client().get("/probe-write").status_code == 500
    assert any(record.exc_info and record.exc_info[0] is ReadTransactionWrite for record in caplog.records)
    with app.app_context():
        assert db.session.get(User, user_id).name != "Changed in a GET"

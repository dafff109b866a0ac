"""`flask backup` and `flask restore`: round trips on SQLite and PostgreSQL, the record verifying after."""
import json
import os
import stat

import pytest
from flask_migrate import stamp
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Comment, User
from deliberation.services.accounts import create_token, create_user
from deliberation.services.groups import invite

from ..conftest import _create_schema, _database_url, _drop_schema
from .hardening_support import separate_app, snapshot

POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith("postgres")


def _enrich(app, world):
    """Rows of every awkward kind: a token, an invitation, a reply (a self-reference), a document whose
    current version points forward (a cycle between tables)."""
    with app.app_context():
        chair, member = db.session.merge(world.chair), db.session.merge(world.member)
        create_token(member, "script")
        invite(chair, db.session.merge(world.group), "invited@example.org", "observer", None)
        version_id = world.document.current_version_id
        from deliberation.models import Clause

        clause = db.session.scalar(select(Clause).where(Clause.version_id == version_id).limit(1))
        first = Comment(document_id=world.document.id, version_id=version_id, clause_id=clause.id,
                        author_id=member.id, body_source="Ünïcode “quotes” ✓", body_html="<p>x</p>")
        db.session.add(first)
        db.session.flush()
        db.session.add(Comment(document_id=world.document.id, version_id=version_id, clause_id=clause.id,
                               author_id=chair.id, parent_id=first.id, root_id=first.id, depth=1,
                               body_source="reply", body_html="<p>reply</p>"))
        db.session.commit()


def _target(tmp_path, monkeypatch, url=None):
    """An app on a brand-new, empty database: a SQLite file unless a URL is given."""
    uri = {"SQLALCHEMY_DATABASE_URI": url} if url else {}
    return separate_app(tmp_path, monkeypatch, "restored", create_tables=False, **uri)


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.mark.skipif(POSTGRES, reason="the SQLite copy needs a SQLite database; DATABASE_URL is PostgreSQL")
def test_sqlite_copy_round_trip(app, world, tmp_path, monkeypatch):
    _enrich(app, world)
    path = tmp_path / "site.backup"
    made = _run(app, "backup", str(path))
    assert made.exit_code == 0 and "(sqlite)" in made.output, made.output
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    target = _target(tmp_path, monkeypatch)
    restored = _run(target, "restore", str(path))
    assert restored.exit_code == 0 and "The record verifies" in restored.output, restored.output
    assert snapshot(target) == snapshot(app)


def test_json_round_trip_through_the_migrations(app, world, tmp_path, monkeypatch):
    """A JSON backup of a migrated database, restored into an empty SQLite file (from PostgreSQL too)."""
    _enrich(app, world)
    with app.app_context():
        stamp()  # as a site set up by `flask db upgrade` would be
    path = tmp_path / "site.jsonl"
    made = _run(app, "backup", str(path), "--format", "json")
    assert made.exit_code == 0 and "(json)" in made.output, made.output
    header = json.loads(path.read_text().splitlines()[0])
    assert header["format"] == "deliberation-backup" and header["revision"]
    assert header["record_key"] == app.test_client().get("/api/v1/record/key").get_json()["verifier_key"]
    assert "PRIVATE" not in path.read_text() and app.config["RECORD_SIGNING_KEY"] not in path.read_text()
    target = _target(tmp_path, monkeypatch)
    restored = _run(target, "restore", str(path))
    assert restored.exit_code == 0 and "The record verifies" in restored.output, restored.output
    # The restored site has its own new key: restore says how to bring the old one.
    assert "record_signing_key" in restored.output
    assert snapshot(target) == snapshot(app)
    old, new = (client.get("/api/v1/record/checkpoint").get_data(as_text=True).split("\n")[:3]
                for client in (app.test_client(), target.test_client()))
    assert old == new  # the same tree: same size and root
    with target.app_context():  # the restored site keeps working: new rows get new ids
        assert create_user("after@example.org", "After", "a long password").id > world.outsider.id


@pytest.mark.skipif(not POSTGRES, reason="DATABASE_URL is not PostgreSQL; set it to run the PostgreSQL round trip")
def test_postgresql_round_trip(app, world, tmp_path, monkeypatch):
    _enrich(app, world)
    path = tmp_path / "site.jsonl"
    assert _run(app, "backup", str(path)).exit_code == 0  # json is the default on PostgreSQL
    url, schema = _database_url(tmp_path)
    _create_schema(url, schema)
    target = _target(tmp_path, monkeypatch, url)
    try:
        restored = _run(target, "restore", str(path))
        assert restored.exit_code == 0 and "The record verifies" in restored.output, restored.output
        assert snapshot(target) == snapshot(app)
        with target.app_context():  # sequences were moved past the restored ids
            user = create_user("after@example.org", "After", "a long password")
            db.session.commit()
            assert user.id > max(u.id for u in db.session.scalars(select(User).where(User.id != user.id)))
    finally:
        with target.app_context():
            db.session.remove()
            db.engine.dispose()
        _drop_schema(url, schema)


def test_restore_refuses_a_database_that_is_not_empty(app, world, tmp_path):
    path = tmp_path / "site.jsonl"
    assert _run(app, "backup", str(path), "--format", "json").exit_code == 0
    before = snapshot(app)
    refused = _run(app, "restore", str(path))
    assert refused.exit_code == 1 and "not empty" in refused.output
    assert snapshot(app) == before


def test_restore_refuses_foreign_truncated_and_tampered_files(app, world, tmp_path, monkeypatch):
    path = tmp_path / "site.jsonl"
    assert _run(app, "backup", str(path), "--format", "json").exit_code == 0
    lines = path.read_text().splitlines()
    target = _target(tmp_path, monkeypatch)

    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello\n")
    assert "not a backup" in _run(target, "restore", str(foreign)).output

    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("\n".join(lines[:-1]) + "\n")
    answer = _run(target, "restore", str(truncated))
    assert answer.exit_code == 1 and "truncated" in answer.output
    with target.app_context():
        assert db.session.scalar(select(User.id).limit(1)) is None  # nothing half-restored

    # An edited record entry is loaded, but the chain check names it and the command fails.
    columns = None
    for n, line in enumerate(lines):
        item = json.loads(line)
        if isinstance(item, dict) and item.get("table"):
            columns = item["columns"] if item["table"] == "record_events" else None
        elif columns and isinstance(item, list) and item[columns.index("seq")] == 3:
            item[columns.index("actor_name")] = "Someone else"
            lines[n] = json.dumps(item)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(lines) + "\n")
    answer = _run(target, "restore", str(tampered))
    assert answer.exit_code == 1 and "does NOT verify: entry 3" in answer.output

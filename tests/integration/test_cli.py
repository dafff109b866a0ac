"""The operator commands: each works, and each fails clearly with a non-zero exit on bad input."""
import pytest
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Document, Membership, RecordEvent, User, WorkingGroup


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input, catch_exceptions=False)
    return invoke


def test_demo_is_idempotent(app, run):
    first = run("demo")
    assert first.exit_code == 0 and "Demo loaded." in first.output and "chair.gov@example.org" in first.output
    second = run("demo")
    assert second.exit_code == 0 and "already loaded" in second.output
    with app.app_context():
        group = db.session.scalar(select(WorkingGroup))
        assert len(group.stakeholder_groups) == 4
        memberships = db.session.scalars(select(Membership)).all()
        chairs = [m for m in memberships if m.role == "chair"]
        assert len(chairs) == 2 and sum(m.role == "observer" for m in memberships) == 1
        for sector in group.stakeholder_groups:
            assert sum(m.role == "member" and m.stakeholder_group_id == sector.id for m in memberships) >= 2
        document = db.session.scalar(select(Document))
        from deliberation.services.documents import version_clauses
        from deliberation.models import Version
        clauses = version_clauses(db.session.get(Version, document.current_version_id))
        assert len(clauses) >= 12
        assert {"Preamble", "Definition", "1", "1.1", "2(a)"} <= {c.number for c in clauses}


def _entry_module(name):
    """A fresh copy of the top-level app.py (it builds its app from the environment on import)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[2] / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _start(module, monkeypatch, capsys) -> str:
    from deliberation.extensions import socketio

    monkeypatch.setattr(socketio, "run", lambda *args, **kwargs: None)
    monkeypatch.setattr("sys.argv", ["app.py", "--port", "5999"])
    module.main()
    return capsys.readouterr().out


def test_start_prints_demo_accounts_only_where_the_demo_is(tmp_path, monkeypatch, capsys):
    from deliberation.services.demo import DEMO_PASSWORD
    from deliberation.services.groups import create_working_group

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("LOAD_DEMO", "1")
    module = _entry_module("entry_without_demo")
    with module.app.app_context():  # a site's own database: migrated, with its own working group
        from flask_migrate import upgrade

        upgrade()
        create_working_group(None, "Real group", "real-group", public=True,
                             stakeholder_groups=(("government", "Government"),))
        db.session.commit()
    out = _start(module, monkeypatch, capsys)
    assert "http://127.0.0.1:5999/" in out
    assert DEMO_PASSWORD not in out and "Demo accounts" not in out
    with module.app.app_context():
        assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.slug != "real-group")) is None
        db.engine.dispose()

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "empty"))
    fresh = _entry_module("entry_with_demo")  # an empty database: the demo is loaded and announced
    out = _start(fresh, monkeypatch, capsys)
    assert f"Demo accounts (password: {DEMO_PASSWORD})" in out and "chair.gov@example.org" in out
    with fresh.app.app_context():
        db.engine.dispose()


def test_create_admin(app, run):
    result = run("create-admin", "boss@example.org", "--password-stdin", input="a long password\n")
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "boss@example.org")).is_admin
    short = run("create-admin", "boss2@example.org", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "at least 10" in short.output


def test_create_user_and_errors(app, run, world):
    ok = run("create-user", "fresh@example.org", "--name", "Fresh", "--group", world.group.slug, "--role", "member",
             "--stakeholder", "academia", "--password-stdin", input="a long password\n")
    assert ok.exit_code == 0, ok.output
    update = run("create-user", "fresh@example.org", "--name", "Fresh", "--group", world.group.slug, "--role", "chair",
                 "--stakeholder", "government")
    assert update.exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "fresh@example.org"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        assert membership.role == "chair" and membership.stakeholder_group.key == "government"
    bad_key = run("create-user", "x@example.org", "--name", "X", "--group", world.group.slug, "--role", "member",
                  "--stakeholder", "aliens")
    assert bad_key.exit_code != 0 and "Unknown stakeholder group" in bad_key.output
    bad_group = run("create-user", "x@example.org", "--name", "X", "--group", "nope", "--role", "member",
                    "--stakeholder", "government")
    assert bad_group.exit_code != 0 and "no working group" in bad_group.output
    with app.app_context():  # nothing half-written
        assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_create_user_sets_a_new_password_for_an_existing_account(app, run, world):
    from deliberation.security.credentials import check_password

    from ..conftest import sign_in

    signed_in = sign_in(app.test_client(), world.member)
    result = run("create-user", world.member.email, "--name", "Ignored", "--group", world.group.slug,
                 "--role", "member", "--stakeholder", "academia", "--password-stdin", input="a brand new password\n")
    assert result.exit_code == 0, result.output
    assert "password" in result.output.lower() and "set" in result.output.lower()
    assert signed_in.get("/account").status_code == 302  # the session opened with the old password ended
    with app.app_context():
        user = db.session.get(User, world.member.id)
        assert check_password(user.password_hash, "a brand new password")
    short = run("create-user", world.member.email, "--name", "X", "--group", world.group.slug, "--role", "chair",
                "--stakeholder", "government", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "at least 10" in short.output
    with app.app_context():  # the bad password changed nothing, the membership included
        user = db.session.get(User, world.member.id)
        assert check_password(user.password_hash, "a brand new password")
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        assert membership.role == "member" and membership.stakeholder_group.key == "academia"
    unchanged = run("create-user", world.member.email, "--name", "X", "--group", world.group.slug,
                    "--role", "member", "--stakeholder", "academia")
    assert unchanged.exit_code == 0 and "password" not in unchanged.output.lower()


def test_create_token_prints_it_last(app, run, world, client):
    result = run("create-token", world.member.email)
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert client.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert run("create-token", "nobody@example.org").exit_code != 0


def test_import_draft(app, run, world, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("# T\n\n## 1. One\n\nText one.\n\n## 2. Two\n\nText two.\n", encoding="utf-8")
    result = run("import-draft", "--group", world.group.slug, "--title", "Imported", str(draft))
    assert result.exit_code == 0, result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("1. Caf\xe9 cr\xe8me".encode("latin-1"))
    with app.app_context():
        before = db.session.query(Document).count()
    for path in (empty, latin, tmp_path / "missing.md"):
        failed = run("import-draft", "--group", world.group.slug, "--title", "Bad", str(path))
        assert failed.exit_code != 0 and "Error:" in failed.output
    assert run("import-draft", "--group", "nope", "--title", "Bad", str(draft)).exit_code != 0
    with app.app_context():
        assert db.session.query(Document).count() == before


def test_import_draft_rejects_bad_files_and_writes_nothing(app, run, world, tmp_path):
    from docx import Document as Docx

    words = tmp_path / "words.md"
    words.write_text("Just a paragraph of prose with no numbering or headings at all.\n", encoding="utf-8")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not really a Word document")
    big = tmp_path / "big.md"
    big.write_bytes(b"1. " + b"a" * (2 * 1024 * 1024 + 10))
    empty_docx = tmp_path / "prose.docx"
    prose = Docx()
    prose.add_paragraph("Only prose here, nothing numbered.")
    prose.save(empty_docx)
    with app.app_context():
        before = (db.session.query(Document).count(), db.session.query(RecordEvent).count())
    cases = ((words, "No clauses were recognised"), (empty_docx, "No clauses were recognised"),
             (broken, "not a valid"), (big, "2 MB"))
    for path, message in cases:
        failed = run("import-draft", "--group", world.group.slug, "--title", "Bad", str(path))
        assert failed.exit_code != 0, path.name
        assert "Error:" in failed.output and message.lower() in failed.output.lower(), (path.name, failed.output)
        assert "Traceback" not in failed.output
    with app.app_context():
        assert (db.session.query(Document).count(), db.session.query(RecordEvent).count()) == before


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    from deliberation import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "db.sqlite3"), "LOAD_DEMO": False}
    first = create_app(settings)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists() and (key_file.stat().st_mode & 0o077) == 0  # owner only
    assert len(first.config["SECRET_KEY"]) >= 32 and first.config["SECRET_KEY"] == key_file.read_text().strip()
    second = create_app(settings)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]  # reused, not regenerated
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app(settings).config["SECRET_KEY"] == "from-the-environment"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]


def test_verify_record(app, run, world):
    assert run("verify-record").exit_code == 0

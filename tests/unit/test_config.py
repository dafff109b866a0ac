"""What the server prints about its configuration."""
from deliberation.config import printable_database_url


def test_the_printed_database_url_hides_the_password():
    printed = printable_database_url("postgresql+psycopg://app:s3cret-pw@db.example.org:5432/deliberation")
    assert "s3cret-pw" not in printed
    assert printed == "postgresql+psycopg://app:***@db.example.org:5432/deliberation"


def test_a_sqlite_path_is_printed_as_it_is():
    assert printable_database_url("sqlite:////srv/instance/deliberation.sqlite3") == \
        "sqlite:////srv/instance/deliberation.sqlite3"


def test_an_app_given_a_postgresql_url_gets_postgresql_engine_options(tmp_path, monkeypatch):
    """The benchmark passes its database URL to create_app with no DATABASE_URL in the environment: the
    engine options must follow that URL, not the SQLite default (psycopg refused SQLite's `timeout`)."""
    from deliberation import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
                      "SECRET_KEY": "x", "LOAD_DEMO": False})
    connect_args = app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})
    assert "timeout" not in connect_args and "check_same_thread" not in connect_args
    with app.app_context():
        from sqlalchemy import text

        from deliberation.extensions import db

        assert db.session.execute(text("SELECT 1")).scalar() == 1

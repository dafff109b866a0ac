"""Helpers for the hardening tests: a whole-database snapshot, and an app of a test's own beside `app`."""
from sqlalchemy import select

from deliberation import create_app
from deliberation.extensions import db

TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret", "LOAD_DEMO": False, "SERVER_NAME": "localhost",
               "RATELIMIT_ENABLED": False, "PUBLIC_CACHE": False}


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, in key order: equal snapshots mean nothing was written."""
    with app.app_context():
        return {table.name: [tuple(row) for row in db.session.execute(
            select(table).order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables}


def separate_app(tmp_path, monkeypatch, name: str, *, create_tables: bool = True, **config):
    """An app on its own database (a SQLite file named `name` unless a URI is given) with these settings."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / f"instance-{name}"))
    config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/{name}.sqlite3")
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app = create_app({**TEST_CONFIG, **config})
    if create_tables:
        with app.app_context():
            db.create_all()
    return app

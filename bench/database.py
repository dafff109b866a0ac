"""Where the benchmark's data lives, and the app that works on it in this process.

A fresh SQLite file under bench/results/ (the default, as `make run` uses), or, with --database
postgresql://..., a fresh schema on that server, dropped afterwards. The schema is made by the
migrations, as on a real site, so the indexes are the ones production has.
"""
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text

from deliberation import create_app
from deliberation.extensions import db

RESULTS = Path(__file__).resolve().parent / "results"
SECRET_KEY = "benchmark-secret-key"
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", re.I)


@contextmanager
def fresh_database(base_url: str | None):
    """Yield a SQLAlchemy URL for an empty database, and remove it afterwards."""
    if not base_url or base_url.startswith("sqlite"):
        path = RESULTS / "bench.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base_url)
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def server_environment(url: str) -> dict:
    """The environment every benchmark server process shares with this one."""
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "LOAD_DEMO": "0",
            "INSTANCE_PATH": str(RESULTS / "instance")}


def make_app(url: str, redis_url: str | None):
    """The app as a production process has it, minus rate limits (the benchmark posts faster than people)
    and minus the public page cache (so reads measure rendering); then the migrations."""
    from flask_migrate import upgrade

    os.environ["INSTANCE_PATH"] = str(RESULTS / "instance")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "LOAD_DEMO": False,
                      "RATELIMIT_ENABLED": False, "PUBLIC_CACHE": False, "REDIS_URL": redis_url})
    with app.app_context():
        upgrade()
    return app


class QueryCount:
    """Counts the SQL statements an app runs inside `with`, transaction control excluded."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def _before(self, _conn, _cursor, statement, *_args):
        if not TRANSACTION_CONTROL.match(statement):
            self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._before)

"""SQLite for concurrent use: WAL, a busy timeout, and write transactions that take the lock up front.

A deferred SQLite transaction that reads and then writes can fail with "database is locked" when
another writer got in between (the busy timeout cannot help a stale read snapshot). Requests that may
write (POST, PUT, PATCH, DELETE) therefore begin with BEGIN IMMEDIATE, which waits for the write lock
at the start; reads begin normally and never block writers under WAL. Outside a request (CLI commands,
scripts) transactions are deferred: one process working alone, and a long-lived shell or script must not
hold the write lock just because it read something.
"""
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _wants_write() -> bool:
    return has_request_context() and (request.method in WRITE_METHODS or g.get("_sqlite_write", False))


@contextmanager
def write_transaction(session):
    """Run a write that a read request must make (a round closing at its time) in a transaction of its
    own, begun IMMEDIATE and committed at the end of the block: a write from the request's deferred read
    transaction fails with "database is locked" when another request wrote since it began. Yields True
    when the block was committed on its own; elsewhere (PostgreSQL, write requests, CLI) it runs in the
    current transaction and yields False."""
    if session.get_bind().dialect.name != "sqlite" or not has_request_context() or _wants_write():
        yield False
        return
    session.commit()  # ends the read transaction; a read request has nothing of its own to write
    g._sqlite_write = True
    try:
        yield True
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        g._sqlite_write = False


def configure_sqlite(engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN below decide transaction boundaries instead of the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write() else "BEGIN")

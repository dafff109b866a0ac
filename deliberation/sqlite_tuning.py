"""SQLite for concurrent use: WAL, a busy timeout, and write transactions that take the lock up front.

A deferred SQLite transaction that reads and then writes can fail with "database is locked" when
another writer got in between (the busy timeout cannot help a stale read snapshot). Requests that may
write (POST, PUT, PATCH, DELETE) therefore begin with BEGIN IMMEDIATE, which waits for the write lock
at the start; reads begin normally and never block writers under WAL. Outside a request (CLI commands,
scripts) transactions are deferred: one process working alone, and a long-lived shell or script must not
hold the write lock just because it read something.

A read request must therefore write nothing in its own transaction: a write it cannot avoid goes through
`write_transaction`, and a stamp of use (a token's last use) is written after the answer
(security/tokens.py). A write from a read request's deferred transaction is refused in tests
(ReadTransactionWrite, so every test that reads a page checks it) and logged as a warning elsewhere.
"""
import logging
import sqlite3
import threading
from contextlib import contextmanager

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
WRITE_VERBS = {"INSERT", "UPDATE", "DELETE", "REPLACE"}
BUSY_TIMEOUT_SECONDS = 30


class ReadTransactionWrite(RuntimeError):
    """A read request wrote from its deferred transaction (raised in tests, logged elsewhere)."""


_background = threading.local()  # greenlet-local once gevent has patched the standard library


def _wants_write() -> bool:
    if getattr(_background, "writer", False):
        return True
    return has_request_context() and (request.method in WRITE_METHODS or g.get("_sqlite_write", False))


@contextmanager
def background_writer():
    """For a worker writing outside any request (the mail queue): its transactions begin IMMEDIATE behind
    the process's write lock, like a write request's, so it neither fails on a stale snapshot nor sleeps
    in SQLite's busy wait while a request greenlet holds the lock. Keep its transactions short."""
    _background.writer = True
    try:
        yield
    finally:
        _background.writer = False


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


def _in_read_request() -> bool:
    # g.request_id marks a dispatched request (request_cycle.py), not a test's bare request context.
    return has_request_context() and g.get("request_id") is not None and not _wants_write()


def _check_write(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    verb = statement.lstrip()[:7].split(None, 1)
    if not connection.info.get("read_request") or not verb or verb[0].upper() not in WRITE_VERBS \
            or not has_request_context():
        return
    message = f"a {request.method} {request.url_rule} request wrote from its read transaction: {statement[:80]}"
    if current_app.testing:
        raise ReadTransactionWrite(message)
    log.warning("%s (it fails when another request wrote since; use write_transaction)", message)



class WriteLock:
    """One writer at a time within this process, waited for in Python before BEGIN IMMEDIATE.

    SQLite's own wait for its write lock (the busy timeout) sleeps in C: under gevent it stops the whole
    process, so the greenlet holding the lock cannot run to release it, and every request waits out the
    timeout and fails with 503. A threading lock (gevent's, once app.py has patched the standard
    library) lets the others run while a writer waits. Other processes (a CLI command) still meet the
    busy timeout. The lock is released when the transaction ends (commit, rollback, or the connection
    going back to the pool or away)."""

    def __init__(self):
        self._lock = threading.Lock()

    def acquire(self, connection) -> None:
        if not self._lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        connection.info["holds_write_lock"] = True

    def release(self, info: dict) -> None:
        if info.pop("holds_write_lock", False):
            self._lock.release()


def configure_sqlite(engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    lock = WriteLock()

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's BEGIN below decide transaction boundaries instead of the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.info["read_request"] = _in_read_request()
        if not _wants_write():
            connection.exec_driver_sql("BEGIN")
            return
        lock.acquire(connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release(connection.info)
            raise

    def transaction_ended(connection):
        lock.release(connection.info)

    def connection_left(_dbapi_connection, record, *_args):
        if record is not None:
            lock.release(record.info)

    event.listen(engine, "commit", transaction_ended)
    event.listen(engine, "rollback", transaction_ended)
    for pool_event in ("checkin", "invalidate", "close", "detach"):
        event.listen(engine.pool, pool_event, connection_left)
    event.listen(engine, "before_cursor_execute", _check_write)

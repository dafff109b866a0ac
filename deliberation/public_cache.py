"""Conditional GETs and a cache of rendered pages for anonymous readers.

What the public reads (documents, the record, exports, the API's public lists) changes only through
services, and every service change appends a record event (a new display name included, as a private
`account.renamed` event). The record's head (its last `seq`) is therefore a version number for
everything public: a response for an anonymous reader is keyed on (path and query, language, head).
The key also holds the address the request was made to (scheme and Host), as links may follow it.
Its ETag is that key and its Last-Modified the head's time, so a reader who has either gets 304 Not
Modified (RFC 9110, 13.2.2: If-None-Match when sent, else If-Modified-Since), and other readers get
the stored copy until the next event. HTTP dates count whole seconds, so Last-Modified is sent only
once the head is a second old: a later event then always falls in a later second than the date a
reader holds, and If-Modified-Since cannot hide it.

A witness's report (services/transparency/witnesses.py) is not an event either (it would grow the
record it reports on); the time of the latest one is part of the key beside the head.

One other change comes without an event: time passing a round's closing time. Views close such rounds when
they read them, but a stored page answers before any view runs; so while a round is due, the cache
closes it first (as the system, like any reader would) and serves nothing stored until it is closed.

Only anonymous GETs that set no cookie and leave the session untouched are stored; signed-in pages
vary per person and are never cached.
"""
import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime

from flask import current_app, g, request, session
from flask_login import current_user
from sqlalchemy import func, select

from .extensions import db
from .models import RecordEvent, Round, WitnessView
from .models._base import utcnow

log = logging.getLogger(__name__)

MAX_ENTRIES = 512
MAX_BYTES = 64 * 1024 * 1024
# Paths whose answers must never come from the cache (they carry forms with per-visitor CSRF tokens).
UNCACHED_PREFIXES = ("/sign-in", "/invitations/", "/socket.io", "/static/")
# Headers a stored copy does not keep: per-response, or stamped again on every answer.
UNSTORED_HEADERS = {"set-cookie", "content-length", "date", "etag", "last-modified", "cache-control", "vary"}


@dataclass(frozen=True)
class StoredPage:
    body: bytes
    headers: tuple[tuple[str, str], ...]  # Content-Type, Content-Disposition, ... as the view set them


class PageCache:
    """A small thread-safe LRU of stored pages by key, bounded in entries and bytes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[str, StoredPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> StoredPage | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, page: StoredPage) -> None:
        if len(page.body) > self.max_bytes // 4:  # a whole record export of a big document is 10-15 MB
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = page
            self._bytes += len(page.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _old_key, old = self._entries.popitem(last=False)
                self._bytes -= len(old.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


@dataclass(frozen=True)
class SiteState:
    seq: int                       # the record's head; 0 before the first event
    changed_at: datetime | None    # when the head was written
    next_close: datetime | None    # the earliest closing time of an open round
    witnessed_at: datetime | None = None  # the latest witness report (the record page lists them)

    @property
    def stamp(self) -> str:
        return f"{self.seq}|{self.witnessed_at.isoformat() if self.witnessed_at else ''}"

    @property
    def modified_at(self) -> datetime | None:
        """Last-Modified of every public page: the head's time, or a later witness report's."""
        times = [t for t in (self.changed_at, self.witnessed_at) if t is not None]
        return max(times) if times else None


def _state_query():
    head = select(RecordEvent.seq, RecordEvent.created_at).order_by(RecordEvent.seq.desc()).limit(1).subquery()
    return select(
        select(head.c.seq).scalar_subquery(),
        select(head.c.created_at).scalar_subquery(),
        select(func.min(Round.closes_at)).where(Round.status == "open").scalar_subquery(),
        select(func.max(WitnessView.received_at)).scalar_subquery(),
    )


class StateReader:
    """Reads the site state for every anonymous request, so it is the largest part of a cache hit's cost.
    The query is compiled once per database, with its few constants inline. It runs on a pooled DBAPI
    connection directly: no ORM session, no SQLAlchemy transaction with its BEGIN, no statement cache
    lookup. Those layers cost four times the query itself. The result types are processed as SQLAlchemy
    would process them (SQLite keeps datetimes as text)."""

    def __init__(self, engine):
        self.engine = engine
        self.sql = str(_state_query().compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        self.to_time = RecordEvent.__table__.c.created_at.type.dialect_impl(engine.dialect).result_processor(
            engine.dialect, None) or (lambda v: v)

    def read(self) -> SiteState:
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql)
            seq, changed_at, next_close, witnessed_at = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()  # back to the pool, which rolls back whatever the driver began
        return SiteState(seq or 0, self.to_time(changed_at), self.to_time(next_close), self.to_time(witnessed_at))


def _site_state() -> SiteState:
    """The record's head and the next round closing time, in one query."""
    readers = current_app.extensions.setdefault("public_cache_state", {})
    engine = db.engine
    reader = readers.get(engine)
    if reader is None:
        reader = readers[engine] = StateReader(engine)
    return reader.read()


def _round_due(state: SiteState) -> bool:
    return state.next_close is not None and state.next_close <= utcnow()


def _close_due_rounds() -> None:
    """Close the rounds past their closing time, in a transaction of their own, as the views would."""
    from .realtime import discard_events, flush_events
    from .services.rounds import close_due_rounds
    from .sqlite_tuning import write_transaction

    try:
        with write_transaction(db.session):  # BEGIN IMMEDIATE on SQLite: readers arrive together
            close_due_rounds()
        db.session.commit()
    except Exception:  # the page is then rendered, uncached, and its view tries again
        db.session.rollback()
        discard_events()
        log.warning("public cache: could not close the rounds past their closing time", exc_info=True)
        return
    flush_events()


def _eligible() -> bool:
    return (request.method in ("GET", "HEAD") and not request.path.startswith(UNCACHED_PREFIXES)
            and not current_user.is_authenticated and "Authorization" not in request.headers
            and not session.get("_flashes"))


def _client_is_current(etag: str, changed_at: datetime | None) -> bool:
    """RFC 9110, 13.2.2: If-None-Match decides when sent (weak comparison); otherwise If-Modified-Since,
    at the one-second precision of HTTP dates. An unparsable date is ignored."""
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and changed_at is not None and changed_at.replace(microsecond=0) <= since


def register(app) -> None:
    from flask_babel import get_locale

    cache = PageCache()
    app.extensions["public_cache"] = cache

    @app.before_request
    def answer_from_cache():
        if not app.config.get("PUBLIC_CACHE", True) or not _eligible():
            return None
        state = _site_state()
        if _round_due(state):
            _close_due_rounds()
            state = _site_state()
            if _round_due(state):  # closed by another request that has not committed yet: render, store nothing
                return None
        # The site's address is in the key: without BASE_URL (development) absolute links follow the
        # request's Host, and a forged one must not reach other readers (links.py).
        raw = f"{request.host_url}|{request.full_path}|{get_locale()}|{state.stamp}|{request.accept_mimetypes}"
        g.public_cache_key = hashlib.sha256(raw.encode()).hexdigest()[:32]
        g.public_changed_at = state.modified_at
        # A matching ETag was handed out for this very page at this head: no need to look it up or render it.
        if "If-None-Match" in request.headers and _client_is_current(g.public_cache_key, state.modified_at):
            return _not_modified()
        entry = cache.get(g.public_cache_key)
        if entry is None:
            return None  # If-Modified-Since alone is answered once the page is known to exist (store_in_cache)
        if _client_is_current(g.public_cache_key, state.modified_at):
            return _not_modified()
        response = app.response_class(entry.body, headers=list(entry.headers))
        _stamp(response)
        response.headers["X-Cache"] = "hit"
        return response

    def _not_modified():
        response = app.response_class(status=304)
        _stamp(response)
        return response

    def _stamp(response):
        response.set_etag(g.public_cache_key)
        if g.public_changed_at is not None and utcnow() - g.public_changed_at >= timedelta(seconds=1):
            response.headers["Last-Modified"] = format_datetime(g.public_changed_at, usegmt=True)
        response.headers["Cache-Control"] = "public, no-cache"  # store, but revalidate every time
        response.headers["Vary"] = "Cookie, Accept-Language, Accept"

    @app.after_request
    def store_in_cache(response):
        key = g.get("public_cache_key")
        if key is None or response.status_code != 200 or "X-Cache" in response.headers:
            return response
        if response.headers.get("Set-Cookie") or session.modified or response.is_streamed:
            return response  # something personal happened: do not share it
        headers = tuple((name, value) for name, value in response.headers.items()
                        if name.lower() not in UNSTORED_HEADERS)
        cache.put(key, StoredPage(response.get_data(), headers))
        _stamp(response)
        if _client_is_current(key, g.public_changed_at):
            return _not_modified()
        return response

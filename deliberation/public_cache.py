"""Conditional GETs and a cache of rendered pages for anonymous readers.

What the public reads (documents, the record, exports, the API's public lists) changes only through
services, and every service change appends a record event. The record's head (its last `seq`) is
therefore a version number for everything public: a response for an anonymous reader is keyed on
(path and query, language, head). Its ETag is that key, so a reader who has it gets 304 Not Modified
without the page being rendered, and other readers get the stored copy until the next event.

Only anonymous GETs that set no cookie and leave the session untouched are stored; signed-in pages
vary per person and are never cached.
"""
import hashlib
import threading
from collections import OrderedDict

from flask import g, request, session
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .models import RecordEvent

MAX_ENTRIES = 512
MAX_BYTES = 64 * 1024 * 1024
# Paths whose answers must never come from the cache (they carry forms with per-visitor CSRF tokens).
UNCACHED_PREFIXES = ("/sign-in", "/invitations/", "/socket.io", "/static/")


class PageCache:
    """A small thread-safe LRU of (status, headers, body) by key, bounded in entries and bytes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[str, tuple[bytes, str, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, body: bytes, mimetype: str, last_modified: str) -> None:
        if len(body) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (body, mimetype, last_modified)
            self._bytes += len(body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _old_key, (old_body, _m, _l) = self._entries.popitem(last=False)
                self._bytes -= len(old_body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def _eligible() -> bool:
    return (request.method in ("GET", "HEAD") and not request.path.startswith(UNCACHED_PREFIXES)
            and not current_user.is_authenticated and "Authorization" not in request.headers
            and not session.get("_flashes"))


def _head():
    return db.session.execute(
        select(RecordEvent.seq, RecordEvent.created_at).order_by(RecordEvent.seq.desc()).limit(1)).first()


def register(app) -> None:
    from email.utils import format_datetime

    from flask_babel import get_locale

    cache = PageCache()
    app.extensions["public_cache"] = cache

    @app.before_request
    def answer_from_cache():
        if not app.config.get("PUBLIC_CACHE", True) or not _eligible():
            return None
        head = _head()
        seq = head.seq if head else 0
        raw = f"{request.full_path}|{get_locale()}|{seq}|{request.accept_mimetypes}"
        g.public_cache_key = hashlib.sha256(raw.encode()).hexdigest()[:32]
        g.public_last_modified = format_datetime(head.created_at, usegmt=True) if head else None
        if request.if_none_match.contains(g.public_cache_key):
            return _not_modified()
        entry = cache.get(g.public_cache_key)
        if entry is not None:
            body, mimetype, last_modified = entry
            response = app.response_class(body, mimetype=mimetype)
            _stamp(response, last_modified)
            response.headers["X-Cache"] = "hit"
            return response
        return None

    def _not_modified():
        response = app.response_class(status=304)
        _stamp(response, g.public_last_modified)
        return response

    def _stamp(response, last_modified):
        response.set_etag(g.public_cache_key)
        if last_modified:
            response.headers["Last-Modified"] = last_modified
        response.headers["Cache-Control"] = "public, no-cache"  # store, but revalidate every time
        response.headers["Vary"] = "Cookie, Accept-Language, Accept"

    @app.after_request
    def store_in_cache(response):
        key = g.get("public_cache_key")
        if key is None or response.status_code != 200 or "X-Cache" in response.headers:
            return response
        if response.headers.get("Set-Cookie") or session.modified or response.is_streamed:
            return response  # something personal happened: do not share it
        _stamp(response, g.public_last_modified)
        cache.put(key, response.get_data(), response.mimetype, g.public_last_modified)
        return response

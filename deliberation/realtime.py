"""Socket.IO: authenticated connections, version rooms, presence, and events emitted after commit.

Services call `queue_event`; nothing is sent until the request's transaction has committed
(`flush_events`, called by the app after commit), so no client sees something that was rolled back.
No business rules live here.
"""
import logging
import threading
from collections import defaultdict

from flask import g, request, session
from flask_login import current_user
from flask_socketio import join_room

from .extensions import db, socketio

log = logging.getLogger(__name__)


def version_room(version_id: int) -> str:
    return f"version:{version_id}"


def comments_room(version_id: int) -> str:
    """Readers of a version's comments: a subset of its viewers when comments are not public."""
    return f"comments:{version_id}"


def round_room(round_id: int) -> str:
    return f"round:{round_id}"


def queue_event(event: str, data: dict, room: str) -> None:
    """Hold an event until the current transaction commits (see `commit`)."""
    g.setdefault("_realtime_queue", []).append((event, data, room))


def discard_events() -> None:
    g.pop("_realtime_queue", None)


def flush_events() -> None:
    for event, data, room in g.pop("_realtime_queue", []):
        try:
            socketio.emit(event, data, to=room)
        except Exception:  # a broken message queue must not fail the request that already committed
            log.warning("realtime: could not emit %s to %s", event, room, exc_info=True)


# Presence: sockets per version room in this process. With several processes each counts its own
# viewers and the count is summed through the message queue is out of scope; see docs/deploy.md.
_presence: dict[str, set[str]] = defaultdict(set)
_presence_lock = threading.Lock()


def _presence_count(room: str) -> int:
    with _presence_lock:
        return len(_presence[room])


def register_handlers() -> None:
    from .models import Version
    from .security import Permission, can
    from .security.tokens import user_for_token
    from .services.comment_access import may_read_comments

    @socketio.on("connect")
    def on_connect(auth=None):
        user = current_user if current_user.is_authenticated else None
        token = auth.get("token") if isinstance(auth, dict) else None
        if user is None and token:
            user = user_for_token(token)
        # The socket's own session remembers who connected, for every later event on it.
        session["_socket_user_id"] = user.id if user else None
        db.session.remove()
        return True

    def _socket_user():
        from .models import User

        user_id = session.get("_socket_user_id")
        user = db.session.get(User, user_id) if user_id else None
        return user if user is not None and user.is_active else None

    @socketio.on("join")
    def on_join(data):
        try:
            version_id = int((data or {}).get("version_id"))
        except (TypeError, ValueError):
            return {"error": {"code": "invalid", "message": "version_id must be a number."}}
        version = db.session.get(Version, version_id)
        user = _socket_user()
        if version is None or not can(user, Permission.VIEW_DOCUMENT, version):
            db.session.remove()
            return {"error": {"code": "not_found", "message": "Not found."}}
        room = version_room(version_id)
        join_room(room)
        if may_read_comments(user, version):
            join_room(comments_room(version_id))
        with _presence_lock:
            _presence[room].add(request.sid)
        count = _presence_count(room)
        db.session.remove()
        socketio.emit("presence", {"version_id": version_id, "count": count}, to=room)
        return {"ok": True, "count": count}

    @socketio.on("join_round")
    def on_join_round(data):
        from .models import Round

        try:
            round_id = int((data or {}).get("round_id"))
        except (TypeError, ValueError):
            return {"error": {"code": "invalid", "message": "round_id must be a number."}}
        round_ = db.session.get(Round, round_id)
        version = db.session.get(Version, round_.version_id) if round_ else None
        if version is None or not can(_socket_user(), Permission.VIEW_DOCUMENT, version):
            db.session.remove()
            return {"error": {"code": "not_found", "message": "Not found."}}
        join_room(round_room(round_id))
        db.session.remove()
        return {"ok": True}

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        left = []
        with _presence_lock:
            for room, sids in _presence.items():
                if request.sid in sids:
                    sids.discard(request.sid)
                    left.append((room, len(sids)))
        for room, count in left:
            version_id = int(room.split(":", 1)[1])
            socketio.emit("presence", {"version_id": version_id, "count": count}, to=room)

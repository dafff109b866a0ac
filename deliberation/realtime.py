"""Socket.IO: authenticated connections, version rooms, presence, and events emitted after commit.

Services call `queue_event`; nothing is sent until the request's transaction has committed
(`flush_events`, called by the app after commit), so no client sees something that was rolled back.
Viewers are counted by `presence.Presence` (in memory, or in Redis across processes). A socket's rights
are those of its user now: a user deactivated, or signed out everywhere, since it connected reads as
anonymous. No business rules live here.
"""
import logging
import threading

from flask import current_app, g, request, session
from flask_login import current_user
from flask_socketio import join_room

from .extensions import db, socketio
from .presence import Presence

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


_presence_lock = threading.Lock()


def presence() -> Presence:
    """This app's viewers per version room (shared through Redis when REDIS_URL is set)."""
    app = current_app._get_current_object()
    with _presence_lock:
        if "presence" not in app.extensions:
            app.extensions["presence"] = Presence(
                app.config.get("REDIS_URL"), app.config.get("SOCKETIO_CHANNEL", "deliberation"),
                start_task=socketio.start_background_task, sleep=socketio.sleep)
        return app.extensions["presence"]


def register_handlers() -> None:
    from .models import Version
    from .security import Permission, can
    from .security.tokens import user_for_token
    from .services.comment_access import may_read_comments

    @socketio.on("connect")
    def on_connect(auth=None):
        by_session = current_user.is_authenticated
        user = current_user if by_session else None
        token = auth.get("token") if isinstance(auth, dict) else None
        if user is None and token:
            user = user_for_token(token)
        # The socket's own session remembers who connected, for every later event on it; for a browser
        # session also its sign-in epoch, which "sign out everywhere" moves on (API tokens are revoked
        # one by one instead, and do not depend on it).
        session["_socket_user_id"] = user.id if user else None
        session["_socket_epoch"] = current_user.session_epoch if by_session else None
        db.session.remove()
        return True

    def _socket_user():
        from .models import User

        user_id = session.get("_socket_user_id")
        user = db.session.get(User, user_id) if user_id else None
        if user is None or not user.is_active:
            return None
        epoch = session.get("_socket_epoch")
        if epoch is not None and epoch != user.session_epoch:
            return None  # signed out everywhere since this socket connected: it reads as anonymous
        return user

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
        person = f"user:{user.id}" if user is not None else f"socket:{request.sid}"
        db.session.remove()
        count = presence().join(room, request.sid, person)
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
        for room, count in presence().leave(request.sid):
            version_id = int(room.split(":", 1)[1])
            socketio.emit("presence", {"version_id": version_id, "count": count}, to=room)

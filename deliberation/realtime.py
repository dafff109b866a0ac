"""Socket.IO: authenticated connections, version rooms, presence, and events emitted after commit.

Services call `queue_event`; nothing is sent until the request's transaction has committed
(`flush_events`, called by the app after commit), so no client sees something that was rolled back.
Viewers are counted by `presence.Presence` (in memory, or in Redis across processes). A socket's rights
are those of its user now. Its identity is fixed when it connects, so a socket whose user has since been
signed out everywhere, suspended or deleted, or whose API token was revoked, is closed
(`queue_disconnect`, after commit, in whichever process holds it) and any event it still sends is
refused: the client connects again, as whoever its cookie or token now says. No business rules live
here.
"""
import logging
import threading

from flask import current_app, g, request, session
from flask_login import current_user
from flask_socketio import disconnect, join_room

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


def user_room(user_id: int) -> str:
    """A signed-in user's sockets, listed by `presence` (never sent to): see `queue_disconnect`."""
    return f"user:{user_id}"


# How a socket proved who it is: the browser session (ended by "sign out everywhere") or an API token.
BY_SESSION, BY_TOKEN = "session", "token"
SIGNED_OUT = object()  # a socket whose user was signed out since it connected (see register_handlers)


def queue_event(event: str, data: dict, room: str) -> None:
    """Hold an event until the current transaction commits (see `commit`)."""
    g.setdefault("_realtime_queue", []).append((event, data, room))


def queue_disconnect(user_id: int, *, sessions_only: bool = False, token_id: int | None = None) -> None:
    """Close the user's open sockets once the transaction commits (only those of browser sessions with
    `sessions_only`, only those opened with one API token with `token_id`): their rooms were chosen with
    rights the user no longer has."""
    g.setdefault("_realtime_queue", []).append(
        (None, {"user_id": user_id, "sessions_only": sessions_only, "token_id": token_id}, None))


def discard_events() -> None:
    g.pop("_realtime_queue", None)


def flush_events() -> None:
    for event, data, room in g.pop("_realtime_queue", []):
        try:
            if event is None:
                _disconnect_user(**data)
            else:
                socketio.emit(event, data, to=room)
        except Exception:  # a broken message queue must not fail the request that already committed
            log.warning("realtime: could not emit %s to %s", event or "disconnect", room or data, exc_info=True)


def _disconnect_user(user_id: int, sessions_only: bool, token_id: int | None) -> None:
    """Every process's sockets of the user are listed in `presence`; the server disconnects one held by
    another process through the message queue."""
    for sid, how in presence().sockets(user_room(user_id)).items():
        if token_id is not None:
            chosen = how == _by_token(token_id)
        else:
            chosen = how == BY_SESSION or not sessions_only
        if chosen:
            socketio.server.disconnect(sid, namespace="/")


def _by_token(token_id: int) -> str:
    return f"{BY_TOKEN}:{token_id}"


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
    from .security.tokens import active_token
    from .services.comment_access import may_read_comments

    @socketio.on("connect")
    def on_connect(auth=None):
        by_session = current_user.is_authenticated
        user = current_user if by_session else None
        token = auth.get("token") if isinstance(auth, dict) else None
        token_row = active_token(token) if user is None and token else None
        if token_row is not None:
            user = token_row.user
        # The socket's own session remembers who connected, for every later event on it; for a browser
        # session also its sign-in epoch, which "sign out everywhere" moves on (API tokens are revoked
        # one by one instead, and do not depend on it).
        session["_socket_user_id"] = user.id if user else None
        session["_socket_epoch"] = current_user.session_epoch if by_session else None
        session["_socket_token_id"] = token_row.id if token_row is not None else None
        user_id = user.id if user else None
        how = BY_SESSION if by_session else _by_token(token_row.id) if token_row is not None else None
        db.session.remove()
        if user_id is not None:  # listed after the checks above, so a sign-out that misses it is seen at `join`
            presence().add(user_room(user_id), request.sid, how)
        return True

    def _socket_user():
        """The socket's user now, None for an anonymous socket, or SIGNED_OUT when the user it connected
        as has since been signed out everywhere, suspended or deleted, or its API token revoked."""
        from .models import ApiToken, User

        user_id = session.get("_socket_user_id")
        if not user_id:
            return None
        user = db.session.get(User, user_id)
        epoch = session.get("_socket_epoch")
        if user is None or not user.is_active or (epoch is not None and epoch != user.session_epoch):
            return SIGNED_OUT
        token_id = session.get("_socket_token_id")
        if token_id is not None:
            token = db.session.get(ApiToken, token_id)
            if token is None or token.revoked_at is not None:
                return SIGNED_OUT
        return user

    def _refuse_signed_out():
        """A socket that outlived its sign-in gets nothing more: closed, so that the client connects
        again as whoever it is now (see `queue_disconnect`, which usually closes it first)."""
        db.session.remove()
        disconnect()
        return {"error": {"code": "signed_out", "message": "You were signed out: connect again."}}

    @socketio.on("join")
    def on_join(data):
        try:
            version_id = int((data or {}).get("version_id"))
        except (TypeError, ValueError):
            return {"error": {"code": "invalid", "message": "version_id must be a number."}}
        user = _socket_user()
        if user is SIGNED_OUT:
            return _refuse_signed_out()
        version = db.session.get(Version, version_id)
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
        user = _socket_user()
        if user is SIGNED_OUT:
            return _refuse_signed_out()
        round_ = db.session.get(Round, round_id)
        version = db.session.get(Version, round_.version_id) if round_ else None
        if version is None or not can(user, Permission.VIEW_DOCUMENT, version):
            db.session.remove()
            return {"error": {"code": "not_found", "message": "Not found."}}
        join_room(round_room(round_id))
        db.session.remove()
        return {"ok": True}

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        for room in presence().leave(request.sid):
            if room.startswith("version:"):
                version_id = int(room.split(":", 1)[1])
                socketio.emit("presence", {"version_id": version_id, "count": presence().count(room)}, to=room)

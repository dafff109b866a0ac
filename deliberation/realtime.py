"""Socket.IO: authenticated connections, version rooms, presence, and events emitted after commit.

Services call `queue_event`; nothing is sent until the request's transaction has committed
(`flush_events`, called by the app after commit), so no client sees something that was rolled back.
Viewers are counted by `presence.Presence` (in memory, or in Redis across processes), which also lists
every room's sockets. A socket's rights are those of its user now. Its identity is fixed when it
connects, so a socket whose user has since been signed out everywhere (or changed their password),
suspended or deleted, or whose API token was revoked, is closed (`queue_disconnect`, after commit, in
whichever process holds it) and any event it still sends is refused: the client connects again, as
whoever its cookie or token now says. A change of who may read a room (`queue_access_check`) takes
the sockets that may no longer read out of it and leaves the others alone (see room_access). No
business rules live here.
"""
import logging
import threading

from flask import current_app, g, request, session
from flask_login import current_user
from flask_socketio import disconnect, join_room, leave_room

from .extensions import db, socketio
from .numbers import whole_number
from .presence import Presence

log = logging.getLogger(__name__)


def version_room(version_id: int) -> str:
    return f"version:{version_id}"


def comments_room(version_id: int) -> str:
    """Readers of a version's comments: a subset of its viewers when comments are not public."""
    return f"comments:{version_id}"


def round_room(round_id: int) -> str:
    return f"round:{round_id}"


def draft_room(draft_id: int) -> str:
    """The editors of one working draft: live saves, and who is editing which clause."""
    return f"draft:{draft_id}"


def user_room(user_id: int) -> str:
    """A signed-in user's sockets, listed by `presence` (never sent to): see `queue_disconnect`."""
    return f"user:{user_id}"


# How a socket proved who it is: the browser session (ended by "sign out everywhere") or an API token.
BY_SESSION, BY_TOKEN = "session", "token"
SIGNED_OUT = object()  # a socket whose user was signed out since it connected (see register_handlers)


def queue_event(event: str, data: dict, room: str) -> None:
    """Hold an event until the current transaction commits (see `commit`)."""
    _queue(f"{event} to {room}", lambda: socketio.emit(event, data, to=room))


def queue_disconnect(user_id: int, *, sessions_only: bool = False, token_id: int | None = None) -> None:
    """Close the user's open sockets once the transaction commits (only those of browser sessions with
    `sessions_only`, only those opened with one API token with `token_id`): their rooms were chosen with
    rights the user no longer has."""
    _queue(f"disconnect of user {user_id}",
           lambda: _disconnect_user(user_id, sessions_only=sessions_only, token_id=token_id))


def queue_access_check(*, group_id: int | None = None, document_id: int | None = None,
                       user_id: int | None = None) -> None:
    """Once the transaction commits, take the sockets that may no longer read out of the live rooms of the
    document (or of all the group's documents; only the user's sockets with `user_id`): see room_access."""
    from .room_access import recheck_rooms

    _queue(f"access check of group {group_id} document {document_id} user {user_id}",
           lambda: recheck_rooms(group_id=group_id, document_id=document_id, user_id=user_id))


def _queue(what: str, send) -> None:
    g.setdefault("_realtime_queue", []).append((what, send))


def discard_events() -> None:
    g.pop("_realtime_queue", None)


def flush_events() -> None:
    for what, send in g.pop("_realtime_queue", []):
        try:
            send()
        except Exception:  # a broken message queue must not fail the request that already committed
            log.warning("realtime: could not emit %s", what, exc_info=True)


def _disconnect_user(user_id: int, *, sessions_only: bool, token_id: int | None) -> None:
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


def _payload_id(data, key: str) -> int | None:
    """An id from a socket payload: an object whose `key` is a whole number of at most nine digits.
    Anything else (no payload, a list, a 20-digit id) is None, answered with an error, never a crash."""
    return whole_number(data.get(key)) if isinstance(data, dict) else None


def register_handlers() -> None:
    from .models import Round, Version
    from .room_access import editable_rooms, readable_rooms
    from .security.permissions import forget_memberships
    from .security.tokens import active_token, stamp_token_use

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
        stamp_token_use()
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

    NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}

    def _readable_now(version_id: int, round_id: int | None = None):
        """The socket's user now and the rooms of the version (or of its round) it may be in."""
        user = _socket_user()
        if user is SIGNED_OUT:
            return user, []
        if round_id is not None:
            round_ = db.session.get(Round, round_id)
            version_id = round_.version_id if round_ is not None else None
        version = db.session.get(Version, version_id) if version_id is not None else None
        return user, readable_rooms(user, version, round_id) if version is not None else []

    def _enter(rooms: list[str], person: str, look_again, possible: list[str]) -> list[str]:
        """Join the rooms, then look at the rights again now that the socket is listed in them: a change
        committed since the first look re-checked the rooms without this socket (see room_access). Out
        of every `possible` room not open to it now, even one it entered earlier and a re-check missed.
        The rooms the socket stays in."""
        db.session.remove()
        for room in rooms:
            join_room(room)
            presence().add(room, request.sid, person)
        if rooms:
            forget_memberships()
            rooms = look_again()
            db.session.remove()
        for room in possible:
            if room not in rooms:
                leave_room(room)
                presence().remove(room, [request.sid])
        return rooms

    def _person(user) -> str:
        return f"user:{user.id}" if user is not None else f"socket:{request.sid}"

    @socketio.on("join")
    def on_join(data=None):
        version_id = _payload_id(data, "version_id")
        if version_id is None:
            return {"error": {"code": "invalid", "message": "version_id must be a number."}}
        user, rooms = _readable_now(version_id)
        if user is SIGNED_OUT:
            return _refuse_signed_out()
        room = version_room(version_id)
        if room not in _enter(rooms, _person(user), lambda: _readable_now(version_id)[1],
                              [room, comments_room(version_id)]):
            return NOT_FOUND
        count = presence().count(room)
        socketio.emit("presence", {"version_id": version_id, "count": count}, to=room)
        return {"ok": True, "count": count}

    def _join_one(data, key: str, rooms_now, room_of):
        """Join the one room of a round or a working draft (`key` names its id in the payload), with the
        two looks of `_enter`; `rooms_now(id)` gives the socket's user now and the rooms it may be in."""
        target_id = _payload_id(data, key)
        if target_id is None:
            return {"error": {"code": "invalid", "message": f"{key} must be a number."}}
        user, rooms = rooms_now(target_id)
        if user is SIGNED_OUT:
            return _refuse_signed_out()
        if not _enter(rooms, _person(user), lambda: rooms_now(target_id)[1], [room_of(target_id)]):
            return NOT_FOUND
        return {"ok": True}

    def _editable_now(draft_id: int):
        """The socket's user now and the draft's room, if they may edit the draft (chairs, named editors)."""
        user = _socket_user()
        if user is SIGNED_OUT:
            return user, []
        return user, editable_rooms(user, draft_id)

    @socketio.on("join_round")
    def on_join_round(data=None):
        return _join_one(data, "round_id", lambda round_id: _readable_now(None, round_id), round_room)

    @socketio.on("join_draft")
    def on_join_draft(data=None):
        """A working draft's room: its editors only (chairs and named editors)."""
        return _join_one(data, "draft_id", _editable_now, draft_room)

    @socketio.on("draft_editing")
    def on_draft_editing(data):
        """Who is editing which clause, for the others in the draft's room (only from a socket that joined it)."""
        from flask_socketio import rooms

        data = data if isinstance(data, dict) else {}
        draft_id, key = data.get("draft_id"), data.get("key")
        user = _socket_user()
        if user is SIGNED_OUT:
            return _refuse_signed_out()
        if user is None or not isinstance(draft_id, int) or draft_room(draft_id) not in rooms():
            db.session.remove()
            return {"error": {"code": "not_found", "message": "Join the draft first."}}
        name, user_id = user.display_name, user.id
        db.session.remove()
        socketio.emit("draft_editing", {"draft_id": draft_id, "user_id": user_id, "name": name,
                                        "key": key if isinstance(key, str) and len(key) <= 32 else None},
                      to=draft_room(draft_id), skip_sid=request.sid)
        return {"ok": True}

    @socketio.on("disconnect")
    def on_disconnect(*_args):
        for room in presence().leave(request.sid):
            if room.startswith("version:"):
                version_id = int(room.split(":", 1)[1])
                socketio.emit("presence", {"version_id": version_id, "count": presence().count(room)}, to=room)

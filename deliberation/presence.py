"""Who is viewing a version: the "N people viewing" count of a Socket.IO room; which sockets a
signed-in user has open, in every process, so that signing out everywhere can close them; and who is in
each live room, so that a change of who may read it can take the others out (`realtime.access`).

A socket joins as a person: a signed-in user by id (two tabs are one person), an anonymous reader by
socket id. The count is of distinct people. A user's sockets are kept the same way, in a room of their
own (`realtime.user_room`) that is listed (`sockets`) rather than counted. With one process the sockets
are kept in memory. With several (REDIS_URL set) every process writes its sockets into one Redis hash
per room, so each process counts every viewer; a field names the process that owns the socket, and
each process keeps a short-lived "alive" key fresh, so the sockets of a process that died without
saying goodbye are dropped at the next count instead of haunting the room. If Redis fails, counts fall
back to this process's own sockets.
"""
import logging
import threading
import time
import uuid
from collections import defaultdict

log = logging.getLogger(__name__)

ALIVE_SECONDS = 30       # a process that has not refreshed its key for this long is taken as gone
HEARTBEAT_SECONDS = 10


class Presence:
    def __init__(self, redis_url: str | None = None, namespace: str = "deliberation", *,
                 start_task=None, sleep=time.sleep):
        self._local: dict[str, dict[str, str]] = defaultdict(dict)  # room -> socket id -> person
        self._lock = threading.Lock()
        self._namespace = f"{namespace}:presence"
        self.process_id = uuid.uuid4().hex[:12]
        self._redis = None
        # The heartbeat runs as the server's background task (a thread, or a greenlet under gevent).
        self._start_task, self._sleep = start_task, sleep
        self._beating = False
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2,
                                               decode_responses=True)

    # Keys -----------------------------------------------------------------------------------------
    def _room_key(self, room: str) -> str:
        return f"{self._namespace}:room:{room}"

    def _alive_key(self, process_id: str) -> str:
        return f"{self._namespace}:process:{process_id}"

    def _field(self, sid: str) -> str:
        return f"{self.process_id}:{sid}"

    # What the handlers call ---------------------------------------------------------------------------
    def join(self, room: str, sid: str, person: str) -> int:
        """Add the socket to the room; the room's new count."""
        self.add(room, sid, person)
        return self.count(room)

    def add(self, room: str, sid: str, person: str) -> None:
        with self._lock:
            self._local[room][sid] = person
        if self._redis is not None:
            self._start_heartbeat()
            self._shared(lambda r: r.pipeline().set(self._alive_key(self.process_id), 1, ex=ALIVE_SECONDS)
                         .hset(self._room_key(room), self._field(sid), person).execute())

    def leave(self, sid: str) -> list[str]:
        """Forget a socket everywhere; the rooms it was in."""
        with self._lock:
            rooms = [room for room, sockets in self._local.items() if sockets.pop(sid, None) is not None]
        if self._redis is not None and rooms:
            def remove(r):
                pipe = r.pipeline()
                for room in rooms:
                    pipe.hdel(self._room_key(room), self._field(sid))
                pipe.execute()
            self._shared(remove)
        return rooms

    def remove(self, room: str, sids) -> None:
        """Take sockets out of one room, whichever process holds them (their rights to it have gone)."""
        sids = set(sids)
        with self._lock:
            for sid in sids:
                self._local.get(room, {}).pop(sid, None)
        if self._redis is not None and sids:
            def remove(r):
                fields = [field for field in r.hkeys(self._room_key(room)) if field.split(":", 1)[1] in sids]
                if fields:
                    r.hdel(self._room_key(room), *fields)
            self._shared(remove)

    def count(self, room: str) -> int:
        """Distinct people in the room."""
        return len(set(self.sockets(room).values()))

    def sockets(self, room: str) -> dict[str, str]:
        """The sockets in the room, whichever process holds them: socket id -> person."""
        return self.sockets_in([room])[room]

    def sockets_in(self, rooms: list[str]) -> dict[str, dict[str, str]]:
        """`sockets` of several rooms, in one round trip to Redis: room -> socket id -> person."""
        if self._redis is not None and rooms:
            shared = self._shared(lambda r: self._shared_sockets_in(r, rooms))
            if shared is not None:
                return shared
        with self._lock:
            return {room: dict(self._local.get(room, {})) for room in rooms}

    # Redis ----------------------------------------------------------------------------------------
    def _shared_sockets_in(self, r, rooms: list[str]) -> dict[str, dict[str, str]]:
        pipe = r.pipeline()
        for room in rooms:
            pipe.hgetall(self._room_key(room))
        entries = dict(zip(rooms, pipe.execute()))
        processes = sorted({field.split(":", 1)[0] for fields in entries.values() for field in fields})
        alive = dict(zip(processes, r.mget([self._alive_key(p) for p in processes]))) if processes else {}
        for room, fields in entries.items():
            ghosts = [field for field in fields if not alive.get(field.split(":", 1)[0])]
            if ghosts:  # sockets of a process that stopped refreshing its key
                r.hdel(self._room_key(room), *ghosts)
        return {room: {field.split(":", 1)[1]: person for field, person in fields.items()
                       if alive.get(field.split(":", 1)[0])} for room, fields in entries.items()}

    def _shared(self, operation):
        try:
            return operation(self._redis)
        except Exception:  # redis.RedisError and socket errors: presence must never break a connection
            log.warning("presence: Redis unavailable, counting this process's viewers only", exc_info=True)
            return None

    def _start_heartbeat(self) -> None:
        with self._lock:
            if self._beating or self._start_task is None:
                return
            self._beating = True
        self._start_task(self._heartbeat)

    def _heartbeat(self) -> None:
        while True:
            self._shared(lambda r: r.set(self._alive_key(self.process_id), 1, ex=ALIVE_SECONDS))
            self._sleep(HEARTBEAT_SECONDS)

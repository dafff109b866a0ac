"""Presence counts people, not sockets; with Redis, every process counts every viewer and the sockets
of a process that died are dropped."""
import os
import socket
import uuid

import pytest

from deliberation.presence import Presence

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_in_memory_people_are_counted_once():
    presence = Presence()
    assert presence.join("version:1", "tab-1", "user:7") == 1
    assert presence.join("version:1", "tab-2", "user:7") == 1
    assert presence.join("version:1", "anon", "socket:anon") == 2
    assert presence.join("version:2", "tab-3", "user:7") == 1
    assert presence.leave("tab-1") == ["version:1"] and presence.count("version:1") == 2
    assert presence.leave("tab-2") == ["version:1"] and presence.count("version:1") == 1
    assert presence.leave("nobody") == []


@pytest.fixture
def shared():
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    namespace = f"test-{uuid.uuid4().hex}"
    processes = [Presence(REDIS_URL, namespace) for _ in range(2)]
    yield processes
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{namespace}:*"):
        server.delete(key)


def test_with_redis_each_process_counts_every_viewer(shared):
    first, second = shared
    assert first.join("version:1", "a", "user:1") == 1
    assert second.join("version:1", "b", "user:2") == 2
    assert second.join("version:1", "c", "user:1") == 2  # the same person in a tab served by the other process
    assert first.count("version:1") == 2
    assert first.leave("a") == ["version:1"] and first.count("version:1") == 2
    assert second.leave("c") == ["version:1"] and second.count("version:1") == 1
    assert first.count("version:1") == 1


def test_with_redis_a_dead_process_leaves_no_ghosts(shared):
    first, second = shared
    first.join("version:1", "a", "user:1")
    second.join("version:1", "b", "user:2")
    assert first.count("version:1") == 2
    # The second process dies: it stops refreshing its key, which expires.
    second._redis.delete(second._alive_key(second.process_id))
    assert first.count("version:1") == 1
    assert list(first._redis.hgetall(first._room_key("version:1"))) == [first._field("a")]


def test_without_redis_counts_fall_back_to_this_process(shared):
    first, _second = shared
    first._redis = Presence("redis://127.0.0.1:1/0")._redis  # nothing listens there
    assert first.join("version:1", "a", "user:1") == 1
    assert first.leave("a") == ["version:1"] and first.count("version:1") == 0


def test_a_user_s_sockets_are_listed_in_every_process(shared):
    """Signing out everywhere closes them: each process lists the sockets the other holds."""
    first, second = shared
    first.add("user:1", "a", "session")
    second.add("user:1", "b", "token")
    assert second.sockets("user:1") == {"a": "session", "b": "token"}
    first.leave("a")
    assert first.sockets("user:1") == {"b": "token"}
    second._redis.delete(second._alive_key(second.process_id))  # the second process died
    assert first.sockets("user:1") == {}


def test_in_memory_a_user_s_sockets_are_listed():
    presence = Presence()
    presence.add("user:1", "a", "session")
    presence.join("version:1", "a", "user:1")
    assert presence.sockets("user:1") == {"a": "session"}
    assert sorted(presence.leave("a")) == ["user:1", "version:1"] and presence.sockets("user:1") == {}


def test_in_memory_sockets_are_taken_out_of_one_room():
    presence = Presence()
    for sid, person in (("a", "user:1"), ("b", "socket:b")):
        presence.add("version:1", sid, person)
        presence.add("comments:1", sid, person)
    presence.remove("comments:1", ["b", "nobody"])
    assert presence.sockets_in(["version:1", "comments:1", "round:9"]) == {
        "version:1": {"a": "user:1", "b": "socket:b"}, "comments:1": {"a": "user:1"}, "round:9": {}}


def test_with_redis_any_process_takes_sockets_out_of_a_room(shared):
    """A change of rights committed in one process takes out sockets another process holds."""
    first, second = shared
    first.add("comments:1", "a", "user:1")
    second.add("comments:1", "b", "socket:b")
    second.add("version:1", "b", "socket:b")
    assert first.sockets_in(["comments:1", "version:1"]) == {
        "comments:1": {"a": "user:1", "b": "socket:b"}, "version:1": {"b": "socket:b"}}
    first.remove("comments:1", ["b"])
    assert second.sockets_in(["comments:1", "version:1"]) == {"comments:1": {"a": "user:1"},
                                                              "version:1": {"b": "socket:b"}}
    second.leave("b")
    assert first.sockets_in(["comments:1", "version:1"]) == {"comments:1": {"a": "user:1"}, "version:1": {}}

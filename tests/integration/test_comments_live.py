"""Live updates over Socket.IO: rooms per version, permission to join, what events carry, and that
nothing leaves before the database has committed."""
import pytest
from sqlalchemy import select

from deliberation.extensions import db, socketio
from deliberation.models import Comment, User, WorkingGroup

from ..conftest import csrf_token, sign_in
from .comments_support import Api, clauses, counts, post
from .test_comments_carried import _publish_v3, _three_versions

_open_sockets = []


@pytest.fixture(autouse=True)
def _no_message_queue(monkeypatch):
    """Flask-SocketIO's test client refuses to run with a message queue (REDIS_URL in the CI's second
    pass); autouse fixtures come before `app`, so the app is built without one. Presence over Redis is
    tested in tests/unit/test_presence.py and tests/multiprocess."""
    monkeypatch.delenv("REDIS_URL", raising=False)


@pytest.fixture(autouse=True)
def _disconnect_sockets():
    """Leave no socket behind for the next test."""
    yield
    while _open_sockets:
        sock = _open_sockets.pop()
        if sock.is_connected():
            sock.disconnect()


def _socket(app, user=None):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    sock = socketio.test_client(app, flask_test_client=client)
    _open_sockets.append(sock)
    return client, sock


def _join(sock, version_id):
    return sock.emit("join", {"version_id": version_id}, callback=True)


def _events(sock, name):
    return [event["args"][0] for event in sock.get_received() if event["name"] == name]




def test_members_see_comments_replies_and_changes_arrive(app, world):
    version = world.document.current_version_id
    clause = clauses(app, version)[1]
    _, watcher = _socket(app, world.members["academia"][0])
    assert _join(watcher, version)["ok"] is True
    watcher.get_received()
    author_client, _author_socket = _socket(app, world.member)
    api = Api(author_client)
    created = api("POST", f"/api/v1/clauses/{clause['id']}/comments",
                  {"body": "Live!", "selector": {"exact": "human rights"}}).get_json()
    [event] = _events(watcher, "comment_created")
    assert event == created  # the API's shape, as an ordinary reader sees it
    reply = Api(app.test_client(), world.chair)("POST", f"/api/v1/clauses/{clause['id']}/comments",
                                                {"body": "Reply!", "parent_id": created["id"]}).get_json()
    received = watcher.get_received()
    assert [e["args"][0]["id"] for e in received if e["name"] == "comment_created"] == [reply["id"]]
    api("PATCH", f"/api/v1/comments/{created['id']}", {"body": "Edited live."})
    [updated] = _events(watcher, "comment_updated")
    assert updated["body"] == "Edited live." and updated["edited_at"]


def test_counts_follow_new_and_resolved_threads(app, world):
    version = world.document.current_version_id
    clause = clauses(app, version)[1]
    _, watcher = _socket(app, world.chair)
    _join(watcher, version)
    watcher.get_received()
    api = Api(app.test_client(), world.member)
    comment = api("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "Open."}).get_json()
    assert _events(watcher, "thread_count") == [{"version_id": version, "clause_id": clause["id"], "open_threads": 1}]
    api("POST", f"/api/v1/comments/{comment['id']}/resolve", {})
    assert _events(watcher, "thread_count")[0]["open_threads"] == 0


def test_a_hidden_comment_goes_out_without_its_body(app, world):
    version = world.document.current_version_id
    clause = clauses(app, version)[1]
    api = Api(app.test_client(), world.member)
    comment = api("POST", f"/api/v1/clauses/{clause['id']}/comments",
                  {"body": "Something rude.", "selector": {"exact": "outset"}}).get_json()
    _, watcher = _socket(app)  # anonymous, on a public document whose comments are public
    _join(watcher, version)
    watcher.get_received()
    Api(app.test_client(), world.chair)("POST", f"/api/v1/comments/{comment['id']}/hide", {"reason": "Rude."})
    [event] = _events(watcher, "comment_updated")
    assert event["status"] == "hidden"
    assert event["body"] is None and event["body_html"] is None and event["selector"] is None
    assert event["hidden_reason"] is None and event["author"] is None
    assert "Something rude." not in str(event)


def test_presence_counts_viewers(app, world):
    version = world.document.current_version_id
    _, first = _socket(app, world.member)
    assert _join(first, version)["count"] == 1
    _, second = _socket(app)
    assert _join(second, version)["count"] == 2
    assert {"version_id": version, "count": 2} in _events(first, "presence")
    second.disconnect()
    assert _events(first, "presence")[-1] == {"version_id": version, "count": 1}


def test_presence_counts_people_not_tabs(app, world):
    version = world.document.current_version_id
    browser = sign_in(app.test_client(), world.member)  # one browser, two tabs: one session cookie
    first_tab = socketio.test_client(app, flask_test_client=browser)
    second_tab = socketio.test_client(app, flask_test_client=browser)
    _open_sockets.extend([first_tab, second_tab])
    assert _join(first_tab, version)["count"] == 1
    assert _join(second_tab, version)["count"] == 1
    _, anonymous = _socket(app)
    assert _join(anonymous, version)["count"] == 2
    first_tab.disconnect()
    assert _events(anonymous, "presence")[-1] == {"version_id": version, "count": 2}  # still here in a tab
    second_tab.disconnect()
    assert _events(anonymous, "presence")[-1] == {"version_id": version, "count": 1}


def test_dispositions_and_deletions_go_out_live(app, world):
    version = world.document.current_version_id
    clause = clauses(app, version)[1]
    kept = post(app, world.member, clause["id"], "Please accept this.")
    gone = post(app, world.member, clause["id"], "I take this back.")
    _, watcher = _socket(app, world.members["government"][0])
    _join(watcher, version)
    watcher.get_received()
    chair = Api(app.test_client(), world.chair)
    answered = chair("POST", f"/api/v1/comments/{kept}/disposition",
                     {"disposition": "accepted", "rationale": "Taken into the next draft."})
    assert answered.status_code == 200, answered.get_json()
    [event] = _events(watcher, "comment_updated")
    assert event["id"] == kept and event["disposition"]["value"] == "accepted"
    assert event["disposition"]["rationale"] == "Taken into the next draft."
    deleted = Api(app.test_client(), world.member)("DELETE", f"/api/v1/comments/{gone}")
    assert deleted.status_code in (200, 204)
    received = watcher.get_received()
    [tombstone] = [e["args"][0] for e in received if e["name"] == "comment_updated"]
    assert tombstone["id"] == gone and tombstone["status"] == "deleted"
    assert tombstone["body"] is None and "I take this back." not in str(tombstone)
    assert [e["args"][0]["open_threads"] for e in received if e["name"] == "thread_count"] == [1]


def _token_socket(app, user):
    from deliberation.services.accounts import create_token

    with app.app_context():
        _row, token = create_token(db.session.get(User, user.id))
        db.session.commit()
    sock = socketio.test_client(app, auth={"token": token})
    _open_sockets.append(sock)
    return sock


def test_signing_out_everywhere_closes_the_user_s_sockets(app, world):
    private_version = world.private_document.current_version_id
    private_clause = clauses(app, private_version)[0]
    browser, sock = _socket(app, world.member)
    assert _join(sock, private_version)["ok"] is True
    api_client = _token_socket(app, world.member)  # API tokens outlive "sign out everywhere"
    assert _join(api_client, private_version)["ok"] is True
    _, bystander = _socket(app, world.chair)
    assert _join(bystander, private_version)["ok"] is True
    elsewhere = sign_in(app.test_client(), world.member)
    assert elsewhere.post("/account/sign-out-everywhere",
                          data={"csrf_token": csrf_token(elsewhere, "/account")}).status_code == 302
    assert not sock.is_connected()  # closed by the server, not left to reconnect when it likes
    assert api_client.is_connected() and bystander.is_connected()
    sock.queue.clear()  # what it got before; get_received() refuses a closed client
    Api(app.test_client(), world.chair)("POST", f"/api/v1/clauses/{private_clause['id']}/comments",
                                        {"body": "After the sign-out."})
    assert sock.queue == []
    assert len(_events(bystander, "comment_created")) == 1 and len(_events(api_client, "comment_created")) == 1
    # Connecting again with the old cookie is connecting as nobody: the public text only.
    stale = socketio.test_client(app, flask_test_client=browser)
    _open_sockets.append(stale)
    assert _join(stale, private_version)["error"]["code"] == "not_found"
    assert _join(stale, world.document.current_version_id)["ok"] is True


def test_a_socket_that_outlived_its_sign_in_may_not_join(app, world):
    """Should the disconnect miss a socket (it was still connecting), its next join is refused and it is
    closed, so the client connects again as whoever it is now."""
    _, sock = _socket(app, world.member)
    assert _join(sock, world.document.current_version_id)["ok"] is True
    with app.app_context():  # the epoch moves on, but no disconnect goes out
        db.session.get(User, world.member.id).session_epoch += 1
        db.session.commit()
    assert _join(sock, world.document.current_version_id)["error"]["code"] == "signed_out"
    assert not sock.is_connected()


def test_suspension_closes_live_connections(app, world):
    """Removal from the group takes the sockets out of the group's rooms instead: test_live_access.py."""
    version = world.private_document.current_version_id
    _, suspended = _socket(app, world.member)
    suspended_api = _token_socket(app, world.member)
    _, bystander = _socket(app, world.members["academia"][0])
    for sock in (suspended, suspended_api, bystander):
        assert _join(sock, version)["ok"] is True
    admin = sign_in(app.test_client(), world.admin)
    assert admin.post(f"/admin/users/{world.member.id}/active",
                      data={"csrf_token": csrf_token(admin, "/admin/")}).status_code == 302
    assert not suspended.is_connected() and not suspended_api.is_connected()
    assert bystander.is_connected()


def test_no_room_for_a_version_one_may_not_read(app, world):
    private_version = world.private_document.current_version_id
    private_clause = clauses(app, private_version)[0]
    _, outsider = _socket(app, world.outsider)
    assert _join(outsider, private_version)["error"]["code"] == "not_found"
    _, anonymous = _socket(app)
    assert _join(anonymous, private_version)["error"]["code"] == "not_found"
    _, other = _socket(app, world.other_member)
    assert _join(other, private_version)["error"]["code"] == "not_found"
    Api(app.test_client(), world.member)("POST", f"/api/v1/clauses/{private_clause['id']}/comments",
                                         {"body": "Members only."})
    for sock in (outsider, anonymous, other):
        assert _events(sock, "comment_created") == []


def test_readers_without_the_right_to_comments_get_presence_but_no_comments(app, world):
    with app.app_context():
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    version = world.document.current_version_id
    clause = clauses(app, version)[1]
    _, anonymous = _socket(app)
    assert _join(anonymous, version)["ok"] is True  # the text is public; the comments are not
    _, member = _socket(app, world.members["government"][0])
    _join(member, version)
    anonymous.get_received()
    member.get_received()
    Api(app.test_client(), world.member)("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": "Inside."})
    assert _events(anonymous, "comment_created") == []
    assert len(_events(member, "comment_created")) == 1


def test_events_leave_only_after_the_commit(app, world, monkeypatch):
    version = world.document.current_version_id
    clause = clauses(app, version)[1]
    _, watcher = _socket(app, world.chair)
    _join(watcher, version)
    watcher.get_received()
    before = counts(app)

    def fail_after_the_service(*_args, **_kwargs):
        raise RuntimeError("the response could not be built")

    # The service has written and queued its events; then the request fails and rolls back.
    monkeypatch.setattr("deliberation.api.comments.comment_json", fail_after_the_service)
    response = Api(app.test_client(), world.member)("POST", f"/api/v1/clauses/{clause['id']}/comments",
                                                    {"body": "Never seen."})
    assert response.status_code == 500
    assert watcher.get_received() == []
    assert counts(app) == before
    with app.app_context():
        assert db.session.query(Comment).count() == 0


def test_api_clients_connect_with_a_token(app, world):
    from deliberation.services.accounts import create_token
    from deliberation.models import User

    with app.app_context():
        _row, token = create_token(db.session.get(User, world.member.id))
        db.session.commit()
    sock = socketio.test_client(app, auth={"token": token})
    bad = socketio.test_client(app, auth={"token": "dlb_nonsense"})
    _open_sockets.extend([sock, bad])
    assert _join(sock, world.private_document.current_version_id)["ok"] is True
    assert _join(bad, world.private_document.current_version_id)["error"]["code"] == "not_found"


def _reply_on(app, root_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Comment.id).where(Comment.root_id == root_id, Comment.id != root_id))


def test_changes_to_a_carried_thread_reach_the_later_versions(app, world, make):
    """A thread written on version 1 and carried onto versions 2 and 3: readers of each version hear of
    its resolution, hiding, disposition and deletion, on the clause where it is shown there."""
    data = _three_versions(app, world, make)
    _publish_v3(app, world, data)
    [root_id] = data["quoted"]
    watchers = {}
    for version in ("v1", "v2", "v3"):
        _, watchers[version] = _socket(app, world.members["academia"][0])
        assert _join(watchers[version], data[version])["ok"] is True
        watchers[version].get_received()
    chair = Api(app.test_client(), world.chair)

    assert chair("POST", f"/api/v1/comments/{root_id}/resolve", {}).status_code == 200
    on = {version: sock.get_received() for version, sock in watchers.items()}
    for version, clause, open_threads in (("v1", "clause1", 1), ("v2", "c2", 1), ("v3", "c3", 0)):
        [updated] = [e["args"][0] for e in on[version] if e["name"] == "comment_updated"]
        assert updated["id"] == root_id and updated["resolved_at"] and updated["clause_id"] == data[clause]
        # counted as open_thread_count counts: version 2 still has the orphaned thread open
        assert [e["args"][0] for e in on[version] if e["name"] == "thread_count"] == \
            [{"version_id": data[version], "clause_id": data[clause], "open_threads": open_threads}]
    [on_v3] = [e["args"][0] for e in on["v3"] if e["name"] == "comment_updated"]
    assert (on_v3["original_clause_id"], on_v3["original_version"], on_v3["anchor_status"]) == \
        (data["clause1"], 1, "exact")

    assert chair("POST", f"/api/v1/comments/{root_id}/resolve", {"resolved": False}).status_code == 200
    assert _events(watchers["v2"], "thread_count")[0]["open_threads"] == 2

    hidden = chair("POST", f"/api/v1/comments/{root_id}/hide", {"reason": "Off topic."})
    assert hidden.status_code == 200, hidden.get_json()
    on_v2 = watchers["v2"].get_received()
    [updated] = [e["args"][0] for e in on_v2 if e["name"] == "comment_updated"]
    assert updated["status"] == "hidden" and updated["body"] is None and updated["selector"] is None
    assert [e["args"][0]["open_threads"] for e in on_v2 if e["name"] == "thread_count"] == [1]
    assert [e["open_threads"] for e in _events(watchers["v3"], "thread_count")] == [1, 0]  # reopened, hidden

    # A reply written on version 1 is part of the thread on versions 2 and 3: its changes go there too.
    reply_id = _reply_on(app, root_id)
    for sock in watchers.values():
        sock.get_received()
    answered = chair("POST", f"/api/v1/comments/{reply_id}/disposition", {"disposition": "noted", "rationale": "Seen."})
    assert answered.status_code == 200, answered.get_json()
    assert chair("DELETE", f"/api/v1/comments/{reply_id}").status_code in (200, 204)
    for version, sock in watchers.items():
        received = sock.get_received()
        assert [(e["args"][0]["id"], e["args"][0]["status"]) for e in received if e["name"] == "comment_updated"] == \
            [(reply_id, "visible"), (reply_id, "deleted")], version
        assert not [e for e in received if e["name"] == "thread_count"]  # a reply opens and closes no thread


def test_a_closed_orphan_hears_nothing_more(app, world, make):
    """An orphan the chair closed is no longer in version 2's discussion: its changes stay on version 1."""
    data = _three_versions(app, world, make)
    with app.app_context():
        from deliberation.services.reanchor import close_orphan

        from .version_helpers import anchor_of

        close_orphan(db.session.get(User, world.chair.id), anchor_of(data["lost"], data["v2"]))
        db.session.commit()
    _, watcher = _socket(app, world.member)
    _join(watcher, data["v2"])
    watcher.get_received()
    chair = Api(app.test_client(), world.chair)
    assert chair("POST", f"/api/v1/comments/{data['lost']}/resolve", {}).status_code == 200
    assert watcher.get_received() == []


def test_revoking_a_token_closes_the_sockets_opened_with_it(app, world):
    version = world.private_document.current_version_id
    revoked = _token_socket(app, world.member)
    kept = _token_socket(app, world.member)  # another token of the same member
    browser, sock = _socket(app, world.member)
    for live in (revoked, kept, sock):
        assert _join(live, version)["ok"] is True
    with app.app_context():
        from deliberation.models import ApiToken

        token_id = db.session.scalars(select(ApiToken.id).where(ApiToken.user_id == world.member.id)
                                      .order_by(ApiToken.id)).first()
    response = browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(browser, "/account")})
    assert response.status_code == 302
    assert not revoked.is_connected()
    assert kept.is_connected() and sock.is_connected()


def test_a_socket_whose_token_was_revoked_may_not_join(app, world):
    """Should the disconnect miss it, the socket's next join is refused and it is closed."""
    sock = _token_socket(app, world.member)
    assert _join(sock, world.document.current_version_id)["ok"] is True
    with app.app_context():  # revoked without the service, so no disconnect goes out
        from deliberation.models import ApiToken
        from deliberation.models._base import utcnow

        for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == world.member.id)):
            token.revoked_at = utcnow()
        db.session.commit()
    assert _join(sock, world.document.current_version_id)["error"]["code"] == "signed_out"
    assert not sock.is_connected()

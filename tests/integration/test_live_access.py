"""Live rooms follow the right to read them: after any change of who may read a version (the document or
the group made private, the group's comments no longer public, a member removed or given another role),
the sockets that may no longer read leave its rooms (text, comments, rounds) and are told so; the
others stay, connected. Changing one's password ends the other sessions and their sockets.
Two processes: tests/multiprocess/test_two_processes.py."""
from sqlalchemy import select

from deliberation.extensions import db, socketio
from deliberation.models import Document, Membership, User, Version, WorkingGroup

from ..conftest import PASSWORD, count_queries, csrf_token, sign_in
from .comments_support import Api, clauses
from .test_comments_live import (  # noqa: F401 (the fixtures apply here too)
    _disconnect_sockets, _events, _join, _no_message_queue, _open_sockets, _socket, _token_socket)


def _post_comment(app, world, version_id: int, body: str) -> None:
    clause = clauses(app, version_id)[0]
    response = Api(app.test_client(), world.member)("POST", f"/api/v1/clauses/{clause['id']}/comments", {"body": body})
    assert response.status_code == 201, response.get_json()


def _open_round(app, world, version_id: int) -> int:
    response = Api(app.test_client(), world.chair)(
        "POST", f"/api/v1/versions/{version_id}/rounds",
        {"scope": "document", "rule": "each_group", "threshold": "majority", "quorum": "1/2"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _take_position(app, user, round_id: int) -> None:
    response = Api(app.test_client(), user)("POST", f"/api/v1/rounds/{round_id}/positions",
                                            {"clause_id": None, "position": "endorse"})
    assert response.status_code in (200, 201), response.get_json()


def _document_settings(app, world, document, *, public: bool) -> None:
    chair = sign_in(app.test_client(), world.chair)
    url = f"/documents/{document.id}/settings"
    data = {"title": document.title, "csrf_token": csrf_token(chair, url)}
    if public:
        data["public"] = "y"
    assert chair.post(url, data=data).status_code == 302


def _group_settings(app, world, **changes) -> None:
    with app.app_context():
        group = db.session.get(WorkingGroup, world.group.id)
        settings = {"name": group.name, "mandate": group.mandate or "", "public": group.public,
                    "default_rule": group.default_rule, "default_threshold": group.default_threshold,
                    "default_quorum": group.default_quorum, "public_comments": group.public_comments,
                    "hide_running_tallies": group.hide_running_tallies}
    settings.update(changes)
    chair = sign_in(app.test_client(), world.chair)
    url = f"/groups/{world.group.slug}/settings"
    data = {key: value for key, value in settings.items() if not isinstance(value, bool)}
    data.update({key: "y" for key, value in settings.items() if value is True})
    data["csrf_token"] = csrf_token(chair, url)
    response = chair.post(url, data=data)
    assert response.status_code == 302, response.data[-2000:]


def _lost(sock) -> list[dict]:
    return _events(sock, "access_lost")


def _left(received) -> list[tuple[str, int]]:
    """The rooms a socket was taken out of, from its received events: (kind, version or round id)."""
    return sorted((e["args"][0]["room"], e["args"][0].get("version_id") or e["args"][0].get("round_id"))
                  for e in received if e["name"] == "access_lost")


def test_making_a_document_private_takes_its_public_readers_out_of_every_room(app, world):
    version = world.document.current_version_id
    round_id = _open_round(app, world, version)
    _, anonymous = _socket(app)
    _, outsider = _socket(app, world.outsider)
    _, member = _socket(app, world.members["academia"][0])
    for sock in (anonymous, outsider, member):
        assert _join(sock, version)["ok"] is True
        assert sock.emit("join_round", {"round_id": round_id}, callback=True)["ok"] is True
        sock.get_received()

    _document_settings(app, world, world.document, public=False)

    for sock in (anonymous, outsider):
        assert _left(sock.get_received()) == [("comments", version), ("round", round_id), ("version", version)]
        assert sock.is_connected()  # only out of the rooms: the socket may still read elsewhere
    received = member.get_received()
    assert not [e for e in received if e["name"] == "access_lost"]
    assert {"version_id": version, "count": 1} in [e["args"][0] for e in received if e["name"] == "presence"]

    _post_comment(app, world, version, "Now among members only.")
    _take_position(app, world.members["government"][0], round_id)
    for sock in (anonymous, outsider):
        assert sock.get_received() == []
    received = member.get_received()
    assert [e["args"][0]["body"] for e in received if e["name"] == "comment_created"] == ["Now among members only."]
    assert [e["args"][0] for e in received if e["name"] == "tally_updated"] == [{"round_id": round_id}]
    # Joining again is refused like any private version.
    assert _join(anonymous, version)["error"]["code"] == "not_found"


def _second_public_document(app, world) -> int:
    with app.app_context():
        from tests.factories import Factory

        second = Factory().document(db.session.get(WorkingGroup, world.group.id),
                                    db.session.get(User, world.chair.id), title="Second")
        db.session.commit()
        return second.current_version_id


def test_the_rooms_of_another_document_are_left_alone(app, world):
    """Only the changed document's rooms are checked: its readers keep their rooms elsewhere."""
    version, second = world.document.current_version_id, _second_public_document(app, world)
    _, anonymous = _socket(app)
    for version_id in (version, second):
        assert _join(anonymous, version_id)["ok"] is True
    anonymous.get_received()
    _document_settings(app, world, world.document, public=False)
    assert _left(anonymous.get_received()) == [("comments", version), ("version", version)]
    _post_comment(app, world, second, "Still public.")
    assert [e["body"] for e in _events(anonymous, "comment_created")] == ["Still public."]


def test_turning_public_comments_off_takes_the_public_out_of_the_comments_only(app, world):
    version = world.document.current_version_id
    _, anonymous = _socket(app)
    _, observer = _socket(app, world.observer)
    for sock in (anonymous, observer):
        assert _join(sock, version)["ok"] is True
        sock.get_received()

    _group_settings(app, world, public_comments=False)

    assert _lost(anonymous) == [{"room": "comments", "version_id": version}]
    assert _lost(observer) == []
    _post_comment(app, world, version, "Not for the public any more.")
    assert _events(anonymous, "comment_created") == []
    assert len(_events(observer, "comment_created")) == 1
    _open_round(app, world, version)  # the text's room it keeps
    assert [e["version_id"] for e in _events(anonymous, "round_opened")] == [version]


def test_making_the_group_private_takes_the_public_out_of_all_its_documents(app, world):
    version, second_version = world.document.current_version_id, _second_public_document(app, world)
    _, anonymous = _socket(app)
    _, member = _socket(app, world.member)
    for sock in (anonymous, member):
        for version_id in (version, second_version):
            assert _join(sock, version_id)["ok"] is True
        sock.get_received()

    _group_settings(app, world, public=False)

    assert _left(anonymous.get_received()) == sorted(
        [("comments", version), ("version", version), ("comments", second_version), ("version", second_version)])
    assert _lost(member) == []
    _post_comment(app, world, second_version, "Members only now.")
    assert _events(anonymous, "comment_created") == []
    assert len(_events(member, "comment_created")) == 1


def _membership_id(app, world, user) -> int:
    with app.app_context():
        return db.session.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.working_group_id == world.group.id))


def test_a_member_removed_from_the_group_leaves_its_private_rooms_and_keeps_the_public_ones(app, world):
    removed_user = world.members["academia"][0]
    private = world.private_document.current_version_id
    public = world.document.current_version_id
    _, removed = _socket(app, removed_user)
    removed_api = _token_socket(app, removed_user)
    _, bystander = _socket(app, world.members["academia"][1])
    for sock in (removed, removed_api, bystander):
        for version_id in (private, public):
            assert _join(sock, version_id)["ok"] is True
        sock.get_received()

    chair = sign_in(app.test_client(), world.chair)
    slug = world.group.slug
    url = f"/groups/{slug}/members/{_membership_id(app, world, removed_user)}/remove"
    assert chair.post(url, data={"csrf_token": csrf_token(chair, f"/groups/{slug}/members")}).status_code == 302

    for sock in (removed, removed_api):
        assert sock.is_connected()
        assert _left(sock.get_received()) == [("comments", private), ("version", private)]
    assert _lost(bystander) == []
    _post_comment(app, world, private, "Inside.")
    _post_comment(app, world, public, "Outside.")
    for sock in (removed, removed_api):
        assert [e["body"] for e in _events(sock, "comment_created")] == ["Outside."]  # public comments still come
    assert [e["body"] for e in _events(bystander, "comment_created")] == ["Inside.", "Outside."]


def test_a_chair_given_another_role_leaves_the_unpublished_draft(app, world):
    """Unpublished drafts are for chairs only: a chair made a member no longer reads one live."""
    with app.app_context():
        from deliberation.services.groups import set_membership

        version = db.session.get(Version, world.private_document.current_version_id)
        version.status = "draft"
        version_id = version.id
        second_chair = User(email="second@example.org", name="Second chair", handle="second-chair")
        db.session.add(second_chair)
        group = db.session.get(WorkingGroup, world.group.id)
        set_membership(None, group, second_chair, "chair", "government")
        db.session.commit()
        second_chair_id = second_chair.id
    _, demoted = _socket(app, world.chair)
    assert _join(demoted, version_id)["ok"] is True
    demoted.get_received()

    with app.app_context():  # as the command line's add-member does
        from deliberation.realtime import flush_events
        from deliberation.services.groups import set_membership

        set_membership(db.session.get(User, second_chair_id), db.session.get(WorkingGroup, world.group.id),
                       db.session.get(User, world.chair.id), "member", "government")
        db.session.commit()
        flush_events()
    assert _left(demoted.get_received()) == [("comments", version_id), ("version", version_id)]
    assert demoted.is_connected()


def test_the_re_check_runs_the_same_queries_however_many_readers(app, world):
    """Rooms, rounds, people and their memberships: the same few queries, whatever the number of sockets."""
    from deliberation.room_access import recheck_rooms

    version = world.document.current_version_id
    _open_round(app, world, version)

    def recheck_with(readers) -> int:
        for user in readers:
            _, sock = _socket(app, user)
            assert _join(sock, version)["ok"] is True
        with count_queries(app) as counter, app.test_request_context():
            recheck_rooms(group_id=world.group.id)
        counter_statements.append(counter.statements)
        return counter.count

    counter_statements = []

    few = recheck_with([world.members["academia"][0], None])
    many = recheck_with([user for users in world.members.values() for user in users] + [world.observer,
                                                                                        world.outsider, None, None])
    # versions (with their document and group, whose stakeholder groups load with it), rounds, working
    # drafts, users, memberships (with theirs)
    assert few == many <= 7, counter_statements


def test_a_change_committed_while_a_socket_joins_does_not_leave_it_in_the_room(app, world, monkeypatch):
    """The join checks the rights, then enters the room; a change committed in between (its own re-check
    ran before the socket was in the room) is caught by a second look once the socket is listed."""
    from deliberation import realtime
    from deliberation.presence import Presence

    version = world.document.current_version_id
    real_add = Presence.add
    changed = []

    def add_after_a_concurrent_change(self, room, sid, person):
        if room == realtime.version_room(version) and not changed:
            changed.append(True)
            with app.app_context():  # another request, in its own session
                from deliberation.services.documents import update_document

                update_document(db.session.get(User, world.chair.id), db.session.get(Document, world.document.id),
                                title="Sample recommendations", public=False)
                db.session.commit()
                realtime.flush_events()
        return real_add(self, room, sid, person)

    monkeypatch.setattr(Presence, "add", add_after_a_concurrent_change)
    _, anonymous = _socket(app)
    assert _join(anonymous, version)["error"]["code"] == "not_found"
    anonymous.get_received()
    _post_comment(app, world, version, "Private now.")
    assert _events(anonymous, "comment_created") == []


def test_joining_again_takes_a_socket_out_of_rooms_a_missed_re_check_left_it_in(app, world):
    """Should the re-check miss a socket (Redis was down), the page's next join takes it out of the
    rooms it may no longer read, as a refused join does."""
    version = world.document.current_version_id
    _, anonymous = _socket(app)
    assert _join(anonymous, version)["ok"] is True
    with app.app_context():  # comments kept to members without the service: no re-check goes out
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    assert _join(anonymous, version)["ok"] is True  # the text it may still read
    with app.app_context():
        db.session.get(Document, world.document.id).public = False
        db.session.commit()
    _, member = _socket(app, world.member)
    assert _join(member, version)["ok"] is True
    _post_comment(app, world, version, "Members only.")
    assert _events(anonymous, "comment_created") == []
    anonymous.get_received()
    assert _join(anonymous, version)["error"]["code"] == "not_found"
    _open_round(app, world, version)  # an event of the text's room
    assert _events(anonymous, "round_opened") == []
    assert [e["version_id"] for e in _events(member, "round_opened")] == [version]


def test_changing_the_password_ends_the_other_sessions_and_their_sockets(app, world):
    version = world.private_document.current_version_id
    here, here_socket = _socket(app, world.member)
    old_cookie = here.get_cookie("session").value
    elsewhere, elsewhere_socket = _socket(app, world.member)
    api_socket = _token_socket(app, world.member)
    _, bystander = _socket(app, world.chair)
    for sock in (here_socket, elsewhere_socket, api_socket, bystander):
        assert _join(sock, version)["ok"] is True

    response = here.post("/account/password", data={
        "current": PASSWORD, "password": "a brand new passphrase", "confirm": "a brand new passphrase",
        "csrf_token": csrf_token(here, "/account")})
    assert response.status_code == 302, response.data[-1500:]

    assert here.get("/account").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/account").status_code == 302  # the other one is signed out
    assert not elsewhere_socket.is_connected()
    assert api_socket.is_connected() and bystander.is_connected()  # API tokens stay (docs/security.md)
    # The session identifier this browser had before the change no longer signs anyone in.
    stale = app.test_client()
    stale.set_cookie("session", old_cookie)
    assert stale.get("/account").status_code == 302
    # This browser's live page connects again with its new cookie and reads on.
    again = socketio.test_client(app, flask_test_client=here)
    _open_sockets.append(again)
    assert _join(again, version)["ok"] is True


def test_a_co_editor_removed_from_a_draft_leaves_its_live_room(app, world):
    """The working draft's room is its editors': a member named co-editor joins it, an observer cannot, and
    once the chair removes the co-editor their socket is taken out (told `access_lost`) and hears no
    more saves, while the chair's socket stays."""
    from .revision_helpers import document_with_amendments
    from .version_helpers import api_token

    client = app.test_client()
    with app.app_context():
        document_id, _ids = document_with_amendments(world)
    chair = api_token(app, world.chair)
    draft = client.post(f"/api/v1/documents/{document_id}/working-draft", headers=chair).get_json()
    assert client.post(f"/api/v1/documents/{document_id}/editors", headers=chair,
                       json={"user_id": world.member.id}).status_code == 201
    _, editor = _socket(app, world.member)
    _, observer = _socket(app, world.observer)
    _, chair_sock = _socket(app, world.chair)
    assert editor.emit("join_draft", {"draft_id": draft["id"]}, callback=True) == {"ok": True}
    assert chair_sock.emit("join_draft", {"draft_id": draft["id"]}, callback=True) == {"ok": True}
    assert observer.emit("join_draft", {"draft_id": draft["id"]}, callback=True)["error"]["code"] == "not_found"
    assert observer.emit("join_draft", {"draft_id": "x"}, callback=True)["error"]["code"] == "invalid"
    editor.get_received()
    assert client.delete(f"/api/v1/documents/{document_id}/editors/{world.member.id}",
                         headers=chair).status_code == 204
    assert _lost(editor) == [{"room": "draft", "draft_id": draft["id"]}]
    key = draft["clauses"][1]["key"]
    assert client.patch(f"/api/v1/working-drafts/{draft['id']}/clauses/{key}", headers=chair,
                        json={"text": "Saved after the removal.", "revision": 1}).status_code == 200
    assert _events(editor, "draft_clause_saved") == []
    assert [e["clause"]["text"] for e in _events(chair_sock, "draft_clause_saved")] == ["Saved after the removal."]

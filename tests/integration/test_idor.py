"""Insecure direct object references: every route and socket event that takes an id, called with the ids
of another (private) group's objects and of another user's, answers 403 or 404 and changes nothing.

The routes come from the URL map. Each argument name needs a foreign object below (FOREIGN); a new
route with a new kind of id fails `test_every_id_argument_has_a_foreign_object` until one is added.
Besides all-foreign calls, each route is called with its leading ids from the actor's own group and
the rest foreign (own group's slug, foreign invitation id), which is where such bugs usually hide.
"""
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from deliberation.extensions import db, socketio
from deliberation.models import (
    Clause, Comment, CommentAnchor, EligibleVoter, Membership, Notification, Position, Round, RoundItem,
    SavedSearch, Support, Version, WordReview, WorkingDraft,
)
from deliberation.realtime import draft_room, round_room, version_room
from deliberation.services.accounts import create_token
from deliberation.services.groups import invite

from ..conftest import csrf_token, sign_in
from .hardening_support import snapshot

# Arguments that are not ids: a version number is only meaningful with its document, the invitation
# secret is a credential (tested in test_auth), the static file name is public, a working-draft tool's
# name (split, merge, ...) follows the draft's document and clause.
NOT_IDS = {"number", "token", "filename", "action"}
SKIPPED_ENDPOINTS = {"static", "auth.accept"}
# Socket events that take no id.
ID_LESS_EVENTS = {"connect", "disconnect"}
# Known to validate the posted form before checking that the item belongs to the round, so an empty
# post with a foreign item id gets 400 (nothing leaks, nothing changes: the service checks the item and
# the snapshot below proves no write). They should load the item first; then remove them from here.
VALIDATES_FORM_BEFORE_ITEM = {"ballot.add_statement", "round_records.designate"}


def _objects_of(group, document, chair, stakeholder_id):
    """A round with an item and a formal objection, a comment with an orphaned anchor, a support."""
    version = db.session.get(Version, document.current_version_id)
    clause = db.session.scalar(select(Clause).where(Clause.version_id == version.id).order_by(Clause.position).limit(1))
    round_ = Round(version_id=version.id, opened_by_id=chair.id, scope="document", rule="each_group",
                   threshold="majority", quorum="1/2", status="open")
    db.session.add(round_)
    db.session.flush()
    item = RoundItem(round_id=round_.id, position=0)
    db.session.add_all([item, EligibleVoter(round_id=round_.id, user_id=chair.id, stakeholder_group_id=stakeholder_id)])
    db.session.flush()
    position = Position(round_id=round_.id, item_id=item.id, user_id=chair.id, stakeholder_group_id=stakeholder_id,
                        position="object", statement="No.", formal=True)
    comment = Comment(document_id=document.id, version_id=version.id, clause_id=clause.id, author_id=chair.id,
                      stakeholder_group_id=stakeholder_id, body_source="private", body_html="<p>private</p>")
    support = Support(version_id=version.id, name="Someone", sector="civil_society", email="s@example.org")
    db.session.add_all([position, comment, support])
    db.session.flush()
    anchor = CommentAnchor(comment_id=comment.id, clause_id=clause.id, status="orphaned")
    db.session.add(anchor)
    db.session.flush()
    return SimpleNamespace(version=version, clause=clause, round=round_, item=item, position=position,
                           comment=comment, support=support, anchor=anchor)


@pytest.fixture
def ids(app, world):
    """(own, foreign): argument name -> value, for the actor's group and for the other, private group."""
    with app.app_context():
        other_chair = db.session.merge(world.other_member)
        other_membership = db.session.scalar(select(Membership).where(Membership.user_id == other_chair.id))
        theirs = _objects_of(world.other_group, world.other_document, other_chair, other_membership.stakeholder_group_id)
        chair = db.session.merge(world.chair)
        own_membership = db.session.scalar(select(Membership).where(Membership.user_id == chair.id))
        mine = _objects_of(world.group, world.document, chair, own_membership.stakeholder_group_id)
        invitation, _secret = invite(other_chair, db.session.merge(world.other_group), "x@example.org", "observer", None)
        token, _plain = create_token(other_chair, "theirs")
        notification = Notification(user_id=other_chair.id, kind="reply", comment_id=theirs.comment.id)
        draft = WorkingDraft(document_id=world.other_document.id, base_version_id=theirs.version.id,
                             created_by_id=other_chair.id)
        saved = SavedSearch(user_id=other_chair.id, query="encryption")
        review = WordReview(version_id=theirs.version.id, uploader_id=other_chair.id, filename="r.docx",
                            items=[], status="pending", comment_ids=[])
        db.session.add_all([notification, draft, saved, review])
        db.session.commit()
        foreign = {
            "slug": world.other_group.slug, "document_id": world.other_document.id, "number": 1,
            "key": theirs.clause.key, "version_id": theirs.version.id, "a": theirs.version.id, "b": theirs.version.id,
            "clause_id": theirs.clause.id, "comment_id": theirs.comment.id, "root_id": theirs.comment.id, "anchor_id": theirs.anchor.id,
            "round_id": theirs.round.id, "item_id": theirs.item.id, "position_id": theirs.position.id,
            "support_id": theirs.support.id, "invitation_id": invitation.id, "membership_id": other_membership.id,
            "token_id": token.id, "notification_id": notification.id, "user_id": other_chair.id,
            "draft_id": draft.id, "saved_id": saved.id, "review_id": review.id, "action": "split",
        }
        own = {"slug": world.group.slug, "document_id": world.document.id, "number": 1, "key": mine.clause.key,
               "version_id": mine.version.id, "a": mine.version.id, "clause_id": mine.clause.id,
               "round_id": mine.round.id, "comment_id": mine.comment.id, "root_id": mine.comment.id, "action": "split"}
    return own, foreign


def _arguments(rule) -> list[str]:
    return re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule.rule)


def _routes_with_ids(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint not in SKIPPED_ENDPOINTS and set(rule.arguments) - NOT_IDS]


def test_every_id_argument_has_a_foreign_object(app, ids):
    _own, foreign = ids
    missing = {(rule.endpoint, name) for rule in _routes_with_ids(app) for name in rule.arguments
               if name not in foreign}
    assert not missing, f"add a foreign object for these route arguments to test_idor.py: {sorted(missing)}"


def _variants(rule, own, foreign) -> list[dict]:
    """All-foreign, then each split: the ids before it from the actor's group, the rest foreign."""
    names = _arguments(rule)
    variants = []
    for split, name in enumerate(names):
        if name in NOT_IDS or any(n not in own for n in names[:split]):
            continue
        values = {n: (own[n] if i < split else foreign[n]) for i, n in enumerate(names)}
        if values not in variants:
            variants.append(values)
    return variants


def _url(rule, values):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)


@pytest.mark.parametrize("role", ["chair", "member"])
def test_foreign_ids_are_refused_on_every_route(app, world, ids, role):
    own, foreign = ids
    client = sign_in(app.test_client(), getattr(world, role))
    token = csrf_token(client, "/account")
    before = snapshot(app)
    failures, calls = [], 0
    for rule in _routes_with_ids(app):
        for values in _variants(rule, own, foreign):
            url = _url(rule, values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if url.startswith("/api/"):
                    response = client.open(url, method=method, json={} if method != "GET" else None,
                                           headers={"X-CSRFToken": token})
                else:
                    response = client.open(url, method=method, data={"csrf_token": token} if method != "GET" else None)
                calls += 1
                allowed = (403, 404, 400) if rule.endpoint in VALIDATES_FORM_BEFORE_ITEM else (403, 404)
                if response.status_code not in allowed:
                    failures.append(f"{method} {url} ({rule.endpoint}) as {role}: {response.status_code}")
    assert calls > 50
    assert not failures, "foreign ids were not refused:\n" + "\n".join(failures)
    assert snapshot(app) == before, "a refused request changed something"


@pytest.fixture
def without_message_queue(monkeypatch):
    """Flask-SocketIO's test client refuses to run with a message queue (REDIS_URL in the CI's second
    pass); requested before `app`, so the app is built without one."""
    monkeypatch.delenv("REDIS_URL", raising=False)


def test_socket_events_refuse_foreign_ids(without_message_queue, app, world, ids):
    _own, foreign = ids
    client = sign_in(app.test_client(), world.chair)
    socket = socketio.test_client(app, flask_test_client=client)
    assert socket.is_connected()
    events = set(socketio.server.handlers["/"]) - ID_LESS_EVENTS
    assert {"join", "join_round"} <= events
    payload = {name: value for name, value in foreign.items() if name.endswith("_id")}
    for event in sorted(events):
        answer = socket.emit(event, payload, callback=True)
        assert isinstance(answer, dict) and answer.get("error", {}).get("code") in ("not_found", "forbidden"), \
            (event, answer)
    socket.get_received()
    # Whatever the answers said, the socket must not be in the other group's rooms.
    socketio.emit("probe", {"secret": True}, to=version_room(foreign["version_id"]))
    socketio.emit("probe", {"secret": True}, to=round_room(foreign["round_id"]))
    socketio.emit("probe", {"secret": True}, to=draft_room(foreign["draft_id"]))
    assert not [m for m in socket.get_received() if m["name"] == "probe"]
    socket.disconnect()


def test_own_objects_are_reachable(without_message_queue, app, world, ids):
    """The control: the same calls with the actor's own ids are not refused, so the refusals above mean something."""
    own, _foreign = ids
    client = sign_in(app.test_client(), world.chair)
    for url in (f"/documents/{own['document_id']}/versions/1/clauses/{own['key']}", f"/rounds/{own['round_id']}",
                f"/api/v1/comments/{own['comment_id']}", f"/api/v1/versions/{own['version_id']}"):
        assert client.get(url).status_code == 200, url
    socket = socketio.test_client(app, flask_test_client=client)
    assert socket.emit("join", {"version_id": own["version_id"]}, callback=True).get("ok")
    socket.disconnect()

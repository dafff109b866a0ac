"""Who may stay in a live room, looked at again after every change of who may read it.

A socket's right to a room is checked when it joins (`realtime.register_handlers`). A service that may
take that right away (a document or working group made private, a group's comments no longer public, a
member removed from the group or given another role) calls `realtime.queue_access_check`. Once the
transaction has committed, `recheck_rooms` lists the sockets in the rooms concerned, whichever process
holds them (`presence`), asks the permission table again for each person in each room, and takes out the
sockets that may no longer read: Socket.IO's message queue makes a socket held by another process leave,
and the client is told (`access_lost`: the room's kind and its version or round) so that its page stops
following what it may no longer read. Everybody else stays in the room, connected. Signing out,
suspension, deletion and token revocation close sockets instead (`realtime.queue_disconnect`).

A socket joins in two looks (see `realtime`): rights, then the room, then the rights again. A change
committed between the first look and the listing re-checked the room without the socket; the second
look, made once the socket is listed, sees that change, so one of the two always catches it.
"""
from collections import defaultdict

from sqlalchemy import select

from . import realtime
from .extensions import db, socketio
from .models import Document, Round, User, Version, WorkingDraft
from .security import Permission, can
from .security.permissions import forget_memberships, load_memberships
from .services.comment_access import may_read_comments

# The room kinds, as `access_lost` names them.
VERSION, COMMENTS, ROUND, DRAFT = "version", "comments", "round", "draft"


def readable_rooms(user, version: Version, round_id: int | None = None) -> list[str]:
    """The rooms of the version (or of its round `round_id`) the user may be in now."""
    if not can(user, Permission.VIEW_DOCUMENT, version):
        return []
    if round_id is not None:
        return [realtime.round_room(round_id)]
    rooms = [realtime.version_room(version.id)]
    if may_read_comments(user, version):
        rooms.append(realtime.comments_room(version.id))
    return rooms


def editable_rooms(user, draft_id: int) -> list[str]:
    """The working draft's room, if the user may edit the draft now (its document's chairs and editors)."""
    draft = db.session.get(WorkingDraft, draft_id)
    if draft is None or user is None or not can(user, Permission.EDIT_DRAFT, draft.document):
        return []
    return [realtime.draft_room(draft_id)]


def _may_read(user, kind: str, target) -> bool:
    if kind == COMMENTS:
        return may_read_comments(user, target)
    if kind == DRAFT:
        return user is not None and can(user, Permission.EDIT_DRAFT, target)  # target: the draft's document
    return can(user, Permission.VIEW_DOCUMENT, target)  # the version's text, and its rounds


def _rooms_of(group_id: int | None, document_id: int | None) -> dict[str, tuple[str, object, int]]:
    """Every live room of the document's (or the group's) versions and working drafts: room -> (kind,
    the version (the document for a draft), the id the client is told: the version's, round's or draft's)."""
    query = select(Version).join(Document, Version.document_id == Document.id)
    query = query.where(Document.id == document_id) if document_id is not None \
        else query.where(Document.working_group_id == group_id)
    versions = {version.id: version for version in db.session.scalars(query)}
    rooms = {}
    for version in versions.values():
        rooms[realtime.version_room(version.id)] = (VERSION, version, version.id)
        rooms[realtime.comments_room(version.id)] = (COMMENTS, version, version.id)
    if versions:
        for round_id, version_id in db.session.execute(
                select(Round.id, Round.version_id).where(Round.version_id.in_(list(versions)))):
            rooms[realtime.round_room(round_id)] = (ROUND, versions[version_id], round_id)
    drafts = select(WorkingDraft).join(Document, WorkingDraft.document_id == Document.id)
    drafts = drafts.where(Document.id == document_id) if document_id is not None \
        else drafts.where(Document.working_group_id == group_id)
    for draft in db.session.scalars(drafts):
        rooms[realtime.draft_room(draft.id)] = (DRAFT, draft.document, draft.id)
    return rooms


def _people(persons) -> dict[str, User | None]:
    """The users behind presence's persons ("user:<id>", or "socket:<sid>" for an anonymous reader),
    their memberships loaded with them; an account no longer active reads as the public does."""
    ids = {int(person.split(":", 1)[1]) for person in persons if person.startswith("user:")}
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    load_memberships(users)
    found = {}
    for person in persons:
        user = users.get(int(person.split(":", 1)[1])) if person.startswith("user:") else None
        found[person] = user if user is not None and user.is_active else None
    return found


def recheck_rooms(group_id: int | None = None, document_id: int | None = None, user_id: int | None = None) -> None:
    """After the commit of a change of rights: take every socket that may no longer read out of the
    rooms of the document (or of the group's documents), only the user's sockets with `user_id`."""
    forget_memberships()  # cached before the commit that changed them
    rooms = _rooms_of(group_id, document_id)
    presence = realtime.presence()
    listed = presence.sockets_in(list(rooms))
    if user_id is not None:
        listed = {room: {sid: person for sid, person in sockets.items() if person == f"user:{user_id}"}
                  for room, sockets in listed.items()}
    people = _people({person for sockets in listed.values() for person in sockets.values()})
    lost: dict[str, list[str]] = defaultdict(list)
    for room, sockets in listed.items():
        kind, version, _id = rooms[room]
        for sid, person in sockets.items():
            if not _may_read(people[person], kind, version):
                lost[room].append(sid)
    for room, sids in lost.items():
        kind, _version, target_id = rooms[room]
        _take_out(presence, room, sids, kind, target_id)


def _take_out(presence, room: str, sids: list[str], kind: str, target_id: int) -> None:
    told = {"room": kind, {ROUND: "round_id", DRAFT: "draft_id"}.get(kind, "version_id"): target_id}
    for sid in sids:
        socketio.server.leave_room(sid, room, namespace="/")  # through the message queue if elsewhere
        socketio.emit("access_lost", told, to=sid)
    presence.remove(room, sids)
    if kind == VERSION:  # the readers who stay see the count without those who left
        socketio.emit("presence", {"version_id": target_id, "count": presence.count(room)}, to=room)

"""Faults: a request failing halfway writes nothing (for every service that appends a record event, which
a guard test lists from the source); Redis down keeps the site up and it recovers; a lost database gives
a 503 page and JSON, never a stack trace."""
import ast
import logging
import socket
import sys
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from deliberation.extensions import db, socketio
from deliberation.models import Clause, Membership, User, Version, WorkingGroup
from deliberation.models._base import utcnow
from deliberation.services import record
from deliberation.services.accounts import create_token
from deliberation.services.groups import invite

from ..conftest import PASSWORD, csrf_token, sign_in
from ..factories import SAMPLE_DRAFT, Factory
from .hardening_support import separate_app, snapshot
from .test_rate_limits import enable_limits

SERVICES = "deliberation.services"


def _fail_on_call(monkeypatch, n: int, seen: set[str]) -> None:
    """Make the n-th record append of the request raise, in every module that calls append_event; add to
    `seen` the service functions ("module.function") on the stack of each append."""
    original, calls = record.append_event, []

    def failing(*args, **kwargs):
        calls.append(args[0])
        seen.update(_services_on_stack(sys._getframe(1)))
        if len(calls) == n:
            raise RuntimeError(f"injected failure at record append {n}")
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("deliberation") and getattr(module, "append_event", None) is original:
            monkeypatch.setattr(module, "append_event", failing)


def _services_on_stack(frame) -> set[str]:
    names = set()
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(SERVICES + "."):
            names.add(f"{module.removeprefix(SERVICES + '.')}.{frame.f_code.co_name}")
        frame = frame.f_back
    return names


# Each case of `_cases`, and the service functions that append record events on its way (checked
# against the stack while it runs). Every such function in deliberation/services must be in one.
CASE_SERVICES = {
    "create_document": ("documents.create_document",),
    "invite": ("groups.invite",),
    "accept_invitation": ("groups.accept_invitation", "accounts.create_user", "groups.set_membership"),
    "create_working_group": ("groups.create_working_group",),
    "set_membership": ("groups.set_membership",),
    "add_stakeholder_group": ("groups.add_stakeholder_group",),
    "rename_stakeholder_group": ("groups.rename_stakeholder_group",),
    "update_settings": ("groups.update_settings",),
    "remove_membership": ("groups.remove_membership",),
    "revoke_invitation": ("groups.revoke_invitation",),
    "create_token": ("accounts.create_token",),
    "revoke_token": ("accounts.revoke_token",),
    "update_profile": ("accounts.update_profile",),
    "delete_account": ("account_deletion.delete_account",),
    "suspend_account": ("accounts.set_active",),
    "update_document": ("documents.update_document",),
    "publish_version": ("versions.publish_version", "versions.supersede", "reanchor.reanchor_annotations"),
    "open_draft": ("revision.drafts.open_draft",),
    "discard_draft": ("revision.drafts.discard_draft",),
    "publish_draft": ("revision.publishing.publish_draft", "versions.supersede", "reanchor.reanchor_annotations"),
    "add_editor": ("revision.drafts.add_editor",),
    "remove_editor": ("revision.drafts.remove_editor",),
    "reattach_orphan": ("reanchor.reattach_orphan",),
    "close_orphan": ("reanchor.close_orphan",),
    "post_comment": ("comments.post_comment",),
    "confirm_word_review": ("reviews.confirm.confirm_review", "comments.post_comment"),
    "edit_comment": ("comments.edit_comment",),
    "delete_comment": ("comments.delete_comment",),
    "hide_comment": ("moderation.set_hidden",),
    "disposition": ("moderation.set_disposition",),
    "comment_type": ("moderation.set_comment_type",),
    "resolve_thread": ("moderation.set_resolved",),
    "open_round": ("rounds.open_round",),
    "take_position": ("positions.take_position",),
    "submit_ballot": ("positions.submit_ballot",),
    "close_round": ("rounds.close_round",),
    "reopen_round": ("round_reopening.reopen_round", "rounds.open_round"),
    "close_due_round": ("rounds.close_due_rounds",),
    "designate": ("designations.designate_items",),
    "close_statements": ("rounds.set_statements_open",),
    "minority_statement": ("statements.add_minority_statement",),
    "respond_to_objection": ("objections.respond_to_objection",),
    "withdraw_objection": ("objections.withdraw_objection",),
    "adopt_version": ("rounds.adopt_version",),
    "submit_support": ("supports.submit_support",),
    "review_support": ("supports.review_support",),
}
# Services that only wrap append_event for other services; they are covered through their callers.
RECORD_HELPERS = {"rounds.record_round_event"}


def _service_functions() -> dict[str, set[str]]:
    """"module.function" -> the names it calls, for every top-level function in deliberation/services."""
    root = Path(__file__).resolve().parents[2] / "deliberation" / "services"
    calls: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                calls[f"{module}.{node.name}"] = {
                    call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
                    for call in ast.walk(node) if isinstance(call, ast.Call)}
    return calls


def _record_writers(calls: dict[str, set[str]]) -> set[str]:
    """Every public function in deliberation/services that appends a record event itself, or through a
    private helper of its module or a RECORD_HELPERS function ("module.function")."""
    def helpers_called(name: str):
        module = name.rsplit(".", 1)[0]
        for called in calls[name]:
            if called.startswith("_"):
                yield f"{module}.{called}"
            yield from (helper for helper in RECORD_HELPERS if helper.rsplit(".", 1)[1] == called)

    def appends(name: str, path=()) -> bool:
        return "append_event" in calls[name] or any(
            appends(helper, (*path, name)) for helper in helpers_called(name) if helper in calls and helper not in path)

    return {name for name in calls if not name.rsplit(".", 1)[1].startswith("_") and name not in RECORD_HELPERS
            and appends(name)}


def test_every_service_that_appends_a_record_event_has_a_fault_case():
    functions = _service_functions()
    writers = _record_writers(functions)
    assert {"comments.post_comment", "rounds.close_due_rounds", "objections.withdraw_objection"} <= writers
    assert not writers & {"groups.accept_invitation", "rounds.record_round_event", "moderation._record"}
    covered = {name for names in CASE_SERVICES.values() for name in names}
    assert not writers - covered, f"services with no fault case: {sorted(writers - covered)}"
    assert not covered - set(functions), f"fault cases naming no such service: {sorted(covered - set(functions))}"


def _first_clause(version_id: int) -> Clause:
    return db.session.scalar(select(Clause).where(Clause.version_id == version_id, Clause.text != "")
                             .order_by(Clause.position).limit(1))


def _setup(app, world):
    """The objects the cases act on, each case its own, so that one case's success leaves the others' intact."""
    from deliberation.services.comments import post_comment
    from deliberation.services.objections import respond_to_objection
    from deliberation.services.positions import take_position
    from deliberation.services.rounds import adopt_version, close_round, open_round
    from deliberation.services.supports import submit_support
    from deliberation.services.tally import round_items

    make = Factory()
    with app.app_context():
        chair, member = db.session.get(User, world.chair.id), db.session.get(User, world.member.id)
        objector = db.session.get(User, world.members["civil_society"][1].id)
        group = db.session.get(WorkingGroup, world.group.id)
        voters = [chair] + [db.session.get(User, u.id) for users in world.members.values() for u in users]
        settings = {"rule": "pooled", "threshold": "majority", "quorum": "1/2"}

        def version(title):
            return db.session.get(Version, make.document(group, chair, title=title).current_version_id)

        def closed_round(title, objections=False, **overrides):
            round_ = open_round(chair, version(title), scope="document", **{**settings, **overrides})
            for voter in voters:
                take_position(voter, round_, clause_id=None, position="endorse")
            lodged = [take_position(user, round_, clause_id=None, position="object", statement="Too vague.",
                                    formal=True)[0] for user in ((member, objector) if objections else ())]
            close_round(chair, round_)
            return round_, lodged

        ids = SimpleNamespace(
            invitation_secret=invite(chair, group, "newcomer@example.org", "member", "academia")[1],
            invitation=invite(chair, group, "revoked@example.org", "member", "academia")[0].id,
            token=create_token(member)[0].id,
            observer_membership=db.session.scalar(select(Membership.id).where(
                Membership.user_id == world.observer.id, Membership.working_group_id == group.id)),
            # Sectors are renamed only in a group without rounds; the admin manages every group.
            quiet_group=(quiet := make.group("Without rounds")).slug,
            stakeholder=next(s.id for s in quiet.stakeholder_groups if s.key == "academia"),
            clause=_first_clause(world.document.current_version_id).id)
        clause = db.session.get(Clause, ids.clause)
        ids.comments = {kind: post_comment(member, clause, body=f"To {kind}").id
                        for kind in ("edit", "delete", "hide", "dispose", "resolve", "type")}
        published = version("To publish")
        post_comment(member, _first_clause(published.id), body="Carried to the next version")
        ids.published_document = published.document_id
        ids.to_close = open_round(chair, version("To close"), scope="document", **settings).id
        ids.to_vote = open_round(chair, version("To vote on"), scope="document", **settings).id
        ballot = open_round(chair, version("By ballot"), scope="document", **settings)
        ids.ballot, ids.ballot_item = ballot.id, round_items(ballot)[0].id
        due = open_round(chair, version("Due"), scope="document", closes_at=utcnow() + timedelta(hours=1), **settings)
        due.closes_at = utcnow() - timedelta(minutes=1)
        ids.due = due.id
        closed, (answered, withdrawn) = closed_round("Closed", objections=True)
        ids.closed, ids.item = closed.id, round_items(closed)[0].id
        ids.answered, ids.withdrawn = answered.id, withdrawn.id
        ids.to_adopt = closed.version_id
        to_reopen, (objection, _) = closed_round("To reopen", objections=True, rule="consensus")
        respond_to_objection(chair, to_reopen, objection, "Clarified in clause 2.")
        ids.to_reopen = to_reopen.id
        adopted, _ = closed_round("Adopted")
        adopt_version(chair, db.session.get(Version, adopted.version_id))
        ids.adopted_round, ids.adopted_document = adopted.id, db.session.get(Version, adopted.version_id).document_id
        ids.support = submit_support(db.session.get(Version, adopted.version_id), name="Ada", sector="individual",
                                     email="ada@example.org").id
        ids.to_adopt_document = db.session.get(Version, ids.to_adopt).document_id
        ids.drafts = _drafts(chair, member, version, _first_clause)
        ids.word_review = _word_review(member, clause)
        db.session.commit()
    ids.orphans = _orphans(app, world, make)
    return ids


def _drafts(chair, member, version, first_clause):
    """Documents for the working-draft cases: one to open a draft on, one whose draft is discarded, one
    whose draft (an accepted amendment applied, a thread to carry) is published, and one with an editor."""
    from deliberation.models import DocumentEditor
    from deliberation.services.revision import amendments, drafts

    from .revision_helpers import amendment

    to_open = version("To revise").document_id
    to_discard = drafts.open_draft(chair, version("To discard").document).id
    published = version("To publish from a draft")
    clause = first_clause(published.id)
    comment = amendment(clause, member, clause.text.split()[0], "Replaced")
    draft = drafts.open_draft(chair, published.document)
    amendments.apply_amendment(chair, draft, comment.id)
    with_editor = version("With an editor").document
    db.session.add(DocumentEditor(document_id=with_editor.id, user_id=member.id))
    return SimpleNamespace(to_open=to_open, to_discard=to_discard, to_publish=draft.id,
                           with_editor=with_editor.id, member=member.id)


def _word_review(member, clause) -> int:
    """A reviewed Word file waiting for its uploader to confirm: two comments, so one can fail after the other."""
    from deliberation.models import WordReview

    items = [{"n": n, "kind": "comment", "clause_id": clause.id, "exact": None, "text": f"From Word {n}",
              "word_author": "Desk officer", "anchor_status": "exact"} for n in (1, 2)]
    review = WordReview(version_id=clause.version_id, uploader_id=member.id, filename="reviewed.docx", items=items,
                        status="pending", comment_ids=[])
    db.session.add(review)
    db.session.flush()
    return review.id


def _orphans(app, world, make):
    """Two orphaned annotations of one document: (document id, version 2's clause id, [anchor ids])."""
    from .test_reanchor_orphans import _orphans as orphans

    document_id, v2, lost, gone = orphans(app, world, make)
    with app.app_context():
        return document_id, _first_clause(v2).id, [lost[0], gone]


def _cases(app, world):
    """(name, user or None, method, url, form data or JSON) for every service that appends a record event."""
    ids = _setup(app, world)
    g, doc = world.group.slug, world.document.id
    comment = {kind: f"/api/v1/comments/{comment_id}" for kind, comment_id in ids.comments.items()}
    orphans_document, target_clause, (to_reattach, to_close) = ids.orphans
    return [
        ("create_document", world.chair, "POST", f"/groups/{g}/import",
         {"format": "markdown", "source": SAMPLE_DRAFT, "action": "publish", "title": "Halfway"}),
        ("invite", world.chair, "POST", f"/groups/{g}/invitations",
         {"email": "someone@example.org", "role": "member", "stakeholder": "government"}),
        ("accept_invitation", None, "POST", f"/invitations/{ids.invitation_secret}",
         {"name": "New Comer", "password": "a long password", "confirm": "a long password"}),
        ("create_working_group", world.admin, "POST", "/admin/groups/new", {"name": "Fresh group", "slug": "fresh-group"}),
        ("set_membership", world.admin, "POST", f"/admin/groups/{g}/chairs",
         {"email": world.outsider.email, "stakeholder": "government"}),
        ("add_stakeholder_group", world.chair, "POST", f"/groups/{g}/stakeholder-groups", {"key": "youth", "name": "Youth"}),
        ("rename_stakeholder_group", world.admin, "POST", f"/groups/{ids.quiet_group}/stakeholder-groups/rename",
         {"stakeholder_id": str(ids.stakeholder), "name": "Universities"}),
        ("update_settings", world.chair, "POST", f"/groups/{g}/settings",
         {"name": "Renamed group", "public": "y", "default_rule": "each_group", "default_threshold": "two_thirds",
          "default_quorum": "1/2"}),
        ("remove_membership", world.chair, "POST", f"/groups/{g}/members/{ids.observer_membership}/remove", {}),
        ("revoke_invitation", world.chair, "POST", f"/groups/{g}/invitations/{ids.invitation}/revoke", {}),
        ("create_token", world.member, "POST", "/account/tokens", {"name": "script"}),
        ("revoke_token", world.member, "POST", f"/account/tokens/{ids.token}/revoke", {}),
        ("update_profile", world.member, "POST", "/account/profile", {"name": "Renamed Member", "locale": ""}),
        ("delete_account", world.outsider, "POST", "/account/delete", {"password": PASSWORD}),
        ("suspend_account", world.admin, "POST", f"/admin/users/{world.other_group_member.id}/active", {}),
        ("update_document", world.chair, "POST", f"/documents/{doc}/settings", {"title": "Renamed", "public": "y"}),
        ("publish_version", world.chair, "POST", f"/api/v1/documents/{ids.published_document}/versions",
         {"format": "markdown", "source": SAMPLE_DRAFT + "\n## 3. Oversight\n\nIndependent oversight.\n"}),
        ("open_draft", world.chair, "POST", f"/api/v1/documents/{ids.drafts.to_open}/working-draft", {}),
        ("discard_draft", world.chair, "DELETE", f"/api/v1/working-drafts/{ids.drafts.to_discard}", {}),
        ("publish_draft", world.chair, "POST", f"/api/v1/working-drafts/{ids.drafts.to_publish}/publish",
         {"label": "From the draft", "note": "Halfway"}),
        ("add_editor", world.chair, "POST", f"/api/v1/documents/{doc}/editors", {"user_id": world.member.id}),
        ("remove_editor", world.chair, "DELETE",
         f"/api/v1/documents/{ids.drafts.with_editor}/editors/{ids.drafts.member}", {}),
        ("reattach_orphan", world.chair, "POST", f"/documents/{orphans_document}/orphans/{to_reattach}/reattach",
         {"clause_id": str(target_clause)}),
        ("close_orphan", world.chair, "POST", f"/documents/{orphans_document}/orphans/{to_close}/close", {}),
        ("post_comment", world.member, "POST", f"/api/v1/clauses/{ids.clause}/comments", {"body": "Halfway"}),
        ("confirm_word_review", world.member, "POST", f"/api/v1/reviews/{ids.word_review}/confirm", {}),
        ("edit_comment", world.member, "PATCH", comment["edit"], {"body": "Edited halfway"}),
        ("delete_comment", world.member, "DELETE", comment["delete"], {}),
        ("hide_comment", world.chair, "POST", f"{comment['hide']}/hide", {"reason": "Off topic"}),
        ("disposition", world.chair, "POST", f"{comment['dispose']}/disposition",
         {"disposition": "noted", "rationale": "Kept in mind."}),
        ("comment_type", world.chair, "POST", f"{comment['type']}/type", {"type": "editorial"}),
        ("resolve_thread", world.chair, "POST", f"{comment['resolve']}/resolve", {"resolved": True}),
        ("open_round", world.chair, "POST", f"/api/v1/versions/{world.document.current_version_id}/rounds",
         {"scope": "document"}),
        ("take_position", world.member, "POST", f"/api/v1/rounds/{ids.to_vote}/positions", {"position": "endorse"}),
        ("submit_ballot", world.member, "POST", f"/rounds/{ids.ballot}/ballot",
         {f"position-{ids.ballot_item}": "endorse"}),
        ("close_round", world.chair, "POST", f"/api/v1/rounds/{ids.to_close}/close", {}),
        ("reopen_round", world.chair, "POST", f"/api/v1/rounds/{ids.to_reopen}/reopen", {}),
        ("close_due_round", None, "GET", f"/rounds/{ids.due}", None),
        ("designate", world.chair, "POST", f"/rounds/{ids.closed}/items/{ids.item}/designation",
         {"designation": "strong_support", "note": "Two objections."}),
        ("minority_statement", world.member, "POST", f"/rounds/{ids.closed}/items/{ids.item}/statements",
         {"body": "We still think it too vague."}),
        ("close_statements", world.chair, "POST", f"/rounds/{ids.adopted_round}/statements", {"accept": "0"}),
        ("respond_to_objection", world.chair, "POST", f"/objections/{ids.answered}/response",
         {"response": "Clarified in the next version."}),
        ("withdraw_objection", world.members["civil_society"][1], "POST", f"/objections/{ids.withdrawn}/withdraw", {}),
        ("adopt_version", world.chair, "POST", f"/documents/{ids.to_adopt_document}/versions/1/adopt", {}),
        ("submit_support", None, "POST", f"/documents/{ids.adopted_document}/versions/1/support",
         {"name": "Bo", "sector": "individual", "email": "bo@example.org"}),
        ("review_support", world.chair, "POST", f"/supports/{ids.support}/review", {"decision": "verify"}),
    ]


def _send(client, method, url, body, token):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.open(url, method=method, json=body, headers={"X-CSRFToken": token})
    return client.open(url, method=method, data={**body, "csrf_token": token})


def test_a_request_failing_halfway_writes_nothing(app, world, monkeypatch):
    cases = _cases(app, world)
    assert sorted(case[0] for case in cases) == sorted(CASE_SERVICES)
    for name, user, method, url, body in cases:
        client = app.test_client()
        if user is not None:
            sign_in(client, user)
        token = None if method == "GET" else csrf_token(client, url if user is None else "/account")
        before, seen = snapshot(app), set()
        n = 1
        while True:
            with monkeypatch.context() as patch:
                _fail_on_call(patch, n, seen)
                response = _send(client, method, url, body, token)
            if response.status_code < 400:
                break  # fewer than n appends: every failure point has been tried
            assert response.status_code == 500, (name, n, response.status_code, response.data[:300])
            assert b"Traceback" not in response.data and b"injected failure" not in response.data
            assert snapshot(app) == before, f"{name}: failing at record append {n} left rows behind"
            n += 1
        assert n > 1, f"{name} appended no record event"
        assert snapshot(app) != before, f"{name} did nothing even without a failure"
        assert set(CASE_SERVICES[name]) <= seen, f"{name} did not go through {sorted(set(CASE_SERVICES[name]) - seen)}"


def test_realtime_emit_failures_do_not_fail_the_request(app, client, world, monkeypatch, caplog):
    """flush_events runs after the commit; a broken emit is logged and the posted comment stays."""
    def broken(*_args, **_kwargs):
        raise ConnectionError("message queue down")

    monkeypatch.setattr(socketio, "emit", broken)
    with app.app_context():
        headers = {"Authorization": "Bearer " + create_token(db.session.merge(world.member))[1]}
        clause_id = db.session.scalar(select(Clause.id).where(Clause.version_id == world.document.current_version_id)
                                      .limit(1))
        db.session.commit()
    caplog.set_level(logging.WARNING, logger="deliberation.realtime")
    response = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "Still here"}, headers=headers)
    assert response.status_code == 201
    assert any("realtime: could not emit" in r.getMessage() for r in caplog.records)
    assert client.get(f"/api/v1/comments/{response.get_json()['id']}", headers=headers).status_code == 200


# Redis: a forwarder in front of the real server stands in for Redis going away and coming back.

def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Forwarder:
    """TCP forwarding from `port` to the real Redis while started."""

    def __init__(self, port: int, target: int = 6379):
        self.port, self.target, self.server, self.sockets = port, target, None, []

    def start(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        if self.server is not None:
            self.server.close()
        for s in self.sockets:
            s.close()


def _site(tmp_path, monkeypatch, **config):
    """An app of its own (SQLite) with a group, a member and a document, for fault settings."""
    app = separate_app(tmp_path, monkeypatch, "faults", **config)
    with app.app_context():
        make = Factory()
        group = make.group()
        chair = make.member(group, "chair", "government")
        member = make.member(group)
        document = make.document(group, chair)
        clause_id = db.session.scalar(select(Clause.id).where(Clause.version_id == document.current_version_id).limit(1))
        headers = {"Authorization": "Bearer " + create_token(member)[1]}
        db.session.commit()
        return app, member.email, document.id, clause_id, headers


@pytest.mark.skipif(not _port_open(6379), reason="no Redis on 127.0.0.1:6379 to come back to")
def test_redis_down_the_site_keeps_serving_and_recovers(tmp_path, monkeypatch, caplog):
    import redis

    port, channel = _free_port(), f"faults-{uuid.uuid4().hex[:8]}"
    # Redis is down before the app starts: creating it must not fail.
    app, _email, document_id, clause_id, headers = _site(tmp_path, monkeypatch, REDIS_URL=f"redis://127.0.0.1:{port}/0",
                                                         SOCKETIO_CHANNEL=channel)
    client = app.test_client()
    caplog.set_level(logging.ERROR, logger="socketio")
    assert client.get(f"/documents/{document_id}/versions/1").status_code == 200
    posted = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "While Redis is down"}, headers=headers)
    assert posted.status_code == 201  # saved, just not live
    assert any("Cannot publish to redis" in r.getMessage() for r in caplog.records)

    listener = redis.Redis.from_url("redis://127.0.0.1:6379/0").pubsub()
    listener.subscribe(channel)
    listener.get_message(timeout=2)  # the subscription confirmation
    forwarder = Forwarder(port)
    forwarder.start()
    try:
        again = client.post(f"/api/v1/clauses/{clause_id}/comments", json={"body": "Redis is back"}, headers=headers)
        assert again.status_code == 201
        message = listener.get_message(timeout=5)
        assert message is not None and b"comment_created" in message["data"]
    finally:
        forwarder.stop()
        listener.close()


def test_rate_limits_survive_their_store_going_away(app, client, world, caplog):
    """With the limit store unreachable, limits fall back to memory and sign-in keeps working."""
    caplog.set_level(logging.WARNING)
    enable_limits(app, f"redis://127.0.0.1:{_free_port()}/0", sign_in="2 per minute")
    statuses = [client.post("/sign-in", data={"email": world.member.email, "password": "wrong password!",
                                              "csrf_token": csrf_token(client, "/sign-in")}).status_code
                for _ in range(3)]
    assert statuses == [400, 400, 429]
    other = app.test_client()
    assert other.post("/sign-in", data={"email": world.member.email, "password": PASSWORD,
                                        "csrf_token": csrf_token(other, "/sign-in")},
                      environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302
    assert any("back-off unavailable" in r.getMessage() for r in caplog.records)


# Losing the database

DEAD_DATABASES = {
    "sqlite": lambda tmp_path: f"sqlite:///{tmp_path}/no/such/directory/site.sqlite3",
    "postgresql": lambda tmp_path: "postgresql+psycopg://postgres@127.0.0.1:1/gone?connect_timeout=2",
}


@pytest.mark.parametrize("backend", sorted(DEAD_DATABASES))
def test_losing_the_database_gives_503_not_a_stack_trace(tmp_path, monkeypatch, backend):
    app = separate_app(tmp_path, monkeypatch, "dead", create_tables=False,
                       SQLALCHEMY_DATABASE_URI=DEAD_DATABASES[backend](tmp_path))
    anonymous = app.test_client()
    signed_in = app.test_client()
    with signed_in.session_transaction() as session:  # a session from before the outage
        session["_user_id"], session["_fresh"] = "1:0", True
    for client in (anonymous, signed_in):
        page = client.get("/")
        assert page.status_code == 503 and b"Briefly unavailable" in page.data
        for leak in (b"Traceback", b"OperationalError", b"sqlite3", b"psycopg", b"127.0.0.1"):
            assert leak not in page.data
        api = client.get("/api/v1/documents")
        assert api.status_code == 503 and api.get_json()["error"]["code"] == "unavailable"
    token = csrf_token(anonymous, "/sign-in")
    post = anonymous.post("/sign-in", data={"email": "a@example.org", "password": "whatever it is", "csrf_token": token})
    assert post.status_code == 503


def test_an_app_without_redis_after_one_with_it_has_no_message_queue(tmp_path, monkeypatch):
    """The SocketIO object is shared: a later app made without REDIS_URL must not inherit the queue."""
    import socketio as python_socketio

    separate_app(tmp_path, monkeypatch, "queued", REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")
    assert isinstance(socketio.server.manager, python_socketio.PubSubManager)
    monkeypatch.delenv("REDIS_URL", raising=False)  # the CI pass on Redis sets it for every app
    separate_app(tmp_path, monkeypatch, "plain", REDIS_URL=None)
    assert not isinstance(socketio.server.manager, python_socketio.PubSubManager)

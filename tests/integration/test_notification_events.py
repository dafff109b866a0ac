"""Every event that asks something of someone reaches them: in the app, and over real SMTP (the
aiosmtpd server of tests/mail_server.py), never about what they may no longer read."""
from datetime import timedelta

from sqlalchemy import delete, select, update

from deliberation.extensions import db
from deliberation.models import Clause, MailMessage, Membership, Notification, Position, Round, User
from deliberation.models._base import utcnow
from deliberation.services.mailing.queue import drain, wait_for_mail
from deliberation.services.objections import respond_to_objection
from deliberation.services.positions import take_position
from deliberation.services.rounds import close_round

from .test_api import _token


def _kinds(app, user, kind=None):
    with app.app_context():
        query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(db.session.scalars(query))


def _clauses(app, version_id):
    with app.app_context():
        return list(db.session.scalars(select(Clause.id).where(Clause.version_id == version_id)
                                       .order_by(Clause.position)))


def _open(app, client, world, document=None, **body):
    document = document or world.document
    body = {"scope": "document", "rule": "consensus", "threshold": "majority", "quorum": "1/2", **body}
    response = client.post(f"/api/v1/versions/{document.current_version_id}/rounds",
                           headers=_token(app, world.chair), json=body)
    assert response.status_code == 201, response.get_json()
    wait_for_mail()  # the worker's writes done before the test writes from its own (deferred) transactions
    return response.get_json()["id"]


def test_opening_a_round_asks_every_eligible_voter_with_its_closing_time(app, client, world, smtp_server):
    closes = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    round_id = _open(app, client, world, closes_at=closes.isoformat())
    wait_for_mail()
    member = world.members["academia"][0]
    [note] = _kinds(app, member)
    assert note.kind == "round_opened" and note.round_id == round_id and note.data["closes_at"]
    assert _kinds(app, world.observer) == [] and _kinds(app, world.outsider) == []
    assert _kinds(app, world.chair) == []  # the chair who opened it
    [message] = smtp_server.to(member.email)
    assert "is open for your position until" in message["Subject"] and "Sample recommendations" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert f"https://deliberation.example.org/rounds/{round_id}" in text
    # 8 members: each gets one e-mail
    assert len({m["To"] for m in smtp_server.messages}) == 8


def test_closing_soon_warns_only_who_has_not_answered_once(app, client, world, smtp_server):
    round_id = _open(app, client, world, closes_at=(utcnow() + timedelta(hours=20)).isoformat())
    done, pending = world.members["government"][0], world.members["government"][1]
    with app.app_context():
        take_position(db.session.get(User, done.id), db.session.get(Round, round_id), clause_id=None,
                      position="endorse")
        db.session.commit()
    runner = app.test_cli_runner()
    assert "Told 8 members" in runner.invoke(args=["close-due-rounds"]).output
    assert "Told" not in runner.invoke(args=["close-due-rounds"]).output  # once per round
    assert [n.kind for n in _kinds(app, pending, "round_closing")] == ["round_closing"]
    assert _kinds(app, done, "round_closing") == []
    assert any("closes at" in m["Subject"] for m in smtp_server.to(pending.email))


def test_closing_tells_the_outcome_and_an_answered_objection_tells_the_objector(app, client, world, smtp_server):
    round_id = _open(app, client, world)
    objector = world.members["civil_society"][0]
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        take_position(db.session.get(User, objector.id), round_, clause_id=None, position="object",
                      statement="This breaks the mandate.", formal=True)
        db.session.commit()
        close_round(db.session.get(User, world.chair.id), db.session.get(Round, round_id))
        db.session.commit()
        position = db.session.scalar(select(Position).where(Position.round_id == round_id))
        respond_to_objection(db.session.get(User, world.chair.id), db.session.get(Round, round_id), position,
                             "We changed clause 2 to answer it.")
        db.session.commit()
        drain()
    [closed] = _kinds(app, objector, "round_closed")
    assert closed.data["outcomes"] == {"document": "blocked"}
    [answered] = _kinds(app, objector, "objection")
    assert answered.data["event"] == "answered" and "clause 2" in answered.excerpt
    subjects = [m["Subject"] for m in smtp_server.to(objector.email)]
    assert any("has closed: the whole document blocked by a formal objection" in s for s in subjects)
    assert any("answered your formal objection" in s for s in subjects)


def test_a_new_version_reaches_the_group_in_the_daily_digest(app, client, world, smtp_server):
    member = world.members["academia"][1]
    response = client.post(f"/api/v1/documents/{world.document.id}/versions", headers=_token(app, world.chair),
                           json={"format": "markdown", "source": "# 1 Scope\n\nNew text.\n\n# 2 Next\n\nMore."})
    assert response.status_code == 201, response.get_json()
    [note] = _kinds(app, member, "version_published")
    assert note.mailed_at is None  # daily by default: waits for the digest
    wait_for_mail()
    assert smtp_server.to(member.email) == []
    assert _kinds(app, world.other_group_member) == []  # another group's member


def test_mail_about_a_document_the_member_may_no_longer_read_is_dropped(app, client, world, smtp_server):
    member = world.members["academia"][0]
    app.config["MAIL_BACKGROUND"] = False
    _open(app, client, world, document=world.private_document)
    with app.app_context():
        db.session.execute(delete(Membership).where(Membership.user_id == member.id))
        db.session.commit()
        counts = drain()
        assert counts["dropped"] == 1 and counts["sent"] == 7
        assert db.session.scalar(select(MailMessage.status).where(MailMessage.recipient == member.email)) == "dropped"
    assert smtp_server.to(member.email) == []
    # and the list no longer shows it
    from ..conftest import sign_in
    sign_in(client, member)
    assert "is open for your position" not in client.get("/notifications").data.decode()


def test_a_failed_send_is_retried_with_back_off_and_never_fails_the_request(app, client, world, smtp_server):
    smtp_server.fail_next = 1
    app.config["MAIL_BACKGROUND"] = False
    response = client.post(f"/api/v1/versions/{world.document.current_version_id}/rounds",
                           headers=_token(app, world.chair),
                           json={"scope": "document", "rule": "consensus", "threshold": "majority", "quorum": "1/2"})
    assert response.status_code == 201
    with app.app_context():
        counts = drain()
        assert counts["retry"] == 1 and counts["sent"] == 7
        row = db.session.scalar(select(MailMessage).where(MailMessage.attempts == 1, MailMessage.status == "queued"))
        assert row.next_attempt_at > utcnow() + timedelta(seconds=50) and "451" in row.last_error
        assert drain()["sent"] == 0  # not due yet
        db.session.execute(update(MailMessage).where(MailMessage.id == row.id).values(next_attempt_at=utcnow()))
        db.session.commit()
        assert drain()["sent"] == 1
        assert db.session.get(MailMessage, row.id).attempts == 2
    assert len(smtp_server.messages) == 8


def test_an_invitation_arrives_with_its_link(app, client, world, smtp_server):
    from ..conftest import csrf_token, sign_in

    sign_in(client, world.chair)
    token = csrf_token(client, f"/groups/{world.group.slug}/members")
    response = client.post(f"/groups/{world.group.slug}/invitations",
                           data={"csrf_token": token, "email": "newcomer@example.org", "role": "observer",
                                 "stakeholder": ""})
    assert response.status_code == 201, response.data[:500]
    wait_for_mail()
    [message] = smtp_server.to("newcomer@example.org")
    assert "Invitation to Free and Secure" == message["Subject"]
    assert "https://deliberation.example.org/invitations/" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None


def test_following_a_thread_or_a_clause_from_the_page(app, client, world):
    from ..conftest import csrf_token, sign_in
    from .comments_support import clauses as clause_rows, post

    clause = clause_rows(app, world.document.current_version_id)[1]
    root = post(app, world.member, clause["id"], "Root.")
    follower = world.members["academia"][1]
    sign_in(client, follower)
    page = client.get(f"/comments/{root}", follow_redirects=True).data.decode()
    assert "Follow thread" in page
    token = csrf_token(client, f"/comments/{root}")
    assert client.post(f"/comments/{root}/follow", data={"csrf_token": token}).status_code == 302
    assert "Unfollow thread" in client.get(f"/comments/{root}", follow_redirects=True).data.decode()
    assert client.post(f"/clauses/{clause['id']}/follow", data={"csrf_token": token}).status_code == 302
    post(app, world.chair, clause["id"], "A reply.", parent_id=root)
    post(app, world.chair, clause["id"], "A new thread.")
    notes = _kinds(app, follower, "reply")
    assert [n.data.get("following") for n in notes] == [True, True]
    assert [(n.kind, n.actor_id) for n in _kinds(app, world.member)] == [("reply", world.chair.id)]  # the author
    client.post(f"/comments/{root}/follow", data={"csrf_token": token, "follow": "0"})
    client.post(f"/clauses/{clause['id']}/follow", data={"csrf_token": token, "follow": "0"})
    post(app, world.chair, clause["id"], "Another reply.", parent_id=root)
    assert len(_kinds(app, follower, "reply")) == 2
    # someone who may not read the document cannot follow its threads
    outsider = app.test_client()
    sign_in(outsider, world.outsider)
    private_clause = clause_rows(app, world.private_document.current_version_id)[0]
    private_root = post(app, world.chair, private_clause["id"], "Private.")
    token = csrf_token(outsider, "/")
    assert outsider.post(f"/comments/{private_root}/follow", data={"csrf_token": token}).status_code == 404
    assert outsider.post(f"/clauses/{private_clause['id']}/follow", data={"csrf_token": token}).status_code == 404


def test_chairs_hear_of_new_comments_batched(app, world):
    from .comments_support import clauses as clause_rows, post

    clause = clause_rows(app, world.document.current_version_id)[1]
    for text in ("One.", "Two.", "Three."):
        post(app, world.members["academia"][0], clause["id"], text)
    [batched] = _kinds(app, world.chair, "new_comments")
    assert batched.data["count"] == 3 and batched.mailed_at is None

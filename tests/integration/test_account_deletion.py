"""Deleting an account keeps the record intact: the person is anonymised, their words and the chain stay."""
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import ApiToken, Clause, Comment, Invitation, Membership, RecordEvent, User
from deliberation.services.accounts import create_token
from deliberation.services.groups import invite
from deliberation.services.record import append_event, verify_chain

from ..conftest import PASSWORD, csrf_token, sign_in

BODY = "My words on the preamble stay in the record."


def _comment_and_token(app, world, user):
    """A comment written by the user (as the comments feature stores it) and an API token of theirs."""
    with app.app_context():
        author = db.session.get(User, user.id)
        clause = db.session.scalar(select(Clause).where(Clause.version_id == world.document.current_version_id)
                                   .order_by(Clause.position).limit(1))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == author.id))
        comment = Comment(document_id=world.document.id, version_id=clause.version_id, clause_id=clause.id,
                          author_id=author.id, stakeholder_group_id=membership.stakeholder_group_id,
                          body_source=BODY, body_html=f"<p>{BODY}</p>")
        db.session.add(comment)
        db.session.flush()
        append_event("comment.posted", actor=author, subject=comment, working_group_id=world.group.id,
                     document_id=world.document.id, public=True)
        _token, plain = create_token(author, "script")
        db.session.commit()
        return comment.id, plain


def _chain(app):
    with app.app_context():
        return list(db.session.execute(select(RecordEvent.seq, RecordEvent.hash, RecordEvent.actor_name,
                                              RecordEvent.payload).order_by(RecordEvent.seq)))


def test_member_deletes_their_own_account(app, client, world):
    member = world.member
    comment_id, token = _comment_and_token(app, world, member)
    other_device = sign_in(app.test_client(), member)
    sign_in(client, member)
    before = _chain(app)

    wrong = client.post("/account/delete", data={"password": "not my password", "csrf_token": csrf_token(client, "/account")})
    assert wrong.status_code == 400 and b"That is not your password" in wrong.data
    assert _chain(app) == before

    done = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf_token(client, "/account")})
    assert done.status_code == 302
    assert done.headers["Clear-Site-Data"] == '"cache", "storage"'  # as on signing out
    with app.app_context():
        user = db.session.get(User, member.id)
        assert user.deleted_at is not None and not user.is_active
        assert user.name == user.display_name == "Former member"
        assert member.email not in user.email and member.handle != user.handle and user.password_hash is None
        assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)) == 0
        assert db.session.scalar(select(func.count()).select_from(Membership).where(Membership.user_id == user.id)) == 0
        comment = db.session.get(Comment, comment_id)
        assert comment.body_source == BODY and comment.author_id == user.id
        assert verify_chain().ok
    after = _chain(app)
    assert after[:len(before)] == before  # nothing written before was touched
    kinds = [kind for kind, in _kinds_after(app, before[-1][0])]
    assert kinds == ["membership.removed", "account.deleted"]
    assert all(name == "Former member" for _seq, _hash, name, _payload in after[len(before):])

    # Every way in is closed: this browser, the other device, the token, the old password.
    assert client.get("/account").status_code == 302
    assert other_device.get("/account").status_code == 302
    assert client.get("/api/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = client.post("/sign-in", data={"email": member.email, "password": PASSWORD,
                                          "csrf_token": csrf_token(client, "/sign-in")})
    assert again.status_code == 400
    # The group's pages no longer name the person.
    reader = sign_in(app.test_client(), world.chair)
    for url in (f"/groups/{world.group.slug}/members", f"/documents/{world.document.id}/versions/1"):
        assert member.name.encode() not in reader.get(url).data, url


def _kinds_after(app, seq):
    with app.app_context():
        return db.session.execute(select(RecordEvent.kind).where(RecordEvent.seq > seq).order_by(RecordEvent.seq)).all()


def test_admin_deletes_an_account_after_confirming_their_password(app, client, world):
    observer = world.observer
    with app.app_context():
        chair = db.session.merge(world.chair)
        invitation, _secret = invite(chair, db.session.merge(world.group), "later@example.org", "observer", None)
        invitation.email = observer.email  # an invitation still waiting for this address
        db.session.commit()
    sign_in(client, world.admin)
    url = f"/admin/users/{observer.id}/delete"
    page = client.get(url)
    assert page.status_code == 200 and observer.email.encode() in page.data
    assert client.post(url, data={"password": "wrong", "csrf_token": csrf_token(client, url)}).status_code == 400
    assert client.post(url, data={"password": PASSWORD, "csrf_token": csrf_token(client, url)}).status_code == 302
    with app.app_context():
        user = db.session.get(User, observer.id)
        assert user.deleted_at is not None and user.name == "Former member"
        pending = db.session.scalar(select(Invitation))
        assert pending.revoked_at is not None and pending.email != observer.email
        assert verify_chain().ok
        event = db.session.scalar(select(RecordEvent).order_by(RecordEvent.seq.desc()).limit(1))
        assert (event.kind, event.actor_id, event.payload) == ("account.deleted", world.admin.id, {"by": "admin"})
    assert b"deleted" in client.get("/admin").data
    assert client.get(url).status_code == 404  # already deleted


def test_a_group_keeps_a_chair_and_the_site_an_admin(app, client, world):
    sign_in(client, world.chair)  # the only chair of the group
    response = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 409 and b"would have no chair left" in response.data
    admin = sign_in(app.test_client(), world.admin)  # the only admin
    response = admin.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf_token(admin, "/account")})
    assert response.status_code == 409 and b"no administrator left" in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.deleted_at.is_not(None))) == 0

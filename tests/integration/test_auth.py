"""Signing in and out, sessions, invitations and account settings."""
import re

from deliberation.extensions import db
from deliberation.models import Invitation, Membership, User
from deliberation.models._base import utcnow
from deliberation.services.groups import invite

from ..conftest import PASSWORD, csrf_token, sign_in


def test_sign_in_and_out(client, world):
    sign_in(client, world.member)
    assert world.member.name.encode() in client.get("/").data
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert b"Sign in" in client.get("/").data


def test_wrong_password_and_unknown_account_get_the_same_message(client, world):
    token = csrf_token(client, "/sign-in")
    wrong = client.post("/sign-in", data={"email": world.member.email, "password": "nope-nope-nope", "csrf_token": token})
    unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": "nope-nope-nope", "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 400
    message = b"That e-mail address and password do not match an account."
    assert message in wrong.data and message in unknown.data


def test_sign_in_requires_csrf(client, world):
    response = client.post("/sign-in", data={"email": world.member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"Sign out" not in client.get("/").data


def test_sign_in_redirects_only_to_own_site(client, world):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": world.member.email, "password": PASSWORD,
                                             "csrf_token": token, "next": "//evil.example/x"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_session_cookie_flags(client, world):
    sign_in(client, world.member)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_session_is_renewed_at_sign_in(client, world):
    client.get("/sign-in")
    before = client.get_cookie("session").value
    sign_in(client, world.member)
    assert client.get_cookie("session").value != before


def _invite(app, world, email="new.person@example.org", role="member", sector="academia"):
    with app.app_context():
        group = db.session.merge(world.group)
        chair = db.session.merge(world.chair)
        _invitation, secret = invite(chair, group, email, role, sector, affiliation="Uni")
        db.session.commit()
    return secret


def test_invitation_creates_account_and_membership(app, client, world):
    secret = _invite(app, world)
    page = client.get(f"/invitations/{secret}")
    assert page.status_code == 200 and b"new.person@example.org" in page.data
    response = client.post(f"/invitations/{secret}", data={
        "name": "New Person", "password": "a long password", "confirm": "a long password",
        "csrf_token": csrf_token(client, f"/invitations/{secret}")})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.query(User).filter_by(email="new.person@example.org").one()
        membership = db.session.query(Membership).filter_by(user_id=user.id).one()
        assert membership.role == "member" and membership.stakeholder_group.key == "academia"
        assert membership.affiliation == "Uni"
    # Reusing the link fails clearly.
    again = client.get(f"/invitations/{secret}")
    assert again.status_code == 410 and b"expired or has already been used" in again.data


def test_expired_invitation(app, client, world):
    secret = _invite(app, world)
    with app.app_context():
        invitation = db.session.query(Invitation).one()
        invitation.expires_at = utcnow().replace(year=2000)
        db.session.commit()
    assert client.get(f"/invitations/{secret}").status_code == 410
    assert client.get("/invitations/not-a-real-token").status_code == 410


def test_invitation_form_errors_write_nothing(app, client, world):
    secret = _invite(app, world)
    response = client.post(f"/invitations/{secret}", data={
        "name": "X", "password": "short", "confirm": "short", "csrf_token": csrf_token(client, f"/invitations/{secret}")})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(User).filter_by(email="new.person@example.org").count() == 0


def test_chair_invites_through_the_page_and_sees_the_link(client, world):
    sign_in(client, world.chair)
    response = client.post(f"/groups/{world.group.slug}/invitations", data={
        "email": "someone@example.org", "role": "member", "stakeholder": "government",
        "csrf_token": csrf_token(client)})
    assert response.status_code == 201
    assert re.search(rb"/invitations/[A-Za-z0-9_-]{20,}", response.data)


def test_invite_bad_input(client, world):
    sign_in(client, world.chair)
    token = csrf_token(client)
    unknown = client.post(f"/groups/{world.group.slug}/invitations", data={
        "email": "x@example.org", "role": "member", "stakeholder": "", "csrf_token": token})
    assert unknown.status_code == 400 and b"belong to a stakeholder group" in unknown.data
    duplicate = client.post(f"/groups/{world.group.slug}/invitations", data={
        "email": world.member.email, "role": "member", "stakeholder": "government", "csrf_token": token})
    assert duplicate.status_code == 400 and b"already in this working group" in duplicate.data


def test_api_tokens_are_shown_once_and_revocable(app, client, world):
    sign_in(client, world.member)
    response = client.post("/account/tokens", data={"name": "script", "csrf_token": csrf_token(client, "/account")})
    token = re.search(rb"dlb_[A-Za-z0-9_-]+", response.data).group(0).decode()
    api = app.test_client()
    assert api.get("/api/v1/working-groups", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert token.encode() not in client.get("/account").data  # shown once only
    with app.app_context():
        from deliberation.models import ApiToken
        token_id = db.session.query(ApiToken).one().id
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/account")})
    assert api.post("/api/v1/documents", json={}, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_sign_out_everywhere_ends_other_sessions(app, client, world):
    other = app.test_client()
    sign_in(client, world.member)
    sign_in(other, world.member)
    client.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_session_fixation_a_planted_session_is_not_carried_into_sign_in(app, world):
    attacker = app.test_client()
    attacker.get("/sign-in")
    with attacker.session_transaction() as planted_session:
        planted_session["planted"] = "attacker's marker"
    planted = attacker.get_cookie("session").value
    victim = app.test_client()
    victim.set_cookie("session", planted, domain="localhost")
    sign_in(victim, world.member)
    assert victim.get_cookie("session").value != planted
    with victim.session_transaction() as session:
        assert "planted" not in session  # session.clear() at sign-in: nothing from before survives
    assert attacker.get("/account").status_code == 302  # the planted cookie never became a signed-in one


def test_sign_out_everywhere_also_ends_remembered_devices(app, client, world):
    client.post("/sign-in", data={"email": world.member.email, "password": PASSWORD, "remember": "y",
                                  "csrf_token": csrf_token(client, "/sign-in")})
    remembered = client.get_cookie("remember_token").value
    laptop = app.test_client()
    laptop.set_cookie("remember_token", remembered, domain="localhost")
    assert laptop.get("/account").status_code == 200  # a remembered device signs in without a session
    client.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(client, "/account")})
    stolen = app.test_client()
    stolen.set_cookie("remember_token", remembered, domain="localhost")
    assert stolen.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 302


def test_changing_the_password_ends_remembered_devices_and_keeps_this_one(app, client, world):
    client.post("/sign-in", data={"email": world.member.email, "password": PASSWORD, "remember": "y",
                                  "csrf_token": csrf_token(client, "/sign-in")})
    laptop = app.test_client()
    laptop.set_cookie("remember_token", client.get_cookie("remember_token").value, domain="localhost")
    assert laptop.get("/account").status_code == 200
    changed = client.post("/account/password", data={"current": PASSWORD, "password": "a-new-long-password",
                                                     "confirm": "a-new-long-password",
                                                     "csrf_token": csrf_token(client, "/account")})
    assert changed.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "You are signed out on every other device." in page and "Your API tokens still work" in page
    assert laptop.get("/account").status_code == 302
    # This browser is still remembered, with the new sign-in: without its session it signs in again.
    again = app.test_client()
    again.set_cookie("remember_token", client.get_cookie("remember_token").value, domain="localhost")
    assert again.get("/account").status_code == 200


def test_tokens_are_listed_by_prefix_and_stored_only_as_digests(app, client, world):
    import hashlib

    from deliberation.models import ApiToken

    sign_in(client, world.member)
    plain = []
    for name in ("laptop", "server"):
        page = client.post("/account/tokens", data={"name": name, "csrf_token": csrf_token(client, "/account")})
        plain.append(re.search(rb"dlb_[A-Za-z0-9_-]+", page.data).group(0).decode())
    listing = client.get("/account").data
    for token in plain:
        assert token[:10].encode() in listing and token.encode() not in listing
    assert b"laptop" in listing and b"server" in listing
    with app.app_context():
        rows = db.session.query(ApiToken).order_by(ApiToken.id).all()
        assert [row.token_hash for row in rows] == [hashlib.sha256(t.encode()).hexdigest() for t in plain]
        assert not any(token in str(vars(row)) for row in rows for token in plain)
        laptop_id = rows[0].id
    client.post(f"/account/tokens/{laptop_id}/revoke", data={"csrf_token": csrf_token(client, "/account")})
    api = app.test_client()
    assert api.get("/api/v1/documents", headers={"Authorization": f"Bearer {plain[0]}"}).status_code == 401
    assert api.get("/api/v1/documents", headers={"Authorization": f"Bearer {plain[1]}"}).status_code == 200
    assert b"revoked" in client.get("/account").data


def test_change_password_and_profile_through_the_settings_page(app, client, world):
    sign_in(client, world.member)
    token = csrf_token(client, "/account")
    wrong = client.post("/account/password", data={"current": "not it", "password": "a-new-long-password",
                                                   "confirm": "a-new-long-password", "csrf_token": token})
    assert wrong.status_code == 400 and b"That is not your current password." in wrong.data
    changed = client.post("/account/password", data={"current": PASSWORD, "password": "a-new-long-password",
                                                     "confirm": "a-new-long-password", "csrf_token": token})
    assert changed.status_code == 302
    assert "Your password is changed." in client.get("/account").get_data(as_text=True)
    sign_in(app.test_client(), world.member, password="a-new-long-password")

    renamed = client.post("/account/profile", data={"name": "Ada Lovelace-Byron", "locale": "",
                                                    "csrf_token": csrf_token(client, "/account")})
    assert renamed.status_code == 302
    assert "Your profile is saved." in client.get("/account").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.member.id).name == "Ada Lovelace-Byron"
    empty = client.post("/account/profile", data={"name": "", "locale": "",
                                                  "csrf_token": csrf_token(client, "/account")})
    assert empty.status_code == 400

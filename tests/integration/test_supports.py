"""Adopting a version after a round, and expressions of support: the public form (no account, CSRF),
the chair's verification, the public list by sector; e-mail addresses never shown publicly."""
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import RecordEvent, Round, Support, User, Version
from deliberation.services.positions import take_position
from deliberation.services.rounds import close_round, open_round

from ..conftest import count_queries, csrf_token, sign_in


def _run_round(app, world, positions: dict):
    """A closed whole-document round in which each member listed took the given position."""
    with app.app_context():
        version = db.session.get(Version, world.document.current_version_id)
        round_ = open_round(db.session.get(User, world.chair.id), version, scope="document", rule="each_group",
                            threshold="majority", quorum="1/2")
        for user, position in positions.items():
            take_position(db.session.get(User, user.id), round_, clause_id=None, position=position,
                          statement="Reason." if position == "object" else None)
        close_round(db.session.get(User, world.chair.id), round_)
        db.session.commit()
        return round_.id


def _adopt(client, world):
    url = f"/documents/{world.document.id}/versions/1/adopt"
    return client.post(url, data={"csrf_token": csrf_token(client, f"/documents/{world.document.id}/versions/1")})


def _support_count(app, **where):
    with app.app_context():
        query = select(func.count()).select_from(Support)
        for name, value in where.items():
            query = query.where(getattr(Support, name) == value)
        return db.session.scalar(query)


def test_adoption_needs_a_round_that_adopted_the_document(app, client, world):
    sign_in(client, world.chair)
    assert _adopt(client, world).status_code == 409
    _run_round(app, world, {world.members["government"][0]: "object", world.member: "endorse"})
    assert _adopt(client, world).status_code == 409  # that round did not adopt it
    everyone = {user: "endorse" for users in world.members.values() for user in users}
    round_id = _run_round(app, world, everyone)
    page = client.get(f"/rounds/{round_id}")
    assert b"Mark Discussion draft 1 adopted" in page.data
    assert _adopt(client, world).status_code == 302
    with app.app_context():
        assert db.session.get(Version, world.document.current_version_id).status == "adopted"
        assert db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "version.adopted")).public
    assert b"Expressions of support" in client.get(f"/documents/{world.document.id}/versions/1").data
    assert _adopt(client, world).status_code == 409
    assert client.post(f"/documents/{world.document.id}/versions/1/rounds/new", data={
        "csrf_token": csrf_token(client, "/"), "scope": "document", "rule": "each_group", "threshold": "majority",
        "quorum": "1/2"}).status_code == 409  # an adopted version takes no new round


def test_support_before_adoption_is_refused(app, client, world):
    url = f"/documents/{world.document.id}/versions/1/support"
    assert b"open once this version is adopted" in client.get(url).data
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Ada", "sector": "individual",
                                      "email": "ada@example.org"})
    assert response.status_code == 409 and _support_count(app) == 0


def test_submit_verify_and_list_by_sector(app, client, world):
    _run_round(app, world, {user: "endorse" for users in world.members.values() for user in users})
    chair = app.test_client()
    sign_in(chair, world.chair)
    assert _adopt(chair, world).status_code == 302
    url = f"/documents/{world.document.id}/versions/1/support"
    token = csrf_token(client, url)
    refused = [({"name": "Ada", "sector": "individual", "email": "not-an-address"}, b"valid e-mail"),
               ({"name": "", "sector": "individual", "email": "ada@example.org"}, b"required"),
               ({"name": "Ada", "sector": "aliens", "email": "ada@example.org"}, b"Not a valid choice")]
    for data, message in refused:
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 400 and message in response.data, data
    assert client.post(url, data={"name": "Ada", "sector": "individual", "email": "a@example.org"}).status_code == 400
    supporters = [("Ada Lovelace", "Analytical Society", "academia", "ada@example.org"),
                  ("Open Rights", "Open Rights Group", "civil_society", "info@openrights.example"),
                  ("Spammer", "", "individual", "spam@example.org"),
                  ("Grace Hopper", "", "individual", "grace@example.org")]
    for name, organisation, sector, email in supporters:
        response = client.post(url, data={"csrf_token": token, "name": name, "organisation": organisation,
                                          "sector": sector, "country": "Utopia", "statement": "We support it.",
                                          "email": email})
        assert response.status_code == 302
    assert _support_count(app, status="pending") == 4
    assert b"Ada Lovelace" not in client.get(url).data  # not before verification
    review = chair.get(f"/documents/{world.document.id}/versions/1/supports/review")
    assert review.status_code == 200 and b"ada@example.org" in review.data
    with app.app_context():
        ids = {s.name: s.id for s in db.session.scalars(select(Support))}
    review_token = csrf_token(chair, f"/documents/{world.document.id}/versions/1/supports/review")
    for name, decision in (("Ada Lovelace", "verify"), ("Open Rights", "verify"), ("Grace Hopper", "verify"),
                           ("Spammer", "reject")):
        assert chair.post(f"/supports/{ids[name]}/review",
                          data={"csrf_token": review_token, "decision": decision}).status_code == 302
    assert chair.post(f"/supports/{ids['Spammer']}/review",
                      data={"csrf_token": review_token, "decision": "reject"}).status_code == 409
    assert chair.post(f"/supports/{ids['Spammer']}/review",
                      data={"csrf_token": review_token, "decision": "maybe"}).status_code == 400
    member = app.test_client()
    sign_in(member, world.member)
    assert member.post(f"/supports/{ids['Spammer']}/review",
                       data={"csrf_token": csrf_token(member, "/"), "decision": "verify"}).status_code == 403
    public = client.get(url).data.decode()
    assert "Ada Lovelace" in public and "Open Rights Group" in public and "Grace Hopper" in public
    assert "Spammer" not in public and "@example" not in public and "openrights.example" not in public
    assert public.index("Civil society") < public.index("Academia") < public.index("Individual")
    with app.app_context():
        events = list(db.session.scalars(select(RecordEvent).where(RecordEvent.kind.like("support.%"))))
    assert sorted(e.kind for e in events).count("support.verified") == 3
    assert all("@" not in str(e.payload) for e in events)
    assert all(e.public for e in events if e.kind == "support.verified")
    assert not any(e.public for e in events if e.kind != "support.verified")


def test_support_pages_do_not_grow_queries(app, client, world):
    _run_round(app, world, {user: "endorse" for users in world.members.values() for user in users})
    chair = app.test_client()
    sign_in(chair, world.chair)
    _adopt(chair, world)
    url = f"/documents/{world.document.id}/versions/1/support"
    review = f"/documents/{world.document.id}/versions/1/supports/review"

    def measure():
        with count_queries(app) as counter:
            assert client.get(url).status_code == 200
            assert chair.get(review).status_code == 200
        return counter.count

    def add(n):
        with app.app_context():
            version = db.session.get(Version, world.document.current_version_id)
            for i in range(n):
                db.session.add(Support(version_id=version.id, name=f"Org {i}", sector="academia",
                                       email=f"o{i}@example.org", status="verified" if i % 2 else "pending"))
            db.session.commit()

    add(2)
    small = measure()
    add(20)
    assert measure() == small
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 1

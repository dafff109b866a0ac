"""The rounds API: opening, positions and their refusals, the tally, closing, named positions, and
rounds that close at their time."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from deliberation.extensions import db
from deliberation.models import (
    Clause, EligibleVoter, Membership, Position, PositionHistory, RecordEvent, Round, Version, WorkingGroup,
)
from deliberation.models._base import utcnow

from ..conftest import count_queries
from .test_api import _token


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _clauses(app, version_id):
    with app.app_context():
        return list(db.session.scalars(select(Clause.id).where(Clause.version_id == version_id)
                                       .order_by(Clause.position)))


@pytest.fixture
def chair_api(app, world):
    return _token(app, world.chair)


def _open(client, world, headers, **body):
    body = {"scope": "clauses", "rule": "each_group", "threshold": "majority", "quorum": "1/2", **body}
    response = client.post(f"/api/v1/versions/{world.document.current_version_id}/rounds", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_chair_opens_a_round_and_the_electorate_is_frozen(app, client, world, chair_api):
    clauses = _clauses(app, world.document.current_version_id)
    body = _open(client, world, chair_api, clause_ids=[clauses[3], clauses[1]], quorum="60%", rule="consensus")
    assert body["status"] == "open" and body["quorum"] == "3/5" and body["rule"] == "consensus"
    assert [item["clause_id"] for item in body["items"]] == [clauses[1], clauses[3]]  # reading order
    # chair + 8 members; observers and outsiders never vote
    assert _count(app, EligibleVoter, EligibleVoter.round_id == body["id"]) == 9
    with app.app_context():
        assert db.session.get(Version, world.document.current_version_id).status == "endorsement"
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "round.opened"))
        assert event.public and event.payload["eligible"] == {"government": 3, "civil_society": 2,
                                                              "private_sector": 2, "academia": 2}
    listed = client.get(f"/api/v1/versions/{world.document.current_version_id}/rounds").get_json()
    assert [r["id"] for r in listed] == [body["id"]]


def test_open_round_refusals_write_nothing(app, client, world, chair_api):
    url = f"/api/v1/versions/{world.document.current_version_id}/rounds"
    other_clause = _clauses(app, world.private_document.current_version_id)[0]
    past = (utcnow() - timedelta(hours=1)).isoformat()
    cases = [
        ({"scope": "everything"}, 400, "scope"),
        ({"scope": "clauses", "clause_ids": []}, 400, "clause_ids"),
        ({"scope": "clauses", "clause_ids": [other_clause]}, 400, "clause_ids"),
        ({"scope": "clauses", "clause_ids": ["1"]}, 400, "clause_ids"),
        ({"scope": "document", "rule": "dictator"}, 400, "rule"),
        ({"scope": "document", "threshold": "most"}, 400, "threshold"),
        ({"scope": "document", "quorum": "3/2"}, 400, "quorum"),
        ({"scope": "document", "quorum": "half"}, 400, "quorum"),
        ({"scope": "document", "quorum": True}, 400, "quorum"),
        ({"scope": "document", "quorum": -0.5}, 400, "quorum"),
        ({"scope": "document", "quorum": 1.5}, 400, "quorum"),
        ({"scope": "document", "quorum": 2}, 400, "quorum"),
        ({"scope": "document", "quorum": 0}, 400, "quorum"),
        ({"scope": "document", "quorum": [1, 2]}, 400, "quorum"),
        ({"scope": "document", "closes_at": past}, 400, "closes_at"),
        ({"scope": "document", "closes_at": "tomorrow"}, 400, "closes_at"),
    ]
    for body, status, field in cases:
        response = client.post(url, headers=chair_api, json=body)
        assert response.status_code == status, body
        assert response.get_json()["error"]["field"] == field, body
    member = client.post(url, headers=_token(app, world.member), json={"scope": "document"})
    assert member.status_code == 403
    assert _count(app, Round) == 0 and _count(app, RecordEvent, RecordEvent.kind == "round.opened") == 0
    _open(client, world, chair_api, scope="document")
    again = client.post(url, headers=chair_api, json={"scope": "document"})
    assert again.status_code == 409 and _count(app, Round) == 1


def test_positions_and_their_refusals(app, client, world, make, chair_api):
    round_ = _open(client, world, chair_api)
    clause = round_["items"][0]["clause_id"]
    url = f"/api/v1/rounds/{round_['id']}/positions"
    member = _token(app, world.member)
    first = client.post(url, headers=member, json={"clause_id": clause, "position": "endorse"})
    assert first.status_code == 201 and first.get_json()["position"] == "endorse"
    changed = client.post(url, headers=member, json={"clause_id": clause, "position": "object",
                                                     "statement": "Too broad.", "formal": True})
    assert changed.status_code == 200 and changed.get_json()["formal"] is True
    with app.app_context():
        group = db.session.get(WorkingGroup, world.group.id)
        newcomer = make.member(group, "member", "academia")
        db.session.commit()
    newcomer, observer = _token(app, newcomer), _token(app, world.observer)
    before = (_count(app, Position), _count(app, PositionHistory), _count(app, RecordEvent))
    other_clause = _clauses(app, world.private_document.current_version_id)[0]
    refusals = [
        (member, {"clause_id": other_clause, "position": "endorse"}, 400, "clause_id"),
        (member, {"clause_id": None, "position": "endorse"}, 400, "clause_id"),  # this round is clause by clause
        (member, {"clause_id": clause, "position": "maybe"}, 400, "position"),
        (member, {"clause_id": clause, "position": "object"}, 400, "statement"),
        (member, {"clause_id": clause, "position": "endorse_with_reservations", "statement": "  "}, 400, "statement"),
        (member, {"clause_id": clause, "position": "endorse", "formal": True}, 400, "formal"),
        (member, {"clause_id": clause, "position": "abstain", "statement": "x" * 5001}, 400, "statement"),
        (newcomer, {"clause_id": clause, "position": "endorse"}, 403, None),
        (observer, {"clause_id": clause, "position": "endorse"}, 403, None),
    ]
    for headers, body, status, field in refusals:
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == status, (body, response.get_json())
        assert response.get_json()["error"].get("field") == field
    assert (_count(app, Position), _count(app, PositionHistory), _count(app, RecordEvent)) == before
    client.post(f"/api/v1/rounds/{round_['id']}/close", headers=chair_api)
    late = client.post(url, headers=member, json={"clause_id": clause, "position": "endorse"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "round_closed"
    assert _count(app, Position) == before[0]


def test_tally_json_shape_and_shares(app, client, world, chair_api):
    round_ = _open(client, world, chair_api, scope="document", threshold="two_thirds")
    url = f"/api/v1/rounds/{round_['id']}/positions"
    government = world.members["government"]
    for user, position in zip([world.chair, *government], ["endorse", "endorse_with_reservations", "object"]):
        body = {"clause_id": None, "position": position, "statement": "Reason." if position != "endorse" else None}
        assert client.post(url, headers=_token(app, user), json=body).status_code == 201
    tally = client.get(f"/api/v1/rounds/{round_['id']}/tally").get_json()
    assert (tally["id"], tally["status"], tally["rule"], tally["threshold"], tally["quorum"]) == \
        (round_["id"], "open", "each_group", "two_thirds", "1/2")
    [item] = tally["items"]
    assert item["clause_id"] is None and item["outcome"] == "no_quorum"
    gov = item["groups"]["government"]
    assert {k: gov[k] for k in ("eligible", "cast", "endorse", "endorse_with_reservations", "object", "share",
                                "quorum_met", "threshold_met")} == \
        {"eligible": 3, "cast": 3, "endorse": 1, "endorse_with_reservations": 1, "object": 1, "share": "2/3",
         "quorum_met": True, "threshold_met": True}
    assert item["groups"]["academia"]["share"] is None
    assert item["agreement_score"] == "3/40"  # (2+1)/(3+2) for government, 1/2 for each group with no vote


def test_hidden_running_tally(app, client, world, chair_api):
    with app.app_context():
        db.session.get(WorkingGroup, world.group.id).hide_running_tallies = True
        db.session.commit()
    round_ = _open(client, world, chair_api, scope="document", live_tally=True)
    url = f"/api/v1/rounds/{round_['id']}/tally"
    assert client.get(url, headers=_token(app, world.member)).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get(url, headers=chair_api).status_code == 200
    client.post(f"/api/v1/rounds/{round_['id']}/close", headers=chair_api)
    assert client.get(url).status_code == 200


def test_close_freezes_and_named_positions_follow(app, client, world, chair_api):
    round_ = _open(client, world, chair_api, scope="document")
    url = f"/api/v1/rounds/{round_['id']}"
    client.post(f"{url}/positions", headers=_token(app, world.member), json={"position": "endorse"})
    assert client.get(f"{url}/positions", headers=_token(app, world.member)).status_code == 403
    assert client.get(f"{url}/positions").status_code == 401
    assert client.get(f"{url}/positions", headers=chair_api).status_code == 200
    assert client.post(f"{url}/close", headers=_token(app, world.member)).status_code == 403
    closed = client.post(f"{url}/close", headers=chair_api)
    assert closed.status_code == 200 and closed.get_json()["frozen"] is True
    assert client.post(f"{url}/close", headers=chair_api).status_code == 409
    named = client.get(f"{url}/positions").get_json()  # anonymous, public document
    assert len(named["eligible"]) == 9 and [p["user_id"] for p in named["positions"]] == [world.member.id]
    # Changes to the group after close do not change the frozen tally.
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.user_id == world.member.id))
        db.session.delete(membership)
        db.session.commit()
    tally = client.get(f"{url}/tally").get_json()
    assert tally["items"][0]["groups"]["civil_society"] == closed.get_json()["items"][0]["groups"]["civil_society"]
    with app.app_context():
        kinds = list(db.session.scalars(select(RecordEvent.kind).where(RecordEvent.kind.notlike("token.%")).order_by(RecordEvent.seq)))
    assert kinds[-3:] == ["round.opened", "position.taken", "round.closed"]


def test_round_closes_at_its_time_on_the_next_read(app, client, world, chair_api):
    soon = (utcnow() + timedelta(minutes=5)).isoformat()
    round_ = _open(client, world, chair_api, scope="document", closes_at=soon)
    client.post(f"/api/v1/rounds/{round_['id']}/positions", headers=_token(app, world.member),
                json={"position": "endorse"})
    with app.app_context():
        db.session.execute(update(Round).values(closes_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    late = client.post(f"/api/v1/rounds/{round_['id']}/positions", headers=_token(app, world.member),
                       json={"position": "object", "statement": "Late."})
    assert late.status_code == 409
    tally = client.get(f"/api/v1/rounds/{round_['id']}/tally").get_json()
    assert tally["status"] == "closed" and tally["frozen"] and tally["items"][0]["groups"]["civil_society"]["endorse"] == 1
    with app.app_context():
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "round.closed"))
        assert event.actor_id is None and event.actor_name == "system"
        closed = db.session.get(Round, round_["id"])
        assert closed.closed_at == closed.closes_at  # it closed at its time, not when someone next looked
        assert db.session.get(Version, world.document.current_version_id).status == "open"


def test_close_due_rounds_command(app, client, world, chair_api):
    round_ = _open(client, world, chair_api, scope="document",
                   closes_at=(utcnow() + timedelta(minutes=5)).isoformat())
    runner = app.test_cli_runner()
    assert "No round" in runner.invoke(args=["close-due-rounds"]).output
    with app.app_context():
        db.session.execute(update(Round).values(closes_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    result = runner.invoke(args=["close-due-rounds"])
    assert result.exit_code == 0 and f"Closed round {round_['id']}" in result.output
    with app.app_context():
        closed = db.session.get(Round, round_["id"])
        assert closed.final_tally is not None and closed.closed_at == closed.closes_at


def test_a_chair_closing_before_the_time_records_the_moment(app, client, world, chair_api):
    round_ = _open(client, world, chair_api, scope="document",
                   closes_at=(utcnow() + timedelta(days=2)).isoformat())
    before = utcnow()
    assert client.post(f"/api/v1/rounds/{round_['id']}/close", headers=chair_api).status_code == 200
    with app.app_context():
        closed = db.session.get(Round, round_["id"])
        assert before <= closed.closed_at < closed.closes_at


def test_tally_and_positions_queries_do_not_grow(app, client, world, make, chair_api):
    def read(round_id):
        with count_queries(app) as counter:
            assert client.get(f"/api/v1/rounds/{round_id}/tally", headers=chair_api).status_code == 200
            assert client.get(f"/api/v1/rounds/{round_id}/positions", headers=chair_api).status_code == 200
            assert client.get(f"/api/v1/rounds/{round_id}", headers=chair_api).status_code == 200
        return counter.count

    small = _open(client, world, chair_api, scope="clauses")
    client.post(f"/api/v1/rounds/{small['id']}/positions", headers=_token(app, world.member),
                json={"clause_id": small["items"][0]["clause_id"], "position": "endorse"})
    small_count = read(small["id"])
    with app.app_context():
        chair = db.session.merge(world.chair)
        group = db.session.get(WorkingGroup, world.group.id)
        source = "# Long\n\n" + "".join(f"## {n}. Clause {n}\n\nText {n}.\n\n" for n in range(1, 31))
        document = make.document(group, chair, source=source, title="Long")
        extra = [make.member(group, "member", "academia", user=make.user(password=None)) for _ in range(6)]
        db.session.commit()
        version_id, extra_ids = document.current_version_id, [u.id for u in extra]
    large = client.post(f"/api/v1/versions/{version_id}/rounds", headers=chair_api,
                        json={"scope": "clauses"}).get_json()
    with app.app_context():
        from deliberation.models import User
        from deliberation.services.positions import take_position

        round_ = db.session.get(Round, large["id"])
        for user_id in extra_ids:
            for item in large["items"]:
                take_position(db.session.get(User, user_id), round_, clause_id=item["clause_id"], position="endorse")
        db.session.commit()
    assert read(large["id"]) == small_count


def test_a_due_round_does_not_block_the_next_one(app, client, world, chair_api):
    first = _open(client, world, chair_api, scope="document",
                  closes_at=(utcnow() + timedelta(minutes=5)).isoformat())
    with app.app_context():
        db.session.execute(update(Round).values(closes_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    page = client.get(f"/documents/{world.document.id}/versions/1")
    assert b"An endorsement round is open" not in page.data
    second = _open(client, world, chair_api, scope="document")
    with app.app_context():
        assert db.session.get(Round, first["id"]).status == "closed"
        assert db.session.get(Round, second["id"]).status == "open"


@pytest.mark.parametrize("quorum, stored", [(0.5, "1/2"), (1, "1"), (0.6, "3/5"), ("1/2", "1/2"), ("0.5", "1/2"),
                                            ("50%", "1/2")])
def test_quorum_as_a_number_or_a_string(app, client, world, chair_api, quorum, stored):
    assert _open(client, world, chair_api, scope="document", quorum=quorum)["quorum"] == stored


def _remove(app, world, user):
    from deliberation.services.groups import remove_membership

    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                                Membership.working_group_id == world.group.id))
        remove_membership(db.session.merge(world.chair), db.session.get(WorkingGroup, world.group.id), membership.id)
        db.session.commit()


@pytest.mark.parametrize("document", ["document", "private_document"])
def test_a_member_removed_after_opening_still_votes_in_that_round(app, client, world, chair_api, document):
    version_id = getattr(world, document).current_version_id
    opened = client.post(f"/api/v1/versions/{version_id}/rounds", headers=chair_api, json={"scope": "document"})
    round_id = opened.get_json()["id"]
    leaver = world.members["academia"][0]
    headers = _token(app, leaver)
    _remove(app, world, leaver)
    taken = client.post(f"/api/v1/rounds/{round_id}/positions", headers=headers, json={"position": "endorse"})
    assert taken.status_code == 201, taken.get_json()
    tally = client.get(f"/api/v1/rounds/{round_id}/tally", headers=chair_api).get_json()
    assert tally["items"][0]["groups"]["academia"] == {**tally["items"][0]["groups"]["academia"],
                                                       "eligible": 2, "endorse": 1}
    # The ballot page, through the browser, too.
    from ..conftest import csrf_token, sign_in

    browser = sign_in(app.test_client(), leaver)
    ballot = f"/rounds/{round_id}/ballot"
    assert browser.get(ballot).status_code == 200
    with app.app_context():
        item_id = db.session.scalar(select(Position.item_id).where(Position.round_id == round_id))
    saved = browser.post(ballot, data={"csrf_token": csrf_token(browser, ballot), f"position-{item_id}": "abstain"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Position.position).where(Position.user_id == leaver.id)) == "abstain"
    # Someone never on the list still may not (a private draft's round does not even exist for them).
    assert client.post(f"/api/v1/rounds/{round_id}/positions", headers=_token(app, world.outsider),
                       json={"position": "endorse"}).status_code == (403 if document == "document" else 404)


def test_a_deactivated_or_deleted_account_may_not_take_a_position(app, world, chair_api, client):
    from deliberation.models import User
    from deliberation.services.errors import Forbidden
    from deliberation.services.positions import take_position

    round_id = _open(client, world, chair_api, scope="document")["id"]
    gone, inactive = world.members["academia"]
    with app.app_context():
        db.session.get(User, gone.id).deleted_at = utcnow()
        db.session.get(User, inactive.id).active = False
        db.session.commit()
        for user_id in (gone.id, inactive.id):
            with pytest.raises(Forbidden):
                take_position(db.session.get(User, user_id), db.session.get(Round, round_id), clause_id=None,
                              position="endorse")
            db.session.rollback()

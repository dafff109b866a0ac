"""Reopening a consensus round after the chair answered a formal objection: the service (items and
settings copied, a new list of eligible voters, the link and the record event; every refusal writes
nothing), the round and register pages (the chair's button, CSRF, the links both ways) and the API."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import (
    Clause, EligibleVoter, Membership, RecordEvent, Round, RoundItem, User, Version, WorkingGroup,
)
from deliberation.models._base import utcnow
from deliberation.services.accounts import create_token
from deliberation.services.errors import ServiceError
from deliberation.services.groups import remove_membership
from deliberation.services.objections import respond_to_objection
from deliberation.services.positions import take_position
from deliberation.services.round_reopening import reopen_round
from deliberation.services.rounds import close_round, open_round
from deliberation.services.tally import round_items

from ..conftest import csrf_token, sign_in
from ..factories import SAMPLE_DRAFT


def _answered_round(app, world, *, document=None, respond=True, close=True, rule="consensus", clauses=None,
                    **settings) -> int:
    """A round in which a member lodged a formal objection, answered by the chair and closed unless told."""
    settings = {"threshold": "majority", "quorum": "1/2", **settings}
    with app.app_context():
        chair = db.session.get(User, world.chair.id)
        version = db.session.get(Version, (document or world.document).current_version_id)
        round_ = open_round(chair, version, scope="document" if clauses is None else "clauses", clause_ids=clauses,
                            rule=rule, **settings)
        clause_id = None if clauses is None else round_items(round_)[0].clause_id
        objection, _ = take_position(db.session.get(User, world.member.id), round_, clause_id=clause_id,
                                     position="object", statement="It weakens encryption.", formal=True)
        if respond:
            respond_to_objection(chair, round_, objection, "Clause 2 now protects encryption.")
        if close:
            close_round(chair, round_)
        db.session.commit()
        return round_.id


def _reopen(app, user, round_id, **kw) -> int:
    with app.app_context():
        reopened = reopen_round(db.session.get(User, user.id), db.session.get(Round, round_id), **kw)
        db.session.commit()
        return reopened.id


def _counts() -> list[int]:
    return [db.session.scalar(select(func.count()).select_from(model))
            for model in (Round, RoundItem, EligibleVoter, RecordEvent)]


def _refused(app, user, round_id, status, code) -> ServiceError:
    with app.app_context():
        before = _counts()
        with pytest.raises(ServiceError) as refused:
            reopen_round(db.session.get(User, user.id), db.session.get(Round, round_id))
        assert (refused.value.status, refused.value.code) == (status, code), refused.value.message
        assert _counts() == before  # nothing flushed, in the same transaction
        db.session.rollback()
        return refused.value


# The service

def test_reopening_copies_items_and_settings_and_freezes_a_new_electorate(app, world, make):
    with app.app_context():
        clauses = list(db.session.scalars(select(Clause.id).where(
            Clause.version_id == world.document.current_version_id).order_by(Clause.position)))[1:4]
    old = _answered_round(app, world, clauses=clauses, threshold="two_thirds", quorum="2/3", live_tally=False)
    with app.app_context():
        group = db.session.get(WorkingGroup, world.group.id)
        newcomer = make.member(group, "member", "academia")
        leaving = world.members["academia"][0]
        remove_membership(db.session.get(User, world.chair.id), group, db.session.scalar(
            select(Membership.id).where(Membership.user_id == leaving.id, Membership.working_group_id == group.id)))
        db.session.commit()
        newcomer_id = newcomer.id
    closes_at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    new = _reopen(app, world.chair, old, closes_at=closes_at)
    with app.app_context():
        before, after = db.session.get(Round, old), db.session.get(Round, new)
        assert after.reopened_from_id == old and after.version_id == before.version_id
        assert (after.status, after.scope, after.rule, after.threshold, after.quorum, after.live_tally) == \
            ("open", "clauses", "consensus", "two_thirds", "2/3", False)
        assert after.closes_at == closes_at and after.statements_open
        assert [i.clause_id for i in round_items(after)] == [i.clause_id for i in round_items(before)] == clauses

        def voters(round_id):
            return set(db.session.scalars(select(EligibleVoter.user_id).where(EligibleVoter.round_id == round_id)))

        assert newcomer_id in voters(new) and leaving.id not in voters(new)
        assert newcomer_id not in voters(old) and leaving.id in voters(old)  # the old list stays frozen
        assert db.session.get(Version, after.version_id).status == "endorsement"
        event = db.session.scalar(select(RecordEvent).order_by(RecordEvent.seq.desc()).limit(1))
        assert (event.kind, event.subject_id, event.actor_id) == ("round.opened", new, world.chair.id)
        assert event.payload["reopens_round_id"] == old and event.payload["rule"] == "consensus"


def test_a_round_past_its_closing_time_is_closed_then_reopened(app, world):
    old = _answered_round(app, world, close=False, closes_at=utcnow() + timedelta(hours=1))
    with app.app_context():
        db.session.get(Round, old).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    new = _reopen(app, world.chair, old)
    with app.app_context():
        assert db.session.get(Round, old).status == "closed"
        assert db.session.get(Round, new).closes_at is None


def test_refusals_write_nothing(app, world):
    answered = _answered_round(app, world)
    _refused(app, world.member, answered, 403, "forbidden")
    _refused(app, world.admin, answered, 403, "forbidden")
    unanswered = _answered_round(app, world, document=world.private_document, respond=False)
    _refused(app, world.chair, unanswered, 409, "no_answered_objection")

    new = _reopen(app, world.chair, answered)
    _refused(app, world.chair, new, 409, "round_open")  # the new round, still open
    refusal = _refused(app, world.chair, answered, 409, "already_reopened")
    assert f"round {new}" in refusal.message
    with app.app_context():
        close_round(db.session.get(User, world.chair.id), db.session.get(Round, new))
        db.session.commit()
    _refused(app, world.chair, answered, 409, "already_reopened")  # once, even after the new one closed


def test_refused_for_other_rules_a_busy_or_superseded_version(app, world):
    from deliberation.models import Document
    from deliberation.services.versions import publish_version

    for rule in ("each_group", "pooled"):
        _refused(app, world.chair, _answered_round(app, world, rule=rule), 409, "not_consensus")
    answered = _answered_round(app, world)
    with app.app_context():
        busy = open_round(db.session.get(User, world.chair.id), db.session.get(Version, world.document.current_version_id),
                          scope="document", rule="each_group", threshold="majority", quorum="1/2").id
        db.session.commit()
    assert "already open" in _refused(app, world.chair, answered, 409, "conflict").message
    with app.app_context():
        close_round(db.session.get(User, world.chair.id), db.session.get(Round, busy))
        publish_version(db.session.get(User, world.chair.id), db.session.get(Document, world.document.id),
                        fmt="markdown", source=SAMPLE_DRAFT + "\n## 3. Oversight\n\nIndependent oversight.\n")
        db.session.commit()
    _refused(app, world.chair, answered, 409, "version_superseded")


# The pages

def _reopen_form(page: str, round_id: int) -> str | None:
    match = re.search(rf'<form[^>]*action="/rounds/{round_id}/reopen".*?</form>', page, re.S)
    return match.group(0) if match else None


def test_chair_reopens_from_the_round_page_with_links_both_ways(app, client, world):
    old = _answered_round(app, world, respond=False)
    chair = sign_in(app.test_client(), world.chair)
    assert _reopen_form(chair.get(f"/rounds/{old}").data.decode(), old) is None  # not answered yet
    with app.app_context():
        from deliberation.models import Position

        respond_to_objection(db.session.get(User, world.chair.id), db.session.get(Round, old),
                             db.session.scalar(select(Position).where(Position.round_id == old)), "Answered.")
        db.session.commit()
    page = chair.get(f"/rounds/{old}").data.decode()
    form = _reopen_form(page, old)
    assert form is not None and 'name="csrf_token"' in form and 'name="closes_at"' in form
    assert "Reopen the round" in form and "eligible voters" in form  # the explanation travels with the button
    assert _reopen_form(client.get(f"/rounds/{old}").data.decode(), old) is None
    member = sign_in(app.test_client(), world.member)
    assert _reopen_form(member.get(f"/rounds/{old}").data.decode(), old) is None

    with app.app_context():
        before = _counts()
    assert chair.post(f"/rounds/{old}/reopen", data={}).status_code == 400  # no CSRF token
    token = csrf_token(member, f"/rounds/{old}")
    assert member.post(f"/rounds/{old}/reopen", data={"csrf_token": token}).status_code == 403
    token = csrf_token(chair, f"/rounds/{old}")
    assert chair.post(f"/rounds/{old}/reopen", data={"csrf_token": token, "closes_at": "2001-01-01T10:00"}
                      ).status_code == 400
    with app.app_context():
        assert _counts() == before

    reopened = chair.post(f"/rounds/{old}/reopen", data={"csrf_token": token, "closes_at": ""})
    assert reopened.status_code == 302
    new = int(re.search(r"/rounds/(\d+)$", reopened.headers["Location"]).group(1))
    new_page = chair.get(reopened.headers["Location"]).data.decode()
    assert f'href="/rounds/{old}"' in new_page and f"Reopens round {old}" in new_page
    old_page = client.get(f"/rounds/{old}").data.decode()
    assert f"Reopened as round {new}" in old_page and f'href="/rounds/{new}"' in old_page
    assert _reopen_form(chair.get(f"/rounds/{old}").data.decode(), old) is None
    again = chair.post(f"/rounds/{old}/reopen", data={"csrf_token": token})
    assert again.status_code == 409 and f"round {new}" in again.data.decode()
    assert f"Reopens round {old}" in client.get(f"/documents/{world.document.id}/rounds").data.decode()


def test_chair_reopens_from_the_objection_register(app, client, world):
    old = _answered_round(app, world)
    url = f"/documents/{world.document.id}/objections"
    chair = sign_in(app.test_client(), world.chair)
    form = _reopen_form(chair.get(url).data.decode(), old)
    assert form is not None and 'name="csrf_token"' in form
    assert _reopen_form(client.get(url).data.decode(), old) is None
    assert _reopen_form(sign_in(app.test_client(), world.member).get(url).data.decode(), old) is None
    reopened = chair.post(f"/rounds/{old}/reopen", data={"csrf_token": csrf_token(chair, url)})
    assert reopened.status_code == 302
    new = int(reopened.headers["Location"].rsplit("/", 1)[1])
    page = client.get(url).data.decode()
    assert _reopen_form(chair.get(url).data.decode(), old) is None
    assert f"Reopened as round {new}" in page and f'href="/rounds/{new}"' in page


# The API

def _headers(app, user) -> dict:
    with app.app_context():
        token = create_token(db.session.get(User, user.id))[1]
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_api_reopens_a_round(app, client, world):
    old = _answered_round(app, world)
    url = f"/api/v1/rounds/{old}/reopen"
    chair, member = _headers(app, world.chair), _headers(app, world.member)
    refused = client.post(url, json={}, headers=member)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    for body, field in [({"closes_at": "tomorrow"}, "closes_at"), ({"closes_at": "2001-01-01T10:00:00Z"}, "closes_at"),
                        ([], "body")]:
        response = client.post(url, json=body, headers=chair)
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field, body
    closes_at = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    created = client.post(url, json={"closes_at": closes_at.isoformat()}, headers=chair)
    assert created.status_code == 201
    body = created.get_json()
    assert body["reopened_from_id"] == old and body["status"] == "open" and body["rule"] == "consensus"
    assert body["closes_at"] == closes_at.isoformat() and [i["clause_id"] for i in body["items"]] == [None]
    assert body == client.get(f"/api/v1/rounds/{body['id']}", headers=chair).get_json()
    opened = client.post(f"/api/v1/versions/{world.private_document.current_version_id}/rounds",
                         json={"scope": "document", "rule": "consensus"}, headers=chair).get_json()
    assert set(body) == set(opened) and opened["reopened_from_id"] is None  # the shape of an opened round
    again = client.post(url, headers=chair)  # no body at all is an empty one
    error = again.get_json()["error"]
    assert again.status_code == 409 and error["code"] == "already_reopened" and f"round {body['id']}" in error["message"]
    still_open = client.post(f"/api/v1/rounds/{body['id']}/reopen", headers=chair)
    assert still_open.status_code == 409 and still_open.get_json()["error"]["code"] == "round_open"


def test_openapi_describes_reopening(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/rounds/{round_id}/reopen"]["post"]
    assert operation["operationId"] == "reopenRound" and {"201", "403", "409"} <= set(operation["responses"])
    assert "reopened_from_id" in document["components"]["schemas"]["Round"]["properties"]


def test_a_french_chair_reads_the_refusal_in_french(app, world):
    old = _answered_round(app, world)
    _reopen(app, world.chair, old)
    with app.app_context():
        db.session.get(User, world.chair.id).locale = "fr"
        db.session.commit()
    chair = sign_in(app.test_client(), world.chair)
    response = chair.post(f"/rounds/{old}/reopen", data={"csrf_token": csrf_token(chair, f"/rounds/{old}")})
    assert response.status_code == 409 and "déjà été rouvert" in response.data.decode()

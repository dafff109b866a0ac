"""Consensus designations checked against the tally (issue 15, finding 3): "full consensus" on a blocked
item needs an override with a reason, which the record shows; nothing is preselected; one page designates
every item of a round, and can fill in the tally's reading."""
import pytest
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import RecordEvent, RoundItem
from deliberation.services.designations import contradiction, tally_reading

from ..conftest import count_queries, csrf_token, sign_in
from .test_rounds import _close, _round, _vote


def _group(endorse=0, reservations=0, abstain=0, object_=0, quorum=True, counted=True, share="1"):
    return {"endorse": endorse, "endorse_with_reservations": reservations, "abstain": abstain, "object": object_,
            "quorum_met": quorum, "counted": counted, "share": share, "threshold_met": True, "formal_objections": 0,
            "eligible": 5, "cast": endorse + reservations + abstain + object_}


@pytest.mark.parametrize("designation, outcome, groups, refused", [
    ("full_consensus", "blocked", [_group(3, object_=1, share="3/4")], "blocked"),
    ("consensus", "not_adopted", [_group(1, object_=3, share="1/4")], "not adopted"),
    ("consensus", "no_quorum", [_group(1, quorum=False)], "quorum"),
    ("consensus", "adopted", [_group(3), _group(1, quorum=False)], "quorum"),  # pooled: adopted, a group short
    ("full_consensus", "adopted", [_group(3, object_=1, share="3/4")], "objected"),
    ("consensus", "adopted", [_group(3, object_=1, share="3/4")], None),
    ("strong_support", "blocked", [_group(3, object_=1, share="3/4")], None),
    ("divergence", "adopted", [_group(3)], None),
    ("full_consensus", "adopted", [_group(3, abstain=2), _group(counted=False, quorum=False)], None),
])
def test_which_designations_the_tally_contradicts(designation, outcome, groups, refused):
    result = {"outcome": outcome, "groups": {str(n): g for n, g in enumerate(groups)}}
    reason = contradiction(designation, result)
    assert (reason is None) if refused is None else (refused in reason)


@pytest.mark.parametrize("outcome, groups, reading", [
    ("adopted", [_group(4), _group(2, abstain=1)], "full_consensus"),
    ("adopted", [_group(3, object_=1, share="3/4"), _group(4)], "consensus"),
    ("adopted", [_group(2, object_=1, share="2/3"), _group(4)], "strong_support"),
    ("blocked", [_group(4)], "divergence"),
    ("no_quorum", [_group(1, quorum=False)], "divergence"),
])
def test_the_tallys_reading(outcome, groups, reading):
    assert tally_reading({"outcome": outcome, "groups": {str(n): g for n, g in enumerate(groups)}}) == reading


def _blocked_round(app, world):
    round_id, items = _round(app, world, scope="document", rule="consensus")
    for users in world.members.values():
        for user in users:
            _vote(app, round_id, user, None)
    _vote(app, round_id, world.chair, None, "object", "A red line for us.", formal=True)
    _close(app, world, round_id)
    return round_id, items[0]


def test_full_consensus_on_a_blocked_item_needs_a_reason_which_the_record_shows(app, client, world):
    round_id, item_id = _blocked_round(app, world)
    sign_in(client, world.chair)
    page = client.get(f"/rounds/{round_id}/designations")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Blocked" in html
    assert '<option value="" selected>' in html, "no designation is preselected"
    token = csrf_token(client, f"/rounds/{round_id}/designations")
    refused = client.post(f"/rounds/{round_id}/designations",
                          data={"csrf_token": token, f"designation-{item_id}": "full_consensus"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "the tally contradicts this designation" in text and "blocked by a formal objection" in text
    assert f'name="override-{item_id}"' in text
    with app.app_context():
        assert db.session.get(RoundItem, item_id).designation is None
        assert not db.session.scalars(select(RecordEvent).where(RecordEvent.kind == "round.designated")).all()
    # The single-item form refuses it too.
    single = client.post(f"/rounds/{round_id}/items/{item_id}/designation",
                         data={"csrf_token": token, "designation": "full_consensus"})
    assert single.status_code == 409
    recorded = client.post(f"/rounds/{round_id}/designations", data={
        "csrf_token": token, f"designation-{item_id}": "full_consensus", f"note-{item_id}": "",
        f"override-{item_id}": "The objector withdrew in the meeting; the withdrawal is being filed."})
    assert recorded.status_code == 302
    with app.app_context():
        item = db.session.get(RoundItem, item_id)
        assert item.designation == "full_consensus" and item.designation_override.startswith("The objector withdrew")
        event = db.session.scalars(select(RecordEvent).where(RecordEvent.kind == "round.designated")).one()
        assert event.payload["override"].startswith("The objector withdrew")
    public = app.test_client()
    record = public.get(f"/documents/{world.document.id}/record").get_data(as_text=True)
    assert "Designated against the tally" in record and "The objector withdrew in the meeting" in record
    assert "The objector withdrew in the meeting" in public.get(f"/rounds/{round_id}").get_data(as_text=True)


def test_a_designation_the_tally_supports_needs_no_reason(app, client, world):
    round_id, item_id = _blocked_round(app, world)
    sign_in(client, world.chair)
    token = csrf_token(client, f"/rounds/{round_id}/designations")
    done = client.post(f"/rounds/{round_id}/designations",
                       data={"csrf_token": token, f"designation-{item_id}": "divergence", f"note-{item_id}": "Split."})
    assert done.status_code == 302
    with app.app_context():
        item = db.session.get(RoundItem, item_id)
        assert (item.designation, item.designation_note, item.designation_override) == ("divergence", "Split.", None)


def test_the_page_fills_in_the_tallys_reading_for_every_clause(app, client, world):
    round_id, items = _round(app, world, scope="clauses")
    for users in world.members.values():
        for user in users:
            for clause_id in _clause_ids(app, items):
                _vote(app, round_id, user, clause_id)
    _close(app, world, round_id)
    sign_in(client, world.chair)
    html = client.get(f"/rounds/{round_id}/designations?reading=tally").get_data(as_text=True)
    assert html.count('<option value="full_consensus" selected>') == len(items)
    token = csrf_token(client, f"/rounds/{round_id}/designations")
    data = {"csrf_token": token, **{f"designation-{i}": "full_consensus" for i in items}}
    assert client.post(f"/rounds/{round_id}/designations", data=data).status_code == 302
    with app.app_context():
        assert {d for (d,) in db.session.execute(select(RoundItem.designation)
                                                 .where(RoundItem.round_id == round_id))} == {"full_consensus"}


def test_designations_page_is_for_chairs_of_closed_rounds(app, client, world):
    round_id, _items = _round(app, world, scope="document")
    sign_in(client, world.chair)
    assert client.get(f"/rounds/{round_id}/designations").status_code == 404  # still open
    _close(app, world, round_id)
    member = app.test_client()
    sign_in(member, world.member)
    assert member.get(f"/rounds/{round_id}/designations").status_code == 403
    assert app.test_client().get(f"/rounds/{round_id}/designations").status_code in (302, 401, 403)


def test_designations_page_queries_do_not_grow_with_items(app, client, world, make):
    small, _ = _round(app, world, scope="document")
    _close(app, world, small)
    large, _ = _round(app, world, scope="clauses")
    _close(app, world, large)
    sign_in(client, world.chair)
    counts = []
    for round_id in (small, large):
        client.get(f"/rounds/{round_id}/designations")
        with count_queries(app) as queries:
            assert client.get(f"/rounds/{round_id}/designations").status_code == 200
        counts.append(len(queries.statements))
    assert counts[0] == counts[1], counts


def _clause_ids(app, item_ids):
    with app.app_context():
        return [db.session.get(RoundItem, i).clause_id for i in item_ids]

"""Round pages: opening a round from the version page, the ballot, the tally and map, closing,
designations, minority statements, named positions, CSV downloads and the objection register."""
import csv
import io
import re

from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Clause, Position, PositionHistory, RecordEvent, Round, RoundItem, User, Version
from deliberation.services.positions import take_position
from deliberation.services.rounds import close_round, open_round

from ..conftest import count_queries, csrf_token, sign_in


def _round(app, world, *, scope="clauses", document=None, **settings):
    settings = {"rule": "each_group", "threshold": "majority", "quorum": "1/2", **settings}
    with app.app_context():
        version = db.session.get(Version, (document or world.document).current_version_id)
        round_ = open_round(db.session.get(User, world.chair.id), version, scope=scope, **settings)
        db.session.commit()
        return round_.id, [item.id for item in db.session.scalars(
            select(RoundItem).where(RoundItem.round_id == round_.id).order_by(RoundItem.position))]


def _vote(app, round_id, user, clause_id, position="endorse", statement=None, formal=False):
    with app.app_context():
        take_position(db.session.get(User, user.id), db.session.get(Round, round_id), clause_id=clause_id,
                      position=position, statement=statement, formal=formal)
        db.session.commit()


def _close(app, world, round_id):
    with app.app_context():
        close_round(db.session.get(User, world.chair.id), db.session.get(Round, round_id))
        db.session.commit()


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_chair_opens_a_round_from_the_version_page(app, client, world):
    sign_in(client, world.chair)
    page = client.get(f"/documents/{world.document.id}/versions/1")
    assert b"Open a round" in page.data
    url = f"/documents/{world.document.id}/versions/1/rounds/new"
    form = client.get(url)
    assert b'value="1/2"' in form.data and b'name="clause_ids"' in form.data  # the group's defaults
    token = csrf_token(client, url)
    base = {"csrf_token": token, "rule": "consensus", "threshold": "two_thirds", "quorum": "1/2", "live_tally": "y"}
    refused = [({**base, "scope": "chosen"}, b"Choose at least one clause"),
               ({**base, "scope": "document", "quorum": "2"}, b"Enter the quorum as a fraction"),
               ({**base, "scope": "document", "closes_at": "2001-01-01T10:00"}, b"must be in the future")]
    for data, message in refused:
        response = client.post(url, data=data)
        assert response.status_code == 400 and message in response.data
    assert _count(app, Round) == 0
    with app.app_context():
        chosen = list(db.session.scalars(select(Clause.id).where(
            Clause.version_id == world.document.current_version_id).order_by(Clause.position)))[1:3]
    opened = client.post(url, data={**base, "scope": "chosen", "clause_ids": [str(c) for c in chosen]})
    assert opened.status_code == 302
    round_page = client.get(opened.headers["Location"])
    assert round_page.status_code == 200 and b"Consensus map" in round_page.data
    with app.app_context():
        round_ = db.session.scalar(select(Round))
        assert (round_.rule, round_.threshold, round_.live_tally) == ("consensus", "two_thirds", True)
        assert [i.clause_id for i in db.session.scalars(select(RoundItem).order_by(RoundItem.position))] == chosen
    banner = client.get(f"/documents/{world.document.id}/versions/1")
    assert b"An endorsement round is open on this version" in banner.data and b"Open a round" not in banner.data


def test_ballot_validates_by_kind_and_highlights_unanswered(app, client, world):
    round_id, items = _round(app, world)
    sign_in(client, world.member)
    url = f"/rounds/{round_id}/ballot"
    page = client.get(url)
    assert page.status_code == 200 and b"4 of 4 items not answered yet" in page.data
    assert page.data.count(b"ballot-item--unanswered") == 4
    token = csrf_token(client, url)
    bad = client.post(url, data={"csrf_token": token, f"position-{items[0]}": "object",
                                 f"position-{items[1]}": "endorse_with_reservations",
                                 f"position-{items[2]}": "endorse", f"formal-{items[2]}": "y",
                                 f"position-{items[3]}": "endorse"})
    assert bad.status_code == 400
    assert b"Give the reason for your objection." in bad.data and b"State your reservations." in bad.data
    assert b"Only an objection can be a formal objection." in bad.data
    assert _count(app, Position) == 0 and _count(app, PositionHistory) == 0
    data = {"csrf_token": token, f"position-{items[0]}": "object", f"statement-{items[0]}": "Too vague.",
            f"formal-{items[0]}": "y", f"position-{items[1]}": "endorse"}
    saved = client.post(url, data=data)
    assert saved.status_code == 302
    again = client.post(url, data=data, follow_redirects=True)
    assert b"Nothing changed." in again.data and _count(app, PositionHistory) == 2
    assert b"2 of 4 items not answered yet" in again.data and again.data.count(b"ballot-item--unanswered") == 2
    assert b'value="object" checked' in again.data


def test_round_page_tally_map_and_hidden_tally(app, client, world):
    round_id, items = _round(app, world, scope="document", threshold="two_thirds")
    gov = world.members["government"]
    _vote(app, round_id, world.chair, None)
    _vote(app, round_id, gov[0], None)
    _vote(app, round_id, gov[1], None, "object", "No.", formal=True)
    page = client.get(f"/rounds/{round_id}")
    assert page.status_code == 200
    html = page.data.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="consensus-map"' in html
    assert "<title id=\"consensus-map-title\">" in html and "<desc id=\"consensus-map-desc\">" in html
    # A share reads as a whole percentage with the counts it comes from, never as "2/3" (a vote count?).
    assert '<td class="share">67% · 2 of 3</td>' in html
    assert ">2/3<" not in html and "share 2/3" not in html
    assert "The map as a table" in html and "formal-mark" in html
    assert "No quorum" in html and "Pooled vote, for comparison" in html
    assert "Named positions" not in html  # not for the public while the round is open
    with app.app_context():
        from deliberation.models import WorkingGroup

        db.session.get(WorkingGroup, world.group.id).hide_running_tallies = True
        db.session.commit()
    assert b"The running tally is hidden" in client.get(f"/rounds/{round_id}").data
    assert b"The running tally is hidden" in client.get(f"/rounds/{round_id}/tally").data
    sign_in(client, world.chair)
    chair_view = client.get(f"/rounds/{round_id}")
    assert b"consensus-map" in chair_view.data and b"Named positions" in chair_view.data


def test_close_designate_statements_and_the_public_record(app, client, world):
    with app.app_context():
        from deliberation.models import Membership

        db.session.scalar(select(Membership).where(Membership.user_id == world.chair.id)).affiliation = \
            'Ministry of "Things", Utopia'
        db.session.commit()
    round_id, items = _round(app, world, scope="document")
    for users in world.members.values():
        for user in users:
            _vote(app, round_id, user, None)
    _vote(app, round_id, world.member, None, "object", 'Says "no", firmly,\nand =SUM(A1)', formal=True)
    sign_in(client, world.chair)
    token = csrf_token(client, f"/rounds/{round_id}")
    assert client.post(f"/rounds/{round_id}/items/{items[0]}/designation",
                       data={"csrf_token": token, "designation": "consensus"}).status_code == 409
    assert client.post(f"/rounds/{round_id}/close", data={"csrf_token": token}).status_code == 302
    designated = client.post(f"/rounds/{round_id}/items/{items[0]}/designation",
                             data={"csrf_token": token, "designation": "strong_support", "note": "One sector split."})
    assert designated.status_code == 302
    member = app.test_client()
    sign_in(member, world.member)
    added = member.post(f"/rounds/{round_id}/items/{items[0]}/statements",
                        data={"csrf_token": csrf_token(member, "/"), "body": "We *disagree* <script>x</script>"})
    assert added.status_code == 302
    assert client.post(f"/rounds/{round_id}/statements", data={"csrf_token": token, "accept": "0"}).status_code == 302
    late = member.post(f"/rounds/{round_id}/items/{items[0]}/statements",
                       data={"csrf_token": csrf_token(member, "/"), "body": "Too late"})
    assert late.status_code == 409
    public = app.test_client()
    html = public.get(f"/rounds/{round_id}").data.decode()
    assert "Strong support with significant opposition" in html and "One sector split." in html
    assert "<em>disagree</em>" in html and "<script>x" not in html
    assert "Named positions" in html and "Eligible voters" in html
    named = public.get(f"/rounds/{round_id}/positions").data.decode()
    assert world.member.name in named and "no response" in named  # the chair did not respond
    download = public.get(f"/rounds/{round_id}/positions.csv")
    assert download.headers["Content-Disposition"] == f'attachment; filename="round-{round_id}-positions.csv"'
    rows = list(csv.DictReader(io.StringIO(download.data.decode())))
    assert len(rows) == 9
    mine = next(r for r in rows if r["name"] == world.member.name)
    assert mine["statement"] == "Says \"no\", firmly,\nand =SUM(A1)" and mine["formal_objection"] == "yes"
    chair_row = next(r for r in rows if r["name"] == world.chair.name)
    assert chair_row["position"] == "no response" and chair_row["stakeholder_group"] == "government"
    assert chair_row["affiliation"] == 'Ministry of "Things", Utopia'
    assert '"Ministry of ""Things"", Utopia"' in download.data.decode()
    tally = public.get(f"/rounds/{round_id}/tally.csv")
    tally_rows = list(csv.DictReader(io.StringIO(tally.data.decode())))
    assert [r["stakeholder_group"] for r in tally_rows] == ["government", "civil_society", "private_sector",
                                                            "academia", "pooled"]
    assert tally_rows[1]["share"] == "1/2" and tally_rows[1]["share_percent"] == "50.0%"
    assert tally_rows[0]["designation"] == "Strong support with significant opposition"
    with app.app_context():
        kinds = set(db.session.scalars(select(RecordEvent.kind)))
    assert {"round.closed", "round.designated", "round.minority_statement", "round.statements_closed"} <= kinds


def test_csv_cells_never_start_a_formula(app, client, world):
    round_id, _items = _round(app, world, scope="document")
    _vote(app, round_id, world.member, None, "object", "=HYPERLINK(\"http://x\")")
    _close(app, world, round_id)
    body = client.get(f"/rounds/{round_id}/positions.csv").data.decode()
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_private_round_is_not_public(app, client, world):
    round_id, _items = _round(app, world, scope="document", document=world.private_document)
    _close(app, world, round_id)
    for url in (f"/rounds/{round_id}", f"/rounds/{round_id}/positions", f"/rounds/{round_id}/positions.csv"):
        assert client.get(url).status_code == 404


def test_positions_belong_to_a_version(app, client, world):
    round_id, items = _round(app, world)
    with app.app_context():
        first_clause = db.session.get(RoundItem, items[0]).clause_id
    _vote(app, round_id, world.member, first_clause, "object", "Not this wording.")
    _close(app, world, round_id)
    with app.app_context():  # version 2, as issue 5 will create it: same keys, predecessors
        old = db.session.get(Version, world.document.current_version_id)
        new = Version(document_id=old.document_id, number=2, label="Discussion draft 2", status="open",
                      source_format="markdown", source="", line_count=4)
        db.session.add(new)
        db.session.flush()
        for clause in db.session.scalars(select(Clause).where(Clause.version_id == old.id)):
            db.session.add(Clause(version_id=new.id, key=clause.key, number=clause.number, heading=clause.heading,
                                  text=clause.text + " Revised.", position=clause.position, depth=clause.depth,
                                  first_line=clause.first_line, last_line=clause.last_line,
                                  predecessor_id=clause.id, change="changed"))
        old.status = "superseded"
        db.session.flush()
        round_ = open_round(db.session.get(User, world.chair.id), new, scope="clauses", rule="each_group",
                            threshold="majority", quorum="1/2")
        db.session.commit()
        new_round = round_.id
    sign_in(client, world.member)
    ballot = client.get(f"/rounds/{new_round}/ballot").data.decode()
    assert "Given on version 1" in ballot and "It does not count in this round" in ballot
    assert "4 of 4 items not answered yet" in ballot
    tally = client.get(f"/api/v1/rounds/{new_round}/tally").get_json()
    assert all(g["cast"] == 0 for item in tally["items"] for g in item["groups"].values())


def test_objection_register_response_and_withdrawal(app, client, world):
    round_id, _items = _round(app, world, scope="document", rule="consensus")
    _vote(app, round_id, world.member, None, "object", "It weakens encryption.", formal=True)
    url = f"/documents/{world.document.id}/objections"
    assert b"It weakens encryption." not in client.get(url).data  # named: only after close for the public
    _close(app, world, round_id)
    assert b"It weakens encryption." in client.get(url).data
    with app.app_context():
        position_id = db.session.scalar(select(Position.id))
    chair = app.test_client()
    sign_in(chair, world.chair)
    token = csrf_token(chair, url)
    assert chair.post(f"/objections/{position_id}/response", data={"csrf_token": token, "response": ""}).status_code == 400
    assert chair.post(f"/objections/{position_id}/withdraw", data={"csrf_token": token}).status_code == 403
    answered = chair.post(f"/objections/{position_id}/response",
                          data={"csrf_token": token, "response": "Clause 2 now protects encryption."})
    assert answered.status_code == 302
    member = app.test_client()
    sign_in(member, world.member)
    page = member.get(url).data.decode()
    assert "Clause 2 now protects encryption." in page and "Withdraw my formal objection" in page
    assert member.post(f"/objections/{position_id}/withdraw", data={"csrf_token": csrf_token(member, url)}).status_code == 302
    page = client.get(url).data.decode()
    assert "withdrawn" in page and "It weakens encryption." in page
    # The frozen result is the record: it still shows the block.
    assert client.get(f"/api/v1/rounds/{round_id}/tally").get_json()["items"][0]["outcome"] == "blocked"


def _respond(app, world, response):
    from deliberation.services.objections import respond_to_objection

    with app.app_context():
        position = db.session.scalar(select(Position))
        respond_to_objection(db.session.get(User, world.chair.id), db.session.get(Round, position.round_id),
                             position, response)
        db.session.commit()


def _response(app):
    with app.app_context():
        return db.session.execute(select(Position.response, Position.responded_at)).one()


def test_a_new_objection_does_not_inherit_the_old_response(app, client, world):
    round_id, _items = _round(app, world, scope="document", rule="consensus")
    _vote(app, round_id, world.member, None, "object", "It weakens encryption.", formal=True)
    _respond(app, world, "Clause 2 now protects encryption.")
    _vote(app, round_id, world.member, None, "object", "It weakens encryption.", formal=True)  # the same again
    assert _response(app)[0] == "Clause 2 now protects encryption."
    _vote(app, round_id, world.member, None, "object", "It breaks interoperability.", formal=True)
    assert tuple(_response(app)) == (None, None)
    chair = sign_in(app.test_client(), world.chair)
    page = chair.get(f"/documents/{world.document.id}/objections").data.decode()
    assert "It breaks interoperability." in page and "Clause 2 now protects encryption." not in page
    for position, statement, formal in [("object", "It breaks interoperability.", False),  # no longer formal
                                        ("abstain", None, False)]:
        _vote(app, round_id, world.member, None, "object", "It breaks interoperability.", formal=True)
        _respond(app, world, "Answered.")
        _vote(app, round_id, world.member, None, position, statement, formal)
        assert tuple(_response(app)) == (None, None), position


def test_a_withdrawn_objection_lodged_again_is_a_new_one(app, client, world):
    from deliberation.services.objections import withdraw_objection

    round_id, _items = _round(app, world, scope="document", rule="consensus")
    _vote(app, round_id, world.member, None, "object", "It weakens encryption.", formal=True)
    _respond(app, world, "Clause 2 now protects encryption.")
    with app.app_context():
        withdraw_objection(db.session.get(User, world.member.id), db.session.get(Round, round_id),
                           db.session.scalar(select(Position)))
        db.session.commit()
    _vote(app, round_id, world.member, None, "object", "It weakens encryption.", formal=True)
    assert tuple(_response(app)) == (None, None)


def test_round_pages_do_not_grow_queries(app, client, world, make):
    def pages(round_id, item_id):
        urls = [f"/rounds/{round_id}", f"/rounds/{round_id}/tally", f"/rounds/{round_id}/ballot",
                f"/rounds/{round_id}/positions?item={item_id}", f"/documents/{world.document.id}/objections",
                f"/documents/{world.document.id}/rounds", f"/rounds/{round_id}/positions.csv"]
        with count_queries(app) as counter:
            for url in urls:
                assert client.get(url).status_code == 200, url
        return counter.count

    sign_in(client, world.chair)
    small, small_items = _round(app, world, scope="document")
    _vote(app, small, world.member, None, "object", "No.", formal=True)
    _close(app, world, small)
    baseline = pages(small, small_items[0])
    with app.app_context():
        from deliberation.models import WorkingGroup

        group = db.session.get(WorkingGroup, world.group.id)
        extra = [make.member(group, "member", "academia", user=make.user(password=None)) for _ in range(5)]
        db.session.commit()
        extra = [db.session.get(User, u.id) for u in extra]
        db.session.expunge_all()
    large, large_items = _round(app, world, scope="clauses")
    with app.app_context():
        clause_ids = [db.session.get(RoundItem, i).clause_id for i in large_items]
    for user in [*extra, world.member]:
        for clause_id in clause_ids:
            _vote(app, large, user, clause_id, "object", "Reason.", formal=True)
    _close(app, world, large)
    assert pages(large, large_items[-1]) == baseline


def test_anonymous_cannot_take_positions_or_see_the_ballot(app, client, world):
    round_id, _items = _round(app, world, scope="document")
    response = client.get(f"/rounds/{round_id}/ballot")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert re.search(rb"Take your position", client.get(f"/rounds/{round_id}").data) is None


def test_the_ballot_fills_the_items_not_answered_yet_in_one_go(app, client, world):
    """Issue 15 item 5: "Endorse all N" and "the same other position" for every item still without one;
    what the member chose on the page and what they had saved before stay as they are."""
    round_id, items = _round(app, world)
    _vote(app, round_id, world.member, _clause_of(app, items[0]), "abstain")
    sign_in(client, world.member)
    url = f"/rounds/{round_id}/ballot"
    page = client.get(url).get_data(as_text=True)
    assert "3 items not answered yet" in page and "Endorse all 3" in page
    token = csrf_token(client, url)

    # The other position needs its statement: refused once, in the bulk fieldset, nothing saved.
    refused = client.post(url, data={"csrf_token": token, "fill": "same", "fill-position": "object"})
    assert refused.status_code == 400 and "Give the reason for your objection." in refused.get_data(as_text=True)
    assert 'id="fill-statement"' in refused.get_data(as_text=True) and _count(app, Position) == 1
    no_choice = client.post(url, data={"csrf_token": token, "fill": "same"})
    assert no_choice.status_code == 400 and _count(app, Position) == 1

    chosen = client.post(url, data={"csrf_token": token, "fill": "endorse", f"position-{items[1]}": "object",
                                    f"statement-{items[1]}": "Too broad."}, follow_redirects=True)
    assert "Saved 3 positions." in chosen.get_data(as_text=True)
    assert "You have answered every item." in chosen.get_data(as_text=True)
    with app.app_context():
        mine = dict(db.session.execute(select(Position.item_id, Position.position).where(
            Position.round_id == round_id, Position.user_id == world.member.id)).all())
    assert mine == {items[0]: "abstain", items[1]: "object", items[2]: "endorse", items[3]: "endorse"}
    assert "items not answered yet" not in chosen.get_data(as_text=True).split("ballot-progress")[1][:200]


def test_the_same_other_position_goes_with_its_statement_and_never_as_formal(app, client, world):
    round_id, items = _round(app, world)
    sign_in(client, world.member)
    url = f"/rounds/{round_id}/ballot"
    token = csrf_token(client, url)
    done = client.post(url, data={"csrf_token": token, "fill": "same", "fill-position": "endorse_with_reservations",
                                  "fill-statement": "Subject to our capital's review."}, follow_redirects=True)
    assert "Saved 4 positions." in done.get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(select(Position.position, Position.statement, Position.formal).where(
            Position.round_id == round_id)).all()
    assert {tuple(row) for row in rows} == {("endorse_with_reservations", "Subject to our capital's review.", False)}


def _clause_of(app, item_id):
    with app.app_context():
        return db.session.get(RoundItem, item_id).clause_id

"""Threads follow their clauses into later versions: the comments list, the reading page and replies.

A thread written on version 1 shows on its clause's successor in versions 2 and 3 with where it landed
(exact, fuzzy with its score, or orphaned), the selector there and where it was written; replies to it
on the current version continue the thread.
"""
import html
import json
import re

from deliberation.extensions import db
from deliberation.models import User

from ..conftest import count_queries, sign_in
from .comments_support import Api
from .test_reanchor import CLAUSE, QUOTE, TYPO, _draft
from .version_helpers import add_comment, anchor_of, clause_numbered, publish

LOST = "four times a year"
V2_TEXT = CLAUSE.replace(LOST, "often")                     # the typo fixed; LOST's words gone
V3_TEXT = "Preface sentence. " + V2_TEXT                    # words inserted before the quote


def _three_versions(app, world, make, threads: int = 1) -> dict:
    """Version 1 (with a typo in clause 1) carries `threads` quoted threads with a reply each and one thread
    on words that version 2 drops; versions 2 and 3 follow."""
    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        member = db.session.merge(world.member)
        document = make.document(group, chair, source=_draft([CLAUSE.replace(*TYPO), "A second clause."]))
        v1 = document.current_version_id
        clause = clause_numbered(v1, "1")
        quoted = []
        for n in range(threads):
            root = add_comment(clause, member, quote=QUOTE.replace(*TYPO), body=f"Carried {n}")
            add_comment(clause, chair, body=f"Reply on version 1, {n}", parent=root)
            quoted.append(root.id)
        lost = add_comment(clause, member, quote=LOST, body="About the meetings")
        v2, _ = publish(document.id, chair, _draft([V2_TEXT, "A second clause."]))
        db.session.commit()
        return {"document": document.id, "v1": v1, "v2": v2.id, "clause1": clause.id, "quoted": quoted,
                "lost": lost.id, "key": clause.key, "c2": clause_numbered(v2.id, "1").id}


def _publish_v3(app, world, data) -> None:
    with app.app_context():
        v3, _ = publish(data["document"], db.session.get(User, world.chair.id), _draft([V3_TEXT, "A second clause."]))
        db.session.commit()
        data["v3"], data["c3"] = v3.id, clause_numbered(v3.id, "1").id


def _list(client, clause_id: int, **params) -> dict:
    response = client.get(f"/api/v1/clauses/{clause_id}/comments", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_thread_follows_its_clause_through_three_versions(app, client, world, make):
    data = _three_versions(app, world, make)
    api = Api(client, world.member)
    [root_id] = data["quoted"]

    on_v2 = _list(client, data["c2"])
    assert on_v2["total_threads"] == 2 and on_v2["next_after"] is None
    carried, lost = on_v2["comments"]
    assert carried["id"] == root_id and carried["anchor_status"] == "fuzzy"
    assert 0.7 <= carried["anchor_score"] <= 1
    assert carried["selector"]["exact"] == QUOTE and V2_TEXT[carried["selector"]["start"]:carried["selector"]["end"]] == QUOTE
    assert (carried["clause_id"], carried["original_clause_id"], carried["original_version"]) == \
        (data["c2"], data["clause1"], 1)
    assert [r["body"] for r in carried["replies"]] == ["Reply on version 1, 0"] and carried["replies"][0]["replies"] == []
    assert lost["id"] == data["lost"] and lost["anchor_status"] == "orphaned" and lost["selector"] is None
    assert lost["original_clause_id"] == data["clause1"] and lost["replies"] == []

    # Replying on version 2 continues the thread: the reply is written on version 2's clause.
    reply = api("POST", f"/api/v1/clauses/{data['c2']}/comments", {"body": "Still unclear.", "parent_id": root_id})
    assert reply.status_code == 201, reply.get_json()
    created = reply.get_json()
    assert created["replies"] == [] and created["root_id"] == root_id and created["clause_id"] == data["c2"]
    native = api("POST", f"/api/v1/clauses/{data['c2']}/comments", {"body": "New on version 2."}).get_json()
    assert [r["body"] for r in _list(client, data["c2"])["comments"][0]["replies"]] == \
        ["Reply on version 1, 0", "Still unclear."]
    # Version 1 still reads as written there.
    on_v1 = _list(client, data["clause1"])
    assert [c["anchor_status"] for c in on_v1["comments"]] == ["exact", "exact"]
    assert on_v1["comments"][0]["original_clause_id"] is None and len(on_v1["comments"][0]["replies"]) == 1

    _publish_v3(app, world, data)
    on_v3 = _list(client, data["c3"])
    # The orphan is not carried further; the thread and the version 2 thread are.
    assert [c["id"] for c in on_v3["comments"]] == [root_id, native["id"]]
    carried, from_v2 = on_v3["comments"]
    assert carried["anchor_status"] == "exact" and carried["anchor_score"] is None
    assert V3_TEXT[carried["selector"]["start"]:carried["selector"]["end"]] == QUOTE
    assert (carried["original_clause_id"], carried["original_version"]) == (data["clause1"], 1)
    assert [r["body"] for r in carried["replies"]] == ["Reply on version 1, 0", "Still unclear."]
    assert (from_v2["original_clause_id"], from_v2["original_version"]) == (data["c2"], 2)
    # A reply on version 3 shows there, not on version 2.
    assert api("POST", f"/api/v1/clauses/{data['c3']}/comments",
               {"body": "On three.", "parent_id": root_id}).status_code == 201
    assert len(_list(client, data["c3"])["comments"][0]["replies"]) == 3
    assert len(_list(client, data["c2"])["comments"][0]["replies"]) == 2


def test_a_reply_to_a_thread_of_another_clause_is_refused(app, client, world, make):
    data = _three_versions(app, world, make)
    with app.app_context():
        other = clause_numbered(data["v2"], "2").id
    api = Api(client, world.member)
    response = api("POST", f"/api/v1/clauses/{other}/comments", {"body": "x", "parent_id": data["quoted"][0]})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "parent_id"


def test_carried_threads_page_with_the_others(app, client, world, make):
    data = _three_versions(app, world, make, threads=3)
    sign_in(client, world.member)
    first = _list(client, data["c2"], limit=2)
    assert first["total_threads"] == 4 and [c["id"] for c in first["comments"]] == data["quoted"][:2]
    second = _list(client, data["c2"], limit=2, after=first["next_after"])
    assert [c["id"] for c in second["comments"]] == [data["quoted"][2], data["lost"]]
    assert second["next_after"] is None and all(c["original_version"] == 1 for c in second["comments"])


def _highlights(page: str, clause_id: int) -> list:
    article = re.search(rf'data-clause-id="{clause_id}".*?data-highlights="([^"]*)"', page, re.S)
    return json.loads(html.unescape(article.group(1)))


def test_the_reading_page_shows_where_a_carried_thread_came_from(app, client, world, make):
    data = _three_versions(app, world, make)
    sign_in(client, world.member)
    [root_id] = data["quoted"]
    url = f"/documents/{data['document']}/versions/2/clauses/{data['key']}"
    page = client.get(url).get_data(as_text=True)
    with app.app_context():
        anchor = anchor_of(root_id, data["v2"])
        percent = round(anchor.score * 100)
        start, end = anchor.quote_start, anchor.quote_end
    assert f"From version 1, clause 1</a> · moved (fuzzy, {percent}%)" in page
    assert "orphaned: the quoted words are gone" in page
    assert f'<del>{LOST}</del>' in page
    assert [start, end, root_id, False] in _highlights(page, data["c2"])
    assert re.search(r'data-open-count>2<', page)  # both carried threads are open
    # the reply form continues the thread on this version; the old text is not editable here
    assert f'name="parent_id" value="{root_id}"' in page and f'id="edit-{root_id}"' not in page
    assert f"/api/v1/clauses/{data['c2']}/comments" in page

    version_page = client.get(f"/documents/{data['document']}/versions/2").get_data(as_text=True)
    assert [start, end, root_id, False] in _highlights(version_page, data["c2"])
    # as the live updates fetch it: the fragment of the carried root, in the discussion of version 2's clause
    fragment = client.get(f"/comments/{root_id}/fragment?clause={data['c2']}").get_data(as_text=True)
    assert "From version 1, clause 1" in fragment and "comment--carried" in fragment
    assert "From version" not in client.get(f"/comments/{root_id}/fragment").get_data(as_text=True)


def test_carried_threads_take_a_fixed_number_of_queries(app, client, world, make):
    few = _three_versions(app, world, make, threads=1)
    many = _three_versions(app, world, make, threads=25)
    sign_in(client, world.member)

    def queries(data) -> int:
        urls = [f"/api/v1/clauses/{data['c2']}/comments",
                f"/documents/{data['document']}/versions/2/clauses/{data['key']}",
                f"/documents/{data['document']}/versions/2",
                f"/documents/{data['document']}/versions/2/clauses/{data['key']}/threads"]
        with count_queries(app) as counter:
            for url in urls:
                assert client.get(url).status_code == 200, url
        return counter.count

    queries(few)  # warm the session's caches alike
    assert queries(many) == queries(few)

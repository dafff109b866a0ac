"""Exports of the public record: JSON, the disposition report as CSV, W3C Web Annotation JSON-LD. They
never leak: no private documents, hidden comments, unpublished comments, e-mail addresses or early names."""
import csv
import hashlib
import io
import json

from deliberation.extensions import db
from deliberation.models import WorkingGroup

from .version_helpers import add_more, api_token, build_record, queries_for

EXPORTS = ("record.json", "annotations.jsonld", "dispositions.csv")


def _url(world, name, document=None):
    return f"/api/v1/documents/{(document or world.document).id}/{name}"


def test_record_json(app, client, world):
    with app.app_context():
        ids = build_record(world)
    data = client.get(_url(world, "record.json")).get_json()
    assert [v["number"] for v in data["versions"]] == [1, 2]
    assert data["versions"][1]["changes"] == {"unchanged": 3, "changed": 1, "new": 0, "removed": 0}
    clauses = data["versions"][1]["clauses"]
    assert [c["change"] for c in clauses] == ["unchanged", "changed", "unchanged", "unchanged"]
    assert clauses[1]["predecessor_id"] == data["versions"][0]["clauses"][1]["id"]
    assert clauses[1]["key"] == data["versions"][0]["clauses"][1]["key"]
    comments = {c["id"]: c for c in data["comments"]}
    assert ids["hidden"] not in comments and set(comments) == {ids["quoted"], ids["reply"], ids["formula"],
                                                                ids["amendment"]}
    amendment = comments[ids["amendment"]]
    assert amendment["disposition"]["value"] == "accepted" and amendment["disposition"]["carried_in_version"] == 2
    assert amendment["anchors"][0]["version"] == 2 and amendment["anchors"][0]["status"] == "exact"
    assert comments[ids["quoted"]]["anchors"][0]["status"] == "exact"
    assert comments[ids["quoted"]]["permalink"].endswith(f"/comments/{ids['quoted']}")
    round_ = data["rounds"][0]
    assert round_["status"] == "closed" and round_["rule"] == "each_group"
    item = round_["items"][0]
    assert item["result"]["outcome"] in ("not_adopted", "no_quorum") and item["designation"]["value"] == "divergence"
    assert {p["position"] for p in item["positions"]} == {"endorse", "object"}
    assert item["minority_statements"][0]["body_html"].startswith("<p>We object")
    assert len(round_["electorate"]) == 9  # who could have voted, so who did not is visible too
    assert data["formal_objections"][0]["reason"] == "Too vague on funding."
    assert [s["name"] for s in data["supports"]] == ["Ada Org"]
    assert data["record_head"]["hash"] == client.get("/api/v1/record/verify").get_json()["head"]


def test_anyone_can_recompute_the_event_hashes(app, client, world):
    with app.app_context():
        build_record(world)
    events = client.get(_url(world, "record.json")).get_json()["events"]
    assert events and all(e["public"] for e in events)
    for event in events:
        content = {k: v for k, v in event.items() if k != "hash"}
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False).encode()).hexdigest()
        assert digest == event["hash"], event["kind"]


def test_open_round_names_nobody(app, client, world):
    with app.app_context():
        build_record(world, close_round=False)
    data = client.get(_url(world, "record.json")).get_json()
    item = data["rounds"][0]["items"][0]
    assert data["rounds"][0]["status"] == "open"
    assert item["positions"] is None and item["result"] is None and data["rounds"][0]["electorate"] is None
    assert data["formal_objections"] == []


def test_annotations_jsonld(app, client, world):
    with app.app_context():
        ids = build_record(world)
    response = client.get(_url(world, "annotations.jsonld"))
    assert response.headers["Content-Type"].startswith("application/ld+json")
    data = response.get_json(force=True)
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld" and data["type"] == "AnnotationCollection"
    # The model requires every AnnotationPage to have an IRI of its own; the one page is part of the collection.
    page = data["first"]
    assert page["type"] == "AnnotationPage" and page["id"].startswith(data["id"]) and page["id"] != data["id"]
    assert page["partOf"] == data["id"]
    items = {a["id"].rsplit("/", 1)[1]: a for a in page["items"]}
    assert data["total"] == len(items) == 4 and str(ids["hidden"]) not in items
    quoted = items[str(ids["quoted"])]
    assert quoted["type"] == "Annotation" and quoted["motivation"] == "commenting"
    selectors = quoted["target"]["selector"]
    assert selectors[0] == {"type": "TextQuoteSelector", "exact": "assess the impact",
                            "prefix": "Governments should ", "suffix": " of proposed laws."}
    assert selectors[1]["type"] == "TextPositionSelector" and selectors[1]["end"] - selectors[1]["start"] == 17
    assert "/versions/1/clauses/" in quoted["target"]["source"]
    reply = items[str(ids["reply"])]
    assert reply["motivation"] == "replying" and reply["target"].endswith(f"/comments/{ids['quoted']}")
    amendment = items[str(ids["amendment"])]
    assert amendment["motivation"] == "editing"
    assert {b["purpose"] for b in amendment["body"]} == {"commenting", "editing", "assessing"}
    assert isinstance(items[str(ids["formula"])]["target"], str)  # a whole-clause comment targets the clause


def test_dispositions_csv(app, client, world):
    with app.app_context():
        ids = build_record(world)
    response = client.get(_url(world, "dispositions.csv"))
    assert response.content_type.startswith("text/csv") and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    by_ref = {int(r["reference"]): r for r in rows}
    assert set(by_ref) == {ids["quoted"], ids["reply"], ids["formula"], ids["amendment"]}
    assert by_ref[ids["formula"]]["comment"].startswith("'=HYPERLINK")  # never a spreadsheet formula
    amendment = by_ref[ids["amendment"]]
    assert (amendment["disposition"], amendment["rationale"], amendment["carried_in_version"]) == \
        ("Accepted", "Done in the second draft.", "2")
    assert amendment["clause"] == "1" and amendment["lines"] and amendment["stakeholder_group"] == "Civil society"
    assert by_ref[ids["reply"]]["in_reply_to"] == str(ids["quoted"])
    only_v2 = client.get(_url(world, "dispositions.csv") + "?version=2")
    assert len(list(csv.DictReader(io.StringIO(only_v2.data.decode())))) == 0
    assert client.get(_url(world, "dispositions.csv") + "?version=7").status_code == 404


def test_exports_never_leak(app, client, world):
    with app.app_context():
        build_record(world)
    for name in EXPORTS:
        body = client.get(_url(world, name)).data.decode()
        assert "@private.example" not in body and "@example.org" not in body, name
        assert "Secret rant" not in body, name  # (the hiding itself, with its reason, is a public record event)
        for user in (None, world.outsider, world.other_member):
            headers = api_token(app, user) if user else {}
            response = client.get(_url(world, name, world.private_document), headers=headers)
            assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found", name
    with app.app_context():
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    assert client.get(_url(world, "record.json")).get_json()["comments"] is None
    assert client.get(_url(world, "annotations.jsonld")).get_json(force=True)["total"] == 0
    assert len(client.get(_url(world, "dispositions.csv")).data.decode().strip().splitlines()) == 1
    member = api_token(app, world.member)
    assert len(client.get(_url(world, "record.json"), headers=member).get_json()["comments"]) == 4


def test_export_queries_do_not_grow(app, client, world, make):
    urls = [_url(world, name) for name in EXPORTS]
    with app.app_context():
        build_record(world)
    small = queries_for(app, client, urls)
    with app.app_context():
        add_more(world)
    assert queries_for(app, client, urls) == small


"""The public record page, its printable form and its Atom feed: what they show, to whom, at what cost."""
import xml.etree.ElementTree as ET

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import RecordEvent, WorkingGroup

from ..conftest import sign_in
from ..factories import SAMPLE_DRAFT
from .version_helpers import add_more, build_record, publish, queries_for

ATOM = "{http://www.w3.org/2005/Atom}"


def _recorded(app, client, world, path: str) -> tuple[dict, str]:
    """Build the sample record, then read one of its pages (which must answer 200)."""
    with app.app_context():
        ids = build_record(world)
    page = client.get(f"/documents/{world.document.id}/{path}")
    assert page.status_code == 200
    return ids, page.data.decode()


def test_anonymous_reads_the_record(app, client, world):
    ids, html = _recorded(app, client, world, "record")
    head = client.get("/api/v1/record/verify").get_json()
    assert head["ok"] and f"data-record-head>{head['head']}<" in html
    assert f"data-record-length>{head['length']}<" in html
    # history with statuses, dates and a link to what changed
    assert "Discussion draft 1" in html and "Discussion draft 2" in html and "Superseded" in html
    assert f"/documents/{world.document.id}/compare?from=1&amp;to=2" in html
    assert "1 changed" in html
    # the closed round: rule, outcome by sector, designation, minority statement, formal objection
    assert f'id="round-{ids["round"]}"' in html and "Divergence" in html
    assert "funding</em> gap" in html and "Too vague on funding." in html
    # verified support only, and never an e-mail address
    assert "Ada Org" in html and "Pending Person" not in html and "@private.example" not in html
    # exports, feed, verification instructions
    for link in ("record.json", "dispositions.csv", "annotations.jsonld", "/record/print", "record.atom",
                 "/api/v1/record/verify", "flask --app app verify-record"):
        assert link in html, link
    assert 'type="application/atom+xml"' in html and "css/print.css" in html


def test_private_record_is_404_for_outsiders(app, client, world):
    for url in (f"/documents/{world.private_document.id}/record", f"/documents/{world.private_document.id}/record/print",
                f"/documents/{world.private_document.id}/record.atom"):
        assert client.get(url).status_code == 404
    sign_in(client, world.outsider)
    assert client.get(f"/documents/{world.private_document.id}/record").status_code == 404
    client.post("/sign-out")
    sign_in(client, world.member)
    assert client.get(f"/documents/{world.private_document.id}/record").status_code == 200


def test_comments_only_where_the_group_publishes_them(app, client, world):
    with app.app_context():
        build_record(world)
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
    printed = client.get(f"/documents/{world.document.id}/record/print?version=1").data.decode()
    assert "does not publish its members" in printed and "Say <em>how</em>" not in printed
    assert "dispositions.csv" not in client.get(f"/documents/{world.document.id}/record").data.decode()
    sign_in(client, world.observer)
    printed = client.get(f"/documents/{world.document.id}/record/print?version=1").data.decode()
    assert "Say <em>how</em> they assess it." in printed


def test_printable_record(app, client, world):
    ids, html = _recorded(app, client, world, "record/print?version=1")
    assert 'class="print-line' in html and 'data-line="1"' in html and "css/print.css" in html
    assert "Say <em>how</em> they assess it." in html and f"reply to #{ids['quoted']}" in html
    assert "Secret rant" not in html  # hidden comments never
    assert "Accepted" in html and "in version 2" in html and "Done in the second draft." in html
    assert "Proposed text:" in html and "protect and respect human rights" in html
    assert client.get(f"/documents/{world.document.id}/record/print?version=9").status_code == 404
    current = client.get(f"/documents/{world.document.id}/record/print").data.decode()
    assert "Text of Discussion draft 2" in current


def test_atom_feed_lists_public_events_only(app, client, world):
    with app.app_context():
        build_record(world)
    response = client.get(f"/documents/{world.document.id}/record.atom")
    assert response.status_code == 200 and response.content_type.startswith("application/atom+xml")
    feed = ET.fromstring(response.data)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert "Discussion draft 2 published: 1 changed, 0 new, 0 removed clauses" in titles
    assert any(t.startswith("Round on ") and " closed: " in t for t in titles), titles
    # Entries speak to people; the chain's hashes are metadata for machines, not the text of the entry.
    summaries = [e.find(f"{ATOM}summary").text for e in feed.findall(f"{ATOM}entry")]
    assert not any("SHA-256" in text or "Record entry" in text for text in summaries)
    assert not [t for t in titles + summaries if "each_group" in t or "threshold majority" in t]
    marks = feed.findall(f"{ATOM}entry/{{urn:deliberation:record}}entry")
    assert len(marks) == len(titles) and all(len(m.get("hash")) == 64 for m in marks)
    with app.app_context():
        public = db.session.scalar(select(db.func.count()).select_from(RecordEvent).where(
            RecordEvent.document_id == world.document.id, RecordEvent.public.is_(True)))
        kinds = set(db.session.scalars(select(RecordEvent.kind).where(RecordEvent.document_id == world.document.id,
                                                                      RecordEvent.public.is_(False))))
    assert len(titles) == min(public, 50)
    assert "position.taken" in kinds  # private: named positions are published with the round, not as events
    categories = {c.get("term") for c in feed.iter(f"{ATOM}category")}
    assert "position.taken" not in categories and "support.submitted" not in categories


def test_record_page_queries_do_not_grow(app, client, world, make):
    urls = [f"/documents/{world.document.id}/record", f"/documents/{world.document.id}/record/print"]
    with app.app_context():
        build_record(world)
    small = queries_for(app, client, urls)
    with app.app_context():
        add_more(world)
        publish(world.document.id, world.chair, SAMPLE_DRAFT.replace("outset", "outset (4)"))
        db.session.commit()
    assert queries_for(app, client, urls) == small

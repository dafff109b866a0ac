"""Publishing new versions (API and pages): matching, change marks, superseding, bad input, comparisons."""
import re

from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Clause, Document, RecordEvent, Round, Version

from ..conftest import count_queries, csrf_token, sign_in
from ..factories import SAMPLE_DRAFT
from .version_helpers import api_token, clauses_of, publish

# Version 2 of the sample: 1.1 reworded, a new clause 2 inserted, Encryption renumbered to 3.
REVISED = (SAMPLE_DRAFT.replace("assess the impact of proposed laws", "assess and publish the impact of proposed laws")
           .replace("## 2. Encryption", "## 2. Consultation\n\nConsult the public early.\n\n## 3. Encryption"))


def _versions(app, document_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Version).where(Version.document_id == document_id))


def test_chair_publishes_a_version_through_the_api(app, client, world):
    response = client.post(f"/api/v1/documents/{world.document.id}/versions", headers=api_token(app, world.chair),
                           json={"format": "markdown", "source": REVISED})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["number"] == 2 and body["label"] == "Discussion draft 2" and body["status"] == "open"
    assert [m["change"] for m in body["matches"]] == ["unchanged", "unchanged", "changed", "new", "unchanged"]
    assert body["removed"] == []
    with app.app_context():
        old = {c.number: c for c in clauses_of(world.document.current_version_id)}
        new = {c.id: c for c in clauses_of(body["id"])}
        document = db.session.get(Document, world.document.id)
        assert document.current_version_id == body["id"]
        assert db.session.get(Version, world.document.current_version_id).status == "superseded"
        # the predecessor's key is carried, so a clause can be followed across versions
        encryption = next(c for c in new.values() if c.number == "3")
        assert encryption.key == old["2"].key and encryption.predecessor_id == old["2"].id
        assert next(c for c in new.values() if c.number == "2").key not in {c.key for c in old.values()}
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.kind == "version.published")
                                  .order_by(RecordEvent.seq.desc()).limit(1))
        assert event.payload["changes"] == {"unchanged": 3, "changed": 1, "new": 1, "removed": 0}
        assert event.public and event.document_id == world.document.id
    assert client.get(f"/api/v1/documents/{world.document.id}").get_json()["current_version_id"] == body["id"]


def test_removed_clauses_are_listed(app, client, world):
    shorter = SAMPLE_DRAFT.split("## 2. Encryption")[0]
    body = client.post(f"/api/v1/documents/{world.document.id}/versions", headers=api_token(app, world.chair),
                       json={"format": "markdown", "source": shorter, "label": "Shorter"}).get_json()
    assert body["label"] == "Shorter"
    assert [r["number"] for r in body["removed"]] == ["2"]


def test_chair_corrects_the_matching(app, client, world):
    with app.app_context():
        old = clauses_of(world.document.current_version_id)
    # Say the new clause 2 (Consultation) is what became of old clause 2, and Encryption is new.
    matches = [old[0].id, old[1].id, old[2].id, old[3].id, None]
    body = client.post(f"/api/v1/documents/{world.document.id}/versions", headers=api_token(app, world.chair),
                       json={"format": "markdown", "source": REVISED, "matches": matches}).get_json()
    assert [m["predecessor_id"] for m in body["matches"]] == matches
    assert [m["change"] for m in body["matches"]] == ["unchanged", "unchanged", "changed", "changed", "new"]


def test_bad_input_writes_nothing(app, client, world):
    headers = api_token(app, world.chair)
    url = f"/api/v1/documents/{world.document.id}/versions"
    with app.app_context():
        old = clauses_of(world.document.current_version_id)
        other = clauses_of(world.private_document.current_version_id)
    cases = [
        ({"format": "markdown", "source": REVISED, "matches": [old[0].id, old[0].id, None, None, None]}, 400, "matches"),
        ({"format": "markdown", "source": REVISED, "matches": [None]}, 400, "matches"),
        ({"format": "markdown", "source": REVISED, "matches": [other[0].id, None, None, None, None]}, 400, "matches"),
        ({"format": "markdown", "source": REVISED, "matches": ["1", None, None, None, None]}, 400, "matches"),
        ({"format": "markdown", "source": REVISED, "matches": "all"}, 400, "matches"),
        ({"format": "html", "source": REVISED}, 400, "format"),
        ({"format": "markdown", "source": "just words"}, 400, "source"),
        ({"format": "markdown"}, 400, "source"),
        ({"format": "markdown", "source": "1. " + "a" * (2 * 1024 * 1024)}, 413, "source"),
    ]
    for body, status, field in cases:
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == status, (body.get("matches"), response.get_json())
        assert response.get_json()["error"]["field"] == field
    duplicate = client.post(url, headers=headers, json=cases[0][0]).get_json()["error"]["message"]
    assert "Preamble" in duplicate and "only one successor" in duplicate
    assert _versions(app, world.document.id) == 1


def test_archived_document_is_409(app, client, world):
    with app.app_context():
        db.session.get(Document, world.document.id).archived = True
        db.session.commit()
    response = client.post(f"/api/v1/documents/{world.document.id}/versions", headers=api_token(app, world.chair),
                           json={"format": "markdown", "source": REVISED})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    assert _versions(app, world.document.id) == 1


def test_open_round_blocks_a_new_version(app, client, world):
    from datetime import timedelta

    from deliberation.models import User
    from deliberation.models._base import utcnow
    from deliberation.services.rounds import open_round

    url = f"/api/v1/documents/{world.document.id}/versions"
    with app.app_context():
        round_id = open_round(db.session.get(User, world.chair.id), db.session.get(Version, world.document.current_version_id),
                              scope="document", rule="each_group", threshold="majority", quorum="1/2",
                              closes_at=utcnow() + timedelta(days=1)).id
        db.session.commit()
    response = client.post(url, headers=api_token(app, world.chair), json={"format": "markdown", "source": REVISED})
    assert response.status_code == 409 and "round is open" in response.get_json()["error"]["message"]
    with app.app_context():  # once its closing time has passed, the round closes and no longer blocks
        db.session.get(Round, round_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(url, headers=api_token(app, world.chair), json={"format": "markdown", "source": REVISED})
    assert response.status_code == 201
    with app.app_context():
        assert db.session.get(Round, round_id).status == "closed"


def test_only_chairs_publish(app, client, world):
    url = f"/api/v1/documents/{world.document.id}/versions"
    body = {"format": "markdown", "source": REVISED}
    assert client.post(url, headers=api_token(app, world.member), json=body).status_code == 403
    assert client.post(url, headers=api_token(app, world.admin), json=body).status_code == 403
    assert client.post(url, headers=api_token(app, world.other_member), json=body).status_code == 403
    assert client.post(f"/api/v1/documents/{world.private_document.id}/versions",
                       headers=api_token(app, world.outsider), json=body).status_code == 404
    assert client.post(url, json=body).status_code == 401
    assert _versions(app, world.document.id) == 1


def test_diff_of_two_versions(app, client, world):
    with app.app_context():
        v2, _plan = publish(world.document.id, world.chair, REVISED)
        db.session.commit()
        v1_id, v2_id = world.document.current_version_id, v2.id
    diff = client.get(f"/api/v1/versions/{v1_id}/diff/{v2_id}").get_json()
    assert diff["from"]["number"] == 1 and diff["to"]["number"] == 2
    assert diff["counts"] == {"unchanged": 3, "changed": 1, "new": 1, "removed": 0}
    changed = next(c for c in diff["clauses"] if c["change"] == "changed")
    assert changed["new"]["number"] == "1.1"
    assert {"op": "insert", "text": "and publish "} in changed["diff"]
    assert "".join(p["text"] for p in changed["diff"] if p["op"] != "insert") == \
        "Governments should assess the impact of proposed laws."
    renumbered = next(c for c in diff["clauses"] if c["new"]["number"] == "3")
    assert renumbered["change"] == "unchanged" and renumbered["old"]["number"] == "2"
    backwards = client.get(f"/api/v1/versions/{v2_id}/diff/{v1_id}").get_json()
    assert backwards["counts"] == {"unchanged": 3, "changed": 1, "new": 0, "removed": 1}


def test_diff_refuses_what_the_caller_may_not_read(app, client, world):
    with app.app_context():
        private_v1 = world.private_document.current_version_id
        v2, _plan = publish(world.private_document.id, world.chair, REVISED)
        db.session.commit()
        private_v2 = v2.id
    assert client.get(f"/api/v1/versions/{private_v1}/diff/{private_v2}").status_code == 404
    mixed = client.get(f"/api/v1/versions/{world.document.current_version_id}/diff/{world.other_document.current_version_id}")
    assert mixed.status_code == 404
    assert client.get(f"/api/v1/versions/{private_v1}/diff/{private_v2}",
                      headers=api_token(app, world.member)).status_code == 200


def _preview(client, world, source):
    url = f"/documents/{world.document.id}/versions/new"
    token = csrf_token(client, url)
    return url, token, client.post(url, data={"csrf_token": token, "format": "markdown", "source": source,
                                              "action": "preview", "label": ""})


def test_preview_shows_the_matching_and_publishes_the_chairs_choice(app, client, world):
    sign_in(client, world.chair)
    url, token, preview = _preview(client, world, REVISED)
    assert preview.status_code == 200, preview.data[:500]
    page = preview.data.decode()
    assert "Preview: 5 clauses" in page and 'name="match-4"' in page
    selected = re.findall(r'<select name="match-(\d+)".*?<option value="([^"]+)"[^>]*selected', page, re.S)
    assert [value for _i, value in selected][3] == "new"
    assert _versions(app, world.document.id) == 1  # a preview writes nothing
    with app.app_context():
        old = clauses_of(world.document.current_version_id)
    form = {"csrf_token": token, "format": "markdown", "source": REVISED, "action": "publish", "label": "Second"}
    form.update({f"match-{i}": str(v) for i, v in enumerate([old[0].id, old[1].id, old[2].id, "new", old[3].id])})
    published = client.post(url, data=form)
    assert published.status_code == 302, published.data[:800]
    assert published.headers["Location"].endswith(f"/documents/{world.document.id}/compare?to=2")
    compare = client.get(published.headers["Location"])
    assert compare.status_code == 200 and b"Second is published" in compare.data


def test_duplicate_predecessor_in_the_form_is_a_clear_error(app, client, world):
    sign_in(client, world.chair)
    url, token, _preview_page = _preview(client, world, REVISED)
    with app.app_context():
        old = clauses_of(world.document.current_version_id)
    form = {"csrf_token": token, "format": "markdown", "source": REVISED, "action": "publish"}
    form.update({f"match-{i}": str(old[1].id) if i in (1, 2) else "new" for i in range(5)})
    response = client.post(url, data=form)
    assert response.status_code == 400
    assert b"only one successor" in response.data and b"both revise clause 1" in response.data
    # the chair's choices stay selected so they can be corrected
    assert len(re.findall(rf'<option value="{old[1].id}" selected', response.data.decode())) == 2
    assert _versions(app, world.document.id) == 1


def test_new_version_page_errors_and_permissions(app, client, world):
    url = f"/documents/{world.document.id}/versions/new"
    sign_in(client, world.member)
    assert client.get(url).status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    sign_in(client, world.chair)
    assert client.get(url).status_code == 200
    token = csrf_token(client, url)
    empty = client.post(url, data={"csrf_token": token, "format": "markdown", "source": " ", "action": "preview"})
    assert empty.status_code == 400 and b"Paste the draft or choose a file" in empty.data
    with app.app_context():
        db.session.get(Document, world.document.id).archived = True
        db.session.commit()
    archived = client.post(url, data={"csrf_token": token, "format": "markdown", "source": REVISED, "action": "preview"})
    assert archived.status_code == 409 and b"archived" in archived.data


def test_compare_pages(app, client, world):
    with app.app_context():
        publish(world.document.id, world.chair, REVISED)
        publish(world.document.id, world.chair, REVISED.replace("Consult the public early.", "Consult early and widely."))
        db.session.commit()
    base = f"/documents/{world.document.id}/compare"
    inline = client.get(base)
    assert inline.status_code == 200
    assert b"Consult <del>the public early</del><ins>early and widely</ins>." in inline.data
    side = client.get(base + "?from=1&to=3&view=side")
    page = side.data.decode()
    assert side.status_code == 200 and "diff--side" in page
    assert "<ins>and publish </ins>" in page and 'class="diff-side diff-side--old"' in page
    assert "(was 2)" in page  # Encryption was clause 2 in version 1
    only = client.get(base + "?from=1&to=3&only=changes").data.decode()
    assert only.count('<article class="diff-clause ') == 2 and "diff-clause--unchanged" not in only
    assert client.get(base + "?from=9").status_code == 404
    assert client.get(base + "?from=x").status_code == 404
    assert client.get(f"/documents/{world.private_document.id}/compare").status_code == 404


def test_compare_queries_do_not_grow_with_clauses(app, client, world, make):
    def measure(document_id):
        with count_queries(app) as counter:
            assert client.get(f"/documents/{document_id}/compare?from=1&to=2&view=side").status_code == 200
        return counter.count

    with app.app_context():
        publish(world.document.id, world.chair, REVISED)
        db.session.commit()
    small = measure(world.document.id)
    big_source = "# Big\n\n" + "".join(f"## {n}. Clause {n}\n\nText of clause {n} here.\n\n" for n in range(1, 60))
    with app.app_context():
        group, chair = db.session.merge(world.group), db.session.merge(world.chair)
        document = make.document(group, chair, source=big_source)
        publish(document.id, chair, big_source.replace("Text of clause 7", "New text of clause 7"))
        db.session.commit()
        big_id = document.id
    assert measure(big_id) == small
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Clause).where(Clause.change == "changed")) >= 1

"""Conditional GETs and the cache of public pages: keyed on the record's head, never personal."""
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from sqlalchemy import func, select, update

from deliberation import public_cache
from deliberation.extensions import db
from deliberation.models import Document, RecordEvent, Round, User, Version
from deliberation.models._base import utcnow
from deliberation.services.documents import update_document
from deliberation.services.rounds import open_round

from ..conftest import PASSWORD, count_queries, csrf_token, sign_in
from .comments_support import clauses, post


@pytest.fixture
def cached(app):
    app.config["PUBLIC_CACHE"] = True
    yield app
    app.extensions["public_cache"].clear()


@pytest.fixture
def settled(monkeypatch):
    """The cache's clock two seconds on: the record's head is old enough for a Last-Modified."""
    monkeypatch.setattr(public_cache, "utcnow", lambda: utcnow() + timedelta(seconds=2))


def _rename(app, world, title):
    with app.app_context():
        document = db.session.get(Document, world.document.id)
        update_document(db.session.merge(world.chair), document, title=title, public=True)
        db.session.commit()


def test_anonymous_page_is_cached_and_revalidated(cached, settled, client, world):
    url = f"/documents/{world.document.id}/versions/1"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert "X-Cache" not in first.headers
    second = client.get(url)
    assert second.headers.get("X-Cache") == "hit" and second.data == first.data
    not_modified = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not not_modified.data


def test_a_record_event_invalidates(cached, client, world):
    url = f"/documents/{world.document.id}/versions/1"
    before = client.get(url)
    _rename(cached, world, "Renamed recommendations")
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and b"Renamed recommendations" in after.data
    assert after.headers["ETag"] != before.headers["ETag"]


def test_cache_hit_renders_nothing(cached, app, client, world):
    url = f"/documents/{world.document.id}/versions/1"
    client.get(url)
    with count_queries(app) as hit:
        client.get(url)
    assert hit.count <= 2  # the record head (and nothing that depends on the page)


def test_signed_in_pages_are_never_cached(cached, client, world):
    sign_in(client, world.member)
    url = f"/documents/{world.document.id}/versions/1"
    client.get(url)
    response = client.get(url)
    assert "ETag" not in response.headers and "X-Cache" not in response.headers


def test_anonymous_pages_carry_no_csrf_token(cached, client, world):
    response = client.get(f"/documents/{world.document.id}/versions/1")
    assert b"csrf" not in response.data.lower()


def test_sign_in_page_is_not_cached(cached, client, world):
    client.get("/sign-in")
    response = client.get("/sign-in")
    assert "X-Cache" not in response.headers and "ETag" not in response.headers


def test_bearer_requests_are_not_cached(cached, client, world):
    bearer = client.get("/api/v1/documents", headers={"Authorization": "Bearer dlb_nope"})
    assert bearer.status_code == 401 and "ETag" not in bearer.headers


def test_private_pages_are_not_stored_for_the_public(cached, client, world):
    response = client.get(f"/documents/{world.private_document.id}/versions/1")
    assert response.status_code == 404 and "ETag" not in response.headers


def _public_urls(app, world) -> dict[str, str]:
    version = world.document.current_version_id
    clause = clauses(app, version)[1]
    document = world.document.id
    return {
        "version page": f"/documents/{document}/versions/1",
        "record page": f"/documents/{document}/record",
        "record.json": f"/api/v1/documents/{document}/record.json",
        "annotations.jsonld": f"/api/v1/documents/{document}/annotations.jsonld",
        "dispositions.csv": f"/api/v1/documents/{document}/dispositions.csv",
        "API documents": "/api/v1/documents",
        "API working groups": "/api/v1/working-groups",
        "API clause comments": f"/api/v1/clauses/{clause['id']}/comments",
        "API rounds": f"/api/v1/versions/{version}/rounds",
    }


PUBLIC_READS = ["version page", "record page", "record.json", "annotations.jsonld", "dispositions.csv",
                "API documents", "API working groups", "API clause comments", "API rounds"]


@pytest.mark.parametrize("name", PUBLIC_READS)
def test_public_reads_answer_conditional_requests(cached, settled, client, world, name):
    post(cached, world.member, clauses(cached, world.document.current_version_id)[1]["id"], "On the record.")
    url = _public_urls(cached, world)[name]
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    hit = client.get(url)
    assert hit.headers.get("X-Cache") == "hit" and hit.data == first.data
    for header in ("Content-Type", "Content-Disposition"):  # a stored copy is the same response
        assert hit.headers.get(header) == first.headers.get(header)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    since = client.get(url, headers={"If-Modified-Since": last_modified})
    assert since.status_code == 304 and not since.data and since.headers["ETag"] == etag
    # If-None-Match, when sent, decides alone (RFC 9110, 13.2.2): a stale tag gets the page.
    stale = client.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified})
    assert stale.status_code == 200 and stale.data == first.data
    earlier = format_datetime(parsedate_to_datetime(last_modified) - timedelta(seconds=1), usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_if_modified_since_is_answered_without_a_stored_copy(cached, settled, client, world):
    url = f"/documents/{world.document.id}/record"
    last_modified = client.get(url).headers["Last-Modified"]
    cached.extensions["public_cache"].clear()  # another process, or an evicted entry
    response = client.get(url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304 and not response.data


def test_if_modified_since_never_turns_a_missing_page_into_304(cached, settled, client, world):
    last_modified = client.get("/api/v1/documents").headers["Last-Modified"]
    private = client.get(f"/documents/{world.private_document.id}/record", headers={"If-Modified-Since": last_modified})
    assert private.status_code == 404


def _comments_url(app, world) -> str:
    return f"/api/v1/clauses/{clauses(app, world.document.current_version_id)[1]['id']}/comments"


def test_a_new_display_name_reaches_cached_pages(cached, client, world):
    url = _comments_url(cached, world)
    post(cached, world.member, clauses(cached, world.document.current_version_id)[1]["id"], "Signed.")
    page = f"/documents/{world.document.id}/versions/1"
    before, before_page = client.get(url), client.get(page)
    assert world.member.name in before.get_json()["comments"][0]["author"]["name"]
    member = cached.test_client()
    sign_in(member, world.member)
    renamed = member.post("/account/profile", data={"name": "Ada Renamed", "locale": "",
                                                    "csrf_token": csrf_token(member, "/account")})
    assert renamed.status_code == 302
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["comments"][0]["author"]["name"] == "Ada Renamed"
    after_page = client.get(page, headers={"If-None-Match": before_page.headers["ETag"]})
    assert after_page.status_code == 200 and "X-Cache" not in after_page.headers


def test_last_modified_waits_until_the_head_is_a_second_old(cached, client, world, monkeypatch):
    """HTTP dates count whole seconds: a date handed out in the head's own second could hide an event
    written later in that second from If-Modified-Since. This failed (a stale 304) before the fix."""
    page = f"/documents/{world.document.id}/versions/1"
    post(cached, world.member, clauses(cached, world.document.current_version_id)[1]["id"], "Fresh.")
    fresh = client.get(page)
    assert fresh.headers["ETag"] and "Last-Modified" not in fresh.headers
    with cached.app_context():
        head = db.session.scalar(select(RecordEvent.created_at).order_by(RecordEvent.seq.desc()).limit(1))
    monkeypatch.setattr(public_cache, "utcnow", lambda: head + timedelta(seconds=1))
    settled = client.get(page)
    assert settled.headers["Last-Modified"] == format_datetime(head, usegmt=True)


def test_the_rename_stays_out_of_the_public_record(cached, client, world):
    member = cached.test_client()
    sign_in(member, world.member)
    member.post("/account/profile", data={"name": "Ada Renamed", "locale": "",
                                          "csrf_token": csrf_token(member, "/account")})
    with cached.app_context():
        event = db.session.scalars(select(RecordEvent).order_by(RecordEvent.seq.desc())).first()
        assert event.kind == "account.renamed" and event.public is False and event.document_id is None
    # Saving the same name again changes nothing and records nothing.
    member.post("/account/profile", data={"name": "Ada Renamed", "locale": "",
                                          "csrf_token": csrf_token(member, "/account")})
    with cached.app_context():
        assert db.session.scalar(select(func.max(RecordEvent.seq))) == event.seq


def test_a_deleted_account_reaches_cached_pages_as_former_member(cached, client, world):
    url = _comments_url(cached, world)
    post(cached, world.member, clauses(cached, world.document.current_version_id)[1]["id"], "Signed.")
    before = client.get(url)
    member = cached.test_client()
    sign_in(member, world.member)
    deleted = member.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf_token(member, "/account")})
    assert deleted.status_code == 302
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["comments"][0]["author"]["name"] == "Former member"


def test_a_round_past_its_closing_time_is_not_served_open(cached, client, world):
    with cached.app_context():
        version = db.session.get(Version, world.document.current_version_id)
        round_ = open_round(db.session.get(User, world.chair.id), version, scope="document", rule="each_group",
                            threshold="majority", quorum="1/2", closes_at=utcnow() + timedelta(hours=1))
        db.session.commit()
        round_id = round_.id
    url = f"/api/v1/documents/{world.document.id}/record.json"
    before = client.get(url)
    assert [r["status"] for r in before.get_json()["rounds"]] == ["open"]
    assert client.get(url).headers.get("X-Cache") == "hit"
    with cached.app_context():  # time passes: no request, no record event
        db.session.execute(update(Round).where(Round.id == round_id).values(closes_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and [r["status"] for r in after.get_json()["rounds"]] == ["closed"]
    assert after.headers["ETag"] != before.headers["ETag"]
    with cached.app_context():
        assert db.session.get(Round, round_id).status == "closed"

"""Conditional GETs and the cache of public pages: keyed on the record's head, never personal."""
import pytest

from deliberation.extensions import db
from deliberation.models import Document
from deliberation.services.documents import update_document

from ..conftest import count_queries, sign_in


@pytest.fixture
def cached(app):
    app.config["PUBLIC_CACHE"] = True
    yield app
    app.extensions["public_cache"].clear()


def _rename(app, world, title):
    with app.app_context():
        document = db.session.get(Document, world.document.id)
        update_document(db.session.merge(world.chair), document, title=title, public=True)
        db.session.commit()


def test_anonymous_page_is_cached_and_revalidated(cached, client, world):
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


def test_api_lists_answer_304(cached, client, world):
    first = client.get("/api/v1/documents")
    again = client.get("/api/v1/documents", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    bearer = client.get("/api/v1/documents", headers={"Authorization": "Bearer dlb_nope"})
    assert bearer.status_code == 401 and "ETag" not in bearer.headers


def test_private_pages_are_not_stored_for_the_public(cached, client, world):
    response = client.get(f"/documents/{world.private_document.id}/versions/1")
    assert response.status_code == 404 and "ETag" not in response.headers

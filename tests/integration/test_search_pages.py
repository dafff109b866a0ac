"""The search page (its box in every page's header) and GET /api/v1/search: results grouped by
document with escaped, highlighted snippets, filters, paging, clear messages for bad input, and a
constant number of queries whatever the number of results."""
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from deliberation.extensions import db
from deliberation.models import Comment, User
from deliberation.services.moderation import set_disposition
from deliberation.services.search import PAGE_SIZE

from ..conftest import count_queries, sign_in
from .search_support import post


def _comments(app, world, count, word="escrow"):
    with app.app_context():
        return [post(world.member, world.document, f"Comment {n} on key {word} & <b>bold</b> claims.").id
                for n in range(count)]


def test_every_page_has_the_search_box(client, world):
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'action="/search"' in page


def test_results_are_grouped_by_document_with_marked_escaped_snippets(app, client, world):
    ids = _comments(app, world, 1)
    page = client.get("/search?q=escrow").get_data(as_text=True)
    assert "1 result" in page and "Sample recommendations" in page
    assert "key <mark>escrow</mark> &amp; &lt;b&gt;bold&lt;/b&gt; claims" in page
    assert f'href="/comments/{ids[0]}"' in page
    both = client.get("/search?q=encryption&version=all", follow_redirects=True).get_data(as_text=True)
    assert both.count('class="search-group"') == 1, "the public sees one public document's clause"


def test_a_member_finds_their_comments_still_without_a_disposition(app, client, world):
    ids = _comments(app, world, 2)
    with app.app_context():
        set_disposition(db.session.get(User, world.chair.id), db.session.get(Comment, ids[0]),
                        disposition="noted", rationale="Thanks.")
        db.session.commit()
    sign_in(client, world.member)
    page = client.get("/search?q=escrow&author=me&disposition=none").get_data(as_text=True)
    assert f'href="/comments/{ids[1]}"' in page and f'href="/comments/{ids[0]}"' not in page
    assert "1 result" in page


def test_bad_input_gets_a_message_not_an_error_page(client, world):
    assert client.get("/search").status_code == 200
    for query, message in (("-encryption", "not only what to leave out"), ("x" * 10_000, "at most 500 characters"),
                           ("the", "only very common words")):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = client.get("/search?q=encryption&document_id=abc")
    assert response.status_code == 400 and "&#39;document_id&#39; must be a whole number" in response.get_data(as_text=True)


def test_a_page_beyond_the_end_is_empty(client, world):
    page = client.get("/search?q=encryption&page=40").get_data(as_text=True)
    assert "1 result" in page and "search-result__snippet" not in page
    body = client.get("/api/v1/search?q=encryption&page=40").get_json()
    assert body["total"] == 1 and body["results"] == []


def test_the_api_answers_with_the_documented_shape(app, client, world):
    ids = _comments(app, world, PAGE_SIZE + 1)
    body = client.get("/api/v1/search?q=escrow&kind=comment").get_json()
    assert body["total"] == PAGE_SIZE + 1 and body["pages"] == 2 and len(body["results"]) == PAGE_SIZE
    first = body["results"][0]
    assert set(first) == {"kind", "id", "document_id", "version_id", "clause_id", "url", "snippet"}
    assert first["kind"] == "comment" and first["id"] in ids and "<mark>escrow</mark>" in first["snippet"]
    second = client.get("/api/v1/search?q=escrow&kind=comment&page=2").get_json()
    assert len(second["results"]) == 1
    assert {r["id"] for r in body["results"]} | {second["results"][0]["id"]} == set(ids)
    assert client.get(f"/api/v1/search?q=escrow&stakeholder_group=government").get_json()["total"] == 0
    assert client.get(f"/api/v1/search?q=escrow&stakeholder_group=civil_society").get_json()["total"] == len(ids)
    error = client.get("/api/v1/search?q=").get_json()
    assert error["error"]["code"] == "invalid" and error["error"]["field"] == "q"
    assert client.get("/api/v1/search?q=x&kind=poem").status_code == 400
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/search" in spec["paths"] and "SearchResult" in spec["components"]["schemas"]


def test_query_count_does_not_grow_with_the_results(app, client, world):
    _comments(app, world, 2, word="tortoise")
    sign_in(client, world.member)
    counts = []
    for url in ("/search?q=tortoise", "/api/v1/search?q=tortoise"):
        with count_queries(app) as few:
            assert client.get(url).status_code == 200
        counts.append(few.count)
    _comments(app, world, 18, word="tortoise")
    for index, url in enumerate(("/search?q=tortoise", "/api/v1/search?q=tortoise")):
        with count_queries(app) as many:
            page = client.get(url).get_data(as_text=True)
        assert page.count("tortoise") >= 20
        assert many.count == counts[index], url


def test_the_page_speaks_french_and_spanish(app, client, world):
    _comments(app, world, 1)
    french = client.get("/search?q=escrow", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Rechercher" in french and "1 résultat" in french
    spanish = client.get("/search?q=escrow", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Buscar" in spanish and "1 resultado" in spanish


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=st.text(max_size=120), kind=st.sampled_from(["", "clause", "x"]), page=st.sampled_from(["", "2", "0"]))
def test_no_query_reaches_a_server_error(client, world, query, kind, page):
    for url in ("/search", "/api/v1/search"):
        response = client.get(url, query_string={"q": query, "kind": kind, "page": page})
        assert response.status_code in (200, 400), (url, query)
        if url.startswith("/api"):
            body = response.get_json()
            assert ("total" in body) if response.status_code == 200 else set(body["error"]) >= {"code", "message"}

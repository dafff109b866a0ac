"""A request with `Authorization: Bearer ...` is authenticated by that token alone: a browser session
beside it neither signs it in nor spares it the CSRF check (issue 16, item 6)."""
import pytest
from werkzeug.routing import IntegerConverter

from deliberation.extensions import db

from ..conftest import sign_in
from .hardening_support import snapshot

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _token(app, user) -> str:
    from deliberation.services.accounts import create_token

    with app.app_context():
        _row, plain = create_token(db.session.merge(user))
        db.session.commit()
    return plain


def _api_writes(app) -> list[tuple[str, str]]:
    """Every API write route with its method, ids filled in (the refusal comes before any lookup)."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        values = {name: 1 if isinstance(converter, IntegerConverter) else "x"
                  for name, converter in rule._converters.items()}
        found += [(method, adapter.build(rule.endpoint, values, method=method))
                  for method in sorted(rule.methods & set(WRITES))]
    return found


def test_every_api_write_is_found(app):
    writes = _api_writes(app)
    assert ("POST", "/api/v1/documents") in writes and len(writes) >= 10


@pytest.mark.parametrize("bearer", ["Bearer x", "Bearer dlb_not-a-real-token", "bearer x", "Bearer "])
def test_a_session_with_an_invalid_bearer_token_writes_nothing(app, client, world, bearer):
    """Signed in by cookie, no CSRF token, a made-up token: every API write is a 401 and nothing changes."""
    sign_in(client, world.chair)
    before = snapshot(app)
    for method, url in _api_writes(app):
        response = client.open(url, method=method, json={"title": "x"}, headers={"Authorization": bearer})
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.get_json()["error"]["code"] == "unauthorized", (method, url)
    assert snapshot(app) == before


def test_a_session_with_an_invalid_bearer_token_reads_nothing_private(app, client, world):
    sign_in(client, world.member)
    titles = [d["title"] for d in client.get("/api/v1/documents").get_json()]
    assert "Private draft" in titles  # the session alone reads the group's private draft
    response = client.get("/api/v1/documents", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401


def test_a_valid_bearer_token_acts_as_its_owner_not_as_the_session(app, client, world):
    sign_in(client, world.member)
    outsider = {"Authorization": f"Bearer {_token(app, world.outsider)}"}
    titles = [d["title"] for d in client.get("/api/v1/documents", headers=outsider).get_json()]
    assert "Private draft" not in titles
    # And a write with the token needs no CSRF token: the outsider may not create a document here.
    response = client.post("/api/v1/documents", headers=outsider, json={
        "working_group_id": world.group.id, "title": "x", "format": "markdown", "source": "# T\n\nText."})
    assert response.status_code in (403, 404)


def test_pages_with_a_bearer_header_ignore_the_session(app, client, world):
    """Outside the API too, the token alone decides who the request is from: a bad one is anonymous."""
    sign_in(client, world.chair)
    assert client.get("/account").status_code == 200
    response = client.get("/account", headers={"Authorization": "Bearer x"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    # Other schemes (HTTP Basic in front of a staging site, say) leave the session alone.
    assert client.get("/account", headers={"Authorization": "Basic dXNlcjpwdw=="}).status_code == 200

"""The JSON API of the base platform: lists, documents, versions, creating a document, errors, OpenAPI."""
from deliberation.extensions import db

from ..conftest import count_queries
from ..factories import SAMPLE_DRAFT


def _token(app, user):
    from deliberation.services.accounts import create_token

    with app.app_context():
        _row, plain = create_token(db.session.merge(user))
        db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_anonymous_sees_only_public_groups_and_documents(client, world):
    groups = client.get("/api/v1/working-groups").get_json()
    assert [g["slug"] for g in groups] == [world.group.slug]
    assert {s["key"] for s in groups[0]["stakeholder_groups"]} == {"government", "civil_society", "private_sector", "academia"}
    documents = client.get("/api/v1/documents").get_json()
    assert [d["id"] for d in documents] == [world.document.id]


def test_member_sees_private_documents_of_their_group(app, client, world):
    documents = client.get("/api/v1/documents", headers=_token(app, world.member)).get_json()
    assert {d["id"] for d in documents} == {world.document.id, world.private_document.id}


def test_document_and_version(client, world):
    document = client.get(f"/api/v1/documents/{world.document.id}").get_json()
    assert document["title"] == "Sample recommendations"
    assert [v["number"] for v in document["versions"]] == [1]
    version = client.get(f"/api/v1/versions/{document['current_version_id']}").get_json()
    numbers = [c["number"] for c in version["clauses"]]
    assert numbers == ["Preamble", "1", "1.1", "2"]
    lines = [(c["first_line"], c["last_line"]) for c in version["clauses"]]
    assert lines[0][0] == 1 and all(b[0] == a[1] + 1 for a, b in zip(lines, lines[1:]))
    by_number = {c["number"]: c for c in version["clauses"]}
    assert by_number["1.1"]["parent_id"] == by_number["1"]["id"]


def test_private_and_missing_are_404_with_json_error(client, world):
    for url in (f"/api/v1/documents/{world.private_document.id}", "/api/v1/documents/999999", "/api/v1/versions/999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_chair_creates_a_document(app, client, world):
    response = client.post("/api/v1/documents", headers=_token(app, world.chair), json={
        "working_group_id": world.group.id, "title": "New text", "format": "markdown", "source": SAMPLE_DRAFT,
        "public": True})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    version = client.get(f"/api/v1/versions/{body['current_version_id']}").get_json()
    assert len(version["clauses"]) == 4


def test_create_document_errors(app, client, world):
    headers = _token(app, world.chair)
    cases = [
        ({"title": "x", "format": "markdown", "source": "x"}, 400, "working_group_id"),
        ({"working_group_id": world.group.id, "title": "x", "format": "html", "source": "x"}, 400, "format"),
        ({"working_group_id": world.group.id, "title": "x", "format": "text", "source": "   "}, 400, "source"),
        ({"working_group_id": world.group.id, "title": "", "format": "markdown", "source": SAMPLE_DRAFT}, None, None),
        ({"working_group_id": "1", "title": "x", "format": "text", "source": "1. a"}, 400, "working_group_id"),
        ({"working_group_id": world.other_group.id, "title": "x", "format": "text", "source": "1. a"}, 404, "working_group_id"),
        ({"working_group_id": world.group.id, "title": "x", "format": "text", "source": "1. " + "a" * (2 * 1024 * 1024)}, 413, "source"),
    ]
    with app.app_context():
        from deliberation.models import Document
        before = db.session.query(Document).count()
    for body, status, field in cases:
        response = client.post("/api/v1/documents", headers=headers, json=body)
        if status is None:  # an empty title takes the draft's own title
            assert response.status_code == 201
            continue
        assert response.status_code == status, (body.get("format"), response.get_json())
        error = response.get_json()["error"]
        assert error["message"] and error.get("field") == field
    with app.app_context():
        assert db.session.query(Document).count() == before + 1


def test_member_may_not_create_documents(app, client, world):
    response = client.post("/api/v1/documents", headers=_token(app, world.member), json={
        "working_group_id": world.group.id, "title": "x", "format": "markdown", "source": SAMPLE_DRAFT})
    assert response.status_code == 403


def test_bad_token_is_401(client, world):
    response = client.get("/api/v1/documents", headers={"Authorization": "Bearer dlb_wrong"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_cookie_session_writes_need_csrf(app, client, world):
    from ..conftest import sign_in

    sign_in(client, world.chair)
    response = client.post("/api/v1/documents", json={"working_group_id": world.group.id, "title": "x",
                                                     "format": "markdown", "source": SAMPLE_DRAFT})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf"


def test_non_json_body(app, client, world):
    response = client.post("/api/v1/documents", headers=_token(app, world.chair), data="nope")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "body"


def test_openapi_lists_exactly_the_api_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    actual = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule[len("/api/v1"):].replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                actual.add((path, method))
    assert documented == actual


def test_lists_do_not_grow_queries_with_data(app, client, world, make):
    with count_queries(app) as small:
        client.get("/api/v1/documents")
        client.get("/api/v1/working-groups")
    with app.app_context():
        chair = db.session.merge(world.chair)
        group = db.session.merge(world.group)
        for n in range(8):
            make.document(group, chair, title=f"Extra {n}")
            make.group(f"Extra group {n}")
        db.session.commit()
    with count_queries(app) as large:
        client.get("/api/v1/documents")
        client.get("/api/v1/working-groups")
    assert large.count == small.count

"""Bad input to the JSON API: a fuzz run from its own OpenAPI document, and uploads by size and type.

The fuzz run (schemathesis, through WSGI, with a chair's token) sends every operation generated
requests, valid and invalid; none may answer 5xx, and every answer must match what the document
says: a documented status code, the documented content type and a body that matches the schema.
Bounded by MAX_EXAMPLES per operation and mode so the run stays under a minute.

The operations are driven here rather than through schemathesis's pytest plugin, whose lazy-fixture
loader does not run under pytest 9.
"""
import io

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from deliberation.extensions import db
from deliberation.services.accounts import create_token

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _chair_headers(app, world) -> dict:
    with app.app_context():
        _row, plain = create_token(db.session.merge(world.chair), "fuzz")
        db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _fuzz(operation, mode, headers):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_api_answers_as_documented(app, world):
    headers = _chair_headers(app, world)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers)
            except Unsatisfiable:
                pass  # nothing to make invalid: the operation takes no parameters and no body
            except Exception as exc:  # collect them all: one run shows every operation that misbehaves
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)


def test_api_uploads_are_limited_in_size_and_type(app, client, world):
    """The page side is tested in test_documents; the API takes drafts only as JSON text, 2 MB at most."""
    headers = _chair_headers(app, world)
    new_document = "/api/v1/documents"
    new_version = f"/api/v1/documents/{world.document.id}/versions"
    draft = {"working_group_id": world.group.id, "title": "x", "format": "text"}
    for url in (new_document, new_version):
        # Over the 2 MB draft limit: 413, nothing stored.
        big = client.post(url, headers=headers, json={**draft, "source": "1. " + "a" * (2 * 1024 * 1024)})
        assert big.status_code == 413 and big.get_json()["error"]["field"] == "source", url
        # Over the request size limit itself: refused before the body is read.
        huge = client.post(url, headers=headers, data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
                           content_type="application/json")
        assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "too_large", url
        # A file upload, or text that is not JSON, is not a draft.
        upload = client.post(url, headers=headers, content_type="multipart/form-data",
                             data={"file": (io.BytesIO(b"1. hello"), "draft.md")})
        assert upload.status_code == 400 and upload.get_json()["error"]["field"] == "body", url
        plain = client.post(url, headers=headers, data="1. hello", content_type="text/plain")
        assert plain.status_code == 400 and plain.get_json()["error"]["code"] == "invalid", url
    assert client.get(f"/api/v1/documents/{world.document.id}").get_json()["versions"][-1]["number"] == 1


def test_numbers_beyond_the_databases_range_are_refused_cleanly(app, client, world):
    """Found by the fuzz run: huge ids overflowed SQLite (500) and PostgreSQL's 32-bit ids (400)."""
    for url in ("/api/v1/documents/99999999999999999999999", "/api/v1/versions/2147483648",
                "/documents/99999999999999999999/versions/1"):
        assert client.get(url).status_code == 404, url
    headers = _chair_headers(app, world)
    body = {"working_group_id": 10**30, "title": "x", "format": "text", "source": "1. a"}
    answer = client.post("/api/v1/documents", headers=headers, json=body)
    assert answer.status_code in (400, 404) and answer.get_json()["error"]["code"] in ("invalid", "not_found")

"""Bad input to the JSON API: a fuzz run from its own OpenAPI document, and uploads by size and type.

The fuzz run (schemathesis, through WSGI, with a chair's token) sends every operation generated
requests, valid and invalid, reads and writes; none may answer 5xx,
and every answer must match what the document says: a documented status code, the documented content
type and a body that matches the schema, and a 405 that names the allowed methods. Each operation is
tried both on generated ids (mostly nothing there) and on the ids of a real document with comments and
an open round, so writes reach the services. Deterministic (derandomized) and bounded by MAX_EXAMPLES
per operation, mode and kind of id, so the run stays around a minute.

The operations run one after the other in one thread. Hypothesis and schemathesis are not safe to drive
from several threads: two workers once made a replayed case fail differently (an ImportError from a lazy
import half done in the other thread), which failed the suite now and then.

The operations are driven here rather than through schemathesis's pytest plugin, whose lazy-fixture
loader does not run under pytest 9.
"""
import io
from urllib.parse import urlencode


import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from deliberation.extensions import db

from ..integration.hardening_support import separate_app
from ..integration.version_helpers import api_token, build_record, clause_numbered

MAX_EXAMPLES = 10
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _real_ids(app, world) -> dict[str, int]:
    """Path parameters by name, pointing at a public document with two versions, comments and an open round."""
    from deliberation.models import Document, User, WordReview
    from deliberation.services.revision.drafts import add_editor, draft_clauses, open_draft

    with app.app_context():
        ids = build_record(world, close_round=False)
        clause = clause_numbered(ids["v2"], "1").id
        chair, document = db.session.get(User, world.chair.id), db.session.get(Document, world.document.id)
        draft = open_draft(chair, document)  # a working draft of v2, with the member named co-editor
        add_editor(chair, document, db.session.get(User, world.member.id))
        key = draft_clauses(draft)[1].key
        review = WordReview(version_id=ids["v2"], uploader_id=world.chair.id, filename="reviewed.docx", status="pending",
                            comment_ids=[], items=[{"n": 1, "kind": "comment", "clause_id": clause, "exact": None,
                                                    "text": "From Word", "word_author": "", "anchor_status": "exact"}])
        db.session.add(review)
        db.session.commit()
        draft_id, review_id = draft.id, review.id
    return {"document_id": world.document.id, "version_id": ids["v2"], "round_id": ids["round"],
            "clause_id": clause, "comment_id": ids["quoted"], "root_id": ids["quoted"], "a": ids["v1"], "b": ids["v2"],
            "draft_id": draft_id, "key": key, "user_id": world.member.id, "review_id": review_id}


def _fuzz(operation, mode, headers, real_ids, statuses: set):
    path_names = [p.name for p in operation.path_parameters]
    strategy = operation.as_strategy(generation_mode=mode)
    if path_names:  # and the same requests on objects that exist
        strategy = st.one_of(strategy, operation.as_strategy(
            generation_mode=mode, path_parameters={name: real_ids[name] for name in path_names}))

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES * (2 if path_names else 1), deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        statuses.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    run()


def _fuzz_or_failure(operation, mode, headers, real_ids, statuses: set) -> str | None:
    try:
        _fuzz(operation, mode, headers, real_ids, statuses)
    except Unsatisfiable:
        pass  # nothing to make invalid: the operation takes no parameters and no body
    except Exception as exc:  # collect them all: one run shows every operation that misbehaves
        return f"{operation.label} ({mode.value}): {exc}"
    return None


# The API's write operations (comments, documents and versions, imports, rounds, working drafts and their
# editors, saved searches, witness reports, reviewed Word copies, bulk moderation, the type of a comment): a new one
# must be counted here, so that it is known to be fuzzed.
WRITE_OPERATIONS = 32
# Deleting the real clause or discarding the draft ends them for the other operations: these run last.
ENDS_OBJECTS = {"DELETE /working-drafts/{draft_id}/clauses/{key}", "DELETE /working-drafts/{draft_id}"}
# The real comment is not an amendment applied in the draft ("no such application" is its 404); merging the
# real clause into the one before (fuzzed alongside) removes its key before the delete runs.
ONLY_NOT_FOUND = {"DELETE /working-drafts/{draft_id}/amendments/{comment_id}/apply",
                  "DELETE /working-drafts/{draft_id}/clauses/{key}"}


def test_api_answers_as_documented(app, world):
    headers = api_token(app, world.chair)
    real_ids = _real_ids(app, world)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len([op for op in operations if op.method.upper() in WRITES]) == WRITE_OPERATIONS
    runs = [(op, mode) for op in operations for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    last = sorted((run for run in runs if run[0].label in ENDS_OBJECTS), key=lambda run: len(run[0].label), reverse=True)
    runs = [run for run in runs if run[0].label not in ENDS_OBJECTS] + last
    statuses = {op.label: set() for op in operations}
    failures = [f for f in (_fuzz_or_failure(op, mode, headers, real_ids, statuses[op.label]) for op, mode in runs) if f]
    assert not failures, "\n\n".join(failures)
    # Every write reached past loading its objects: some answer other than not found or unauthorized.
    print({label: sorted(codes) for label, codes in statuses.items()})
    unreached = [label for label, codes in statuses.items() if not codes - {401, 404} and label not in ONLY_NOT_FOUND]
    assert not unreached, unreached


def test_rate_limited_writes_answer_as_documented(tmp_path, monkeypatch):
    """Every write counts against a rate limit: its 429 (with Retry-After) is in the document, for every one."""
    from ..factories import Factory

    limits = {"api_writes": "1 per hour", "comments": "1 per hour"}
    app = separate_app(tmp_path, monkeypatch, "limited", RATELIMIT_ENABLED=True, RATE_LIMITS=limits)
    with app.app_context():
        world = Factory().world()
    headers = api_token(app, world.chair)
    real_ids = _real_ids(app, world)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    writes = [op for op in (r.ok() for r in schema.get_all_operations()) if op.method.upper() in WRITES]
    assert len(writes) == WRITE_OPERATIONS
    for second_time in (False, True):  # the second time round, every bucket is spent
        for operation in writes:
            case = operation.Case(path_parameters={p.name: real_ids[p.name] for p in operation.path_parameters})
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)  # documented status, content type and body
            if second_time:
                assert response.status_code == 429 and int(response.headers["retry-after"][0]) > 0, operation.label
                assert response.json()["error"]["code"] == "rate_limited"


COMPANIONS = {"start": 0, "end": 1, "index": 0, "size": 1, "from": 0, "to": 1, "q": "x"}


def test_integer_query_parameters_accept_their_documented_range(app, client, world):
    """The document and the code agree on numbers in the query: the smallest one it allows is accepted."""
    real_ids = _real_ids(app, world)
    headers = api_token(app, world.chair)
    document = client.get("/api/v1/openapi.json").get_json()
    checked = []
    for path, operations in document["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        # The other required parameters of the operation, at values that make a valid request on their own
        # (the record's proofs and entries take two numbers that must agree: index < size, from <= to).
        required = {p["name"]: COMPANIONS[p["name"]] for p in parameters if p["in"] == "query" and p.get("required")}
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["schema"].get("type") == "integer":
                smallest = parameter["schema"].get("minimum", -1)  # no minimum: any integer, negative too
                query = urlencode({**required, parameter["name"]: smallest})
                url = "/api/v1" + path.format(**real_ids) + f"?{query}"
                answer = client.get(url, headers=headers)  # not refused as bad input (a clause 1 may not be there)
                assert answer.status_code in (200, 404), (url, answer.status_code, answer.get_data()[:300])
                checked.append(parameter["name"])
    assert {"after", "limit", "replies_limit", "clause", "version"} <= set(checked)


def test_api_uploads_are_limited_in_size_and_type(app, client, world):
    """The page side is tested in test_documents; the API takes drafts only as JSON text, 2 MB at most."""
    headers = api_token(app, world.chair)
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
    headers = api_token(app, world.chair)
    body = {"working_group_id": 10**30, "title": "x", "format": "text", "source": "1. a"}
    answer = client.post("/api/v1/documents", headers=headers, json=body)
    assert answer.status_code in (400, 404) and answer.get_json()["error"]["code"] in ("invalid", "not_found")

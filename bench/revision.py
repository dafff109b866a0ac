"""Section h: revising a draft in the platform (issue 12), on data of its own built like LARGE: a version
of 200 clauses with 10,000 comments, 40 of them accepted amendments on 40 clauses. Through the API, as
the group's chair with a token:

- applying an accepted amendment in the 200-clause working draft (median <= 30 ms);
- saving a clause edit in it (median <= 30 ms);
- publishing the 200-clause working draft, which carries the 10,000 comments over (<= 2 s, one run:
  publishing uses the draft up);
- the queries of the working-draft page and API for an 8-clause and the 200-clause draft: the same.
"""
import time
from dataclasses import replace

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, Document, Round, User
from deliberation.services.accounts import create_token
from deliberation.services.comments import post_comment
from deliberation.services.moderation import set_disposition
from deliberation.services.rounds import close_round

from .data import LARGE, SMALL, generate
from .database import QueryCount
from .stats import Figure, time_calls

EDIT_MS, PUBLISH_MS = 30, 2000
AMENDMENTS = 40


def _prepare(scale) -> dict:
    """A dataset of its own, its round closed (an open round blocks publishing), accepted amendments on the
    first AMENDMENTS clauses, and a token for the chair."""
    dataset = generate(scale)
    document = db.session.get(Document, dataset.document_id)
    chair = db.session.scalar(select(User).where(User.email == f"chair@{dataset.group_slug}.example.org"))
    close_round(chair, db.session.get(Round, dataset.round_id))
    reader = db.session.scalar(select(User).where(User.email == dataset.reader_email))
    clauses = list(db.session.scalars(select(Clause).where(Clause.version_id == dataset.version_id)
                                      .order_by(Clause.position)))
    amendments = []
    for clause in clauses[:min(AMENDMENTS, len(clauses))]:
        quote = clause.text.split(",")[0][:60]
        start = clause.text.index(quote)
        comment = post_comment(reader, clause, body="Sharper wording.", kind="amendment",
                               selector={"exact": quote, "start": start, "end": start + len(quote)},
                               replacement_text=quote + " (as amended)")
        set_disposition(chair, comment, disposition="accepted", rationale="Agreed in the meeting.")
        amendments.append(comment.id)
    _row, token = create_token(chair, "revision benchmark")
    db.session.commit()
    return {"document_id": document.id, "amendments": amendments, "token": token, "clauses": len(clauses)}


def measure_revision(app) -> list[Figure]:
    print("h: revising a 200-clause draft with 10,000 comments", flush=True)
    with app.app_context():
        large = _prepare(replace(LARGE, name="revision", members=100))
        small = _prepare(replace(SMALL, name="revision-small", members=10))
        db.session.remove()
    client = app.test_client()

    def call(method: str, url: str, ds: dict, expect: int, **kwargs):
        response = client.open(url, method=method, headers={"Authorization": f"Bearer {ds['token']}"}, **kwargs)
        if response.status_code != expect:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.data[:300]!r}")
        return response.get_json()

    drafts = {}
    for ds in (large, small):
        drafts[id(ds)] = call("POST", f"/api/v1/documents/{ds['document_id']}/working-draft", ds, 201)
    draft = drafts[id(large)]
    base = f"/api/v1/working-drafts/{draft['id']}"

    pending = iter(large["amendments"])
    applying = time_calls(lambda: call("POST", f"{base}/amendments/{next(pending)}/apply", large, 200),
                          warmup=2, min_runs=20, max_runs=len(large["amendments"]) - 2, budget=20)
    revisions = {clause["key"]: clause["revision"] for clause in draft["clauses"]}
    keys = [clause["key"] for clause in draft["clauses"]][AMENDMENTS:]
    edits = iter(range(10_000))

    def save():
        n = next(edits)
        key = keys[n % len(keys)]
        body = call("PATCH", f"{base}/clauses/{key}", large, 200,
                    json={"text": f"States should review this measure (edit {n}).", "revision": revisions[key]})
        revisions[key] = body["revision"]

    saving = time_calls(save, warmup=3, min_runs=30, max_runs=100, budget=20)
    figures = []
    for name, timings in (("apply an accepted amendment, 200-clause draft", applying),
                          ("save a clause edit, 200-clause draft", saving)):
        figure = Figure("h", name, "ms", timings.wall, f"median <= {EDIT_MS} ms",
                        details={"cpu_median_ms": timings.cpu_median})
        figure.met = figure.median <= EDIT_MS
        figures.append(figure)

    counts = {}
    for label, ds in (("small", small), ("large", large)):
        found = drafts[id(ds)]
        with QueryCount(app) as counter:
            call("GET", f"/api/v1/working-drafts/{found['id']}", ds, 200)
        counts[label] = counter.count
    figures.append(Figure("h", "queries: working draft (API), 8 and 200 clauses", "queries", [counts["large"]],
                          "same for 8 and 200 clauses", met=counts["small"] == counts["large"],
                          details={"queries": counts}))

    started = time.perf_counter()
    published = call("POST", f"{base}/publish", large, 201, json={"label": "Version 2", "note": "Benchmark."})
    elapsed = (time.perf_counter() - started) * 1000
    figure = Figure("h", "publish a 200-clause draft, 10,000 comments carried", "ms", [elapsed],
                    f"<= {PUBLISH_MS} ms", details={"version": published.get("number")})
    figure.met = elapsed <= PUBLISH_MS
    figures.append(figure)
    return figures

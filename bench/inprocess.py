"""Sections a-d, measured inside this process through Flask's test client: the whole request (routing,
session, permission checks, queries, templates, JSON) without the network, so the figures are the
server's own cost.

a. rendering: a clause page with 2,000 comments and its API list (as a member), the version page with
   200 clauses and 10,000 comments (as a member), the public record page and its JSON export (anonymous);
b. the SQL query count of each, on the small and the large data: it must be the same;
c. posting a comment through the API (sanitize, write, record event, emit after commit);
d. tallying the round (the service, 200 clauses x 1,000 members).
"""
import re
from dataclasses import dataclass

from flask import Flask

from deliberation.extensions import db
from deliberation.models import Round
from deliberation.services.tally import round_tally

from .data import PASSWORD, Dataset
from .stats import Figure, time_calls
from .database import QueryCount

READ_TARGET_MS = 100
POST_TARGET_MS = 20
TALLY_TARGET_MS = 200
NEW_COMMENT = ("A new comment while the benchmark runs: the **second sentence** should go, "
               "see https://example.org/notes and the definitions in 1.1.")


@dataclass(frozen=True)
class Read:
    name: str
    url: str
    who: str  # "member" (the dataset's reader, signed in) or "anonymous"


def reads(ds: Dataset) -> list[Read]:
    document, clause = ds.document_id, ds.hot_clause_key
    return [
        Read("clause page, hot clause (member)", f"/documents/{document}/versions/1/clauses/{clause}", "member"),
        Read("API: clause's threads (member)", f"/api/v1/clauses/{ds.hot_clause_id}/comments", "token"),
        Read("version page (member)", f"/documents/{document}/versions/1", "member"),
        Read("public record page (anonymous)", f"/documents/{document}/record", "anonymous"),
        Read("JSON export of the record (anonymous)", f"/api/v1/documents/{document}/record.json", "anonymous"),
    ]


class Visitor:
    """Test clients for one dataset: the reader signed in through the form, by token, and anonymous."""

    def __init__(self, app: Flask, ds: Dataset):
        self.app, self.ds = app, ds
        self.member = app.test_client()
        page = self.member.get("/sign-in").data.decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        signed = self.member.post("/sign-in", data={"email": ds.reader_email, "password": PASSWORD,
                                                    "csrf_token": token})
        if signed.status_code != 302:
            raise RuntimeError(f"benchmark reader could not sign in: {signed.status_code}")
        self.anonymous = app.test_client()
        self.token_headers = {"Authorization": f"Bearer {ds.reader_token}"}

    def get(self, read: Read):
        if read.who == "member":
            response = self.member.get(read.url)
        elif read.who == "token":
            response = self.anonymous.get(read.url, headers=self.token_headers)
        else:
            response = self.anonymous.get(read.url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {read.url} as {read.who}: {response.status_code} {response.data[:300]!r}")
        return response

    def post_comment(self):
        response = self.anonymous.post(f"/api/v1/clauses/{self.ds.hot_clause_id}/comments",
                                       headers=self.token_headers, json={"body": NEW_COMMENT})
        if response.status_code != 201:
            raise RuntimeError(f"posting a comment: {response.status_code} {response.data[:300]!r}")
        return response


def _queries(app: Flask, call) -> int:
    with QueryCount(app) as counter:
        call()
    return counter.count


def measure_reads(app: Flask, small: Dataset, large: Dataset) -> list[Figure]:
    """a and b: time each read on the large data; count its queries on both."""
    figures = []
    small_visitor, large_visitor = Visitor(app, small), Visitor(app, large)
    for small_read, large_read in zip(reads(small), reads(large)):
        small_visitor.get(small_read)  # warm: templates compiled, caches filled
        large_visitor.get(large_read)
        queries = {"small": _queries(app, lambda: small_visitor.get(small_read)),
                   "large": _queries(app, lambda: large_visitor.get(large_read))}
        size = len(large_visitor.get(large_read).data)
        timings = time_calls(lambda: large_visitor.get(large_read), warmup=1, min_runs=5, max_runs=20, budget=20)
        figure = Figure("a", large_read.name, "ms", timings.wall, f"median <= {READ_TARGET_MS} ms",
                        details={"url": large_read.url, "bytes": size, "queries": queries,
                                 "cpu_median_ms": timings.cpu_median})
        figure.met = figure.median <= READ_TARGET_MS
        figures.append(figure)
        figures.append(Figure("b", f"queries: {large_read.name}", "queries", [queries["large"]],
                              "same on small and large data", met=queries["small"] == queries["large"],
                              details={"queries": queries}))
    figures.append(_from_page_cache(app, large_visitor, reads(large)[-1]))
    return figures


def _from_page_cache(app: Flask, visitor: Visitor, read: Read) -> Figure:
    """The export as anonymous readers get it in production: from the page cache, until the next record
    event (the figures above render it every time)."""
    app.config["PUBLIC_CACHE"] = True
    try:
        visitor.get(read)  # rendered once and stored
        timings = time_calls(lambda: visitor.get(read), warmup=1, min_runs=20, max_runs=200, budget=5)
    finally:
        app.config["PUBLIC_CACHE"] = False
        app.extensions["public_cache"].clear()
    return Figure("a", f"{read.name}, from the page cache", "ms", timings.wall, "for comparison",
                  details={"url": read.url, "cpu_median_ms": timings.cpu_median})


def measure_post(app: Flask, small: Dataset, large: Dataset) -> Figure:
    """c: a new thread on the hot clause, through the API with a bearer token."""
    visitor = Visitor(app, large)
    queries = {"small": _queries(app, Visitor(app, small).post_comment), "large": _queries(app, visitor.post_comment)}
    timings = time_calls(visitor.post_comment, warmup=2, min_runs=20, max_runs=40, budget=15)
    figure = Figure("c", "post a comment via the API", "ms", timings.wall, f"median <= {POST_TARGET_MS} ms",
                    details={"queries": queries, "cpu_median_ms": timings.cpu_median})
    figure.met = figure.median <= POST_TARGET_MS
    return figure


def measure_tally(app: Flask, small: Dataset, large: Dataset) -> Figure:
    """d: the live tally of the open round, from a cold session each time (no identity-map help)."""
    def tally(ds: Dataset):
        with app.app_context():
            round_tally(db.session.get(Round, ds.round_id))
            db.session.remove()

    queries = {"small": _queries(app, lambda: tally(small)), "large": _queries(app, lambda: tally(large))}
    timings = time_calls(lambda: tally(large), warmup=1, min_runs=10, max_runs=20, budget=15)
    figure = Figure("d", "tally the round (200 clauses x 1,000 members)", "ms", timings.wall,
                    f"median <= {TALLY_TARGET_MS} ms", details={"queries": queries, "cpu_median_ms": timings.cpu_median})
    figure.met = figure.median <= TALLY_TARGET_MS
    return figure

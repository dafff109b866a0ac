"""Section i: the comment-resolution table (issue 13 item 3), on data of its own: a version of 200 clauses
(the LARGE draft) with 10,000 threads opened on it, so the table has 10,000 rows (a third quoting words,
amendments with proposed text, types and dispositions with rationales mixed in), and the SMALL draft with
100. Through the API, as the group's chair with a token:

- the .xlsx table of 10,000 comments (median <= 2 s);
- the .docx table of the same, for comparison (no target in the issue);
- the queries of each download for 100 and for 10,000 comments: the same.
"""
from datetime import timedelta

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, Comment
from deliberation.models._base import utcnow
from deliberation.sanitize import render_markdown
from deliberation.services.accounts import create_token, create_user
from deliberation.services.documents import create_document
from deliberation.services.groups import create_working_group, set_membership

from .bulk import insert_rows, next_id, reset_sequence
from .data import BODIES, LARGE, PASSWORD, SECTORS, SMALL, draft_source
from .database import QueryCount
from .stats import Figure, time_calls

XLSX_MS = 2000
TYPES = (None, "general", "technical", "editorial")
DISPOSITIONS = (None, None, "accepted", "accepted_in_part", "not_accepted", "noted")


def _build(scale, total: int, slug: str) -> dict:
    group = create_working_group(None, f"Resolution benchmark ({scale.name})", slug, public=True,
                                 stakeholder_groups=SECTORS)
    chair = create_user(f"chair@{slug}.example.org", "Resolution chair", PASSWORD)
    set_membership(None, group, chair, "chair", "government")
    sectors = {s.key: s.id for s in group.stakeholder_groups}
    authors = []
    for n, (key, _name) in enumerate(SECTORS * 3):
        member = create_user(f"m{n}@{slug}.example.org", f"Member {n}", PASSWORD)
        set_membership(None, group, member, "member", key, affiliation=f"Organisation {n}")
        authors.append((member.id, sectors[key]))
    document = create_document(chair, group, title=f"Resolution benchmark {scale.name}", fmt="markdown",
                               source=draft_source(scale), public=True)
    clauses = list(db.session.scalars(select(Clause).where(Clause.version_id == document.current_version_id)
                                      .order_by(Clause.position)))
    first_id, rows, start = next_id(Comment), [], utcnow() - timedelta(days=30)
    for n in range(total):
        clause = clauses[n % len(clauses)]
        author, sector = authors[n % len(authors)]
        body = BODIES[n % len(BODIES)]
        amendment = n % 7 == 0
        row = {"id": first_id + n, "document_id": document.id, "version_id": clause.version_id,
               "clause_id": clause.id, "author_id": author, "stakeholder_group_id": sector, "parent_id": None,
               "root_id": first_id + n, "depth": 0, "kind": "amendment" if amendment else "comment",
               "comment_type": TYPES[n % len(TYPES)], "body_source": body, "body_html": render_markdown(body),
               "replacement_text": "States shall review these measures every two years." if amendment else None,
               "status": "visible", "created_at": start + timedelta(seconds=n),
               "quote_exact": None, "quote_prefix": None, "quote_suffix": None, "quote_start": None,
               "quote_end": None, "disposition": DISPOSITIONS[n % len(DISPOSITIONS)],
               "disposition_rationale": None}
        if row["disposition"]:
            row["disposition_rationale"] = "Discussed at the second meeting; see the chair's summary."
        words = clause.text.split(" ")
        if n % 3 == 0 and len(words) > 4:
            quote = " ".join(words[2:4])
            at = clause.text.index(quote)
            row.update(quote_exact=quote, quote_prefix=clause.text[max(0, at - 32):at],
                       quote_suffix=clause.text[at + len(quote):at + len(quote) + 32], quote_start=at,
                       quote_end=at + len(quote))
        rows.append(row)
    insert_rows(Comment, rows)
    reset_sequence(Comment)
    _row, token = create_token(chair, "resolution benchmark")
    db.session.commit()
    return {"version_id": document.current_version_id, "token": token, "comments": total}


def measure_resolution(app) -> list[Figure]:
    print("i: the comment-resolution table of 10,000 comments as .xlsx and .docx", flush=True)
    with app.app_context():
        large = _build(LARGE, 10_000, "bench-resolution")
        small = _build(SMALL, 100, "bench-resolution-small")
        db.session.remove()
    client = app.test_client()

    def download(ds: dict, fmt: str) -> bytes:
        response = client.get(f"/api/v1/versions/{ds['version_id']}/resolution.{fmt}",
                              headers={"Authorization": f"Bearer {ds['token']}"})
        if response.status_code != 200:
            raise RuntimeError(f"resolution.{fmt}: {response.status_code} {response.data[:300]!r}")
        return response.data

    figures = []
    for fmt, target in (("xlsx", XLSX_MS), ("docx", None)):
        size = len(download(large, fmt))
        timings = time_calls(lambda: download(large, fmt), warmup=1, min_runs=5, max_runs=10, budget=60)
        figure = Figure("i", f"resolution table .{fmt}, 10,000 comments", "ms", timings.wall,
                        f"median <= {target} ms" if target else "",
                        details={"cpu_median_ms": timings.cpu_median, "bytes": size})
        figure.met = figure.median <= target if target else None
        figures.append(figure)
        counts = []
        for ds in (small, large):
            download(ds, fmt)
            with QueryCount(app) as counter:
                download(ds, fmt)
            counts.append(counter.count)
        figures.append(Figure("i", f"resolution table .{fmt}: queries, 100 and 10,000 comments", "queries",
                              [float(c) for c in counts], "same for both", counts[0] == counts[1],
                              details={"small": counts[0], "large": counts[1]}))
    return figures

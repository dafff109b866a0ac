"""Discussions do not get slower with more comments: the number of SQL queries to show a clause's
threads, a long thread's pages, a version, the API list, the chairs' list and the notifications stays the
same whether there are a handful of comments or thousands (data written with bulk inserts, for speed)."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from deliberation.extensions import db
from deliberation.models import Comment, Membership, Notification, User

from deliberation.services.threads import PAGE_SIZE, REPLIES_SHOWN

from ..conftest import count_queries, sign_in
from .comments_support import clauses

KINDS = ("comment", "question", "amendment", "objection")


def _authors(app, world):
    with app.app_context():
        rows = db.session.execute(select(Membership.user_id, Membership.stakeholder_group_id).where(
            Membership.working_group_id == world.group.id, Membership.role != "observer")).all()
        return [(row.user_id, row.stakeholder_group_id) for row in rows]


def bulk_threads(app, world, clause_rows, per_clause: int, version_id: int) -> None:
    """per_clause comments on each clause: threads of a root and three replies (one nested), with
    quotes, amendments, a hidden one, resolved threads, dispositions and edits mixed in."""
    authors = _authors(app, world)
    with app.app_context():
        next_id = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        rows = []
        for clause in clause_rows:
            root = None
            for n in range(per_clause):
                author, sector = authors[(next_id + n) % len(authors)]
                position = n % 4
                is_root = position == 0
                if is_root:
                    root = next_id
                quoted = is_root and n % 8 == 0 and clause["text"]
                rows.append({
                    "id": next_id, "document_id": world.document.id, "version_id": version_id,
                    "clause_id": clause["id"], "author_id": author, "stakeholder_group_id": sector,
                    "parent_id": None if is_root else (root if position < 3 else next_id - 1),
                    "root_id": root, "depth": 0 if is_root else (1 if position < 3 else 2),
                    "kind": KINDS[(n // 4) % 4] if is_root else "comment",
                    "body_source": f"Comment {n}", "body_html": f"<p>Comment {n} with <em>emphasis</em></p>",
                    "replacement_text": "Other words" if is_root and (n // 4) % 4 == 2 else None,
                    "quote_exact": clause["text"][:5] if quoted else None, "quote_prefix": "" if quoted else None,
                    "quote_suffix": clause["text"][5:37] if quoted else None,
                    "quote_start": 0 if quoted else None, "quote_end": 5 if quoted else None,
                    "status": "hidden" if n % 97 == 5 else "visible",
                    "hidden_reason": "Off topic" if n % 97 == 5 else None,
                    "resolved_at": start if is_root and n % 12 == 0 else None,
                    "disposition": "noted" if n % 10 == 0 else None,
                    "disposition_rationale": "Thanks" if n % 10 == 0 else None,
                    "edited_at": start if n % 7 == 0 else None,
                    "created_at": start + timedelta(seconds=next_id),
                })
                next_id += 1
        db.session.execute(insert(Comment), rows)
        db.session.commit()


def _big_version(app, world, clauses_count: int):
    from deliberation.services.documents import create_document

    source = "# Long text\n\n" + "".join(
        f"## {n}. Clause {n}\n\nMembers should consider point {n} carefully and in good faith.\n\n"
        for n in range(1, clauses_count + 1))
    with app.app_context():
        document = create_document(db.session.get(User, world.chair.id), db.session.merge(world.group),
                                   title="Long", fmt="markdown", source=source, public=True)
        db.session.commit()
        return document.id, document.current_version_id


def _queries(app, client, url: str) -> int:
    with count_queries(app) as counter:
        response = client.get(url)
    assert response.status_code in (200, 302), url
    return counter.count


def test_a_clause_with_2000_comments(app, world):
    version = world.document.current_version_id
    small, large = clauses(app, version)[0], clauses(app, version)[1]
    bulk_threads(app, world, [small], 8, version)
    bulk_threads(app, world, [large], 2000, version)
    client = app.test_client()
    sign_in(client, world.chair)  # a chair sees every action and hidden comments too
    base = f"/documents/{world.document.id}/versions/1/clauses"
    for path in ("", "/threads"):
        assert _queries(app, client, f"{base}/{large['key']}{path}") == _queries(app, client,
                                                                                  f"{base}/{small['key']}{path}")
    api = "/api/v1/clauses/{}/comments"
    assert _queries(app, client, api.format(large["id"])) == _queries(app, client, api.format(small["id"]))
    page = client.get(f"{base}/{large['key']}").data.decode()
    assert page.count('class="comment depth-0') == PAGE_SIZE and "Load more threads" in page


def bulk_long_thread(app, world, clause: dict, size: int, version_id: int) -> int:
    """One thread of `size` comments on the clause: each reply answers one of the six before it, down to
    depth 7 at most, as the benchmark's threads do; some hidden, some deleted. Returns the root's id."""
    authors = _authors(app, world)
    with app.app_context():
        root = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        rows = []
        for n in range(size):
            parent = rows[max(0, n - 1 - n % 6)] if n else None
            if parent is not None and parent["depth"] >= 7:
                parent = rows[0]
            author, sector = authors[n % len(authors)]
            status = "visible" if n == 0 or n % 50 not in (7, 19) else ("hidden" if n % 50 == 7 else "deleted")
            rows.append({
                "id": root + n, "document_id": world.document.id, "version_id": version_id,
                "clause_id": clause["id"], "author_id": author, "stakeholder_group_id": sector,
                "parent_id": parent["id"] if parent else None, "root_id": root,
                "depth": parent["depth"] + 1 if parent else 0, "kind": "comment",
                "body_source": f"Reply {n}", "body_html": f"<p>Reply {n}</p>", "status": status,
                "hidden_reason": "Off topic" if status == "hidden" else None,
                "created_at": start + timedelta(seconds=n)})
        db.session.execute(insert(Comment), rows)
        db.session.commit()
        return root


def test_a_thread_with_2000_replies(app, world):
    version = world.document.current_version_id
    small, large = clauses(app, version)[0], clauses(app, version)[1]
    roots = {"small": bulk_long_thread(app, world, small, REPLIES_SHOWN + 8, version),
             "large": bulk_long_thread(app, world, large, 2000, version)}
    client = app.test_client()
    sign_in(client, world.member)
    base = f"/documents/{world.document.id}/versions/1/clauses"

    def urls(name: str, clause: dict) -> list[str]:
        root = roots[name]
        thread = client.get(f"/api/v1/clauses/{clause['id']}/comments").get_json()["comments"][0]
        after = thread["replies_after"]
        assert after is not None and thread["more_replies"] > 0
        return [f"{base}/{clause['key']}", f"{base}/{clause['key']}/threads",
                f"/api/v1/clauses/{clause['id']}/comments",
                f"{base}/{clause['key']}/threads/{root}?after={after}",
                f"{base}/{clause['key']}/threads/{root}/replies?after={after}",
                f"/api/v1/comments/{root}/replies?after={after}", f"/comments/{root + 5}", f"/comments/{root + 15}"]

    for small_url, large_url in zip(urls("small", small), urls("large", large)):
        assert _queries(app, client, large_url) == _queries(app, client, small_url), large_url
    page = client.get(f"{base}/{large['key']}").data.decode()
    # The root and its first replies (one of them hidden: the member does not see it), then the link.
    assert page.count('class="comment ') == REPLIES_SHOWN and "more replies</a>" in page


def test_a_version_with_200_clauses_and_10000_comments(app, world):
    small_doc, small_version = _big_version(app, world, 3)
    large_doc, large_version = _big_version(app, world, 200)
    bulk_threads(app, world, clauses(app, small_version), 4, small_version)
    bulk_threads(app, world, clauses(app, large_version), 50, large_version)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Comment.version_id == large_version)) == 10_000
    client = app.test_client()
    sign_in(client, world.member)
    assert _queries(app, client, f"/documents/{large_doc}/versions/1") == \
        _queries(app, client, f"/documents/{small_doc}/versions/1")
    anonymous = app.test_client()
    assert _queries(app, anonymous, f"/documents/{large_doc}/versions/1") == \
        _queries(app, anonymous, f"/documents/{small_doc}/versions/1")


def test_the_chairs_list_and_notifications_stay_flat(app, world):
    version = world.document.current_version_id
    rows = clauses(app, version)
    bulk_threads(app, world, rows[:1], 6, version)
    client = app.test_client()
    sign_in(client, world.chair)
    report = f"/documents/{world.document.id}/comments"
    few = _queries(app, client, report)
    filtered_few = _queries(app, client, f"{report}?kind=question&unresolved=1&disposition=none")
    bulk_threads(app, world, rows, 500, version)
    assert _queries(app, client, report) == few
    assert _queries(app, client, f"{report}?kind=question&unresolved=1&disposition=none") == filtered_few
    assert _queries(app, client, f"{report}?page=7") == few

    def notify(n):
        with app.app_context():
            first = db.session.scalar(select(Comment.id).limit(1))
            db.session.execute(insert(Notification), [
                {"user_id": world.chair.id, "kind": ("reply", "mention", "disposition")[i % 3],
                 "actor_id": world.members["academia"][i % 2].id, "comment_id": first, "excerpt": f"Note {i}"}
                for i in range(n)])
            db.session.commit()

    notify(3)
    few = _queries(app, client, "/notifications")
    notify(300)
    assert _queries(app, client, "/notifications") == few

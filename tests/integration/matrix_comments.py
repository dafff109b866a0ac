"""Permission expectations for discussions: comments, moderation, thread fragments, notifications.

Builds: on the public document, a thread by a member (with a reply) and a second comment of theirs to
delete by page and another to delete by API; on the private document, one comment. The PATCH and
DELETE cases come from `method_cases`, which test_comments_permissions.py also uses."""
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, User

from .test_permissions import CHAIR_ONLY, OK, PAGE_LOGIN, PRIVATE_DOC, SIGNED_IN, everyone, roles


def _first_clause(version_id: int) -> Clause:
    return db.session.scalar(select(Clause).where(Clause.version_id == version_id, Clause.text != "")
                             .order_by(Clause.position).limit(1))


def build(w) -> dict:
    from deliberation.services.comments import post_comment

    member = db.session.get(User, w.member.id)
    chair = db.session.get(User, w.chair.id)
    clause = _first_clause(w.document.current_version_id)
    private_clause = _first_clause(w.private_document.current_version_id)
    thread = post_comment(member, clause, body="Is this clear?", kind="question")
    post_comment(chair, clause, body="We think so.", parent_id=thread.id)
    doomed = post_comment(member, clause, body="Second thoughts.")
    doomed_by_api = post_comment(member, clause, body="Third thoughts.")
    private = post_comment(member, private_clause, body="Members only.")
    ids = {"comment": thread.id, "doomed": doomed.id, "doomed_by_api": doomed_by_api.id, "private": private.id,
           "clause": clause.id, "clause_key": clause.key, "private_clause": private_clause.id,
           "private_key": private_clause.key}
    db.session.commit()
    return ids


def method_cases(ids: dict) -> list[tuple[str, str, dict]]:
    """The PATCH and DELETE routes, as (method, url, {role: expected})."""
    c, p = ids["comment"], ids["private"]
    author_only = roles(403, anonymous=401, member=OK)
    return [
        ("PATCH", f"/api/v1/comments/{c}", author_only),
        ("PATCH", f"/api/v1/comments/{p}", roles(404, anonymous=401, observer=403, member=OK, chair=403, admin=403)),
        ("DELETE", f"/api/v1/comments/{ids['doomed_by_api']}", author_only),
        ("DELETE", f"/api/v1/comments/{p}", roles(404, anonymous=401, observer=403, member=OK, chair=403, admin=403)),
        ("DELETE", "/api/v1/comments/999999", roles(404, anonymous=401)),
    ]


def expectations(app, w):
    with app.app_context():
        ids = build(w)
    doc, pdoc, c, p = w.document.id, w.private_document.id, ids["comment"], ids["private"]
    clause_page = f"/documents/{doc}/versions/1/clauses/{ids['clause_key']}"
    private_page = f"/documents/{pdoc}/versions/1/clauses/{ids['private_key']}"
    speaking = roles(403, anonymous=PAGE_LOGIN, member=OK, chair=OK)
    speaking_private = roles(404, observer=403, member=OK, chair=OK, admin=403)
    author = roles(403, anonymous=PAGE_LOGIN, member=OK)
    chair_page = roles(403, anonymous=PAGE_LOGIN, chair=OK)
    chair_api = roles(403, anonymous=401, chair=OK)
    readers_private = roles(404, observer=200, member=200, chair=200, admin=200)
    return {
        "comments.create": [("POST", f"{clause_page}/comments", speaking),
                            ("POST", f"{private_page}/comments", speaking_private)],
        "comments.edit": [("POST", f"/comments/{c}/edit", author),
                          ("POST", "/comments/999999/edit", roles(404, anonymous=404))],
        "comments.delete": [("POST", f"/comments/{ids['doomed']}/delete", author)],
        "comments.resolve": [("POST", f"/comments/{c}/resolve", roles(403, anonymous=PAGE_LOGIN, member=OK, chair=OK))],
        "comments.hide": [("POST", f"/comments/{c}/hide", chair_page),
                          ("POST", f"/comments/{p}/hide", roles(404, observer=403, member=403, chair=OK, admin=403))],
        "comments.disposition": [("POST", f"/comments/{c}/disposition", chair_page)],
        "comments.set_type": [("POST", f"/comments/{c}/type", chair_page)],
        "discussion.thread_fragment": [("GET", f"{clause_page}/threads", everyone(200)),
                                       ("GET", f"{private_page}/threads", readers_private)],
        "discussion.thread_page": [("GET", f"{clause_page}/threads/{c}", everyone(200)),
                                   ("GET", f"{private_page}/threads/{p}?after={p}", readers_private),
                                   ("GET", f"{clause_page}/threads/{p}", everyone(404))],
        "discussion.replies_fragment": [("GET", f"{clause_page}/threads/{c}/replies?after={c}", everyone(200)),
                                        ("GET", f"{private_page}/threads/{p}/replies", readers_private)],
        "discussion.permalink": [("GET", f"/comments/{c}", everyone(302)),
                                 ("GET", f"/comments/{p}", roles(404, observer=302, member=302, chair=302, admin=302)),
                                 ("GET", "/comments/999999", everyone(404))],
        "discussion.comment_fragment": [("GET", f"/comments/{c}/fragment", everyone(200)),
                                        ("GET", f"/comments/{p}/fragment", readers_private)],
        "discussion.revisions": [("GET", f"/comments/{c}/revisions", roles(403, anonymous=PAGE_LOGIN, chair=200))],
        # Whoever may read the document's comments reads the list (issue 15, item 4); chairs act on it.
        "comment_report.report": [("GET", f"/documents/{doc}/comments", everyone(200)),
                                  ("GET", f"/documents/{pdoc}/comments", readers_private)],
        "comment_report.moderate": [("POST", f"/documents/{doc}/comments/moderate", chair_page),
                                    ("POST", f"/documents/{pdoc}/comments/moderate",
                                     roles(404, observer=403, member=403, chair=OK, admin=403))],
        "notifications.index": [("GET", "/notifications", SIGNED_IN)],
        "notifications.open_one": [("POST", "/notifications/999999/open", roles(404, anonymous=PAGE_LOGIN))],
        "notifications.mark_all_read": [("POST", "/notifications/read", SIGNED_IN)],
        "api.list_comments": [("GET", f"/api/v1/clauses/{ids['clause']}/comments", everyone(200)),
                              ("GET", f"/api/v1/clauses/{ids['private_clause']}/comments", PRIVATE_DOC)],
        "api.list_replies": [("GET", f"/api/v1/comments/{c}/replies", everyone(200)),
                             ("GET", f"/api/v1/comments/{c}/replies?clause={ids['clause']}&after={c}", everyone(200)),
                             ("GET", f"/api/v1/comments/{p}/replies", PRIVATE_DOC),
                             ("GET", f"/api/v1/comments/{p}/replies?clause={ids['clause']}", everyone(404))],
        "api.create_comment": [("POST", f"/api/v1/clauses/{ids['clause']}/comments",
                                roles(403, anonymous=401, member=OK, chair=OK)),
                               ("POST", f"/api/v1/clauses/{ids['private_clause']}/comments",
                                roles(404, anonymous=401, observer=403, member=OK, chair=OK, admin=403))],
        "api.get_comment": [("GET", f"/api/v1/comments/{c}", everyone(200)),
                            ("GET", f"/api/v1/comments/{p}", PRIVATE_DOC)],
        "api.edit_comment": [case for case in method_cases(ids) if case[0] == "PATCH"],
        "api.delete_comment": [case for case in method_cases(ids) if case[0] == "DELETE"],
        "api.record_disposition": [("POST", f"/api/v1/comments/{c}/disposition", chair_api)],
        "api.set_comment_type": [("POST", f"/api/v1/comments/{c}/type", chair_api),
                                 ("POST", f"/api/v1/comments/{p}/type",
                                  roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "api.hide_comment": [("POST", f"/api/v1/comments/{c}/hide", chair_api),
                             ("POST", f"/api/v1/comments/{p}/hide",
                              roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "api.moderate_comments": [("POST", f"/api/v1/documents/{doc}/comments/bulk-moderation", chair_api),
                                  ("POST", f"/api/v1/documents/{pdoc}/comments/bulk-moderation",
                                   roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "api.resolve_thread": [("POST", f"/api/v1/comments/{c}/resolve", roles(403, anonymous=401, member=OK, chair=OK))],
    }

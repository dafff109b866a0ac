"""The working-draft pages (issue 12), without scripts: start, save, conflict, tools, amendments, review,
publish; who may see them; the thread of an applied amendment afterwards; and query counts."""
import re

from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import DraftClause, User, WorkingDraft

from ..conftest import count_queries, csrf_token, sign_in
from .revision_helpers import document_with_amendments


def _setup(app, client, world):
    with app.app_context():
        document_id, ids = document_with_amendments(world)
    sign_in(client, world.chair)
    token = csrf_token(client, "/account")
    base = f"/documents/{document_id}/working-draft"
    return document_id, ids, token, base


def _clause(app, number):
    with app.app_context():
        row = db.session.scalar(select(DraftClause).where(DraftClause.number == number))
        return row.key, row.revision


def test_a_chair_revises_publishes_and_the_thread_says_applied(app, client, world):
    document_id, ids, token, base = _setup(app, client, world)
    version_page = client.get(f"/documents/{document_id}/versions/1").get_data(as_text=True)
    assert base in version_page  # the chair's link
    page = client.get(base).get_data(as_text=True)
    assert "Start a revision" in page
    assert client.post(base, data={"csrf_token": token}).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Governments should assess the impact of proposed laws." in page and f"amendment-{ids['impact']}" in page
    key, revision = _clause(app, "2")
    saved = client.post(f"{base}/clauses/{key}", data={"csrf_token": token, "revision": revision,
                                                        "text": "Strong encryption must be protected.", "heading": "Encryption"})
    assert saved.status_code == 302
    stale = client.post(f"{base}/clauses/{key}", data={"csrf_token": token, "revision": revision,
                                                        "text": "A competing text.", "heading": "Encryption"})
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "A competing text." in text and "Strong encryption must be protected." in text
    applied = client.post(f"{base}/amendments/{ids['impact']}/apply", data={"csrf_token": token})
    assert applied.status_code == 302
    one_key, _r = _clause(app, "1")
    client.post(f"{base}/clauses/{one_key}/split", data={"csrf_token": token, "offset": str(len("Laws should respect human rights"))})
    with app.app_context():
        assert db.session.scalar(select(DraftClause).where(DraftClause.number == "2")).text == "from the outset."
    review = client.get(f"{base}/review").get_data(as_text=True)
    assert "Before you publish" in review and "<ins>and publish </ins>" in review
    assert "1 accepted amendments are not applied" in review or "accepted amendments are not applied" in review
    side = client.get(f"{base}/review?view=side").get_data(as_text=True)
    assert "diff--side" in side
    published = client.post(f"{base}/publish", data={"csrf_token": token, "label": "Draft 2", "note": "Thanks."})
    assert published.status_code == 302 and published.headers["Location"].endswith(f"/documents/{document_id}/versions/2")
    v2 = client.get(published.headers["Location"]).get_data(as_text=True)
    assert "Draft 2" in v2
    thread = client.get(f"/comments/{ids['impact']}", follow_redirects=True).get_data(as_text=True)
    assert "Applied in version 2" in thread
    report = client.get(f"/documents/{document_id}/comments").get_data(as_text=True)
    assert "Applied in version 2" in report


def test_members_observers_and_strangers_do_not_see_the_draft(app, client, world):
    document_id, _ids, token, base = _setup(app, client, world)
    client.post(base, data={"csrf_token": token})
    for user, status in ((world.member, 403), (world.observer, 403), (world.other_member, 403)):
        other = app.test_client()
        sign_in(other, user)
        assert other.get(base).status_code == status
        assert base not in other.get(f"/documents/{document_id}/versions/1").get_data(as_text=True)
        key, _r = _clause(app, "2")
        assert other.post(f"{base}/clauses/{key}", data={"csrf_token": csrf_token(other, "/account"),
                                                          "revision": 1, "text": "x"}).status_code == status
    anonymous = app.test_client()
    assert anonymous.get(base).status_code in (302, 401)
    assert _clause(app, "2")[1] == 1


def test_a_named_editor_gets_the_link_and_the_page(app, client, world):
    from deliberation.models import Document
    from deliberation.services.revision.drafts import add_editor

    document_id, _ids, token, base = _setup(app, client, world)
    with app.app_context():
        add_editor(db.session.get(User, world.chair.id), db.session.get(Document, document_id),
                   db.session.get(User, world.member.id))
        db.session.commit()
    other = app.test_client()
    sign_in(other, world.member)
    assert base in other.get(f"/documents/{document_id}/versions/1").get_data(as_text=True)
    assert other.get(base).status_code == 200


def test_the_editor_page_takes_the_same_queries_whatever_the_draft_length(app, client, world):
    from deliberation.services.revision import drafts, editing

    document_id, _ids, token, base = _setup(app, client, world)
    client.post(base, data={"csrf_token": token})
    client.get(base)
    with count_queries(app) as few:
        assert client.get(base).status_code == 200
    with app.app_context():
        draft = db.session.scalar(select(WorkingDraft))
        chair = db.session.get(User, world.chair.id)
        for n in range(25):
            editing.insert_clause(chair, draft, text=f"Clause {n}.", after_key=drafts.draft_clauses(draft)[-1].key)
        db.session.commit()
    with count_queries(app) as many:
        assert client.get(base).status_code == 200
    assert many.count == few.count, many.statements
    with count_queries(app) as review:
        assert client.get(f"{base}/review").status_code == 200
    assert review.count < 25, review.statements


def test_tools_refuse_politely(app, client, world):
    document_id, _ids, token, base = _setup(app, client, world)
    client.post(base, data={"csrf_token": token})
    key, _r = _clause(app, "Preamble")
    moved = client.post(f"{base}/clauses/{key}/move", data={"csrf_token": token, "direction": "up"},
                        follow_redirects=True)
    assert re.search(r"cannot move up", moved.get_data(as_text=True))
    assert client.post(f"{base}/clauses/{key}/explode", data={"csrf_token": token}).status_code == 404
    expired = client.post(f"{base}/clauses/{key}/move", data={"direction": "down"}, follow_redirects=True)
    assert "The form had expired" in expired.get_data(as_text=True)
    assert _clause(app, "Preamble")[0] == key


def test_a_chair_names_and_takes_off_an_editor_on_the_page(app, client, world):
    document_id, _ids, token, base = _setup(app, client, world)
    client.post(base, data={"csrf_token": token})
    page = client.get(base).get_data(as_text=True)
    member = world.member.display_name
    assert "No member named yet." in page and f'<option value="{world.member.id}">{member}</option>' in page
    assert f'<option value="{world.chair.id}">' not in page  # chairs edit already; observers may not

    named = client.post(f"{base}/editors", data={"csrf_token": token, "user_id": world.member.id}, follow_redirects=True)
    assert f"{member} can now edit the working draft." in named.get_data(as_text=True)
    other = app.test_client()
    sign_in(other, world.member)
    assert other.get(base).status_code == 200
    # A named editor may edit but not name others.
    assert other.post(f"{base}/editors", data={"csrf_token": csrf_token(other, "/account"),
                                               "user_id": world.member.id}).status_code == 403

    for bad in ("", "abc", "-3", "999999", str(world.observer.id)):
        answer = client.post(f"{base}/editors", data={"csrf_token": token, "user_id": bad}, follow_redirects=True)
        text = answer.get_data(as_text=True)
        assert "Choose a member of the working group." in text or "Name a member of this working group" in text, bad
    assert client.post(f"{base}/editors", data={"user_id": world.member.id}).status_code == 400  # no CSRF token
    with count_queries(app) as counted:
        assert client.get(base).status_code == 200  # the candidates are one query, whatever the group's size
    assert sum("FROM users JOIN memberships" in s for s in counted.statements) == 1

    taken = client.post(f"{base}/editors/{world.member.id}/remove", data={"csrf_token": token}, follow_redirects=True)
    assert f"{member} no longer edits the working draft." in taken.get_data(as_text=True)
    assert other.get(base).status_code == 403
    assert client.post(f"{base}/editors/{world.member.id}/remove", data={"csrf_token": token}).status_code == 404

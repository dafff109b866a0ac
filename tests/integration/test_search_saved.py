"""Saved searches: a member is notified of a new comment that matches, if they may read it; never of
their own, never twice, and never of a comment in a group they do not belong to."""
import pytest
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Notification, SavedSearch, User
from deliberation.services.errors import Conflict, Invalid, NotFound
from deliberation.services.search.query import parse_query
from deliberation.services.search.saved import (
    MAX_SAVED, delete_saved_search, save_search, saved_searches, text_matches,
)

from ..conftest import csrf_token, sign_in
from .search_support import post


def _notified(user) -> list[tuple[str, int]]:
    return [(n.kind, n.comment_id) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


@pytest.mark.parametrize("query, text, expected", [
    ("encryption", "Strong encrypted channels", True),
    ('"lawful access"', "about lawful access to data", True),
    ('"lawful access"', "access that is lawful", False),
    ("encrypt* -backdoor", "encryption without a backdoor", False),
    ("encrypt* -backdoor", "encryption matters", True),
    ("chiffrement", "Les messages chiffrés", True),
])
def test_a_saved_query_matches_as_a_search_would(query, text, expected):
    assert text_matches(parse_query(query), text) is expected


def test_members_are_notified_of_matching_comments_they_may_read(app, world):
    with app.app_context():
        member, observer = db.session.get(User, world.member.id), db.session.get(User, world.observer.id)
        outsider = db.session.get(User, world.other_group_member.id)
        for user in (member, observer, outsider):
            save_search(user, "backdoor")
        db.session.commit()
        public = post(world.members["government"][0], world.document, "A backdoor is never safe.")
        private = post(world.members["government"][0], world.private_document, "Backdoors, again.")
        own = post(world.member, world.document, "My own backdoor comment.")
        other = post(world.members["government"][0], world.document, "Nothing to see.")
        assert _notified(member) == [("saved_search", public.id), ("saved_search", private.id)]
        assert _notified(observer) == [("saved_search", public.id), ("saved_search", private.id),
                                       ("saved_search", own.id)]
        # Another group's member reads the public document's comments, not the members-only one's.
        assert _notified(outsider) == [("saved_search", public.id), ("saved_search", own.id)]
        assert other.id not in {c for _k, c in _notified(observer)}


def test_a_reply_notifies_once(app, world):
    with app.app_context():
        save_search(db.session.get(User, world.member.id), "backdoor")
        db.session.commit()
        first = post(world.member, world.document, "Where do we stand?")
        reply = post(world.members["government"][0], world.document, "A backdoor, I fear.", parent_id=first.id)
        assert _notified(world.member) == [("reply", reply.id)]


def test_saving_checks_the_query_and_keeps_one_of_each(app, world):
    with app.app_context():
        member = db.session.get(User, world.member.id)
        with pytest.raises(Invalid):
            save_search(member, "-only")
        first = save_search(member, "encryption")
        assert save_search(member, "encryption").id == first.id
        for n in range(MAX_SAVED - 1):
            save_search(member, f"word{n}")
        with pytest.raises(Conflict):
            save_search(member, "one too many")
        with pytest.raises(NotFound):
            delete_saved_search(db.session.get(User, world.observer.id), first.id)
        delete_saved_search(member, first.id)
        assert len(saved_searches(member)) == MAX_SAVED - 1


def test_saving_and_deleting_from_the_page(client, app, world):
    sign_in(client, world.member)
    token = csrf_token(client, "/search?q=encryption")
    response = client.post("/search/saved", data={"q": "encryption", "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/search?q=encryption").get_data(as_text=True)
    assert "Your saved searches" in page
    with app.app_context():
        saved = db.session.scalar(select(SavedSearch))
    assert client.post(f"/search/saved/{saved.id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SavedSearch)) is None
    assert client.post("/search/saved", data={"q": "encryption"}).status_code in (302, 400)
    with app.app_context():
        assert db.session.scalar(select(SavedSearch)) is None, "no CSRF token, nothing saved"

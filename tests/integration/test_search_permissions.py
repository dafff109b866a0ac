"""Search shows each reader what they may read and nothing else: every role against a private group's
content, a members-only document, a group that keeps comments to members, hidden comments and an
unpublished draft."""
import pytest

from deliberation.extensions import db
from deliberation.models import Document, Version, WorkingGroup

from ..factories import Factory
from .search_support import found, post

ROLES = ("public", "outsider", "observer", "member", "chair", "other_group_member", "other_group_chair", "admin")


def _reader(world, role):
    return {"public": None, "outsider": world.outsider, "observer": world.observer, "member": world.member,
            "chair": world.chair, "other_group_member": world.other_group_member,
            "other_group_chair": world.other_member, "admin": world.admin}[role]


@pytest.fixture
def content(app, world):
    """One comment with a word of its own in each place, and an unpublished draft in the private group."""
    with app.app_context():
        words = {}
        words["private_group"] = post(world.other_group_member, world.other_document, "Zanzibar protocol.").id
        words["members_only_document"] = post(world.member, world.private_document, "Quokka clause.").id
        words["public"] = post(world.member, world.document, "Pangolin safeguards.").id
        hidden = post(world.member, world.document, "Wombat spam.")
        from deliberation.services.moderation import set_hidden
        from deliberation.models import Comment, User

        set_hidden(db.session.get(User, world.chair.id), db.session.get(Comment, hidden.id), reason="Spam")
        chair = db.session.get(User, world.other_member.id)
        group = db.session.get(WorkingGroup, world.other_group.id)
        draft = Factory().document(group, chair, title="Unpublished", source="# Draft\n\n## 1\n\nNarwhal text.\n")
        db.session.get(Version, draft.current_version_id).status = "draft"
        db.session.commit()
        return words


EXPECTED = {
    # role: which of the places it finds
    "public": {"public"},
    "outsider": {"public"},
    "observer": {"public", "members_only_document"},
    "member": {"public", "members_only_document"},
    "chair": {"public", "members_only_document"},
    "other_group_member": {"public", "private_group"},
    "other_group_chair": {"public", "private_group"},
    "admin": {"public", "members_only_document", "private_group"},
}
WORDS = {"private_group": "zanzibar", "members_only_document": "quokka", "public": "pangolin"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_only_what_it_may_read(app, world, content, role):
    with app.app_context():
        reader = _reader(world, role)
        for place, word in WORDS.items():
            expected = [("comment", content[place])] if place in EXPECTED[role] else []
            assert found(reader, word) == expected, (role, place)
        assert found(reader, "wombat") == [], "hidden comments are found by nobody"
        sees_draft = role == "other_group_chair"
        assert bool(found(reader, "narwhal")) == sees_draft, "unpublished drafts are for the group's chairs"
        # The private group's clauses, not only its comments, stay private.
        clauses = found(reader, "encryption", kind="clause", document_id=str(world.other_document.id))
        assert bool(clauses) == (role in ("other_group_member", "other_group_chair", "admin"))


def test_a_group_that_keeps_comments_to_members_shows_the_public_its_text_only(app, world, content):
    with app.app_context():
        db.session.get(WorkingGroup, world.group.id).public_comments = False
        db.session.commit()
        assert found(None, "pangolin") == []
        assert found(world.outsider, "pangolin") == []
        assert found(world.observer, "pangolin") == [("comment", content["public"])]
        assert [kind for kind, _ in found(None, "encryption")] == ["clause"]


def test_a_document_made_private_leaves_the_public_results_at_once(app, world, content):
    with app.app_context():
        db.session.get(Document, world.document.id).public = False
        db.session.commit()
        assert found(None, "pangolin") == []
        assert found(world.member, "pangolin") == [("comment", content["public"])]


def test_filters_cannot_widen_what_a_reader_sees(app, world, content):
    with app.app_context():
        other = world.other_document.id
        assert found(None, "encryption", document_id=str(other), version="all") == []
        assert found(world.member, "zanzibar", working_group=str(world.other_group.id)) == []

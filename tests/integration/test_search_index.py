"""The search index follows every write in the same transaction, and the migration builds it for the
data already there; on SQLite (FTS5) and PostgreSQL (tsvector) alike."""
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import func, select

from deliberation.extensions import db
from deliberation.models import Comment, Document, SearchEntry, User
from deliberation.services.comments import delete_comment, edit_comment
from deliberation.services.moderation import set_disposition, set_hidden
from deliberation.services.search import rebuild_index
from deliberation.services.versions import publish_version

from ..factories import SAMPLE_DRAFT
from .search_support import found, post


def test_a_comment_is_found_once_posted_and_no_longer_once_deleted(app, world):
    with app.app_context():
        comment = post(world.member, world.document, "We fear **backdoors** in messaging apps.")
        assert found(world.member, "backdoor") == [("comment", comment.id)]
        delete_comment(db.session.get(User, world.member.id), db.session.get(Comment, comment.id))
        db.session.commit()
        assert found(world.member, "backdoor") == []


def test_an_edit_replaces_the_words(app, world):
    with app.app_context():
        comment = post(world.member, world.document, "About backdoors.")
        edit_comment(db.session.get(User, world.member.id), db.session.get(Comment, comment.id),
                     body="About key escrow.")
        db.session.commit()
        assert found(world.member, "backdoors") == []
        assert found(world.member, "escrow") == [("comment", comment.id)]


def test_hidden_comments_leave_the_results_and_return_when_shown(app, world):
    with app.app_context():
        comment = post(world.member, world.document, "Spam about sunglasses.")
        chair = db.session.get(User, world.chair.id)
        set_hidden(chair, db.session.get(Comment, comment.id), hidden=True, reason="Spam")
        db.session.commit()
        for reader in (world.member, world.chair, None):
            assert found(reader, "sunglasses") == []
        set_hidden(chair, db.session.get(Comment, comment.id), hidden=False)
        db.session.commit()
        assert found(world.member, "sunglasses") == [("comment", comment.id)]


def test_a_rolled_back_comment_is_not_in_the_index(app, world):
    with app.app_context():
        from .search_support import last_clause
        from deliberation.services.comments import post_comment

        post_comment(db.session.get(User, world.member.id), last_clause(world.document.id), body="Ephemeral words.")
        db.session.rollback()
        assert found(world.member, "ephemeral") == []


def test_dispositions_and_amendments_are_searchable(app, world):
    with app.app_context():
        comment = post(world.member, world.document, "Replace this clause.", kind="amendment",
                       replacement_text="Strong encryption must be protected by law.")
        set_disposition(db.session.get(User, world.chair.id), db.session.get(Comment, comment.id),
                        disposition="accepted_in_part", rationale="Kept the safeguards, dropped the statute.")
        db.session.commit()
        assert found(world.member, "safeguard") == [("disposition", comment.id)]
        assert ("amendment", comment.id) in found(world.member, '"protected by law"')
        assert found(world.member, "safeguards", kind="amendment") == []


def test_a_new_version_is_searched_by_default_and_earlier_ones_on_request(app, world):
    with app.app_context():
        document = db.session.get(Document, world.document.id)
        old_version = document.current_version_id
        publish_version(db.session.get(User, world.chair.id), document, fmt="markdown",
                        source=SAMPLE_DRAFT.replace("Strong encryption", "Robust cryptography"))
        db.session.commit()
        assert [k for k, _ in found(world.member, "cryptography", document_id=str(document.id))] == ["clause"]
        assert found(world.member, "strong", document_id=str(document.id)) == []
        everything = found(world.member, "strong", document_id=str(document.id), version="all")
        assert len(everything) == 1
        assert found(world.member, "strong", version=str(old_version)) == everything


def test_rebuilding_gives_the_same_index(app, world):
    with app.app_context():
        post(world.member, world.document, "Lawful access is a backdoor.")
        before = found(world.member, "backdoor") + found(world.member, "rights")
        with db.engine.begin() as connection:
            assert rebuild_index(connection) == db.session.scalar(select(func.count()).select_from(SearchEntry))
        db.session.commit()
        assert found(world.member, "backdoor") + found(world.member, "rights") == before


def test_the_migration_builds_the_index_for_existing_data(app, world):
    with app.app_context():
        comment = post(world.member, world.document, "Comments written before search existed: escrow.")
        stamp()
        downgrade(revision="0003")
        db.session.commit()
        upgrade()
        db.session.commit()
        assert found(world.member, "escrow") == [("comment", comment.id)]
        assert len(found(world.member, "encryption")) == 2  # the clause of the public and the private document


def test_a_restored_json_backup_is_searchable(app, world, tmp_path, monkeypatch):
    """The backup carries the entries; the restore gives the engine its words again."""
    from .hardening_support import separate_app

    with app.app_context():
        comment_id = post(world.member, world.document, "Restored words: escrow.").id
    path = tmp_path / "site.jsonl"
    assert app.test_cli_runner().invoke(args=["backup", str(path), "--format", "json"]).exit_code == 0
    target = separate_app(tmp_path, monkeypatch, "restored", create_tables=False)
    restored = target.test_cli_runner().invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    with target.app_context():
        assert found(world.member, "escrow") == [("comment", comment_id)]


def test_the_reindex_command(app, world):
    result = app.test_cli_runner().invoke(args=["search-reindex"])
    assert result.exit_code == 0 and "Search index rebuilt" in result.output
    with app.app_context():
        assert len(found(world.member, "encryption")) == 2

"""The migrations build the same schema as the models, from an empty database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from deliberation.extensions import db
from deliberation.models.search import is_engine_table


def _models_only(name, type_, parent_names):
    return not (type_ == "table" and is_engine_table(name))


def test_upgrade_from_empty_matches_models(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "working_groups", "documents", "versions", "clauses", "comments", "rounds",
                "positions", "record_events"} <= tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                   "include_name": _models_only})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"


def test_downgrade_to_base_and_up_again(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}, "the search tables stay behind"
        upgrade()
        assert "record_events" in inspect(db.engine).get_table_names()


def test_upgrading_in_process_keeps_the_apps_loggers(app, caplog):
    """The server upgrades at start; Alembic's logging set-up must not silence the security log."""
    import logging

    from deliberation.security_log import security_event

    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
    assert not logging.getLogger("deliberation.security").disabled
    assert not logging.getLogger("deliberation.realtime").disabled
    caplog.set_level(logging.INFO)
    security_event("sign_in.failed", user_id=1)
    assert any("sign_in.failed" in record.getMessage() for record in caplog.records)


def test_adding_reopened_from_keeps_every_round_and_its_items(app, world):
    """0003 rebuilds `rounds` on SQLite: with foreign keys on, dropping the old table would cascade."""
    from flask_migrate import stamp
    from sqlalchemy import func, select

    from deliberation.models import EligibleVoter, Round, RoundItem, User, Version
    from deliberation.services.rounds import open_round

    def counts():
        # Each count in a transaction of its own: a fresh read on SQLite, and no lock held on PostgreSQL
        # while the migration alters the table.
        found = [db.session.scalar(select(func.count()).select_from(model)) for model in (Round, RoundItem, EligibleVoter)]
        db.session.commit()
        return found

    with app.app_context():
        open_round(db.session.get(User, world.chair.id), db.session.get(Version, world.document.current_version_id),
                   scope="clauses", rule="consensus", threshold="majority", quorum="1/2")
        db.session.commit()
        before = counts()
        assert before[1] > 1 and before[2] > 1
        stamp()
        downgrade(revision="0002")
        assert "reopened_from_id" not in {c["name"] for c in inspect(db.engine).get_columns("rounds")}
        assert counts() == before
        upgrade()
        assert "reopened_from_id" in {c["name"] for c in inspect(db.engine).get_columns("rounds")}
        assert counts() == before


def test_working_drafts_migration_keeps_every_comment_reply_and_anchor(app, world):
    """0004 rebuilds `comments` on SQLite: with foreign keys on, dropping the old table would cascade to
    replies, anchors and earlier texts. A populated database goes down to 0003 and up again intact."""
    from flask_migrate import stamp
    from sqlalchemy import func, select

    from deliberation.models import Comment, CommentAnchor, CommentRevision, Document, User, WorkingDraft
    from deliberation.services.comments import edit_comment, post_comment
    from deliberation.services.revision.drafts import open_draft

    from ..factories import SAMPLE_DRAFT
    from .version_helpers import clauses_of, publish

    def counts():
        found = [db.session.scalar(select(func.count()).select_from(model))
                 for model in (Comment, CommentAnchor, CommentRevision)]
        db.session.commit()
        return found

    with app.app_context():
        member = db.session.get(User, world.member.id)
        clause = clauses_of(world.document.current_version_id)[1]
        root = post_comment(member, clause, body="A thread")
        post_comment(member, clause, body="A reply", parent_id=root.id)
        edit_comment(member, root, body="A thread, edited")
        publish(world.document.id, world.chair, SAMPLE_DRAFT.replace("outset", "very start"))
        open_draft(db.session.get(User, world.chair.id), db.session.get(Document, world.document.id))
        db.session.commit()
        before = counts()
        assert before[0] == 2 and before[1] == 1 and before[2] == 1
        stamp()
        downgrade(revision="0003")
        assert "applied_in_version_id" not in {c["name"] for c in inspect(db.engine).get_columns("comments")}
        assert "working_drafts" not in inspect(db.engine).get_table_names()
        assert counts() == before
        upgrade()
        assert counts() == before
        assert db.session.scalar(select(func.count()).select_from(WorkingDraft)) == 0


def test_adding_the_record_tree_builds_it_for_the_existing_record(app, world):
    """0006 builds the Merkle tree of a populated record: the same nodes the appends wrote."""
    from flask_migrate import stamp
    from sqlalchemy import select

    from deliberation.models import RecordTreeNode

    def nodes():
        found = {(n.level, n.idx): n.hash for n in db.session.scalars(select(RecordTreeNode))}
        db.session.commit()
        return found

    with app.app_context():
        before = nodes()
        assert len([key for key in before if key[0] == 0]) > 8
        stamp()
        downgrade(revision="0003")
        assert "record_tree_nodes" not in inspect(db.engine).get_table_names()
        upgrade()
        assert nodes() == before


def test_adding_the_comment_type_keeps_every_comment_unset_and_the_search_triggers(app, world):
    """0009 adds the type of comment to a populated database: every comment keeps its text and reads as
    unset, and the search index still follows comments (no table rebuild)."""
    from flask_migrate import stamp
    from sqlalchemy import select

    from deliberation.models import Comment, User
    from deliberation.services.comments import post_comment

    from .version_helpers import clauses_of

    with app.app_context():
        member = db.session.get(User, world.member.id)
        clause = clauses_of(world.document.current_version_id)[1]
        root = post_comment(member, clause, body="A thread")
        post_comment(member, clause, body="A reply", parent_id=root.id)
        post_comment(member, clause, body="Another thread", kind="question")
        post_comment(member, clause, body="An amendment", kind="amendment", replacement_text="New words")
        db.session.commit()
        before = {c.id: c.body_source for c in db.session.scalars(select(Comment))}
        db.session.commit()
        assert len(before) > 3
        triggers = _trigger_names()
        db.session.commit()
        stamp()
        downgrade(revision="0008")
        assert "comment_type" not in {c["name"] for c in inspect(db.engine).get_columns("comments")}
        upgrade()
        after = db.session.execute(select(Comment.id, Comment.body_source, Comment.comment_type)).all()
        assert {row.id: row.body_source for row in after} == before
        assert {row.comment_type for row in after} == {None}
        assert _trigger_names() == triggers
        db.session.commit()


def test_word_reviews_migration_upgrades_a_populated_database(app, world):
    """0010 adds word_reviews beside existing comments and versions: down to 0009 and up again keeps them."""
    from flask_migrate import stamp
    from sqlalchemy import func, select

    from deliberation.models import Comment, User, Version, WordReview
    from deliberation.services.comments import post_comment

    from .version_helpers import clauses_of

    with app.app_context():
        member = db.session.get(User, world.member.id)
        post_comment(member, clauses_of(world.document.current_version_id)[0], body="Before the reviews table")
        db.session.commit()
        counts = (db.session.scalar(select(func.count()).select_from(Comment)),
                  db.session.scalar(select(func.count()).select_from(Version)))
        db.session.commit()
        stamp()
        downgrade(revision="0009")
        assert "word_reviews" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "word_reviews" in inspect(db.engine).get_table_names()
        assert (db.session.scalar(select(func.count()).select_from(Comment)),
                db.session.scalar(select(func.count()).select_from(Version))) == counts
        db.session.commit()
        db.session.add(WordReview(version_id=world.document.current_version_id, uploader_id=member.id,
                                  filename="r.docx", items=[{"n": 1}], status="pending", comment_ids=[]))
        db.session.commit()
        assert db.session.scalar(select(WordReview.items)) == [{"n": 1}]


def _trigger_names() -> set[str]:
    """The database's own triggers (the search index's on SQLite), on either engine."""
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return set(db.session.execute(text(query)).scalars())

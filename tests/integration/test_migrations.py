"""The migrations build the same schema as the models, from an empty database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from deliberation.extensions import db


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
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"


def test_downgrade_to_base_and_up_again(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
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

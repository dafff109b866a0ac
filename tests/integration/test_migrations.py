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

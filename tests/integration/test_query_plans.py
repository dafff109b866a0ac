"""The queries the benchmark found slow at scale use their indexes (SQLite's EXPLAIN QUERY PLAN).

With 200,000 record events, 200,000 positions and as many history rows (bench/, docs/performance.md),
these three queries went from tens or hundreds of milliseconds to one or a few: a document's newest
public events, the live tally's counts, and the objection register's search for formal objections.
PostgreSQL chooses plans from table statistics, so the plans are checked on SQLite only.
"""
import pytest
from sqlalchemy import event, select

from deliberation.extensions import db
from deliberation.models import Document, RecordEvent, Version
from deliberation.services.objections import objection_register
from deliberation.services.rounds import open_round
from deliberation.services.tally import positions_by_item_and_group


def _plans(app, work) -> list[str]:
    """EXPLAIN QUERY PLAN of every SELECT that `work` runs, with its own parameters."""
    statements = []

    def capture(_conn, _cursor, statement, parameters, *_rest):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("query plans are checked on SQLite; PostgreSQL plans depend on statistics")
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            work()
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        connection = db.session.connection().connection.driver_connection
        return [" | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
                for statement, parameters in statements]


def test_newest_public_events_of_a_document_need_no_sort(app, world):
    def newest():
        db.session.scalars(select(RecordEvent).where(RecordEvent.document_id == world.document.id,
                                                     RecordEvent.public.is_(True))
                           .order_by(RecordEvent.seq.desc()).limit(50)).all()

    [plan] = _plans(app, newest)
    assert "ix_record_events_document_public_seq" in plan and "TEMP B-TREE" not in plan, plan


def test_live_tally_reads_only_its_covering_index(app, world):
    with app.app_context():
        version = db.session.get(Version, world.document.current_version_id)
        round_ = open_round(db.session.merge(world.chair), version, scope="clauses", rule="each_group",
                            threshold="majority", quorum="1/2")
        db.session.commit()
        round_id = round_.id

    [plan] = _plans(app, lambda: positions_by_item_and_group(round_id))
    assert "COVERING INDEX ix_positions_tally" in plan and "TEMP B-TREE" not in plan, plan


def test_objection_register_finds_formal_objections_by_index(app, world):
    with app.app_context():
        version = db.session.get(Version, world.document.current_version_id)
        open_round(db.session.merge(world.chair), version, scope="document", rule="consensus",
                   threshold="majority", quorum="1/2")
        db.session.commit()

    plans = _plans(app, lambda: objection_register(db.session.get(Document, world.document.id),
                                                   include_open_rounds=True))
    assert any("ix_position_history_formal" in plan for plan in plans), plans

"""Bulk writes for generating benchmark data: chunked multi-row INSERTs, explicit ids where rows refer
to each other, and record events appended to the real hash chain in one go.

The services write one row at a time with an event each, which is right for people and far too slow
for 200,000 positions. These helpers write the same rows a service would (same columns, same events,
same hashes, the same Merkle tree nodes), so the record still verifies, but in batches.
"""
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text

from deliberation.extensions import db
from deliberation.models import RecordEvent, RecordTreeNode
from deliberation.models._base import utcnow
from deliberation.services.record import GENESIS, compute_hash
from deliberation.services.transparency import store, tree

CHUNK = 5000


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT many rows, CHUNK at a time (one executemany each)."""
    table = model.__table__
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def reset_sequence(model) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's id sequence past them."""
    if db.engine.dialect.name != "postgresql":
        return
    table = model.__tablename__
    db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


class Chain:
    """Appends record events in bulk: each links to the one before, exactly as `append_event` does."""

    def __init__(self):
        head = db.session.execute(
            select(RecordEvent.seq, RecordEvent.hash).order_by(RecordEvent.seq.desc()).limit(1)).first()
        self.seq, self.hash = (head.seq, head.hash) if head else (0, GENESIS)
        self.rows: list[dict] = []

    def add(self, kind: str, *, subject_type: str, subject_id: int | None, actor=None,
            working_group_id: int | None = None, document_id: int | None = None, payload: dict | None = None,
            public: bool = False, created_at: datetime | None = None) -> None:
        self.seq += 1
        event = SimpleNamespace(
            seq=self.seq, kind=kind, working_group_id=working_group_id, document_id=document_id,
            subject_type=subject_type, subject_id=subject_id, actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "", payload=payload or {}, public=public,
            created_at=created_at or utcnow(), prev_hash=self.hash)
        event.hash = compute_hash(event)
        self.hash = event.hash
        self.rows.append(vars(event))

    def write(self) -> None:
        insert_rows(RecordEvent, self.rows)
        insert_rows(RecordTreeNode, _tree_nodes(self.rows))
        self.rows = []


def _tree_nodes(rows: list[dict]) -> list[dict]:
    """The record's Merkle tree nodes the events add, as `append_event` adds them one at a time: each leaf's
    left siblings are read once from the database for the first event, then come from the nodes made here."""
    known: dict[tuple[int, int], bytes] = {}
    nodes = []
    for row in rows:
        index = row["seq"] - 1
        missing = set(tree.parents_of_leaf(index)) - known.keys()
        if missing:
            known.update(store.nodes(missing))
        for level, node_index, value in tree.new_nodes(index, tree.leaf_hash(tree.entry_bytes(row["hash"])), known):
            known[(level, node_index)] = value
            nodes.append({"level": level, "idx": node_index, "hash": value})
    return nodes

"""The stored complete-subtree hashes of the record's Merkle tree.

`append_leaf` runs inside `append_event`, under the record's append lock and in the same
transaction, so the tree and the chain never disagree: one query reads the left siblings the new
leaf completes (at most log2 n of them), one insert adds the leaf and its new parents (on average
two rows per event).
"""
from sqlalchemy import and_, column, delete, func, insert, or_, select, table

from ...extensions import db
from ...models import RecordTreeNode
from .tree import build, entry_bytes, leaf_hash, new_nodes, parents_of_leaf


def append_leaf(index: int, leaf: bytes) -> None:
    siblings = nodes(set(parents_of_leaf(index)))
    rows = [{"level": level, "idx": node_index, "hash": value}
            for level, node_index, value in new_nodes(index, leaf, siblings)]
    db.session.execute(insert(RecordTreeNode), rows)


def nodes(wanted: set[tuple[int, int]], chunk: int = 5000) -> dict[tuple[int, int], bytes]:
    """The stored hashes of these (level, index) nodes: one query per `chunk` nodes (one for a proof,
    a few for the proofs of a whole export)."""
    found, ordered = {}, sorted(wanted)
    for at in range(0, len(ordered), chunk):
        by_level: dict[int, list[int]] = {}
        for level, index in ordered[at:at + chunk]:
            by_level.setdefault(level, []).append(index)
        # level = L AND idx IN (...) per level, not a row-value IN: SQLite scans the table for the latter.
        rows = db.session.execute(select(RecordTreeNode.level, RecordTreeNode.idx, RecordTreeNode.hash).where(
            or_(*(and_(RecordTreeNode.level == level, RecordTreeNode.idx.in_(indexes))
                  for level, indexes in by_level.items()))))
        found.update({(level, index): bytes(value) for level, index, value in rows})
    return found


def tree_size() -> int:
    """The number of leaves: one more than the highest leaf index."""
    last = db.session.scalar(select(func.max(RecordTreeNode.idx)).where(RecordTreeNode.level == 0))
    return 0 if last is None else last + 1


def rebuild(connection, batch: int = 10_000) -> int:
    """Build the whole tree from the record's events in seq order (the migration, and a restore of an
    older backup); returns the number of leaves. Streams the events and writes the nodes in batches."""

    events = table("record_events", column("seq"), column("hash"))
    nodes_table = RecordTreeNode.__table__
    connection.execute(delete(nodes_table))
    # yield_per on the statement, not the connection: on a connection it would stay set for later statements.
    rows = connection.execute(select(events.c.hash).order_by(events.c.seq).execution_options(yield_per=batch))
    leaves = (leaf_hash(entry_bytes(value)) for (value,) in rows)
    pending, count = [], 0
    for level, index, value in build(leaves):
        pending.append({"level": level, "idx": index, "hash": value})
        count += level == 0
        if len(pending) >= batch:
            connection.execute(insert(nodes_table), pending)
            pending = []
    if pending:
        connection.execute(insert(nodes_table), pending)
    return count

"""Append-only record events, chained with SHA-256, and the chain's verification.

Each entry hashes its canonical content together with the previous entry's hash. Appends are
serialized (an advisory lock on PostgreSQL, an immediate write transaction on SQLite, see
`sqlite_tuning`), and `seq` is unique, so the chain never forks under concurrent writes. Each append
also adds the event's leaf to the record's Merkle tree (`services/transparency`), under the same lock.
"""
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.exc import DataError

from ..extensions import db
from ..models import RecordEvent
from ..models._base import utcnow
from .transparency.store import append_leaf
from .transparency.tree import entry_bytes, leaf_hash

GENESIS = "0" * 64
_LOCK_KEY = 7_405_117  # arbitrary, constant: the advisory lock that serializes appends on PostgreSQL


def canonical_content(event: RecordEvent) -> bytes:
    body = {
        "seq": event.seq,
        "kind": event.kind,
        "working_group_id": event.working_group_id,
        "document_id": event.document_id,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "payload": event.payload,
        "public": event.public,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: RecordEvent) -> str:
    return hashlib.sha256(canonical_content(event)).hexdigest()


def append_event(kind: str, *, actor=None, subject=None, subject_type: str | None = None,
                 working_group_id: int | None = None, document_id: int | None = None,
                 payload: dict | None = None, public: bool = False) -> RecordEvent:
    """Append one event to the chain. Call after the change it records has been flushed."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    head = db.session.execute(
        select(RecordEvent.seq, RecordEvent.hash).order_by(RecordEvent.seq.desc()).limit(1)
    ).first()
    actor_known = actor is not None and getattr(actor, "is_authenticated", False)
    event = RecordEvent(
        seq=(head.seq + 1) if head else 1,
        kind=kind,
        working_group_id=working_group_id,
        document_id=document_id,
        subject_type=subject_type or (type(subject).__name__.lower() if subject is not None else "site"),
        subject_id=getattr(subject, "id", None),
        actor_id=actor.id if actor_known else None,
        actor_name=actor.name if actor_known else "",
        payload=payload or {},
        public=public,
        created_at=utcnow(),
        prev_hash=head.hash if head else GENESIS,
    )
    event.hash = compute_hash(event)
    db.session.add(event)
    db.session.flush()
    append_leaf(event.seq - 1, leaf_hash(entry_bytes(event.hash)))  # the Merkle tree, in the same transaction
    return event


PROBLEM_KINDS = ("altered", "out_of_place", "missing", "unreadable")  # see verify_chain
PROBLEMS_LISTED = 100  # a verification names at most this many bad entries (problem_count counts them all)


@dataclass
class Verification:
    ok: bool
    length: int
    head: str
    first_bad: int | None  # seq of the first entry that does not match
    problems: list[dict] = field(default_factory=list)  # {"seq", "problem"}, in chain order
    problem_count: int = 0

    def to_json(self) -> dict:
        return {"ok": self.ok, "length": self.length, "head": self.head, "first_bad": self.first_bad,
                "problems": self.problems, "problem_count": self.problem_count}


class _Findings:
    """The bad entries found so far, by number, in chain order."""

    def __init__(self):
        self.problems: list[dict] = []
        self.count = 0

    def add(self, seq: int, problem: str) -> None:
        self.count += 1
        if len(self.problems) < PROBLEMS_LISTED:
            self.problems.append({"seq": seq, "problem": problem})


def verify_chain(batch_size: int = 2000) -> Verification:
    """Recompute every hash in order and name each entry whose content, link or place is wrong.

    Problems, by entry number: `altered` (the content no longer matches its hash), `out_of_place` (it
    does not link to the entry before it: reordered or replaced), `missing` (a gap in `seq`: deleted), and
    `unreadable` (a value no column type can read back, such as a timestamp edited by hand). After a
    problem the walk goes on from the entry as stored, so every bad entry is named, not only the first."""
    findings, previous, expected_seq, after = _Findings(), GENESIS, 1, None
    while True:
        rows = _read_batch(after, batch_size)
        if not rows:
            break
        for row in rows:
            previous, expected_seq = _check_entry(row, previous, expected_seq, findings)
        after = (rows[-1].key_seq, rows[-1].key_id)
    first_bad = findings.problems[0]["seq"] if findings.problems else None
    if first_bad is None:
        return Verification(True, expected_seq - 1, previous, None)
    return Verification(False, _count(), head_hash(), first_bad, findings.problems, findings.count)


@dataclass
class _Entry:
    key_seq: object  # seq and id as stored, for the next batch (an unreadable seq is still a place)
    key_id: int
    hash: str  # as stored: the next entry links to it, whatever this one holds
    event: object | None  # the row with its values read, or None when a value could not be read


_UNREADABLE = (ValueError, TypeError, ArithmeticError, DataError)


def _read_batch(after: tuple | None, size: int) -> list[_Entry]:
    """The next entries in chain order, after the (seq, id) `after`. A batch that cannot be read whole (a
    value defeats its column's type or the driver) is read again one row at a time: only the rows that
    cannot be read are lost, and they keep their place."""
    table = RecordEvent.__table__
    following = (tuple_(table.c.seq, table.c.id) > tuple_(*after),) if after is not None else ()
    try:
        rows = db.session.execute(select(table).where(*following).order_by(table.c.seq, table.c.id).limit(size)).all()
        return [_Entry(row.seq, row.id, row.hash, row) for row in rows]
    except _UNREADABLE:
        pass
    keys = db.session.execute(select(table.c.seq, table.c.id, table.c.hash).where(*following)
                              .order_by(table.c.seq, table.c.id).limit(size)).all()
    return [_Entry(seq, row_id, stored_hash, _read_row(table, row_id)) for seq, row_id, stored_hash in keys]


def _read_row(table, row_id: int):
    try:
        return db.session.execute(select(table).where(table.c.id == row_id)).one()
    except _UNREADABLE:
        return None


def _check_entry(entry: _Entry, previous: str, expected_seq: int, findings: _Findings) -> tuple[str, int]:
    """Check one entry against the one before it; return the hash and number the next one must follow."""
    seq = entry.key_seq if isinstance(entry.key_seq, int) and not isinstance(entry.key_seq, bool) else None
    if seq is not None and seq > expected_seq:
        for missing in range(expected_seq, seq):
            findings.add(missing, "missing")
        expected_seq = seq
    elif seq is not None and seq < expected_seq:
        seq = None  # cannot happen with a unique seq read in order; a place it cannot hold is unreadable
    event = entry.event
    if event is None or seq is None:
        findings.add(expected_seq, "unreadable")
    else:
        try:
            matches = compute_hash(event) == entry.hash
        except _UNREADABLE + (AttributeError,):
            findings.add(expected_seq, "unreadable")
        else:
            if not matches:
                findings.add(expected_seq, "altered")
            elif event.prev_hash != previous and not _gap_before(findings, expected_seq):
                findings.add(expected_seq, "out_of_place")
    return entry.hash, expected_seq + 1


def _gap_before(findings: _Findings, seq: int) -> bool:
    """Whether the entry just before `seq` is missing (its link is then broken by that, not misplaced)."""
    return bool(findings.problems) and findings.problems[-1] == {"seq": seq - 1, "problem": "missing"}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(RecordEvent)) or 0


def head_hash() -> str:
    return db.session.scalar(select(RecordEvent.hash).order_by(RecordEvent.seq.desc()).limit(1)) or GENESIS

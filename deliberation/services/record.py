"""Append-only record events, chained with SHA-256, and the chain's verification.

Each entry hashes its canonical content together with the previous entry's hash. Appends are
serialized (an advisory lock on PostgreSQL, an immediate write transaction on SQLite, see
`sqlite_tuning`), and `seq` is unique, so the chain never forks under concurrent writes.
"""
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select, text

from ..extensions import db
from ..models import RecordEvent
from ..models._base import utcnow

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
    return event


@dataclass
class Verification:
    ok: bool
    length: int
    head: str
    first_bad: int | None  # seq of the first entry that does not match

    def to_json(self) -> dict:
        return {"ok": self.ok, "length": self.length, "head": self.head, "first_bad": self.first_bad}


def verify_chain(batch_size: int = 2000) -> Verification:
    """Recompute every hash in order and name the first entry whose content, link or place is wrong.

    A deleted entry shows as a gap in `seq` (the missing number is reported); an edited entry no
    longer matches its hash; a reordered or replaced entry breaks the link to its predecessor."""
    previous, expected_seq = GENESIS, 1
    while True:
        rows = db.session.execute(
            select(RecordEvent).where(RecordEvent.seq >= expected_seq).order_by(RecordEvent.seq).limit(batch_size)
        ).scalars().all()
        if not rows:
            return Verification(True, expected_seq - 1, previous, None)
        for event in rows:
            if event.seq != expected_seq or event.prev_hash != previous or compute_hash(event) != event.hash:
                return Verification(False, _count(), head_hash(), expected_seq)
            previous, expected_seq = event.hash, expected_seq + 1
        for event in rows:  # keep memory flat on long chains
            db.session.expunge(event)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(RecordEvent)) or 0


def head_hash() -> str:
    return db.session.scalar(select(RecordEvent.hash).order_by(RecordEvent.seq.desc()).limit(1)) or GENESIS

"""Record entries as the transparency API publishes them: each leaf's exact entry bytes, and the
event itself when it is public (a private event shows only its hash, which reveals nothing)."""
from sqlalchemy import select

from ...extensions import db
from ...models import RecordEvent
from ..errors import Invalid
from ..exports import event_json
from .tree import b64, entry_bytes

MAX_ENTRIES = 1000


def record_entries(start: int, end: int, size: int) -> list[dict]:
    """Entries [start, end) of a tree of `size` leaves, in one query."""
    if not 0 <= start <= end <= size:
        raise Invalid("'start' and 'end' must satisfy 0 <= start <= end <= %(size)s.", field="end", size=size)
    if end - start > MAX_ENTRIES:
        raise Invalid("At most %(count)s entries at a time.", field="end", count=MAX_ENTRIES)
    events = db.session.execute(select(RecordEvent).where(RecordEvent.seq > start, RecordEvent.seq <= end)
                                .order_by(RecordEvent.seq)).scalars()
    return [{"index": event.seq - 1, "leaf": b64(entry_bytes(event.hash)),
             "event": event_json(event) if event.public else None} for event in events]

"""The record's hash chain: editing, deleting or reordering an event row directly in the database makes
verification fail at that entry (command, API and service); parallel appends never fork the chain."""
import threading

import pytest
from sqlalchemy import func, select, text

from deliberation.extensions import db
from deliberation.models import RecordEvent, Version
from deliberation.services.record import append_event, compute_hash, verify_chain

from .test_versions import REVISED
from .version_helpers import api_token


def _seqs(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(RecordEvent.seq).order_by(RecordEvent.seq)))


def _execute(app, sql: str, **params) -> None:
    with app.app_context():
        db.session.execute(text(sql), params)
        db.session.commit()


def _edit(app, seq):
    _execute(app, "UPDATE record_events SET actor_name = 'Someone else' WHERE seq = :seq", seq=seq)


def _edit_payload(app, seq):
    _execute(app, "UPDATE record_events SET payload = :payload WHERE seq = :seq", seq=seq, payload='{"forged": true}')


def _delete(app, seq):
    _execute(app, "DELETE FROM record_events WHERE seq = :seq", seq=seq)


def _reorder(app, seq):
    """Swap the places of entries seq and seq + 1 (in three steps: seq is unique)."""
    _execute(app, "UPDATE record_events SET seq = -1 WHERE seq = :seq", seq=seq)
    _execute(app, "UPDATE record_events SET seq = :seq WHERE seq = :next", seq=seq, next=seq + 1)
    _execute(app, "UPDATE record_events SET seq = :next WHERE seq = -1", next=seq + 1)


def _backdate(app, seq):
    _execute(app, "UPDATE record_events SET created_at = :at WHERE seq = :seq", seq=seq, at="2020-01-01 00:00:00")


@pytest.mark.parametrize("tamper", [_edit, _edit_payload, _delete, _reorder, _backdate],
                         ids=["edit", "edit-payload", "delete", "reorder", "backdate"])
def test_tampering_is_found_at_that_entry(app, client, world, tamper):
    seqs = _seqs(app)
    target = seqs[len(seqs) // 2]
    before = client.get("/api/v1/record/verify").get_json()
    assert (before["ok"], before["length"], before["first_bad"]) == (True, len(seqs), None)
    tamper(app, target)
    answer = client.get("/api/v1/record/verify").get_json()
    assert answer["ok"] is False and answer["first_bad"] == target
    with app.app_context():
        assert verify_chain(batch_size=3).first_bad == target  # across batch boundaries too
    result = app.test_cli_runner().invoke(args=["verify-record"])
    assert result.exit_code == 1 and f"entry {target} does not match" in result.output


def test_rewriting_the_last_entry_changes_the_head(app, client, world):
    """Rehashing an edited last entry passes the chain's own check; the head an outsider noted exposes it."""
    noted = client.get("/api/v1/record/verify").get_json()["head"]
    with app.app_context():
        last = db.session.scalar(select(RecordEvent).order_by(RecordEvent.seq.desc()).limit(1))
        last.actor_name = "Someone else"
        last.hash = compute_hash(last)
        db.session.commit()
    answer = client.get("/api/v1/record/verify").get_json()
    assert answer["ok"] and answer["head"] != noted


def test_a_tampered_middle_entry_rehashed_breaks_the_next_link(app, client, world):
    seqs = _seqs(app)
    target = seqs[3]
    with app.app_context():
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.seq == target))
        event.payload = {"forged": True}
        event.hash = compute_hash(event)
        db.session.commit()
    assert client.get("/api/v1/record/verify").get_json()["first_bad"] == target + 1


def test_parallel_appends_never_fork(app, world):
    threads_count, each = 6, 15
    before = len(_seqs(app))
    failures: list[str] = []
    start = threading.Barrier(threads_count)

    def append_many(n):
        try:
            start.wait(timeout=30)
            for i in range(each):
                # a write request's transaction, as in production (BEGIN IMMEDIATE on SQLite)
                with app.test_request_context("/", method="POST"):
                    append_event("test.append", payload={"thread": n, "i": i})
                    db.session.commit()
                    db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below, a thread's exception would vanish
            failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=append_many, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    seqs = _seqs(app)
    assert seqs == list(range(1, before + threads_count * each + 1))
    with app.app_context():
        # a fork would be two entries linking to the same predecessor
        links = db.session.execute(select(RecordEvent.prev_hash, func.count()).group_by(RecordEvent.prev_hash)
                                   .having(func.count() > 1)).all()
        assert links == []
        assert verify_chain().ok


def test_parallel_publishes_make_distinct_versions(app, world):
    headers = [api_token(app, world.chair) for _ in range(4)]
    results: list[int] = []
    start = threading.Barrier(len(headers))

    def publish(h):
        start.wait(timeout=30)
        response = app.test_client().post(f"/api/v1/documents/{world.document.id}/versions", headers=h,
                                          json={"format": "markdown", "source": REVISED})
        results.append(response.status_code)

    threads = [threading.Thread(target=publish, args=(h,)) for h in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [201] * len(headers)
    with app.app_context():
        versions = list(db.session.scalars(select(Version).where(Version.document_id == world.document.id)
                                           .order_by(Version.number)))
        assert [v.number for v in versions] == list(range(1, len(headers) + 2))
        assert [v.status for v in versions] == ["superseded"] * len(headers) + ["open"]
        assert verify_chain().ok

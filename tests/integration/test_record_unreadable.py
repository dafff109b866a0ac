"""A record row holding a value the verifier cannot read (a timestamp or payload edited by hand) is reported
by number, as is every other altered, missing or misplaced entry; the verifier never crashes (command,
API and service)."""
import pytest

from deliberation.extensions import db
from deliberation.services.record import verify_chain

from .test_record_chain import _execute, _seqs


def _dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


# What a hand edit can leave that no column type reads back: per database, since PostgreSQL's types refuse
# most of it at the edit.
UNREADABLE = {
    "sqlite": {
        "time-not-a-time": "UPDATE record_events SET created_at = 'yesterday at noon' WHERE seq = :seq",
        "time-out-of-range": "UPDATE record_events SET created_at = '2026-13-45 25:61:00' WHERE seq = :seq",
        "payload-not-json": "UPDATE record_events SET payload = '{not json' WHERE seq = :seq",
    },
    "postgresql": {
        "time-infinity": "UPDATE record_events SET created_at = 'infinity' WHERE seq = :seq",
    },
}
CASES = sorted({name for cases in UNREADABLE.values() for name in cases})


@pytest.mark.parametrize("case", CASES)
def test_an_unreadable_entry_is_reported_by_number(app, client, world, case):
    edit = UNREADABLE.get(_dialect(app), {}).get(case)
    if edit is None:
        pytest.skip(f"{case}: the database's types refuse that edit")
    seqs = _seqs(app)
    target = seqs[len(seqs) // 2]
    _execute(app, edit, seq=target)

    answer = client.get("/api/v1/record/verify")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["ok"] is False and body["first_bad"] == target
    assert body["problems"] == [{"seq": target, "problem": "unreadable"}]
    assert body["length"] == len(seqs)
    with app.app_context():
        assert verify_chain(batch_size=3).problems == body["problems"]  # across batch boundaries too
    result = app.test_cli_runner().invoke(args=["verify-record"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"entry {target} does not match" in result.output
    assert f"entry {target}: unreadable" in result.output
    assert "Traceback" not in result.output


def test_every_bad_entry_is_named_not_only_the_first(app, client, world):
    seqs = _seqs(app)
    edited, unreadable, deleted = seqs[2], seqs[5], seqs[8]
    _execute(app, "UPDATE record_events SET actor_name = 'Someone else' WHERE seq = :seq", seq=edited)
    if _dialect(app) == "sqlite":
        _execute(app, UNREADABLE["sqlite"]["time-not-a-time"], seq=unreadable)
    else:
        _execute(app, UNREADABLE["postgresql"]["time-infinity"], seq=unreadable)
    _execute(app, "DELETE FROM record_events WHERE seq = :seq", seq=deleted)

    body = client.get("/api/v1/record/verify").get_json()
    assert body["ok"] is False and body["first_bad"] == edited
    assert body["problems"] == [{"seq": edited, "problem": "altered"}, {"seq": unreadable, "problem": "unreadable"},
                                {"seq": deleted, "problem": "missing"}]
    result = app.test_cli_runner().invoke(args=["verify-record"])
    assert result.exit_code == 1
    for line in (f"entry {edited}: altered", f"entry {unreadable}: unreadable", f"entry {deleted}: missing"):
        assert line in result.output


def test_a_verified_record_lists_no_problems(app, client, world):
    body = client.get("/api/v1/record/verify").get_json()
    assert body["ok"] is True and body["problems"] == [] and body["first_bad"] is None

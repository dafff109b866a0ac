"""The record's transparency log: the tree built with each event, the proofs and checkpoint served by
the API and checked by the stand-alone verifier, bad input refused, and a rewritten or truncated
history caught against a checkpoint kept earlier."""
import base64
import json

import pytest
from sqlalchemy import delete, select

from deliberation.extensions import db
from deliberation.models import RecordEvent, RecordTreeNode
from deliberation.services.record import GENESIS, append_event, compute_hash, verify_chain
from deliberation.services.transparency import store, verify_record as v
from deliberation.services.transparency.tree import entry_bytes, leaf_hash

from ..conftest import count_queries
from ..unit.test_transparency_tree import mth

API = "/api/v1/record"


def _b(value: str) -> bytes:
    return base64.b64decode(value)


def add_events(app, count: int) -> None:
    with app.app_context():
        for number in range(count):
            append_event("test.event", payload={"n": number}, public=number % 3 != 0)
        db.session.commit()


def leaves(app) -> list[bytes]:
    with app.app_context():
        return [leaf_hash(entry_bytes(h)) for h in db.session.scalars(select(RecordEvent.hash).order_by(RecordEvent.seq))]


def rewrite_history(app, seq: int = 2) -> None:
    """What an intruder with the database does: change an event, recompute the chain after it and the tree."""
    with app.app_context():
        previous = GENESIS
        for event in db.session.scalars(select(RecordEvent).order_by(RecordEvent.seq)):
            if event.seq == seq:
                event.payload = {**event.payload, "rewritten": True}
            event.prev_hash = previous
            event.hash = previous = compute_hash(event)
        db.session.flush()
        store.rebuild(db.session.connection())
        db.session.commit()
        assert verify_chain().ok  # the chain alone cannot tell


def truncate_history(app, keep: int) -> None:
    with app.app_context():
        db.session.execute(delete(RecordEvent).where(RecordEvent.seq > keep))
        store.rebuild(db.session.connection())
        db.session.commit()


def test_every_append_extends_the_tree_to_the_rfc_root(app, client):
    for total in (1, 2, 5, 8, 13):
        add_events(app, total - len(leaves(app)))
        expected = leaves(app)
        for size in range(total + 1):
            for index in range(size):
                proof = client.get(f"{API}/proof/inclusion?index={index}&size={size}").get_json()
                assert _b(proof["root"]) == mth(expected[:size])
                assert v.verify_inclusion(index, size, expected[index], [_b(h) for h in proof["proof"]], _b(proof["root"]))
            proof = client.get(f"{API}/proof/consistency?from={size}&to={total}").get_json()
            assert v.verify_consistency(size, total, mth(expected[:size]), mth(expected), [_b(h) for h in proof["proof"]])


def test_checkpoint_is_a_signed_note_with_the_published_key(app, client):
    add_events(app, 6)
    text = client.get(f"{API}/checkpoint").get_data(as_text=True)
    key = client.get(f"{API}/key").get_json()
    note = v.Checkpoint(text)
    note.verify(key["verifier_key"])
    assert note.origin == "localhost/record" and note.size == 6 and note.root == mth(leaves(app))
    assert text.split("\n")[3].startswith("time ") and "\n\n\u2014 localhost/record " in text
    assert base64.b64decode(key["public_key"]) == v.parse_verifier_key(key["verifier_key"])[2]
    tampered = text.replace("\n6\n", "\n5\n")
    with pytest.raises(v.VerificationError, match="does not verify"):
        v.Checkpoint(tampered).verify(key["verifier_key"])
    other = "localhost/record+00000000+" + base64.b64encode(b"\x01" + b"k" * 32).decode()
    with pytest.raises(v.VerificationError, match="ID does not match"):
        note.verify(other)
    with pytest.raises(v.VerificationError, match="not a signed note"):
        v.Checkpoint("localhost/record\n6\n")


def test_entries_give_leaf_bytes_and_only_public_events(app, client):
    add_events(app, 4)
    entries = client.get(f"{API}/entries?start=0&end=4").get_json()["entries"]
    assert [e["index"] for e in entries] == [0, 1, 2, 3]
    assert [leaf_hash(_b(e["leaf"])) for e in entries] == leaves(app)
    assert entries[0]["event"] is None and entries[1]["event"]["payload"] == {"n": 1}
    assert _b(entries[1]["leaf"]).hex() == v.event_hash(entries[1]["event"])


@pytest.mark.parametrize("query", [
    "proof/inclusion?index=3&size=9", "proof/inclusion?index=3&size=3", "proof/inclusion?index=-1&size=3",
    "proof/inclusion?index=a&size=3", "proof/inclusion?size=3", "proof/inclusion?index=0&size=99999999999999999999",
    "proof/consistency?from=4&to=2", "proof/consistency?from=1&to=9", "proof/consistency?from=1.5&to=2",
    "entries?start=3&end=1", "entries?start=0&end=9", "entries?start=0",
])
def test_bad_sizes_and_ranges_are_refused_with_the_json_error_shape(app, client, query):
    add_events(app, 5)
    response = client.get(f"{API}/{query}")
    assert response.status_code == 400
    assert set(response.get_json()["error"]) >= {"code", "message"}


def test_a_proof_takes_two_queries_whatever_the_size(app, client):
    add_events(app, 40)
    for url in (f"{API}/proof/inclusion?index=17&size=39", f"{API}/proof/consistency?from=13&to=40"):
        with count_queries(app) as counter:
            assert client.get(url).status_code == 200
        assert len(counter.statements) <= 2, counter.statements


def test_export_verifies_offline_and_catches_a_rewrite_and_a_truncation(app, client, world, tmp_path):
    add_events(app, 3)
    url = f"/api/v1/documents/{world.document.id}/record.json"
    kept = client.get(f"{API}/checkpoint").get_data(as_text=True)
    size = v.Checkpoint(kept).size
    add_events(app, 4)
    export = client.get(f"{url}?since={size}").get_json()
    assert export["events"] and v.verify_export(export, kept)[-1].startswith("The record extends")
    assert v.main([_write(tmp_path / "ok.json", export), "--checkpoint", _write(tmp_path / "old.txt", kept)]) == 0

    rewrite_history(app, seq=2)
    rewritten = client.get(f"{url}?since={size}").get_json()
    v.verify_export(rewritten)  # alone, a rewritten record still looks fine...
    with pytest.raises(v.VerificationError, match="history was rewritten"):
        v.verify_export(rewritten, kept)  # ...but not against what a reader kept
    assert v.main([_write(tmp_path / "bad.json", rewritten), "--checkpoint", str(tmp_path / "old.txt")]) == 1

    truncate_history(app, keep=size - 1)
    truncated = client.get(url).get_json()
    with pytest.raises(v.VerificationError, match="shrank"):
        v.verify_export(truncated, kept)


def test_a_tampered_export_is_refused(app, client, world):
    export = client.get(f"/api/v1/documents/{world.document.id}/record.json").get_json()
    export["events"][0]["payload"] = {"forged": True}
    with pytest.raises(v.VerificationError, match="do not hash"):
        v.verify_export(export)


def test_rebuild_gives_the_nodes_the_appends_wrote(app):
    add_events(app, 21)
    with app.app_context():
        appended = {(n.level, n.idx): n.hash for n in db.session.scalars(select(RecordTreeNode))}
        assert store.rebuild(db.session.connection()) == 21
        assert {(n.level, n.idx): n.hash for n in db.session.scalars(select(RecordTreeNode))} == appended


def _write(path, content) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def _client_fetch(client):
    def fetch(url: str) -> str:
        response = client.get(url.replace("http://localhost", ""))
        assert response.status_code == 200, response.data
        return response.get_data(as_text=True)
    return fetch


def test_witness_keeps_checkpoints_and_catches_a_rewrite_and_a_truncation(app, client, tmp_path):
    from deliberation.services.transparency.witness import witness

    fetch = _client_fetch(client)
    add_events(app, 5)
    assert witness("http://localhost", tmp_path, fetch).startswith("First checkpoint")
    add_events(app, 3)
    assert witness("http://localhost", tmp_path, fetch).startswith("The record extends")
    rewrite_history(app, seq=4)
    add_events(app, 1)
    with pytest.raises(v.VerificationError, match="history was rewritten"):
        witness("http://localhost", tmp_path, fetch)
    truncate_history(app, keep=6)
    with pytest.raises(v.VerificationError, match="shrank"):
        witness("http://localhost", tmp_path, fetch)


def test_cli_verify_export_and_witness(app, client, world, tmp_path):
    runner = app.test_cli_runner()
    kept = _write(tmp_path / "old.txt", client.get(f"{API}/checkpoint").get_data(as_text=True))
    add_events(app, 2)
    size = v.Checkpoint((tmp_path / "old.txt").read_text()).size
    export = _write(tmp_path / "r.json", client.get(f"/api/v1/documents/{world.document.id}/record.json?since={size}").get_json())
    result = runner.invoke(args=["verify-export", export, "--checkpoint", kept])
    assert result.exit_code == 0 and "extends the checkpoint you kept" in result.output
    rewrite_history(app, seq=1)
    export = _write(tmp_path / "r.json", client.get(f"/api/v1/documents/{world.document.id}/record.json?since={size}").get_json())
    result = runner.invoke(args=["verify-export", export, "--checkpoint", kept])
    assert result.exit_code == 1 and "history was rewritten" in result.output
    result = runner.invoke(args=["witness", "http://127.0.0.1:9"])
    assert result.exit_code == 1 and "unreachable" in result.output

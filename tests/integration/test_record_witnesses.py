"""Witnesses of the record: a witness cosigns the checkpoints it found consistent and reports them; the
site keeps the reports of the witnesses its operator trusts (RECORD_WITNESSES) and its record page and
API say whether the record still agrees with what each one saw, after a rewrite and a truncation too."""
import base64
import json
import struct

import pytest

from deliberation.config import check_witnesses
from deliberation.services.transparency import verify_record as v
from deliberation.services.transparency.cosignature import (
    WitnessKey, load_or_create_key, parse_witness_key, verify_cosignature,
)
from deliberation.services.transparency.witness import witness
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..conftest import count_queries
from .test_transparency import _client_fetch, add_events, rewrite_history, truncate_history

API = "/api/v1/record"


def _client_post(client):
    def post(url: str, text: str) -> str:
        response = client.post(url.replace("http://localhost", ""), data=text.encode(),
                               content_type="text/plain; charset=utf-8")
        if response.status_code != 200:
            raise ValueError(f"The site refused the report ({response.status_code}): "
                             f"{response.get_json()['error']['message']}")
        return response.get_data(as_text=True)
    return post


def _witness(client, folder, name="observer.example"):
    return witness("http://localhost", folder, _client_fetch(client), report=True, name=name, post=_client_post(client))


def _trust(app, *keys: str) -> None:
    app.config["RECORD_WITNESSES"] = list(keys)


def _statuses(client) -> dict:
    return {w["witness"]: w for w in client.get(f"{API}/witnesses").get_json()["witnesses"]}


def _cosigned(client, key: WitnessKey, timestamp: int) -> str:
    checkpoint = v.Checkpoint(client.get(f"{API}/checkpoint").get_data(as_text=True))
    return checkpoint.text + key.cosign(checkpoint.body, timestamp) + "\n"


def _key(name="observer.example") -> WitnessKey:
    return WitnessKey(name, Ed25519PrivateKey.generate())


def test_cosignatures_follow_c2sp_and_verify_only_with_the_witness_key():
    key = _key()
    trusted = parse_witness_key(key.verifier_key)
    body = "example.org/record\n5\n" + base64.b64encode(bytes(32)).decode() + "\ntime -\n"
    line = key.cosign(body, 1_700_000_000)
    blob = base64.b64decode(line.rsplit(" ", 1)[1])
    assert line.startswith("\u2014 observer.example ") and len(blob) == 76
    assert struct.unpack(">Q", blob[4:12]) == (1_700_000_000,)
    assert verify_cosignature(body, line, trusted) == 1_700_000_000
    assert verify_cosignature(body, line, parse_witness_key(_key("other.example").verifier_key)) is None
    with pytest.raises(v.VerificationError, match="does not verify"):
        verify_cosignature(body.replace("\n5\n", "\n6\n"), line, trusted)
    for bad in ("observer.example+zz+abc", key.verifier_key.replace("+", "+0", 1)[:-4] + "AAAA",
                key.verifier_key.split("+")[0] + "+00000000+" + key.verifier_key.split("+", 2)[2]):
        with pytest.raises(v.VerificationError):
            parse_witness_key(bad)


def test_a_trusted_witness_is_listed_and_catches_a_rewrite_and_a_truncation(app, client, world, tmp_path):
    record_page = f"/documents/{world.document.id}/record"
    add_events(app, 5)
    assert "Witnesses" not in client.get(record_page).get_data(as_text=True)  # none configured: no section
    with pytest.raises(ValueError, match="no cosignature by a witness this site trusts"):
        _witness(client, tmp_path)  # its key is made and shown, but the site does not trust it yet
    key, _ = load_or_create_key(tmp_path, None)
    _trust(app, key.verifier_key)
    page = client.get(record_page).get_data(as_text=True)
    assert "observer.example" in page and "No report yet" in page
    assert _statuses(client)["observer.example"]["status"] == "none"

    add_events(app, 3)
    said = _witness(client, tmp_path)
    assert "The record extends" in said and "it agrees with what you saw" in said
    size = v.Checkpoint(client.get(f"{API}/checkpoint").get_data(as_text=True)).size
    status = _statuses(client)["observer.example"]
    assert status["status"] == "agrees" and status["view"]["size"] == size
    note = status["view"]["note"]  # the stored statement checks out with the witness's key alone
    checkpoint = v.Checkpoint(note)
    assert verify_cosignature(checkpoint.body, checkpoint.signatures[-1], parse_witness_key(key.verifier_key))
    page = client.get(record_page).get_data(as_text=True)
    assert "Agrees with what this witness saw" in page and f"{size} events, checked" in page

    rewrite_history(app, seq=4)  # chain and tree recomputed: only the witness's view tells
    assert _statuses(client)["observer.example"]["status"] == "differs"
    assert "ALARM: differs from what this witness saw" in client.get(record_page).get_data(as_text=True)
    with pytest.raises(v.VerificationError, match="history was rewritten"):
        _witness(client, tmp_path)  # and the witness itself refuses to cosign the new tree
    truncate_history(app, keep=6)
    assert _statuses(client)["observer.example"]["status"] == "shrank"
    assert "ALARM: has fewer events than this witness saw" in client.get(record_page).get_data(as_text=True)


def test_reports_that_are_not_what_they_claim_are_refused(app, client, tmp_path):
    add_events(app, 3)
    key = _key()
    _trust(app, key.verifier_key)

    def report(text: str | bytes):
        return client.post(f"{API}/witnesses", data=text if isinstance(text, bytes) else text.encode(),
                           content_type="text/plain")

    good = _cosigned(client, key, 1_700_000_000)
    forged_site = good.replace(good.split("\n")[2], base64.b64encode(b"\x01" * 32).decode())
    tampered = good[:-10] + ("A" if good[-10] != "A" else "B") + good[-9:]
    stranger = _cosigned(client, _key("stranger.example"), 1_700_000_000)
    future = _cosigned(client, key, 4_000_000_000)
    for body, status, code in ((b"", 400, "not_this_record"), (b"\xff\xfe", 400, "invalid"),
                               ("x" * 9000, 400, "invalid"), (forged_site, 400, "not_this_record"),
                               (tampered, 400, "bad_cosignature"), (stranger, 403, "unknown_witness"),
                               (future, 400, "bad_cosignature")):
        response = report(body)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body[:40]
    assert _statuses(client)["observer.example"]["view"] is None  # nothing of them was kept

    assert report(good).get_json()["accepted"] == [{"witness": "observer.example", "size": 3, "stored": True,
                                                    "agrees": True}]
    add_events(app, 2)
    older = _cosigned(client, key, 1_600_000_000)  # a replayed or late statement does not replace a newer one
    assert report(older).get_json()["accepted"][0]["stored"] is False
    assert _statuses(client)["observer.example"]["view"]["size"] == 3


def test_the_public_cache_shows_a_new_report(app, client, world):
    app.config["PUBLIC_CACHE"] = True
    try:
        add_events(app, 2)
        key = _key()
        _trust(app, key.verifier_key)
        url = f"/documents/{world.document.id}/record"
        before = client.get(url)
        assert client.get(url).headers.get("X-Cache") == "hit" and b"No report yet" in before.data
        assert client.post(f"{API}/witnesses", data=_cosigned(client, key, 1_700_000_000).encode(),
                           content_type="text/plain").status_code == 200
        after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and b"Agrees with what this witness saw" in after.data
    finally:
        app.extensions["public_cache"].clear()


def test_listing_witnesses_takes_the_same_queries_for_one_and_for_five(app, client):
    add_events(app, 40)
    keys = [_key(f"w{n}.example") for n in range(5)]
    for trusted in (keys[:1], keys):
        _trust(app, *(k.verifier_key for k in trusted))
        for number, key in enumerate(trusted):
            client.post(f"{API}/witnesses", data=_cosigned(client, key, 1_700_000_000 + number).encode(),
                        content_type="text/plain")
            add_events(app, 1)
        with count_queries(app) as counted:
            assert len(client.get(f"{API}/witnesses").get_json()["witnesses"]) == len(trusted)
        if trusted is keys:
            assert counted.count == first
        first = counted.count


def test_a_malformed_trusted_key_stops_the_start(app):
    app.config["RECORD_WITNESSES"] = ["observer.example+00000000+AAAA"]
    with pytest.raises(RuntimeError, match="RECORD_WITNESSES: 'observer.example"):
        check_witnesses(app)


def test_cli_witness_key_and_report(app, client, tmp_path):
    runner = app.test_cli_runner()
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["witness-key"])
    assert result.exit_code == 1 and "--name" in result.output
    result = runner.invoke(args=["witness-key", "--name", "observer.example"])
    assert result.exit_code == 0
    parse_witness_key(result.output.strip())
    assert runner.invoke(args=["witness-key"]).output == result.output  # the same key, kept
    assert json.loads((tmp_path / "witness" / "key.json").read_text())["name"] == "observer.example"
    assert oct((tmp_path / "witness" / "key.json").stat().st_mode & 0o777) == "0o600"


def test_the_record_page_shows_the_public_key_itself(app, client, world):
    key = client.get(f"{API}/key").get_json()["verifier_key"]
    page = client.get(f"/documents/{world.document.id}/record").get_data(as_text=True)
    assert f"<code data-record-verifier-key>{key}</code>" in page

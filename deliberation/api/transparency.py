"""API: the record's transparency log. The signed checkpoint, the public key, entries, and RFC 9162
inclusion and consistency proofs (hashes in base64, entries indexed from 0 in record order)."""
import re
from pathlib import Path

from flask import Response, jsonify, request, send_file

from ..services.errors import Invalid
from ..services.transparency import verify_record
from ..services.transparency.checkpoint import signed_checkpoint, signing_key
from ..services.transparency.entries import record_entries
from ..services.transparency.proofs import current_tree
from ..services.transparency.tree import b64
from ..services.transparency.witnesses import MAX_REPORT_BYTES, receive_report, witness_views
from . import bp
from .openapi import BOOL, INT, STR, describe, errors, json_response, obj

_COUNT = re.compile(r"\d{1,18}")  # beyond 18 digits a number is surely out of range; refuse it early


def count_arg(name: str) -> int:
    value = request.args.get(name, "")
    if not _COUNT.fullmatch(value):
        raise Invalid("'%(name)s' must be a whole number, 0 or more.", field=name, name=name)
    return int(value)


@bp.get("/record/checkpoint")
def record_checkpoint():
    return Response(signed_checkpoint(current_tree()), mimetype="text/plain",
                    headers={"Cache-Control": "no-cache"})


@bp.get("/record/key")
def record_key():
    key = signing_key()
    return jsonify({"name": key.name, "algorithm": "Ed25519", "verifier_key": key.verifier_key,
                    "public_key": b64(key.public)})


@bp.get("/record/entries")
def record_entries_json():
    start, end = count_arg("start"), count_arg("end")
    return jsonify({"entries": record_entries(start, end, current_tree().size)})


@bp.get("/record/proof/inclusion")
def record_inclusion_proof():
    index, size = count_arg("index"), count_arg("size")
    root, proof = current_tree().inclusion(index, size)
    return jsonify({"index": index, "size": size, "root": b64(root), "proof": [b64(h) for h in proof]})


@bp.get("/record/proof/consistency")
def record_consistency_proof():
    first, second = count_arg("from"), count_arg("to")
    proof = current_tree().consistency(first, second)
    return jsonify({"from": first, "to": second, "proof": [b64(h) for h in proof]})


@bp.get("/record/witnesses")
def record_witnesses():
    return jsonify({"witnesses": witness_views()})


@bp.post("/record/witnesses")
def report_witness_view():
    """A witness's report: one of this site's checkpoints with the witness's cosignature line appended."""
    if (request.content_length or 0) > MAX_REPORT_BYTES:
        raise Invalid("A witness report is at most %(limit)s bytes.", field="body", limit=MAX_REPORT_BYTES)
    note = request.get_data(cache=False)[:MAX_REPORT_BYTES + 1]
    if len(note) > MAX_REPORT_BYTES:
        raise Invalid("A witness report is at most %(limit)s bytes.", field="body", limit=MAX_REPORT_BYTES)
    try:
        text = note.decode()
    except UnicodeDecodeError:
        raise Invalid("A witness report is UTF-8 text.", field="body") from None
    return jsonify({"accepted": receive_report(text)})


@bp.get("/record/verify_record.py")
def record_verifier_script():
    return send_file(Path(verify_record.__file__), mimetype="text/x-python", as_attachment=True,
                     download_name="verify_record.py")


def _query(*names: str, minimums: dict | None = None) -> list[dict]:
    return [{"name": name, "in": "query", "required": True,
             "schema": {"type": "integer", "minimum": (minimums or {}).get(name, 0)}} for name in names]


_HASHES = {"type": "array", "items": STR, "description": "base64 SHA-256 hashes"}
_WITNESS = obj({"witness": STR, "verifier_key": STR, "status": {"type": "string", "enum": ["agrees", "differs", "shrank", "none"]},
                "view": {"type": ["object", "null"], "required": ["size", "root", "cosigned_at", "received_at", "note"],
                         "properties": {"size": INT, "root": STR, "cosigned_at": STR, "received_at": STR, "note": STR}}},
               ["witness", "verifier_key", "status", "view"])
describe({
    "/record/checkpoint": {"get": {
        "summary": "The record's latest checkpoint: a C2SP signed note (origin, tree size, base64 root hash, "
                   "time of the newest event, blank line, Ed25519 signature line)",
        "operationId": "getRecordCheckpoint",
        "responses": {"200": {"description": "OK", "content": {"text/plain": {"schema": STR}}}}}},
    "/record/key": {"get": {
        "summary": "The public key that signs checkpoints: the note verifier key string and the raw key (base64)",
        "operationId": "getRecordKey",
        "responses": {"200": json_response(obj({"name": STR, "algorithm": STR, "verifier_key": STR,
                                                "public_key": STR}, ["name", "verifier_key", "public_key"]))}}},
    "/record/entries": {"get": {
        "summary": "Entries [start, end) of the record's tree (at most 1000): each leaf's entry bytes (the "
                   "event's chain hash, base64) and the event when it is public (null otherwise)",
        "operationId": "getRecordEntries", "parameters": _query("start", "end"),
        "responses": {"200": json_response(obj({"entries": {"type": "array", "items": obj(
            {"index": INT, "leaf": STR, "event": {"type": ["object", "null"]}}, ["index", "leaf", "event"])}},
            ["entries"])), **errors(400)}}},
    "/record/proof/inclusion": {"get": {
        "summary": "RFC 9162 inclusion proof of entry `index` in the tree of `size` entries, with that tree's root",
        "operationId": "getRecordInclusionProof",
        "parameters": _query("index", "size", minimums={"size": 1}),  # no entry is in an empty tree
        "responses": {"200": json_response(obj({"index": INT, "size": INT, "root": STR, "proof": _HASHES},
                                               ["index", "size", "root", "proof"])), **errors(400)}}},
    "/record/proof/consistency": {"get": {
        "summary": "RFC 9162 consistency proof that the tree of `to` entries extends the tree of `from` entries",
        "operationId": "getRecordConsistencyProof", "parameters": _query("from", "to"),
        "responses": {"200": json_response(obj({"from": INT, "to": INT, "proof": _HASHES},
                                               ["from", "to", "proof"])), **errors(400)}}},
    "/record/witnesses": {
        "get": {
            "summary": "The witnesses this site trusts (RECORD_WITNESSES), each with the latest checkpoint it "
                       "reported having checked, and whether the record still agrees: `agrees`, `differs` "
                       "(history rewritten), `shrank` (events removed) or `none` (no report yet)",
            "operationId": "listRecordWitnesses",
            "responses": {"200": json_response(obj({"witnesses": {"type": "array", "items": _WITNESS}},
                                                   ["witnesses"]))}},
        "post": {
            "summary": "A witness reports the checkpoint it checked: the checkpoint note as served by "
                       "/record/checkpoint with the witness's c2sp.org/tlog-cosignature line appended. "
                       "No token: the cosignature by a trusted witness's key is the authentication",
            "operationId": "reportRecordWitnessView", "security": [],
            "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string",
                                                                                  "maxLength": MAX_REPORT_BYTES}}}},
            "responses": {"200": json_response(obj({"accepted": {"type": "array", "items": obj(
                {"witness": STR, "size": INT, "stored": BOOL, "agrees": BOOL},
                ["witness", "size", "stored", "agrees"])}}, ["accepted"])), **errors(400, 403)}}},
    "/record/verify_record.py": {"get": {
        "summary": "The stand-alone verifier (Python standard library + cryptography) for record exports",
        "operationId": "getRecordVerifier",
        "responses": {"200": {"description": "OK", "content": {"text/x-python": {"schema": STR}}}}}},
})

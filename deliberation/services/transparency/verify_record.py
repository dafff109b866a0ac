#!/usr/bin/env python3
"""Check a deliberation record without trusting the server that published it.

    python3 verify_record.py RECORD.json [--checkpoint OLD_CHECKPOINT.txt] [--key VERIFIER_KEY]

RECORD.json is a document's record export (/api/v1/documents/<id>/record.json). The script checks,
with nothing but Python's standard library and the `cryptography` package (for Ed25519):
1. the export's checkpoint is a well-formed C2SP signed note whose Ed25519 signature verifies, with
   the key given by --key (the key you trust, as published at /api/v1/record/key) or else the key
   the export names;
2. each event's fields hash to its chain hash, and the event is in the signed tree (an RFC 9162
   inclusion proof);
3. with --checkpoint, the export's tree extends the tree of a checkpoint you kept earlier (an RFC
   9162 consistency proof): history was not rewritten or cut since.
It prints what it checked and exits 0, or prints the first problem and exits 1.

Written from RFC 9162 (§2.1.3.2, §2.1.4.2) and c2sp.org/signed-note and tlog-checkpoint, separately
from the server's code that builds the tree, so that the two can check each other.
"""
import argparse
import base64
import binascii
import hashlib
import json
import sys

ED25519 = 1
DASH = "\u2014 "


class VerificationError(Exception):
    """A check failed; the message says which and why."""


def hash_leaf(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise VerificationError(f"{what} is not valid base64.") from None


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` show the leaf hash at `index` in the tree of `size` with `root`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = hash_children(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: does `proof` show the tree of `second` leaves extends the one of `first`?"""
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof  # every tree extends the empty one
    if first > second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is itself a subtree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = hash_children(c, fr), hash_children(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = hash_children(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


class Checkpoint:
    """A parsed C2SP checkpoint: origin, tree size, root hash; `verify` checks its signature."""

    def __init__(self, text: str):
        self.text = text
        body, separator, signatures = text.partition("\n\n")
        lines = body.split("\n")
        if not separator or len(lines) < 3 or not text.endswith("\n"):
            raise VerificationError("The checkpoint is not a signed note (origin, size, root hash, blank "
                                    "line, signature).")
        self.body = body + "\n"
        self.origin = lines[0]
        if not lines[1].isdigit() or (lines[1] != "0" and lines[1].startswith("0")):
            raise VerificationError("The checkpoint's tree size is not a number.")
        self.size = int(lines[1])
        self.root = _b64(lines[2], "The checkpoint's root hash")
        if len(self.root) != 32:
            raise VerificationError("The checkpoint's root hash is not 32 bytes.")
        self.signatures = [line for line in signatures.split("\n") if line]

    def verify(self, verifier_key: str) -> None:
        """Raise unless a signature line by this key verifies over the note."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        name, key_id, public = parse_verifier_key(verifier_key)
        if name != self.origin:
            raise VerificationError(f"The checkpoint is from '{self.origin}', and the key is for '{name}'.")
        for line in self.signatures:
            if not line.startswith(DASH):
                raise VerificationError("A signature line of the checkpoint is malformed.")
            signer, _, encoded = line[len(DASH):].rpartition(" ")
            blob = _b64(encoded, "A checkpoint signature")
            if signer != name or blob[:4] != key_id:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], self.body.encode())
                return
            except InvalidSignature:
                raise VerificationError("The checkpoint's signature does not verify: it was not signed by "
                                        "this key, or it was altered.") from None
        raise VerificationError("The checkpoint carries no signature by this key.")


def parse_verifier_key(text: str) -> tuple[str, bytes, bytes]:
    """name+keyid+base64(0x01 || key) -> (name, key ID, raw Ed25519 public key); checks the key ID."""
    parts = text.strip().split("+", 2)  # the base64 key may itself contain "+"
    if len(parts) != 3 or len(parts[1]) != 8:
        raise VerificationError("The verifier key is malformed (expected name+keyid+key).")
    name, key_id, data = parts[0], bytes.fromhex(parts[1]), _b64(parts[2], "The verifier key")
    if len(data) != 33 or data[0] != ED25519:
        raise VerificationError("The verifier key is not an Ed25519 key.")
    if hashlib.sha256(name.encode() + b"\n" + data).digest()[:4] != key_id:
        raise VerificationError("The verifier key's ID does not match its name and key.")
    return name, key_id, data[1:]


def event_hash(event: dict) -> str:
    """The chain hash of an exported event: SHA-256 of its fields as canonical JSON (without `hash`)."""
    body = {key: value for key, value in event.items() if key != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


def _hashes(values, what: str) -> list[bytes]:
    if not isinstance(values, list):
        raise VerificationError(f"{what} is not a list of hashes.")
    return [_b64(value, what) for value in values]


def verify_export(export: dict, old_checkpoint: str | None = None, verifier_key: str | None = None) -> list[str]:
    """Every check of the module docstring on a parsed export; the lines of what was checked."""
    proofs = export.get("transparency") if isinstance(export, dict) else None
    if not isinstance(proofs, dict):
        raise VerificationError("The export carries no checkpoint and proofs ('transparency').")
    checkpoint = Checkpoint(str(proofs.get("checkpoint", "")))
    checkpoint.verify(verifier_key or str(proofs.get("key", "")))
    done = [f"Checkpoint signed by {checkpoint.origin}: {checkpoint.size} events, root "
            f"{base64.b64encode(checkpoint.root).decode()}."]
    inclusion = proofs.get("inclusion") or {}
    for event in export.get("events") or []:
        if event_hash(event) != event.get("hash"):
            raise VerificationError(f"Event {event.get('seq')}'s fields do not hash to its recorded hash.")
        proof = inclusion.get(str(event["seq"]))
        leaf = hash_leaf(bytes.fromhex(event["hash"]))
        if proof is None or not verify_inclusion(event["seq"] - 1, checkpoint.size, leaf,
                                                 _hashes(proof, "An inclusion proof"), checkpoint.root):
            raise VerificationError(f"Event {event['seq']} is not in the signed tree.")
    done.append(f"{len(export.get('events') or [])} events hash correctly and are included in the signed tree.")
    if old_checkpoint is not None:
        done.append(check_consistency(Checkpoint(old_checkpoint), checkpoint, verifier_key or proofs.get("key", ""),
                                      proofs.get("consistency")))
    return done


def check_consistency(old: "Checkpoint", new: "Checkpoint", verifier_key: str, proof) -> str:
    """Raise unless `new` extends `old` (same log, signed, proof of consistency from old.size)."""
    old.verify(verifier_key)
    if new.size < old.size:
        raise VerificationError(f"The record shrank: it had {old.size} events and now has {new.size}.")
    if not isinstance(proof, dict) or proof.get("from") != old.size:
        raise VerificationError(f"No consistency proof from size {old.size} was given.")
    if not verify_consistency(old.size, new.size, old.root, new.root, _hashes(proof.get("proof"), "A consistency proof")):
        raise VerificationError(f"The record of {new.size} events does not extend the one of {old.size} events "
                                "you kept: history was rewritten.")
    return f"The record extends the checkpoint you kept ({old.size} events)."


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="the record export (JSON)")
    parser.add_argument("--checkpoint", help="a checkpoint you kept earlier (text file)")
    parser.add_argument("--key", help="the verifier key you trust (name+keyid+key)")
    arguments = parser.parse_args(argv)
    try:
        with open(arguments.export, encoding="utf-8") as handle:
            export = json.load(handle)
        old = None
        if arguments.checkpoint:
            with open(arguments.checkpoint, encoding="utf-8") as handle:
                old = handle.read()
        for line in verify_export(export, old, arguments.key):
            print("OK  " + line)
    except (OSError, ValueError, VerificationError) as exc:
        print(f"FAILED  {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

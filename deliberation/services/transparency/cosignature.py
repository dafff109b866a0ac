"""Witness cosignatures on the record's checkpoints, in the C2SP format (c2sp.org/tlog-cosignature).

A witness that has checked a checkpoint against the last one it kept (witness.py) states so by signing

    cosignature/v1
    time <seconds since 1970, UTC>
    <the checkpoint's body>

with its own Ed25519 key. The statement is a signed-note signature line,
`— <witness name> base64(key ID || 8-byte big-endian time || signature)`, whose key ID is the first four
bytes of SHA-256(name || 0x0A || 0x04 || public key), appended to the checkpoint's own signature lines.
Its verifier key is written like the log's: name+hex key ID+base64(0x04 || public key).

The witness keeps its key in its state folder (`witness/key.json`, owner-only); the site it reports to
trusts the witnesses whose verifier keys its operator listed in RECORD_WITNESSES.
"""
import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .verify_record import DASH, VerificationError, _b64

COSIGNATURE_V1 = b"\x04"


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + COSIGNATURE_V1 + public).digest()[:4]


def signed_message(checkpoint_body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_body}".encode()


@dataclass
class WitnessKey:
    name: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def verifier_key(self) -> str:
        return f"{self.name}+{key_id(self.name, self.public).hex()}+{base64.b64encode(COSIGNATURE_V1 + self.public).decode()}"

    def cosign(self, checkpoint_body: str, timestamp: int) -> str:
        """The signature line stating that this witness saw the checkpoint at `timestamp`."""
        signature = self.private.sign(signed_message(checkpoint_body, timestamp))
        blob = key_id(self.name, self.public) + struct.pack(">Q", timestamp) + signature
        return f"{DASH}{self.name} {base64.b64encode(blob).decode()}"


def load_or_create_key(folder: Path, name: str | None) -> tuple[WitnessKey, bool]:
    """The witness's key from its folder, made on first use with `name`; (key, made now)."""
    path = Path(folder) / "witness" / "key.json"
    if path.exists():
        stored = json.loads(path.read_text())
        if name and name != stored["name"]:
            raise ValueError(f"This witness is named '{stored['name']}'; its key cannot take another name.")
        seed = base64.b64decode(stored["seed"])
        return WitnessKey(stored["name"], Ed25519PrivateKey.from_private_bytes(seed)), False
    if not name or any(c.isspace() or c == "+" for c in name):
        raise ValueError("Give the witness a name without spaces or '+' (--name), once: it is kept with its key.")
    path.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # the private key: owner-only
    with os.fdopen(fd, "w") as handle:
        json.dump({"name": name, "seed": base64.b64encode(seed).decode()}, handle)
    return WitnessKey(name, private), True


@dataclass(frozen=True)
class TrustedWitness:
    name: str
    key_id: bytes
    public: bytes
    verifier_key: str


def parse_witness_key(text: str) -> TrustedWitness:
    """name+keyid+base64(0x04 || key) -> the witness it names; checks the type and the key ID."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8 or not parts[0]:
        raise VerificationError("The witness key is malformed (expected name+keyid+key).")
    try:
        wanted = bytes.fromhex(parts[1])
    except ValueError:
        raise VerificationError("The witness key's ID is not hexadecimal.") from None
    data = _b64(parts[2], "The witness key")
    if len(data) != 33 or data[:1] != COSIGNATURE_V1:
        raise VerificationError("The witness key is not a cosignature/v1 Ed25519 key.")
    if key_id(parts[0], data[1:]) != wanted:
        raise VerificationError("The witness key's ID does not match its name and key.")
    return TrustedWitness(parts[0], wanted, data[1:], text.strip())


def verify_cosignature(checkpoint_body: str, line: str, witness: TrustedWitness) -> int | None:
    """The time of the witness's cosignature when `line` is one by `witness` that verifies; None when the
    line is by someone else; VerificationError when it is by this witness and does not verify."""
    if not line.startswith(DASH):
        raise VerificationError("A signature line is malformed.")
    signer, _, encoded = line[len(DASH):].rpartition(" ")
    blob = _b64(encoded, "A signature")
    if signer != witness.name or blob[:4] != witness.key_id:
        return None
    if len(blob) != 4 + 8 + 64:
        raise VerificationError("The cosignature is not 76 bytes (key ID, time, Ed25519 signature).")
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    try:
        Ed25519PublicKey.from_public_bytes(witness.public).verify(blob[12:], signed_message(checkpoint_body, timestamp))
    except InvalidSignature:
        raise VerificationError(f"The cosignature of '{witness.name}' does not verify.") from None
    return timestamp

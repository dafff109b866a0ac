"""The record's signing key and its signed checkpoints, in the C2SP signed-note format.

A checkpoint (c2sp.org/tlog-checkpoint) is a note: the origin line, the tree size, the base64 root
hash, one extension line with the time of the newest event, then a blank line and the signature line
`— <name> <base64(key ID || Ed25519 signature)>` (c2sp.org/signed-note). The key ID is the first four
bytes of SHA-256(name || 0x0A || 0x01 || public key). The note for a given tree size is always the
same text (Ed25519 signatures are deterministic and the time is the newest event's), so a
checkpoint is simply signed when asked for: each write is followed by a new one.

The private key is `RECORD_SIGNING_KEY` (base64 of the 32-byte Ed25519 seed) from the environment,
or one generated once into the instance folder (`record_signing_key`, owner-only), like the secret key
(see config.py); the log's name is `RECORD_ORIGIN`, by default BASE_URL's host and path + /record.
"""
import base64
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...models import RecordEvent
from .proofs import Tree

ED25519 = b"\x01"


@dataclass
class SigningKey:
    name: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n" + ED25519 + self.public).digest()[:4]

    @property
    def verifier_key(self) -> str:
        """The note verifier key string: name+hex key ID+base64(0x01 || public key)."""
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ED25519 + self.public).decode()}"

    def sign(self, body: str) -> str:
        signature = base64.b64encode(self.key_id + self.private.sign(body.encode())).decode()
        return f"{body}\n\u2014 {self.name} {signature}\n"


def signing_key() -> SigningKey:
    seed = base64.b64decode(current_app.config["RECORD_SIGNING_KEY"])
    return SigningKey(current_app.config["RECORD_ORIGIN"], Ed25519PrivateKey.from_private_bytes(seed))


def checkpoint_body(name: str, size: int, root: bytes, time: str) -> str:
    return f"{name}\n{size}\n{base64.b64encode(root).decode()}\ntime {time}\n"


def signed_checkpoint(tree: Tree) -> str:
    """The signed note for the tree as it stands (two queries: the newest event and the root)."""
    newest = db.session.scalar(select(RecordEvent.created_at).where(RecordEvent.seq == tree.size)) if tree.size else None
    time = newest.isoformat(timespec="seconds") if newest else "-"
    key = signing_key()
    return key.sign(checkpoint_body(key.name, tree.size, tree.root(), time))

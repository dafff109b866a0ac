"""The witnesses this site trusts (RECORD_WITNESSES): their reports, and what they say about the record now.

A witness reports by posting the checkpoint it checked, with its cosignature line appended (cosignature.py).
The report is kept when the checkpoint is one this site signed and the cosignature verifies with a
trusted witness's key; only the newest report of each witness is kept. Whether the record still agrees
with what a witness saw is computed when asked: the root of today's tree at the witness's size must be
the root it cosigned. A rewrite of history (even one that recomputes every hash and the tree) changes
that root, and a truncation leaves the record smaller than what the witness saw.
"""
import base64
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...models import WitnessView
from ...models._base import utcnow
from ..errors import Forbidden, Invalid
from .checkpoint import signing_key
from .cosignature import TrustedWitness, parse_witness_key, verify_cosignature
from .proofs import current_tree, roots
from .verify_record import Checkpoint, VerificationError

MAX_REPORT_BYTES = 8192
CLOCK_SKEW = timedelta(minutes=10)  # a cosignature dated further ahead than this is refused


def trusted_witnesses() -> list[TrustedWitness]:
    return [parse_witness_key(text) for text in current_app.config.get("RECORD_WITNESSES") or []]


def _checked_checkpoint(note: str) -> Checkpoint:
    try:
        checkpoint = Checkpoint(note)
        checkpoint.verify(signing_key().verifier_key)
    except VerificationError:
        raise Invalid("This is not a checkpoint signed by this site's record key.", field="body",
                      code="not_this_record") from None
    return checkpoint


def receive_report(note: str) -> list[dict]:
    """Keep the cosignatures of trusted witnesses on one of this site's checkpoints; what each one said."""
    checkpoint = _checked_checkpoint(note)
    accepted = []
    for witness in trusted_witnesses():
        for line in checkpoint.signatures:
            try:
                timestamp = verify_cosignature(checkpoint.body, line, witness)
            except VerificationError:
                raise Invalid("The cosignature of witness '%(name)s' does not verify.", field="body",
                              code="bad_cosignature", name=witness.name) from None
            if timestamp is not None:
                accepted.append(_keep(witness, checkpoint, timestamp, note))
    if not accepted:
        raise Forbidden("The checkpoint carries no cosignature by a witness this site trusts.",
                        code="unknown_witness")
    db.session.flush()
    views = {view["witness"]: view for view in witness_views()}
    return [{**report, "agrees": views[report["witness"]]["status"] == "agrees"} for report in accepted]


def _keep(witness: TrustedWitness, checkpoint: Checkpoint, timestamp: int, note: str) -> dict:
    cosigned_at = datetime.fromtimestamp(timestamp, timezone.utc)
    if cosigned_at > utcnow() + CLOCK_SKEW:
        raise Invalid("The cosignature is dated in the future.", field="body", code="bad_cosignature")
    view = db.session.scalar(select(WitnessView).where(WitnessView.witness == witness.name))
    if view is not None and cosigned_at <= view.cosigned_at:
        return {"witness": witness.name, "size": checkpoint.size, "stored": False}  # older than the one kept
    if view is None:
        view = WitnessView(witness=witness.name)
        db.session.add(view)
    view.size, view.root, view.cosigned_at, view.note = checkpoint.size, checkpoint.root, cosigned_at, note
    view.received_at = utcnow()
    return {"witness": witness.name, "size": checkpoint.size, "stored": True}


@dataclass
class WitnessStatus:
    name: str
    verifier_key: str
    view: WitnessView | None
    status: str  # agrees, differs (history rewritten), shrank (events removed), none (no report yet)

    def as_json(self) -> dict:
        view = self.view
        return {"witness": self.name, "verifier_key": self.verifier_key, "status": self.status,
                "view": None if view is None else {
                    "size": view.size, "root": base64.b64encode(view.root).decode(),
                    "cosigned_at": view.cosigned_at.isoformat(timespec="seconds"),
                    "received_at": view.received_at.isoformat(timespec="seconds"), "note": view.note}}


def witness_statuses() -> list[WitnessStatus]:
    """Every trusted witness with its latest view and how the record compares (three queries in all)."""
    trusted = trusted_witnesses()
    if not trusted:
        return []
    views = {view.witness: view for view in db.session.scalars(
        select(WitnessView).where(WitnessView.witness.in_([w.name for w in trusted])))}
    size = current_tree().size
    known = roots([view.size for view in views.values() if view.size <= size])
    statuses = []
    for witness in trusted:
        view = views.get(witness.name)
        if view is None:
            status = "none"
        elif view.size > size:
            status = "shrank"
        else:
            status = "agrees" if known[view.size] == view.root else "differs"
        statuses.append(WitnessStatus(witness.name, witness.verifier_key, view, status))
    return statuses


def witness_views() -> list[dict]:
    return [status.as_json() for status in witness_statuses()]

"""A witness: keeps the last checkpoint it saw of a record (its own or another installation's) and
checks that each new one extends it, with the log's consistency proof.

On first contact the witness trusts the key the site publishes and keeps it beside the checkpoint
(trust on first use); from then on a checkpoint signed by any other key, a smaller tree, or a tree
that does not extend the kept one is an inconsistency. State lives in a folder of the witness's own
(the instance folder for `flask witness`), one file per watched record.

With `report`, a checkpoint found consistent is also cosigned with the witness's own key (cosignature.py,
made on first use) and posted back to the site, which lists it on its record pages when its operator
trusts this witness's key (RECORD_WITNESSES).
"""
import hashlib
import json
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from . import verify_record as v
from .cosignature import load_or_create_key


def http_get(url: str) -> str:
    with urlopen(url, timeout=30) as response:  # noqa: S310 (the operator gives the URL)
        return response.read().decode()


def http_post(url: str, text: str) -> str:
    request = Request(url, data=text.encode(), headers={"Content-Type": "text/plain; charset=utf-8"}, method="POST")
    try:
        with urlopen(request, timeout=30) as response:  # noqa: S310 (the operator gives the URL)
            return response.read().decode()
    except HTTPError as exc:  # the site's JSON error says why it refused the report
        try:
            reason = json.loads(exc.read().decode())["error"]["message"]
        except (ValueError, KeyError, TypeError):
            reason = str(exc)
        raise ValueError(f"The site refused the report ({exc.code}): {reason}") from None


def witness(base_url: str, folder: Path, fetch=http_get, *, report: bool = False, name: str | None = None,
            post=http_post) -> str:
    """Check the site's current checkpoint against the kept one and keep it; raise VerificationError."""
    api = base_url.rstrip("/") + "/api/v1/record"
    state_file = Path(folder) / "witness" / (hashlib.sha256(api.encode()).hexdigest()[:16] + ".json")
    state = json.loads(state_file.read_text()) if state_file.exists() else None
    key = state["key"] if state else json.loads(fetch(api + "/key"))["verifier_key"]
    new = v.Checkpoint(fetch(api + "/checkpoint"))
    new.verify(key)
    if state is None:
        message = f"First checkpoint of {new.origin} kept: {new.size} events (key {key})."
    else:
        old = v.Checkpoint(state["checkpoint"])
        proof = None
        if new.size >= old.size:
            proof = json.loads(fetch(api + "/proof/consistency?" + urlencode({"from": old.size, "to": new.size})))
        message = v.check_consistency(old, new, key, proof)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps({"url": base_url, "key": key, "checkpoint": new.text}))
    if report:
        message += "\n" + report_view(api, folder, new, name, post)
    return message


def report_view(api: str, folder: Path, checkpoint: v.Checkpoint, name: str | None, post=http_post) -> str:
    """Cosign the checkpoint just checked and post it to the site; what the site answered."""
    key, made = load_or_create_key(folder, name)
    note = checkpoint.text + key.cosign(checkpoint.body, int(time.time())) + "\n"
    answer = json.loads(post(api + "/witnesses", note))["accepted"][0]
    said = "it agrees with what you saw" if answer["agrees"] else "ALARM: its record does not agree with what you saw"
    lines = [f"Cosigned and reported to the site as {key.name}: {said}."]
    if made:
        lines.append(f"This witness's key, for the site's RECORD_WITNESSES: {key.verifier_key}")
    return "\n".join(lines)

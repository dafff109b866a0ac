"""What a record export carries so that it can be checked offline (see verify_record.py): the signed
checkpoint, the key that signed it, the inclusion proof of each of its events, and on request a
consistency proof from the size of a checkpoint the reader kept."""
from .checkpoint import signed_checkpoint, signing_key
from .proofs import current_tree
from .tree import b64


def export_proofs(seqs: list[int], since: int | None = None) -> dict:
    tree = current_tree()
    _root, proofs = tree.inclusions([seq - 1 for seq in seqs], tree.size)
    found = {"checkpoint": signed_checkpoint(tree), "key": signing_key().verifier_key, "size": tree.size,
             "inclusion": {str(index + 1): [b64(h) for h in proof] for index, proof in proofs.items()}}
    if since is not None and since <= tree.size:  # a smaller tree than the reader kept: they will see it shrank
        found["consistency"] = {"from": since, "to": tree.size, "proof": [b64(h) for h in tree.consistency(since, tree.size)]}
    return found

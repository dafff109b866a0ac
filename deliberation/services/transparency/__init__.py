"""The record's transparency log: a Merkle tree over its events (RFC 9162 hashing), proofs that an
event is in it and that today's tree extends yesterday's, and checkpoints signed in the C2SP
signed-note format, so that outsiders can check the record without trusting the server.

- `tree`: the hashing rules and the pure arithmetic of subtrees (no database);
- `store`: the stored complete-subtree hashes, appended with each record event;
- `proofs`: roots, inclusion and consistency proofs from the stored hashes (one query each);
- `checkpoint`: the signing key and the signed checkpoint;
- `witness`: the witness run from cron elsewhere (`flask witness`), `cosignature` its signed statements,
  `witnesses` the reports of the witnesses this site trusts (RECORD_WITNESSES) and how they compare;
- `verify_record`: the stand-alone verifier (standard library + `cryptography`), shipped to readers.
"""

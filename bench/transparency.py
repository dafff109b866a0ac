"""Bench for the record's transparency log (issue 17): `python -m bench.transparency [N]`.

On a fresh SQLite file (or DATABASE_URL): builds the Merkle tree of N leaves in one pass as migration
0006 does (hashing and batched inserts, without reading events), then times appending a leaf
(`store.append_leaf`) and serving inclusion and consistency proofs at that size, with their
query counts and proof lengths. Prints one line per measure.
"""
import os
import statistics
import sys
import tempfile
import time

from sqlalchemy import event, insert

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000


def main() -> None:
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp())
    from deliberation import create_app
    from deliberation.extensions import db
    from deliberation.models import RecordTreeNode
    from deliberation.services.transparency import store, tree
    from deliberation.services.transparency.proofs import Tree

    url = os.environ.get("DATABASE_URL") or "sqlite:///" + os.path.join(os.environ["INSTANCE_PATH"], "bench.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LOAD_DEMO": False})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        batch = []
        for level, index, value in tree.build(tree.leaf_hash(i.to_bytes(8, "big")) for i in range(N)):
            batch.append({"level": level, "idx": index, "hash": value})
            if len(batch) >= 10_000:
                db.session.execute(insert(RecordTreeNode), batch)
                batch = []
        if batch:
            db.session.execute(insert(RecordTreeNode), batch)
        db.session.commit()
        print(f"build {N} leaves: {time.perf_counter() - started:.1f} s")
        queries = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
        appends = []
        for i in range(200):
            t = time.perf_counter()
            store.append_leaf(N + i, tree.leaf_hash(b"x%d" % i))
            appends.append(time.perf_counter() - t)
        db.session.commit()
        print(f"append a leaf: median {statistics.median(appends) * 1000:.2f} ms")
        size = N + 200
        for name, call in (("inclusion", lambda i: Tree(size).inclusion(i * 4999 % size, size)[1]),
                           ("consistency", lambda i: Tree(size).consistency(i * 4999 % size + 1, size))):
            times, lengths = [], []
            for i in range(200):
                queries.clear()
                t = time.perf_counter()
                lengths.append(len(call(i)))
                times.append(time.perf_counter() - t)
            print(f"{name} proof: median {statistics.median(times) * 1000:.2f} ms, {len(queries)} query, "
                  f"up to {max(lengths)} hashes (log2 n = {size.bit_length()})")


if __name__ == "__main__":
    main()

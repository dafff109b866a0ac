"""The record's Merkle tree against RFC 9162 / Certificate Transparency test vectors, checked by the
stand-alone verifier (written from the RFC, separately from the code that builds the tree) and by a
reference tree hash written straight from the RFC's definition of MTH."""
import hashlib

import pytest

from deliberation.services.transparency import tree
from deliberation.services.transparency import verify_record as v

# The eight inputs and the roots of trees of 0..8 of them, as used by Certificate Transparency's and
# transparency-dev/merkle's test data.
INPUTS = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f")]
ROOTS = ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
# (leaf index from 0, tree size, proof)
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
LEAVES = [hashlib.sha256(b"\x00" + entry).digest() for entry in INPUTS]


def mth(leaves: list[bytes]) -> bytes:
    """MTH of RFC 9162 §2.1.1, literally: split at the largest power of two smaller than n."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def root_from_nodes(size: int, nodes: dict) -> bytes:
    return tree.fold([nodes[node] for node in tree.decompose(0, size)]) if size else tree.EMPTY_ROOT


def test_reference_roots_from_the_rfc_definition():
    assert [mth(LEAVES[:n]).hex() for n in range(9)] == ROOTS


def test_built_subtrees_give_the_reference_roots_at_every_size():
    nodes = {}
    for size in range(1, 9):
        nodes.update({(level, index): value for level, index, value in tree.build(LEAVES[:size])})
        assert root_from_nodes(size, nodes).hex() == ROOTS[size]


def test_appending_leaf_by_leaf_builds_the_same_nodes_as_the_one_pass_build():
    leaves = [tree.leaf_hash(bytes([i])) for i in range(70)]
    stored = {}
    for index, leaf in enumerate(leaves):
        siblings = {node: stored[node] for node in tree.parents_of_leaf(index)}
        stored.update({(level, i): value for level, i, value in tree.new_nodes(index, leaf, siblings)})
    assert stored == {(level, i): value for level, i, value in tree.build(leaves)}
    for size in (1, 2, 3, 31, 32, 33, 70):
        assert root_from_nodes(size, stored) == mth(leaves[:size])


@pytest.mark.parametrize("index, size, proof", INCLUSION)
def test_inclusion_vectors_verify(index, size, proof):
    hashes = [bytes.fromhex(h) for h in proof]
    root = bytes.fromhex(ROOTS[size])
    assert v.verify_inclusion(index, size, LEAVES[index], hashes, root)
    assert not v.verify_inclusion(index, size, LEAVES[index], hashes, bytes.fromhex(ROOTS[size - 1]))
    assert not v.verify_inclusion(index, size, LEAVES[(index + 1) % size], hashes, root)
    assert not v.verify_inclusion(index, size, LEAVES[index], hashes[:-1], root)
    assert not v.verify_inclusion(size, size, LEAVES[index], hashes, root)


@pytest.mark.parametrize("first, second, proof", CONSISTENCY)
def test_consistency_vectors_verify(first, second, proof):
    hashes = [bytes.fromhex(h) for h in proof]
    old, new = bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second])
    assert v.verify_consistency(first, second, old, new, hashes)
    if first != second:
        assert not v.verify_consistency(first, second, bytes.fromhex(ROOTS[first - 1]), new, hashes)
        assert not v.verify_consistency(first, second, old, new, hashes[:-1])


def test_decompose_covers_a_range_with_aligned_subtrees_largest_first():
    assert tree.decompose(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert tree.decompose(8, 11) == [(1, 4), (0, 10)]
    assert tree.decompose(4, 8) == [(2, 1)]

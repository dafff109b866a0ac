"""RFC 9162 hashing and the arithmetic of the record's Merkle tree, without a database.

The leaf of event number `seq` is at index `seq - 1`; its entry bytes are the 32 raw bytes of the
event's chain hash (SHA-256 of its canonical content, see `services.record`). So the tree commits to
every field the chain covers, and a leaf can be published for an event that is not public without
revealing anything of it.

Stored nodes are complete subtrees: node (level, index) is the hash of leaves
[index * 2**level, (index + 1) * 2**level). Any range the RFC's recursion uses is a run of such
nodes, largest first, and its hash is their right fold.
"""
import base64
import hashlib
from collections.abc import Iterable, Iterator

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def entry_bytes(chain_hash: str) -> bytes:
    """The leaf's entry: the event's chain hash (64 hex digits) as 32 raw bytes."""
    return bytes.fromhex(chain_hash)


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2): where the RFC splits a tree."""
    return 1 << ((size - 1).bit_length() - 1)


def decompose(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees (level, index) that make up leaves [start, end), largest first."""
    nodes = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while start + (1 << level) > end:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: list[bytes]) -> bytes:
    """The hash of a range from its complete subtrees, largest first."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def parents_of_leaf(index: int) -> list[tuple[int, int]]:
    """The left siblings a new leaf at `index` completes subtrees with: (level, index) per level."""
    siblings, level = [], 0
    while (index >> level) & 1:
        siblings.append((level, (index >> level) - 1))
        level += 1
    return siblings


def new_nodes(index: int, leaf: bytes, siblings: dict[tuple[int, int], bytes]) -> list[tuple[int, int, bytes]]:
    """The nodes appending leaf hash `leaf` at `index` adds: the leaf and each subtree it completes."""
    nodes, current = [(0, index, leaf)], leaf
    for level, sibling in parents_of_leaf(index):
        current = node_hash(siblings[(level, sibling)], current)
        nodes.append((level + 1, (sibling + 1) >> 1, current))
    return nodes


def build(leaves: Iterable[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """Every complete-subtree node of the tree over these leaf hashes, in one pass (the migration)."""
    border: dict[tuple[int, int], bytes] = {}
    for index, leaf in enumerate(leaves):
        for level, node_index, value in new_nodes(index, leaf, border):
            border[(level, node_index)] = value
            yield level, node_index, value
        for level, sibling in parents_of_leaf(index):  # absorbed: no later leaf needs them
            border.pop((level, sibling), None)
            border.pop((level, sibling + 1), None)

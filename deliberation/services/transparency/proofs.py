"""Roots, inclusion and consistency proofs (RFC 9162 §2.1.3 and §2.1.4) from the stored subtrees.

Each proof is planned first as the list of leaf ranges whose hashes it carries (the RFC's recursive
definitions, over ranges), then every complete subtree those ranges need is read in one query. A
proof has O(log n) hashes and reads O(log n) rows, whatever the size of the record.
"""
from dataclasses import dataclass

from ..errors import Invalid
from . import store
from .tree import EMPTY_ROOT, decompose, fold, split

Range = tuple[int, int]


def _path(index: int, start: int, end: int) -> list[Range]:
    """PATH(m, D[start:end]): the ranges beside the leaf's path, from the leaf up."""
    if end - start == 1:
        return []
    middle = start + split(end - start)
    if index < middle:
        return _path(index, start, middle) + [(middle, end)]
    return _path(index, middle, end) + [(start, middle)]


def _subproof(size: int, start: int, end: int, whole: bool) -> list[Range]:
    """SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1, with m = size leaves from `start`."""
    if start + size == end:
        return [] if whole else [(start, end)]
    middle = start + split(end - start)
    if start + size <= middle:
        return _subproof(size, start, middle, whole) + [(middle, end)]
    return _subproof(size - (middle - start), middle, end, False) + [(start, middle)]


def _hashes(ranges: list[Range]) -> list[bytes]:
    wanted = {node for start, end in ranges for node in decompose(start, end)}
    found = store.nodes(wanted)
    return [fold([found[node] for node in decompose(start, end)]) for start, end in ranges]


@dataclass
class Tree:
    size: int

    def root(self) -> bytes:
        return _hashes([(0, self.size)])[0] if self.size else EMPTY_ROOT

    def check_size(self, size: int, field: str) -> None:
        if not 0 <= size <= self.size:
            raise Invalid("'%(name)s' must be between 0 and the tree size, %(size)s.", field=field, name=field,
                          size=self.size)

    def inclusion(self, index: int, size: int) -> tuple[bytes, list[bytes]]:
        """The root of the tree of `size` leaves and the inclusion proof of leaf `index` in it."""
        root, proofs = self.inclusions([index], size)
        return root, proofs[index]

    def inclusions(self, indexes: list[int], size: int) -> tuple[bytes, dict[int, list[bytes]]]:
        """The root of the tree of `size` leaves and the inclusion proofs of these leaves, read together."""
        self.check_size(size, "size")
        for index in indexes:
            if not 0 <= index < size:
                raise Invalid("'index' must be at least 0 and smaller than 'size'.", field="index")
        paths = {index: _path(index, 0, size) for index in indexes}
        found = _hashes([(0, size)] + [r for index in indexes for r in paths[index]])
        proofs, at = {}, 1
        for index in indexes:
            proofs[index] = found[at:at + len(paths[index])]
            at += len(paths[index])
        return found[0], proofs

    def consistency(self, first: int, second: int) -> list[bytes]:
        """The proof that the tree of `second` leaves extends the tree of `first` leaves."""
        self.check_size(second, "to")
        if not 0 <= first <= second:
            raise Invalid("'from' must be between 0 and 'to'.", field="from")
        if first == 0 or first == second:
            return []
        return _hashes(_subproof(first, 0, second, True))


def roots(sizes: list[int]) -> dict[int, bytes]:
    """The roots of the trees of these sizes (each at most the tree's), read in one query."""
    wanted = sorted({size for size in sizes if size})
    return {0: EMPTY_ROOT, **dict(zip(wanted, _hashes([(0, size) for size in wanted])))} if wanted else {0: EMPTY_ROOT}


def current_tree() -> Tree:
    return Tree(store.tree_size())
